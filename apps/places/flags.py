"""Commune flags: the communes with special difficulties (xã đặc biệt khó khăn), year by year.

The list is set by the Prime Minister's decisions on communes of ethnic-minority
and mountainous areas (QĐ 861/QĐ-TTg of 4/6/2021 for 2021–2025, and its
successors); several PCGD–XMC and recognition thresholds are lower for them.
A code in a flag file is read on the map in force on 30 September of the year
(``services.survey_date``), because codes were reused by the 2025 reform.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, ImportFailed
from apps.places import services
from apps.places.loading import COMMUNE_CODE_WIDTH, CsvRow, CsvSource, normalise_code, read_csv_table
from apps.places.models import CommuneFlag, Unit, UnitKind

FIRST_YEAR = 1990
LAST_YEAR = 2100
FLAG_COLUMNS = ["commune_code", "year", "special_difficulty"]
OPTIONAL_COLUMNS = ["source"]
YES = {"có", "co", "1", "yes"}
NO = {"không", "khong", "0", "no"}


def _user(user) -> object | None:
    return user if getattr(user, "pk", None) else None


def existed_in(unit: Unit, year: int) -> bool:
    """Whether the unit's validity interval meets the calendar year."""
    return (unit.valid_from is None or unit.valid_from <= dt.date(year, 12, 31)) and (
        unit.valid_to is None or unit.valid_to >= dt.date(year, 1, 1)
    )


def validate_flag(unit: Unit, year: int, source: str = "") -> list[DomainError]:
    """The reasons a flag cannot be recorded, each naming its field; empty when valid."""
    errors: list[DomainError] = []
    if unit.kind != UnitKind.COMMUNE:
        errors.append(DomainError(_("“%(name)s” is not a commune: only communes carry this flag."),
                                  {"name": unit.name}, column="commune_code"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(DomainError(_("The year must be between %(first)s and %(last)s."),
                                  {"first": FIRST_YEAR, "last": LAST_YEAR}, column="year"))
    # A flag for a year in which the commune did not exist is a code read on the wrong map.
    elif not existed_in(unit, year):
        errors.append(DomainError(_("“%(name)s” did not exist in %(year)s."),
                                  {"name": unit.name, "year": year}, column="year"))
    if len(source) > 200:
        errors.append(DomainError(_("The source document is longer than 200 characters."),
                                  column="source"))
    return errors


def _apply(unit: Unit, year: int, special_difficulty: bool, source: str, user) -> tuple[CommuneFlag, str]:
    """Save the flag (the audit trail follows the model signals); returns it and what happened."""
    flag = CommuneFlag.objects.filter(unit=unit, year=year).first()
    if flag is None:
        flag = CommuneFlag.objects.create(unit=unit, year=year, special_difficulty=special_difficulty,
                                          source=source, created_by=_user(user), updated_by=_user(user))
        return flag, "created"
    if flag.special_difficulty == special_difficulty and flag.source == source:
        return flag, "unchanged"
    flag.special_difficulty = special_difficulty
    flag.source = source
    flag.updated_by = _user(user)
    flag.save()
    return flag, "updated"


@transaction.atomic
def set_commune_flag(
    unit: Unit, year: int, special_difficulty: bool, *, source: str = "", user=None
) -> CommuneFlag:
    """Record whether a commune has special difficulties in a year (create or update).

    Raises ``DomainError`` when the unit is not a commune, the year is outside
    1990–2100 or the commune did not exist in that year.
    """
    source = services.clean_name(source)
    errors = validate_flag(unit, year, source)
    if errors:
        raise errors[0]
    return _apply(unit, year, bool(special_difficulty), source, user)[0]


@dataclass
class FlagImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flags: list[CommuneFlag] = field(default_factory=list)


@dataclass(frozen=True)
class _FlagRow:
    number: int
    unit: Unit
    year: int
    special_difficulty: bool
    source: str


def parse_yes_no(value: str) -> bool | None:
    """có/không, co/khong, 1/0, yes/no in any case; None for anything else."""
    text = value.strip().casefold()
    return True if text in YES else False if text in NO else None


def _parse_year(row: CsvRow, errors: list[DomainError]) -> int | None:
    raw = row.values["year"]
    if not raw:
        errors.append(DomainError(_("The year is empty."), row=row.number, column="year"))
    elif not (raw.isascii() and raw.isdigit()) or not FIRST_YEAR <= int(raw) <= LAST_YEAR:
        errors.append(DomainError(_("The year “%(value)s” is not a year between %(first)s and %(last)s."),
                                  {"value": raw, "first": FIRST_YEAR, "last": LAST_YEAR},
                                  row=row.number, column="year"))
    else:
        return int(raw)
    return None


def _parse_row(row: CsvRow, errors: list[DomainError]) -> _FlagRow | None:
    """One row resolved to its commune, or None with its errors appended."""
    before = len(errors)
    code = normalise_code(row.values["commune_code"], COMMUNE_CODE_WIDTH)
    if not code:
        errors.append(DomainError(_("The commune code is empty."), row=row.number, column="commune_code"))
    year = _parse_year(row, errors)
    flag = parse_yes_no(row.values["special_difficulty"])
    if flag is None:
        errors.append(DomainError(
            _("“%(value)s” is not a yes/no value; write “có” or “không” (also co/khong, 1/0, yes/no)."),
            {"value": row.values["special_difficulty"]}, row=row.number, column="special_difficulty",
        ))
    source = services.clean_name(row.values.get("source", ""))
    unit = None
    if code and year is not None:
        try:
            unit = services.resolve(code, services.survey_date(year))
        except DomainError as error:
            error.row, error.column = row.number, "commune_code"
            errors.append(error)
    if unit is not None and year is not None:
        for error in validate_flag(unit, year, source):
            error.row = row.number
            errors.append(error)
    if len(errors) > before or unit is None or year is None or flag is None:
        return None
    return _FlagRow(row.number, unit, year, flag, source)


def parse_flag_rows(source: CsvSource) -> list[_FlagRow]:
    """Every row validated (codes resolved on the year's survey date); ``ImportFailed`` on any error."""
    table = read_csv_table(source, FLAG_COLUMNS, OPTIONAL_COLUMNS)
    errors: list[DomainError] = list(table.errors)
    parsed: list[_FlagRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        key = (normalise_code(row.values["commune_code"], COMMUNE_CODE_WIDTH), row.values["year"])
        if all(key) and key in seen:
            errors.append(DomainError(
                _("The commune %(code)s already has a row for %(year)s (row %(first)s)."),
                {"code": key[0], "year": key[1], "first": seen[key]}, row=row.number, column="commune_code",
            ))
            continue
        seen.setdefault(key, row.number)
        item = _parse_row(row, errors)
        if item is not None:
            parsed.append(item)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda error: error.row or 0))
    return parsed


@transaction.atomic
def import_commune_flags(file_or_text: CsvSource, *, user=None) -> FlagImportResult:
    """Import a CSV ``commune_code,year,special_difficulty[,source]``: all rows or none.

    ``file_or_text``: CSV text, bytes, a path or an open file (UTF-8, BOM allowed).
    Raises ``ImportFailed`` with every error (row, column, reason); nothing is written then.
    """
    result = FlagImportResult()
    for row in parse_flag_rows(file_or_text):
        flag, outcome = _apply(row.unit, row.year, row.special_difficulty, row.source, user)
        setattr(result, outcome, getattr(result, outcome) + 1)
        result.flags.append(flag)
    return result
