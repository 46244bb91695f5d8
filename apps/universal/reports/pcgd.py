"""The official PCGD–XMC report of a commune or a grouping, filled from the engine's results.

"Báo cáo kết quả phổ cập giáo dục, xóa mù chữ" is issued yearly by the People's
Committee of each unit (Thông tư 07/2016/TT-BGDĐT, the file of recognition). It
is written in Vietnamese whatever the interface language: the document is built
under ``translation.override("vi")``, with the formulae of Nghị định 30/2020
from ``document`` and the labels as messages to translate.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from apps.places.models import REFORM_DATE, Unit
from apps.places.services import survey_date
from apps.universal.reports.document import (
    Cell,
    OfficialDocument,
    Table,
    issuing_authority,
    place_name,
)
from apps.universal.reports.presentation import (
    indicator_views,
    share_lines,
    standard_views,
    unmet_text,
)

REPORT_TITLE = "BÁO CÁO KẾT QUẢ PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ NĂM {year}"


def _level_cell(reached: int, top: int) -> Cell:
    return Cell(f"{reached}/{top}", status="ok" if reached else "bad")


def _recipients(year: int, kind: str) -> list[str]:
    """Who receives the report: the level above on the year's map."""
    if kind == "province":
        return [_("- Ministry of Education and Training (to report);")]
    if survey_date(year) >= REFORM_DATE or kind == "district":
        return [_("- Provincial People's Committee (to report);"),
                _("- Provincial Department of Education and Training;")]
    return [_("- District People's Committee (to report);"),
            _("- District Office of Education and Training;")]


def _heading(unit: Unit, year: int, date: dt.date, rule_set) -> dict:
    return {
        "issuer": issuing_authority(unit.name),
        "place": place_name(unit.name, unit.division_type),
        "date": date,
        "title": REPORT_TITLE.format(year=year),
        "subtitle": _("Computed from the population registry of %(year)s with the rule set %(rule_set)s.")
        % {"year": year, "rule_set": rule_set.id},
    }


def _levels_table(views) -> Table:
    rows = [
        [Cell(view.name), _level_cell(view.reached, view.top_level),
         Cell("" if view.attested is None else f"{view.attested}/{view.top_level}")]
        for view in views
    ]
    return Table(
        _("Levels reached"),
        [_("Standard"), _("Level from the registry"), _("Conditions attested up to level")],
        rows,
        _("The attested conditions (teachers, facilities, records) are shown beside the level computed "
          "from the registry and do not change it."),
    )


def _conditions_table(views) -> Table:
    rows = []
    for view in views:
        for level in view.levels:
            for line in level.conditions:
                label = _("%(standard)s — level %(level)s") % {"standard": view.name, "level": level.level}
                rows.append([
                    Cell(label), Cell(line.indicator.name),
                    Cell(line.value.num, "int"), Cell(line.value.den, "int"),
                    Cell(line.value.rate, "percent"), Cell(line.threshold, "percent"),
                    Cell(line.met, "bool", "ok" if line.met else "bad"),
                ])
    return Table(
        _("Rates against the thresholds of each level"),
        [_("Standard and level"), _("Indicator"), _("Counted"), _("Cohort"), _("Rate"), _("Threshold"),
         _("Result")],
        rows,
        _("Rates are compared with their thresholds exactly, before rounding; an empty cohort meets its "
          "condition."),
    )


def _splits_table(indicators) -> Table:
    rows = []
    for view in indicators:
        sex = {cell.label: cell.value for cell in view.by_sex}
        group = {cell.label: cell.value for cell in view.by_group}
        rows.append([
            Cell(view.indicator.name), Cell(view.band), Cell(view.value.rate, "percent"),
            *(Cell(value.rate, "percent") for value in sex.values()),
            *(Cell(value.rate, "percent") for value in group.values()),
        ])
    first = indicators[0] if indicators else None
    columns = [_("Indicator"), _("Ages"), _("All")]
    if first is not None:
        columns += [cell.label for cell in first.by_sex] + [cell.label for cell in first.by_group]
    return Table(_("Rates by sex and by ethnic group"), columns, rows)


def _checklist_table(standards, general) -> Table:
    rows = []
    for block in standards:
        for status in block.items:
            rows.append([Cell(block.label), Cell(status.condition.vi), Cell(status.condition.article),
                         Cell(status.met, "bool", "ok" if status.met else "bad")])
    for status in general:
        rows.append([Cell(_("Every standard")), Cell(status.condition.vi), Cell(status.condition.article),
                     Cell(status.met, "bool", "ok" if status.met else "bad")])
    return Table(_("Conditions attested by the commune"),
                 [_("Standard"), _("Condition"), _("Article"), _("Result")], rows)


def commune_document(result, rule_set, year: int, date: dt.date, checklist=None) -> OfficialDocument:
    """The report of one commune: levels, rates against thresholds, splits, unmet conditions, checklist.

    ``checklist`` is ``attestation.checklist_status(commune, year)`` or ``None``.
    """
    with translation.override("vi"):
        attested = ({block.standard: block.attested_level for block in checklist[0]} if checklist else None)
        views = standard_views(result, rule_set, attested)
        paragraphs = [
            _("Commune with special difficulties in %(year)s: %(answer)s.")
            % {"year": year, "answer": _("yes") if result.special_difficulty else _("no")},
        ]
        unmet = [unmet_text(u, rule_set) for u in result.unmet]
        if unmet:
            paragraphs.append(_("Conditions not yet met: %(list)s.") % {"list": "; ".join(unmet)})
        tables = [_levels_table(views), _conditions_table(views), _splits_table(indicator_views(result,
                                                                                                  rule_set))]
        if checklist:
            tables.append(_checklist_table(*checklist))
        return OfficialDocument(
            **_heading(result.unit, year, date, rule_set), paragraphs=paragraphs, tables=tables,
            recipients=_recipients(year, "commune"),
        )


def _commune_row(unit: Unit, result, standards) -> list[Cell]:
    if result is None:
        return [Cell(unit.name), Cell(""), *(Cell(_("no survey record"), status="bad") for _s in standards)]
    return [Cell(unit.name), Cell(_("yes") if result.special_difficulty else ""),
            *(_level_cell(result.levels.get(s.id, 0), s.top_level) for s in standards)]


def grouping_document(year_result, grouping, date: dt.date, communes: list[Unit]) -> OfficialDocument:
    """The report of a district or a province: its communes' levels and the shares against the rule.

    ``communes`` are the communes of the grouping on the year's map; those without
    survey records are listed too (they meet no level).
    """
    rule_set = year_result.rule_set
    year = year_result.year
    with translation.override("vi"):
        standards = list(rule_set.standards.values())
        under = [c for c in year_result.communes if c.unit.path.startswith(grouping.unit.path)]
        results = {c.unit.pk: c for c in under}
        members = sorted((u for u in communes if u.path.startswith(grouping.unit.path)),
                         key=lambda u: (u.parent.name if u.parent else "", u.name))
        commune_rows = [_commune_row(unit, results.get(unit.pk), standards) for unit in members]
        communes_table = Table(
            _("Levels of the communes"),
            [_("Commune"), _("Special difficulties"), *(s.name for s in standards)],
            commune_rows,
            _("%(missing)s of %(total)s communes have no survey record this year and meet no level.")
            % {"missing": grouping.communes - grouping.communes_computed, "total": grouping.communes}
            if grouping.communes_computed < grouping.communes else "",
        )
        lines = share_lines(grouping, rule_set)
        judged_on = _("districts") if grouping.kind == "province" and grouping.districts is not None \
            else _("communes")
        shares_table = Table(
            _("Share of %(units)s meeting each level") % {"units": judged_on},
            [_("Standard"), _("Level of the standard"), _("Meeting it"), _("Units judged"), _("Share"),
             _("Required share"), _("Result")],
            [[Cell(line.name), Cell(line.level, "int"), Cell(line.meeting, "int"), Cell(line.total, "int"),
              Cell(line.share, "percent"), Cell(line.required, "percent"),
              Cell(line.met, "bool", "ok" if line.met else "bad")] for line in lines],
        )
        unmet_rows = [[Cell(c.unit.name), Cell("; ".join(unmet_text(u, rule_set) for u in c.unmet
                                                          if u.level == c.levels.get(u.standard, 0) + 1))]
                      for c in under if c.unmet]
        tables = [communes_table, shares_table]
        if unmet_rows:
            tables.append(Table(_("What each commune lacks for its next level"),
                                [_("Commune"), _("Conditions not yet met")], unmet_rows))
        levels = "; ".join(f"{s.name}: {grouping.levels.get(s.id, 0)}/{s.top_level}" for s in standards)
        return OfficialDocument(
            **_heading(grouping.unit, year, date, rule_set),
            paragraphs=[_("Levels reached by %(unit)s: %(levels)s.") % {"unit": grouping.unit.name,
                                                                         "levels": levels}],
            tables=tables, recipients=_recipients(year, grouping.kind),
        )
