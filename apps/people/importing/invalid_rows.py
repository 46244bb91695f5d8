"""The rows an import refused, as a workbook to correct and import again."""

from __future__ import annotations

import io
import os
from collections import defaultdict
from typing import IO

from openpyxl import Workbook

from apps.people.importing.service import ImportResult

ERROR_COLUMN = "error / lỗi"


def write_invalid_rows(result: ImportResult, target: str | os.PathLike | IO[bytes]) -> int:
    """Write the refused rows (original columns, then every error of the row, bilingual).

    Returns the number of rows written. Written in openpyxl's write-only mode,
    which streams rows instead of building the sheet in memory.
    """
    messages: dict[int, list[str]] = defaultdict(list)
    for error in result.errors:
        if error.row is not None:
            messages[error.row].append(error.bilingual())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    width = len(result.header)
    sheet.append([*result.header, ERROR_COLUMN])
    for number, cells in result.invalid_rows:
        values = (cells + [""] * width)[:max(width, len(cells))]
        sheet.append([*values, "\n".join(messages.get(number, []))])
    header_errors = messages.get(1)
    if header_errors:
        sheet.append(["" for _ in range(width)] + ["\n".join(header_errors)])
    workbook.save(target)
    return len(result.invalid_rows)


def invalid_rows_bytes(result: ImportResult) -> bytes:
    buffer = io.BytesIO()
    write_invalid_rows(result, buffer)
    return buffer.getvalue()
