"""``manage.py recognition autoscore --title cdht_thon`` and ``--title cdht_cong_dan``: the JSON shapes of
docs/recognition.md, thresholds from the set, scope."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.people import testing as people
from apps.places.models import Unit
from apps.recognition import services
from apps.recognition.autoscore import villages_report
from apps.recognition.models import Campaign, CriteriaSet, Registration
from apps.recognition.tests.conftest import YEAR


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("recognition", "autoscore", "--year", str(YEAR), "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def _village_set(min_share: str | None, code: str = "cdht-thon-test") -> CriteriaSet:
    indicator = {"code": "1a", "name": "Tỉ lệ hộ gia đình học tập", "max_points": 10,
                 "scoring": "computed:cdht_thon_gdht_share"}
    if min_share is not None:
        indicator["params"] = {"min_share": min_share}
    return services.load_criteria_set({
        "code": code, "title": "cdht_thon", "name": "Cộng đồng học tập (bộ thử)",
        "document": {"number": "TEST"}, "judging": "points", "total_points": 10,
        "pass_rule": {"total_min": 5},
        "criteria": [{"code": "1", "name": "Gia đình học tập", "max_points": 10, "indicators": [indicator]}],
    })


@pytest.fixture
def recognised_village(dang_kang, village):
    """Thôn 1 of Dang Kang: 4 households, 3 recognised "Gia đình học tập" in YEAR."""
    gdht = CriteriaSet.objects.create(code="gdht-x", title="gdht", name="x", document_number="x")
    campaign = Campaign.objects.create(title="gdht", year=YEAR, commune=dang_kang, criteria_set=gdht)
    for number in range(4):
        home = people.household(dang_kang, f"V{number}", "Thôn 1")
        if number < 3:
            Registration.objects.create(campaign=campaign, unit=village, household=home, status="recognised")
    return village


def test_cdht_thon_against_the_threshold_of_the_communes_campaign(recognised_village, dang_kang,
                                                                  commune_officer):
    services.open_campaign(commune_officer, title="cdht_thon", year=YEAR, commune=dang_kang,
                           criteria_set=_village_set("0.7"))
    data = _run("--title", "cdht_thon", "--unit", "24454")
    assert set(data) == {"year", "title", "villages"} and data["title"] == "cdht_thon"
    [row] = [v for v in data["villages"] if v["village_code"] == recognised_village.code]
    assert row == {"commune_code": "24454", "village_code": recognised_village.code, "village_name": "Thôn 1",
                   "households": 4, "recognised": 3, "share": 0.75, "min_share": "0.7",
                   "set": "cdht-thon-test", "met": True}


@pytest.mark.parametrize(("min_share", "met"), [("0.75", True), ("0.76", False), (None, None)])
def test_cdht_thon_with_a_named_set_at_the_edges(recognised_village, min_share, met):
    _village_set(min_share, code="cdht-thon-edge")
    [row] = [v for v in _run("--title", "cdht_thon", "--set", "cdht-thon-edge", "--unit", "24454")["villages"]
             if v["village_code"] == recognised_village.code]
    assert row["met"] is met and row["share"] == 0.75
    assert row["min_share"] == min_share


def test_cdht_thon_without_a_set_gives_the_share_only(recognised_village):
    [row] = [v for v in _run("--title", "cdht_thon", "--unit", "24454")["villages"]
             if v["village_code"] == recognised_village.code]
    assert (row["share"], row["min_share"], row["set"], row["met"]) == (0.75, None, None, None)


def test_cdht_thon_is_scoped_and_set_wise(recognised_village, krong_bong, neighbour_officer):
    other = people.village(krong_bong.new["24481"], "Thôn 9")
    codes = {v["village_code"] for v in _run("--title", "cdht_thon", "--user", "hoason")["villages"]}
    assert other.code in codes and recognised_village.code not in codes
    for number in range(5):
        people.village(krong_bong.new["24454"], f"Thôn {20 + number}")
    villages = Unit.objects.filter(kind="village")
    with CaptureQueriesContext(connection) as queries:
        villages_report(YEAR, villages)
    assert len(queries) <= 5  # the villages, the thresholds, two counts — not one per village


def test_cdht_cong_dan_applies_80_points_and_no_indicator_below_5(dang_kang, commune_officer,
                                                                  neighbour_officer):
    citizen_set = services.load_criteria_set({
        "code": "cdht-cong-dan-test", "title": "cdht_cong_dan", "name": "Công dân học tập (bộ thử)",
        "document": {"number": "TEST"}, "judging": "points", "total_points": 100,
        "pass_rule": {"total_min": 80, "indicator_min": 5},
        "criteria": [{"code": "1", "name": "Năng lực", "max_points": 100, "indicators": [
            {"code": f"1.{n}", "name": f"Chỉ số {n}", "max_points": 25} for n in range(1, 5)]}],
    })
    campaign = services.open_campaign(commune_officer, title="cdht_cong_dan", year=YEAR, commune=dang_kang,
                                      criteria_set=citizen_set)
    home = people.household(dang_kang, "H1", "Thôn 1")
    persons = [people.person(home, f"0{n}", birth_year=1980, year=YEAR) for n in range(1, 5)]
    cases = [(25, 25, 25, 5), (25, 25, 25, 4), (20, 20, 20, 19), (25, 25, 25, None)]
    for person, points in zip(persons, cases, strict=True):
        registration = services.register(campaign, person, commune_officer)
        services.record_scores(registration, {f"1.{n + 1}": p for n, p in enumerate(points) if p is not None},
                               commune_officer)
    # Not registered: not in the output.
    people.person(people.household(dang_kang, "H2", "Thôn 1"), "01", birth_year=1980, year=YEAR)
    data = _run("--title", "cdht_cong_dan", "--unit", "24454")
    assert set(data) == {"year", "title", "persons"} and data["title"] == "cdht_cong_dan"
    rows = {p["person_code"]: p for p in data["persons"]}
    assert [(rows[c]["total_points"], rows[c]["met"]) for c in ("01", "02", "03", "04")] == [
        (80, True), (79, False), (79, False), (75, None)]
    assert rows["02"]["lowest_indicator"] == {"code": "1.4", "points": 4}
    assert (rows["01"]["total_min"], rows["01"]["indicator_min"], rows["01"]["complete"]) == (80, 5, True)
    assert {p["household_code"] for p in data["persons"]} == {"H1"}
    assert _run("--title", "cdht_cong_dan", "--user", "hoason")["persons"] == []
