"""The recognition API around the personas: sets, campaigns, registrations, scores, approval, decisions."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from apps.core.testing import client_for
from apps.recognition import services
from apps.recognition.models import Campaign, CriteriaSet, Registration
from apps.recognition.tests.conftest import SMALL_SET, YEAR
from apps.recognition.tests.test_views_support import HEAD, family

pytestmark = pytest.mark.django_db
API = "/api/v1/recognition"


def post(client: Client, url: str, data: dict | None = None):
    return client.post(f"{API}{url}", data or {}, content_type="application/json")


@pytest.fixture
def registered(campaign, dang_kang, commune_officer, village):
    family(dang_kang, "H001")
    family(dang_kang, "H002", child_enrolled=False)
    services.register_village_households(campaign, village, commune_officer)
    return campaign


def test_anonymous_gets_401(campaign):
    assert Client().get(f"{API}/campaigns").status_code == 401
    assert Client().get(f"{API}/sets").status_code == 401
    assert post(Client(), f"/campaigns/{campaign.pk}/autoscore").status_code == 401


def test_sets_are_listed_and_read_with_their_criteria(commune_officer, criteria_set):
    client = client_for(commune_officer)
    listed = client.get(f"{API}/sets").json()
    assert [item["code"] for item in listed["items"]] == ["gdht-test"]
    assert listed["items"][0]["is_illustrative"] is True
    detail = client.get(f"{API}/sets/{criteria_set.pk}").json()
    assert [c["code"] for c in detail["criteria"]] == ["1", "2"]
    assert detail["criteria"][0]["indicators"][0]["scoring"] == "computed:gdht_1a"
    assert detail["required_items"] == ["1a"]


def test_a_set_import_reports_every_error_and_writes_nothing(admin_user_):
    data = copy.deepcopy(SMALL_SET)
    data.update(code="gdht-api", total_points=41)
    data["pass_rule"]["required"] = ["zz"]
    response = post(client_for(admin_user_), "/sets", {"content": json.dumps(data), "format": "json"})
    assert response.status_code == 400
    messages = " ".join(item["message_en"] for item in response.json()["detail"])
    assert "zz" in messages and len(response.json()["detail"]) >= 2
    assert not CriteriaSet.objects.filter(code="gdht-api").exists()


def test_only_an_administrator_imports_a_national_set(admin_user_, commune_officer):
    data = copy.deepcopy(SMALL_SET)
    data["code"] = "gdht-api"
    assert post(client_for(commune_officer), "/sets", {"content": json.dumps(data)}).status_code == 403
    response = post(client_for(admin_user_), "/sets", {"content": json.dumps(data)})
    assert response.status_code == 201 and response.json()["code"] == "gdht-api"


def test_the_officer_opens_a_campaign_and_the_neighbour_cannot(commune_officer, neighbour_officer,
                                                              criteria_set, dang_kang):
    payload = {"title": "gdht", "year": YEAR, "commune_id": dang_kang.pk, "criteria_set_id": criteria_set.pk}
    assert post(client_for(neighbour_officer), "/campaigns", payload).status_code == 403
    response = post(client_for(commune_officer), "/campaigns", payload)
    assert response.status_code == 201, response.content
    assert response.json()["commune_code"] == "24454" and response.json()["registered"] == 0
    again = post(client_for(commune_officer), "/campaigns", payload)
    assert again.status_code == 400 and again.json()["detail"][0]["field"] == "year"


def test_the_neighbour_sees_no_campaign_and_gets_404(neighbour_officer, registered):
    client = client_for(neighbour_officer)
    assert client.get(f"{API}/campaigns").json()["count"] == 0
    assert client.get(f"{API}/campaigns/{registered.pk}").status_code == 404
    assert client.get(f"{API}/campaigns/{registered.pk}/registrations").status_code == 404
    registration = registered.registrations.first()
    assert client.get(f"{API}/registrations/{registration.pk}").status_code == 404
    assert post(client, f"/registrations/{registration.pk}/approve").status_code == 404


def test_the_district_viewer_reads_but_cannot_write(district_viewer, registered):
    client = client_for(district_viewer)
    assert client.get(f"{API}/campaigns/{registered.pk}").json()["registered"] == 2
    assert post(client, f"/campaigns/{registered.pk}/autoscore").status_code == 403


def test_registrations_are_created_one_by_one_and_by_village(commune_officer, campaign, dang_kang, village):
    client = client_for(commune_officer)
    home = family(dang_kang, "H001")
    family(dang_kang, "H002")
    one = post(client, f"/campaigns/{campaign.pk}/registrations", {"subject_id": home.pk})
    assert one.status_code == 201 and one.json()["subject_label"].endswith("H001")
    assert HEAD not in one.content.decode()  # the API carries codes, not names
    bulk = post(client, f"/campaigns/{campaign.pk}/registrations/bulk", {"village_id": village.pk})
    assert bulk.json() == {"registered": 1}
    listed = client.get(f"{API}/campaigns/{campaign.pk}/registrations").json()
    assert listed["count"] == 2
    twice = post(client, f"/campaigns/{campaign.pk}/registrations", {"subject_id": home.pk})
    assert twice.status_code == 400 and twice.json()["detail"][0]["field"] == "subject"


def test_the_whole_workflow_through_the_api(commune_officer, association_officer, registered):
    officer, checker = client_for(commune_officer), client_for(association_officer)
    scored = post(officer, f"/campaigns/{registered.pk}/autoscore")
    assert scored.json()["registrations"] == 2
    good = Registration.objects.get(household__code="H001")
    detail = officer.get(f"{API}/registrations/{good.pk}").json()
    one_a = next(s for s in detail["scores"] if s["indicator"] == "1a")
    assert one_a["computed"] and one_a["met"] and one_a["evidence"]["members"][0]["age"] == 10

    too_much = post(officer, f"/registrations/{good.pk}/scores", {"scores": {"1b": 8, "2b": 11}})
    assert too_much.status_code == 400 and too_much.json()["detail"][0]["field"] == "2b"
    response = post(officer, f"/registrations/{good.pk}/scores", {"scores": {"1b": 8, "2b": 7}})
    assert response.json()["status"] == "scored" and response.json()["passed"] is True

    own = post(officer, f"/registrations/{good.pk}/approve")
    assert own.status_code == 400 and "someone else" in own.json()["detail"][0]["message_en"]
    approved = post(checker, f"/registrations/{good.pk}/approve")
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"] == "hoikh"

    decision = post(officer, f"/campaigns/{registered.pk}/decisions", {
        "number": "7/QĐ-UBND", "date": f"{YEAR}-11-30", "signer": "Nguyễn Văn Chủ",
        "registration_ids": [good.pk],
    })
    assert decision.status_code == 201 and decision.json()["registration_ids"] == [good.pk]
    assert officer.get(f"{API}/decisions").json()["count"] == 1
    assert officer.get(f"{API}/campaigns/{registered.pk}").json()["locked"] is True

    locked = post(officer, f"/registrations/{good.pk}/scores", {"scores": {"1b": 9}})
    assert locked.status_code == 400 and "locked" in locked.json()["detail"][0]["message_en"]
    assert post(officer, f"/campaigns/{registered.pk}/reopen", {"reason": " "}).status_code == 400
    reopened = post(officer, f"/campaigns/{registered.pk}/reopen", {"reason": "Bổ sung"})
    assert reopened.json()["locked"] is False
    assert Campaign.objects.get(pk=registered.pk).reopen_reason == "Bổ sung"
