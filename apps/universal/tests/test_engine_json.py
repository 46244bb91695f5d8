"""``to_json``: the shape of pcgd-xmc.md's output, rates rounded for display only."""

from __future__ import annotations

import json

from apps.universal.engine import CommuneResult, IndicatorValue, compute_year, to_json
from apps.universal.engine.levels import judge_commune
from apps.universal.engine.output import commune_json
from apps.universal.rules import get_rule_set
from apps.universal.tests.test_engine_support import people

RULES = get_rule_set("nd20-2014")


def test_the_json_has_the_year_the_rule_set_and_communes_then_groupings(krong_bong):
    commune = krong_bong.new["24454"]
    people(commune, 2026, 57, age=5, enrolled_level="preschool")
    people(commune, 2026, 3, age=5)
    people(commune, 2026, 29, age=6, enrolled_level="primary", enrolled_grade=1, preschool_completed=True)
    people(commune, 2026, 1, age=6, preschool_completed=True)
    data = to_json(compute_year(2026))
    json.dumps(data)  # plain data all the way down
    assert list(data) == ["year", "rule_set", "units"]
    assert (data["year"], data["rule_set"]) == (2026, "nd20-2014")
    entry, province = data["units"]
    assert list(entry) == ["code", "name", "kind", "special_difficulty", "indicators", "levels", "unmet"]
    assert (entry["code"], entry["name"], entry["kind"], entry["special_difficulty"]) == (
        "24454", "Xã Dang Kang", "commune", False)
    assert entry["indicators"]["mn5_attend"] == {"num": 57, "den": 60, "rate": 0.95}
    assert entry["indicators"]["mn5_complete"] == {"num": 30, "den": 30, "rate": 1.0}
    assert entry["indicators"]["primary_complete_14"] == {"num": 0, "den": 0, "rate": None}
    assert list(entry["indicators"]) == list(RULES.indicators)
    assert entry["levels"] == {"mn5": 1, "primary": 2, "lower_secondary": 3, "literacy": 2}
    assert entry["unmet"] == [{"standard": "primary", "level": 3, "indicator": "primary_entry",
                               "rate": 0.9667, "threshold": 0.98}]
    assert list(province) == ["code", "name", "kind", "communes", "meeting", "levels"]
    assert (province["code"], province["kind"], province["communes"]) == ("66", "province", 5)
    assert province["meeting"]["primary"] == {"1": 1, "2": 1, "3": 0}
    assert province["levels"] == {"mn5": 0, "primary": 0, "lower_secondary": 0, "literacy": 0}


def test_a_rate_that_displays_as_the_threshold_still_fails_it(krong_bong):
    indicators = {indicator: IndicatorValue(1, 1) for indicator in RULES.indicators}
    indicators["mn5_attend"] = IndicatorValue(18999, 20000)  # 0.94995: displayed 0.95
    levels, unmet, blocked = judge_commune(RULES, indicators, False)
    result = CommuneResult(krong_bong.new["24454"], False, indicators, levels, unmet, {}, blocked)
    entry = commune_json(result)
    assert entry["levels"]["mn5"] == 0
    assert entry["indicators"]["mn5_attend"]["rate"] == 0.95
    assert entry["unmet"] == [{"standard": "mn5", "level": 1, "indicator": "mn5_attend", "rate": 0.95,
                               "threshold": 0.95}]


def test_a_year_without_survey_records_has_no_units(krong_bong):
    assert to_json(compute_year(2026)) == {"year": 2026, "rule_set": "nd20-2014", "units": []}
