"""Levels: the chain of levels, the requirements between standards, and the district and province shares."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.db import connection

from apps.places.models import UnitKind
from apps.universal.engine import IndicatorValue, compute_year
from apps.universal.engine.groupings import levels_by_share
from apps.universal.engine.levels import judge_commune
from apps.universal.rules import get_rule_set
from apps.universal.tests.test_engine_support import people

RULES = get_rule_set("nd20-2014")


def rates(**given: tuple[int, int]) -> dict[str, IndicatorValue]:
    """Every indicator at 100% of 100 unless given as (num, den)."""
    values = {indicator: IndicatorValue(100, 100) for indicator in RULES.indicators}
    values.update({indicator: IndicatorValue(*pair) for indicator, pair in given.items()})
    return values


EDGES = [
    pytest.param(standard.id, level.level, condition, special,
                 id=f"{standard.id}-{level.level}-{condition.indicator}-{'dbkk' if special else 'normal'}")
    for standard in RULES.standards.values() for level in standard.levels
    for condition in level.conditions for special in (False, True)
]


@pytest.mark.parametrize(("standard", "level", "condition", "special"), EDGES)
def test_every_threshold_is_met_at_its_exact_value_and_missed_one_person_below(standard, level, condition,
                                                                                special):
    threshold = condition.value(special)
    den = 1000 * threshold.denominator  # a cohort where the threshold is a whole number of persons
    at_edge = threshold.numerator * 1000
    indicator = condition.indicator
    levels, unmet, _blocked = judge_commune(RULES, rates(**{indicator: (at_edge, den)}), special)
    assert levels[standard] >= level
    assert not any(u.indicator == indicator and u.level == level for u in unmet)
    levels, unmet, _blocked = judge_commune(RULES, rates(**{indicator: (at_edge - 1, den)}), special)
    assert levels[standard] < level
    missed = [u for u in unmet if (u.standard, u.level, u.indicator) == (standard, level, indicator)]
    assert [(u.rate, u.threshold) for u in missed] == [(Fraction(at_edge - 1, den), threshold)]


def test_a_commune_missing_primary_level_1_reaches_no_lower_secondary_level_whatever_its_rates():
    levels, unmet, blocked = judge_commune(RULES, rates(primary_complete_14=(79, 100)), False)
    assert levels == {"mn5": 1, "primary": 0, "lower_secondary": 0, "literacy": 2}
    assert {(b.standard, b.level, b.requires_standard) for b in blocked} == {
        ("lower_secondary", 1, "primary")}
    assert [(u.standard, u.level, u.indicator) for u in unmet] == [("primary", 1, "primary_complete_14")]


def test_a_commune_missing_literacy_level_1_reaches_no_lower_secondary_level():
    levels, _unmet, blocked = judge_commune(RULES, rates(literacy1_15_35=(89, 100)), False)
    assert levels["literacy"] == 0 and levels["lower_secondary"] == 0 and levels["primary"] == 3
    assert [(b.requires_standard, b.requires_level) for b in blocked] == [("literacy", 1)]


def test_a_level_requires_every_lower_level_of_its_standard():
    # Level 2 and 3 conditions hold, level 1's 14-year-olds do not.
    levels, unmet, _blocked = judge_commune(RULES, rates(primary_complete_14=(69, 100)), True)
    assert levels["primary"] == 0
    assert [(u.level, u.indicator, u.threshold) for u in unmet] == [
        (1, "primary_complete_14", Fraction(7, 10))]


def test_every_unmet_condition_of_every_level_above_the_reached_one_is_listed():
    levels, unmet, _blocked = judge_commune(
        RULES, rates(primary_entry=(94, 100), primary_complete_11=(85, 100), upper_secondary_15_18=(1, 2)),
        False)
    assert levels["primary"] == 1 and levels["lower_secondary"] == 2
    assert [(u.standard, u.level, u.indicator, u.rate) for u in unmet] == [
        ("primary", 2, "primary_entry", Fraction(94, 100)),
        ("primary", 3, "primary_entry", Fraction(94, 100)),
        ("primary", 3, "primary_complete_11", Fraction(85, 100)),
        ("lower_secondary", 3, "upper_secondary_15_18", Fraction(1, 2)),
    ]


def test_special_difficulty_thresholds_apply_only_to_flagged_communes():
    given = rates(lower_secondary_15_18=(70, 100))
    assert judge_commune(RULES, given, True)[0]["lower_secondary"] == 1
    assert judge_commune(RULES, given, False)[0]["lower_secondary"] == 0


def test_a_district_share_is_compared_exactly():
    meeting = {standard: dict.fromkeys(range(1, 4), 0) for standard in RULES.standards}
    meeting["mn5"][1] = 9
    assert levels_by_share(RULES, meeting, 10, "district")["mn5"] == 1
    meeting["mn5"][1] = 899
    assert levels_by_share(RULES, meeting, 1000, "district")["mn5"] == 0
    meeting["mn5"][1] = 10
    assert levels_by_share(RULES, meeting, 10, "province")["mn5"] == 1
    meeting["mn5"][1] = 9
    assert levels_by_share(RULES, meeting, 10, "province")["mn5"] == 0


def test_literacy_level_1_of_a_province_needs_90_percent_but_level_2_all():
    meeting = {standard: dict.fromkeys(range(1, 4), 0) for standard in RULES.standards}
    meeting["literacy"] = {1: 9, 2: 9}
    assert levels_by_share(RULES, meeting, 10, "province")["literacy"] == 1
    assert levels_by_share(RULES, meeting, 10, "district")["literacy"] == 2


# ---------------------------------------------------------------------------- groupings in the database

def meeting_mn5(commune, year, n=10):
    """A commune whose 5-year-olds all attend: it meets every level (the other cohorts are empty)."""
    people(commune, year, n, age=5, enrolled_level="preschool")


def failing_mn5(commune, year):
    people(commune, year, 10, age=5)


def test_a_legacy_district_meets_when_90_percent_of_its_13_communes_do(krong_bong):
    communes = sorted(krong_bong.legacy.values(), key=lambda unit: unit.code)
    for commune in communes[:12]:
        meeting_mn5(commune, 2024)
    failing_mn5(communes[12], 2024)
    result = compute_year(2024)
    district = result.grouping(krong_bong.district)
    assert (district.kind, district.communes, district.meeting["mn5"][1]) == ("district", 13, 12)
    assert district.levels["mn5"] == 1  # 12/13 ≥ 90%
    province = result.grouping(krong_bong.legacy_province)
    assert province.kind == "province" and province.districts == 1
    assert province.districts_meeting["mn5"][1] == 1 and province.levels["mn5"] == 1
    assert province.levels["primary"] == 3  # empty cohorts meet


def test_a_commune_without_survey_records_counts_against_its_district(krong_bong):
    communes = sorted(krong_bong.legacy.values(), key=lambda unit: unit.code)
    for commune in communes[:11]:
        meeting_mn5(commune, 2024)
    result = compute_year(2024)
    district = result.grouping(krong_bong.district)
    assert (district.communes, district.communes_computed, district.meeting["mn5"][1]) == (13, 11, 11)
    assert district.levels == {"mn5": 0, "primary": 0, "lower_secondary": 0, "literacy": 0}
    assert result.grouping(krong_bong.legacy_province).levels["mn5"] == 0


def test_since_2025_the_province_aggregates_its_communes_directly(krong_bong):
    communes = sorted(krong_bong.new.values(), key=lambda unit: unit.code)
    for commune in communes[:4]:
        meeting_mn5(commune, 2026)
    people(communes[4], 2026, 10, age=5, enrolled_level="preschool")
    people(communes[4], 2026, 10, age=20, highest_grade_completed=2)  # fails literacy
    result = compute_year(2026)
    assert [grouping.kind for grouping in result.groupings] == ["province"]
    province = result.grouping(krong_bong.province)
    assert province.districts is None
    assert (province.communes, province.meeting["literacy"][1]) == (5, 4)
    assert province.levels["mn5"] == 1
    assert province.levels["literacy"] == 0  # 4/5 < 90%


def test_the_same_commune_code_is_the_legacy_commune_in_2024_and_the_2025_commune_in_2026(krong_bong):
    meeting_mn5(krong_bong.legacy["24454"], 2024)
    failing_mn5(krong_bong.new["24454"], 2026)
    before, after = compute_year(2024), compute_year(2026)
    assert [(c.unit.code, c.unit.name, c.levels["mn5"]) for c in before.communes] == [
        ("24454", "Xã Cư KTy", 1)]
    assert [(c.unit.code, c.unit.name, c.levels["mn5"]) for c in after.communes] == [
        ("24454", "Xã Dang Kang", 0)]
    assert [(g.kind, g.unit.code) for g in before.groupings] == [("district", "653"), ("province", "66")]
    assert [(g.kind, g.unit.code) for g in after.groupings] == [("province", "66")]
    assert before.groupings[1].unit.structure == "legacy" and after.groupings[0].unit.structure == "2025"


def test_a_grouping_is_left_out_when_only_some_of_its_communes_were_asked_for(krong_bong):
    for commune in krong_bong.new.values():
        meeting_mn5(commune, 2026)
    one = compute_year(2026, communes=[krong_bong.new["24454"]])
    assert [c.unit.code for c in one.communes] == ["24454"] and one.groupings == []
    whole = krong_bong.province.children.filter(kind=UnitKind.COMMUNE)
    assert [g.kind for g in compute_year(2026, communes=whole).groupings] == ["province"]


def test_the_number_of_queries_does_not_grow_with_communes_or_persons(
        krong_bong, django_assert_max_num_queries):
    for commune in krong_bong.legacy.values():
        meeting_mn5(commune, 2024, n=3)
    # Five, and on SQLite three PRAGMAs that enlarge the page cache for the count and put it back.
    with django_assert_max_num_queries(8 if connection.vendor == "sqlite" else 5):
        result = compute_year(2024)
    assert len(result.communes) == 13
