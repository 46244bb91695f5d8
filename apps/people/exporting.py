"""Export of the person registry in exactly the import format (person-registry-format.md).

What is written is what ``import_people`` reads back unchanged: the first
spelling of each value (``apps.people.vocabulary``), dates as dd/mm/yyyy (or
yyyy when only the year is known), ethnic groups by their official name. One
row per person who has a survey record of the year. Every export of personal
data is logged (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): ``audit.record_access``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import Q, QuerySet

from apps.accounts import audit
from apps.accounts.models import AuditEntry
from apps.accounts.roles import PERSONAL_DATA
from apps.accounts.scope import scope_for
from apps.people import vocabulary
from apps.people.ethnicities import NAMES
from apps.people.importing.columns import COLUMN_NAMES
from apps.people.models import SurveyRecord
from apps.places.models import Unit

FORMATS = ("csv", "xlsx")
ITERATOR_CHUNK = 5000

_FIELDS = (
    "person__household__commune__code", "person__household__village__name", "person__household__code",
    "person__code", "person__full_name", "person__relation", "person__sex", "person__birth_date",
    "person__birth_year", "person__ethnicity", "person__disability", "status", "enrolled_level",
    "enrolled_grade", "preschool_completed", "primary_completed_year", "lower_secondary_graduated_year",
    "highest_grade_completed", "literacy_stage_completed", "person__clan__name", "person__national_id",
)
_SEX = vocabulary.writer(vocabulary.SEX)
_RELATION = {**vocabulary.writer(vocabulary.RELATION), "": ""}
_DISABILITY = vocabulary.writer(vocabulary.DISABILITY)
_STATUS = vocabulary.writer(vocabulary.STATUS)
_LEVEL = vocabulary.writer(vocabulary.ENROLLED_LEVEL)
_YES = vocabulary.YES[0]


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def format_row(values: tuple) -> list[str]:
    """One stored person and survey record as the cells of the file, in the order of COLUMNS."""
    (commune, village, household, code, name, relation, sex, birth_date, birth_year, ethnicity,
     disability, status, level, grade, preschool, primary, lower, highest, stage, clan, national_id) = values
    born = (f"{birth_date.day:02d}/{birth_date.month:02d}/{birth_date.year:04d}" if birth_date
            else str(birth_year))
    return [
        commune, village, household, code, name, _RELATION.get(relation, relation), _SEX.get(sex, sex), born,
        NAMES.get(ethnicity, ethnicity), _DISABILITY.get(disability, disability), _STATUS.get(status, status),
        _LEVEL.get(level, level), _number(grade), _YES if preschool else "", _number(primary),
        _number(lower), _number(highest), _number(stage), clan or "", national_id,
    ]


def records(*, year: int, units: Iterable[Unit] | None = None, user=None) -> QuerySet[SurveyRecord]:
    """The survey records of ``year`` in the subtrees of ``units``, within the user's personal-data scope."""
    queryset = SurveyRecord.objects.filter(year=year)
    if units is not None:
        condition = Q(pk__in=[])
        for unit in units:
            condition |= Q(person__village__path__startswith=unit.path)
        queryset = queryset.filter(condition)
    if user is not None:
        queryset = scope_for(user, PERSONAL_DATA).filter(queryset, "person__village")
    return queryset


def _rows(queryset: QuerySet[SurveyRecord]) -> Iterator[list[str]]:
    ordered = queryset.order_by("person__household__commune__code", "person__household__code", "person__code")
    for values in ordered.values_list(*_FIELDS).iterator(chunk_size=ITERATOR_CHUNK):
        yield format_row(values)


def _log(*, year: int, units: Iterable[Unit] | None, user, count: int, file_format: str) -> None:
    paths = sorted(unit.path for unit in units) if units is not None else []
    unit_path = paths[0] if len(paths) == 1 else ""
    details: dict[str, Any] = {"year": year, "rows": count, "format": file_format,
                               "units": paths}
    description = f"export_people {year}: {count} persons"
    if user is not None and getattr(user, "pk", None):
        with audit.audit_context(user=user):
            audit.record_access(AuditEntry.Action.EXPORT, description=description, unit_path=unit_path,
                                details=details)
    else:
        audit.record_access(AuditEntry.Action.EXPORT, description=description, unit_path=unit_path,
                            details=details)


class _Echo:
    """A file-like object whose write returns the text, for streaming CSV lines."""

    def write(self, value: str) -> str:
        return value


def csv_stream(*, year: int, units: Iterable[Unit] | None = None, user=None) -> Iterator[str]:
    """The CSV text line by line (for a streamed download); the export is logged at once."""
    units = list(units) if units is not None else None
    queryset = records(year=year, units=units, user=user)
    _log(year=year, units=units, user=user, count=queryset.count(), file_format="csv")
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(COLUMN_NAMES)
        for row in _rows(queryset):
            yield writer.writerow(row)

    return lines()


def _write_xlsx(target: str | os.PathLike | IO[bytes], rows: Iterator[list[str]]) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("people")
    sheet.append(COLUMN_NAMES)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(target)
    return count


def _csv_into(handle: IO[str], rows: Iterator[list[str]]) -> int:
    handle.write("\ufeff")  # the byte-order mark that makes spreadsheets read UTF-8
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def _write_csv(target: str | os.PathLike | IO, rows: Iterator[list[str]]) -> int:
    if isinstance(target, (str, os.PathLike)):
        with open(Path(target), "w", encoding="utf-8", newline="") as handle:
            return _csv_into(handle, rows)
    if isinstance(target, (io.RawIOBase, io.BufferedIOBase)):
        text = io.TextIOWrapper(target, encoding="utf-8", newline="")
        try:
            return _csv_into(text, rows)
        finally:
            text.flush()
            text.detach()  # leave the caller's file open
    return _csv_into(target, rows)


def export_people(target: str | os.PathLike | IO, *, year: int, units: Iterable[Unit] | None = None,
                  user=None, format: str = "csv") -> int:
    """Write the people of ``year`` (in the subtrees of ``units``) to ``target``; return the row count.

    ``target`` is a path or an open file: text or binary for CSV (UTF-8 with a
    byte-order mark, so that spreadsheets recognise it), binary for XLSX. With a
    ``user``, only the units where the user may see personal data are exported.
    """
    if format not in FORMATS:
        raise ValueError(f"Unknown export format: {format}")
    units = list(units) if units is not None else None
    queryset = records(year=year, units=units, user=user)
    _log(year=year, units=units, user=user, count=queryset.count(), file_format=format)
    if format == "xlsx":
        return _write_xlsx(target, _rows(queryset))
    return _write_csv(target, _rows(queryset))
