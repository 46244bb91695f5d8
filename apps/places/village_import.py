"""Importing the villages of a commune (thôn, buôn, bản, ấp, tổ dân phố…) from a CSV.

Villages are not in any national list: each commune declares its own, so the
file is validated against the commune's existing villages and against itself,
and imported whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, ImportFailed
from apps.places import services
from apps.places.loading import CsvRow, CsvSource, read_csv_table
from apps.places.models import Unit, UnitKind

VILLAGE_COLUMNS = ["name", "type"]
OPTIONAL_COLUMNS = ["code"]
DEFAULT_TYPE = "thôn"


@dataclass
class VillageImportResult:
    created: list[Unit] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.created)


@dataclass(frozen=True)
class _VillageRow:
    number: int
    name: str
    division_type: str
    code: str


def _parse_row(commune: Unit, row: CsvRow) -> tuple[_VillageRow, list[DomainError]]:
    name = services.clean_name(row.values["name"])
    division_type = services.clean_name(row.values["type"]).casefold() or DEFAULT_TYPE
    code = row.values.get("code", "").strip()
    errors = services.validate_village(commune, name, division_type, code)
    for error in errors:
        error.row = row.number
    return _VillageRow(row.number, name, division_type, code), errors


def _duplicates(item: _VillageRow, names: dict[str, int], codes: dict[str, int]) -> list[DomainError]:
    """The file's own repetitions: a name (whatever its spelling) or a code given twice."""
    errors = []
    key = services.normalise_name(item.name)
    if key and key in names:
        errors.append(DomainError(_("The village “%(name)s” is already in row %(first)s."),
                                  {"name": item.name, "first": names[key]}, row=item.number, column="name"))
    elif key:
        names[key] = item.number
    if item.code and item.code in codes:
        errors.append(DomainError(_("The code “%(code)s” is already in row %(first)s."),
                                  {"code": item.code, "first": codes[item.code]},
                                  row=item.number, column="code"))
    elif item.code:
        codes[item.code] = item.number
    return errors


def parse_village_rows(commune: Unit, file_or_text: CsvSource) -> list[_VillageRow]:
    """Every row validated; ``ImportFailed`` with every error (row, column, reason)."""
    table = read_csv_table(file_or_text, VILLAGE_COLUMNS, OPTIONAL_COLUMNS)
    errors: list[DomainError] = list(table.errors)
    parsed: list[_VillageRow] = []
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    for row in table.rows:
        item, row_errors = _parse_row(commune, row)
        errors.extend(row_errors)
        errors.extend(_duplicates(item, names, codes))
        parsed.append(item)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda error: error.row or 0))
    return parsed


@transaction.atomic
def import_villages(commune: Unit, file_or_text: CsvSource, *, user=None) -> VillageImportResult:
    """Create the villages of a CSV ``name,type[,code]`` inside a commune: all or none.

    ``type`` is one of ``models.VILLAGE_TYPES`` ("thôn" when empty); a missing
    code is numbered by ``services.next_village_code``. ``file_or_text``: CSV
    text, bytes, a path or an open file (UTF-8, BOM allowed). Raises
    ``DomainError`` when ``commune`` is not a commune and ``ImportFailed`` with
    every row error otherwise.
    """
    if commune.kind != UnitKind.COMMUNE:
        raise DomainError(_("Villages can only be created inside a commune."))
    rows = parse_village_rows(commune, file_or_text)
    # Rows with their own code first, so that numbering the others cannot take a code
    # a later row of the file asks for.
    created: dict[int, Unit] = {}
    for item in sorted(rows, key=lambda item: (not item.code, item.number)):
        created[item.number] = services.create_village(
            commune, item.name, item.division_type, item.code, user=user
        )
    return VillageImportResult([created[number] for number in sorted(created)])
