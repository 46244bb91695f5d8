"""Pages of supervision (R4): inspections and visits, their recommendations, the obstacle log.

"Thường xuyên theo dõi, đôn đốc, kiểm tra, chỉ đạo giải quyết kịp thời các khó khăn
vướng mắc" (Kế hoạch 145-KH/HU). Reads through the scoped helpers of
``apps.plans.services``; writes through its supervision services (PLANS capability).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import roles
from apps.accounts.scope import coverage_paths, scope_for
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.organisations.models import Organisation
from apps.places.models import Unit
from apps.plans import services
from apps.plans.forms import (
    DateForm,
    EscalateForm,
    InspectionForm,
    ObstacleForm,
    RecommendationForm,
    ResolveObstacleForm,
)
from apps.plans.models import Obstacle
from apps.plans.views import show_error

PAGE_SIZE = 50


def _deny_unless(user, unit: Unit) -> None:
    if not services.can_edit(user, unit):
        raise PermissionDenied(_("You may not change the plans, targets and tasks of this unit."))


def _may_write(user) -> bool:
    return not scope_for(user, roles.PLANS).is_empty


@login_required
@require_http_methods(["GET", "POST"])
def inspection_list(request: HttpRequest) -> HttpResponse:
    """Inspections and supervision visits the user may see; a form to record one."""
    user = request.user
    form = None
    if _may_write(user):
        form = InspectionForm(request.POST or None, user=user, documents=services.visible_documents(user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                visit = services.record_inspection(user, subject=data["subject"], date=data["date"],
                                                   team=data["team"], findings=data["findings"],
                                                   kind=data["kind"], document=data["document"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The visit was recorded."))
                return redirect("plans:inspection", visit.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("You may not record inspections."))
    inspections = services.visible_inspections(user).order_by("-date", "-pk")
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/inspections.html", {"page": page, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A visit, its recommendations (each with its follow-up task); add a recommendation."""
    user = request.user
    inspection = services.get_inspection_for_user(user, pk)
    editable = services.can_edit(user, inspection.unit)
    form = RecommendationForm(request.POST or None) if editable else None
    if request.method == "POST":
        _deny_unless(user, inspection.unit)
        if form.is_valid():
            try:
                services.add_recommendation(user, inspection, text=form.cleaned_data["text"],
                                            deadline=form.cleaned_data["deadline"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The recommendation was added."))
                return redirect("plans:inspection", inspection.pk)
    recommendations = services.visible_recommendations(user).filter(inspection=inspection).order_by("pk")
    return render(request, "plans/inspection.html", {
        "inspection": inspection, "recommendations": recommendations, "form": form, "can_edit": editable,
        "resolve_form": DateForm(),
    })


@login_required
@require_POST
def recommendation_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = services.visible_recommendations(request.user).filter(pk=pk).first()
    if recommendation is None:
        raise Http404("No recommendation matches the given query.")
    _deny_unless(request.user, recommendation.inspection.unit)
    form = DateForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_recommendation(request.user, recommendation, form.cleaned_data["on"])
        except DomainError as error:
            messages.error(request, error.localized())
        else:
            messages.success(request, _("The recommendation was marked resolved."))
    else:
        messages.error(request, _("Give the date on which it was resolved."))
    return redirect("plans:inspection", recommendation.inspection_id)


@login_required
@require_http_methods(["GET", "POST"])
def obstacle_list(request: HttpRequest) -> HttpResponse:
    """The obstacle log: open ones first; a form to raise one."""
    user = request.user
    form = None
    if _may_write(user):
        form = ObstacleForm(request.POST or None, user=user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                obstacle = services.raise_obstacle(
                    user, raised_by=data["raised_by"], raised_on=data["raised_on"],
                    description=data["description"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The difficulty was recorded."))
                return redirect("plans:obstacle", obstacle.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("You may not raise obstacles."))
    show = request.GET.get("show", "open")
    obstacles = services.visible_obstacles(user)
    if show == "open":
        obstacles = obstacles.filter(resolved_on__isnull=True)
    page = Paginator(obstacles.order_by("-raised_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/obstacles.html", {"page": page, "form": form, "show": show})


def escalation_targets(obstacle: Obstacle) -> QuerySet[Organisation]:
    """Organisations of the obstacle's unit and of the units above it (its history included)."""
    paths: set[str] = set()
    for prefix in coverage_paths(obstacle.unit):
        parts = [part for part in prefix.split("/") if part]
        paths.update("/" + "/".join(parts[:end]) + "/" for end in range(2, len(parts) + 1))
    return Organisation.objects.filter(Q(unit__path__in=paths), active=True).exclude(
        pk=obstacle.raised_by_id).select_related("unit").order_by("unit__path", "name")


@login_required
def obstacle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    obstacle = services.get_obstacle_for_user(user, pk)
    editable = services.can_edit(user, obstacle.unit)
    return render(request, "plans/obstacle.html", {
        "obstacle": obstacle, "can_edit": editable,
        "escalate_form": EscalateForm(organisations=escalation_targets(obstacle)) if editable else None,
        "resolve_form": ResolveObstacleForm() if editable else None,
    })


@login_required
@require_POST
def obstacle_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = services.get_obstacle_for_user(request.user, pk)
    _deny_unless(request.user, obstacle.unit)
    form = EscalateForm(request.POST, organisations=escalation_targets(obstacle))
    if form.is_valid():
        try:
            services.escalate_obstacle(request.user, obstacle, to=form.cleaned_data["to"],
                                       on=form.cleaned_data["on"])
        except DomainError as error:
            show_error(form, error, escalated_on="on")
        else:
            messages.success(request, _("The difficulty was escalated."))
            return redirect("plans:obstacle", obstacle.pk)
    return render(request, "plans/obstacle.html", {
        "obstacle": obstacle, "can_edit": True, "escalate_form": form, "resolve_form": ResolveObstacleForm(),
    }, status=400)


@login_required
@require_POST
def obstacle_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = services.get_obstacle_for_user(request.user, pk)
    # No check here: the service lets the body it was escalated to resolve it too.
    form = ResolveObstacleForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_obstacle(request.user, obstacle, on=form.cleaned_data["on"],
                                      resolution=form.cleaned_data["resolution"])
        except DomainError as error:
            show_error(form, error, resolved_on="on")
        else:
            messages.success(request, _("The difficulty was marked resolved."))
            return redirect("plans:obstacle", obstacle.pk)
    return render(request, "plans/obstacle.html", {
        "obstacle": obstacle, "can_edit": True, "resolve_form": form,
        "escalate_form": EscalateForm(organisations=escalation_targets(obstacle)),
    }, status=400)
