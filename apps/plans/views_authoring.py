"""Authoring pages of the plans app: documents, targets and tasks by hand, and the cascade of a task.

Before these pages a plan got in only through a file (``importing``); the pages
call the same services (``save_document``, ``save_target``, ``save_task``,
``cascade_preview``/``cascade_task``), so the same rules hold: the PLANS capability
on the record's unit, a lead organisation for every task, no deadline before the
document's date, no cycle in the cascade — each refusal shown on the field it names.
Records are fetched through the scoped helpers (404 outside the user's scope).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.places.models import UnitKind
from apps.plans import services
from apps.plans.forms import CascadeForm, DocumentForm, TargetForm, TaskForm
from apps.plans.models import Document, DocumentAttachment, Target, Task
from apps.plans.views import require_edit, show_error, submit

DOCUMENT_FIELDS = ("number", "kind", "title", "issuer_name", "issuer", "date", "valid_from", "valid_to",
                   "parent", "unit", "summary", "text")
TARGET_FIELDS = ("code", "title", "unit", "metric", "organisation", "accountable_head", "baseline",
                 "baseline_on", "target_value", "direction", "deadline")
TASK_FIELDS = ("code", "title", "description", "unit", "lead", "accountable_head", "deadline", "recurrence",
               "parent")
CASCADE_KINDS = (UnitKind.DISTRICT, UnitKind.PROVINCE)


def _require_any_plans(user) -> None:
    if scope_for(user, roles.PLANS).is_empty:
        raise PermissionDenied(_("You may not change the plans, targets and tasks of any unit."))


def _save(form, action: Callable[[dict], Any], **aliases: str) -> Any:
    """Run a service on a valid form: its result, or ``None`` with the refusal on the field it names.

    A refusal of permission (a unit the user does not hold PLANS on; a central
    document, which only system administrators write) lands on the unit field.
    """
    def guarded(data: dict) -> Any:
        try:
            return action(data)
        except PermissionDenied as denied:
            form.add_error("unit", str(denied) or _("You may not change the plans of this unit."))
            return None

    return submit(form, guarded, **aliases)


def _pick(data: dict, names: tuple[str, ...]) -> dict:
    return {name: data.get(name) for name in names}


def _form_page(request: HttpRequest, *, title: str, form, crumbs: list[tuple[str, str]],
               testid: str) -> HttpResponse:
    return render(request, "plans/edit.html", {
        "title": title, "form": form, "crumbs": crumbs, "testid": testid,
    }, status=400 if request.method == "POST" else 200)


# --- documents --------------------------------------------------------------------------------


def _document_form(request: HttpRequest, document: Document | None) -> DocumentForm:
    documents = services.visible_documents(request.user)
    if document is not None:
        documents = documents.exclude(pk=document.pk)
        initial = {name: getattr(document, name) for name in DOCUMENT_FIELDS}
    else:
        parent = request.GET.get("parent")
        initial = {"parent": parent if parent and parent.isdigit() else None}
    return DocumentForm(request.POST or None, request.FILES or None, user=request.user, documents=documents,
                        initial=initial)


def _save_document(user, document: Document | None, data: dict) -> Document:
    fields = _pick(data, DOCUMENT_FIELDS)
    fields["issuer_name"] = fields["issuer_name"] or ""
    for name in ("summary", "text"):
        fields[name] = fields[name] or ""
    return services.save_document(user, document, attachment=data.get("attachment"),
                                  attachment_title=data.get("attachment_title") or "", **fields)


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    """A new document of the cascade; its parent among the documents the user may read."""
    _require_any_plans(request.user)
    form = _document_form(request, None)
    if request.method == "POST":
        document = _save(form, lambda data: _save_document(request.user, None, data),
                         file="attachment")
        if document:
            messages.success(request, _("The document %(number)s was recorded.")
                             % {"number": document.number})
            return redirect("plans:document", document.pk)
    return _form_page(request, title=_("New document"), form=form, crumbs=[],
                      testid="document-form")


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a document (PLANS on its unit); a parent that closes a cycle is refused on the parent."""
    document = services.get_document_for_user(request.user, pk)
    require_edit(request.user, document.unit)
    form = _document_form(request, document)
    if request.method == "POST" and _save(form, lambda data: _save_document(request.user, document, data),
                                          file="attachment"):
        messages.success(request, _("The document was saved."))
        return redirect("plans:document", document.pk)
    return _form_page(request, title=_("Edit the document %(number)s") % {"number": document.number},
                      form=form, testid="document-form",
                      crumbs=[(document.number, reverse("plans:document", args=[document.pk]))])


@login_required
def document_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file attached to a document, for users who may read the document."""
    attachment = get_object_or_404(DocumentAttachment, pk=pk)
    services.get_document_for_user(request.user, attachment.document_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The attachment is missing from the storage.") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1])


def _record_page(request: HttpRequest, document: Document, record: Target | Task | None, form,
                 save: Callable[[dict], Any], *, url_name: str, testid: str,
                 texts: tuple[str, str, str]) -> HttpResponse:
    """The form of a target or task: on POST save it and go to its page, else show the form.

    ``texts``: the messages "saved" (``%(code)s``), "edit" (``%(code)s``) and "new" (``%(number)s``).
    """
    saved_text, edit_text, new_text = texts
    if request.method == "POST":
        saved = _save(form, save)
        if saved:
            messages.success(request, saved_text % {"code": saved.code})
            return redirect(url_name, saved.pk)
    title = edit_text % {"code": record.code} if record else new_text % {"number": document.number}
    crumbs = [(document.number, reverse("plans:document", args=[document.pk]))]
    if record:
        crumbs.append((record.code, reverse(url_name, args=[record.pk])))
    return _form_page(request, title=title, form=form, crumbs=crumbs, testid=testid)


# --- targets ----------------------------------------------------------------------------------


def _target_page(request: HttpRequest, document: Document, target: Target | None) -> HttpResponse:
    user = request.user
    initial = ({name: getattr(target, name) for name in TARGET_FIELDS} if target
               else {"unit": document.unit_id})
    form = TargetForm(request.POST or None, user=user, editing=target is not None, initial=initial)

    def save(data: dict) -> Target:
        fields = _pick(data, TARGET_FIELDS)
        fields["metric"] = fields["metric"] or ""
        fields["accountable_head"] = fields["accountable_head"] or ""
        return services.save_target(user, document, target, **fields)

    return _record_page(request, document, target, form, save, url_name="plans:target", testid="target-form",
                        texts=(_("The target %(code)s was saved."), _("Edit the target %(code)s"),
                               _("New target of %(number)s")))


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new target of a document the user may read, on a unit where he holds PLANS."""
    _require_any_plans(request.user)
    return _target_page(request, services.get_document_for_user(request.user, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = services.get_target_for_user(request.user, pk)
    require_edit(request.user, target.unit)
    return _target_page(request, target.document, target)


# --- tasks ------------------------------------------------------------------------------------


def _task_page(request: HttpRequest, document: Document, task: Task | None) -> HttpResponse:
    user = request.user
    tasks = services.visible_tasks(user).filter(document=document)
    if task is not None:
        tasks = tasks.exclude(pk=task.pk)
        initial = {name: getattr(task, name) for name in TASK_FIELDS}
        initial["coordinating"] = list(task.coordinating.values_list("pk", flat=True))
    else:
        parent = tasks.filter(pk=request.GET.get("parent") or 0).first() \
            if (request.GET.get("parent") or "").isdigit() else None
        initial = {"parent": parent, "unit": parent.unit_id if parent else document.unit_id}
    form = TaskForm(request.POST or None, user=user, tasks=tasks, editing=task is not None, initial=initial)

    def save(data: dict) -> Task:
        fields = _pick(data, TASK_FIELDS)
        for name in ("description", "accountable_head", "recurrence"):
            fields[name] = fields[name] or ""
        return services.save_task(user, document, task, coordinating=data["coordinating"],
                                  until=data["until"], **fields)

    return _record_page(request, document, task, form, save, url_name="plans:task", testid="task-form",
                        texts=(_("The task %(code)s was saved."), _("Edit the task %(code)s"),
                               _("New task of %(number)s")))


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new task of a document the user may read (``?parent=`` a visible task of it: a sub-task)."""
    _require_any_plans(request.user)
    return _task_page(request, services.get_document_for_user(request.user, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = services.get_task_for_user(request.user, pk)
    require_edit(request.user, task.unit)
    return _task_page(request, task.document, task)


# --- cascade ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def task_cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """Cascade a district (or province) task to its communes: preview (GET), then confirm (POST).

    The preview lists each commune with the organisation that would lead its sub-task
    (and the sub-tasks already there, which are kept); confirming calls ``cascade_task``.
    """
    user = request.user
    task = services.get_task_for_user(user, pk)
    require_edit(user, task.unit)
    if task.unit.kind not in CASCADE_KINDS:
        raise Http404("Only a district or province task is cascaded.")
    data = request.POST if request.method == "POST" else (request.GET if "lead_kind" in request.GET else None)
    form = CascadeForm(data, initial={"lead_kind": task.lead.kind, "deadline": task.deadline,
                                      "on": timezone.localdate()})
    rows = None
    options: dict = {}
    if form.is_bound and form.is_valid():
        options = dict(form.cleaned_data)  # kept: a refusal below removes its field from cleaned_data
        try:
            rows = services.cascade_preview(user, task, on=options["on"], lead_kind=options["lead_kind"])
            if request.method == "POST":
                made = services.cascade_task(user, task, on=options["on"], lead_kind=options["lead_kind"],
                                             deadline=options["deadline"])
                messages.success(request, _("The task now has %(count)s sub-tasks, one per commune.")
                                 % {"count": len(made)})
                return redirect("plans:task", task.pk)
        except DomainError as error:
            show_error(form, error, lead="lead_kind")
    missing = [row for row in rows or [] if row.lead is None and row.existing is None]
    hidden = []
    if rows is not None:  # the options previewed are the options confirmed
        hidden = [("lead_kind", options["lead_kind"]), ("on", options["on"].isoformat()),
                  ("deadline", options["deadline"].isoformat() if options["deadline"] else "")]
    return render(request, "plans/cascade.html", {
        "task": task, "form": form, "rows": rows, "missing": missing, "hidden": hidden,
        "new": sum(1 for row in rows or [] if row.existing is None),
    }, status=400 if request.method == "POST" else 200)

