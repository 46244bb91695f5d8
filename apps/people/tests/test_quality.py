"""Data-quality rules: each flags what it should, and leaves a normal record alone."""

import pytest
from django.urls import reverse

from apps.people import quality, testing
from apps.people.models import SurveyRecord

YEAR = 2026


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def home(dang_kang):
    return testing.household(dang_kang, "H001")


@pytest.fixture
def normal(home):
    """A household that breaks no rule: a head, a pupil in the usual grade, a preschooler."""
    testing.person(home, "01", birth_year=1985, year=YEAR, relation="head", full_name="Nguyễn Văn Ba",
                   primary_completed_year=1996, lower_secondary_graduated_year=2000,
                   highest_grade_completed=9)
    testing.person(home, "02", birth_year=2016, year=YEAR, relation="child", full_name="Nguyễn Văn Bốn",
                   enrolled_level="primary", enrolled_grade=5, highest_grade_completed=4)
    testing.person(home, "03", birth_year=2021, year=YEAR, relation="child", full_name="Nguyễn Thị Năm",
                   enrolled_level="preschool")
    return home


def _flagged(commune, rule_id, year=YEAR):
    [result] = quality.check(commune, year, rules=[rule_id])
    return {(finding.household_code, finding.person_code) for finding in result.findings}


def test_a_normal_household_breaks_no_rule(dang_kang, normal):
    results = quality.check(dang_kang, YEAR)
    assert len(results) == len(quality.RULES) >= 10
    assert {result.rule.id: result.count for result in results if result.count} == {}


def test_grade_far_from_the_age_is_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=2010, year=YEAR, relation="child", full_name="A",
                   enrolled_level="primary", enrolled_grade=2)  # 16 in grade 2: usual grade 11
    testing.person(normal, "05", birth_year=2013, year=YEAR, relation="child", full_name="B",
                   enrolled_level="primary", enrolled_grade=5)  # 13 in grade 5: three years late, allowed
    assert _flagged(dang_kang, "age_grade") == {("H001", "04")}
    [result] = quality.check(dang_kang, YEAR, rules=["age_grade"])
    assert "16" in result.findings[0].english and "11" in result.findings[0].english
    assert result.findings[0].vietnamese


def test_level_unusual_for_the_age_is_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=2000, year=YEAR, relation="child", full_name="A",
                   enrolled_level="lower_secondary", enrolled_grade=9)  # 26 in THCS
    assert _flagged(dang_kang, "level_age") == {("H001", "04")}


def test_grade_contradicting_the_level_is_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=2014, year=YEAR, relation="child", full_name="A",
                   enrolled_level="primary", enrolled_grade=7)
    testing.person(normal, "06", birth_year=2014, year=YEAR, relation="child", full_name="C",
                   enrolled_level="", enrolled_grade=6)
    assert _flagged(dang_kang, "grade_level") == {("H001", "04"), ("H001", "06")}


def test_early_completions_are_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=2010, year=YEAR, relation="child", full_name="A",
                   primary_completed_year=2018)  # primary at 8
    testing.person(normal, "05", birth_year=2008, year=YEAR, relation="child", full_name="B",
                   primary_completed_year=2019, lower_secondary_graduated_year=2020)  # THCS at 12
    assert _flagged(dang_kang, "early_completion") == {("H001", "04"), ("H001", "05")}


def test_completion_year_before_birth_or_after_the_survey_is_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=2010, year=YEAR, relation="child", full_name="A",
                   primary_completed_year=2009)
    testing.person(normal, "05", birth_year=2005, year=YEAR, relation="child", full_name="B",
                   lower_secondary_graduated_year=YEAR + 1)
    assert _flagged(dang_kang, "completion_years") == {("H001", "04"), ("H001", "05")}


def test_completion_contradicting_the_highest_grade_is_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=1990, year=YEAR, relation="child", full_name="A",
                   primary_completed_year=2001, highest_grade_completed=2)
    assert _flagged(dang_kang, "completion_vs_highest") == {("H001", "04")}


def test_literacy_stage_of_a_primary_completer_is_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=1990, year=YEAR, relation="child", full_name="A",
                   highest_grade_completed=5, literacy_stage_completed=2)
    testing.person(normal, "05", birth_year=1990, year=YEAR, relation="child", full_name="B",
                   highest_grade_completed=2, literacy_stage_completed=1)  # the stage matters here
    assert _flagged(dang_kang, "literacy_redundant") == {("H001", "04")}


def test_household_without_exactly_one_present_head_is_flagged(dang_kang, normal):
    two_heads = testing.household(dang_kang, "H002")
    testing.person(two_heads, "01", birth_year=1970, year=YEAR, relation="head", full_name="A")
    testing.person(two_heads, "02", birth_year=1972, year=YEAR, relation="head", full_name="B")
    headless = testing.household(dang_kang, "H003")
    testing.person(headless, "01", birth_year=1970, year=YEAR, relation="head", full_name="C",
                   status="deceased")
    testing.person(headless, "02", birth_year=1999, year=YEAR, relation="child", full_name="D")
    empty = testing.household(dang_kang, "H004")
    testing.person(empty, "01", birth_year=1970, relation="head", full_name="E")  # no record this year
    assert _flagged(dang_kang, "household_head") == {("H002", ""), ("H003", "")}


def test_probable_duplicates_are_flagged_in_pairs(dang_kang, normal):
    other = testing.household(dang_kang, "H002")
    testing.person(other, "01", birth_year=2016, year=YEAR, relation="head", full_name="nguyễn  văn bốn")
    namesake = testing.household(dang_kang, "H003")
    testing.person(namesake, "01", birth_year=1960, year=YEAR, relation="head", full_name="Nguyễn Văn Bốn")
    assert _flagged(dang_kang, "duplicates") == {("H001", "02"), ("H002", "01")}


def test_different_birth_dates_are_not_duplicates(dang_kang, normal):
    import datetime as dt

    from apps.people.models import Person

    other = testing.household(dang_kang, "H002")
    testing.person(other, "01", birth_year=2016, year=YEAR, relation="head", full_name="Nguyễn Văn Bốn")
    Person.objects.filter(household__code="H002").update(birth_date=dt.date(2016, 3, 1))
    Person.objects.filter(household__code="H001", code="02").update(birth_date=dt.date(2016, 8, 9))
    assert _flagged(dang_kang, "duplicates") == set()


def test_child_under_three_enrolled_is_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=YEAR - 2, year=YEAR, relation="child", full_name="A",
                   enrolled_level="preschool")
    assert _flagged(dang_kang, "under_three_enrolled") == {("H001", "04")}


def test_preschool_completer_or_child_over_eight_still_in_preschool_is_flagged(dang_kang, normal):
    testing.person(normal, "04", birth_year=YEAR - 6, year=YEAR, relation="child", full_name="A",
                   enrolled_level="preschool", preschool_completed=True)
    testing.person(normal, "05", birth_year=YEAR - 9, year=YEAR, relation="child", full_name="B",
                   enrolled_level="preschool")
    assert _flagged(dang_kang, "preschool_overage") == {("H001", "04"), ("H001", "05")}


def test_present_person_over_110_is_flagged_but_not_the_dead(dang_kang, normal):
    testing.person(normal, "04", birth_year=1900, year=YEAR, relation="father", full_name="A")
    testing.person(normal, "05", birth_year=1901, year=YEAR, relation="mother", full_name="B",
                   status="deceased")
    assert _flagged(dang_kang, "too_old") == {("H001", "04")}


def test_member_present_last_year_without_a_record_this_year_is_flagged(dang_kang, normal):
    gone = testing.person(normal, "04", birth_year=1990, year=YEAR - 1, relation="child", full_name="A")
    testing.person(normal, "05", birth_year=1990, year=YEAR - 1, relation="child", full_name="B",
                   status="moved_away")
    assert _flagged(dang_kang, "missing_record") == {("H001", "04")}
    SurveyRecord.objects.create(person=gone, year=YEAR, commune=dang_kang)
    assert _flagged(dang_kang, "missing_record") == set()


def test_rules_read_only_the_commune_and_year_asked(dang_kang, krong_bong, normal):
    hoa_son = testing.household(krong_bong.new["24481"], "H900")
    testing.person(hoa_son, "01", birth_year=1900, year=YEAR, relation="head", full_name="A")
    testing.person(normal, "09", birth_year=1900, year=YEAR - 1, relation="other", full_name="B")
    assert _flagged(dang_kang, "too_old") == set()


def test_findings_are_limited_but_counted(dang_kang, home):
    for number in range(5):
        testing.person(home, f"{number:02d}", birth_year=1900, year=YEAR, relation="other",
                       full_name=f"Cụ {number}")
    [result] = quality.check(dang_kang, YEAR, rules=["too_old"], limit=2)
    assert result.count == 5 and len(result.findings) == 2 and result.truncated


def test_the_check_runs_a_bounded_number_of_queries(dang_kang, normal, django_assert_max_num_queries):
    with django_assert_max_num_queries(2 * len(quality.RULES)):
        quality.check(dang_kang, YEAR)


# --- the page ------------------------------------------------------------------------------------

def test_quality_page_lists_findings_grouped_by_rule_with_links(client, commune_officer, dang_kang, normal):
    old = testing.person(normal, "04", birth_year=1900, year=YEAR, relation="father", full_name="Cụ Già")
    client.force_login(commune_officer)
    page = client.get(reverse("people:quality_report"), {"commune": dang_kang.pk, "year": YEAR})
    assert page.status_code == 200
    assert 'data-testid="rule-too_old"' in page.text
    assert reverse("people:person_detail", args=[old.pk]) in page.text
    assert "Cụ Già" in page.text


def test_viewer_sees_codes_not_names_on_the_quality_page(client, district_viewer, dang_kang, normal):
    testing.person(normal, "04", birth_year=1900, year=YEAR, relation="father", full_name="Cụ Già")
    client.force_login(district_viewer)
    page = client.get(reverse("people:quality_report"), {"commune": dang_kang.pk, "year": YEAR})
    assert page.status_code == 200
    assert "Cụ Già" not in page.text and ">04<" in page.text


def test_neighbour_is_refused_the_quality_page(client, neighbour_officer, dang_kang, normal):
    client.force_login(neighbour_officer)
    page = client.get(reverse("people:quality_report"), {"commune": dang_kang.pk, "year": YEAR})
    assert page.status_code == 403


def test_anonymous_is_sent_to_login_from_the_quality_page(client, dang_kang):
    page = client.get(reverse("people:quality_report"), {"commune": dang_kang.pk})
    assert page.status_code == 302 and reverse("accounts:login") in page["Location"]


def test_a_missing_birth_date_still_matches_a_known_one(dang_kang, normal):
    import datetime as dt

    from apps.people.models import Person

    other = testing.household(dang_kang, "H002")
    testing.person(other, "01", birth_year=2016, year=YEAR, relation="head", full_name="Nguyễn Văn Bốn")
    Person.objects.filter(household__code="H002").update(birth_date=dt.date(2016, 3, 1))
    assert _flagged(dang_kang, "duplicates") == {("H001", "02"), ("H002", "01")}
