"""Pages of households: the list, a household with its members year by year, forms.

Personal data follows the rule of ``views_persons``: names and the address only
where the user holds the "personal data" capability on the village.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts import audit
from apps.accounts.history import history_for
from apps.accounts.models import AuditEntry
from apps.accounts.roles import EDIT, PERSONAL_DATA, VIEW
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.people import services
from apps.people.forms import HouseholdFilterForm, HouseholdForm
from apps.people.models import Person, Relation, SurveyRecord
from apps.people.views_common import communes_in_scope, keyset_page, selected_year, unit_from
from apps.places.models import Unit, UnitKind

MAX_COMPARED_YEARS = 6


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    year = selected_year(request, services.survey_years())
    communes = communes_in_scope(user, VIEW, year)
    commune = unit_from(request, "commune", communes)
    villages = (commune.children.filter(kind=UnitKind.VILLAGE).order_by("name")
                if commune is not None else Unit.objects.none())
    village = unit_from(request, "village", villages)
    form = HouseholdFilterForm(request.GET or None, communes=list(communes), villages=list(villages))
    households = services.get_households_for_user(user)
    if commune is not None:
        households = households.filter(commune=commune)
    if village is not None:
        households = households.filter(village=village)
    if form.is_valid() and form.cleaned_data["q"]:
        households = households.filter(code__startswith=form.cleaned_data["q"].strip())
    page = keyset_page(households, request)
    ids = [household.pk for household in page.items]
    sizes = dict(Person.objects.filter(household_id__in=ids).values("household_id")
                 .annotate(n=Count("id")).values_list("household_id", "n"))
    personal_scope = scope_for(user, PERSONAL_DATA)
    heads = dict(Person.objects.filter(household_id__in=ids, relation=Relation.HEAD)
                 .values_list("household_id", "full_name"))
    rows = []
    for household in page.items:
        personal = personal_scope.covers_path(household.village.path)
        rows.append({"household": household, "size": sizes.get(household.pk, 0), "personal": personal,
                     "head": heads.get(household.pk, "") if personal else ""})
    if any(row["personal"] for row in rows):
        audit.record_access(AuditEntry.Action.VIEW, description="household list",
                            unit_path=(village or commune).path if (village or commune) else "",
                            details={"households": [row["household"].pk for row in rows if row["personal"]]})
    return render(request, "people/household_list.html", {
        "form": form, "page": page, "rows": rows, "commune": commune, "village": village, "year": year,
        "can_create": not scope_for(user, EDIT).is_empty,
    })


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The members with their facts of the selected year, and the years side by side."""
    household = services.get_household_for_user(request.user, pk)
    personal = services.can_see_personal_data(request.user, household.village)
    members = list(household.members.select_related("clan").order_by("code"))
    records = list(SurveyRecord.objects.filter(person__household=household).order_by("-year"))
    years = sorted({record.year for record in records}, reverse=True)
    year = selected_year(request, years)
    by_member: dict[tuple[int, int], SurveyRecord] = {}
    for record in records:
        record.literacy = services.literacy_level(record)
        by_member[(record.person_id, record.year)] = record
    compared = years[:MAX_COMPARED_YEARS]
    rows = [{
        "person": member, "age": year - member.birth_year, "record": by_member.get((member.pk, year)),
        "years": [by_member.get((member.pk, y)) for y in compared],
    } for member in members]
    if personal:
        audit.record_access(AuditEntry.Action.VIEW, household, description=f"household {household.code}",
                            details={"year": year, "members": [member.pk for member in members]})
    return render(request, "people/household_detail.html", {
        "household": household, "personal": personal, "rows": rows, "year": year, "years": years,
        "compared": compared, "can_edit": services.can_edit(request.user, household.village),
        "history": (history_for(request.user, household)
                    .exclude(action__in=[AuditEntry.Action.VIEW, AuditEntry.Action.EXPORT])[:20]
                    if personal else []),
    })


def _household_form(request: HttpRequest, commune: Unit | None, initial: dict | None = None) -> HouseholdForm:
    editable = scope_for(request.user, EDIT)
    communes = communes_in_scope(request.user, EDIT, selected_year(request, services.survey_years()))
    if commune is not None:
        communes = communes | editable.units().filter(pk=commune.pk)
    villages = (editable.filter(commune.children.filter(kind=UnitKind.VILLAGE), None).order_by("name")
                if commune is not None else Unit.objects.none())
    form = HouseholdForm(request.POST or None, initial=initial, communes=communes, villages=villages)
    # The commune is chosen first (its villages fill the next field), then fixed.
    form.fields["commune"].disabled = commune is not None
    return form


def _chosen_commune(request: HttpRequest) -> Unit | None:
    value = request.POST.get("commune") or request.GET.get("commune", "")
    if not str(value).isdigit():
        return None
    commune = Unit.objects.filter(pk=int(value), kind=UnitKind.COMMUNE).first()
    if commune is not None and not scope_for(request.user, EDIT).covers(commune):
        raise PermissionDenied(_("You may not change the population registry of this unit."))
    return commune


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    """Choose the commune (``?commune=``), then its village, the code and the address."""
    if scope_for(request.user, EDIT).is_empty:
        raise PermissionDenied(_("You may not change the population registry."))
    commune = _chosen_commune(request)
    form = _household_form(request, commune, initial={"commune": commune})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.create_household(request.user, commune=data["commune"],
                                                  village=data["village"], code=data["code"],
                                                  address=data["address"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The household was registered."))
            return redirect("people:household_detail", household.pk)
    return render(request, "people/household_form.html", {"form": form, "commune": commune})


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = services.get_household_for_user(request.user, pk)
    if not services.can_edit(request.user, household.village):
        raise PermissionDenied(_("You may not change the population registry of this unit."))
    form = _household_form(request, household.commune, initial={
        "commune": household.commune, "village": household.village, "code": household.code,
        "address": household.address,
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_household(request.user, household, village=data["village"], code=data["code"],
                                      address=data["address"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The household was saved."))
            return redirect("people:household_detail", household.pk)
    return render(request, "people/household_form.html",
                  {"form": form, "commune": household.commune, "household": household})
