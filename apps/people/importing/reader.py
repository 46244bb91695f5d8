"""Streaming the rows of a person-registry file: CSV (UTF-8, comma or semicolon) or XLSX.

Rows are yielded one by one, so that a file of a million people is never held
as Python objects at once. An XLSX workbook is read by ``importing.xlsx``, its
first worksheet streamed out of the zip as well.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, ImportFailed

Source = str | os.PathLike | bytes | bytearray | IO[bytes] | IO[str] | Any
XLSX_MAGIC = b"PK\x03\x04"
_COUNT_BLOCK = 1 << 20
_TEXT_BLOCK = 1 << 20  # characters


@dataclass
class Table:
    """The header as written and an iterator of (row number, cells); the header is row 1."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int  # data rows: CSV lines (a quoted line break counts twice); XLSX: rows after the header,
    # from the worksheet's dimension or counted (importing.xlsx)
    kind: str  # "csv" or "xlsx"
    wrapper: io.TextIOWrapper | None = None  # the text layer put on a caller's binary file


def source_name(source: Source) -> str:
    """The file name of a path or an uploaded file, for messages and the audit trail."""
    if isinstance(source, os.PathLike):
        return Path(source).name
    if isinstance(source, str):
        return ""
    name = getattr(source, "name", "") or ""
    return Path(str(name)).name if name else ""


def _binary_stream(source: Source) -> tuple[IO[bytes] | IO[str], bool]:
    """An open stream on the source and whether this module opened it (and must close it).

    As in ``apps.places.loading.read_text``: a ``str`` is the text itself, a path is a ``Path``.
    """
    if isinstance(source, os.PathLike):
        return open(source, "rb"), True  # closed by open_table
    if isinstance(source, str):
        return io.StringIO(source, newline=""), True
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(bytes(source)), True
    stream = source
    # Django's uploaded and stored files wrap the real file object.
    while not isinstance(stream, io.IOBase) and hasattr(stream, "file") and stream.file is not stream:
        stream = stream.file
    if hasattr(stream, "seek"):
        try:
            stream.seek(0)
        except (OSError, ValueError):
            pass  # an unseekable stream is read from where it stands
    return stream, False


def _count_lines(stream: IO[bytes]) -> int:
    """Lines of a seekable binary stream, read by blocks (no decoding), then rewound."""
    if not stream.seekable():
        return 0
    count = 0
    last = b""
    while block := stream.read(_COUNT_BLOCK):
        count += block.count(b"\n")
        last = block
    if last and not last.endswith(b"\n"):
        count += 1
    stream.seek(0)
    return count


def _nfc(line: str) -> str:
    # ASCII lines (most of a file's codes and numbers) skip the normalisation.
    return line if line.isascii() else unicodedata.normalize("NFC", line)


def _nfc_lines(text: IO[str]) -> Iterator[str]:
    """The lines of the text, NFC-normalised a block at a time (one call per block, not per line).

    Blocks are cut after a line break, where no combining mark can be separated
    from its letter; lines are split as ``newline=""`` does, for the csv module.
    """
    rest = ""
    while block := text.read(_TEXT_BLOCK):
        block = rest + block
        cut = block.rfind("\n") + 1
        block, rest = block[:cut], block[cut:]
        if block:
            yield from io.StringIO(_nfc(block), newline="")
    if rest:
        yield from io.StringIO(_nfc(rest), newline="")


def _csv_rows(text: IO[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(_nfc_lines(text), delimiter=delimiter)
    number = 1
    try:
        for cells in reader:
            number += 1
            yield number, cells
    except UnicodeDecodeError as exc:
        raise ImportFailed([DomainError(
            _("The file is not UTF-8 text (after row %(row)s). Save it as “CSV UTF-8”."),
            {"row": number}, row=number + 1,
        )]) from exc
    except csv.Error as exc:
        raise ImportFailed([DomainError(_("The row cannot be read as CSV: %(reason)s."),
                                        {"reason": str(exc)}, row=number + 1)]) from exc


def _csv_table(stream: IO[bytes] | IO[str]) -> Table:
    if isinstance(stream, io.TextIOBase):
        text: IO[str] = stream
        total = 0
    else:
        total = max(_count_lines(stream) - 1, 0)
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        raise ImportFailed([DomainError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8”."), row=1)]) from exc
    first = _nfc(first.removeprefix("\ufeff"))
    # Spreadsheets set to a European locale save "CSV" with semicolons.
    delimiter = ";" if ";" in first and "," not in first else ","
    header = next(csv.reader([first], delimiter=delimiter), [])
    wrapper = text if isinstance(text, io.TextIOWrapper) else None
    return Table([cell.strip() for cell in header], _csv_rows(text, delimiter), total, "csv", wrapper)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates as dd/mm/yyyy, 1974.0 as 1974)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _nfc(value).strip()
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/") + f"{value.year:04d}"
    return str(value).strip()


@contextmanager
def open_table(source: Source) -> Iterator[Table]:
    """The table of a CSV or XLSX file (recognised by its content, not its name)."""
    stream, owned = _binary_stream(source)
    try:
        if isinstance(stream, io.TextIOBase):
            yield _csv_table(stream)
            return
        start = stream.read(4)
        stream.seek(0)
        if start == XLSX_MAGIC:
            from apps.people.importing.xlsx import xlsx_table  # here: that module imports this one

            with xlsx_table(stream) as table:
                yield table
        else:
            table = _csv_table(stream)
            try:
                yield table
            finally:
                if table.wrapper is not None and not owned:
                    # A text layer closes its file when collected: leave the caller's open.
                    table.wrapper.detach()
    finally:
        if owned:
            stream.close()
