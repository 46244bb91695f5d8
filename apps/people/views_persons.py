"""Pages of persons: the list, a person's page, forms, leaving, the subject-access report.

Personal data (NĐ 356/2025/NĐ-CP; personal-data.md): names, birth dates,
ethnicity, disability, clan, address and the national id are shown only where
the user holds the "personal data" capability on the person's village. Elsewhere
in the user's scope the pages show codes, sex, year of birth and the schooling
facts that PCGD–XMC verification needs, and name search and the ethnicity filter
are not offered. Lists mask the national id; a person's page shows it whole. Every
view of a person and every list showing names is logged (``record_access``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts import audit
from apps.accounts.history import audit_log_for_user, history_for
from apps.accounts.models import AuditEntry
from apps.accounts.roles import PERSONAL_DATA, VIEW
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.people import clans, services
from apps.people.forms import LeaveForm, PersonFilterForm, PersonForm, SurveyForm
from apps.people.models import Person, SurveyRecord
from apps.people.views_common import (
    communes_in_scope,
    keyset_page,
    selected_year,
    unit_from,
    year_choices,
)
from apps.places.models import Unit, UnitKind

ACCESSES = (AuditEntry.Action.VIEW, AuditEntry.Action.EXPORT)
FILTERS = ("q", "age", "sex", "ethnicity", "level", "literacy", "status")


def _records_of_year(persons: list[Person], year: int) -> dict[int, SurveyRecord]:
    records = SurveyRecord.objects.filter(person_id__in=[p.pk for p in persons], year=year)
    return {record.person_id: record for record in records}


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    years = services.survey_years()
    year = selected_year(request, years)
    communes = communes_in_scope(user, VIEW, year)
    commune = unit_from(request, "commune", communes)
    villages = (commune.children.filter(kind=UnitKind.VILLAGE).order_by("name")
                if commune is not None else Unit.objects.none())
    village = unit_from(request, "village", villages)
    personal_scope = scope_for(user, PERSONAL_DATA)
    form = PersonFilterForm(request.GET or None, years=year_choices(years, year), communes=list(communes),
                            villages=list(villages), personal=not personal_scope.is_empty,
                            initial={"year": year})
    persons = services.get_persons_for_user(user)
    filters = {}
    if form.is_valid():
        filters = {key: form.cleaned_data.get(key) for key in FILTERS if form.cleaned_data.get(key)
                   not in (None, "")}
    persons = services.filter_persons(user, persons, year=year, commune=commune, village=village,
                                      **filters)
    many = (services.filter_persons(user, services.get_persons_for_user(user), year=year, commune=commune,
                                    village=village, in_id_order=True, **filters)
            if filters.get("age") else None)
    page = keyset_page(persons, request, many=many)
    records = _records_of_year(page.items, year)
    rows = []
    shows_names = False
    for person in page.items:
        personal = personal_scope.covers_path(person.village.path)
        shows_names |= personal
        record = records.get(person.pk)
        rows.append({"person": person, "record": record, "personal": personal,
                     "age": year - person.birth_year, "literacy": services.literacy_level(record)})
    if shows_names:
        audit.record_access(
            AuditEntry.Action.VIEW, description="person list",
            unit_path=(village or commune).path if (village or commune) else "",
            details={"year": year, "filters": {k: str(v) for k, v in filters.items()},
                     "persons": [row["person"].pk for row in rows if row["personal"]]},
        )
    return render(request, "people/person_list.html", {
        "form": form, "page": page, "rows": rows, "year": year, "commune": commune, "village": village,
        "personal_anywhere": not personal_scope.is_empty,
    })


def _history(user, person: Person, records: list[SurveyRecord], personal: bool):
    """The person's changes (only to those who may see personal data) and the years' changes."""
    entries = audit_log_for_user(user).filter(
        model=SurveyRecord._meta.label, object_id__in=[str(record.pk) for record in records])
    if personal:
        entries = entries | history_for(user, person)
    # Views and exports are listed apart (the access report), not as changes.
    return entries.exclude(action__in=ACCESSES).order_by("-at", "-id")[:50]


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = services.get_person_for_user(request.user, pk)
    personal = services.can_see_personal_data(request.user, person.village)
    records = list(person.surveys.order_by("-year"))
    for record in records:
        record.literacy = services.literacy_level(record)
    audit.record_access(AuditEntry.Action.VIEW, person, description=f"person {person.household.code}/"
                        f"{person.code}", details={"personal_data": personal})
    next_year = (records[0].year + 1) if records else (services.survey_years() or [None])[0]
    return render(request, "people/person_detail.html", {
        "person": person, "personal": personal, "records": records,
        "can_edit": services.can_edit(request.user, person.village),
        "next_year": next_year,
        "history": _history(request.user, person, records, personal),
        # Clans belong to the commune: a village head sees the name, not the commune's clan page.
        "clan_page": person.clan_id is not None and scope_for(request.user).covers(person.commune),
    })


def _person_values(form: PersonForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("clan")
    data["relation"] = data["relation"] or ""
    data["disability"] = data["disability"] or ""
    return data


def _clan_names(user, commune) -> list[str]:
    """The commune's clans, for a user who may see them (a village head may not: none)."""
    return list(clans.get_clans_for_user(user).filter(commune=commune).order_by("name")
                .values_list("name", flat=True))


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest, household: int) -> HttpResponse:
    home = services.get_household_for_user(request.user, household)
    if not services.can_edit(request.user, home.village):
        raise PermissionDenied(_("You may not change the population registry of this unit."))
    form = PersonForm(request.POST or None, clan_names=_clan_names(request.user, home.commune))
    if request.method == "POST" and form.is_valid():
        try:
            clan = services.clan_named(request.user, home.commune, form.cleaned_data["clan"])
            person = services.create_person(request.user, home, clan=clan, **_person_values(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The person was registered."))
            return redirect("people:person_detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "household": home})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = services.get_person_for_user(request.user, pk)
    if not services.can_edit(request.user, person.village):
        raise PermissionDenied(_("You may not change the population registry of this unit."))
    initial = {field: getattr(person, field) for field in services.PERSON_FIELDS}
    initial["clan"] = person.clan.name if person.clan else ""
    form = PersonForm(request.POST or None, initial=initial,
                      clan_names=_clan_names(request.user, person.commune))
    if request.method == "POST" and form.is_valid():
        try:
            clan = services.clan_named(request.user, person.commune, form.cleaned_data["clan"])
            services.update_person(request.user, person, clan=clan, **_person_values(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The person was saved."))
            return redirect("people:person_detail", person.pk)
    return render(request, "people/person_form.html",
                  {"form": form, "household": person.household, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def person_survey_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    person = services.get_person_for_user(request.user, pk)
    if not services.can_edit(request.user, person.village):
        raise PermissionDenied(_("You may not change the population registry of this unit."))
    record = person.surveys.filter(year=year).first()
    if record is None:
        # A new year starts from the latest earlier one: completions rarely change.
        record = person.surveys.filter(year__lt=year).order_by("-year").first()
    initial = {fact: getattr(record, fact) for fact in services.SURVEY_FACTS} if record else {}
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        facts = dict(form.cleaned_data)
        facts["enrolled_level"] = facts["enrolled_level"] or ""
        try:
            services.record_survey(request.user, person, year, **facts)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The survey facts of %(year)s were saved.") % {"year": year})
            return redirect("people:person_detail", person.pk)
    return render(request, "people/survey_form.html", {
        "form": form, "person": person, "year": year,
        "personal": services.can_see_personal_data(request.user, person.village),
    })


@login_required
@require_http_methods(["GET", "POST"])
def person_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The "leave" action: moved away or deceased in a survey year (never a deletion)."""
    person = services.get_person_for_user(request.user, pk)
    if not services.can_edit(request.user, person.village):
        raise PermissionDenied(_("You may not change the population registry of this unit."))
    years = services.survey_years()
    form = LeaveForm(request.POST or None, initial={"year": selected_year(request, years)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_status(request.user, person, form.cleaned_data["year"], form.cleaned_data["status"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The status was recorded."))
            return redirect("people:person_detail", person.pk)
    return render(request, "people/status_form.html", {
        "form": form, "person": person,
        "personal": services.can_see_personal_data(request.user, person.village),
    })


@login_required
def person_access_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on one person, for a subject-access request (Luật 91/2025/QH15, Art. 4).

    Only for a role that may see the person's personal data; producing it is logged
    as an export.
    """
    person = services.get_person_for_user(request.user, pk)
    if not services.can_see_personal_data(request.user, person.village):
        raise PermissionDenied(_("Only a role with access to personal data may produce this report."))
    records = list(person.surveys.order_by("year"))
    for record in records:
        record.literacy = services.literacy_level(record)
    accesses = (audit_log_for_user(request.user)
                .filter(model=Person._meta.label, object_id=str(person.pk),
                        action__in=ACCESSES)
                .order_by("-at")[:200])
    changes = _history(request.user, person, records, personal=True)
    audit.record_access(AuditEntry.Action.EXPORT, person, description=f"subject-access report "
                        f"{person.household.code}/{person.code}")
    return render(request, "people/access_report.html", {
        "person": person, "records": records, "changes": changes, "accesses": accesses,
    })
