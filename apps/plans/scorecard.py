"""The annual scorecard of each organisation (R3: responsibility tied to the annual evaluation).

Kế hoạch 145-KH/HU ties the implementation of Chỉ thị 11-CT/TW to "việc đánh giá
kết quả công tác hàng năm" of each committee, body and organisation, its head first.
For an organisation and a year, as of a date (by default 31 December of the year,
or today while the year runs):

- **tasks** it leads whose deadline falls in the year and has passed by the as-of
  date: done on time, done late, overdue (tasks still in their period are shown as
  in progress but not scored; recurring tasks are scored by their occurrences);
- **targets** it answers for whose deadline falls in the year and has passed: met
  or missed (status rule of ``apps.plans.status``; not yet due: shown, not scored);
- **recommendations** of inspections and supervision visits of it in the year:
  resolved (by their date or by completing their follow-up task) by the as-of date, or open.

Score (0–100) = 100 × points / items scored, where a task done on time is 1 point,
done late ½, overdue 0; a target met 1, missed 0; a recommendation resolved 1, open
0. An organisation with nothing scored has no score and comes last. Ranking: score
descending, then fewer overdue tasks, then name; equal scores and overdue counts
share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.scope import scope_for
from apps.organisations.models import Organisation
from apps.places.models import Unit
from apps.plans import status as rules
from apps.plans.models import Recommendation, Recurrence, Target, Task


@dataclass
class ScorecardRow:
    organisation: Organisation
    year: int
    as_of: dt.date
    tasks_on_time: int = 0
    tasks_late: int = 0
    tasks_overdue: int = 0
    tasks_in_progress: int = 0
    targets_met: int = 0
    targets_missed: int = 0
    targets_open: int = 0
    recommendations_resolved: int = 0
    recommendations_open: int = 0
    score: Decimal | None = None
    rank: int | None = None

    @property
    def tasks_total(self) -> int:
        return self.tasks_on_time + self.tasks_late + self.tasks_overdue + self.tasks_in_progress

    @property
    def targets_total(self) -> int:
        return self.targets_met + self.targets_missed + self.targets_open

    @property
    def recommendations_total(self) -> int:
        return self.recommendations_resolved + self.recommendations_open

    @property
    def head(self) -> str:
        parts = (self.organisation.head_title, self.organisation.head_name)
        return " — ".join(part for part in parts if part)

    def compute_score(self) -> None:
        items = (self.tasks_on_time + self.tasks_late + self.tasks_overdue + self.targets_met
                 + self.targets_missed + self.recommendations_total)
        if not items:
            self.score = None
            return
        points = (Decimal(self.tasks_on_time) + Decimal(self.tasks_late) / 2 + self.targets_met
                  + self.recommendations_resolved)
        self.score = (points * 100 / items).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def default_as_of(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), timezone.localdate())


def _tasks(organisations: QuerySet, year: int, as_of: dt.date) -> dict[int, dict[str, int]]:
    tasks = Task.objects.filter(lead__in=organisations, deadline__year=year).exclude(
        recurrence__in=[Recurrence.YEARLY, Recurrence.QUARTERLY])
    annotated = tasks.order_by().annotate(status=rules.task_status_expression(as_of))
    rows = annotated.values("lead_id").annotate(**{
        value: Count("pk", filter=Q(status=value)) for value in rules.TASK_STATUSES
    })
    return {row["lead_id"]: row for row in rows}


def _recommendations(organisations: QuerySet, year: int, as_of: dt.date) -> dict[int, dict[str, int]]:
    recommendations = Recommendation.objects.filter(
        inspection__subject__in=organisations, inspection__date__year=year
    ).annotate(resolved=Coalesce("resolved_on", "follow_up__completed_on"))
    rows = recommendations.order_by().values("inspection__subject_id").annotate(
        total=Count("pk"), done=Count("pk", filter=Q(resolved__lte=as_of)))
    return {row["inspection__subject_id"]: row for row in rows}


def scorecard(user, year: int, *, unit: Unit | None = None,
              as_of: dt.date | None = None) -> list[ScorecardRow]:
    """Ranked scorecard rows of the organisations the user may see (optionally under ``unit``).

    Only organisations with a task, target or recommendation in the year have a row.
    A handful of queries whatever the number of organisations.
    """
    as_of = as_of or default_as_of(year)
    organisations = scope_for(user).filter(Organisation.objects.all(), "unit")
    if unit is not None:
        organisations = organisations.filter(unit__path__startswith=unit.path)
    tasks = _tasks(organisations, year, as_of)
    recommendations = _recommendations(organisations, year, as_of)
    targets = list(Target.objects.filter(organisation__in=organisations, deadline__year=year)
                   .select_related("document"))
    target_rows: dict[int, list[str]] = {}
    if targets:
        from apps.plans.services import target_progress

        for progress in target_progress(targets, as_of):
            target_rows.setdefault(progress.target.organisation_id, []).append(progress.status)
    ids = set(tasks) | set(recommendations) | set(target_rows)
    rows = []
    for organisation in organisations.filter(pk__in=ids).select_related("unit"):
        row = ScorecardRow(organisation, year, as_of)
        counts = tasks.get(organisation.pk, {})
        row.tasks_on_time = counts.get(rules.DONE_ON_TIME, 0)
        row.tasks_late = counts.get(rules.DONE_LATE, 0)
        row.tasks_overdue = counts.get(rules.OVERDUE, 0)
        row.tasks_in_progress = counts.get(rules.IN_PROGRESS, 0)
        statuses = target_rows.get(organisation.pk, [])
        row.targets_met = statuses.count(rules.MET)
        row.targets_missed = statuses.count(rules.MISSED)
        row.targets_open = len(statuses) - row.targets_met - row.targets_missed
        recs = recommendations.get(organisation.pk, {})
        row.recommendations_resolved = recs.get("done", 0)
        row.recommendations_open = recs.get("total", 0) - row.recommendations_resolved
        row.compute_score()
        rows.append(row)
    return rank(rows)


def rank(rows: list[ScorecardRow]) -> list[ScorecardRow]:
    """Order and rank (see the module docstring); rows without a score come last, unranked."""
    scored = sorted((r for r in rows if r.score is not None),
                    key=lambda r: (-r.score, r.tasks_overdue, r.organisation.name))
    previous: tuple | None = None
    for position, row in enumerate(scored, start=1):
        key = (row.score, row.tasks_overdue)
        row.rank = scored[position - 2].rank if key == previous else position
        previous = key
    unscored = sorted((r for r in rows if r.score is None), key=lambda r: r.organisation.name)
    return scored + unscored
