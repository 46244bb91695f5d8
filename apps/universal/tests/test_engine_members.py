"""``indicator_members``: the persons behind a rate add up to its numerator and denominator."""

from __future__ import annotations

import pytest

from apps.universal.engine import compute_year, indicator_members
from apps.universal.rules import RuleSetError
from apps.universal.tests.test_engine_support import flag, people

YEAR = 2026


def test_the_members_of_a_rate_are_exactly_its_numerator_and_denominator(krong_bong):
    commune, neighbour = krong_bong.new["24454"], krong_bong.new["24481"]
    counted = people(commune, YEAR, 3, age=11, enrolled_level="primary", enrolled_grade=5)
    not_counted = people(commune, YEAR, 2, age=11, highest_grade_completed=3)
    people(commune, YEAR, 4, age=11, primary_completed_year=2025)  # completed: not in this cohort
    people(commune, YEAR, 1, age=11, enrolled_level="primary", status="moved_away")
    people(commune, YEAR, 1, age=11, enrolled_level="primary", disability="cannot_learn")
    people(neighbour, YEAR, 2, age=11, enrolled_level="primary")
    value = compute_year(YEAR).commune(commune).indicators["primary_rest_11_in_school"]
    numerator = indicator_members("primary_rest_11_in_school", "numerator", YEAR, commune)
    denominator = indicator_members("primary_rest_11_in_school", "denominator", YEAR, commune)
    assert (numerator.count(), denominator.count()) == (value.num, value.den) == (3, 5)
    assert set(numerator) == set(counted)
    assert set(denominator) == set(counted) | set(not_counted)


def test_the_members_of_a_special_difficulty_commune_follow_its_age_band(krong_bong):
    commune = krong_bong.new["24484"]
    flag(commune, YEAR)
    young = people(commune, YEAR, 2, age=20)
    people(commune, YEAR, 3, age=30)
    assert set(indicator_members("literacy1_15_35", "denominator", YEAR, commune)) == set(young)
    assert indicator_members("literacy1_15_35", "denominator", YEAR, krong_bong.new["24454"]).count() == 0


def test_an_unknown_indicator_is_refused(krong_bong):
    with pytest.raises(RuleSetError, match="no indicator"):
        indicator_members("mn4_attend", "numerator", YEAR, krong_bong.new["24454"])
