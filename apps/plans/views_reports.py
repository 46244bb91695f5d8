"""Pages of the plans app that report: the annual scorecard and its exports, notifications, plan import.

The scorecard follows ``apps.plans.scorecard`` (R3: each organisation and its head
answer for the plan in the annual evaluation); the same rows feed the page, the
XLSX and the PDF, so that the three always agree.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, ImportFailed
from apps.organisations.models import Organisation
from apps.places.models import Unit
from apps.places.services import parse_date
from apps.plans import exports, reminders, services
from apps.plans import status as rules
from apps.plans.forms import PlanImportForm, ScorecardForm
from apps.plans.importing import import_plan
from apps.plans.lookups import scoped_unit
from apps.plans.models import Recurrence
from apps.plans.scorecard import default_as_of, scorecard

PAGE_SIZE = 50


def home_unit(user) -> Unit | None:
    """The unit of the user's one role on a unit (the issuer of an exported scorecard), if one."""
    units = {assignment.unit for assignment in user.role_assignments.select_related("unit")
             if assignment.unit is not None}
    return units.pop() if len(units) == 1 else None


def _scorecard_arguments(request: HttpRequest, year: int | None = None) -> tuple[int, dt.date, Unit | None]:
    if year is None:
        year_text = request.GET.get("year", "")
        valid = year_text.isdigit() and 2000 <= int(year_text) <= 2100
        year = int(year_text) if valid else timezone.localdate().year
    as_of = parse_date(request.GET.get("as_of")) or default_as_of(year)
    return year, as_of, scoped_unit(request.user, request.GET.get("unit"))


@login_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    """The ranked scorecard of a year (``?year=``, ``?as_of=``, ``?unit=``) for the organisations in scope."""
    year, as_of, unit = _scorecard_arguments(request)
    rows = scorecard(request.user, year, unit=unit, as_of=as_of)
    form = ScorecardForm(initial={"year": year, "as_of": as_of, "unit": unit.pk if unit else None})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "plans/scorecard.html", {
        "rows": rows, "year": year, "as_of": as_of, "unit": unit, "form": form,
        "query": query.urlencode(),
    })


@login_required
def scorecard_organisation(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """One organisation's scorecard of a year: its figures and the tasks, targets and recommendations
    they count (selected as ``apps.plans.scorecard`` selects them)."""
    user = request.user
    organisations = scope_for(user).filter(Organisation.objects.select_related("unit"), "unit")
    organisation = organisations.filter(pk=pk).first()
    if organisation is None or not 2000 <= year <= 2100:
        raise Http404("No organisation matches the given query.")
    _year, as_of, unit = _scorecard_arguments(request, year)
    # Ranked among the same organisations as the table the user came from (``?unit=``, else the whole
    # scope), so that the rank here is the rank there.
    rows = scorecard(user, year, unit=unit, as_of=as_of)
    row = next((item for item in rows if item.organisation.pk == organisation.pk), None)
    ranked = sum(1 for item in rows if item.rank is not None)
    tasks = services.visible_tasks(user).filter(lead=organisation, deadline__year=year).exclude(
        recurrence__in=[Recurrence.YEARLY, Recurrence.QUARTERLY])
    targets = services.visible_targets(user).filter(organisation=organisation, deadline__year=year)
    recommendations = services.visible_recommendations(user).filter(
        inspection__subject=organisation, inspection__date__year=year).order_by("inspection__date", "pk")
    return render(request, "plans/scorecard_organisation.html", {
        "organisation": organisation, "year": year, "as_of": as_of, "row": row, "ranked": ranked,
        "unit": unit,
        "tasks": rules.with_status(tasks, as_of).order_by("status_rank", "deadline", "code"),
        "targets": services.target_progress(targets.order_by("deadline", "code"), as_of),
        "recommendations": recommendations,
    })


@login_required
def scorecard_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The scorecard as XLSX or PDF, in Vietnamese, with the same rows as the page."""
    if fmt not in exports.CONTENT_TYPES or not 2000 <= year <= 2100:
        raise Http404("Unknown format or year.")
    year, as_of, unit = _scorecard_arguments(request, year)
    rows = scorecard(request.user, year, unit=unit, as_of=as_of)
    document = exports.scorecard_document(rows, year=year, as_of=as_of, unit=unit or home_unit(request.user),
                                          date=timezone.localdate())
    response = HttpResponse(exports.render(document, fmt), content_type=exports.CONTENT_TYPES[fmt])
    suffix = f"-{unit.code}" if unit is not None else ""
    response["Content-Disposition"] = f'attachment; filename="bang-xep-hang-{year}{suffix}.{fmt}"'
    return response


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The reminders the background worker produced for the user (deadline approaching, overdue)."""
    items = reminders.notifications_for(request.user, unread_only=False)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/notifications.html", {
        "page": page,
        "items": [(item, reminders.message_of(item)) for item in page.object_list],
        "unread": items.filter(read_at__isnull=True).count(),
    })


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = reminders.mark_read(request.user)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("plans:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    """Upload a plan file (YAML or JSON, ``docs/plans.md``); all or nothing, errors by path and field."""
    if scope_for(request.user, roles.PLANS).is_empty:
        raise PermissionDenied(_("You may not import plans."))
    form = PlanImportForm(request.POST or None, request.FILES or None)
    errors: list[DomainError] = []
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = import_plan(form.cleaned_data["file"], user=request.user,
                                 create_organisations=form.cleaned_data["create_organisations"])
        except ImportFailed as failure:
            errors = failure.errors
        except PermissionDenied as denied:
            errors = [DomainError(str(denied) or _("You may not change the plans of a unit in this file."))]
        else:
            messages.success(request, _("The plan %(number)s was imported.")
                             % {"number": result.document.number})
    counts = []
    if result is not None:
        labels = {"documents": _("Documents"), "targets": _("Targets"), "tasks": _("Tasks"),
                  "organisations": _("Organisations"), "reports": _("Reported values")}
        counts = [(labels.get(name, name), created, result.updated.get(name))
                  for name, created in result.created.items()]
    status = 400 if errors or (request.method == "POST" and not form.is_valid()) else 200
    return render(request, "plans/import.html", {
        "form": form, "errors": [(error.column or "", error.localized()) for error in errors],
        "result": result, "counts": counts,
    }, status=status)
