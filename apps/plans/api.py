"""The API of plans, targets, tasks and supervision: ``/api/v1/plans/…``.

Reading goes through the scoped helpers of ``apps.plans.services`` (a commune
sees its tasks and the documents above it; a record outside the caller's scope
answers 404). Statuses are computed as of ``as_of`` (today by default) by
``apps.plans.status``; writes (progress reports, completion) go through the
services, which need the PLANS capability on the task's unit (403) and refuse
bad input (400, naming the field). Values of targets and scores are JSON numbers.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, fields_renamed
from apps.organisations.models import Organisation
from apps.places.api import READ_ERRORS, WRITE_ERRORS, InputErrors, paginated
from apps.plans import services
from apps.plans.lookups import escalation_targets, scoped_unit
from apps.plans.models import (
    Document,
    DocumentKind,
    Inspection,
    Obstacle,
    ProgressUpdate,
    Recommendation,
    Task,
)
from apps.plans.scorecard import ScorecardRow, default_as_of, scorecard
from apps.plans.services import DocumentNode, TargetProgress

router = Router(tags=["plans"])

TaskStatus = Literal["done_on_time", "done_late", "in_progress", "overdue"]
TargetStatus = Literal["met", "on_track", "at_risk", "missed"]
Kind = Literal[tuple(DocumentKind.values)]  # type: ignore[valid-type]


def _today() -> dt.date:
    return timezone.localdate()


def _api_fields(**aliases: str):
    """Report a refused field by the name the client sent (``completed_on`` → ``on``)."""
    return fields_renamed(aliases)


# --- documents ----------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    number: str
    kind: Kind
    title: str
    issuer_name: str
    issuer_id: int | None
    date: dt.date | None = Field(description="Empty when the date of issue is not known.")
    valid_from: dt.date | None
    valid_to: dt.date | None
    summary: str
    parent_id: int | None
    unit_id: int | None = Field(description="Empty for a central (national) document.")
    is_demo: bool


class DocumentNodeOut(DocumentOut):
    children: list["DocumentNodeOut"]


DocumentNodeOut.model_rebuild()


def _node(node: DocumentNode) -> dict:
    data = DocumentOut.from_orm(node.document).dict()
    data["children"] = [_node(child) for child in node.children]
    return data


@router.get("/plans/documents", response={200: list[DocumentNodeOut], **READ_ERRORS})
def document_tree(request: HttpRequest) -> list[dict]:
    """The cascade the caller may read, as trees (a document whose parent is hidden is a root)."""
    return [_node(node) for node in services.document_tree(request.auth)]


@router.get("/plans/documents/{document_id}", response={200: DocumentOut, **READ_ERRORS})
def get_document(request: HttpRequest, document_id: int) -> Document:
    """One document; 404 outside the caller's scope (documents above it are readable)."""
    return services.get_document_for_user(request.auth, document_id)


# --- targets ------------------------------------------------------------------------------


class TargetOut(Schema):
    id: int
    document_id: int
    code: str
    title: str
    unit_id: int
    metric: str = Field(description="The metric of the registry; empty when reported by hand.")
    organisation_id: int | None
    baseline: float | None
    target_value: float
    direction: Literal["increase", "decrease"]
    deadline: dt.date
    as_of: dt.date
    value: float | None = Field(description="From the live metric, else the last value reported by hand.")
    source: Literal["metric", "report", ""]
    expected: float = Field(description="Where a straight line from the baseline to the target is on as_of.")
    percent: int = Field(description="Of the way from the baseline to the target, 0–100.")
    status: TargetStatus


class TargetFilters(Schema):
    document: int | None = Field(None, description="Id of the document.")
    as_of: dt.date | None = Field(None, description="Status as of this date (today by default).")


def _number(value) -> float | None:
    return None if value is None else float(value)


def _target(row: TargetProgress, as_of: dt.date) -> dict:
    target = row.target
    number = _number
    return {
        "id": target.pk, "document_id": target.document_id, "code": target.code, "title": target.title,
        "unit_id": target.unit_id, "metric": target.metric, "organisation_id": target.organisation_id,
        "baseline": number(target.baseline), "target_value": float(target.target_value),
        "direction": target.direction, "deadline": target.deadline, "as_of": as_of,
        "value": number(row.value), "source": row.source, "expected": float(row.expected),
        "percent": row.percent, "status": row.status,
    }


@router.get("/plans/targets", response={200: list[TargetOut], **READ_ERRORS})
@paginated()
def list_targets(request: HttpRequest, filters: Query[TargetFilters]) -> list[dict]:
    """Targets the caller may see, with their value, progress and status as of a date."""
    as_of = filters.as_of or _today()
    targets = services.visible_targets(request.auth)
    if filters.document is not None:
        targets = targets.filter(document_id=filters.document)
    rows = services.target_progress(targets.order_by("document_id", "unit__path", "code"), as_of)
    return [_target(row, as_of) for row in rows]


@router.get("/plans/targets/{target_id}", response={200: TargetOut, **READ_ERRORS})
def get_target(request: HttpRequest, target_id: int, as_of: dt.date | None = None) -> dict:
    target = services.get_target_for_user(request.auth, target_id)
    as_of = as_of or _today()
    return _target(services.target_progress([target], as_of)[0], as_of)


class TargetReportIn(Schema):
    on: dt.date = Field(description="The date of the value; not in the future.")
    value: Decimal = Field(description="A share as a decimal (0.72 for 72%), or a number.")
    note: str = ""


@router.post("/plans/targets/{target_id}/reports", response={201: TargetOut, **WRITE_ERRORS})
def report_target_value(request: HttpRequest, target_id: int, payload: TargetReportIn) -> Status:
    """Report the value of a target by hand on a date; answers the target's progress as of that date."""
    target = services.get_target_for_user(request.auth, target_id)
    services.report_target_value(request.auth, target, on=payload.on, value=payload.value, note=payload.note)
    return Status(201, _target(services.target_progress([target], payload.on)[0], payload.on))


# --- tasks --------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    document_id: int
    document_number: str = Field(alias="document.number")
    code: str
    title: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    lead_id: int
    lead_name: str = Field(alias="lead.name")
    accountable_head: str
    parent_id: int | None
    deadline: dt.date | None
    recurrence: Literal["", "yearly", "quarterly"]
    completed_on: dt.date | None
    status: TaskStatus = Field(description="As of the date asked (today by default).")
    is_demo: bool


class ProgressOut(Schema):
    id: int
    on: dt.date
    text: str
    percent: int | None
    has_attachment: bool
    by: str | None

    @staticmethod
    def resolve_has_attachment(update: ProgressUpdate) -> bool:
        return bool(update.attachment)

    @staticmethod
    def resolve_by(update: ProgressUpdate) -> str | None:
        return update.by.get_username() if update.by else None


class TaskDetailOut(TaskOut):
    description: str
    as_of: dt.date
    subtasks: list[TaskOut] = Field(description="The sub-tasks the caller may see, with their status.")
    updates: list[ProgressOut] = Field(description="Progress reports, newest first.")

    @staticmethod
    def resolve_subtasks(task: Task) -> list[Task]:
        return task.subtasks_as_of

    @staticmethod
    def resolve_updates(task: Task) -> list[ProgressUpdate]:
        return task.updates_list


class TaskFilters(Schema):
    as_of: dt.date | None = Field(None, description="Status as of this date (today by default).")
    status: TaskStatus | None = None
    document: int | None = Field(None, description="Id of the document.")
    lead: int | None = Field(None, description="Id of the lead organisation.")
    unit: int | None = Field(None, description="Id of the task's unit.")


class SummaryOut(Schema):
    as_of: dt.date
    summary: dict[str, int] = Field(description="A count per status of the tasks the caller may see.")


class ProgressIn(Schema):
    on: dt.date
    text: str
    percent: int | None = Field(None, ge=0, le=100)
    completed: bool = Field(False, description="true also marks the task done on this date.")


class CompleteIn(Schema):
    on: dt.date = Field(description="The completion date; a date in the future is refused.")


@router.get("/plans/tasks", response={200: list[TaskOut], **READ_ERRORS})
@paginated()
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    """Tasks the caller may see, with their status as of a date: overdue first, then by deadline."""
    tasks = services.tasks_as_of(request.auth, filters.as_of or _today())
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.document is not None:
        tasks = tasks.filter(document_id=filters.document)
    if filters.lead is not None:
        tasks = tasks.filter(lead_id=filters.lead)
    if filters.unit is not None:
        tasks = tasks.filter(unit_id=filters.unit)
    return tasks.order_by("status_rank", "deadline", "code", "pk")


@router.get("/plans/status", response={200: SummaryOut, **READ_ERRORS})
def task_status_summary(request: HttpRequest, as_of: dt.date | None = None,
                        document: int | None = None) -> dict:
    """A count per status of the tasks the caller may see (as ``manage.py plans status``)."""
    as_of = as_of or _today()
    tasks = services.visible_tasks(request.auth)
    if document is not None:
        tasks = tasks.filter(document_id=document)
    return {"as_of": as_of, "summary": services.task_summary(tasks, as_of)}


@router.get("/plans/tasks/{task_id}", response={200: TaskDetailOut, **READ_ERRORS})
def get_task(request: HttpRequest, task_id: int, as_of: dt.date | None = None) -> Task:
    """One task with its sub-tasks (those the caller may see) and its progress reports."""
    as_of = as_of or _today()
    task = services.get_task_for_user(request.auth, task_id)  # 404 outside the scope
    task = services.tasks_as_of(request.auth, as_of).get(pk=task.pk)
    task.as_of = as_of
    task.subtasks_as_of = list(services.tasks_as_of(request.auth, as_of).filter(parent=task))
    task.updates_list = list(task.updates.select_related("by").order_by("-on", "-pk"))
    return task


@router.post("/plans/tasks/{task_id}/progress", response={201: ProgressOut, **WRITE_ERRORS})
def report_progress(request: HttpRequest, task_id: int, payload: ProgressIn) -> Status:
    """A progress report (attachments are added on the task's page); needs PLANS on the task's unit."""
    task = services.get_task_for_user(request.auth, task_id)
    update = services.report_progress(request.auth, task, on=payload.on, text=payload.text,
                                      percent=payload.percent, completed=payload.completed)
    return Status(201, update)


@router.post("/plans/tasks/{task_id}/complete", response={200: TaskOut, **WRITE_ERRORS})
def complete_task(request: HttpRequest, task_id: int, payload: CompleteIn) -> Task:
    """Mark a task done on a date; its status is then given as of that date."""
    task = services.get_task_for_user(request.auth, task_id)
    with _api_fields(completed_on="on"):
        services.complete_task(request.auth, task, payload.on)
    return services.tasks_as_of(request.auth, max(payload.on, _today())).get(pk=task.pk)


# --- supervision and obstacles ------------------------------------------------------------


class RecommendationOut(Schema):
    id: int
    text: str
    follow_up_id: int | None
    resolved_on: dt.date | None


class InspectionOut(Schema):
    id: int
    kind: Literal["inspection", "supervision"]
    document_id: int | None
    team: str
    subject_id: int
    subject_name: str = Field(alias="subject.name")
    unit_id: int
    date: dt.date
    findings: str
    recommendations: list[RecommendationOut]

    @staticmethod
    def resolve_recommendations(inspection: Inspection) -> list:
        return list(inspection.recommendations.all())


class ObstacleOut(Schema):
    id: int
    raised_by_id: int
    raised_by_name: str = Field(alias="raised_by.name")
    unit_id: int
    task_id: int | None
    raised_on: dt.date
    description: str
    escalated_to_id: int | None
    escalated_on: dt.date | None
    resolved_on: dt.date | None
    resolution: str


class ObstacleFilters(Schema):
    open: bool | None = Field(None, description="true: only the unresolved; false: only the resolved.")


@router.get("/plans/inspections", response={200: list[InspectionOut], **READ_ERRORS})
@paginated()
def list_inspections(request: HttpRequest):
    """Inspections and supervision visits the caller may see, newest first, with their recommendations."""
    inspections = services.visible_inspections(request.auth).prefetch_related("recommendations")
    return inspections.order_by("-date", "-pk")


@router.get("/plans/inspections/{inspection_id}", response={200: InspectionOut, **READ_ERRORS})
def get_inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    return services.get_inspection_for_user(request.auth, inspection_id)


@router.get("/plans/obstacles", response={200: list[ObstacleOut], **READ_ERRORS})
@paginated()
def list_obstacles(request: HttpRequest, filters: Query[ObstacleFilters]):
    """The obstacle log the caller may see, newest first."""
    obstacles = services.visible_obstacles(request.auth)
    if filters.open is not None:
        obstacles = obstacles.filter(resolved_on__isnull=filters.open)
    return obstacles.order_by("-raised_on", "-pk")


@router.get("/plans/obstacles/{obstacle_id}", response={200: ObstacleOut, **READ_ERRORS})
def get_obstacle(request: HttpRequest, obstacle_id: int) -> Obstacle:
    return services.get_obstacle_for_user(request.auth, obstacle_id)


def _organisation(request: HttpRequest, organisation_id: int, column: str,
                  among=None) -> Organisation:
    """An active organisation the caller may see (or one of ``among``), else a refusal naming ``column``."""
    organisations = among if among is not None else scope_for(request.auth).filter(
        Organisation.objects.filter(active=True), "unit")
    organisation = organisations.filter(pk=organisation_id).first()
    if organisation is None:
        raise DomainError(_("No organisation you may choose has the id %(id)s."), {"id": organisation_id},
                          column=column)
    return organisation


class InspectionIn(Schema):
    kind: Literal["inspection", "supervision"] = "inspection"
    subject_id: int = Field(description="The organisation inspected or visited.")
    date: dt.date
    team: str = Field(description="Members of the team and the body that sent it.")
    findings: str = ""
    document_id: int | None = Field(None, description="The document checked; needed for follow-up tasks.")


class RecommendationIn(Schema):
    text: str
    deadline: dt.date | None = Field(None, description="With a deadline it becomes a follow-up task.")


class DateIn(Schema):
    on: dt.date = Field(description="Not in the future.")


class ObstacleIn(Schema):
    raised_by_id: int
    raised_on: dt.date
    description: str
    task_id: int | None = None


class EscalateIn(Schema):
    to_id: int = Field(description="An organisation of the obstacle's unit or of a unit above it.")
    on: dt.date


class ResolveIn(Schema):
    on: dt.date
    resolution: str = ""


@router.post("/plans/inspections", response={201: InspectionOut, **WRITE_ERRORS})
def record_inspection(request: HttpRequest, payload: InspectionIn) -> Status:
    """Record an inspection or supervision visit; needs PLANS on the visited organisation's unit."""
    document = None
    if payload.document_id is not None:
        document = services.visible_documents(request.auth).filter(pk=payload.document_id).first()
        if document is None:
            raise DomainError(_("No document you may see has the id %(id)s."), {"id": payload.document_id},
                              column="document_id")
    visit = services.record_inspection(
        request.auth, subject=_organisation(request, payload.subject_id, "subject_id"), date=payload.date,
        team=payload.team, findings=payload.findings, kind=payload.kind, document=document)
    return Status(201, visit)


@router.post("/plans/inspections/{inspection_id}/recommendations",
             response={201: RecommendationOut, **WRITE_ERRORS})
def add_recommendation(request: HttpRequest, inspection_id: int, payload: RecommendationIn) -> Status:
    """A recommendation of a visit; with a deadline, a follow-up task of the visited organisation."""
    inspection = services.get_inspection_for_user(request.auth, inspection_id)
    return Status(201, services.add_recommendation(request.auth, inspection, text=payload.text,
                                                    deadline=payload.deadline))


@router.post("/plans/recommendations/{recommendation_id}/resolve",
             response={200: RecommendationOut, **WRITE_ERRORS})
def resolve_recommendation(request: HttpRequest, recommendation_id: int, payload: DateIn) -> Recommendation:
    recommendation = services.visible_recommendations(request.auth).filter(pk=recommendation_id).first()
    if recommendation is None:
        raise Http404("No recommendation matches the given query.")
    with _api_fields(resolved_on="on"):
        return services.resolve_recommendation(request.auth, recommendation, payload.on)


@router.post("/plans/obstacles", response={201: ObstacleOut, **WRITE_ERRORS})
def raise_obstacle(request: HttpRequest, payload: ObstacleIn) -> Status:
    """Record a difficulty raised by an organisation (optionally about a task)."""
    task = services.get_task_for_user(request.auth, payload.task_id) if payload.task_id is not None else None
    obstacle = services.raise_obstacle(
        request.auth, raised_by=_organisation(request, payload.raised_by_id, "raised_by_id"),
        description=payload.description, raised_on=payload.raised_on, task=task)
    return Status(201, obstacle)


@router.post("/plans/obstacles/{obstacle_id}/escalate", response={200: ObstacleOut, **WRITE_ERRORS})
def escalate_obstacle(request: HttpRequest, obstacle_id: int, payload: EscalateIn) -> Obstacle:
    obstacle = services.get_obstacle_for_user(request.auth, obstacle_id)
    to = _organisation(request, payload.to_id, "to_id", among=escalation_targets(obstacle))
    with _api_fields(escalated_on="on"):
        return services.escalate_obstacle(request.auth, obstacle, to=to, on=payload.on)


@router.post("/plans/obstacles/{obstacle_id}/resolve", response={200: ObstacleOut, **WRITE_ERRORS})
def resolve_obstacle(request: HttpRequest, obstacle_id: int, payload: ResolveIn) -> Obstacle:
    """Close an obstacle, by its organisation's officers or those of the body it was escalated to."""
    obstacle = services.get_obstacle_for_user(request.auth, obstacle_id)
    with _api_fields(resolved_on="on"):
        return services.resolve_obstacle(request.auth, obstacle, on=payload.on, resolution=payload.resolution)


# --- scorecard ----------------------------------------------------------------------------


class ScorecardRowOut(Schema):
    rank: int | None
    organisation_id: int
    organisation_name: str
    unit_id: int
    head: str
    tasks_on_time: int
    tasks_late: int
    tasks_overdue: int
    tasks_in_progress: int
    targets_met: int
    targets_missed: int
    targets_open: int
    recommendations_resolved: int
    recommendations_open: int
    score: float | None = Field(description="0–100; empty when nothing was scored (rule: docs/plans.md).")


class ScorecardOut(Schema):
    year: int
    as_of: dt.date
    rows: list[ScorecardRowOut]


def _score_row(row: ScorecardRow) -> dict:
    return {
        "rank": row.rank, "organisation_id": row.organisation.pk, "organisation_name": row.organisation.name,
        "unit_id": row.organisation.unit_id, "head": row.head, "tasks_on_time": row.tasks_on_time,
        "tasks_late": row.tasks_late, "tasks_overdue": row.tasks_overdue,
        "tasks_in_progress": row.tasks_in_progress, "targets_met": row.targets_met,
        "targets_missed": row.targets_missed, "targets_open": row.targets_open,
        "recommendations_resolved": row.recommendations_resolved,
        "recommendations_open": row.recommendations_open,
        "score": None if row.score is None else float(row.score),
    }


@router.get("/plans/scorecard/{year}", response={200: ScorecardOut, 400: InputErrors, **READ_ERRORS})
def get_scorecard(request: HttpRequest, year: int, as_of: dt.date | None = None,
                  unit: int | None = None) -> dict:
    """The ranked annual scorecard of the organisations the caller may see (optionally under a unit)."""
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), column="year")
    scope_unit = scoped_unit(request.auth, unit)
    as_of = as_of or default_as_of(year)
    rows = scorecard(request.auth, year, unit=scope_unit, as_of=as_of)
    return {"year": year, "as_of": as_of, "rows": [_score_row(row) for row in rows]}



# Writing documents, targets and tasks, the cascade and the import: the same router, another module.
from apps.plans import api_authoring  # noqa: E402, F401
