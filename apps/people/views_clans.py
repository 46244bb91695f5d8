"""Pages of clans (dòng họ): the list, a clan with its members and learning figures, forms.

Which person belongs to which clan is personal data: a clan's members are listed (by name,
with links to persons and households) only where the user holds the "personal data"
capability on their village; others see the clan's counts and figures. Each such listing is
logged (``record_access``), as on the person pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts import audit
from apps.accounts.history import history_for
from apps.accounts.models import AuditEntry
from apps.accounts.roles import EDIT, VIEW
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.people import clans, services
from apps.people.forms import ClanFilterForm, ClanForm, ClanMergeForm
from apps.people.models import Clan, Person, SurveyRecord
from apps.people.views_common import (
    PAGE_SIZE,
    communes_in_scope,
    keyset_page,
    selected_year,
    unit_from,
    year_choices,
)


@login_required
def clan_list(request: HttpRequest) -> HttpResponse:
    """Clans in scope by commune and name; members present in the year and their households.

    Pages by number (``?page=``): a commune has tens of clans, and names read in order.
    """
    user = request.user
    years = services.survey_years()
    year = selected_year(request, years)
    communes = communes_in_scope(user, VIEW, year)
    commune = unit_from(request, "commune", communes)
    form = ClanFilterForm(request.GET or None, years=year_choices(years, year), communes=list(communes),
                          initial={"year": year})
    found = clans.get_clans_for_user(user)
    if commune is not None:
        found = found.filter(commune=commune)
    if form.is_valid() and form.cleaned_data["q"]:
        found = clans.search(found, form.cleaned_data["q"])
    ordered = found.order_by("commune__name", "name", "pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = clans.clan_counts([clan.pk for clan in page.object_list], year)
    rows = [{"clan": clan, "counts": counts.get(clan.pk, clans.ClanCounts())} for clan in page.object_list]
    return render(request, "people/clan_list.html", {
        "form": form, "page": page, "rows": rows, "year": year, "commune": commune,
        "can_create": not scope_for(user, EDIT).is_empty,
    })


@login_required
def clan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The clan's figures of the selected survey year and, for those who may see them, its members."""
    user = request.user
    clan = clans.get_clan_for_user(user, pk)
    years = services.survey_years()
    year = selected_year(request, years)
    figures = clans.clan_figures(user, clan, year)
    personal = services.can_see_personal_data(user, clan.commune)
    members = clans.members_for_user(user, clan)
    shows_members = personal or members.exists()
    page = keyset_page(members, request) if shows_members else None
    rows = []
    if page is not None:
        records = {record.person_id: record for record in
                   SurveyRecord.objects.filter(person_id__in=[p.pk for p in page.items], year=year)}
        for person in page.items:
            record = records.get(person.pk)
            if record is not None:
                record.literacy = services.literacy_level(record)
            rows.append({"person": person, "record": record, "age": year - person.birth_year})
        if rows:
            audit.record_access(AuditEntry.Action.VIEW, clan, description=f"clan {clan.pk} members",
                                details={"year": year, "persons": [row["person"].pk for row in rows]})
    return render(request, "people/clan_detail.html", {
        "clan": clan, "figures": figures, "year": year, "years": year_choices(years, year),
        "page": page, "rows": rows, "shows_members": shows_members,
        "can_edit": services.can_edit(user, clan.commune),
        "history": (history_for(user, clan).exclude(action__in=[AuditEntry.Action.VIEW,
                                                                AuditEntry.Action.EXPORT])[:20]
                    if personal else []),
    })


def _editable_communes(request: HttpRequest):
    if scope_for(request.user, EDIT).is_empty:
        raise PermissionDenied(_("You may not change the population registry."))
    return communes_in_scope(request.user, EDIT, selected_year(request, services.survey_years()))


@login_required
@require_http_methods(["GET", "POST"])
def clan_create(request: HttpRequest) -> HttpResponse:
    """Register a clan in a commune the user may edit (``?commune=`` preselects it)."""
    communes = _editable_communes(request)
    chosen = unit_from(request, "commune", communes)
    form = ClanForm(request.POST or None, communes=communes, initial={"commune": chosen})
    if request.method == "POST" and form.is_valid():
        try:
            clan = clans.create_clan(request.user, commune=form.cleaned_data["commune"],
                                     name=form.cleaned_data["name"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The clan was registered."))
            return redirect("people:clan_detail", clan.pk)
    return render(request, "people/clan_form.html", {"form": form})


def _clan_for_edit(request: HttpRequest, pk: int) -> Clan:
    clan = clans.get_clan_for_user(request.user, pk)
    if not services.can_edit(request.user, clan.commune):
        raise PermissionDenied(_("You may not change the population registry of this unit."))
    return clan


@login_required
@require_http_methods(["GET", "POST"])
def clan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the clan's name."""
    clan = _clan_for_edit(request, pk)
    form = ClanForm(request.POST or None, initial={"name": clan.name})
    if request.method == "POST" and form.is_valid():
        try:
            clans.rename_clan(request.user, clan, name=form.cleaned_data["name"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The clan was saved."))
            return redirect("people:clan_detail", clan.pk)
    return render(request, "people/clan_form.html", {"form": form, "clan": clan})


@login_required
@require_http_methods(["GET", "POST"])
def clan_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this clan into another of its commune: its members move, then it is removed."""
    clan = _clan_for_edit(request, pk)
    form = ClanMergeForm(request.POST or None, clan=clan)
    if request.method == "POST" and form.is_valid():
        try:
            result = clans.merge_clans(request.user, clan, form.cleaned_data["into"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The clans were merged: %(count)s members moved.")
                             % {"count": result.moved})
            return redirect("people:clan_detail", result.into.pk)
    return render(request, "people/clan_merge.html", {
        "form": form, "clan": clan, "registered": Person.objects.filter(clan=clan).count(),
    })

