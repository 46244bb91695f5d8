"""Splits of every indicator by sex, by Kinh / ethnic minorities and by ethnic group."""

from __future__ import annotations

from apps.universal.engine import IndicatorValue, compute_year
from apps.universal.tests.test_engine_support import flag, people

YEAR = 2026


def test_each_indicator_is_split_by_sex_group_and_ethnicity(krong_bong):
    commune = krong_bong.new["24454"]
    people(commune, YEAR, 6, age=5, sex="M", ethnicity="01", enrolled_level="preschool")
    people(commune, YEAR, 2, age=5, sex="F", ethnicity="01")
    people(commune, YEAR, 3, age=5, sex="F", ethnicity="12", enrolled_level="preschool")
    people(commune, YEAR, 1, age=5, sex="M", ethnicity="20")
    people(commune, YEAR, 4, age=30, sex="F", ethnicity="08", highest_grade_completed=12)
    splits = compute_year(YEAR).communes[0].splits["mn5_attend"]
    assert splits["sex"] == {"M": IndicatorValue(6, 7), "F": IndicatorValue(3, 5)}
    assert splits["group"] == {"kinh": IndicatorValue(6, 8), "minority": IndicatorValue(3, 4)}
    assert splits["ethnicity"] == {"01": IndicatorValue(6, 8), "08": IndicatorValue(0, 0),
                                   "12": IndicatorValue(3, 3), "20": IndicatorValue(0, 1)}


def test_splits_add_up_to_the_commune_total_for_every_indicator(krong_bong):
    commune = krong_bong.new["24454"]
    for age in (5, 6, 11, 14, 16, 30, 50):
        people(commune, YEAR, 3, age=age, sex="M", ethnicity="01", highest_grade_completed=5)
        people(commune, YEAR, 2, age=age, sex="F", ethnicity="12", enrolled_level="primary")
    result = compute_year(YEAR).communes[0]
    for indicator, total in result.indicators.items():
        for axis in ("sex", "group", "ethnicity"):
            parts = result.splits[indicator][axis].values()
            assert sum(parts, IndicatorValue()) == total, (indicator, axis)


def test_splits_of_a_special_difficulty_commune_read_its_narrower_literacy_band(krong_bong):
    commune = krong_bong.new["24484"]
    flag(commune, YEAR)
    people(commune, YEAR, 2, age=20, sex="F", highest_grade_completed=9)
    people(commune, YEAR, 3, age=30, sex="F")  # outside the ĐBKK band 15–25
    result = compute_year(YEAR).communes[0]
    assert result.splits["literacy1_15_35"]["sex"]["F"] == IndicatorValue(2, 2)
    assert result.splits["literacy1_15_35"]["sex"]["M"] == IndicatorValue(0, 0)
