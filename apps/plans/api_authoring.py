"""Writing documents, targets and tasks through the API, cascading a task, importing a plan.

The routes are added to ``apps.plans.api.router`` (a path shared with a reading
route, ``/plans/documents/{id}``, must live in the same router). They call the
services the authoring pages call (``save_document``, ``save_target``,
``save_task``, ``cascade_preview``/``cascade_task``, ``importing.import_plan``),
so the same rules hold: the PLANS capability on the record's unit (403), a lead
organisation for every task, no deadline before the document's date, no cycle in
the cascade (400 naming the field, nothing written). A record outside the caller's
scope answers 404; ids of units, organisations, documents and tasks given in the
body are looked up within the caller's scope, and an id outside it is refused on
its field (400). Every change is in the audit trail (``apps.accounts.audit``).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Schema, Status

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, ImportFailed
from apps.organisations.models import OrganisationKind
from apps.places.api import WRITE_ERRORS
from apps.places.models import Unit
from apps.plans import services
from apps.plans.api import (
    DocumentOut,
    Kind,
    TargetOut,
    TaskOut,
    _api_fields,
    _organisation,
    _target,
    _today,
    router,
)
from apps.plans.importing import import_plan
from apps.plans.models import Document, Target, Task

OrganisationKindName = Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]
Recurrence = Literal["", "yearly", "quarterly"]

# The services name the model's fields; the API's clients send ids.
ALIASES = {"unit": "unit_id", "parent": "parent_id", "issuer": "issuer_id", "lead": "lead_id",
           "organisation": "organisation_id", "target": "target_value", "coordinating": "coordinating_ids"}
TEXT_FIELDS = frozenset({"issuer_name", "summary", "text", "metric", "accountable_head", "description",
                         "recurrence"})
NULLABLE_FIELDS = frozenset({"date", "valid_from", "valid_to", "baseline", "baseline_on", "deadline",
                             "completed_on", "until", "unit", "parent", "issuer", "organisation", "lead"})


# --- looking up the ids of the body within the caller's scope ---------------------------------


def _unit(request: HttpRequest, unit_id: int) -> Unit:
    unit = scope_for(request.auth).units().filter(pk=unit_id).first()
    if unit is None:
        raise DomainError(_("No unit you may see has the id %(id)s."), {"id": unit_id}, column="unit_id")
    return unit


def _document(request: HttpRequest, document_id: int) -> Document:
    document = services.visible_documents(request.auth).filter(pk=document_id).first()
    if document is None:
        raise DomainError(_("No document you may see has the id %(id)s."), {"id": document_id},
                          column="parent_id")
    return document


def _task(request: HttpRequest, document: Document, task_id: int) -> Task:
    task = services.visible_tasks(request.auth).filter(document=document, pk=task_id).first()
    if task is None:
        raise DomainError(_("No task of this document you may see has the id %(id)s."), {"id": task_id},
                          column="parent_id")
    return task


def _fields(request: HttpRequest, payload: Schema, *, document: Document | None = None,
            central: bool = False) -> dict[str, Any]:
    """The fields sent, as service arguments: ids turned into the records they name (None stays None).

    ``central``: a record without a unit is allowed (a document); targets and tasks need one.
    """
    fields = payload.dict(exclude_unset=True)
    lookups = {
        "unit_id": ("unit", lambda pk: _unit(request, pk)),
        "issuer_id": ("issuer", lambda pk: _organisation(request, pk, "issuer_id")),
        "organisation_id": ("organisation", lambda pk: _organisation(request, pk, "organisation_id")),
        "lead_id": ("lead", lambda pk: _organisation(request, pk, "lead_id")),
        "parent_id": ("parent", lambda pk: _task(request, document, pk) if document is not None
                      else _document(request, pk)),
    }
    for key, (name, find) in lookups.items():
        if key in fields:
            pk = fields.pop(key)
            fields[name] = None if pk is None else find(pk)
    if "coordinating_ids" in fields:
        fields["coordinating"] = [_organisation(request, pk, "coordinating_ids")
                                  for pk in fields.pop("coordinating_ids") or []]
    for name, value in list(fields.items()):
        if value is None and name in TEXT_FIELDS:
            fields[name] = ""
        elif value is None and (name not in NULLABLE_FIELDS or (name == "unit" and not central)):
            raise DomainError(_("The field “%(field)s” cannot be empty."), {"field": ALIASES.get(name, name)},
                              column=ALIASES.get(name, name))
    return fields


# --- documents -----------------------------------------------------------------------------


class DocumentIn(Schema):
    number: str = Field(description="As printed, e.g. 145-KH/HU; unique.")
    kind: Kind
    title: str
    issuer_name: str = Field("", description="The issuer as printed on the document.")
    issuer_id: int | None = Field(None, description="The issuing organisation, among those the caller sees.")
    date: dt.date | None = Field(None, description="Empty when the date of issue is not known.")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    summary: str = ""
    text: str = ""
    parent_id: int | None = Field(None, description="The document it carries out (one the caller reads).")
    unit_id: int | None = Field(None, description="Empty: a central document (system administrators only).")


class DocumentPatch(Schema):
    """Only the fields sent are changed; ``"parent_id": null`` removes the parent."""

    number: str | None = None
    kind: Kind | None = None
    title: str | None = None
    issuer_name: str | None = None
    issuer_id: int | None = None
    date: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    summary: str | None = None
    text: str | None = None
    parent_id: int | None = None
    unit_id: int | None = None


@router.post("/plans/documents", response={201: DocumentOut, **WRITE_ERRORS})
def create_document(request: HttpRequest, payload: DocumentIn) -> Status:
    """Register a document of the cascade; needs PLANS on its unit (a central one: administrators)."""
    with _api_fields(**ALIASES):
        fields = _fields(request, payload, central=True)
        fields.setdefault("unit", None)
        document = services.save_document(request.auth, None, **fields)
    return Status(201, document)


@router.patch("/plans/documents/{document_id}", response={200: DocumentOut, **WRITE_ERRORS})
def update_document(request: HttpRequest, document_id: int, payload: DocumentPatch) -> Document:
    """Change the fields sent; a parent closing a cycle in the cascade is refused on ``parent_id``."""
    document = services.get_document_for_user(request.auth, document_id)
    with _api_fields(**ALIASES):
        return services.save_document(request.auth, document, **_fields(request, payload, central=True))


# --- targets ---------------------------------------------------------------------------------


class TargetIn(Schema):
    code: str = Field(description="Unique in the document, e.g. M1; fixed once given.")
    title: str
    unit_id: int | None = Field(None, description="By default the document's unit.")
    metric: str = Field("", description="A metric of the registry; empty: the value is reported by hand.")
    organisation_id: int | None = Field(None, description="The responsible organisation.")
    accountable_head: str = ""
    baseline: Decimal | None = None
    baseline_on: dt.date | None = None
    target_value: Decimal
    direction: Literal["increase", "decrease"] = "increase"
    deadline: dt.date = Field(description="Not before the document's date.")


class TargetPatch(Schema):
    """Only the fields sent are changed; the code is fixed."""

    title: str | None = None
    unit_id: int | None = None
    metric: str | None = None
    organisation_id: int | None = None
    accountable_head: str | None = None
    baseline: Decimal | None = None
    baseline_on: dt.date | None = None
    target_value: Decimal | None = None
    direction: Literal["increase", "decrease"] | None = None
    deadline: dt.date | None = None


def _target_out(target: Target) -> dict:
    today = _today()
    return _target(services.target_progress([target], today)[0], today)


def _document_unit(document: Document) -> Unit:
    if document.unit is None:
        raise DomainError(_("A central document has no unit: give the unit of the record."), column="unit_id")
    return document.unit


@router.post("/plans/documents/{document_id}/targets", response={201: TargetOut, **WRITE_ERRORS})
def create_target(request: HttpRequest, document_id: int, payload: TargetIn) -> Status:
    """Add a target to a document the caller reads, on a unit where the caller holds PLANS."""
    document = services.get_document_for_user(request.auth, document_id)
    with _api_fields(**ALIASES):
        fields = _fields(request, payload, central=True)  # no unit: the document's
        if fields.get("unit") is None:
            fields["unit"] = _document_unit(document)
        target = services.save_target(request.auth, document, None, **fields)
    return Status(201, _target_out(target))


@router.patch("/plans/targets/{target_id}", response={200: TargetOut, **WRITE_ERRORS})
def update_target(request: HttpRequest, target_id: int, payload: TargetPatch) -> dict:
    target = services.get_target_for_user(request.auth, target_id)
    with _api_fields(**ALIASES):
        services.save_target(request.auth, target.document, target, **_fields(request, payload))
    return _target_out(target)


# --- tasks -----------------------------------------------------------------------------------


class TaskIn(Schema):
    code: str = Field(description="Unique in the document, e.g. T1; fixed once given.")
    title: str
    description: str = ""
    unit_id: int | None = Field(None, description="By default the parent task's unit, else the document's.")
    lead_id: int | None = Field(None, description="The lead organisation; required (refused on lead_id).")
    coordinating_ids: list[int] = Field([], description="Coordinating organisations.")
    accountable_head: str = Field("", description="The head who answers for the task.")
    deadline: dt.date | None = Field(None, description="Not before the document's date; for a recurring task "
                                                       "the deadline of the first occurrence.")
    recurrence: Recurrence = ""
    until: dt.date | None = Field(None, description="A recurring task recurs until this date (by default the "
                                                    "end of the document's validity, else 31 December).")
    parent_id: int | None = Field(None, description="A task of the same document: this one is its sub-task.")
    completed_on: dt.date | None = Field(None, description="Not in the future.")


class TaskPatch(Schema):
    """Only the fields sent are changed; the code is fixed; ``coordinating_ids`` replaces the list."""

    title: str | None = None
    description: str | None = None
    unit_id: int | None = None
    lead_id: int | None = None
    coordinating_ids: list[int] | None = None
    accountable_head: str | None = None
    deadline: dt.date | None = None
    recurrence: Recurrence | None = None
    until: dt.date | None = None
    parent_id: int | None = None
    completed_on: dt.date | None = None


def _task_out(request: HttpRequest, task: Task) -> Task:
    return services.tasks_as_of(request.auth, _today()).get(pk=task.pk)


def _save_task(request: HttpRequest, document: Document, task: Task | None, payload: Schema) -> Task:
    with _api_fields(**ALIASES):
        fields = _fields(request, payload, document=document, central=task is None)  # new: a default unit
        if task is None and fields.get("unit") is None:
            parent = fields.get("parent")
            fields["unit"] = parent.unit if parent is not None else _document_unit(document)
        coordinating = fields.pop("coordinating", None)
        if coordinating is None:  # not sent: kept as it is (save_task sets the list it is given)
            coordinating = list(task.coordinating.all()) if task is not None else []
        return services.save_task(request.auth, document, task, coordinating=coordinating,
                                  until=fields.pop("until", None), **fields)


@router.post("/plans/documents/{document_id}/tasks", response={201: TaskOut, **WRITE_ERRORS})
def create_task(request: HttpRequest, document_id: int, payload: TaskIn) -> Status:
    """Add a task to a document the caller reads; a recurring task gets its occurrences as sub-tasks."""
    document = services.get_document_for_user(request.auth, document_id)
    return Status(201, _task_out(request, _save_task(request, document, None, payload)))


@router.patch("/plans/tasks/{task_id}", response={200: TaskOut, **WRITE_ERRORS})
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Task:
    task = services.get_task_for_user(request.auth, task_id)
    return _task_out(request, _save_task(request, task.document, task, payload))


# --- cascade ---------------------------------------------------------------------------------


class CascadeRowOut(Schema):
    commune_id: int
    commune_code: str
    commune_name: str
    code: str = Field(description="The sub-task's code, <task code>.<commune code>.")
    lead_id: int | None = Field(description="Empty: the commune has no organisation of that type.")
    lead_name: str | None
    existing_id: int | None = Field(description="The sub-task already there, kept as it is.")


class CascadePreviewOut(Schema):
    task_id: int
    kind: OrganisationKindName
    on: dt.date
    rows: list[CascadeRowOut]
    can_confirm: bool = Field(description="false when a commune has no organisation to lead its sub-task.")


class CascadeFilters(Schema):
    kind: OrganisationKindName | None = Field(None, description="Type of each commune's lead organisation; "
                                                                "by default the type of the task's lead.")
    on: dt.date | None = Field(None, description="The map of this date gives the communes (today).")


class CascadeIn(CascadeFilters):
    deadline: dt.date | None = Field(None, description="Of the sub-tasks; by default the task's own.")


@router.get("/plans/tasks/{task_id}/cascade-preview", response={200: CascadePreviewOut, **WRITE_ERRORS})
def cascade_preview(request: HttpRequest, task_id: int, filters: Query[CascadeFilters]) -> dict:
    """What cascading a district (or province) task would make, one row per commune; nothing is written."""
    task = services.get_task_for_user(request.auth, task_id)
    on, kind = filters.on or _today(), filters.kind or task.lead.kind
    with _api_fields(lead="kind", unit="task_id"):
        rows = services.cascade_preview(request.auth, task, on=on, lead_kind=kind)
    return {
        "task_id": task.pk, "kind": kind, "on": on,
        "rows": [{"commune_id": row.commune.pk, "commune_code": row.commune.code,
                  "commune_name": row.commune.name, "code": row.code,
                  "lead_id": row.lead.pk if row.lead else None,
                  "lead_name": row.lead.name if row.lead else None,
                  "existing_id": row.existing.pk if row.existing else None} for row in rows],
        "can_confirm": all(row.lead is not None or row.existing is not None for row in rows),
    }


@router.post("/plans/tasks/{task_id}/cascade", response={200: list[TaskOut], **WRITE_ERRORS})
def cascade_task(request: HttpRequest, task_id: int, payload: CascadeIn) -> QuerySet[Task]:
    """Carry a district (or province) task down, one sub-task per commune; answers all its sub-tasks."""
    task = services.get_task_for_user(request.auth, task_id)
    on, kind = payload.on or _today(), payload.kind or task.lead.kind
    with _api_fields(lead="kind", unit="task_id"):
        services.cascade_preview(request.auth, task, on=on, lead_kind=kind)  # a commune task is refused
        made = services.cascade_task(request.auth, task, on=on, lead_kind=kind, deadline=payload.deadline)
    return services.tasks_as_of(request.auth, _today()).filter(pk__in=[sub.pk for sub in made])


# --- import ----------------------------------------------------------------------------------


class PlanFileIn(Schema):
    """A plan file (``docs/plans.md``, "The plan file") as JSON; items are checked by the import."""

    on: dt.date | None = Field(None, description="The date whose map resolves unit codes (today by default).")
    documents: list[dict[str, Any]] = Field([], description="Documents above, created or updated first.")
    document: dict[str, Any] = Field(description="The plan: number, kind, issuer, date, title, parent, …")
    targets: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []


class ImportOut(Schema):
    document_id: int
    number: str
    created: dict[str, int] = Field(description="Counts of documents, targets, tasks, organisations, values.")
    updated: dict[str, int]


class ImportOptions(Schema):
    create_organisations: bool = Field(False, description="Create the lead organisations not known yet, on "
                                                          "the unit of their task.")


@router.post("/plans/import", response={201: ImportOut, **WRITE_ERRORS})
def import_plan_file(request: HttpRequest, payload: PlanFileIn, options: Query[ImportOptions]) -> Status:
    """Import a plan, all or nothing; refused: 400 with every error, ``field`` the path (``tasks[2].lead``).

    Needs PLANS on every unit the file writes to (a unit refused is an error at its path).
    """
    if scope_for(request.auth, roles.PLANS).is_empty:
        raise PermissionDenied(_("You may not import plans."))
    text = json.dumps(payload.dict(exclude_unset=True), default=str, ensure_ascii=False)
    try:
        result = import_plan(text, user=request.auth, create_organisations=options.create_organisations)
    except ImportFailed as failure:
        return Status(400, {"detail": [{"field": error.column, "message_vi": error.vietnamese,
                                        "message_en": error.english} for error in failure.errors]})
    return Status(201, {"document_id": result.document.pk, "number": result.document.number,
                        "created": result.created, "updated": result.updated})

