"""``to_json``: the output of ``manage.py pcgd --format json`` (pcgd-xmc.md, "Output of manage.py pcgd")."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from apps.universal.engine.results import CommuneResult, GroupingResult, IndicatorValue, YearResult

DISPLAY_DECIMALS = 4


def display_rate(value: Fraction | None) -> float | None:
    """A rate rounded for display only (every comparison was made on the exact fraction)."""
    return None if value is None else float(round(value, DISPLAY_DECIMALS))


def indicator_json(value: IndicatorValue) -> dict[str, Any]:
    return {"num": value.num, "den": value.den, "rate": display_rate(value.rate)}


def commune_json(result: CommuneResult) -> dict[str, Any]:
    return {
        "code": result.unit.code,
        "name": result.unit.name,
        "kind": "commune",
        "special_difficulty": result.special_difficulty,
        "indicators": {indicator: indicator_json(value) for indicator, value in result.indicators.items()},
        "levels": dict(result.levels),
        "unmet": [
            {"standard": unmet.standard, "level": unmet.level, "indicator": unmet.indicator,
             "rate": display_rate(unmet.rate), "threshold": display_rate(unmet.threshold)}
            for unmet in result.unmet
        ],
    }


def grouping_json(result: GroupingResult) -> dict[str, Any]:
    return {
        "code": result.unit.code,
        "name": result.unit.name,
        "kind": result.kind,
        "communes": result.communes,
        "meeting": {standard: {str(level): count for level, count in levels.items()}
                    for standard, levels in result.meeting.items()},
        "levels": dict(result.levels),
    }


def splits_json(splits: dict[str, dict[str, IndicatorValue]]) -> dict[str, dict[str, dict[str, Any]]]:
    """The splits of one indicator (by sex, by group, by ethnicity) as plain data."""
    return {axis: {key: indicator_json(value) for key, value in values.items()}
            for axis, values in splits.items()}


def to_json(result: YearResult) -> dict[str, Any]:
    """One object: ``year``, ``rule_set`` (its id) and ``units``: the communes, then the groupings."""
    return {
        "year": result.year,
        "rule_set": result.rule_set.id,
        "units": [commune_json(commune) for commune in result.communes]
        + [grouping_json(grouping) for grouping in result.groupings],
    }
