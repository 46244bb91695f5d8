"""The pages around the personas: the commune officer acts, the neighbour sees nothing, the viewer reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.recognition.models import Campaign, Registration
from apps.recognition.tests.conftest import YEAR
from apps.recognition.tests.test_views_support import HEAD, decided_campaign, english_interface, family  # noqa: F401

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_the_login(client, campaign):
    for url in (reverse("recognition:index"), reverse("recognition:campaign", args=[campaign.pk]),
                reverse("recognition:sets"), reverse("recognition:report")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_officer_sees_the_campaign_on_the_index(client, commune_officer, campaign):
    response = login(client, commune_officer).get(reverse("recognition:index"))
    assert response.status_code == 200
    assert f'href="{reverse("recognition:campaign", args=[campaign.pk])}"' in response.content.decode()
    assert 'data-testid="campaign-form"' in response.content.decode()


def test_the_neighbour_commune_sees_nothing(client, neighbour_officer, campaign, dang_kang):
    from apps.recognition import services

    home = family(dang_kang, "H001")
    registration = services.register(campaign, home, campaign.created_by)
    login(client, neighbour_officer)
    index = client.get(reverse("recognition:index")).content.decode()
    assert reverse("recognition:campaign", args=[campaign.pk]) not in index
    for name, pk in (("campaign", campaign.pk), ("registration", registration.pk),
                     ("public_list", campaign.pk), ("subject_search", campaign.pk)):
        assert client.get(reverse(f"recognition:{name}", args=[pk])).status_code == 404
    response = client.post(reverse("recognition:register", args=[campaign.pk]), {"subject": home.pk})
    assert response.status_code == 404
    assert client.post(reverse("recognition:autoscore", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("recognition:approve", args=[registration.pk])).status_code == 404


def test_the_district_viewer_reads_but_cannot_act(client, district_viewer, campaign, dang_kang):
    from apps.recognition import services

    registration = services.register(campaign, family(dang_kang, "H001"), campaign.created_by)
    login(client, district_viewer)
    page = client.get(reverse("recognition:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert 'data-testid="campaign-actions"' not in page.content.decode()
    # Without personal data the household is shown by its code, never by its head's name.
    assert "H001" in page.content.decode() and HEAD not in page.content.decode()
    detail = client.get(reverse("recognition:registration", args=[registration.pk]))
    assert detail.status_code == 200 and 'data-testid="score-form"' in detail.content.decode()
    assert 'name="score_1b"' not in detail.content.decode()
    assert client.post(reverse("recognition:autoscore", args=[campaign.pk])).status_code == 403
    assert client.post(reverse("recognition:approve", args=[registration.pk])).status_code == 403
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED
    assert client.get(reverse("recognition:subject_search", args=[campaign.pk])).status_code == 403
    assert client.post(reverse("recognition:register_village", args=[campaign.pk])).status_code == 403


def test_the_officer_opens_a_campaign_through_the_form(client, commune_officer, criteria_set, dang_kang):
    login(client, commune_officer)
    response = client.post(reverse("recognition:campaign_create"), {
        "title": "gdht", "year": YEAR, "commune": dang_kang.pk, "criteria_set": criteria_set.pk,
    })
    campaign = Campaign.objects.get(commune=dang_kang, year=YEAR)
    assert response.status_code == 302 and response["Location"] == reverse("recognition:campaign",
                                                                            args=[campaign.pk])
    again = client.post(reverse("recognition:campaign_create"), {
        "title": "gdht", "year": YEAR, "commune": dang_kang.pk, "criteria_set": criteria_set.pk,
    })
    assert again.status_code == 200 and "already has a campaign" in again.content.decode()


def test_the_viewer_cannot_open_a_campaign(client, district_viewer, criteria_set):
    login(client, district_viewer)
    assert client.get(reverse("recognition:campaign_create")).status_code == 403


def test_the_officer_finds_a_household_by_its_head_and_registers_it(client, commune_officer, campaign,
                                                                    dang_kang):
    home = family(dang_kang, "H007")
    login(client, commune_officer)
    found = client.get(reverse("recognition:subject_search", args=[campaign.pk]), {"q": "Blốk"})
    assert HEAD in found.content.decode() and "H007" in found.content.decode()
    response = client.post(reverse("recognition:register", args=[campaign.pk]), {"subject": home.pk})
    registration = Registration.objects.get(campaign=campaign, household=home)
    assert response["Location"] == reverse("recognition:registration", args=[registration.pk])
    twice = client.post(reverse("recognition:register", args=[campaign.pk]), {"subject": home.pk},
                         follow=True)
    assert "already registered" in twice.content.decode()


def test_a_household_of_the_neighbour_commune_cannot_be_registered(client, commune_officer, campaign,
                                                                  krong_bong):
    elsewhere = family(krong_bong.new["24481"], "H009")
    login(client, commune_officer)
    client.post(reverse("recognition:register", args=[campaign.pk]), {"subject": elsewhere.pk})
    assert not Registration.objects.filter(household=elsewhere).exists()


def test_the_village_is_registered_in_bulk_and_scored(client, commune_officer, campaign, dang_kang, village):
    family(dang_kang, "H001")
    family(dang_kang, "H002", child_enrolled=False)
    login(client, commune_officer)
    client.post(reverse("recognition:register_village", args=[campaign.pk]), {"village": village.pk})
    assert campaign.registrations.count() == 2
    client.post(reverse("recognition:autoscore", args=[campaign.pk]))
    bad = Registration.objects.get(household__code="H002")
    page = client.get(reverse("recognition:registration", args=[bad.pk])).content.decode()
    # The evidence of 1a: the child who is not enrolled, by name for an officer with personal data.
    assert "H&#x27;Hen Niê" in page or "H'Hen Niê" in page
    assert "does not meet it" in page
    assert "1a is required at its maximum 10 and has 0." in page
    good = Registration.objects.get(household__code="H001")
    assert 'data-testid="next-to-score"' in page
    assert f'href="{reverse("recognition:registration", args=[good.pk])}"' in page


def test_the_page_list_runs_a_bounded_number_of_queries(client, commune_officer, campaign, dang_kang,
                                                      village, django_assert_max_num_queries):
    from apps.recognition import services

    for number in range(12):
        family(dang_kang, f"H{number:03d}")
    services.register_village_households(campaign, village, commune_officer)
    login(client, commune_officer)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("recognition:campaign", args=[campaign.pk])).status_code == 200


def test_a_decided_campaign_refuses_edits_until_reopened(client, commune_officer, association_officer,
                                                         campaign, dang_kang):
    registrations = decided_campaign(campaign, dang_kang, commune_officer, association_officer)
    login(client, commune_officer)
    page = client.get(reverse("recognition:campaign", args=[campaign.pk])).content.decode()
    assert 'data-testid="campaign-actions"' not in page and 'data-testid="reopen"' in page
    family(dang_kang, "H003")
    response = client.post(reverse("recognition:autoscore", args=[campaign.pk]), follow=True)
    assert "locked" in response.content.decode()
    refused = client.post(reverse("recognition:registration", args=[registrations[0].pk]), {"note_1b": "x"})
    assert refused.status_code == 403
    client.post(reverse("recognition:reopen", args=[campaign.pk]), {"reason": ""})
    campaign.refresh_from_db()
    assert campaign.locked
    client.post(reverse("recognition:reopen", args=[campaign.pk]), {"reason": "Bổ sung hộ H003"})
    campaign.refresh_from_db()
    assert not campaign.locked and campaign.reopen_reason == "Bổ sung hộ H003"


def test_the_public_list_hides_names_from_users_without_personal_data(
    client, commune_officer, association_officer, district_viewer, campaign, dang_kang
):
    decided_campaign(campaign, dang_kang, commune_officer, association_officer)
    url = reverse("recognition:public_list", args=[campaign.pk])
    officer_page = login(client, commune_officer).get(url).content.decode()
    assert f"{HEAD} 0" in officer_page and "12/QĐ-UBND" in officer_page
    client.logout()
    viewer_page = login(client, district_viewer).get(url).content.decode()
    assert HEAD not in viewer_page and "H001" in viewer_page and "Thôn 1" in viewer_page
