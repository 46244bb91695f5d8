"""The engine's result of a year as a workbook: one sheet of communes, one of groupings (openpyxl).

Headers are Vietnamese: the indicator and standard names come from the rule set
(the wording of NĐ 20/2014/NĐ-CP), the other headers are translated strings
rendered in Vietnamese whatever the active language.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from django.utils import translation
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from apps.universal.engine.output import display_rate
from apps.universal.engine.results import CommuneResult, GroupingResult, YearResult
from apps.universal.rules import RuleSet

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def percent(value) -> str:
    return f"{number_format(float(value) * 100, 2)}%"


def unmet_text(rule_set: RuleSet, result: CommuneResult) -> str:
    parts = []
    for unmet in result.unmet:
        parts.append(_("%(standard)s, level %(level)s: %(indicator)s %(rate)s < %(threshold)s") % {
            "standard": rule_set.standards[unmet.standard].name_vi, "level": unmet.level,
            "indicator": rule_set.indicators[unmet.indicator].name_vi,
            "rate": percent(unmet.rate) if unmet.rate is not None else "—",
            "threshold": percent(unmet.threshold),
        })
    for blocked in result.blocked:
        parts.append(_("%(standard)s, level %(level)s: requires %(required)s, level %(required_level)s") % {
            "standard": rule_set.standards[blocked.standard].name_vi, "level": blocked.level,
            "required": rule_set.standards[blocked.requires_standard].name_vi,
            "required_level": blocked.requires_level,
        })
    return "; ".join(parts)


def _headers(sheet, groups: list[tuple[str, list[str]]]) -> None:
    """Two header rows: a group title over its columns (merged), then each column's title."""
    column = 1
    for title, subtitles in groups:
        sheet.cell(row=1, column=column, value=title).font = BOLD
        if len(subtitles) > 1:
            sheet.merge_cells(start_row=1, start_column=column, end_row=1,
                              end_column=column + len(subtitles) - 1)
        for offset, subtitle in enumerate(subtitles):
            sheet.cell(row=2, column=column + offset, value=subtitle).font = BOLD
        column += len(subtitles)
    for row in (1, 2):
        for cell in sheet[row]:
            cell.alignment = WRAP
    sheet.freeze_panes = "C3"


def _communes_sheet(sheet, rule_set: RuleSet, communes: list[CommuneResult]) -> None:
    sheet.title = _("Communes")[:31]
    special = capfirst(_("commune with special difficulties"))
    groups = [(capfirst(_("commune")), [_("Code"), _("Name"), special])]
    groups += [(indicator.name_vi, [capfirst(_("numerator")), capfirst(_("denominator")), _("Rate")])
               for indicator in rule_set.indicators.values()]
    groups += [(_("Levels reached"), [standard.name_vi for standard in rule_set.standards.values()])]
    groups += [(_("Unmet conditions"), [_("Next levels")])]
    _headers(sheet, groups)
    for result in communes:
        row = [result.unit.code, result.unit.name, _("yes") if result.special_difficulty else _("no")]
        for indicator in rule_set.indicators:
            value = result.indicators[indicator]
            row += [value.num, value.den, display_rate(value.rate)]
        row += [result.levels[standard] for standard in rule_set.standards]
        row.append(unmet_text(rule_set, result))
        sheet.append(row)
    first_rate = 6
    for index in range(len(rule_set.indicators)):
        letter = get_column_letter(first_rate + 3 * index)
        for cell in sheet[letter][2:]:
            cell.number_format = "0.00%"
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions[get_column_letter(sheet.max_column)].width = 80


def _groupings_sheet(sheet, rule_set: RuleSet, groupings: list[GroupingResult]) -> None:
    sheet.title = _("Districts and provinces")[:31]
    groups = [(capfirst(_("administrative unit")),
               [_("Code"), _("Name"), capfirst(_("level")), _("Communes")])]
    groups += [(_("%(standard)s: communes meeting") % {"standard": standard.name_vi},
                [_("level %(level)s") % {"level": level.level} for level in standard.levels])
               for standard in rule_set.standards.values()]
    groups += [(_("Levels reached"), [standard.name_vi for standard in rule_set.standards.values()])]
    _headers(sheet, groups)
    kinds = {"district": _("district"), "province": _("province")}
    for result in groupings:
        row = [result.unit.code, result.unit.name, kinds[result.kind], result.communes]
        for standard in rule_set.standards.values():
            row += [result.meeting[standard.id][level.level] for level in standard.levels]
        row += [result.levels[standard] for standard in rule_set.standards]
        sheet.append(row)
    sheet.column_dimensions["B"].width = 24


def write_workbook(result: YearResult, target: str | Path | BinaryIO) -> None:
    """Write the year's communes and groupings to ``target`` (a path or a binary stream)."""
    with translation.override("vi"):
        workbook = Workbook()
        _communes_sheet(workbook.active, result.rule_set, result.communes)
        _groupings_sheet(workbook.create_sheet(), result.rule_set, result.groupings)
        workbook.save(target)
