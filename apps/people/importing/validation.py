"""Checking each row of a person-registry file against person-registry-format.md.

A row becomes a ``ParsedRow`` (codes and typed values ready to be written) or a
list of ``RowError``s naming its column. Lookups (communes resolved on the
survey date, villages, vocabulary, dates) are cached, because a file of a
million rows repeats a few thousand distinct values.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from sys import intern
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.people import vocabulary
from apps.people.ethnicities import ethnicity_code
from apps.people.importing.columns import COLUMN_NAMES
from apps.people.models import LEVEL_GRADES, EnrolledLevel, Relation
from apps.places import services as places
from apps.places.models import VILLAGE_TYPES, Unit, UnitKind

MIN_BIRTH_YEAR = 1880
HEAD = str(Relation.HEAD)
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


# A named tuple made from a plain one without its Python-level constructor: one row in a million.
_new_row = tuple.__new__

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
    """Validates rows one by one, remembering what the file said so far (keys, households).

    Most columns take a few distinct values in a whole file, so each check is
    memoised on the values as written: a row costs a handful of dict lookups.
    """

    def __init__(self, positions: dict[str, int], *, year: int, user=None, create_villages: bool = False,
                 dry_run: bool = False, today: dt.date | None = None) -> None:
        self.positions = positions
        self.year = year
        self.on = places.survey_date(year)
        self.today = today or timezone.localdate()
        self.user = user
        self.edit_scope = scope_for(user, EDIT) if user is not None else None
        self.create_villages = create_villages
        self.dry_run = dry_run
        self.communes: dict[str, Unit | RowError] = {}
        self.villages: dict[int, dict[str, int]] = {}  # commune id → village name key → id
        self.village_ids: dict[tuple[int, str], int | RowError] = {}  # (commune id, as written) → id
        self.villages_created = 0
        self._fake_id = 0
        # (commune id, household code) → [village id, first row, village as written, heads,
        #                                  {person code: row}]
        self.households: dict[tuple[int, str], list] = {}
        self.sex = _Vocabulary(vocabulary.SEX)
        self.relation = _Vocabulary(vocabulary.RELATION)
        self.disability = _Vocabulary(vocabulary.DISABILITY)
        self.status = _Vocabulary(vocabulary.STATUS)
        self.level = _Vocabulary(vocabulary.ENROLLED_LEVEL)
        self.yes = {vocabulary.fold(spelling) for spelling in vocabulary.YES}
        self.ethnicities: dict[str, str | RowError] = {}
        self.births: dict[str, tuple[int, dt.date | None] | RowError] = {}
        self.facts: dict[tuple, tuple] = {}
        self.primary_years: dict[str, int | RowError] = {}
        self.lower_years: dict[str, int | RowError] = {}
        self.has_relation = "relation" in positions
        self.has_clan = "clan" in positions
        self.width = max(positions.values(), default=-1) + 1
        # Columns the file lacks read the empty cell appended after the row's last one.
        self.pick = itemgetter(*[positions.get(name, -1) for name in COLUMN_NAMES])

    # --- lookups ---------------------------------------------------------------------

    def commune(self, written: str) -> Unit | RowError:
        """The commune of a code as written (memoised on the writing: "24454", "24454.0"…)."""
        found = self.communes.get(written)
        if found is None:
            code = commune_code(written)
            try:
                unit = places.resolve(code, self.on, UnitKind.COMMUNE)
            except DomainError as error:
                found = RowError("commune_code", error.message, error.params)
            else:
                if self.edit_scope is not None and not self.edit_scope.covers(unit):
                    found = RowError("commune_code", E_NOT_EDITABLE, {"commune": unit.name, "code": code})
                else:
                    found = unit
            self.communes[written] = found
        return found

    def village(self, commune: Unit, name: str) -> int | RowError:
        found = self.village_ids.get((commune.pk, name))
        if found is None:
            found = self._village(commune, name)
            self.village_ids[(commune.pk, name)] = found
        return found

    def _village(self, commune: Unit, name: str) -> int | RowError:
        name = places.clean_name(name)
        if len(name) > LENGTHS["village"]:
            return RowError("village", E_TOO_LONG, {"limit": LENGTHS["village"]})
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
        if not value:
            return RowError("birth_date", E_REQUIRED, {})
        date = None
        if len(value) == 4 and value.isascii() and value.isdigit():
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

    def ethnicity(self, value: str) -> str | RowError:
        found = self.ethnicities.get(value)
        if found is None:
            if not value:
                found = RowError("ethnicity", E_REQUIRED, {})
            else:
                found = ethnicity_code(value) or RowError("ethnicity", E_ETHNICITY, {"value": value})
            self.ethnicities[value] = found
        return found

    def year_value(self, name: str, value: str, memo: dict[str, int | RowError]) -> int | RowError:
        found = memo.get(value)
        if found is None:
            found = self._integer(name, value, 1, 9999)
            if isinstance(found, int) and found > self.year:
                found = RowError(name, E_YEAR_AFTER_SURVEY, {"value": found, "year": self.year})
            memo[value] = found
        return found

    @staticmethod
    def _integer(name: str, value: str, low: int, high: int) -> int | RowError:
        if not (value.isascii() and value.isdigit()):
            return RowError(name, E_INTEGER, {"value": value})
        number = int(value)
        if not low <= number <= high:
            return RowError(name, E_RANGE, {"value": number, "min": low, "max": high})
        return number

    def _coded(self, name: str, lookup: _Vocabulary, value: str, errors: list[RowError]) -> str:
        if not value:
            return lookup("") or ""
        code = lookup(value)
        if code is None:
            errors.append(RowError(name, E_VOCABULARY, {"value": value, "values": lookup.choices}))
            return ""
        return code

    def _facts(self, relation: str, sex: str, disability: str, status: str, level: str, grade: str,
               preschool: str, highest: str, stage: str) -> tuple:
        """The coded values of the low-cardinality columns and their errors (memoised together)."""
        errors: list[RowError] = []
        relation_code = self._coded("relation", self.relation, relation, errors)
        sex_code = self.sex(sex) if sex else None
        if not sex:
            errors.append(RowError("sex", E_REQUIRED, {}))
        elif sex_code is None:
            errors.append(RowError("sex", E_SEX, {"value": sex}))
        disability_code = self._coded("disability", self.disability, disability, errors)
        status_code = self._coded("status", self.status, status, errors) or "present"
        level_code = self._coded("enrolled_level", self.level, level, errors)
        grade_number = None
        if grade:
            grade_number = self._integer("enrolled_grade", grade, 1, 12)
            if isinstance(grade_number, RowError):
                errors.append(grade_number)
                grade_number = None
            else:
                allowed = LEVEL_GRADES.get(level_code)
                if allowed is not None and grade_number not in allowed:
                    errors.append(RowError("enrolled_grade", E_GRADE_LEVEL, {
                        "grade": grade_number, "level": level, "min": allowed[0], "max": allowed[-1]}))
                elif level_code in ("", EnrolledLevel.PRESCHOOL):
                    errors.append(RowError("enrolled_grade", E_GRADE_WITHOUT_LEVEL, {}))
        if preschool and vocabulary.fold(preschool) not in self.yes:
            errors.append(RowError("preschool_completed", E_YES, {}))
        highest_number = None
        if highest:
            highest_number = self._integer("highest_grade_completed", highest, 0, 12)
            if isinstance(highest_number, RowError):
                errors.append(highest_number)
                highest_number = None
        stage_number = None
        if stage in ("1", "2"):
            stage_number = int(stage)
        elif stage:
            errors.append(RowError("literacy_stage_completed", E_STAGE, {}))
        return (relation_code, sex_code, disability_code, status_code, level_code, grade_number,
                bool(preschool), highest_number, stage_number, tuple(errors))

    # --- one row ---------------------------------------------------------------------

    def check(self, number: int, cells: list[str], width: int) -> tuple[ParsedRow | None, list[RowError]]:
        """The row parsed, or None with its errors; ``width`` is the header's length."""
        size = len(cells)
        if size > width and any(cell.strip() for cell in cells[width:]):
            return None, [RowError("", E_EXTRA_CELLS, {"count": size, "expected": width})]
        if size < self.width:
            cells.extend([""] * (self.width - size))
        cells.append("")  # the cell (index -1) of the columns the file lacks
        (code, village_name, household_code, person_code, full_name, relation, sex, birth_value,
         ethnicity_value, disability, status, level, grade, preschool, primary, lower, highest, stage, clan,
         national_id) = map(str.strip, self.pick(cells))
        errors: list[RowError] = []
        if not (code and village_name and household_code and person_code and full_name) or (
                len(household_code) > 32 or len(person_code) > 16 or len(full_name) > 150):
            for name, value in (("commune_code", code), ("village", village_name),
                                ("household_code", household_code), ("person_code", person_code),
                                ("full_name", full_name)):
                if not value:
                    errors.append(RowError(name, E_REQUIRED, {}))
                elif name in LENGTHS and len(value) > LENGTHS[name]:
                    errors.append(RowError(name, E_TOO_LONG, {"limit": LENGTHS[name]}))
        key = (relation, sex, disability, status, level, grade, preschool, highest, stage)
        facts = self.facts.get(key)
        if facts is None:
            facts = self._facts(*key)
            self.facts[key] = facts
        if facts[-1]:
            errors.extend(facts[-1])
        birth = self.births.get(birth_value) or self.birth(birth_value)
        birth_year, birth_date = 0, None
        if type(birth) is RowError:
            errors.append(birth)
        else:
            birth_year, birth_date = birth
        ethnicity = self.ethnicities.get(ethnicity_value) or self.ethnicity(ethnicity_value)
        if type(ethnicity) is RowError:
            errors.append(ethnicity)
        years: list[int | None] = [None, None]
        if primary or lower:
            for slot, name, value, memo in ((0, "primary_completed_year", primary, self.primary_years),
                                            (1, "lower_secondary_graduated_year", lower, self.lower_years)):
                if value:
                    year = memo.get(value) or self.year_value(name, value, memo)
                    if type(year) is RowError:
                        errors.append(year)
                    elif birth_year and year < birth_year:
                        errors.append(RowError(name, E_YEAR_BEFORE_BIRTH,
                                               {"value": year, "birth": birth_year}))
                    else:
                        years[slot] = year
        if national_id and not (len(national_id) == 12 and national_id.isascii() and national_id.isdigit()):
            errors.append(RowError("national_id", E_NATIONAL_ID, {}))
        if self.has_clan:
            if len(clan) > LENGTHS["clan"]:
                errors.append(RowError("clan", E_TOO_LONG, {"limit": LENGTHS["clan"]}))
            elif "  " in clan:
                clan = " ".join(clan.split())
        else:
            clan = None
        commune_id = village_id = 0
        if code:
            commune = self.communes.get(code) or self.commune(code)
            if type(commune) is RowError:
                errors.append(commune)
            else:
                commune_id = commune.id  # the attribute, not the slower pk property
                if village_name:
                    village = self.village_ids.get((commune_id, village_name)) or self.village(commune,
                                                                                               village_name)
                    if type(village) is RowError:
                        errors.append(village)
                    else:
                        village_id = village
        relation_code = facts[0]
        if commune_id and household_code:
            household = self.households.get((commune_id, household_code))
            if household is None:  # the household's first row: nothing to compare yet
                self.households[(commune_id, household_code)] = [
                    village_id, number, village_name, int(relation_code == HEAD),
                    {intern(person_code): number} if person_code else {}]
            else:
                self._remember(household, number, commune_id, household_code, person_code, village_id,
                               relation_code, errors)
        if errors:
            return None, errors
        if "  " in full_name or not full_name.isprintable():
            full_name = " ".join(full_name.split())
        person = (full_name, full_name.casefold(), relation_code, facts[1], birth_year, birth_date, ethnicity,
                  facts[2], national_id)
        survey = (facts[3], facts[4], facts[5], facts[6], years[0], years[1], facts[7], facts[8])
        return _new_row(ParsedRow, (number, commune_id, village_id, household_code, person_code, person,
                                    survey, clan)), errors

    def _remember(self, household: list, number: int, commune_id: int, household_code: str,
                  person_code: str, village_id: int, relation: str, errors: list[RowError]) -> None:
        """Another row of a household: duplicate keys, a second village, heads counted.

        Person codes are kept per household (interned: "01", "02"… repeat a million
        times), which is lighter than one key string per person.
        """
        if relation == HEAD:
            household[3] += 1
        if village_id and household[0] and village_id != household[0]:
            errors.append(RowError("village", E_VILLAGE_MIXED, {
                "household": household_code, "first": household[2], "row": household[1]}))
        if person_code:
            first = household[4].setdefault(intern(person_code), number)
            if first != number:
                errors.append(RowError("person_code", E_DUPLICATE, {
                    "household": household_code, "person": person_code,
                    "commune": self._commune_code(commune_id), "row": first}))

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
            for (_commune, household_code), (_village, first, _name, heads, *_rest) in self.households.items()
            if heads != 1
        ]
