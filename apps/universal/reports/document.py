"""An official administrative document, independent of its format (PDF or XLSX).

The layout follows Nghị định 30/2020/NĐ-CP on administrative documents (Phụ lục
I): the issuing authority top left, the national name and motto (quốc hiệu và
tiêu ngữ) top right, the number under the authority, place and date under the
motto, the title centred, the body, then the recipients bottom left and the
signature block bottom right. The formulae of that layout are fixed Vietnamese
text prescribed by the decree, whatever the interface language, so they are
constants here rather than messages to translate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập – Tự do – Hạnh phúc"
PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"
ON_BEHALF = "TM."
CHAIRMAN = "CHỦ TỊCH"
RECIPIENTS = "Nơi nhận:"
ARCHIVE = "- Lưu: VT."
NUMBER = "Số:"
REPORT_SYMBOL = "BC-UBND"  # báo cáo of a People's Committee

# Division types written before a unit's name ("Xã Dang Kang"): the place of a
# document is the name without it ("Dang Kang, ngày …").
DIVISION_PREFIXES = (
    "thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã",
)


@dataclass(frozen=True)
class Cell:
    """A value of a table: text, a whole number, a rate (exact fraction) or a yes/no.

    ``status`` ("ok" or "bad") marks a condition met or not, for colour in the PDF
    and a fill in the workbook.
    """

    value: str | int | Fraction | bool | None
    kind: str = "text"  # text | int | percent | bool
    status: str = ""
    bold: bool = False


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass
class OfficialDocument:
    """Everything a report shows, in reading order."""

    issuer: str  # "ỦY BAN NHÂN DÂN XÃ DANG KANG"
    place: str  # "Dang Kang"
    date: dt.date
    title: str
    subtitle: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_on_behalf: str = f"{ON_BEHALF} {PEOPLES_COMMITTEE}"
    signer_title: str = CHAIRMAN
    signer_name: str = ""
    number: str = f"{NUMBER}      /{REPORT_SYMBOL}"
    sheet_name: str = "Báo cáo"

    @property
    def issuer_lines(self) -> list[str]:
        """The authority on two lines, as printed: "ỦY BAN NHÂN DÂN" / "XÃ DANG KANG"."""
        if self.issuer.startswith(PEOPLES_COMMITTEE + " "):
            return [PEOPLES_COMMITTEE, self.issuer[len(PEOPLES_COMMITTEE) + 1:]]
        return [self.issuer]

    @property
    def place_and_date(self) -> str:
        return place_and_date(self.place, self.date)

    @property
    def width(self) -> int:
        """Columns of the widest table (at least 6, so that the heading has room)."""
        return max([6, *(len(table.columns) for table in self.tables)])


def place_name(name: str, division_type: str = "") -> str:
    """"Xã Dang Kang" → "Dang Kang": the place written before the date."""
    lowered = name.casefold()
    for prefix in ([division_type.casefold()] if division_type else []) + list(DIVISION_PREFIXES):
        if prefix and lowered.startswith(prefix + " "):
            return name[len(prefix) + 1:].strip()
    return name


def issuing_authority(name: str) -> str:
    """The People's Committee of a unit, in capitals: "ỦY BAN NHÂN DÂN XÃ DANG KANG"."""
    return f"{PEOPLES_COMMITTEE} {name.upper()}"


def place_and_date(place: str, date: dt.date) -> str:
    """"Dang Kang, ngày 29 tháng 11 năm 2026".

    NĐ 30/2020 writes days below 10 and the months January and February with a
    leading zero ("ngày 05 tháng 02 năm 2026").
    """
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {day} tháng {month} năm {date.year}"


def percent_text(rate: Fraction | None, *, decimal_comma: bool = True, empty: str = "—") -> str:
    """A rate as a percentage with two decimals ("96,67%"); never used for comparisons."""
    if rate is None:
        return empty
    value = f"{float(rate) * 100:.2f}".rstrip("0").rstrip(".")
    return (value.replace(".", ",") if decimal_comma else value) + "%"


def cell_text(cell: Cell, *, yes: str, no: str) -> str:
    """How a cell reads in the PDF (Vietnamese number conventions)."""
    if cell.kind == "percent":
        return percent_text(cell.value if isinstance(cell.value, Fraction) else None)
    if cell.kind == "bool":
        return yes if cell.value else no
    if cell.kind == "int":
        return "" if cell.value is None else f"{cell.value:,}".replace(",", ".")
    return "" if cell.value is None else str(cell.value)
