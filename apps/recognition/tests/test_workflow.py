"""The campaign workflow: register, score from the registry, by hand, approve, decide, lock, reopen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from apps.core.errors import DomainError
from apps.recognition import services
from apps.recognition.models import Campaign, Registration, Score
from apps.recognition.tests.conftest import family


def test_a_village_is_registered_in_bulk_once(campaign, village, dang_kang, commune_officer):
    family(dang_kang, "H001")
    family(dang_kang, "H002")
    assert services.register_village_households(campaign, village, commune_officer) == 2
    assert services.register_village_households(campaign, village, commune_officer) == 0
    assert campaign.registrations.count() == 2


def test_a_household_is_registered_once_and_only_in_its_commune(
    campaign, dang_kang, krong_bong, commune_officer
):
    home = family(dang_kang, "H001")
    services.register(campaign, home, commune_officer)
    with pytest.raises(DomainError, match="already registered"):
        services.register(campaign, home, commune_officer)
    elsewhere = family(krong_bong.new["24481"], "H009")
    with pytest.raises(DomainError, match="is not in"):
        services.register(campaign, elsewhere, commune_officer)


def test_the_neighbour_officer_cannot_register(campaign, dang_kang, neighbour_officer):
    with pytest.raises(PermissionDenied):
        services.register(campaign, family(dang_kang, "H001"), neighbour_officer)


def test_the_whole_workflow_ends_in_a_locked_campaign(
    campaign, village, dang_kang, commune_officer, association_officer
):
    family(dang_kang, "H001")
    family(dang_kang, "H002", child_enrolled=False)
    services.register_village_households(campaign, village, commune_officer)
    services.autoscore_campaign(campaign, commune_officer)
    good = Registration.objects.get(household__code="H001")
    bad = Registration.objects.get(household__code="H002")
    assert Score.objects.get(registration=good, indicator__code="1a").points == 10
    assert Score.objects.get(registration=bad, indicator__code="1a").points == 0
    assert good.status == Registration.Status.REGISTERED and not good.complete

    with pytest.raises(DomainError, match="from 0 to 10"):
        services.record_scores(good, {"1b": 11}, commune_officer)
    with pytest.raises(DomainError, match="computed from the registry"):
        services.record_scores(good, {"1a": 10}, commune_officer)
    good = services.record_scores(good, {"1b": 8, "2b": 7}, commune_officer)
    assert (good.status, good.total_points, good.passed) == (Registration.Status.SCORED, 35, True)
    bad = services.record_scores(bad, {"1b": 10, "2b": 10}, commune_officer)
    assert bad.passed is False
    assert bad.result_detail["failures"] == [{"item": "1a", "rule": "required", "value": 0, "threshold": 10}]

    with pytest.raises(DomainError, match="someone else"):
        services.approve(good, commune_officer)
    services.approve(good, association_officer)
    services.approve(bad, association_officer)
    with pytest.raises(DomainError, match="does not meet"):
        services.decide(
            campaign,
            commune_officer,
            number="12/QĐ-UBND",
            date=dt.date(2026, 12, 1),
            signer="Chủ tịch UBND xã",
            registrations=[good, bad],
        )
    decision = services.decide(
        campaign,
        commune_officer,
        number="12/QĐ-UBND",
        date=dt.date(2026, 12, 1),
        signer="Chủ tịch UBND xã",
        registrations=[good],
    )
    campaign.refresh_from_db()
    assert campaign.locked and campaign.status == Campaign.Status.DECIDED
    assert list(services.public_list(campaign)) == [Registration.objects.get(pk=good.pk)]
    assert decision.registrations.count() == 1

    with pytest.raises(DomainError, match="locked"):
        services.record_scores(bad, {"1b": 9}, commune_officer)
    with pytest.raises(DomainError, match="locked"):
        services.register_village_households(campaign, village, commune_officer)
    with pytest.raises(DomainError, match="why"):
        services.reopen(campaign, commune_officer, "  ")
    services.reopen(campaign, commune_officer, "Sai sót điểm hộ H002")
    services.record_scores(bad, {"1b": 9}, commune_officer)
    assert Registration.objects.get(pk=good.pk).status == Registration.Status.RECOGNISED


def test_approval_needs_every_indicator(campaign, dang_kang, commune_officer, association_officer):
    registration = services.register(campaign, family(dang_kang, "H001"), commune_officer)
    with pytest.raises(DomainError, match="missing"):
        services.approve(registration, association_officer)


def test_an_undecided_computed_indicator_is_scored_by_hand_and_kept(dang_kang, village, commune_officer):
    data = {
        "code": "cdht-thon-test",
        "title": "cdht_thon",
        "name": "Cộng đồng học tập (bộ thử)",
        "document": {"number": "TEST"},
        "judging": "points",
        "total_points": 10,
        "pass_rule": {"total_min": 5},
        "criteria": [
            {
                "code": "1",
                "name": "Gia đình học tập",
                "max_points": 10,
                "indicators": [
                    {
                        "code": "1a",
                        "name": "Tỉ lệ hộ",
                        "max_points": 10,
                        "scoring": "computed:cdht_thon_gdht_share",
                    }
                ],
            }
        ],
    }
    campaign = services.open_campaign(
        commune_officer,
        title="cdht_thon",
        year=2026,
        commune=dang_kang,
        criteria_set=services.load_criteria_set(data),
    )
    registration = services.register(campaign, village, commune_officer)
    services.autoscore_campaign(campaign, commune_officer)
    score = Score.objects.get(registration=registration)
    assert (score.points, score.met, score.computed) == (None, None, False)
    services.record_scores(registration, {"1a": 8}, commune_officer)
    services.autoscore_campaign(campaign, commune_officer)
    registration.refresh_from_db()
    assert (registration.total_points, registration.passed) == (8, True)


def _autoscore_queries(campaign, village, dang_kang, commune_officer, count: int, start: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(start, start + count):
        family(dang_kang, f"N{number:03}", child_enrolled=number % 2 == 0)
    services.register_village_households(campaign, village, commune_officer)
    with CaptureQueriesContext(connection) as queries:
        services.autoscore_campaign(campaign, commune_officer)
    return len(queries)


def test_scoring_a_campaign_does_not_query_per_household(campaign, village, dang_kang, commune_officer):
    few = _autoscore_queries(campaign, village, dang_kang, commune_officer, 3, 0)
    many = _autoscore_queries(campaign, village, dang_kang, commune_officer, 30, 3)
    assert many <= few + 2  # batch boundaries at most, not one query per household


def test_a_commune_is_judged_by_levels_through_the_workflow(dang_kang, commune_officer):
    from apps.recognition.management.commands.recognition import load_shipped
    from apps.recognition.models import CriteriaSet

    load_shipped()
    campaign = services.open_campaign(
        commune_officer,
        title="cdht_xa",
        year=2026,
        commune=dang_kang,
        criteria_set=CriteriaSet.objects.get(code="cdht-xa-tt25-2023"),
    )
    registration = services.register(campaign, dang_kang, commune_officer)
    level_one = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.x", "4.x", "5.x"]
    registration = services.record_scores(registration, {code: True for code in level_one}, commune_officer)
    assert (registration.complete, registration.result, registration.passed) == (False, "1", True)
    registration = services.record_scores(registration, {"4.x-2": True, "5.x-2": False}, commune_officer)
    assert (registration.complete, registration.result) == (True, "1")
    registration = services.record_scores(registration, {"5.x-2": True}, commune_officer)
    assert registration.result == "2"
    with pytest.raises(DomainError, match="from 0 to 1"):
        services.record_scores(registration, {"1.1": 2}, commune_officer)
