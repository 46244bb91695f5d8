"""Checking each row of a person-registry file against person-registry-format.md.

A row becomes a ``ParsedRow`` (codes and typed values ready to be written) or a
list of ``RowError``s naming its column. Lookups (communes resolved on the
survey date, villages, vocabulary, dates) are cached, because a file of a
million rows repeats a few thousand distinct values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.people import vocabulary
from apps.people.ethnicities import ethnicity_code
from apps.people.models import LEVEL_GRADES, EnrolledLevel, Relation
from apps.places import services as places
from apps.places.models import VILLAGE_TYPES, Unit, UnitKind

MIN_BIRTH_YEAR = 1880
COMMUNE_CODE_WIDTH = 5
LENGTHS = {"household_code": 32, "person_code": 16, "full_name": 150, "clan": 100, "village": 200}


class RowError(NamedTuple):
    column: str
    message: Promise | str
    params: dict[str, Any]


class ParsedRow(NamedTuple):
    number: int
    commune_id: int
    village_id: int
    household_code: str
    person_code: str
    person: tuple  # PERSON_FIELDS, in order
    survey: tuple  # SURVEY_FIELDS, in order
    clan: str | None  # clan name as written; None when the file has no clan column


# Columns of Person and SurveyRecord filled from a row, in the order of the tuples above.
PERSON_FIELDS = ("full_name", "name_key", "relation", "sex", "birth_year", "birth_date", "ethnicity",
                 "disability", "national_id")
SURVEY_FIELDS = ("status", "enrolled_level", "enrolled_grade", "preschool_completed",
                 "primary_completed_year", "lower_secondary_graduated_year", "highest_grade_completed",
                 "literacy_stage_completed")
# The file column each optional field comes from: without that column the field is left as it is.
OPTIONAL_SOURCES = {
    "relation": "relation", "disability": "disability", "national_id": "national_id",
    "status": "status", "enrolled_level": "enrolled_level", "enrolled_grade": "enrolled_grade",
    "preschool_completed": "preschool_completed", "primary_completed_year": "primary_completed_year",
    "lower_secondary_graduated_year": "lower_secondary_graduated_year",
    "highest_grade_completed": "highest_grade_completed",
    "literacy_stage_completed": "literacy_stage_completed",
}

E_REQUIRED = _("The value is required.")
E_TOO_LONG = _("The value is longer than %(limit)s characters.")
E_VOCABULARY = _("Unknown value “%(value)s”; use one of: %(values)s.")
E_SEX = _("Unknown sex “%(value)s”; use Nam / Nữ (or M / F).")
E_DATE_FORMAT = _("“%(value)s” is not a date: write dd/mm/yyyy, or yyyy when only the year is known.")
E_DATE_IMPOSSIBLE = _("The date %(value)s does not exist.")
E_DATE_FUTURE = _("The date of birth %(value)s is in the future.")
E_DATE_EARLY = _("The year of birth %(value)s is before %(min)s.")
E_ETHNICITY = _("Unknown ethnic group “%(value)s”: give one of the 54 official names or its two-digit code.")
E_INTEGER = _("“%(value)s” is not a whole number.")
E_RANGE = _("%(value)s is outside %(min)s–%(max)s.")
E_GRADE_LEVEL = _("Grade %(grade)s does not fit the level “%(level)s” (grades %(min)s–%(max)s).")
E_GRADE_WITHOUT_LEVEL = _("A grade is given but the person is not enrolled at a school level with grades.")
E_YEAR_BEFORE_BIRTH = _("The year %(value)s is before the year of birth %(birth)s.")
E_YEAR_AFTER_SURVEY = _("The year %(value)s is after the survey year %(year)s.")
E_YES = _("Write “có” or leave the cell empty.")
E_STAGE = _("The literacy stage is 1 or 2, or empty.")
E_NATIONAL_ID = _("The personal identification number has exactly 12 digits.")
E_VILLAGE_UNKNOWN = _("The commune %(commune)s has no village “%(village)s” (import with “create villages” "
                      "to create it).")
E_VILLAGE_MIXED = _("The household %(household)s is in the village “%(first)s” in row %(row)s.")
E_DUPLICATE = _("The person %(household)s/%(person)s of commune %(commune)s is already in row %(row)s.")
E_NOT_EDITABLE = _("You may not edit the registry of %(commune)s (%(code)s).")
E_EXTRA_CELLS = _("The row has %(count)s values but the header has %(expected)s.")


def _choices(table: dict[str, tuple[str, ...]]) -> str:
    return ", ".join(spellings[0] for spellings in table.values() if spellings[0])


class _Vocabulary:
    """A file column's spellings → codes, with a memo of the values met (exact, then folded)."""

    def __init__(self, table: dict[str, tuple[str, ...]]) -> None:
        self.folded = vocabulary.reader(table)
        self.memo: dict[str, str | None] = {}
        self.choices = _choices(table)

    def __call__(self, value: str) -> str | None:
        try:
            return self.memo[value]
        except KeyError:
            code = self.folded.get(vocabulary.fold(value))
            self.memo[value] = code
            return code


def village_type(name: str) -> str:
    """The type a new village's name starts with ("Buôn Cuôr" → buôn), else thôn."""
    key = places.normalise_name(name)
    for kind in sorted(VILLAGE_TYPES, key=len, reverse=True):
        if key.startswith(kind + " "):
            return kind
    return "thôn"


def commune_code(value: str) -> str:
    """A commune code with its leading zeros (spreadsheets drop them: 70 → 00070)."""
    return value.zfill(COMMUNE_CODE_WIDTH) if value.isascii() and value.isdigit() else value


class RowChecker:
    """Validates rows one by one, remembering what the file said so far (keys, households)."""

    def __init__(self, positions: dict[str, int], *, year: int, user=None, create_villages: bool = False,
                 dry_run: bool = False, today: dt.date | None = None) -> None:
        self.positions = positions
        self.year = year
        self.on = places.survey_date(year)
        self.today = today or dt.date.today()
        self.user = user
        self.edit_scope = scope_for(user, EDIT) if user is not None else None
        self.create_villages = create_villages
        self.dry_run = dry_run
        self.communes: dict[str, Unit | RowError] = {}
        self.villages: dict[int, dict[str, int]] = {}
        self.villages_created = 0
        self._fake_id = 0
        self.keys: dict[str, int] = {}
        # (commune id, household code) → [village id, first row, village as written, heads]
        self.households: dict[tuple[int, str], list] = {}
        self.sex = _Vocabulary(vocabulary.SEX)
        self.relation = _Vocabulary(vocabulary.RELATION)
        self.disability = _Vocabulary(vocabulary.DISABILITY)
        self.status = _Vocabulary(vocabulary.STATUS)
        self.level = _Vocabulary(vocabulary.ENROLLED_LEVEL)
        self.yes = {vocabulary.fold(spelling) for spelling in vocabulary.YES}
        self.ethnicities: dict[str, str | None] = {}
        self.births: dict[str, tuple[int, dt.date | None] | RowError] = {}
        self.has_relation = "relation" in positions
        self.has_clan = "clan" in positions

    # --- lookups ---------------------------------------------------------------------

    def commune(self, code: str) -> Unit | RowError:
        found = self.communes.get(code)
        if found is None:
            try:
                unit = places.resolve(code, self.on, UnitKind.COMMUNE)
            except DomainError as error:
                found = RowError("commune_code", error.message, error.params)
            else:
                if self.edit_scope is not None and not self.edit_scope.covers(unit):
                    found = RowError("commune_code", E_NOT_EDITABLE, {"commune": unit.name, "code": code})
                else:
                    found = unit
            self.communes[code] = found
        return found

    def village(self, commune: Unit, name: str) -> int | RowError:
        villages = self.villages.get(commune.pk)
        if villages is None:
            villages = dict(Unit.objects.filter(parent_id=commune.pk, kind=UnitKind.VILLAGE)
                            .values_list("name_key", "id"))
            self.villages[commune.pk] = villages
        key = places.normalise_name(name)
        found = villages.get(key)
        if found is not None:
            return found
        if not self.create_villages:
            return RowError("village", E_VILLAGE_UNKNOWN, {"commune": commune.name, "village": name})
        if self.dry_run:
            self._fake_id -= 1
            found = self._fake_id
        else:
            try:
                found = places.create_village(commune, name, village_type(name), user=self.user).pk
            except DomainError as error:
                return RowError("village", error.message, error.params)
        villages[key] = found
        self.villages_created += 1
        return found

    def birth(self, value: str) -> tuple[int, dt.date | None] | RowError:
        found = self.births.get(value)
        if found is None:
            found = self._parse_birth(value)
            self.births[value] = found
        return found

    def _parse_birth(self, value: str) -> tuple[int, dt.date | None] | RowError:
        date = None
        if len(value) == 4 and value.isdigit():
            year = int(value)
        else:
            parts = value.split("/")
            if (len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts)
                    or len(parts[2]) != 4 or not 1 <= len(parts[0]) <= 2 or not 1 <= len(parts[1]) <= 2):
                return RowError("birth_date", E_DATE_FORMAT, {"value": value})
            try:
                date = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                return RowError("birth_date", E_DATE_IMPOSSIBLE, {"value": value})
            year = date.year
        if year < MIN_BIRTH_YEAR:
            return RowError("birth_date", E_DATE_EARLY, {"value": year, "min": MIN_BIRTH_YEAR})
        if (date or dt.date(year, 1, 1)) > self.today:
            return RowError("birth_date", E_DATE_FUTURE, {"value": value})
        return year, date

    def ethnicity(self, value: str) -> str | None:
        try:
            return self.ethnicities[value]
        except KeyError:
            code = ethnicity_code(value)
            self.ethnicities[value] = code
            return code

    # --- one row ---------------------------------------------------------------------

    def check(self, number: int, cells: list[str], width: int) -> tuple[ParsedRow | None, list[RowError]]:
        """The row parsed, or None with its errors; ``width`` is the header's length."""
        errors: list[RowError] = []
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            return None, [RowError("", E_EXTRA_CELLS, {"count": len(cells), "expected": width})]
        positions = self.positions
        size = len(cells)

        def get(name: str) -> str:
            index = positions.get(name)
            return cells[index].strip() if index is not None and index < size else ""

        def required(name: str) -> str:
            value = get(name)
            if not value:
                errors.append(RowError(name, E_REQUIRED, {}))
            elif name in LENGTHS and len(value) > LENGTHS[name]:
                errors.append(RowError(name, E_TOO_LONG, {"limit": LENGTHS[name]}))
            return value

        def coded(name: str, lookup: _Vocabulary) -> str:
            value = get(name)
            if not value:
                return lookup("") or ""
            code = lookup(value)
            if code is None:
                errors.append(RowError(name, E_VOCABULARY, {"value": value, "values": lookup.choices}))
                return ""
            return code

        def integer(name: str, low: int, high: int) -> int | None:
            value = get(name)
            if not value:
                return None
            if not (value.isascii() and value.isdigit()):
                errors.append(RowError(name, E_INTEGER, {"value": value}))
                return None
            number_ = int(value)
            if not low <= number_ <= high:
                errors.append(RowError(name, E_RANGE, {"value": number_, "min": low, "max": high}))
                return None
            return number_

        code = commune_code(required("commune_code"))
        village_name = places.clean_name(required("village"))
        household_code = required("household_code")
        person_code = required("person_code")
        full_name = " ".join(required("full_name").split())
        relation = coded("relation", self.relation)
        sex_value = get("sex")
        sex = self.sex(sex_value) if sex_value else None
        if not sex_value:
            errors.append(RowError("sex", E_REQUIRED, {}))
        elif sex is None:
            errors.append(RowError("sex", E_SEX, {"value": sex_value}))
        birth_value = get("birth_date")
        birth_year, birth_date = 0, None
        if not birth_value:
            errors.append(RowError("birth_date", E_REQUIRED, {}))
        else:
            birth = self.birth(birth_value)
            if isinstance(birth, RowError):
                errors.append(birth)
            else:
                birth_year, birth_date = birth
        ethnicity_value = get("ethnicity")
        ethnicity = self.ethnicity(ethnicity_value) if ethnicity_value else None
        if not ethnicity_value:
            errors.append(RowError("ethnicity", E_REQUIRED, {}))
        elif ethnicity is None:
            errors.append(RowError("ethnicity", E_ETHNICITY, {"value": ethnicity_value}))
        disability = coded("disability", self.disability)
        status = coded("status", self.status)
        level = coded("enrolled_level", self.level)
        grade = integer("enrolled_grade", 1, 12)
        if grade is not None:
            allowed = LEVEL_GRADES.get(level)
            if allowed is not None and grade not in allowed:
                errors.append(RowError("enrolled_grade", E_GRADE_LEVEL, {
                    "grade": grade, "level": get("enrolled_level"), "min": allowed[0], "max": allowed[-1]}))
            elif level in ("", EnrolledLevel.PRESCHOOL):
                errors.append(RowError("enrolled_grade", E_GRADE_WITHOUT_LEVEL, {}))
        preschool_value = get("preschool_completed")
        preschool = bool(preschool_value)
        if preschool and vocabulary.fold(preschool_value) not in self.yes:
            errors.append(RowError("preschool_completed", E_YES, {}))
        years = []
        for name in ("primary_completed_year", "lower_secondary_graduated_year"):
            year = integer(name, 1, 9999)
            if year is not None and birth_year and year < birth_year:
                errors.append(RowError(name, E_YEAR_BEFORE_BIRTH, {"value": year, "birth": birth_year}))
            elif year is not None and year > self.year:
                errors.append(RowError(name, E_YEAR_AFTER_SURVEY, {"value": year, "year": self.year}))
            years.append(year)
        highest = integer("highest_grade_completed", 0, 12)
        stage_value = get("literacy_stage_completed")
        stage = None
        if stage_value in ("1", "2"):
            stage = int(stage_value)
        elif stage_value:
            errors.append(RowError("literacy_stage_completed", E_STAGE, {}))
        national_id = get("national_id")
        if national_id and not (len(national_id) == 12 and national_id.isascii() and national_id.isdigit()):
            errors.append(RowError("national_id", E_NATIONAL_ID, {}))
        clan = None
        if self.has_clan:
            clan = " ".join(get("clan").split())
            if len(clan) > LENGTHS["clan"]:
                errors.append(RowError("clan", E_TOO_LONG, {"limit": LENGTHS["clan"]}))

        commune_id = village_id = 0
        if code:
            commune = self.commune(code)
            if isinstance(commune, RowError):
                errors.append(commune)
            else:
                commune_id = commune.pk
                if village_name:
                    village = self.village(commune, village_name)
                    if isinstance(village, RowError):
                        errors.append(village)
                    else:
                        village_id = village
        if commune_id and household_code:
            self._remember(number, commune_id, household_code, person_code, village_id, village_name,
                           relation, errors)
        if errors:
            return None, errors
        person = (full_name, full_name.casefold(), relation, sex, birth_year, birth_date, ethnicity,
                  disability, national_id)
        survey = (status or "present", level, grade, preschool, years[0], years[1], highest, stage)
        return ParsedRow(number, commune_id, village_id, household_code, person_code, person, survey,
                         clan), errors

    def _remember(self, number: int, commune_id: int, household_code: str, person_code: str,
                  village_id: int, village_name: str, relation: str, errors: list[RowError]) -> None:
        """Duplicate keys and households spread over several villages, across the whole file."""
        if person_code:
            key = f"{commune_id}\x1f{household_code}\x1f{person_code}"
            first = self.keys.setdefault(key, number)
            if first != number:
                errors.append(RowError("person_code", E_DUPLICATE, {
                    "household": household_code, "person": person_code,
                    "commune": self._commune_code(commune_id), "row": first}))
        household = self.households.get((commune_id, household_code))
        if household is None:
            self.households[(commune_id, household_code)] = [village_id, number, village_name,
                                                             int(relation == Relation.HEAD)]
            return
        if relation == Relation.HEAD:
            household[3] += 1
        if village_id and household[0] and village_id != household[0]:
            errors.append(RowError("village", E_VILLAGE_MIXED, {
                "household": household_code, "first": household[2], "row": household[1]}))

    def _commune_code(self, commune_id: int) -> str:
        return next((code for code, unit in self.communes.items()
                     if isinstance(unit, Unit) and unit.pk == commune_id), "")

    def head_warnings(self) -> list[DomainError]:
        """Households of the file without exactly one head (a warning: the file may be partial)."""
        if not self.has_relation:
            return []
        return [
            DomainError(_("The household %(household)s has %(count)s heads in the file (expected one)."),
                        {"household": household_code, "count": heads}, row=first, column="relation")
            for (_commune, household_code), (_village, first, _name, heads) in self.households.items()
            if heads != 1
        ]
