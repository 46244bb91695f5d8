"""Services of the plans app: the contract that pages, API, commands and tasks call.

Reading (always scoped through ``apps.accounts.scope.scope_for``, failing closed)
--------------------------------------------------------------------------------
- ``visible_documents(user)``: documents on units the user covers, the documents
  *above* them (the district's and the province's plans for a commune officer) and
  the central documents (no unit); nothing without a role.
- ``visible_tasks(user)``, ``visible_targets(user)``, ``visible_inspections(user)``,
  ``visible_obstacles(user)``, ``visible_recommendations(user)``: records on covered units.
- ``get_document_for_user(user, pk)`` / ``get_task_for_user`` / ``get_target_for_user`` /
  ``get_inspection_for_user`` / ``get_obstacle_for_user``: one record or ``Http404``.
- ``tasks_as_of(user, as_of, document=None)``: visible tasks annotated with ``status``
  and ``status_rank`` (``apps.plans.status``), ordered overdue first, then by deadline.
- ``task_summary(tasks, as_of)``: a count per status in one query.
- ``document_tree(user)``: the visible cascade as nested ``DocumentNode``s.
- ``target_progress(targets, as_of)``: ``TargetProgress`` rows (value, its source,
  expected value, percent of the way, status met/on_track/at_risk/missed).
- ``can_edit(user, unit)``: may the user write plans records on ``unit`` (PLANS capability).

Writing (each owns its transaction; ``PermissionDenied`` without the PLANS capability
on the record's unit; ``DomainError`` naming the field on bad input; ``user=None``
means the system: the command line and the demo)
---------------------------------------------------------------------------------
- documents: ``create_document``, ``update_document`` (cycle refused), ``add_attachment``
- targets: ``create_target``, ``update_target``, ``report_target_value``
- tasks: ``create_task``, ``update_task``, ``cascade_preview`` (what a cascade would make, no
  write), ``cascade_task`` (one sub-task per commune), ``schedule_occurrences`` /
  ``schedule_task`` (recurring tasks), ``report_progress`` (optionally completing),
  ``complete_task``, ``reopen_task``
- authoring pages (one call per form, all or nothing): ``save_document`` (with an
  attachment), ``save_target``, ``save_task`` (with its occurrences)
- supervision (``apps.plans.supervision``, re-exported here): ``record_inspection``,
  ``add_recommendation`` (creates the follow-up task), ``resolve_recommendation``,
  ``raise_obstacle``, ``escalate_obstacle``, ``resolve_obstacle``

Reminders are in ``apps.plans.reminders``, the scorecard in ``apps.plans.scorecard``,
file imports in ``apps.plans.importing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import coverage_paths, scope_for
from apps.core.errors import DomainError
from apps.organisations.models import Organisation
from apps.places.models import Unit, UnitKind
from apps.plans import status as rules
from apps.plans.common import author as _author
from apps.plans.common import can_edit
from apps.plans.common import clean_text as _text
from apps.plans.common import not_future as _not_future
from apps.plans.common import require_plans as _require_plans
from apps.plans.lookups import ancestor_paths
from apps.plans.models import (
    Document,
    DocumentAttachment,
    DocumentKind,
    Inspection,
    Obstacle,
    ProgressUpdate,
    Recommendation,
    Recurrence,
    Target,
    TargetReport,
    Task,
)

MAX_DEPTH = 50  # far deeper than any real cascade; stops a corrupt loop


# --- reading -------------------------------------------------------------------------


def visible_documents(user) -> QuerySet[Document]:
    """Documents the user may read: on covered units, above them, and the central ones."""
    scope = scope_for(user)
    documents = Document.objects.select_related("unit", "issuer", "parent")
    if scope.is_empty:
        return documents.none()
    if scope.everything:
        return documents
    return documents.filter(
        Q(unit__isnull=True) | Q(unit__path__in=ancestor_paths(scope.prefixes)) | scope.q("unit__path")
    )


def visible_tasks(user) -> QuerySet[Task]:
    return scope_for(user).filter(Task.objects.select_related("unit", "lead", "document", "parent"), "unit")


def visible_targets(user) -> QuerySet[Target]:
    return scope_for(user).filter(Target.objects.select_related("unit", "document", "organisation"), "unit")


def visible_inspections(user) -> QuerySet[Inspection]:
    return scope_for(user).filter(Inspection.objects.select_related("unit", "subject", "document"), "unit")


def visible_recommendations(user) -> QuerySet[Recommendation]:
    return scope_for(user).filter(
        Recommendation.objects.select_related("inspection__subject", "follow_up"), "inspection__unit"
    )


def visible_obstacles(user) -> QuerySet[Obstacle]:
    return scope_for(user).filter(
        Obstacle.objects.select_related("unit", "raised_by", "escalated_to", "task"), "unit"
    )


def _get(queryset: QuerySet, pk: Any):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No record matches the given query.") from None


def get_document_for_user(user, pk: Any) -> Document:
    return _get(visible_documents(user), pk)


def get_task_for_user(user, pk: Any) -> Task:
    return _get(visible_tasks(user), pk)


def get_target_for_user(user, pk: Any) -> Target:
    return _get(visible_targets(user), pk)


def get_inspection_for_user(user, pk: Any) -> Inspection:
    return _get(visible_inspections(user), pk)


def get_obstacle_for_user(user, pk: Any) -> Obstacle:
    return _get(visible_obstacles(user), pk)


def tasks_as_of(user, as_of: dt.date, *, document: Document | None = None) -> QuerySet[Task]:
    """Visible tasks with ``status`` and ``status_rank``; overdue first, then by deadline."""
    tasks = visible_tasks(user)
    if document is not None:
        tasks = tasks.filter(document=document)
    return rules.with_status(tasks, as_of).order_by("status_rank", "deadline", "code")


def task_summary(tasks: QuerySet[Task], as_of: dt.date) -> dict[str, int]:
    return rules.status_counts(tasks, as_of)


@dataclass
class DocumentNode:
    document: Document
    children: list[DocumentNode] = field(default_factory=list)


def document_tree(user) -> list[DocumentNode]:
    """The visible cascade as trees; a document whose parent is hidden is a root."""
    documents = list(visible_documents(user).order_by("date", "number"))
    nodes = {document.pk: DocumentNode(document) for document in documents}
    roots: list[DocumentNode] = []
    for document in documents:
        parent = nodes.get(document.parent_id)
        (parent.children if parent else roots).append(nodes[document.pk])
    return roots


# --- target progress -------------------------------------------------------------------


@dataclass
class TargetProgress:
    target: Target
    value: Decimal | None
    source: str  # "metric", "report" or "" (no value)
    expected: Decimal
    status: str
    percent: int  # of the way from the baseline to the target, 0–100, for a progress bar


def _start(target: Target) -> dt.date:
    return target.baseline_on or target.document.date or timezone.localdate(target.created_at)


def _metric_values(targets: list[Target], as_of: dt.date) -> dict[tuple[str, int], Decimal]:
    """Live metric values for the metric-bound targets: one read per metric (period: the as-of year)."""
    from apps.metrics import services as metrics
    from apps.metrics.registry import METRICS

    found: dict[tuple[str, int], Decimal] = {}
    wanted: dict[str, set[int]] = {}
    for target in targets:
        if target.metric and target.metric in METRICS:
            wanted.setdefault(target.metric, set()).add(target.unit_id)
    for name, unit_ids in wanted.items():
        for unit_id, row in metrics.values(name, as_of.year, units=unit_ids).items():
            number = row.rate if row.value is None else row.value
            if number is not None:
                found[(name, unit_id)] = Decimal(str(round(float(number), 6)))
    return found


def _reported_values(targets: list[Target], as_of: dt.date) -> dict[int, Decimal]:
    """The last value reported on or before ``as_of`` for each target, in one query."""
    latest: dict[int, Decimal] = {}
    reports = TargetReport.objects.filter(target__in=[t.pk for t in targets], on__lte=as_of)
    for target_id, value in reports.order_by("target_id", "on", "pk").values_list("target_id", "value"):
        latest[target_id] = value
    return latest


def target_progress(targets, as_of: dt.date) -> list[TargetProgress]:
    """Value, expected value and status of each target on ``as_of`` (rule: ``apps.plans.status``).

    The value comes from the live metric when the target names one and the metric
    has a value for the unit in the as-of year; otherwise from the last value
    reported by hand on or before ``as_of``.
    """
    targets = list(targets.select_related("document") if isinstance(targets, QuerySet) else targets)
    live = _metric_values(targets, as_of)
    reported = _reported_values(targets, as_of)
    rows = []
    for target in targets:
        value, source = live.get((target.metric, target.unit_id)), "metric"
        if value is None:
            value, source = reported.get(target.pk), "report"
        if value is None:
            source = ""
        start = _start(target)
        baseline = target.baseline if target.baseline is not None else target.target_value
        expected = rules.expected_value(baseline, target.target_value, start, target.deadline, as_of)
        state = rules.target_status(
            value=value, baseline=target.baseline, target=target.target_value, direction=target.direction,
            start=start, deadline=target.deadline, as_of=as_of,
        )
        percent = 0
        if value is not None:
            span = target.target_value - baseline
            percent = 100 if span == 0 else int(max(0, min(100, (value - baseline) * 100 / span)))
            if state == rules.MET:
                percent = 100
        rows.append(TargetProgress(target, value, source, expected, state, percent))
    return rows


# --- writing: helpers ------------------------------------------------------------------


def _check_fields(fields: dict[str, Any], allowed: frozenset[str], function: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{function}() got fields it cannot set: {', '.join(sorted(unknown))}")


def _check_changes(user, record, changes: dict[str, Any], allowed: frozenset[str], function: str) -> None:
    """Known fields only; PLANS on the record's unit, and on the new unit when moving it."""
    _check_fields(changes, allowed, function)
    _require_plans(user, record.unit)
    if "unit" in changes:
        _require_plans(user, changes["unit"])


def _apply(user, record, changes: dict[str, Any], validate: Callable[[Any], None]) -> None:
    """Set the changed fields, tidy the title, validate and save with the author."""
    for name, value in changes.items():
        setattr(record, name, value)
    record.title = _text(record.title)
    validate(record)
    record.updated_by = _author(user)
    record.save()


def _check_deadline(deadline: dt.date | None, document: Document, column: str = "deadline") -> None:
    """A deadline before its document's date is refused (the document did not exist yet)."""
    if deadline is not None and document.date is not None and deadline < document.date:
        raise DomainError(
            _("The deadline %(deadline)s is before the date of document %(number)s (%(date)s)."),
            {"deadline": deadline.strftime("%d/%m/%Y"), "number": document.number,
             "date": document.date.strftime("%d/%m/%Y")},
            column=column,
        )


# --- documents --------------------------------------------------------------------------

DOCUMENT_FIELDS = frozenset({"number", "kind", "issuer_name", "issuer", "date", "valid_from", "valid_to",
                             "title", "summary", "text", "parent", "unit"})


def _validate_document(data: dict[str, Any], instance: Document | None) -> None:
    if not data.get("number"):
        raise DomainError(_("The document has no number."), column="number")
    if data.get("kind") not in DocumentKind.values:
        raise DomainError(_("Unknown type of document “%(kind)s”; use one of: %(kinds)s."),
                          {"kind": data.get("kind") or "", "kinds": ", ".join(DocumentKind.values)},
                          column="kind")
    if not data.get("title"):
        raise DomainError(_("The document has no title."), column="title")
    others = Document.objects.filter(number=data["number"])
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise DomainError(_("A document numbered “%(number)s” already exists."), {"number": data["number"]},
                          column="number")
    if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        raise DomainError(_("The document's validity ends before it begins."), column="valid_to")
    parent = data.get("parent")
    if parent is not None and instance is not None and instance.pk is not None:
        node: Document | None = parent
        for _depth in range(MAX_DEPTH):
            if node is None:
                break
            if node.pk == instance.pk:
                raise DomainError(
                    _("“%(parent)s” cannot be the parent: the cascade would go round in a circle."),
                    {"parent": parent.number}, column="parent",
                )
            node = node.parent


@transaction.atomic
def create_document(user, *, number: str, kind: str, title: str, unit: Unit | None = None,
                    is_demo: bool = False, **fields: Any) -> Document:
    """Register a document (``fields``: issuer_name, issuer, date, valid_from/to, summary, text, parent)."""
    _check_fields(fields, DOCUMENT_FIELDS, "create_document")
    _require_plans(user, unit)
    data = {**fields, "number": _text(number), "kind": kind, "title": _text(title), "unit": unit}
    data["issuer_name"] = _text(data.get("issuer_name"))
    _validate_document(data, None)
    document = Document(**data, is_demo=is_demo, created_by=_author(user), updated_by=_author(user))
    document.save()
    return document


@transaction.atomic
def update_document(user, document: Document, **changes: Any) -> Document:
    """Change fields of a document; a parent that would close a cycle is refused."""
    _check_changes(user, document, changes, DOCUMENT_FIELDS, "update_document")
    data = {name: getattr(document, name) for name in DOCUMENT_FIELDS} | changes
    for name in ("number", "title", "issuer_name"):
        data[name] = _text(data[name])
    _validate_document(data, document)
    for name, value in data.items():
        setattr(document, name, value)
    document.updated_by = _author(user)
    document.save()
    # Tasks and targets already there must still be due after the document was issued.
    if document.date is not None:
        early = document.tasks.filter(deadline__lt=document.date).first() or document.targets.filter(
            deadline__lt=document.date).first()
        if early is not None:
            _check_deadline(early.deadline, document, column="date")
    return document


@transaction.atomic
def add_attachment(user, document: Document, file, title: str = "") -> DocumentAttachment:
    """Attach a file (PDF, JPG or PNG of at most 10 MB) to a document."""
    from django.core.exceptions import ValidationError

    _require_plans(user, document.unit)
    attachment = DocumentAttachment(document=document, file=file, title=_text(title),
                                    created_by=_author(user), updated_by=_author(user))
    try:
        attachment.full_clean(exclude=["created_by", "updated_by"])
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), column="file") from None
    attachment.save()
    return attachment


# --- targets ---------------------------------------------------------------------------

TARGET_FIELDS = frozenset({"title", "metric", "organisation", "accountable_head", "baseline", "baseline_on",
                           "target_value", "direction", "deadline", "unit"})


def _validate_target(target: Target) -> None:
    from apps.metrics.registry import METRICS

    if not target.code:
        raise DomainError(_("The target has no code."), column="code")
    if not target.title:
        raise DomainError(_("The target has no title."), column="title")
    if target.metric and target.metric not in METRICS:
        raise DomainError(_("Unknown metric “%(metric)s”; leave it empty for a value reported by hand."),
                          {"metric": target.metric}, column="metric")
    if target.target_value is None:
        raise DomainError(_("The target has no target value."), column="target")
    if target.direction not in ("increase", "decrease"):
        raise DomainError(_("The direction must be “increase” or “decrease”."), column="direction")
    if target.deadline is None:
        raise DomainError(_("The target has no deadline."), column="deadline")
    _check_deadline(target.deadline, target.document)


@transaction.atomic
def create_target(user, document: Document, *, code: str, title: str, unit: Unit, target_value: Decimal,
                  deadline: dt.date, is_demo: bool = False, **fields: Any) -> Target:
    """Add a target to a document for a unit (``fields``: metric, organisation, baseline, …)."""
    _check_fields(fields, TARGET_FIELDS, "create_target")
    _require_plans(user, unit)
    target = Target(document=document, code=_text(code), title=_text(title), unit=unit,
                    target_value=target_value, deadline=deadline, is_demo=is_demo,
                    created_by=_author(user), updated_by=_author(user), **fields)
    _validate_target(target)
    if Target.objects.filter(document=document, code=target.code).exists():
        raise DomainError(_("The document already has a target coded “%(code)s”."), {"code": target.code},
                          column="code")
    target.save()
    return target


@transaction.atomic
def update_target(user, target: Target, **changes: Any) -> Target:
    _check_changes(user, target, changes, TARGET_FIELDS, "update_target")
    _apply(user, target, changes, _validate_target)
    return target


@transaction.atomic
def report_target_value(user, target: Target, *, on: dt.date, value: Decimal, note: str = "",
                        is_demo: bool = False) -> TargetReport:
    """Record the value of a target on a date (not in the future)."""
    _require_plans(user, target.unit)
    _not_future(on, "on")
    if value is None:
        raise DomainError(_("The reported value is empty."), column="value")
    return TargetReport.objects.create(target=target, on=on, value=value, note=(note or "").strip(),
                                       is_demo=is_demo, created_by=_author(user), updated_by=_author(user))


# --- tasks -----------------------------------------------------------------------------

TASK_FIELDS = frozenset({"title", "description", "unit", "lead", "accountable_head", "deadline", "recurrence",
                         "parent", "completed_on"})


def _validate_task(task: Task) -> None:
    if not task.code:
        raise DomainError(_("The task has no code."), column="code")
    if not task.title:
        raise DomainError(_("The task has no title."), column="title")
    if task.lead_id is None:
        raise DomainError(_("A task needs a lead organisation."), column="lead")
    if task.recurrence not in Recurrence.values:
        raise DomainError(_("The recurrence must be empty, “yearly” or “quarterly”."), column="recurrence")
    _check_deadline(task.deadline, task.document)
    _not_future(task.completed_on, "completed_on")
    parent = task.parent
    for _depth in range(MAX_DEPTH):
        if parent is None:
            break
        if task.pk is not None and parent.pk == task.pk:
            raise DomainError(_("A task cannot be a sub-task of itself or of its own sub-tasks."),
                              column="parent")
        parent = parent.parent


@transaction.atomic
def create_task(user, document: Document, *, code: str, title: str, unit: Unit, lead: Organisation | None,
                coordinating: list[Organisation] | tuple = (), is_demo: bool = False, **fields: Any) -> Task:
    """Add a task to a document (``fields``: description, accountable_head, deadline, recurrence,
    parent, completed_on). A lead organisation is required; the deadline may not precede the
    document's date; a completion date may not be in the future."""
    _check_fields(fields, TASK_FIELDS, "create_task")
    _require_plans(user, unit)
    task = Task(document=document, code=_text(code), title=_text(title), unit=unit, lead=lead,
                is_demo=is_demo, created_by=_author(user), updated_by=_author(user), **fields)
    task.accountable_head = _text(task.accountable_head)
    _validate_task(task)
    if Task.objects.filter(document=document, code=task.code).exists():
        raise DomainError(_("The document already has a task coded “%(code)s”."), {"code": task.code},
                          column="code")
    task.save()
    if coordinating:
        task.coordinating.set(coordinating)
    return task


@transaction.atomic
def update_task(user, task: Task, *, coordinating: list[Organisation] | None = None, **changes: Any) -> Task:
    _check_changes(user, task, changes, TASK_FIELDS, "update_task")
    _apply(user, task, changes, _validate_task)
    if coordinating is not None:
        task.coordinating.set(coordinating)
    return task


def communes_below(unit: Unit, on: dt.date) -> QuerySet[Unit]:
    """The communes in force on ``on`` that a task of ``unit`` reaches.

    A commune: itself. A district before 1/7/2025: its communes; after, the 2025
    communes formed from its communes (``scope.coverage_paths``), since the district
    level was abolished. A province: its communes on that date's map.
    """
    if unit.kind == UnitKind.COMMUNE:
        return Unit.objects.filter(pk=unit.pk)
    condition = Q(pk__in=[])
    for path in coverage_paths(unit):
        condition |= Q(path__startswith=path)
    return Unit.objects.in_force(on).filter(condition, kind=UnitKind.COMMUNE).order_by("code")


@dataclass
class CascadeRow:
    """One commune a cascade reaches: the sub-task's code, its lead (``None``: the commune has no
    organisation of that type) and the sub-task already there, if any (kept as it is)."""

    commune: Unit
    code: str
    lead: Organisation | None
    existing: Task | None = None


def _cascade_rows(task: Task, on: dt.date, kind: str, communes: list[Unit] | None) -> list[CascadeRow]:
    """The communes, their leads of ``kind`` and the sub-tasks already there: three queries."""
    targets = communes if communes is not None else list(communes_below(task.unit, on))
    leads: dict[int, Organisation] = {}
    for org in (Organisation.objects.filter(unit__in=targets, kind=kind, active=True)
                .select_related("unit").order_by("unit_id", "pk")):
        leads.setdefault(org.unit_id, org)  # the first registered, when a commune has two
    codes = {f"{task.code}.{commune.code}": commune for commune in targets}
    existing = {sub.code: sub for sub in Task.objects.filter(document=task.document, code__in=codes)
                .select_related("lead", "unit")}
    return [CascadeRow(commune, code, leads.get(commune.pk), existing.get(code))
            for code, commune in codes.items()]


def cascade_preview(user, task: Task, *, on: dt.date | None = None,
                    lead_kind: str | None = None) -> list[CascadeRow]:
    """What ``cascade_task`` would make, without writing: one row per commune the task reaches.

    The cascade page shows it before the user confirms (Kế hoạch 145-KH/HU: "các xã
    xây dựng kế hoạch thực hiện" — each commune carries the district's task). Only a
    district or province task is cascaded; PLANS on the task's unit is needed.
    """
    _require_plans(user, task.unit)
    if task.unit.kind not in (UnitKind.DISTRICT, UnitKind.PROVINCE):
        raise DomainError(_("Only a district or province task is cascaded to the communes."), column="unit")
    return _cascade_rows(task, on or timezone.localdate(), lead_kind or task.lead.kind, None)


@transaction.atomic
def cascade_task(user, task: Task, *, on: dt.date | None = None, lead_kind: str | None = None,
                 communes: list[Unit] | None = None, deadline: dt.date | None = None) -> list[Task]:
    """Carry a district (or province) task down: one sub-task per commune, coded ``<code>.<commune>``.

    Each sub-task is led by the commune's organisation of ``lead_kind`` (by default
    the kind of the parent's lead: a district People's Committee task goes to each
    commune's People's Committee), due on ``deadline`` (default: the parent's). Sub-tasks already
    there are kept; a commune without such an organisation is refused by name.
    """
    _require_plans(user, task.unit)
    kind = lead_kind or task.lead.kind
    made = []
    for row in _cascade_rows(task, on or timezone.localdate(), kind, communes):
        if row.existing is not None:
            made.append(row.existing)
            continue
        if row.lead is None:
            raise DomainError(_("%(commune)s has no organisation of the type “%(kind)s” to lead the task."),
                              {"commune": row.commune.name, "kind": kind}, column="lead")
        made.append(create_task(user, task.document, code=row.code, title=task.title, unit=row.commune,
                                lead=row.lead, parent=task, deadline=deadline or task.deadline,
                                description=task.description, is_demo=task.is_demo))
    return made


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    # A deadline at the end of a month stays at the end of each month (31/3 → 30/6 → 30/9 → 31/12).
    at_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if at_end else min(day.day, last))


@transaction.atomic
def schedule_occurrences(user, task: Task, *, first: dt.date, until: dt.date) -> list[Task]:
    """The occurrences of a recurring task from ``first`` to ``until``, as sub-tasks.

    Coded ``<code>-<year>`` (yearly) or ``<code>-<year>Q<n>`` (quarterly), each due on
    its own date; the recurring task's own deadline becomes the last occurrence's.
    """
    if task.recurrence not in (Recurrence.YEARLY, Recurrence.QUARTERLY):
        raise DomainError(_("Only a yearly or quarterly task has occurrences."), column="recurrence")
    if until < first:
        raise DomainError(_("The recurrence ends before its first deadline."), column="until")
    step = 12 if task.recurrence == Recurrence.YEARLY else 3
    made = []
    due = first
    index = 0
    while due <= until:
        label = str(due.year) if step == 12 else f"{due.year}Q{(due.month - 1) // 3 + 1}"
        code = f"{task.code}-{label}"
        existing = Task.objects.filter(document=task.document, code=code).first()
        made.append(existing or create_task(
            user, task.document, code=code, title=task.title, unit=task.unit, lead=task.lead, parent=task,
            deadline=due, accountable_head=task.accountable_head, is_demo=task.is_demo,
        ))
        index += 1
        due = _add_months(first, step * index)
    if made and task.deadline != made[-1].deadline:
        task.deadline = made[-1].deadline
        task.save(update_fields=["deadline", "updated_at"])
    return made


@transaction.atomic
def schedule_task(user, task: Task, *, until: dt.date | None = None) -> list[Task]:
    """The occurrences of a recurring task from its deadline (the first occurrence's) to ``until``.

    ``until`` defaults to the end of the document's validity, else 31 December of the
    first deadline's year (a yearly report of a plan valid to 2030 recurs to 2030).
    """
    if task.deadline is None:
        raise DomainError(_("A recurring task needs the deadline of its first occurrence."),
                          column="deadline")
    end = until or task.document.valid_to or dt.date(task.deadline.year, 12, 31)
    return schedule_occurrences(user, task, first=task.deadline, until=end)


@transaction.atomic
def complete_task(user, task: Task, on: dt.date) -> Task:
    """Mark a task done on ``on`` (not in the future); resolves the recommendation it follows up."""
    _require_plans(user, task.unit)
    _not_future(on, "completed_on")
    task.completed_on = on
    task.updated_by = _author(user)
    task.save(update_fields=["completed_on", "updated_by", "updated_at"])
    Recommendation.objects.filter(follow_up=task, resolved_on__isnull=True).update(resolved_on=on)
    return task


@transaction.atomic
def reopen_task(user, task: Task) -> Task:
    _require_plans(user, task.unit)
    task.completed_on = None
    task.updated_by = _author(user)
    task.save(update_fields=["completed_on", "updated_by", "updated_at"])
    return task


@transaction.atomic
def report_progress(user, task: Task, *, on: dt.date, text: str, percent: int | None = None,
                    attachment=None, completed: bool = False, is_demo: bool = False) -> ProgressUpdate:
    """A progress report on a task; ``completed=True`` also marks the task done on ``on``."""
    from django.core.exceptions import ValidationError

    _require_plans(user, task.unit)
    _not_future(on, "on")
    if not (text or "").strip():
        raise DomainError(_("The progress report is empty."), column="text")
    if percent is not None and not 0 <= percent <= 100:
        raise DomainError(_("The percentage must be between 0 and 100."), column="percent")
    update = ProgressUpdate(task=task, on=on, text=text.strip(), percent=100 if completed else percent,
                            by=_author(user), is_demo=is_demo, created_by=_author(user),
                            updated_by=_author(user))
    if attachment:
        update.attachment = attachment
        try:
            update.full_clean(exclude=["created_by", "updated_by", "by", "task"])
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), column="attachment") from None
    update.save()
    if completed:
        complete_task(user, task, on)
    return update


# --- authoring pages: one call per form, all or nothing ------------------------------------


@transaction.atomic
def save_document(user, document: Document | None, *, attachment=None, attachment_title: str = "",
                  **fields: Any) -> Document:
    """Create (``document=None``) or change a document and attach a file, all or nothing.

    The rules are ``create_document``'s and ``update_document``'s (a parent that would
    close a cycle in the cascade is refused on ``parent``); the file ``add_attachment``'s.
    """
    if document is None:
        document = create_document(user, number=fields.pop("number", ""), kind=fields.pop("kind", ""),
                                   title=fields.pop("title", ""), unit=fields.pop("unit", None), **fields)
    else:
        document = update_document(user, document, **fields)
    if attachment:
        add_attachment(user, document, attachment, attachment_title)
    return document


@transaction.atomic
def save_target(user, document: Document, target: Target | None, **fields: Any) -> Target:
    """Create (``target=None``) or change a target of ``document``; its code is fixed once given."""
    if target is None:
        return create_target(user, document, code=fields.pop("code", ""), title=fields.pop("title", ""),
                             unit=fields.pop("unit"), target_value=fields.pop("target_value"),
                             deadline=fields.pop("deadline"), **fields)
    fields.pop("code", None)
    return update_target(user, target, **fields)


@transaction.atomic
def save_task(user, document: Document, task: Task | None, *, coordinating=(), until: dt.date | None = None,
              **fields: Any) -> Task:
    """Create (``task=None``) or change a task of ``document``, with its occurrences when it recurs.

    A recurring task gets its occurrences (``schedule_task``) when it has none yet;
    occurrences already there are kept as they are (change them one by one). The code
    of a task is fixed once given.
    """
    if task is None:
        task = create_task(user, document, code=fields.pop("code", ""), title=fields.pop("title", ""),
                           unit=fields.pop("unit"), lead=fields.pop("lead", None),
                           coordinating=list(coordinating), **fields)
    else:
        fields.pop("code", None)
        task = update_task(user, task, coordinating=list(coordinating), **fields)
    if task.recurrence and not task.subtasks.exists():
        schedule_task(user, task, until=until)
    return task


from apps.plans.supervision import (  # noqa: E402  (re-exported: one contract for the interface)
    add_recommendation,
    escalate_obstacle,
    raise_obstacle,
    record_inspection,
    resolve_obstacle,
    resolve_recommendation,
)

__all__ = [
    "CascadeRow", "add_attachment", "add_recommendation", "can_edit", "cascade_preview", "cascade_task",
    "communes_below", "complete_task", "create_document", "create_target", "create_task", "document_tree",
    "escalate_obstacle", "get_document_for_user", "get_inspection_for_user", "get_obstacle_for_user",
    "get_target_for_user", "get_task_for_user", "raise_obstacle", "record_inspection", "reopen_task",
    "report_progress", "report_target_value", "resolve_obstacle", "resolve_recommendation", "save_document",
    "save_target", "save_task", "schedule_occurrences", "schedule_task", "target_progress", "task_summary",
    "tasks_as_of", "update_document", "update_target", "update_task", "visible_documents",
    "visible_inspections", "visible_obstacles", "visible_recommendations", "visible_targets", "visible_tasks",
]
