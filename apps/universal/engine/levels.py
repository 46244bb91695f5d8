"""Levels of each standard from rates (communes) or shares (districts, provinces).

A level requires its own conditions, every lower level of the same standard and
the levels of other standards it names — lower-secondary level 1 requires
primary level 1 and literacy level 1 (NĐ 20 Điều 14; pcgd-xmc.md) — all for the
same year. Levels are evaluated in the rule set's ``evaluation_order`` so that a
required standard is known before the one requiring it.
"""

from __future__ import annotations

from collections.abc import Callable

from apps.universal.engine.results import Blocked, IndicatorValue, Unmet
from apps.universal.rules import Level, RuleSet, Standard


def highest_levels(rule_set: RuleSet, own_conditions_met: Callable[[Standard, Level], bool]
                   ) -> dict[str, int]:
    """standard → the highest level reached (0: none), in the rule set's order of standards."""
    reached: dict[str, int] = {}
    for standard_id in rule_set.evaluation_order:
        standard = rule_set.standards[standard_id]
        level_reached = 0
        for level in standard.levels:
            if not own_conditions_met(standard, level):
                break
            if any(reached[requirement.standard] < requirement.level for requirement in level.requires):
                break
            level_reached = level.level
        reached[standard_id] = level_reached
    return {standard_id: reached[standard_id] for standard_id in rule_set.standards}


def judge_commune(rule_set: RuleSet, indicators: dict[str, IndicatorValue], special_difficulty: bool
                  ) -> tuple[dict[str, int], list[Unmet], list[Blocked]]:
    """Levels reached, every unmet condition of every level above them, and the missing requirements."""

    def met(standard: Standard, level: Level) -> bool:
        return all(indicators[condition.indicator].meets(condition.value(special_difficulty))
                   for condition in level.conditions)

    levels = highest_levels(rule_set, met)
    unmet: list[Unmet] = []
    blocked: list[Blocked] = []
    for standard in rule_set.standards.values():
        for level in standard.levels[levels[standard.id]:]:
            for condition in level.conditions:
                value = indicators[condition.indicator]
                threshold = condition.value(special_difficulty)
                if not value.meets(threshold):
                    unmet.append(Unmet(standard.id, level.level, condition.indicator, value.rate, threshold))
            blocked.extend(
                Blocked(standard.id, level.level, requirement.standard, requirement.level)
                for requirement in level.requires if levels[requirement.standard] < requirement.level
            )
    return levels, unmet, blocked
