"""Pages of the administrative map: browse, drill down, villages, commune flags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.history import history_for
from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, ImportFailed
from apps.core.forms import add_domain_error
from apps.places import flags, services, village_import
from apps.places.access import get_commune_for_edit, get_unit_for_edit, get_unit_for_user
from apps.places.forms import CommuneFlagForm, VillageForm, VillageImportForm
from apps.places.models import Unit, UnitKind, UnitLink


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The provinces of the map in force on the chosen date that lead to the user's scope."""
    on = services.map_date_from_request(request)
    scope = scope_for(request.user)
    provinces = [
        unit for unit in Unit.objects.in_force(on).filter(kind=UnitKind.PROVINCE).order_by("name")
        if scope.leads_to(unit)
    ]
    return render(request, "places/index.html", {"provinces": provinces, "on": on, "scope": scope})


def _visible_children(unit: Unit, on, scope) -> list[Unit]:
    children = unit.children.in_force(on).order_by("kind", "name")
    if scope.covers(unit):
        return list(children)
    return [child for child in children if scope.leads_to(child)]


def _links(unit: Unit, scope) -> tuple[list[UnitLink], list[UnitLink]]:
    predecessors = list(unit.predecessor_links.select_related("predecessor__parent").order_by(
        "predecessor__code"))
    successors = list(unit.successor_links.select_related("successor__parent").order_by("successor__code"))
    for link in predecessors:
        link.visible = scope.leads_to(link.predecessor)
    for link in successors:
        link.visible = scope.leads_to(link.successor)
    return predecessors, successors


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, navigable=True)
    on = services.map_date_from_request(request)
    scope = scope_for(request.user)
    covered = scope.covers(unit)
    predecessors, successors = _links(unit, scope)
    context = {
        "unit": unit,
        "on": on,
        "covered": covered,
        "in_force": unit.in_force_on(on),
        "ancestors": unit.ancestors(),
        "children": _visible_children(unit, on, scope),
        "predecessors": predecessors,
        "successors": successors,
        "scope": scope,
        "can_edit": scope_for(request.user, EDIT).covers(unit),
    }
    if covered:
        context["organisation_count"] = unit.organisations.count()
        context["history"] = history_for(request.user, unit)[:20]
        if unit.kind == UnitKind.COMMUNE:
            context["flags"] = list(unit.flags.order_by("-year"))
    return render(request, "places/detail.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Units in the user's scope whose name or code matches, on the map's date (HTMX fragment)."""
    query = services.clean_name(request.GET.get("q", ""))
    on = services.map_date_from_request(request)
    units: list[Unit] = []
    if len(query) >= 2:
        found = scope_for(request.user).units().in_force(on).select_related("parent")
        if query.isdigit():
            found = found.filter(code__startswith=query)
        else:
            found = found.filter(name__icontains=query)
        units = list(found.order_by("kind", "name")[:25])
    return render(request, "places/_search_results.html", {"units": units, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def village_create(request: HttpRequest, pk: int) -> HttpResponse:
    commune = get_commune_for_edit(request.user, pk)
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = services.create_village(
                commune, form.cleaned_data["name"], form.cleaned_data["type"],
                form.cleaned_data["code"], user=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The village was created."))
            return redirect("places:detail", village.pk)
    return render(request, "places/village_form.html", {"form": form, "commune": commune})


@login_required
@require_http_methods(["GET", "POST"])
def village_edit(request: HttpRequest, pk: int) -> HttpResponse:
    village = get_unit_for_edit(request.user, pk, kind=UnitKind.VILLAGE)
    initial = {"name": village.name, "type": village.division_type, "code": village.code}
    form = VillageForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_village(village, form.cleaned_data["name"], form.cleaned_data["type"],
                                    user=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The village was saved."))
            return redirect("places:detail", village.pk)
    return render(request, "places/village_form.html",
                  {"form": form, "commune": village.parent, "village": village})


@login_required
@require_http_methods(["GET", "POST"])
def village_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    commune = get_commune_for_edit(request.user, pk)
    form = VillageImportForm(request.POST or None, request.FILES or None)
    errors: list[DomainError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = village_import.import_villages(commune, form.cleaned_data["file"], user=request.user)
        except ImportFailed as failure:
            errors = failure.errors
        except DomainError as error:
            errors = [error]
        else:
            messages.success(request, _("%(count)d villages were created.") % {"count": len(result.created)})
            return redirect("places:detail", commune.pk)
    return render(request, "places/village_import.html",
                  {"form": form, "commune": commune, "errors": errors})


@login_required
@require_http_methods(["GET", "POST"])
def commune_flags(request: HttpRequest, pk: int) -> HttpResponse:
    commune = get_commune_for_edit(request.user, pk)
    form = CommuneFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flags.set_commune_flag(commune, form.cleaned_data["year"],
                                   form.cleaned_data["special_difficulty"],
                                   source=form.cleaned_data["source"], user=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The flag was saved."))
            return redirect("places:flags", commune.pk)
    return render(request, "places/flags.html", {
        "commune": commune, "form": form, "flags": commune.flags.order_by("-year"),
    })
