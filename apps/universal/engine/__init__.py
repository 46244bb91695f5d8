"""The PCGD–XMC engine: rates, levels and groupings of a survey year, set-wise in SQL.

Public entry points::

    compute_year(year, *, communes=None, rule_set=None) -> YearResult
    cached_year(year, *, communes=None) -> YearResult   # the same, read from the metrics cache
    to_json(result) -> dict
    indicator_members(indicator, part, year, commune, *, rule_set=None) -> QuerySet[Person]
    group(rule_set, unit, kind, member_ids, results_by_id) -> GroupingResult   # any grouping

The rules come from a versioned rule set (``apps.universal.rules``); see
docs/pcgd.md for the rule set, the operational choices and the ambiguities.
"""

from apps.universal.engine.cached import cached_year
from apps.universal.engine.compute import compute_year, special_difficulty_flags
from apps.universal.engine.groupings import group
from apps.universal.engine.members import indicator_members
from apps.universal.engine.output import display_rate, splits_json, to_json
from apps.universal.engine.results import (
    Blocked,
    CommuneResult,
    GroupingResult,
    IndicatorValue,
    Unmet,
    YearResult,
)

__all__ = [
    "Blocked",
    "CommuneResult",
    "GroupingResult",
    "IndicatorValue",
    "Unmet",
    "YearResult",
    "cached_year",
    "compute_year",
    "display_rate",
    "group",
    "indicator_members",
    "special_difficulty_flags",
    "splits_json",
    "to_json",
]
