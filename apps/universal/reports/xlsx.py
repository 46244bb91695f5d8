"""Excel rendering (openpyxl) of an official document: the printed layout on one sheet.

The heading, title, tables and signature block sit where they do on paper, so that
the workbook prints like the PDF; rates are real numbers with a percent format
(not text), so that the figures can be summed and re-checked.
"""

from __future__ import annotations

from fractions import Fraction
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from apps.universal.reports.document import (
    ARCHIVE,
    MOTTO,
    NATIONAL_NAME,
    RECIPIENTS,
    Cell,
    OfficialDocument,
)

FONT = "Times New Roman"  # the font of administrative documents (NĐ 30/2020); Excel has it
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILLS = {"ok": PatternFill("solid", fgColor="DCF3E3"), "bad": PatternFill("solid", fgColor="FBE2E0")}
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
MAX_SHEET_NAME = 31


def _put(ws: Worksheet, row: int, first: int, last: int, value: str, *, bold: bool = False,
         italic: bool = False, size: int = 12, align: str = "center") -> None:
    """A value over the merged columns ``first``..``last`` of a row."""
    cell = ws.cell(row=row, column=first, value=value)
    cell.font = Font(name=FONT, bold=bold, italic=italic, size=size)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _value(cell: Cell, yes: str, no: str):
    if cell.kind == "percent":
        return float(cell.value) if isinstance(cell.value, Fraction) else None
    if cell.kind == "bool":
        return yes if cell.value else no
    if cell.kind == "int" or cell.value is None:
        return cell.value
    return str(cell.value)  # lazy translations and other text-like values


def _heading(ws: Worksheet, document: OfficialDocument, width: int) -> int:
    split = max(2, width * 2 // 5)
    for offset, line in enumerate(document.issuer_lines):
        _put(ws, 1 + offset, 1, split, line, bold=True)
    _put(ws, 1, split + 1, width, NATIONAL_NAME, bold=True)
    _put(ws, 2, split + 1, width, MOTTO, bold=True, size=13)
    _put(ws, 3, 1, split, document.number)
    _put(ws, 3, split + 1, width, document.place_and_date, italic=True)
    _put(ws, 5, 1, width, document.title, bold=True, size=13)
    row = 6
    if document.subtitle:
        _put(ws, row, 1, width, document.subtitle, italic=True)
        row += 1
    for paragraph in document.paragraphs:
        _put(ws, row, 1, width, paragraph, size=11, align="left")
        ws.row_dimensions[row].height = 15 * max(1, len(paragraph) // 110 + 1)
        row += 1
    return row + 1


def _tables(ws: Worksheet, document: OfficialDocument, row: int, width: int) -> int:
    yes, no = _("met"), _("not met")
    for table in document.tables:
        _put(ws, row, 1, width, table.title, bold=True, align="left", size=11)
        row += 1
        for column, heading in enumerate([_("No."), *table.columns], start=1):
            cell = ws.cell(row=row, column=column, value=heading)
            cell.font = Font(name=FONT, bold=True, size=10)
            cell.alignment = CENTRE
            cell.border = BOX
            cell.fill = HEADER_FILL
        row += 1
        for index, values in enumerate(table.rows, start=1):
            ws.cell(row=row, column=1, value=index).border = BOX
            for column, value in enumerate(values, start=2):
                cell = ws.cell(row=row, column=column, value=_value(value, yes, no))
                cell.font = Font(name=FONT, size=10, bold=value.bold or value.status == "bad")
                cell.border = BOX
                if value.kind == "percent":
                    cell.number_format = "0.00%"
                elif value.kind == "int":
                    cell.number_format = "#,##0"
                if value.status in FILLS:
                    cell.fill = FILLS[value.status]
                if value.kind == "text":
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
        if table.note:
            _put(ws, row, 1, width, table.note, italic=True, size=9, align="left")
            row += 1
        row += 1
    return row


def _closing(ws: Worksheet, document: OfficialDocument, row: int, width: int) -> None:
    split = max(2, width * 2 // 5)
    _put(ws, row, 1, split, RECIPIENTS, bold=True, italic=True, size=11, align="left")
    for offset, line in enumerate([*document.recipients, ARCHIVE], start=1):
        _put(ws, row + offset, 1, split, line, size=10, align="left")
    _put(ws, row, split + 1, width, document.signer_on_behalf, bold=True)
    _put(ws, row + 1, split + 1, width, document.signer_title, bold=True)
    if document.signer_name:
        _put(ws, row + 6, split + 1, width, document.signer_name, bold=True)


def render_xlsx(document: OfficialDocument) -> bytes:
    """The workbook bytes: one sheet laid out like the printed report."""
    with translation.override("vi"):
        workbook = Workbook()
        ws = workbook.active
        ws.title = document.sheet_name[:MAX_SHEET_NAME]
        width = document.width + 1  # the "No." column
        row = _heading(ws, document, width)
        row = _tables(ws, document, row, width)
        _closing(ws, document, row + 1, width)
        ws.column_dimensions["A"].width = 6
        for column in range(2, width + 1):
            ws.column_dimensions[get_column_letter(column)].width = 30 if column == 2 else 14
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if width > 8 else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
