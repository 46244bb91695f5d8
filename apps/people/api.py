"""The API of the population registry: ``/api/v1/households…``, ``/api/v1/persons…`` and
``/api/v1/clans…`` (read only: clans are registered, renamed and merged on the pages).

Reading is limited to the caller's scope (404 outside it, as if the record did
not exist). Writing goes through ``apps.people.services``, which checks the
"edit" capability on the village (403) and refuses bad input (400, naming the
field). Nobody is deleted: a person leaves by the status of a survey year
(``PUT /persons/{id}/surveys/{year}`` with ``status`` ``moved_away`` or ``deceased``).

Personal data (names, birth dates, ethnicity, disability, clan, national id,
addresses; Luật 91/2025/QH15, NĐ 356/2025/NĐ-CP) is returned only for villages
where the caller holds the "personal data" capability (``personal`` tells which
rows carry it); lists mask the national id. Every response that carries
personal data of registered persons is logged (``audit.record_access``). A clan's
name and counts are not personal data; who belongs to it is, so the clan routes
return counts and figures, never members.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from apps.accounts import audit
from apps.accounts.models import AuditEntry
from apps.accounts.roles import PERSONAL_DATA
from apps.accounts.scope import Scope, scope_for
from apps.core.errors import DomainError, fields_renamed
from apps.people import clans, services
from apps.people.ethnicities import NAMES as ETHNIC_NAMES
from apps.people.models import (
    Clan,
    Disability,
    EnrolledLevel,
    Household,
    Person,
    Relation,
    Sex,
    SurveyRecord,
)
from apps.people.models import Status as Presence
from apps.places.api import MAX_PAGE_SIZE, READ_ERRORS, WRITE_ERRORS, InputErrors
from apps.places.models import Unit, UnitKind

SexCode = Literal[tuple(Sex.values)]  # type: ignore[valid-type]
RelationCode = Literal[("", *Relation.values)]  # type: ignore[valid-type]
DisabilityCode = Literal[tuple(Disability.values)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(Presence.values)]  # type: ignore[valid-type]
LevelCode = Literal[tuple(EnrolledLevel.values)]  # type: ignore[valid-type]

# Lists refuse an unknown or unreachable commune or village (400) and a malformed query (422).
LIST_ERRORS = {**READ_ERRORS, 400: InputErrors, 422: InputErrors}
# The services name the columns of the registry file; the API's clients send these fields.
API_FIELDS = {
    "household_code": "code", "person_code": "code", "village": "village_id", "commune_code": "village_id",
}


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class HouseholdFilters(PageQuery):
    commune: int | None = Field(None, description="Id of the commune.")
    village: int | None = Field(None, description="Id of the village.")
    q: str | None = Field(None, description="The beginning of the household code.")


class PersonFilters(PageQuery):
    commune: int | None = Field(None, description="Id of the commune.")
    village: int | None = Field(None, description="Id of the village.")
    year: int | None = Field(None, ge=1990, le=2100,
                             description="A survey year: each person comes with the record of that year.")
    q: str | None = Field(None, description=(
        "A person or household code; or the beginning of a name or a 12-digit national id, searched "
        "only where the caller may see personal data."))


class HouseholdOut(Schema):
    id: int
    code: str
    commune_id: int
    commune_code: str
    commune_name: str
    village_id: int
    village_name: str
    members: int
    personal: bool = Field(description="Whether the caller may see this household's personal data.")
    address: str | None = Field(description="Personal data: null without the capability.")
    head_name: str | None = Field(description="The head's full name; personal data.")
    is_demo: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    count: int


class HouseholdIn(Schema):
    village_id: int
    code: str = Field(description="Unique inside the commune.")
    address: str = ""


class HouseholdPatch(Schema):
    village_id: int | None = Field(None, description="Another village of the same commune.")
    code: str | None = None
    address: str | None = None


class SurveyOut(Schema):
    year: int
    status: StatusCode
    enrolled_level: LevelCode
    enrolled_grade: int | None
    preschool_completed: bool
    primary_completed_year: int | None
    lower_secondary_graduated_year: int | None
    highest_grade_completed: int | None
    literacy_stage_completed: int | None
    literacy_level: int = Field(description="Derived (pcgd-xmc.md): 2 primary or XMC stage 2, 1 grade 3 or "
                                            "XMC stage 1, 0 neither.")
    updated_at: dt.datetime


class SurveyIn(Schema):
    """The whole record of the year: a field left out takes its default (not enrolled, nothing completed)."""

    status: StatusCode = Presence.PRESENT
    enrolled_level: LevelCode = ""
    enrolled_grade: int | None = Field(None, ge=1, le=12)
    preschool_completed: bool = False
    primary_completed_year: int | None = None
    lower_secondary_graduated_year: int | None = None
    highest_grade_completed: int | None = Field(None, ge=0, le=12)
    literacy_stage_completed: Literal[1, 2] | None = None


class PersonOut(Schema):
    id: int
    household_id: int
    household_code: str
    commune_id: int
    commune_code: str
    village_id: int
    village_name: str
    code: str
    relation: RelationCode
    sex: SexCode
    birth_year: int
    personal: bool = Field(description="Whether the caller may see this person's personal data.")
    full_name: str | None = Field(description="Personal data: null without the capability.")
    birth_date: dt.date | None = Field(description="Personal data.")
    ethnicity: str | None = Field(description="Two-digit code of the ethnic group; personal data.")
    ethnicity_name: str | None
    disability: DisabilityCode | None = Field(description="Personal data (health).")
    clan: str | None = Field(description="Personal data.")
    national_id: str | None = Field(description="Personal data; masked (••••••••1234) in lists.")
    is_demo: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    survey: SurveyOut | None = Field(None, description="The record of the year asked for (lists with "
                                                       "?year=).")


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class PersonIn(Schema):
    household_id: int
    code: str = Field(description="Unique inside the household, for example 01.")
    full_name: str
    sex: SexCode
    birth_year: int
    birth_date: dt.date | None = None
    ethnicity: str = Field(description="Two-digit code or name of one of the 54 ethnic groups (Kinh, Ê Đê…).")
    disability: DisabilityCode = ""
    relation: RelationCode = ""
    clan: str = Field("", description="The clan's name; registered in the commune when new.")
    national_id: str = Field("", description="12 digits.")


class PersonPatch(Schema):
    """Only the fields sent are changed; ``"birth_date": null`` keeps the year only."""

    code: str | None = None
    full_name: str | None = None
    sex: SexCode | None = None
    birth_year: int | None = None
    birth_date: dt.date | None = None
    ethnicity: str | None = None
    disability: DisabilityCode | None = None
    relation: RelationCode | None = None
    clan: str | None = None
    national_id: str | None = None


class ClanFilters(PageQuery):
    commune: int | None = Field(None, description="Id of the commune.")
    q: str | None = Field(None, description=(
        "A word of the clan's name, or its beginning; case and Vietnamese diacritics are ignored "
        "(\"nguyen\" finds \"Nguyễn\")."))
    year: int | None = Field(None, ge=1990, le=2100, description=(
        "The survey year of the counts; the latest survey year when left out."))


class ClanOut(Schema):
    id: int
    name: str
    commune_id: int
    commune_code: str
    commune_name: str
    year: int = Field(description="The survey year of the counts.")
    members: int = Field(description="Persons of the clan present in the survey of the year.")
    households: int = Field(description="Households with at least one of those members.")
    is_demo: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ClanPage(Schema):
    items: list[ClanOut]
    count: int


class ClanYearQuery(Schema):
    year: int | None = Field(None, ge=1990, le=2100, description=(
        "The survey year of the figures; the latest survey year when left out."))


class AgeBandOut(Schema):
    band: str = Field(description="Ages in the survey year (year − year of birth), e.g. 6-10.")
    members: int
    enrolled: int
    not_enrolled: int


class ClanLiteracyOut(Schema):
    rule_set: str = Field(description="The PCGD–XMC rule set whose counting and literacy conditions apply.")
    ages: str
    counted: int = Field(description="Members aged 15–60 the rule set counts (present, able to learn).")
    literate_level1: int = Field(description="Of them, literate at level 1 or 2.")
    literate_level2: int
    literate_level1_percent: float | None
    literate_level2_percent: float | None


class ClanTitleOut(Schema):
    year: int
    status: str
    result: str
    passed: bool | None


class ClanDetailOut(ClanOut):
    registered_persons: int = Field(description="Persons linked to the clan, whatever their status or year.")
    age_bands: list[AgeBandOut]
    literacy: ClanLiteracyOut | None = Field(description="Null when no PCGD–XMC rule set is valid that year.")
    learning_families_registered: int = Field(
        description="Households of the clan registered in the year's “Gia đình học tập” campaigns.")
    learning_families_recognised: int
    titles: list[ClanTitleOut] = Field(
        description="The clan's “Dòng họ học tập” registrations, newest first.")


router = Router(tags=["population registry"])


def _page(queryset: QuerySet, filters: PageQuery) -> tuple[list, int]:
    start = (filters.page - 1) * filters.page_size
    return list(queryset[start:start + filters.page_size]), queryset.order_by().count()


def _personal(scope: Scope, unit: Unit) -> bool:
    return scope.covers_path(unit.path)


def _visible_unit(request: HttpRequest, unit_id: int | None, kind: str, field: str) -> Unit | None:
    """A commune or village the caller may see; a refusal naming the field otherwise."""
    if unit_id is None:
        return None
    unit = scope_for(request.auth).units().filter(pk=unit_id, kind=kind).first()
    if unit is None:
        raise DomainError(_("No %(kind)s you may see has the id %(id)s."),
                          {"kind": UnitKind(kind).label, "id": unit_id}, column=field)
    return unit


# --- households ------------------------------------------------------------------------------------

def _household_out(household: Household, *, personal: bool, members: int, head: str) -> dict[str, Any]:
    return {
        "id": household.pk, "code": household.code, "commune_id": household.commune_id,
        "commune_code": household.commune.code, "commune_name": household.commune.name,
        "village_id": household.village_id, "village_name": household.village.name, "members": members,
        "personal": personal, "address": household.address if personal else None,
        "head_name": (head or None) if personal else None, "is_demo": household.is_demo,
        "created_at": household.created_at, "updated_at": household.updated_at,
    }


def _household_rows(request: HttpRequest, households: list[Household]) -> list[dict[str, Any]]:
    ids = [household.pk for household in households]
    sizes = dict(Person.objects.filter(household_id__in=ids).values("household_id")
                 .annotate(n=Count("id")).values_list("household_id", "n"))
    heads = dict(Person.objects.filter(household_id__in=ids, relation=Relation.HEAD).order_by("code")
                 .values_list("household_id", "full_name"))
    personal = scope_for(request.auth, PERSONAL_DATA)
    return [_household_out(household, personal=_personal(personal, household.village),
                           members=sizes.get(household.pk, 0), head=heads.get(household.pk, ""))
            for household in households]


def _one_household(request: HttpRequest, household: Household) -> dict[str, Any]:
    row = _household_rows(request, [household])[0]
    if row["personal"]:
        audit.record_access(AuditEntry.Action.VIEW, household,
                            description=f"household {household.code} (API)")
    return row


@router.get("/households", response={200: HouseholdPage, **LIST_ERRORS})
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]) -> dict[str, Any]:
    """The households the caller may see, by id; ``?page=`` and ``?page_size=`` (at most 500)."""
    households = services.get_households_for_user(request.auth)
    commune = _visible_unit(request, filters.commune, UnitKind.COMMUNE, "commune")
    village = _visible_unit(request, filters.village, UnitKind.VILLAGE, "village")
    if commune is not None:
        households = households.filter(commune=commune)
    if village is not None:
        households = households.filter(village=village)
    if filters.q and filters.q.strip():
        households = households.filter(code__startswith=filters.q.strip())
    items, count = _page(households.order_by("pk"), filters)
    rows = _household_rows(request, items)
    shown = [row["id"] for row in rows if row["personal"]]
    if shown:
        audit.record_access(AuditEntry.Action.VIEW, description="household list (API)",
                            unit_path=(village or commune).path if (village or commune) else "",
                            details={"households": shown})
    return {"items": rows, "count": count}


@router.post("/households", response={201: HouseholdOut, **WRITE_ERRORS})
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status:
    """Register a household in a village; needs the "edit" capability on the village."""
    with fields_renamed(API_FIELDS):
        village = _visible_unit(request, payload.village_id, UnitKind.VILLAGE, "village_id")
        household = services.create_household(request.auth, commune=village.parent, village=village,
                                              code=payload.code, address=payload.address)
    return Status(201, _household_rows(request, [services.get_household_for_user(request.auth,
                                                                                  household.pk)])[0])


@router.get("/households/{household_id}", response={200: HouseholdOut, **READ_ERRORS})
def get_household(request: HttpRequest, household_id: int) -> dict[str, Any]:
    """One household; 404 when the caller may not see it."""
    return _one_household(request, services.get_household_for_user(request.auth, household_id))


@router.patch("/households/{household_id}", response={200: HouseholdOut, **WRITE_ERRORS})
def update_household(request: HttpRequest, household_id: int, payload: HouseholdPatch) -> dict[str, Any]:
    """Change the fields sent; moving to another village of the commune moves the members too."""
    household = services.get_household_for_user(request.auth, household_id)
    changes = payload.dict(exclude_unset=True)
    with fields_renamed(API_FIELDS):
        if "village_id" in changes:
            village_id = changes.pop("village_id")
            if village_id is None:
                raise DomainError(_("A household belongs to a village of its commune."), column="village_id")
            changes["village"] = _visible_unit(request, village_id, UnitKind.VILLAGE, "village_id")
        for field in ("code", "address"):
            if field in changes and changes[field] is None:
                changes[field] = ""
        services.update_household(request.auth, household, **changes)
    household = services.get_household_for_user(request.auth, household.pk)
    return _household_rows(request, [household])[0]


# --- persons ---------------------------------------------------------------------------------------

def _survey_out(record: SurveyRecord) -> dict[str, Any]:
    return {
        **{fact: getattr(record, fact) for fact in services.SURVEY_FACTS}, "year": record.year,
        "literacy_level": services.literacy_level(record), "updated_at": record.updated_at,
    }


def _person_out(person: Person, *, personal: bool, full_id: bool = False,
                survey: SurveyRecord | None = None) -> dict[str, Any]:
    national_id = person.national_id if full_id else person.masked_national_id
    return {
        "id": person.pk, "household_id": person.household_id, "household_code": person.household.code,
        "commune_id": person.commune_id, "commune_code": person.commune.code,
        "village_id": person.village_id, "village_name": person.village.name, "code": person.code,
        "relation": person.relation, "sex": person.sex, "birth_year": person.birth_year,
        "personal": personal,
        "full_name": person.full_name if personal else None,
        "birth_date": person.birth_date if personal else None,
        "ethnicity": person.ethnicity if personal else None,
        "ethnicity_name": ETHNIC_NAMES.get(person.ethnicity) if personal else None,
        "disability": person.disability if personal else None,
        "clan": (person.clan.name if person.clan_id else "") if personal else None,
        "national_id": (national_id or "") if personal else None,
        "is_demo": person.is_demo, "created_at": person.created_at, "updated_at": person.updated_at,
        "survey": _survey_out(survey) if survey is not None else None,
    }


def _one_person(request: HttpRequest, person: Person) -> dict[str, Any]:
    """A person as its owner sees it (full national id with the capability); the view is logged."""
    personal = services.can_see_personal_data(request.auth, person.village)
    audit.record_access(AuditEntry.Action.VIEW, person, description=f"person {person.household.code}/"
                        f"{person.code} (API)", details={"personal_data": personal})
    return _person_out(person, personal=personal, full_id=True)


def _person(request: HttpRequest, person_id: int) -> Person:
    person = services.get_person_for_user(request.auth, person_id)
    if person.clan_id:
        person.clan  # noqa: B018 - one query here rather than a lazy one while serialising
    return person


def _person_changes(request: HttpRequest, commune: Unit, changes: dict[str, Any]) -> dict[str, Any]:
    """The payload as service arguments: the clan's name turned into the commune's clan."""
    if "clan" in changes:
        changes["clan"] = services.clan_named(request.auth, commune, changes["clan"] or "")
    for field in ("relation", "disability", "national_id"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    for field in ("code", "full_name", "sex", "birth_year", "ethnicity"):
        if field in changes and changes[field] is None:
            raise DomainError(_("The field “%(field)s” cannot be empty."), {"field": field}, column=field)
    return changes


@router.get("/persons", response={200: PersonPage, **LIST_ERRORS})
def list_persons(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    """The persons the caller may see, by id; with ``?year=`` each comes with that year's record."""
    user = request.auth
    commune = _visible_unit(request, filters.commune, UnitKind.COMMUNE, "commune")
    village = _visible_unit(request, filters.village, UnitKind.VILLAGE, "village")
    persons = services.filter_persons(
        user, services.get_persons_for_user(user).select_related("clan"),
        year=filters.year or timezone.localdate().year, q=filters.q or "", commune=commune, village=village,
    )
    items, count = _page(persons.order_by("pk"), filters)
    records: dict[int, SurveyRecord] = {}
    if filters.year is not None:
        records = {record.person_id: record for record in
                   SurveyRecord.objects.filter(person_id__in=[p.pk for p in items], year=filters.year)}
    personal = scope_for(user, PERSONAL_DATA)
    rows = [_person_out(person, personal=_personal(personal, person.village), survey=records.get(person.pk))
            for person in items]
    shown = [row["id"] for row in rows if row["personal"]]
    if shown:
        audit.record_access(AuditEntry.Action.VIEW, description="person list (API)",
                            unit_path=(village or commune).path if (village or commune) else "",
                            details={"year": filters.year, "q": filters.q or "", "persons": shown})
    return {"items": rows, "count": count}


@router.post("/persons", response={201: PersonOut, **WRITE_ERRORS})
def create_person(request: HttpRequest, payload: PersonIn) -> Status:
    """Register a member of a household; needs the "edit" capability on its village."""
    data = payload.dict()
    household_id = data.pop("household_id")
    household = services.get_households_for_user(request.auth).filter(pk=household_id).first()
    if household is None:
        raise DomainError(_("No household you may see has the id %(id)s."), {"id": household_id},
                          column="household_id")
    with fields_renamed(API_FIELDS):
        person = services.create_person(request.auth, household,
                                        **_person_changes(request, household.commune, data))
    person = _person(request, person.pk)
    personal = services.can_see_personal_data(request.auth, person.village)
    return Status(201, _person_out(person, personal=personal, full_id=True))


@router.get("/persons/{person_id}", response={200: PersonOut, **READ_ERRORS})
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """One person; 404 when the caller may not see it. Personal data only with the capability."""
    return _one_person(request, _person(request, person_id))


@router.patch("/persons/{person_id}", response={200: PersonOut, **WRITE_ERRORS})
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    """Change the fields sent (the household stays); needs the "edit" capability on the village."""
    person = _person(request, person_id)
    with fields_renamed(API_FIELDS):
        changes = _person_changes(request, person.commune, payload.dict(exclude_unset=True))
        services.update_person(request.auth, person, **changes)
    person = _person(request, person.pk)
    return _person_out(person, personal=services.can_see_personal_data(request.auth, person.village),
                       full_id=True)


@router.get("/persons/{person_id}/surveys/{year}", response={200: SurveyOut, **READ_ERRORS})
def get_survey(request: HttpRequest, person_id: int, year: int) -> dict[str, Any]:
    """The person's record of a survey year; 404 when there is none."""
    person = _person(request, person_id)
    record = SurveyRecord.objects.filter(person=person, year=year).first()
    if record is None:
        raise Http404("No survey record for this year.")
    audit.record_access(AuditEntry.Action.VIEW, person, description=f"survey {year} of person "
                        f"{person.household.code}/{person.code} (API)")
    return _survey_out(record)


@router.put("/persons/{person_id}/surveys/{year}", response={200: SurveyOut, 201: SurveyOut, **WRITE_ERRORS})
def put_survey(request: HttpRequest, person_id: int, year: int, payload: SurveyIn) -> Status:
    """Record the whole survey record of a year (201 when new); other years are never touched.

    A person leaves the registry of a year by ``status`` ``moved_away`` or ``deceased``.
    """
    person = _person(request, person_id)
    existed = SurveyRecord.objects.filter(person=person, year=year).exists()
    with fields_renamed(API_FIELDS):
        record = services.record_survey(request.auth, person, year, **payload.dict())
    return Status(200 if existed else 201, _survey_out(record))


# --- clans -----------------------------------------------------------------------------------------

def _survey_year(year: int | None) -> int:
    if year is not None:
        return year
    years = services.survey_years()
    return years[0] if years else timezone.localdate().year


def _clan_out(clan: Clan, year: int, counts: clans.ClanCounts) -> dict[str, Any]:
    return {
        "id": clan.pk, "name": clan.name, "commune_id": clan.commune_id, "commune_code": clan.commune.code,
        "commune_name": clan.commune.name, "year": year, "members": counts.members,
        "households": counts.households, "is_demo": clan.is_demo, "created_at": clan.created_at,
        "updated_at": clan.updated_at,
    }


@router.get("/clans", response={200: ClanPage, **LIST_ERRORS})
def list_clans(request: HttpRequest, filters: Query[ClanFilters]) -> dict[str, Any]:
    """The clans (dòng họ) of the communes the caller may see, by commune and name, with the members
    present in the survey year and their households."""
    found = clans.get_clans_for_user(request.auth)
    commune = _visible_unit(request, filters.commune, UnitKind.COMMUNE, "commune")
    if commune is not None:
        found = found.filter(commune=commune)
    if filters.q:
        found = clans.search(found, filters.q)
    year = _survey_year(filters.year)
    items, count = _page(found.order_by("commune__name", "name", "pk"), filters)
    counts = clans.clan_counts([clan.pk for clan in items], year)
    return {"items": [_clan_out(clan, year, counts.get(clan.pk, clans.ClanCounts())) for clan in items],
            "count": count}


@router.get("/clans/{clan_id}", response={200: ClanDetailOut, **READ_ERRORS, 422: InputErrors})
def get_clan(request: HttpRequest, clan_id: int, query: Query[ClanYearQuery]) -> dict[str, Any]:
    """One clan with its learning figures of a survey year; 404 when the caller may not see it."""
    clan = clans.get_clan_for_user(request.auth, clan_id)
    year = _survey_year(query.year)
    figures = clans.clan_figures(request.auth, clan, year)
    literacy = figures.literacy
    return {
        **_clan_out(clan, year, clans.ClanCounts(figures.members, figures.households)),
        "registered_persons": figures.registered,
        "age_bands": [{"band": band.band, "members": band.members, "enrolled": band.enrolled,
                       "not_enrolled": band.not_enrolled} for band in figures.bands],
        "literacy": None if literacy is None else {
            "rule_set": literacy.rule_set, "ages": str(clans.LITERACY_AGES), "counted": literacy.counted,
            "literate_level1": literacy.level1, "literate_level2": literacy.level2,
            "literate_level1_percent": literacy.level1_share,
            "literate_level2_percent": literacy.level2_share,
        },
        "learning_families_registered": figures.families_registered,
        "learning_families_recognised": figures.families_recognised,
        "titles": [{"year": title.year, "status": title.status, "result": title.result,
                    "passed": title.passed} for title in figures.titles],
    }
