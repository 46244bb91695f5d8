"""Status of tasks and targets as of a date (the national task follow-up model).

Tasks (computed in the database, so that lists and counts are set-wise)::

    done_on_time   completed on or before the as-of date, on or before its deadline
                   (completed on the deadline day is on time; no deadline: on time)
    done_late      completed on or before the as-of date, after its deadline
    overdue        not completed by the as-of date, and the deadline is before it
    in_progress    not completed by the as-of date, the deadline not passed
                   (a deadline on the as-of date itself is still in progress)

A task completed *after* the as-of date was not done on that date: it is
``in_progress`` or ``overdue`` then.

Targets (computed in Python from the target's value, see ``target_status``):

    met        the value reaches the target (≥ for "increase", ≤ for "decrease")
    missed     not met and the deadline is before the as-of date
    on_track   not met, deadline not passed, and the value reaches the expected value
               of a straight line from the baseline (at the baseline date) to the target
               (at the deadline)
    at_risk    not met, deadline not passed, behind that line, or no value known
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"
TASK_STATUSES = (DONE_ON_TIME, DONE_LATE, IN_PROGRESS, OVERDUE)
TASK_STATUS_LABELS = {
    DONE_ON_TIME: _("done on time"),
    DONE_LATE: _("done late"),
    IN_PROGRESS: _("in progress"),
    OVERDUE: _("overdue"),
}

MET = "met"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
MISSED = "missed"
TARGET_STATUSES = (MET, ON_TRACK, AT_RISK, MISSED)
TARGET_STATUS_LABELS = {
    MET: _("met"),
    ON_TRACK: _("on track"),
    AT_RISK: _("at risk"),
    MISSED: _("missed"),
}

# "Overdue first" ordering of task lists: the work that needs a phone call comes first.
STATUS_RANK = {OVERDUE: 0, IN_PROGRESS: 1, DONE_LATE: 2, DONE_ON_TIME: 3}


def task_status_expression(as_of: dt.date, prefix: str = "") -> Case:
    """The status of a task on ``as_of`` as a database expression.

    ``prefix`` reaches the task through a relation (``"follow_up__"``).
    """
    completed = f"{prefix}completed_on"
    deadline = f"{prefix}deadline"
    done = Q(**{f"{completed}__isnull": False, f"{completed}__lte": as_of})
    return Case(
        When(done & (Q(**{f"{deadline}__isnull": True}) | Q(**{f"{completed}__lte": F(deadline)})),
             then=Value(DONE_ON_TIME)),
        When(done, then=Value(DONE_LATE)),
        When(Q(**{f"{deadline}__lt": as_of}), then=Value(OVERDUE)),
        default=Value(IN_PROGRESS),
        output_field=models.CharField(),
    )


def with_status(tasks: QuerySet, as_of: dt.date) -> QuerySet:
    """Annotate ``status`` (one of ``TASK_STATUSES``) and ``status_rank`` (overdue first) on tasks."""
    return tasks.annotate(status=task_status_expression(as_of)).annotate(
        status_rank=Case(
            *[When(status=value, then=Value(rank)) for value, rank in STATUS_RANK.items()],
            output_field=models.IntegerField(),
        )
    )


def status_counts(tasks: QuerySet, as_of: dt.date) -> dict[str, int]:
    """A count per status in one query; every status present (0 when none)."""
    expression = task_status_expression(as_of)
    annotated = tasks.order_by().annotate(status=expression)
    row = annotated.aggregate(**{
        value: Count("pk", filter=Q(status=value)) for value in TASK_STATUSES
    })
    return {value: row[value] or 0 for value in TASK_STATUSES}


def task_status(deadline: dt.date | None, completed_on: dt.date | None, as_of: dt.date) -> str:
    """The same rule in Python, for one task held in memory (forms, tests)."""
    if completed_on is not None and completed_on <= as_of:
        return DONE_ON_TIME if deadline is None or completed_on <= deadline else DONE_LATE
    if deadline is not None and deadline < as_of:
        return OVERDUE
    return IN_PROGRESS


def expected_value(baseline: Decimal, target: Decimal, start: dt.date, deadline: dt.date,
                   as_of: dt.date) -> Decimal:
    """The value a straight line from (start, baseline) to (deadline, target) reaches on ``as_of``."""
    total = (deadline - start).days
    if total <= 0 or as_of >= deadline:
        return target
    elapsed = max((as_of - start).days, 0)
    return baseline + (target - baseline) * Decimal(elapsed) / Decimal(total)


def reaches(value: Decimal, goal: Decimal, direction: str) -> bool:
    return value <= goal if direction == "decrease" else value >= goal


def target_status(*, value: Decimal | None, baseline: Decimal | None, target: Decimal, direction: str,
                  start: dt.date, deadline: dt.date, as_of: dt.date) -> str:
    """Met, on track, at risk or missed (see the module docstring; ``docs/plans.md``).

    Without a baseline the line starts at the target itself: any value short of
    the target is behind it.
    """
    if value is not None and reaches(value, target, direction):
        return MET
    if as_of > deadline:
        return MISSED
    if value is None:
        return AT_RISK
    expected = expected_value(baseline if baseline is not None else target, target, start, deadline, as_of)
    return ON_TRACK if reaches(value, expected, direction) else AT_RISK
