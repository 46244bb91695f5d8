"""The engine's results arranged for reading: levels with their reasons, indicators with splits.

Pages, downloads and the official report show the same arrangement, so that a
figure reads the same everywhere. Nothing is judged here: the levels come from
the engine (``apps.universal.engine``); a condition's "met" repeats the engine's
exact comparison (``IndicatorValue.meets``) only to show each row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import translation
from django.utils.translation import gettext as _

from apps.people.ethnicities import ETHNICITY_CHOICES
from apps.universal.reports.document import percent_text

ETHNICITY_NAMES = dict(ETHNICITY_CHOICES)


def percent(rate: Fraction | None, empty: str = "—") -> str:
    """A rate for reading: "96,67%" in Vietnamese, "96.67%" in English."""
    language = translation.get_language() or "vi"
    return percent_text(rate, decimal_comma=not language.startswith("en"), empty=empty)


@dataclass
class ConditionLine:
    indicator: object  # rules.Indicator
    value: object  # engine.IndicatorValue
    threshold: Fraction
    met: bool

    @property
    def rate_text(self) -> str:
        return percent(self.value.rate, _("empty cohort"))

    @property
    def threshold_text(self) -> str:
        return percent(self.threshold)


@dataclass
class RequirementLine:
    standard: str
    name: str
    level: int
    met: bool


@dataclass
class LevelView:
    level: int
    conditions: list[ConditionLine]
    requires: list[RequirementLine]
    article: str
    note: str
    reached: bool

    @property
    def own_met(self) -> bool:
        return all(line.met for line in self.conditions)


@dataclass
class StandardView:
    id: str
    name: str
    reached: int
    top_level: int
    levels: list[LevelView] = field(default_factory=list)
    attested: int | None = None


def standard_views(result, rule_set, attested: dict[str, int] | None = None) -> list[StandardView]:
    """Per standard, per level: its conditions with the commune's rates, what it requires, reached or not."""
    views = []
    for standard in rule_set.standards.values():
        reached = result.levels.get(standard.id, 0)
        levels = []
        for level in standard.levels:
            lines = []
            for condition in level.conditions:
                value = result.indicators[condition.indicator]
                threshold = condition.value(result.special_difficulty)
                lines.append(ConditionLine(rule_set.indicators[condition.indicator], value, threshold,
                                           value.meets(threshold)))
            requires = [
                RequirementLine(req.standard, rule_set.standards[req.standard].name, req.level,
                                result.levels.get(req.standard, 0) >= req.level)
                for req in level.requires
            ]
            levels.append(LevelView(level.level, lines, requires, level.source.article, level.note,
                                    level.level <= reached))
        views.append(StandardView(standard.id, standard.name, reached, standard.top_level, levels,
                                  (attested or {}).get(standard.id)))
    return views


def unmet_text(unmet, rule_set) -> str:
    """"Universal primary education level 3: primary_entry 96.67% < 98%"."""
    standard = rule_set.standards[unmet.standard].name
    return _("%(standard)s level %(level)s: %(indicator)s %(rate)s < %(threshold)s") % {
        "standard": standard, "level": unmet.level, "indicator": unmet.indicator,
        "rate": percent(unmet.rate), "threshold": percent(unmet.threshold),
    }


def unmet_texts(result, rule_set, *, next_level_only: bool = False) -> list[str]:
    """The unmet conditions; with ``next_level_only``, only those of the level just above each reached one."""
    items = result.unmet
    if next_level_only:
        items = [u for u in items if u.level == result.levels.get(u.standard, 0) + 1]
    return [unmet_text(unmet, rule_set) for unmet in items]


def blocked_texts(result, rule_set) -> list[str]:
    return [
        _("%(standard)s level %(level)s needs %(required)s level %(required_level)s.") % {
            "standard": rule_set.standards[b.standard].name, "level": b.level,
            "required": rule_set.standards[b.requires_standard].name, "required_level": b.requires_level,
        }
        for b in getattr(result, "blocked", [])
    ]


@dataclass
class SplitCell:
    label: str
    value: object  # IndicatorValue

    @property
    def rate_text(self) -> str:
        return percent(self.value.rate)


@dataclass
class IndicatorView:
    indicator: object  # rules.Indicator
    value: object  # IndicatorValue
    band: str
    by_sex: list[SplitCell]
    by_group: list[SplitCell]
    by_ethnicity: list[SplitCell]

    @property
    def rate_text(self) -> str:
        return percent(self.value.rate, _("empty cohort"))


def sex_label(code: str) -> str:
    return {"M": _("male"), "F": _("female")}.get(code, code)


def group_label(code: str) -> str:
    return {"kinh": _("Kinh"), "minority": _("ethnic minorities")}.get(code, code)


def indicator_views(result, rule_set) -> list[IndicatorView]:
    views = []
    for indicator in rule_set.indicators.values():
        splits = result.splits.get(indicator.id, {})
        views.append(IndicatorView(
            indicator, result.indicators[indicator.id],
            str(indicator.cohort.band(result.special_difficulty)),
            [SplitCell(sex_label(k), v) for k, v in splits.get("sex", {}).items()],
            [SplitCell(group_label(k), v) for k, v in splits.get("group", {}).items()],
            [SplitCell(ETHNICITY_NAMES.get(k, k), v) for k, v in sorted(splits.get("ethnicity", {}).items())
             if v.den],
        ))
    return views


@dataclass
class ShareLine:
    standard: str
    name: str
    level: int
    meeting: int
    total: int
    required: Fraction
    verified: bool
    met: bool

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.meeting, self.total) if self.total else None

    @property
    def share_text(self) -> str:
        return percent(self.share)

    @property
    def required_text(self) -> str:
        return percent(self.required)


def share_lines(grouping, rule_set) -> list[ShareLine]:
    """Per standard and level: units meeting it out of all, against the district or province share.

    A province before 2025 is judged on its districts, after on its communes.
    """
    judged_on_districts = grouping.kind == "province" and grouping.districts is not None
    meeting = grouping.districts_meeting if judged_on_districts else grouping.meeting
    total = grouping.districts if judged_on_districts else grouping.communes
    lines = []
    for standard in rule_set.standards.values():
        for level in standard.levels:
            share = getattr(level, grouping.kind)
            lines.append(ShareLine(
                standard.id, standard.name, level.level, meeting[standard.id][level.level], total,
                share.share, share.verified, grouping.levels.get(standard.id, 0) >= level.level,
            ))
    return lines


@dataclass
class CompareRow:
    label: str
    cells: list[str]
    changed: bool = False


def comparison(columns) -> tuple[list[CompareRow], list[CompareRow]]:
    """Levels and indicator rates of a commune's years side by side (``selection.commune_years``)."""
    rule_set = next((c.rule_set for c in reversed(columns) if c.rule_set is not None), None)
    if rule_set is None:
        return [], []
    levels = []
    for standard in rule_set.standards.values():
        cells = [f"{c.result.levels.get(standard.id, 0)}/{standard.top_level}" if c.result else "—"
                 for c in columns]
        levels.append(CompareRow(standard.name, cells, len(set(cells)) > 1))
    rates = []
    for indicator in rule_set.indicators.values():
        cells = []
        for column in columns:
            value = column.result.indicators.get(indicator.id) if column.result else None
            cells.append("—" if value is None else f"{percent(value.rate)} ({value.num}/{value.den})")
        rates.append(CompareRow(indicator.name, cells, len(set(cells)) > 1))
    return levels, rates
