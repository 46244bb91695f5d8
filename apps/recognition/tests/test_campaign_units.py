"""Which unit runs a title's campaign: communes, and districts or provinces for "Đơn vị học tập cấp
huyện, tỉnh" (TT 22/2020, TT 24/2023); the titles of recognition.md that run none say why."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.accounts.models import RoleAssignment
from apps.core.errors import DomainError
from apps.organisations.models import Organisation, OrganisationKind
from apps.recognition import services
from apps.recognition.management.commands.recognition import load_shipped
from apps.recognition.models import CriteriaSet

YEAR = 2026


@pytest.fixture
def tt24(db) -> CriteriaSet:
    load_shipped()
    return CriteriaSet.objects.get(code="dvht-tt24-2023")


@pytest.fixture
def province_officer(krong_bong):
    user = get_user_model().objects.create_user("tinh_officer", password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role="province_officer", unit=krong_bong.province)
    return user


@pytest.fixture
def peoples_committee(krong_bong) -> Organisation:
    return Organisation.objects.create(unit=krong_bong.new["24454"], name="UBND xã Dang Kang",
                                       kind=OrganisationKind.PEOPLES_COMMITTEE)


def test_the_tt24_set_is_shipped_by_levels_with_the_known_items(tt24):
    from apps.recognition import sets_io

    spec = sets_io.spec_of(tt24)
    assert spec.judging == "levels" and tt24.document_number == "24/2023/TT-BGDĐT"
    known = {i.code for i in spec.indicators if i.known}
    assert known == {"1.a", "2.a", "3.a", "3.b"}
    assert {i.level for i in spec.indicators} == {1, 2}
    assert not tt24.is_complete  # placeholders for what was not obtained


def test_a_province_runs_the_campaign_of_its_bodies(tt24, province_officer, peoples_committee, krong_bong,
                                                   neighbour_officer, commune_officer):
    campaign = services.open_campaign(province_officer, title="dvht_huyen_tinh", year=YEAR,
                                      commune=krong_bong.province, criteria_set=tt24)
    registration = services.register(campaign, peoples_committee, province_officer)
    level_one = ["1.a", "1.x", "2.a", "2.x", "3.a", "3.b", "3.x"]
    registration = services.record_scores(registration, {code: True for code in level_one}, province_officer)
    assert (registration.result, registration.passed) == ("1", True)
    registration = services.record_scores(registration, {c: True for c in ("1.x-2", "2.x-2", "3.x-2")},
                                          province_officer)
    assert registration.result == "2"
    # The communes under the province see the campaign and only their own bodies' registrations;
    # they cannot run it.
    assert list(services.get_registrations_for_user(commune_officer, campaign)) == [registration]
    assert not services.get_registrations_for_user(neighbour_officer, campaign).exists()
    with pytest.raises(PermissionDenied):
        services.register(campaign, peoples_committee, commune_officer)


def test_the_unit_must_suit_the_title(tt24, province_officer, krong_bong, criteria_set, commune_officer,
                                      admin_user_):
    with pytest.raises(DomainError, match="district or a province") as error:
        services.open_campaign(commune_officer, title="dvht_huyen_tinh", year=YEAR,
                               commune=krong_bong.new["24454"], criteria_set=tt24)
    assert error.value.column == "commune"
    with pytest.raises(DomainError, match="belongs to a commune"):
        services.open_campaign(province_officer, title="gdht", year=YEAR, commune=krong_bong.province,
                               criteria_set=criteria_set)
    # The district of Krông Bông ended on 30/6/2025: a 2026 campaign cannot run there.
    with pytest.raises(DomainError, match="did not exist"):
        services.open_campaign(admin_user_, title="dvht_huyen_tinh", year=YEAR, commune=krong_bong.district,
                               criteria_set=tt24)


@pytest.mark.parametrize("title", ["cdht_huyen", "cdht_tinh"])
def test_the_titles_without_a_campaign_say_why(title, tt24, province_officer, krong_bong):
    with pytest.raises(DomainError, match="cannot run a campaign here") as error:
        services.open_campaign(province_officer, title=title, year=YEAR, commune=krong_bong.province,
                               criteria_set=tt24)
    assert error.value.column == "title"


def test_the_campaign_form_offers_the_province_and_names_the_titles_without_campaign(
        client, province_officer, tt24, krong_bong):
    client.force_login(province_officer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("recognition:campaign_create")).content.decode()
    assert krong_bong.province.name in page
    assert "Cộng đồng học tập cấp huyện" in page and "Cộng đồng học tập cấp tỉnh" in page
    response = client.post(reverse("recognition:campaign_create"), {
        "title": "dvht_huyen_tinh", "year": YEAR, "commune": krong_bong.province.pk,
        "criteria_set": tt24.pk})
    assert response.status_code == 302, response.content.decode()


def test_the_api_opens_a_province_campaign(client, province_officer, tt24, krong_bong, commune_officer):
    payload = {"title": "dvht_huyen_tinh", "year": YEAR, "commune_id": krong_bong.province.pk,
               "criteria_set_id": tt24.pk}
    client.force_login(commune_officer)
    assert client.post("/api/v1/recognition/campaigns", payload, content_type="application/json"
                       ).status_code == 403
    client.force_login(province_officer)
    response = client.post("/api/v1/recognition/campaigns", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["commune_code"] == krong_bong.province.code
    refused = client.post("/api/v1/recognition/campaigns", {**payload, "title": "cdht_tinh"},
                          content_type="application/json")
    assert refused.status_code in (400, 422)
