"""The columns of the person-registry file and how a header row names them.

person-registry-format.md: English header names, or the Vietnamese names given
in brackets there, written with their diacritics; compared after NFC
normalisation without regard to case and surrounding spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.people.vocabulary import fold


@dataclass(frozen=True)
class Column:
    name: str  # the English header, also the name used in errors
    vietnamese: str
    required: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.vietnamese})"


# In the order of the format; export writes them in this order.
COLUMNS: list[Column] = [
    Column("commune_code", "mã xã", True),
    Column("village", "thôn/buôn/TDP", True),
    Column("household_code", "mã hộ", True),
    Column("person_code", "mã nhân khẩu", True),
    Column("full_name", "họ và tên", True),
    Column("relation", "quan hệ với chủ hộ", False),
    Column("sex", "giới tính", True),
    Column("birth_date", "ngày sinh", True),
    Column("ethnicity", "dân tộc", True),
    Column("disability", "khuyết tật", False),
    Column("status", "tình trạng", False),
    Column("enrolled_level", "đang học", False),
    Column("enrolled_grade", "lớp", False),
    Column("preschool_completed", "hoàn thành CT GDMN 5 tuổi", False),
    Column("primary_completed_year", "năm hoàn thành CT tiểu học", False),
    Column("lower_secondary_graduated_year", "năm tốt nghiệp THCS", False),
    Column("highest_grade_completed", "lớp cao nhất đã hoàn thành", False),
    Column("literacy_stage_completed", "giai đoạn XMC đã hoàn thành", False),
    Column("clan", "dòng họ", False),
    Column("national_id", "số định danh cá nhân", False),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
_BY_HEADER = {fold(spelling): column for column in COLUMNS for spelling in (column.name, column.vietnamese)}


def map_header(cells: list[str]) -> tuple[dict[str, int], list[DomainError]]:
    """Column name → its position in the row, and the header's errors (row 1).

    Unknown columns are refused rather than ignored: a misspelt optional column
    would otherwise be dropped without a word.
    """
    positions: dict[str, int] = {}
    errors: list[DomainError] = []
    if not any(cell.strip() for cell in cells):
        return positions, [DomainError(_("The file is empty: the first row must name the columns."), row=1)]
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        column = _BY_HEADER.get(fold(cell))
        if column is None:
            errors.append(DomainError(
                _("Unknown column “%(column)s”; the columns are: %(columns)s."),
                {"column": cell.strip(), "columns": ", ".join(COLUMN_NAMES)}, row=1, column=cell.strip(),
            ))
        elif column.name in positions:
            errors.append(DomainError(_("The column “%(column)s” appears twice in the header."),
                                      {"column": column.label}, row=1, column=column.name))
        else:
            positions[column.name] = index
    for column in COLUMNS:
        if column.required and column.name not in positions:
            errors.append(DomainError(_("The header lacks the required column “%(column)s”."),
                                      {"column": column.label}, row=1, column=column.name))
    return positions, errors
