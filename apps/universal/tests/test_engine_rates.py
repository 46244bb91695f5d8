"""The engine's rates: cohorts, counting conditions, exclusions and thresholds at their exact edges."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from apps.people.models import Person
from apps.universal.engine import compute_year
from apps.universal.tests.test_engine_support import cohort, flag, people

YEAR = 2026
ENTERED = {"enrolled_level": "primary", "enrolled_grade": 1}


def commune_result(krong_bong, code="24454", year=YEAR):
    result = compute_year(year)
    return next(commune for commune in result.communes if commune.unit.code == code)


def test_899_of_1000_six_year_olds_in_grade_1_fails_90_percent(krong_bong):
    cohort(krong_bong.new["24454"], YEAR, age=6, num=899, den=1000, counted=ENTERED)
    result = commune_result(krong_bong)
    assert result.indicators["primary_entry"].rate == Fraction(899, 1000)
    assert result.levels["primary"] == 0
    assert next((u.level, u.indicator, u.threshold) for u in result.unmet if u.standard == "primary") == (
        1, "primary_entry", Fraction(9, 10))


def test_900_of_1000_six_year_olds_in_grade_1_meets_90_percent(krong_bong):
    cohort(krong_bong.new["24454"], YEAR, age=6, num=900, den=1000, counted=ENTERED)
    result = commune_result(krong_bong)
    assert result.levels["primary"] == 1
    unmet = [(u.level, u.indicator, u.rate, u.threshold) for u in result.unmet if u.standard == "primary"]
    assert unmet == [(2, "primary_entry", Fraction(9, 10), Fraction(95, 100)),
                     (3, "primary_entry", Fraction(9, 10), Fraction(98, 100))]


def test_attendance_of_5_year_olds_is_95_percent_normally_and_90_in_special_difficulty(krong_bong):
    normal, special = krong_bong.new["24454"], krong_bong.new["24484"]
    flag(special, YEAR)
    for commune in (normal, special):
        cohort(commune, YEAR, age=5, num=90, den=100, counted={"enrolled_level": "preschool"})
    result = compute_year(YEAR)
    by_code = {commune.unit.code: commune for commune in result.communes}
    assert by_code["24454"].special_difficulty is False and by_code["24454"].levels["mn5"] == 0
    assert by_code["24484"].special_difficulty is True and by_code["24484"].levels["mn5"] == 1


def test_completing_preschool_is_counted_among_6_year_olds_at_85_or_80_percent(krong_bong):
    normal, special = krong_bong.new["24454"], krong_bong.new["24484"]
    flag(special, YEAR)
    flag(normal, YEAR, special_difficulty=False)
    for commune in (normal, special):
        cohort(commune, YEAR, age=6, num=80, den=100, counted={"preschool_completed": True, **ENTERED},
               uncounted=ENTERED)
    by_code = {commune.unit.code: commune for commune in compute_year(YEAR).communes}
    assert by_code["24454"].indicators["mn5_complete"] == by_code["24484"].indicators["mn5_complete"]
    assert by_code["24454"].levels["mn5"] == 0
    assert by_code["24484"].levels["mn5"] == 1


def test_a_commune_without_a_flag_for_the_year_is_not_special_difficulty(krong_bong):
    commune = krong_bong.new["24484"]
    flag(commune, YEAR - 1)
    cohort(commune, YEAR, age=5, num=90, den=100, counted={"enrolled_level": "preschool"})
    result = commune_result(krong_bong, "24484")
    assert result.special_difficulty is False
    assert result.levels["mn5"] == 0


def test_literacy_level_1_counts_15_to_35_normally_and_15_to_25_in_special_difficulty(krong_bong):
    normal, special = krong_bong.new["24454"], krong_bong.new["24484"]
    flag(special, YEAR)
    for commune in (normal, special):
        people(commune, YEAR, 9, age=25, highest_grade_completed=9)
        people(commune, YEAR, 1, age=15, highest_grade_completed=2)
        people(commune, YEAR, 5, age=26, highest_grade_completed=0)
        people(commune, YEAR, 5, age=35)
        people(commune, YEAR, 7, age=36)  # outside both bands
        people(commune, YEAR, 7, age=14)
    by_code = {commune.unit.code: commune for commune in compute_year(YEAR).communes}
    assert by_code["24454"].indicators["literacy1_15_35"].rate == Fraction(9, 20)
    assert by_code["24454"].levels["literacy"] == 0
    assert by_code["24484"].indicators["literacy1_15_35"].rate == Fraction(9, 10)
    assert by_code["24484"].indicators["literacy2_15_60"].rate == Fraction(9, 20)  # read on 15–35
    assert by_code["24484"].levels["literacy"] == 1


def test_literacy_level_2_counts_15_to_60_normally_and_15_to_35_in_special_difficulty(krong_bong):
    normal, special = krong_bong.new["24454"], krong_bong.new["24484"]
    flag(special, YEAR)
    for commune in (normal, special):
        people(commune, YEAR, 18, age=20, primary_completed_year=2017)
        people(commune, YEAR, 2, age=35, literacy_stage_completed=2)
        people(commune, YEAR, 20, age=50, highest_grade_completed=4)  # level 1 only
        people(commune, YEAR, 3, age=61, highest_grade_completed=0)
    by_code = {commune.unit.code: commune for commune in compute_year(YEAR).communes}
    assert by_code["24454"].indicators["literacy2_15_60"].rate == Fraction(20, 40)
    assert by_code["24454"].levels["literacy"] == 1
    assert by_code["24484"].indicators["literacy2_15_60"].rate == Fraction(20, 20)
    assert by_code["24484"].indicators["literacy1_15_35"].rate == Fraction(18, 18)
    assert by_code["24484"].levels["literacy"] == 2


def test_literacy_is_derived_from_grades_completions_and_stages(krong_bong):
    commune = krong_bong.new["24454"]
    people(commune, YEAR, 1, age=30, highest_grade_completed=2)  # neither level
    people(commune, YEAR, 1, age=30, highest_grade_completed=3)  # level 1
    people(commune, YEAR, 1, age=30, literacy_stage_completed=1)  # level 1
    people(commune, YEAR, 1, age=30, literacy_stage_completed=2)  # level 2
    people(commune, YEAR, 1, age=30, highest_grade_completed=5)  # completed primary: level 2
    people(commune, YEAR, 1, age=30, primary_completed_year=2006)  # level 2
    people(commune, YEAR, 1, age=30, lower_secondary_graduated_year=2010)  # no grade recorded: neither
    result = commune_result(krong_bong)
    assert (result.indicators["literacy1_15_35"].num, result.indicators["literacy1_15_35"].den) == (5, 7)
    assert (result.indicators["literacy2_15_60"].num, result.indicators["literacy2_15_60"].den) == (3, 7)


def test_people_who_left_died_or_cannot_learn_are_not_counted_but_those_who_can_learn_are(krong_bong):
    commune = krong_bong.new["24454"]
    people(commune, YEAR, 95, age=5, enrolled_level="preschool")
    people(commune, YEAR, 5, age=5, status="moved_away")
    people(commune, YEAR, 3, age=5, status="deceased")
    people(commune, YEAR, 4, age=5, disability="cannot_learn")
    people(commune, YEAR, 4, age=5, disability="cannot_learn", enrolled_level="preschool")
    people(commune, YEAR, 5, age=5, disability="can_learn")
    result = commune_result(krong_bong)
    assert (result.indicators["mn5_attend"].num, result.indicators["mn5_attend"].den) == (95, 100)
    assert result.indicators["mn5_attend"].rate == Fraction(95, 100)


def test_age_is_the_survey_year_minus_the_birth_year_whatever_the_birth_date(krong_bong):
    commune = krong_bong.new["24454"]
    born_late = people(commune, YEAR, 1, age=6, **ENTERED)[0]
    Person.objects.filter(pk=born_late.pk).update(birth_date=dt.date(YEAR - 6, 12, 31))
    people(commune, YEAR, 1, birth_year=YEAR - 6)  # only the year is known
    people(commune, YEAR, 1, birth_year=YEAR - 7, **ENTERED)  # a 7-year-old is not in the cohort
    result = commune_result(krong_bong)
    assert (result.indicators["primary_entry"].num, result.indicators["primary_entry"].den) == (1, 2)


def test_an_empty_cohort_meets_its_condition_and_has_no_rate(krong_bong):
    people(krong_bong.new["24454"], YEAR, 3, age=70)
    result = commune_result(krong_bong)
    assert all(value.den == 0 and value.rate is None for value in result.indicators.values())
    assert result.levels == {"mn5": 1, "primary": 3, "lower_secondary": 3, "literacy": 2}
    assert result.unmet == []


def test_entering_grade_1_counts_any_school_from_primary_up_or_completed_primary(krong_bong):
    commune = krong_bong.new["24454"]
    people(commune, YEAR, 1, age=6, enrolled_level="primary", enrolled_grade=1)
    people(commune, YEAR, 1, age=6, enrolled_level="lower_secondary", enrolled_grade=6)
    people(commune, YEAR, 1, age=6, primary_completed_year=2026)
    people(commune, YEAR, 1, age=6, highest_grade_completed=5)
    people(commune, YEAR, 1, age=6, enrolled_level="preschool")
    people(commune, YEAR, 1, age=6, enrolled_level="other")
    result = commune_result(krong_bong)
    assert (result.indicators["primary_entry"].num, result.indicators["primary_entry"].den) == (4, 6)


def test_every_other_11_year_old_must_still_be_in_a_primary_class(krong_bong):
    commune = krong_bong.new["24454"]
    people(commune, YEAR, 18, age=11, primary_completed_year=2025, enrolled_level="lower_secondary")
    people(commune, YEAR, 2, age=11, enrolled_level="primary", enrolled_grade=5)
    people(commune, YEAR, 10, age=6, **ENTERED)
    result = commune_result(krong_bong)
    rest = result.indicators["primary_rest_11_in_school"]
    assert (rest.num, rest.den) == (2, 2)
    assert result.indicators["primary_complete_11"].rate == Fraction(18, 20)
    assert result.levels["primary"] == 3
    people(commune, YEAR, 1, age=11, highest_grade_completed=4)  # left school without primary
    result = commune_result(krong_bong)
    assert result.indicators["primary_rest_11_in_school"].rate == Fraction(2, 3)
    assert result.levels["primary"] == 1
    assert {(u.level, u.indicator) for u in result.unmet if u.standard == "primary"} == {
        (2, "primary_rest_11_in_school"), (3, "primary_rest_11_in_school"), (3, "primary_complete_11")}


def test_primary_completed_by_14_year_olds_is_80_percent_normally_and_70_in_special_difficulty(krong_bong):
    normal, special = krong_bong.new["24454"], krong_bong.new["24484"]
    flag(special, YEAR)
    for commune in (normal, special):
        cohort(commune, YEAR, age=14, num=7, den=10, counted={"highest_grade_completed": 8},
               uncounted={"highest_grade_completed": 4})
    by_code = {commune.unit.code: commune for commune in compute_year(YEAR).communes}
    assert by_code["24454"].levels["primary"] == 0
    assert by_code["24484"].levels["primary"] == 3


def test_youths_15_to_18_studying_upper_secondary_continuing_or_vocational_count(krong_bong):
    commune = krong_bong.new["24454"]
    graduated = {"lower_secondary_graduated_year": 2024, "highest_grade_completed": 9}
    people(commune, YEAR, 1, age=16, enrolled_level="upper_secondary", **graduated)
    people(commune, YEAR, 1, age=17, enrolled_level="continuing_upper", **graduated)
    people(commune, YEAR, 1, age=18, enrolled_level="vocational", **graduated)
    people(commune, YEAR, 1, age=15, enrolled_level="other", **graduated)
    people(commune, YEAR, 1, age=19, enrolled_level="upper_secondary", **graduated)  # too old
    result = commune_result(krong_bong)
    upper = result.indicators["upper_secondary_15_18"]
    assert (upper.num, upper.den) == (3, 4)
    assert result.indicators["lower_secondary_15_18"].rate == 1
    assert result.levels["lower_secondary"] == 2  # 75% < 80% for level 3
