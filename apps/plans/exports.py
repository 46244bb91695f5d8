"""The annual scorecard as an official document: PDF (WeasyPrint) and Excel workbook (openpyxl).

Kế hoạch 145-KH/HU ties each organisation's and each head's annual evaluation to
the results of the plan; the ranked table of ``apps.plans.scorecard`` is printed
here with the layout of Nghị định 30/2020/NĐ-CP (Phụ lục I) through the renderers
of ``apps.universal.reports``. The document is Vietnamese whatever the interface
language: it is built under ``translation.override("vi")``; the title is fixed
Vietnamese text, the labels are messages of the catalogue.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from apps.places.models import Unit
from apps.plans.scorecard import ScorecardRow
from apps.universal.reports.document import Cell, OfficialDocument, Table, issuing_authority, place_name
from apps.universal.reports.pdf import render_pdf
from apps.universal.reports.xlsx import render_xlsx

TITLE = "BẢNG TỔNG HỢP, XẾP HẠNG KẾT QUẢ THỰC HIỆN NHIỆM VỤ, CHỈ TIÊU NĂM {year}"
BLANK_PLACE = "……………"  # filled by hand when the scorecard covers no single unit

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def score_text(row: ScorecardRow) -> str:
    """The score with a decimal comma ("87,5"), or a dash when nothing was scored."""
    return "—" if row.score is None else f"{row.score}".replace(".", ",")


def organisation_text(row: ScorecardRow) -> str:
    """The organisation's name, with its unit unless the name already says it ("… xã Dang Kang")."""
    organisation = row.organisation
    unit = organisation.unit
    if place_name(unit.name, unit.division_type).casefold() in organisation.name.casefold():
        return organisation.name
    return f"{organisation.name} ({unit.name})"


def _row(row: ScorecardRow) -> list[Cell]:
    bad = "bad" if row.tasks_overdue else ""
    return [
        Cell(row.rank if row.rank is not None else "—", "int" if row.rank is not None else "text"),
        Cell(organisation_text(row)),
        Cell(row.head),
        Cell(row.tasks_on_time, "int"),
        Cell(row.tasks_late, "int"),
        Cell(row.tasks_overdue, "int", status=bad),
        Cell(row.tasks_in_progress, "int"),
        Cell(row.targets_met, "int"),
        Cell(row.targets_missed, "int"),
        Cell(row.recommendations_resolved, "int"),
        Cell(row.recommendations_open, "int"),
        Cell(score_text(row), bold=True),
    ]


def scorecard_document(rows: list[ScorecardRow], *, year: int, as_of: dt.date, unit: Unit | None,
                       date: dt.date) -> OfficialDocument:
    """The ranked scorecard of ``year`` as of ``as_of``, issued on ``date`` by the unit's People's
    Committee (no issuer when it covers no single unit: the user fills it in)."""
    with translation.override("vi"):
        columns = [
            _("Rank"), _("Organisation"), _("Head"), _("Tasks done on time"), _("Tasks done late"),
            _("Tasks overdue"), _("Tasks in progress (not scored)"), _("Targets met"), _("Targets missed"),
            _("Recommendations resolved"), _("Recommendations open"), _("Score (0–100)"),
        ]
        table = Table(
            _("Organisations ranked by score"), columns, [_row(row) for row in rows],
            _("Score = 100 × points ÷ items scored: a task done on time counts 1 point, done late ½, "
              "overdue 0; a target met 1, missed 0; a recommendation resolved 1, open 0. Equal scores "
              "with as many overdue tasks share a rank."),
        )
        return OfficialDocument(
            issuer=issuing_authority(unit.name) if unit is not None else "",
            place=place_name(unit.name, unit.division_type) if unit is not None else BLANK_PLACE,
            date=date,
            title=TITLE.format(year=year),
            subtitle=_("Computed from the records of tasks, targets and inspections as of %(date)s.")
            % {"date": as_of.strftime("%d/%m/%Y")},
            tables=[table],
            sheet_name=f"Xếp hạng {year}",
        )


def render(document: OfficialDocument, fmt: str) -> bytes:
    """The bytes of the document in ``fmt`` ("pdf" or "xlsx")."""
    if fmt == "pdf":
        return render_pdf(document)
    if fmt == "xlsx":
        return render_xlsx(document)
    raise ValueError(f"Unknown format: {fmt}")
