"""Pages of the plans app: the cascade, a document's targets and tasks, task lists, a task, the timeline.

Every record is fetched through the scoped helpers of ``apps.plans.services``
(``visible_*``, ``get_*_for_user``: 404 outside the user's scope); every write
goes through a named service that checks the PLANS capability (403) and refuses
bad input with a ``DomainError`` shown on its field. Statuses follow Kế hoạch
145-KH/HU's follow-up model as computed by ``apps.plans.status``, as of ``?as_of=``
(today by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.places.models import UnitKind
from apps.places.services import parse_date
from apps.plans import reminders, services
from apps.plans import status as rules
from apps.plans.forms import CompleteForm, ProgressForm, TargetReportForm, TaskFilterForm
from apps.plans.models import ProgressUpdate, Task

PAGE_SIZE = 50


def as_of_from(request: HttpRequest) -> dt.date:
    """``?as_of=YYYY-MM-DD``, or today."""
    return parse_date(request.GET.get("as_of")) or timezone.localdate()


def with_last_percent(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Annotate the percent of the latest progress report that gave one (one subquery, not one per task)."""
    latest = ProgressUpdate.objects.filter(task=OuterRef("pk"), percent__isnull=False).order_by("-on", "-pk")
    return tasks.annotate(last_percent=Subquery(latest.values("percent")[:1]))


def require_edit(user, unit) -> None:
    """403 unless the user holds the PLANS capability on the unit (the services check it again)."""
    if not services.can_edit(user, unit):
        raise PermissionDenied(_("You may not change the plans, targets and tasks of this unit."))


def show_error(form, error: DomainError, **aliases: str) -> None:
    """The service's refusal on the field it names; ``aliases`` map the service's names to the form's."""
    if error.column in aliases:
        error.column = aliases[error.column]
    add_domain_error(form, error)


def submit(form, action: Callable[[dict], Any], **aliases: str) -> Any:
    """Run a service on a valid form's data: its result, or ``None`` when the form or the service refused.

    The service's refusal lands on the field it names (``aliases`` as in ``show_error``).
    """
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except DomainError as error:
        show_error(form, error, **aliases)
        return None


def status_context(summary: dict[str, int]) -> list[tuple[str, str, int]]:
    """(status, label, count) in the order a reader scans them: overdue first."""
    order = sorted(rules.TASK_STATUSES, key=rules.STATUS_RANK.get)
    return [(value, rules.TASK_STATUS_LABELS[value], summary.get(value, 0)) for value in order]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The cascade of documents as a tree, and the user's tasks counted by status today."""
    today = timezone.localdate()
    tasks = services.visible_tasks(request.user)
    return render(request, "plans/index.html", {
        "tree": services.document_tree(request.user),
        "summary": status_context(services.task_summary(tasks, today)),
        "today": today,
        "unread": reminders.notifications_for(request.user).count(),
        "can_write": not scope_for(request.user, roles.PLANS).is_empty,
    })


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A document: its place in the cascade, targets with progress, the tasks the user may see."""
    user = request.user
    document = services.get_document_for_user(user, pk)
    as_of = as_of_from(request)
    tasks = with_last_percent(services.tasks_as_of(user, as_of, document=document))
    targets = services.visible_targets(user).filter(document=document).order_by("unit__path", "code")
    return render(request, "plans/document.html", {
        "document": document,
        "as_of": as_of,
        "children": services.visible_documents(user).filter(parent=document).order_by("date", "number"),
        "attachments": document.attachments.all(),
        "targets": services.target_progress(targets, as_of),
        "tasks": tasks,
        "summary": status_context(services.task_summary(
            services.visible_tasks(user).filter(document=document), as_of)),
        "can_edit": services.can_edit(user, document.unit),
        "can_write": not scope_for(user, roles.PLANS).is_empty,
    })


@login_required
@require_http_methods(["GET", "POST"])
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A target: its progress as of a date, the values reported by hand; report one (PLANS on its unit)."""
    user = request.user
    target = services.get_target_for_user(user, pk)
    editable = services.can_edit(user, target.unit)
    form = TargetReportForm(request.POST or None) if editable else None
    if request.method == "POST":
        require_edit(user, target.unit)
        if submit(form, lambda data: services.report_target_value(user, target, on=data["on"],
                                                                  value=data["value"], note=data["note"])):
            messages.success(request, _("The value was recorded."))
            return redirect("plans:target", target.pk)
    as_of = as_of_from(request)
    return render(request, "plans/target.html", {
        "target": target, "as_of": as_of, "row": services.target_progress([target], as_of)[0],
        "reports": target.reports.select_related("created_by").order_by("-on", "-pk"), "form": form,
    }, status=400 if request.method == "POST" else 200)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks overdue first then by deadline (or by lead organisation), with their status as of a date."""
    user = request.user
    form = TaskFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    as_of = data.get("as_of") or timezone.localdate()
    tasks = services.tasks_as_of(user, as_of)
    lead = document = None
    if data.get("document"):
        document = services.get_document_for_user(user, data["document"])
        tasks = tasks.filter(document=document)
    if data.get("lead"):
        tasks = tasks.filter(lead_id=data["lead"])
        lead = tasks.first().lead if tasks.exists() else None
    summary = status_context(services.task_summary(tasks, as_of))
    if data.get("status"):
        tasks = tasks.filter(status=data["status"])
    if data.get("group") == "organisation":
        tasks = tasks.select_related("lead__unit").order_by("lead__name", "status_rank", "deadline", "code")
    page = Paginator(with_last_percent(tasks), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/tasks.html", {
        "form": form, "page": page, "as_of": as_of, "summary": summary, "lead": lead, "document": document,
        "grouped": data.get("group") == "organisation",
    })


def _task_context(request: HttpRequest, task: Task, **forms) -> dict:
    user = request.user
    as_of = as_of_from(request)
    subtasks = with_last_percent(rules.with_status(services.visible_tasks(user).filter(parent=task), as_of))
    editable = services.can_edit(user, task.unit)
    last = task.updates.exclude(percent__isnull=True).order_by("-on", "-pk").first()
    context = {
        "task": task,
        "as_of": as_of,
        "status": rules.task_status(task.deadline, task.completed_on, as_of),
        "percent": last.percent if last else None,
        "subtasks": subtasks.order_by("status_rank", "deadline", "code"),
        "updates": task.updates.select_related("by").order_by("-on", "-pk"),
        "coordinating": task.coordinating.all(),
        "obstacles": services.visible_obstacles(user).filter(task=task),
        "parent_visible": task.parent_id is not None
        and services.visible_tasks(user).filter(pk=task.parent_id).exists(),
        "recommendation": getattr(task, "recommendation", None),
        "can_edit": editable,
        "can_cascade": editable and task.unit.kind in (UnitKind.DISTRICT, UnitKind.PROVINCE),
    }
    if editable:
        context["progress_form"] = forms.get("progress_form") or ProgressForm()
        context["complete_form"] = forms.get("complete_form") or CompleteForm()
    return context


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = services.get_task_for_user(request.user, pk)
    return render(request, "plans/task.html", _task_context(request, task))


def _task_for_edit(request: HttpRequest, pk: int) -> Task:
    task = services.get_task_for_user(request.user, pk)
    require_edit(request.user, task.unit)
    return task


@login_required
@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress report (date, text, percent, attachment), optionally completing the task."""
    task = _task_for_edit(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if submit(form, lambda data: services.report_progress(
            request.user, task, on=data["on"], text=data["text"], percent=data["percent"],
            attachment=data["attachment"], completed=data["completed"]), completed_on="on"):
        messages.success(request, _("The progress report was recorded."))
        return redirect("plans:task", task.pk)
    return render(request, "plans/task.html", _task_context(request, task, progress_form=form), status=400)


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the task done on a date (a date in the future is refused by the service)."""
    task = _task_for_edit(request, pk)
    form = CompleteForm(request.POST)
    if submit(form, lambda data: services.complete_task(request.user, task, data["on"]), completed_on="on"):
        messages.success(request, _("The task was marked done."))
        return redirect("plans:task", task.pk)
    return render(request, "plans/task.html", _task_context(request, task, complete_form=form), status=400)


@login_required
@require_POST
def task_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for_edit(request, pk)
    services.reopen_task(request.user, task)
    messages.success(request, _("The task was reopened."))
    return redirect("plans:task", task.pk)


@login_required
def progress_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The attachment of a progress report, for users who may see its task."""
    update = get_object_or_404(ProgressUpdate.objects.select_related("task"), pk=pk)
    services.get_task_for_user(request.user, update.task_id)
    if not update.attachment:
        raise Http404("The progress report has no attachment.")
    try:
        handle = update.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("The attachment is missing from the storage.") from None
    return FileResponse(handle, as_attachment=True, filename=update.attachment.name.rsplit("/", 1)[-1])


@login_required
def timeline(request: HttpRequest) -> HttpResponse:
    """The deadlines of a year by month: tasks and targets, with their status today (or ``?as_of=``)."""
    today = timezone.localdate()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
    as_of = as_of_from(request)
    tasks = services.tasks_as_of(request.user, as_of).filter(deadline__year=year).order_by("deadline", "code")
    targets = services.visible_targets(request.user).filter(deadline__year=year).order_by("deadline", "code")
    entries = [(task.deadline, "task", task) for task in tasks]
    entries += [(row.target.deadline, "target", row) for row in services.target_progress(targets, as_of)]
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return render(request, "plans/timeline.html", {
        "year": year, "as_of": as_of, "entries": [{"month": day.month, "day": day, "kind": kind, "item": item}
                                                  for day, kind, item in entries],
        "previous": year - 1, "next": year + 1,
    })
