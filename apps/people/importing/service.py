"""``import_people``: a person-registry file validated whole and applied at once, or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.accounts import audit
from apps.core.errors import DomainError, ImportFailed
from apps.metrics.services import data_changed
from apps.people.importing.applying import Applier, Counts
from apps.people.importing.columns import map_header
from apps.people.importing.reader import Source, open_table, source_name
from apps.people.importing.sql import bulk_load, tuned_connection
from apps.people.importing.validation import ParsedRow, RowChecker, RowError
from apps.places.models import Unit

CHUNK_SIZE = 5000  # rows applied (and progress reported) at a time
MAX_ERRORS = 10_000  # errors kept with their text; beyond, they are only counted
MAX_INVALID_ROWS = 10_000  # rows kept for the invalid-rows workbook

Progress = Callable[[int, int], Any]


@dataclass
class ImportResult:
    """What an import did, or would do (dry run), and every error and warning it found."""

    filename: str
    year: int
    dry_run: bool = False
    rows: int = 0
    counts: Counts = field(default_factory=Counts)
    errors: list[DomainError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[DomainError] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    invalid_rows: list[tuple[int, list[str]]] = field(default_factory=list)
    applied: bool = False  # written to the database (not a dry run, no error)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: DomainError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def summary(self) -> dict[str, Any]:
        """Counts as plain data (for the audit trail, the job and the API)."""
        return {"rows": self.rows, **asdict(self.counts), "warnings": len(self.warnings),
                "errors": self.error_count}


def _row_errors(result: ImportResult, number: int, cells: list[str], errors: list[RowError]) -> None:
    for column, message, params in errors:
        result.add_error(DomainError(message, params, row=number, column=column or None))
    if len(result.invalid_rows) < MAX_INVALID_ROWS:
        result.invalid_rows.append((number, [cell.strip() for cell in cells]))


def _common_path(paths: list[str]) -> str:
    """The deepest unit path above all of these (for the audit entry's scope)."""
    if not paths:
        return ""
    # Unit paths are "/N/66/24454/": compare them segment by segment.
    common = os.path.commonpath([path.rstrip("/") for path in paths])
    return common.rstrip("/") + "/"


def _run(table, result: ImportResult, checker: RowChecker, applier: Applier,
         progress: Progress | None) -> None:
    width = len(table.header)
    chunk: list[ParsedRow] = []
    check = checker.check
    rows = 0
    for number, cells in table.rows:
        # A blank line, or a row of empty cells: not a row of the file.
        if not (cells and cells[0].strip()) and not "".join(cells).strip():
            continue
        rows += 1
        size = len(cells)  # the check pads the row in place
        parsed, errors = check(number, cells, width)
        if errors:
            _row_errors(result, number, cells[:size], errors)
            chunk = []
        elif not result.error_count:
            chunk.append(parsed)
        if rows % CHUNK_SIZE == 0:
            result.rows = rows
            if not result.error_count:
                applier.apply(chunk)
            chunk = []
            if progress is not None:
                progress(rows, max(table.total, rows))
    result.rows = rows
    if rows == 0:
        result.add_error(DomainError(_("The file has no data rows."), row=2))
    if result.error_count == 0:
        applier.apply(chunk)
        applier.finish()
    result.counts.villages_created = checker.villages_created
    result.warnings = checker.head_warnings()
    if progress is not None:
        progress(rows, rows)


def import_people(
    source: Source,
    *,
    year: int,
    user=None,
    create_villages: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    filename: str = "",
) -> ImportResult:
    """Import a person-registry file (person-registry-format.md) for the survey of ``year``.

    Codes are read on the map in force on 30 September of ``year``. Every row is
    checked; when any row has an error nothing is written and the result lists
    the errors (row, column, Vietnamese and English). Otherwise the people named
    are added or updated, by the key (commune_code, household_code, person_code),
    in one transaction; nobody is deleted. With ``user``, only communes in the
    user's "edit" scope are accepted.

    The rows are written set-wise (``importing.sql``), bypassing the model
    signals that audit single changes: the import writes ONE audit entry
    (``audit.record_command``) with the file name, the year, the counts and the
    user. A dry run writes nothing and reports what the import would do.
    """
    result = ImportResult(filename=filename or source_name(source), year=year, dry_run=dry_run)
    try:
        with open_table(source) as table:
            result.header = table.header
            positions, header_errors = map_header(table.header)
            if header_errors:
                for error in header_errors:
                    result.add_error(error)
                return result
            checker = RowChecker(positions, year=year, user=user, create_villages=create_villages,
                                 dry_run=dry_run)
            applier = Applier(year=year, user=user, dry_run=dry_run, positions=positions,
                              counts=result.counts)
            if dry_run:
                _run(table, result, checker, applier, progress)
                return result
            with tuned_connection(), transaction.atomic(), bulk_load(rows=table.total):
                _run(table, result, checker, applier, progress)
                if not result.ok:
                    transaction.set_rollback(True)
                    return result
                _audit(result, checker, user)
                # Bulk writes bypass model signals: the metrics of the year (and, for
                # the static facts of persons, of every year) must be recomputed.
                data_changed("people.SurveyRecord", [year])
                data_changed("people.Person")
                result.applied = True
    except ImportFailed as failure:
        for error in failure.errors:
            result.add_error(error)
        result.applied = False
    if not result.ok:
        result.counts = Counts()  # nothing was written; partial counts would mislead
    return result


def _audit(result: ImportResult, checker: RowChecker, user) -> None:
    communes = list({unit.pk: unit for unit in checker.communes.values() if isinstance(unit, Unit)}.values())
    details = {"file": result.filename, "year": result.year, **result.summary(),
               "communes": sorted(unit.code for unit in communes),
               "user": user.get_username() if user is not None else ""}
    description = f"import_people {result.filename} ({result.year})"
    unit_path = _common_path(sorted(unit.path for unit in communes))
    if user is not None and getattr(user, "pk", None):
        with audit.audit_context(user=user):
            audit.record_command(description, unit_path=unit_path, details=details)
    else:
        audit.record_command(description, unit_path=unit_path, details=details)
