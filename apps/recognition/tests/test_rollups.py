"""Roll-up metrics per village, commune and province, the annual report against targets, the demo."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.http import Http404

from apps.people import testing as people
from apps.places.models import CommuneFlag
from apps.recognition import demo, services
from apps.recognition.metrics import recognised_of_registered, share
from apps.recognition.models import Campaign, Registration
from apps.recognition.report import annual_report, target_for
from apps.recognition.tests.conftest import YEAR, family


@pytest.fixture
def decided(campaign, dang_kang, village, commune_officer, association_officer):
    """Thôn 1: 3 households, 2 recognised; Thôn 2: 1 household, not registered."""
    for code in ("H1", "H2"):
        family(dang_kang, code)
    family(dang_kang, "H3", child_enrolled=False)
    family(dang_kang, "H4", "Thôn 2")
    services.register_village_households(campaign, village, commune_officer)
    services.autoscore_campaign(campaign, commune_officer)
    for registration in campaign.registrations.all():
        services.record_scores(registration, {"1b": 10, "2b": 10}, commune_officer)
        services.approve(registration, association_officer)
    passing = campaign.registrations.filter(passed=True)
    services.decide(
        campaign,
        commune_officer,
        number="1/QĐ",
        date=dt.date(YEAR, 12, 1),
        signer="X",
        registrations=list(passing),
    )
    return campaign


def test_the_share_of_learning_families_rolls_up(decided, dang_kang, village, krong_bong):
    values = share("gdht", YEAR)
    assert (values[village.pk].num, values[village.pk].den) == (2, 3)
    assert (values[dang_kang.pk].num, values[dang_kang.pk].den) == (2, 4)
    assert (values[krong_bong.province.pk].num, values[krong_bong.province.pk].den) == (2, 4)
    counts = recognised_of_registered("gdht", YEAR)
    assert (counts[dang_kang.pk].num, counts[dang_kang.pk].den) == (2, 3)


def test_a_campaign_of_another_year_does_not_count(decided, dang_kang):
    assert dang_kang.pk not in recognised_of_registered("gdht", YEAR + 1)


def test_the_annual_report_matches_the_decisions(decided, dang_kang, village, commune_officer):
    rows = {(row.unit.pk, row.title): row for row in annual_report(commune_officer, dang_kang, YEAR)}
    commune = rows[(dang_kang.pk, "gdht")]
    assert (commune.registered, commune.recognised, commune.subjects) == (3, 2, 4)
    assert commune.share == Fraction(1, 2)
    assert commune.target.document.startswith("387/QĐ-TTg") and commune.target_share == Fraction(7, 10)
    assert commune.target_met is False
    assert rows[(village.pk, "gdht")].as_dict()["recognised"] == 2
    assert rows[(dang_kang.pk, "dhht")].registered == 0


def test_the_neighbour_gets_no_report_of_dang_kang(decided, dang_kang, neighbour_officer):
    with pytest.raises(Http404):
        annual_report(neighbour_officer, dang_kang, YEAR)


def test_the_province_viewer_sees_the_communes_below(decided, krong_bong, province_viewer, dang_kang):
    rows = annual_report(province_viewer, krong_bong.province, YEAR)
    by_unit = {(row.unit.pk, row.title): row for row in rows}
    assert by_unit[(dang_kang.pk, "gdht")].recognised == 2
    assert by_unit[(krong_bong.province.pk, "gdht")].recognised == 2


def test_targets_follow_the_programme_and_the_special_difficulty_flag(decided, dang_kang, commune_officer):
    assert target_for("gdht", 2019).document == "281/QĐ-TTg"
    assert target_for("gdht", 2024).share == Fraction(7, 10)
    assert target_for("cdht_cong_dan", 2026).deadline == 2030
    CommuneFlag.objects.create(unit=dang_kang, year=2020, special_difficulty=True)
    campaign = Campaign.objects.create(
        title="dhht", year=2020, commune=dang_kang, criteria_set=decided.criteria_set
    )
    assert campaign.pk
    row = next(
        r
        for r in annual_report(commune_officer, dang_kang, 2020)
        if r.unit == dang_kang and r.title == "gdht"
    )
    assert (row.special_difficulty, row.target_share) == (True, Fraction(6, 10))


def test_the_demo_runs_a_whole_campaign_once(krong_bong, commune_officer, association_officer, dang_kang):
    for number in range(5):
        family(dang_kang, f"D{number}", child_enrolled=number != 3)
    lines = demo.load()
    campaign = Campaign.objects.get(title="gdht", year=2026, commune=dang_kang)
    assert campaign.is_demo and campaign.locked and campaign.criteria_set.is_illustrative
    assert campaign.registrations.filter(status=Registration.Status.RECOGNISED).count() == 4
    assert campaign.registrations.filter(is_demo=False).count() == 0
    assert "4 recognised" in lines[-1]
    assert "kept" in demo.load()[-1]
    assert Campaign.objects.count() == 1


def test_bulk_registration_marks_the_roll_ups_stale(campaign, dang_kang, village, commune_officer):
    from apps.metrics import services as metrics

    family(dang_kang, "S1")
    metrics.values("recognition.recognised.gdht", YEAR)
    services.register_village_households(campaign, village, commune_officer)
    assert metrics.status("recognition.recognised.gdht", YEAR).stale
    metrics.recompute("recognition.recognised.gdht", YEAR)
    assert metrics.values("recognition.recognised.gdht", YEAR)[dang_kang.pk].den == 1


def test_villages_of_the_former_communes_are_not_subjects_after_the_reform(krong_bong, dang_kang):
    from apps.recognition.metrics import subjects

    new_village = people.village(dang_kang, "Thôn 9")
    old_village = people.village(krong_bong.legacy["24451"], "Thôn 9")
    counted = subjects("cdht_thon", YEAR)
    assert counted.get(new_village.pk) == 1 and old_village.pk not in counted
    assert old_village.pk in subjects("cdht_thon", 2024)
