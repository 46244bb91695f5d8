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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.plans import services
from apps.plans.forms import (
    DateForm,
    EscalateForm,
    InspectionForm,
    ObstacleForm,
    RecommendationForm,
    ResolveObstacleForm,
)
from apps.plans.lookups import escalation_targets
from apps.plans.models import Obstacle
from apps.plans.views import require_edit, submit

PAGE_SIZE = 50


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
        visit = request.method == "POST" and submit(form, lambda data: services.record_inspection(
            user, subject=data["subject"], date=data["date"], team=data["team"], findings=data["findings"],
            kind=data["kind"], document=data["document"]))
        if visit:
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
        require_edit(user, inspection.unit)
        if submit(form, lambda data: services.add_recommendation(user, inspection, text=data["text"],
                                                                 deadline=data["deadline"])):
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
    require_edit(request.user, recommendation.inspection.unit)
    form = DateForm(request.POST)
    if submit(form, lambda data: services.resolve_recommendation(request.user, recommendation, data["on"]),
              resolved_on="on"):
        messages.success(request, _("The recommendation was marked resolved."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("plans:inspection", recommendation.inspection_id)


@login_required
@require_http_methods(["GET", "POST"])
def obstacle_list(request: HttpRequest) -> HttpResponse:
    """The obstacle log: open ones first; a form to raise one."""
    user = request.user
    form = None
    if _may_write(user):
        form = ObstacleForm(request.POST or None, user=user)
        obstacle = request.method == "POST" and submit(form, lambda data: services.raise_obstacle(
            user, raised_by=data["raised_by"], raised_on=data["raised_on"], description=data["description"]))
        if obstacle:
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


def _obstacle_page(request: HttpRequest, obstacle: Obstacle, status: int = 200, **forms) -> HttpResponse:
    editable = services.can_edit(request.user, obstacle.unit)
    return render(request, "plans/obstacle.html", {
        "obstacle": obstacle, "can_edit": editable,
        "escalate_form": forms.get("escalate_form") or (
            EscalateForm(organisations=escalation_targets(obstacle)) if editable else None),
        "resolve_form": forms.get("resolve_form") or (ResolveObstacleForm() if editable else None),
    }, status=status)


@login_required
def obstacle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _obstacle_page(request, services.get_obstacle_for_user(request.user, pk))


@login_required
@require_POST
def obstacle_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = services.get_obstacle_for_user(request.user, pk)
    require_edit(request.user, obstacle.unit)
    form = EscalateForm(request.POST, organisations=escalation_targets(obstacle))
    if submit(form, lambda data: services.escalate_obstacle(
            request.user, obstacle, to=data["to"], on=data["on"]), escalated_on="on"):
        messages.success(request, _("The difficulty was escalated."))
        return redirect("plans:obstacle", obstacle.pk)
    return _obstacle_page(request, obstacle, 400, escalate_form=form)


@login_required
@require_POST
def obstacle_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    # No check of the unit here: the service lets the body it was escalated to resolve it too.
    obstacle = services.get_obstacle_for_user(request.user, pk)
    form = ResolveObstacleForm(request.POST)
    if submit(form, lambda data: services.resolve_obstacle(request.user, obstacle, on=data["on"],
                                                           resolution=data["resolution"]), resolved_on="on"):
        messages.success(request, _("The difficulty was marked resolved."))
        return redirect("plans:obstacle", obstacle.pk)
    return _obstacle_page(request, obstacle, 400, resolve_form=form)
