"""Automatic scores of "Gia đình học tập" 1a and 2a on hand-made households, and the command's JSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.people import testing as people
from apps.people.models import Household
from apps.recognition.autoscore import cdht_thon_gdht_share, gdht_1a, gdht_2a, households_report
from apps.recognition.tests.conftest import YEAR


def _home(commune, code: str):
    home = people.household(commune, code)
    people.person(home, "01", birth_year=YEAR - 35, year=YEAR, highest_grade_completed=12)  # a literate head
    return home


def _outcome(rule, home):
    return rule(YEAR, [home.pk], {})[home.pk]


def test_a_ten_year_old_out_of_school_fails_1a(dang_kang):
    home = _home(dang_kang, "H1")
    people.person(home, "02", birth_year=YEAR - 10, year=YEAR, highest_grade_completed=3)
    outcome = _outcome(gdht_1a, home)
    assert outcome.met is False
    child = next(m for m in outcome.evidence["members"] if m["person_code"] == "02")
    assert (child["age"], child["enrolled_level"], child["counted"], child["ok"]) == (10, "", True, False)


def test_a_sixteen_year_old_with_the_diploma_meets_1a_without_school(dang_kang):
    home = _home(dang_kang, "H2")
    people.person(
        home,
        "02",
        birth_year=YEAR - 16,
        year=YEAR,
        lower_secondary_graduated_year=YEAR - 1,
        highest_grade_completed=9,
    )
    outcome = _outcome(gdht_1a, home)
    assert outcome.met is True
    assert outcome.evidence["members"][0]["lower_secondary_diploma"] is True


def test_a_sixteen_year_old_without_diploma_nor_school_fails_1a(dang_kang):
    home = _home(dang_kang, "H2b")
    people.person(home, "02", birth_year=YEAR - 16, year=YEAR, highest_grade_completed=8)
    assert _outcome(gdht_1a, home).met is False


def test_a_disabled_child_who_cannot_learn_is_left_out(dang_kang):
    home = _home(dang_kang, "H3")
    people.person(home, "02", birth_year=YEAR - 9, year=YEAR, disability="cannot_learn")
    outcome = _outcome(gdht_1a, home)
    assert outcome.met is True
    assert outcome.evidence["members"][0] | {"person_id": 0} == {
        "person_id": 0,
        "person_code": "02",
        "age": 9,
        "status": "present",
        "disability": "cannot_learn",
        "counted": False,
        "reason": "cannot_learn",
        "ok": None,
    }


def test_a_forty_year_old_who_cannot_read_fails_2a(dang_kang):
    home = _home(dang_kang, "H4")
    people.person(home, "02", birth_year=YEAR - 40, year=YEAR, highest_grade_completed=0)
    outcome = _outcome(gdht_2a, home)
    assert outcome.met is False
    adult = next(m for m in outcome.evidence["members"] if m["person_code"] == "02")
    assert (adult["literate_level1"], adult["ok"]) == (False, False)


def test_a_forty_year_old_after_literacy_stage_one_meets_2a(dang_kang):
    home = _home(dang_kang, "H4b")
    people.person(
        home, "02", birth_year=YEAR - 40, year=YEAR, highest_grade_completed=0, literacy_stage_completed=1
    )
    assert _outcome(gdht_2a, home).met is True


def test_a_sixty_five_year_old_who_cannot_read_is_outside_2a(dang_kang):
    home = _home(dang_kang, "H5")
    people.person(home, "02", birth_year=YEAR - 65, year=YEAR, highest_grade_completed=0)
    outcome = _outcome(gdht_2a, home)
    assert outcome.met is True
    assert [m["person_code"] for m in outcome.evidence["members"]] == ["01"]


def test_someone_who_moved_away_does_not_count(dang_kang):
    home = _home(dang_kang, "H6")
    people.person(home, "02", birth_year=YEAR - 12, year=YEAR, status="moved_away")
    people.person(home, "03", birth_year=YEAR - 30, year=YEAR, status="moved_away", highest_grade_completed=0)
    assert _outcome(gdht_1a, home).met is True
    outcome = _outcome(gdht_2a, home)
    assert outcome.met is True
    moved = next(m for m in outcome.evidence["members"] if m["person_code"] == "03")
    assert (moved["counted"], moved["reason"]) == (False, "moved_away")


def test_a_household_with_nobody_in_the_band_meets_the_criterion_with_empty_evidence(dang_kang):
    home = people.household(dang_kang, "H7")
    people.person(home, "01", birth_year=YEAR - 70, year=YEAR)
    assert _outcome(gdht_1a, home).met is True
    assert _outcome(gdht_1a, home).evidence == {"members": []}


def test_ages_count_by_birth_year_at_the_band_edges(dang_kang):
    home = _home(dang_kang, "H8")
    people.person(home, "02", birth_year=YEAR - 5, year=YEAR)  # 5: in the band, not enrolled
    people.person(home, "03", birth_year=YEAR - 4, year=YEAR)  # 4: outside
    people.person(home, "04", birth_year=YEAR - 61, year=YEAR, highest_grade_completed=0)  # 61: outside 2a
    people.person(home, "05", birth_year=YEAR - 19, year=YEAR, highest_grade_completed=2)  # 19: in 2a
    assert [m["person_code"] for m in _outcome(gdht_1a, home).evidence["members"]] == ["02"]
    assert _outcome(gdht_2a, home).met is False


def test_the_report_takes_a_fixed_number_of_queries(dang_kang):
    for number in range(12):
        home = _home(dang_kang, f"Q{number:02}")
        people.person(home, "02", birth_year=YEAR - 10, year=YEAR, enrolled_level="primary", enrolled_grade=4)
    with CaptureQueriesContext(connection) as queries:
        report = households_report(YEAR, Household.objects.all())
    assert len(report["households"]) == 12
    assert len(queries) <= 3


def test_the_command_prints_the_json_of_the_issue(dang_kang, krong_bong):
    home = _home(dang_kang, "H1")
    people.person(home, "02", birth_year=YEAR - 10, year=YEAR)
    _home(krong_bong.new["24481"], "X1")
    out = StringIO()
    call_command(
        "recognition",
        "autoscore",
        "--title",
        "gdht",
        "--year",
        str(YEAR),
        "--format",
        "json",
        "--unit",
        "24454",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert set(data) == {"year", "title", "households"}
    assert (data["year"], data["title"]) == (YEAR, "gdht")
    assert [(h["commune_code"], h["household_code"]) for h in data["households"]] == [("24454", "H1")]
    criteria = data["households"][0]["criteria"]
    assert set(criteria) == {"1a", "2a"}
    assert criteria["1a"]["met"] is False and criteria["2a"]["met"] is True
    assert set(criteria["1a"]) == {"met", "members"}


def test_the_command_under_a_province_covers_its_communes(dang_kang, krong_bong):
    _home(dang_kang, "H1")
    _home(krong_bong.new["24481"], "X1")
    out = StringIO()
    call_command(
        "recognition", "autoscore", "--title", "gdht", "--year", str(YEAR), "--unit", "66", stdout=out
    )
    assert len(json.loads(out.getvalue())["households"]) == 2


def test_the_command_for_a_user_shows_only_their_scope(dang_kang, krong_bong, neighbour_officer):
    _home(dang_kang, "H1")
    _home(krong_bong.new["24481"], "X1")
    out = StringIO()
    call_command(
        "recognition", "autoscore", "--title", "gdht", "--year", str(YEAR), "--user", "hoason", stdout=out
    )
    assert [h["household_code"] for h in json.loads(out.getvalue())["households"]] == ["X1"]


@pytest.mark.parametrize(("min_share", "expected"), [("0.5", True), ("0.51", False), (None, None)])
def test_the_village_share_of_learning_families(dang_kang, village, min_share, expected):
    from apps.recognition.models import Campaign, CriteriaSet, Registration

    criteria_set = CriteriaSet.objects.create(code="x", title="gdht", name="x", document_number="x")
    campaign = Campaign.objects.create(title="gdht", year=YEAR, commune=dang_kang, criteria_set=criteria_set)
    homes = [_home(dang_kang, f"V{n}") for n in range(4)]
    for home in homes[:2]:
        Registration.objects.create(campaign=campaign, unit=village, household=home, status="recognised")
    outcome = cdht_thon_gdht_share(YEAR, [village.pk], {"min_share": min_share} if min_share else {})[
        village.pk
    ]
    assert outcome.met is expected
    assert (outcome.evidence["households"], outcome.evidence["recognised"]) == (4, 2)
