"""Services of the population registry: reading in scope, validating, writing.

Every write goes through a named function here that checks the "edit"
capability on the record's village, owns its transaction and refuses bad input
with ``DomainError`` naming the column (the column names of
person-registry-format.md). The audit trail is written by the model signals
(``apps.accounts.audit``).

Nothing is ever deleted: a person leaves the registry of a year by a status
(moved away, deceased) through ``set_status``; the law on personal data
(Luật 91/2025/QH15) lets a state body refuse deletion where the processing serves
its legal duty, and the PCGD–XMC figures of past years must stay reproducible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import EDIT, PERSONAL_DATA
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.people import coverage
from apps.people.ethnicities import ethnicity_code
from apps.people.models import (
    LEVEL_GRADES,
    Clan,
    Disability,
    EnrolledLevel,
    Household,
    Person,
    Relation,
    Sex,
    Status,
    SurveyRecord,
    national_id_validator,
)
from apps.places.models import Unit, UnitKind
from apps.places.services import clean_name, normalise_name

# The facts a survey record holds (person-registry-format.md), in file order.
SURVEY_FACTS = (
    "status", "enrolled_level", "enrolled_grade", "preschool_completed", "primary_completed_year",
    "lower_secondary_graduated_year", "highest_grade_completed", "literacy_stage_completed",
)
PERSON_FIELDS = frozenset({
    "code", "full_name", "sex", "birth_year", "birth_date", "ethnicity", "disability", "relation",
    "clan", "national_id",
})
HOUSEHOLD_FIELDS = frozenset({"village", "code", "address"})
EARLIEST_SURVEY_YEAR = 1990
EARLIEST_BIRTH_YEAR = 1880


# --- reading, scoped ---------------------------------------------------------------------------

def get_households_for_user(user) -> QuerySet[Household]:
    """The households of the villages ``user`` may see."""
    return scope_for(user).filter(Household.objects.select_related("commune", "village"), "village")


def get_household_for_user(user, pk: Any) -> Household:
    """One household in the user's scope; ``Http404`` otherwise (its existence is not revealed)."""
    try:
        return get_households_for_user(user).get(pk=pk)
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404("No household matches the given query.") from None


def get_persons_for_user(user) -> QuerySet[Person]:
    """The persons of the villages ``user`` may see (names only where ``can_see_personal_data``)."""
    return scope_for(user).filter(
        Person.objects.select_related("household", "village", "commune"), "village"
    )


def get_person_for_user(user, pk: Any) -> Person:
    """One person in the user's scope; ``Http404`` otherwise."""
    try:
        return get_persons_for_user(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No person matches the given query.") from None


def can_see_personal_data(user, unit: Unit) -> bool:
    """Names, birth dates, ethnicity, disability, national id, clan and address are shown
    only to a role with the "personal data" capability on the unit (NĐ 356/2025/NĐ-CP)."""
    return scope_for(user, PERSONAL_DATA).covers(unit)


def can_edit(user, unit: Unit) -> bool:
    return scope_for(user, EDIT).covers(unit)


def survey_years() -> list[int]:
    """The survey years present in the registry, newest first.

    A loose index scan (one index probe per distinct year) instead of a DISTINCT
    over every record: a handful of probes even with millions of records.
    """
    table = connection.ops.quote_name(SurveyRecord._meta.db_table)
    sql = (
        f"WITH RECURSIVE years(year) AS ("  # noqa: S608 (the table name is the model's)
        f" SELECT MIN(year) FROM {table}"
        f" UNION ALL SELECT (SELECT MIN(year) FROM {table} WHERE year > years.year)"
        f" FROM years WHERE years.year IS NOT NULL)"
        f" SELECT year FROM years WHERE year IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted((row[0] for row in cursor.fetchall()), reverse=True)


# --- authorisation -----------------------------------------------------------------------------

def _require_edit(user, unit: Unit) -> None:
    if not can_edit(user, unit):
        raise PermissionDenied(_("You may not change the population registry of this unit."))


def _author(user):
    return user if getattr(user, "pk", None) else None


# --- households --------------------------------------------------------------------------------

def validate_household(commune: Any, village: Any, code: str, address: str,
                       *, instance: Household | None = None) -> list[DomainError]:
    """The reasons a household cannot be saved, each naming its column; empty when valid."""
    errors: list[DomainError] = []
    if not isinstance(commune, Unit) or commune.kind != UnitKind.COMMUNE:
        errors.append(DomainError(_("A household belongs to a commune."), column="commune_code"))
    if not isinstance(village, Unit) or village.kind != UnitKind.VILLAGE:
        errors.append(DomainError(_("A household belongs to a village of its commune."), column="village"))
    elif isinstance(commune, Unit) and village.parent_id != commune.pk:
        errors.append(DomainError(
            _("The village “%(village)s” is not in %(commune)s."),
            {"village": village.name, "commune": getattr(commune, "name", "")}, column="village",
        ))
    if not code:
        errors.append(DomainError(_("The household code is empty."), column="household_code"))
    elif len(code) > 32:
        errors.append(DomainError(_("The household code is longer than 32 characters."),
                                  column="household_code"))
    elif isinstance(commune, Unit):
        others = Household.objects.filter(commune=commune, code=code)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            errors.append(DomainError(
                _("The commune already has a household with the code “%(code)s”."),
                {"code": code}, column="household_code",
            ))
    if len(address) > 300:
        errors.append(DomainError(_("The address is longer than 300 characters."), column="address"))
    return errors


def _save_household(household: Household) -> None:
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        raise DomainError(
            _("The commune already has a household with the code “%(code)s”."),
            {"code": household.code}, column="household_code",
        ) from None


@transaction.atomic
def create_household(user, *, commune: Unit, village: Unit, code: str, address: str = "",
                     is_demo: bool = False) -> Household:
    """Register a household (hộ gia đình) in a village; its code is unique inside the commune."""
    if isinstance(village, Unit):
        _require_edit(user, village)
    code, address = clean_name(code), clean_name(address)
    errors = validate_household(commune, village, code, address)
    if errors:
        raise errors[0]
    author = _author(user)
    household = Household(commune=commune, village=village, code=code, address=address,
                          is_demo=is_demo, created_by=author, updated_by=author)
    _save_household(household)
    return household


@transaction.atomic
def update_household(user, household: Household, **changes: Any) -> Household:
    """Change a household's village (inside its commune), code or address.

    Moving it to another village moves its members with it (their ``village``
    repeats the household's); a household never changes commune.
    """
    unknown = set(changes) - HOUSEHOLD_FIELDS
    if unknown:
        raise TypeError(f"update_household() cannot change: {', '.join(sorted(unknown))}")
    _require_edit(user, household.village)
    village = changes.get("village", household.village)
    if isinstance(village, Unit) and village.pk != household.village_id:
        _require_edit(user, village)
    code = clean_name(changes.get("code", household.code))
    address = clean_name(changes.get("address", household.address))
    errors = validate_household(household.commune, village, code, address, instance=household)
    if errors:
        raise errors[0]
    moved = village.pk != household.village_id
    household.village, household.code, household.address = village, code, address
    household.updated_by = _author(user)
    _save_household(household)
    if moved:
        # A household has a handful of members: saving each keeps one audit entry per person.
        for member in household.members.all():
            member.village = village
            member.updated_by = _author(user)
            member.save(update_fields=["village", "updated_by", "updated_at"])
    return household


# --- clans -------------------------------------------------------------------------------------

@transaction.atomic
def clan_named(user, commune: Unit, name: str) -> Clan | None:
    """The clan (dòng họ) of the commune with this name, registered when new; None for no name."""
    name = clean_name(name)
    if not name:
        return None
    _require_edit(user, commune)
    if len(name) > 100:
        raise DomainError(_("The clan name is longer than 100 characters."), column="clan")
    author = _author(user)
    clan, _created = Clan.objects.get_or_create(
        commune=commune, name_key=normalise_name(name),
        defaults={"name": name, "created_by": author, "updated_by": author},
    )
    return clan


# --- persons -----------------------------------------------------------------------------------

def _ethnicity(value: Any) -> str | None:
    return ethnicity_code(str(value or ""))


def validate_person(household: Household, data: dict[str, Any], *, today: dt.date | None = None,
                    instance: Person | None = None) -> list[DomainError]:
    """The reasons a person with ``data`` cannot be saved, each naming its column.

    ``data`` holds every field of ``PERSON_FIELDS`` already cleaned (text NFC, the
    ethnicity as a code or the raw value when unknown).
    """
    today = today or timezone.localdate()
    errors: list[DomainError] = []
    code, name = data["code"], data["full_name"]
    if not code:
        errors.append(DomainError(_("The person code is empty."), column="person_code"))
    elif len(code) > 16:
        errors.append(DomainError(_("The person code is longer than 16 characters."), column="person_code"))
    else:
        others = Person.objects.filter(household=household, code=code)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            errors.append(DomainError(
                _("The household already has a member with the code “%(code)s”."),
                {"code": code}, column="person_code",
            ))
    if not name:
        errors.append(DomainError(_("The full name is empty."), column="full_name"))
    elif len(name) > 150:
        errors.append(DomainError(_("The full name is longer than 150 characters."), column="full_name"))
    if data["sex"] not in Sex.values:
        errors.append(DomainError(_("The sex is “%(value)s”; use Nam or Nữ."), {"value": data["sex"]},
                                  column="sex"))
    birth_year, birth_date = data["birth_year"], data["birth_date"]
    if not isinstance(birth_year, int) or not EARLIEST_BIRTH_YEAR <= birth_year <= today.year:
        errors.append(DomainError(
            _("The year of birth “%(value)s” is not a year between %(first)s and %(last)s."),
            {"value": birth_year, "first": EARLIEST_BIRTH_YEAR, "last": today.year}, column="birth_date",
        ))
    if birth_date is not None:
        if not isinstance(birth_date, dt.date):
            errors.append(DomainError(_("The date of birth is not a date."), column="birth_date"))
        elif birth_date > today:
            errors.append(DomainError(_("The date of birth is in the future."), column="birth_date"))
        elif birth_date.year != birth_year:
            errors.append(DomainError(
                _("The date of birth %(date)s is not in the year of birth %(year)s."),
                {"date": birth_date.strftime("%d/%m/%Y"), "year": birth_year}, column="birth_date",
            ))
    if data["ethnicity"] is None:
        errors.append(DomainError(_("Unknown ethnic group “%(value)s”."),
                                  {"value": data.get("ethnicity_raw", "")}, column="ethnicity"))
    if data["disability"] not in Disability.values:
        errors.append(DomainError(_("Unknown disability value “%(value)s”."), {"value": data["disability"]},
                                  column="disability"))
    if data["relation"] and data["relation"] not in Relation.values:
        errors.append(DomainError(_("Unknown relation to the head “%(value)s”."),
                                  {"value": data["relation"]}, column="relation"))
    clan = data["clan"]
    if clan is not None and (not isinstance(clan, Clan) or clan.commune_id != household.commune_id):
        errors.append(DomainError(_("The clan is not a clan of this commune."), column="clan"))
    if data["national_id"]:
        try:
            national_id_validator(data["national_id"])
        except ValidationError:
            errors.append(DomainError(
                _("The personal identification number has exactly 12 digits."), column="national_id",
            ))
    return errors


def _clean_person(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    cleaned["code"] = clean_name(str(data.get("code") or ""))
    cleaned["full_name"] = clean_name(data.get("full_name") or "")
    cleaned["national_id"] = clean_name(str(data.get("national_id") or "")).replace(" ", "")
    cleaned["relation"] = data.get("relation") or ""
    cleaned["disability"] = data.get("disability") or ""
    cleaned["ethnicity_raw"] = str(data.get("ethnicity") or "")
    cleaned["ethnicity"] = _ethnicity(data.get("ethnicity"))
    return cleaned


def _save_person(person: Person) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise DomainError(
            _("The household already has a member with the code “%(code)s”."),
            {"code": person.code}, column="person_code",
        ) from None


@transaction.atomic
def create_person(user, household: Household, *, code: str, full_name: str, sex: str, birth_year: int,
                  birth_date: dt.date | None = None, ethnicity: str, disability: str = "",
                  relation: str = "", clan: Clan | None = None, national_id: str = "",
                  is_demo: bool = False) -> Person:
    """Register a member (nhân khẩu) of a household; ``ethnicity`` by code, name or alias."""
    _require_edit(user, household.village)
    data = _clean_person({
        "code": code, "full_name": full_name, "sex": sex, "birth_year": birth_year,
        "birth_date": birth_date, "ethnicity": ethnicity, "disability": disability,
        "relation": relation, "clan": clan, "national_id": national_id,
    })
    errors = validate_person(household, data)
    if errors:
        raise errors[0]
    data.pop("ethnicity_raw")
    author = _author(user)
    person = Person(household=household, commune_id=household.commune_id, village_id=household.village_id,
                    name_key=normalise_name(data["full_name"]), is_demo=is_demo, created_by=author,
                    updated_by=author, **data)
    _save_person(person)
    return person


@transaction.atomic
def update_person(user, person: Person, **changes: Any) -> Person:
    """Change the static facts of a person (``PERSON_FIELDS``); the household stays."""
    unknown = set(changes) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"update_person() cannot change: {', '.join(sorted(unknown))}")
    _require_edit(user, person.village)
    current = {field: getattr(person, field) for field in PERSON_FIELDS}
    data = _clean_person({**current, **changes})
    errors = validate_person(person.household, data, instance=person)
    if errors:
        raise errors[0]
    data.pop("ethnicity_raw")
    for field, value in data.items():
        setattr(person, field, value)
    person.name_key = normalise_name(person.full_name)
    person.updated_by = _author(user)
    _save_person(person)
    return person


# --- survey records ----------------------------------------------------------------------------

def _year_error(value: Any, column: str) -> DomainError:
    return DomainError(_("“%(value)s” is not a year."), {"value": value}, column=column)


def validate_survey(birth_year: int, year: int, facts: dict[str, Any]) -> list[DomainError]:
    """The reasons a year's facts cannot be recorded, each naming its column.

    Grades must belong to the level (person-registry-format.md: primary 1–5,
    THCS 6–9, THPT and GDTX THPT 10–12; other levels carry no grade); completion
    years lie after the birth year and not after the survey year. Implausible but
    possible facts (a 7-year-old completing primary) are left to ``quality``.
    """
    errors: list[DomainError] = []
    if facts["status"] not in Status.values:
        errors.append(DomainError(_("Unknown status “%(value)s”."), {"value": facts["status"]},
                                  column="status"))
    level, grade = facts["enrolled_level"], facts["enrolled_grade"]
    if level not in EnrolledLevel.values:
        errors.append(DomainError(_("Unknown level “%(value)s”."), {"value": level}, column="enrolled_level"))
    elif grade is not None and not isinstance(grade, int):
        errors.append(DomainError(_("The grade “%(value)s” is not a number."), {"value": grade},
                                  column="enrolled_grade"))
    elif level in LEVEL_GRADES:
        grades = LEVEL_GRADES[level]
        if grade is None:
            errors.append(DomainError(_("The grade is missing for the level %(level)s."),
                                      {"level": EnrolledLevel(level).label}, column="enrolled_grade"))
        elif grade not in grades:
            errors.append(DomainError(
                _("Grade %(grade)s contradicts the level %(level)s (grades %(first)s to %(last)s)."),
                {"grade": grade, "level": EnrolledLevel(level).label, "first": grades[0], "last": grades[-1]},
                column="enrolled_grade",
            ))
    elif grade is not None:
        errors.append(DomainError(
            _("A grade is recorded without a level that has grades (primary, THCS, THPT, GDTX THPT)."),
            column="enrolled_grade",
        ))
    for column in ("primary_completed_year", "lower_secondary_graduated_year"):
        value = facts[column]
        if value is None:
            continue
        if not isinstance(value, int):
            errors.append(_year_error(value, column))
        elif value <= birth_year:
            errors.append(DomainError(
                _("The completion year %(value)s is not after the year of birth %(birth)s."),
                {"value": value, "birth": birth_year}, column=column,
            ))
        elif value > year:
            errors.append(DomainError(
                _("The completion year %(value)s is after the survey year %(year)s."),
                {"value": value, "year": year}, column=column,
            ))
    primary, lower = facts["primary_completed_year"], facts["lower_secondary_graduated_year"]
    if isinstance(primary, int) and isinstance(lower, int) and lower < primary:
        errors.append(DomainError(
            _("The lower-secondary diploma (%(lower)s) is dated before primary was completed (%(primary)s)."),
            {"lower": lower, "primary": primary}, column="lower_secondary_graduated_year",
        ))
    highest = facts["highest_grade_completed"]
    if highest is not None and (not isinstance(highest, int) or not 0 <= highest <= 12):
        errors.append(DomainError(_("The highest grade completed is a number from 0 to 12."),
                                  column="highest_grade_completed"))
    stage = facts["literacy_stage_completed"]
    if stage not in (None, 1, 2):
        errors.append(DomainError(_("The literacy stage completed is empty, 1 or 2."),
                                  column="literacy_stage_completed"))
    if not isinstance(facts["preschool_completed"], bool):
        errors.append(DomainError(_("“Completed preschool” is yes or empty."), column="preschool_completed"))
    return errors


def _check_year(person: Person, year: Any) -> int:
    last = timezone.localdate().year + 1
    if not isinstance(year, int) or not EARLIEST_SURVEY_YEAR <= year <= last:
        raise DomainError(_("The survey year “%(value)s” is not a year between %(first)s and %(last)s."),
                          {"value": year, "first": EARLIEST_SURVEY_YEAR, "last": last}, column="year")
    if year < person.birth_year:
        raise DomainError(_("The survey year %(year)s is before the year of birth %(birth)s."),
                          {"year": year, "birth": person.birth_year}, column="year")
    return year


DEFAULT_FACTS: dict[str, Any] = {
    "status": Status.PRESENT, "enrolled_level": "", "enrolled_grade": None, "preschool_completed": False,
    "primary_completed_year": None, "lower_secondary_graduated_year": None,
    "highest_grade_completed": None, "literacy_stage_completed": None,
}


@transaction.atomic
def record_survey(user, person: Person, year: int, **facts: Any) -> SurveyRecord:
    """Create or update the survey record of one year; other years are never touched.

    Facts not given keep their recorded value (or the default on a new record).
    """
    unknown = set(facts) - set(SURVEY_FACTS)
    if unknown:
        raise TypeError(f"record_survey() cannot set: {', '.join(sorted(unknown))}")
    _require_edit(user, person.village)
    year = _check_year(person, year)
    record = SurveyRecord.objects.select_for_update().filter(person=person, year=year).first()
    current = ({fact: getattr(record, fact) for fact in SURVEY_FACTS} if record is not None
               else dict(DEFAULT_FACTS))
    merged = {**current, **facts}
    merged["enrolled_level"] = merged["enrolled_level"] or ""
    merged["status"] = merged["status"] or Status.PRESENT
    errors = validate_survey(person.birth_year, year, merged)
    if errors:
        raise errors[0]
    author = _author(user)
    if record is None:
        record = SurveyRecord(person=person, year=year, commune_id=person.commune_id, created_by=author,
                              is_demo=person.is_demo)
    for fact, value in merged.items():
        setattr(record, fact, value)
    record.copy_person_facts()
    record.updated_by = author
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise DomainError(_("The survey record of %(year)s was saved by someone else meanwhile; "
                            "try again."), {"year": year}, column="year") from None
    return record


LEAVING = (Status.MOVED_AWAY, Status.DECEASED)
CARRIED_FACTS = ("preschool_completed", "primary_completed_year", "lower_secondary_graduated_year",
                 "highest_grade_completed", "literacy_stage_completed")


@transaction.atomic
def set_status(user, person: Person, year: int, status: str) -> SurveyRecord:
    """Record that a person is present, moved away or deceased in a survey year.

    Without a record for that year, one is created carrying the completions of the
    latest earlier year (what the person had achieved stays on record); a leaver is
    no longer enrolled anywhere in the commune.
    """
    if status not in Status.values:
        raise DomainError(_("Unknown status “%(value)s”."), {"value": status}, column="status")
    _require_edit(user, person.village)
    facts: dict[str, Any] = {"status": status}
    if status in LEAVING:
        facts.update(enrolled_level="", enrolled_grade=None)
    if not SurveyRecord.objects.filter(person=person, year=year).exists():
        earlier = SurveyRecord.objects.filter(person=person, year__lt=year).order_by("-year").first()
        if earlier is not None:
            facts.update({fact: getattr(earlier, fact) for fact in CARRIED_FACTS})
    return record_survey(user, person, year, **facts)


# --- filters shared by the pages ---------------------------------------------------------------

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-5": (0, 5), "6-10": (6, 10), "11-14": (11, 14), "15-18": (15, 18),
    "19-35": (19, 35), "36-60": (36, 60), "60+": (61, None),
}


def age_band_q(band: str, year: int, prefix: str = "") -> Q:
    """Persons whose age in ``year`` (year − birth year, as the PCGD forms count) is in the band.

    A range on ``birth_year`` so that the (commune, birth_year) index serves it.
    """
    low, high = AGE_BANDS[band]
    condition = Q(**{f"{prefix}birth_year__lte": year - low})
    if high is not None:
        condition &= Q(**{f"{prefix}birth_year__gte": year - high})
    return condition


def primary_completed_q(prefix: str = "") -> Q:
    """"Completed primary" as pcgd-xmc.md reads the registry."""
    return Q(**{f"{prefix}primary_completed_year__isnull": False}) | Q(
        **{f"{prefix}highest_grade_completed__gte": 5})


def literacy_q(level: int, prefix: str = "") -> Q:
    """Survey records whose derived literacy level (pcgd-xmc.md) is exactly ``level``.

    Level 2: primary completed or XMC stage 2; level 1: otherwise grade 3 completed
    or XMC stage 1; level 0: neither.
    """
    two = primary_completed_q(prefix) | Q(**{f"{prefix}literacy_stage_completed": 2})
    one = Q(**{f"{prefix}highest_grade_completed__gte": 3}) | Q(**{f"{prefix}literacy_stage_completed": 1})
    if level == 2:
        return two
    if level == 1:
        return one & ~two
    return ~one & ~two


def literacy_level(record: SurveyRecord | None) -> int | None:
    """The derived literacy level of one record (the same rule as ``literacy_q``)."""
    if record is None:
        return None
    highest = record.highest_grade_completed or 0
    if record.primary_completed_year is not None or highest >= 5 or record.literacy_stage_completed == 2:
        return 2
    if highest >= 3 or record.literacy_stage_completed == 1:
        return 1
    return 0


def _search_q(text: str, personal) -> Q:
    """What the search box means, chosen so that each branch can use an index.

    "H001/02": that household and person code; a text with a digit and no space:
    a household code (or a 12-digit national id where names may be seen); anything
    else: a name, by the start of the full name or of any word of it (given names
    are searched most), only where names may be seen.
    """
    if "/" in text:
        household, _slash, code = text.rpartition("/")
        return Q(household__code=household.strip(), code=code.strip())
    if any(char.isdigit() for char in text) and " " not in text:
        match = Q(household__code=text)
        if not personal.is_empty and text.isdigit() and len(text) == 12:
            match |= Q(national_id=text) & personal.q("village__path")
        return match
    if personal.is_empty:
        return Q(pk__in=[])
    key = normalise_name(text)
    return (Q(name_key__startswith=key) | Q(name_key__contains=f" {key}")) & personal.q("village__path")


LIST_COUNT_LIMIT = 1000  # the lists count matches up to this many (views_common.COUNT_LIMIT)


def _coverage_communes(user, commune: Unit | None, village: Unit | None) -> list[int] | None:
    """The communes whose coverage blocks the list may need: the chosen one, else those of the
    user's scope (a unit above or below a commune leads to it); None for the whole country."""
    chosen = commune or (village.parent if village is not None else None)
    if chosen is not None:
        return [chosen.pk]
    scope = scope_for(user)
    if scope.everything:
        return None
    above = {prefix[:index + 1] for prefix in scope.prefixes
             for index, char in enumerate(prefix) if char == "/"}
    units = Unit.objects.filter(kind=UnitKind.COMMUNE).filter(scope.q("path") | Q(path__in=above))
    return list(units.values_list("pk", flat=True))


def filter_persons(user, persons: QuerySet[Person], *, year: int, q: str = "", commune: Unit | None = None,
                   village: Unit | None = None, age: str = "", sex: str = "", ethnicity: str = "",
                   level: str = "", literacy: int | None = None, status: str = "",
                   in_id_order: bool = False) -> QuerySet[Person]:
    """The person list's filters, each an indexed condition or one EXISTS on the year's record.

    Searching by name and filtering by ethnicity only reach the villages where the
    user may see personal data (the filter would reveal them otherwise).

    ``in_id_order``: the age band is tested on each person rather than read from the
    (commune, birth_year) index, so that a page in id order stops after its first 51
    matches. For the page of a filter that matches many persons (the list knows
    from its capped count): through the index the database would collect and sort
    every person of the band in the scope (40,000 at a million persons, 0.4 s).
    """
    personal = scope_for(user, PERSONAL_DATA)
    if commune is not None:
        persons = persons.filter(commune=commune)
    if village is not None:
        persons = persons.filter(village=village)
    if age in AGE_BANDS and in_id_order:
        low, high = AGE_BANDS[age]
        tested = F("birth_year") + 0  # an expression: no index applies
        persons = persons.filter(LessThanOrEqual(tested, year - low))
        if high is not None:
            persons = persons.filter(GreaterThanOrEqual(tested, year - high))
    elif age in AGE_BANDS:
        persons = persons.filter(age_band_q(age, year))
    if commune is None and village is None:
        # The scope is a condition on the village's path, which no index of persons
        # serves: told which communes can match, the (commune, birth_year) index reads
        # the age band of those communes only, not of the country (185 → 26 ms for an
        # officer at a million persons, SQLite), and PostgreSQL reads the scope's
        # persons rather than every record of the year (literacy: 447 → 36 ms).
        communes = _coverage_communes(user, None, None)
        if communes is not None:
            persons = persons.filter(commune_id__in=communes)
    if sex:
        persons = persons.filter(sex=sex)
    if ethnicity:
        from apps.people.ethnicities import KINH

        persons = persons.filter(personal.q("village__path"))
        if ethnicity == "kinh":
            persons = persons.filter(ethnicity=KINH)
        elif ethnicity == "minority":
            persons = persons.exclude(ethnicity=KINH)
        else:
            persons = persons.filter(ethnicity=ethnicity)
    text = clean_name(q)
    if text:
        persons = persons.filter(_search_q(text, personal))
    records = SurveyRecord.objects.filter(person=OuterRef("pk"), year=year)
    if status == "none":
        # Only the blocks of person ids that lack records of the year can hold such a person:
        # read them when they are few, else test persons in order (they are then many).
        communes = _coverage_communes(user, commune, village)
        if coverage.worth_narrowing(*coverage.totals(year, communes), matches=LIST_COUNT_LIMIT + 1):
            blocks = coverage.uncovered_blocks(year, communes)
            persons = persons.filter(coverage.blocks_q(year, communes, blocks))
        persons = persons.exclude(Exists(records))
    else:
        condition = Q()
        if status and status in Status.values:
            condition &= Q(status=status)
        if level == "none":
            condition &= Q(enrolled_level="")
        elif level and level in EnrolledLevel.values:
            condition &= Q(enrolled_level=level)
        if literacy in (0, 1, 2):
            condition &= literacy_q(literacy)
        if condition:
            persons = persons.filter(Exists(records.filter(condition)))
    return persons
