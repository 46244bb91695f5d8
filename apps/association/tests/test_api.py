"""The association API around the personas."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.association import services
from apps.association.models import Branch, Member
from apps.association.tests.helpers import PERSON_CONSENT
from apps.core.testing import client_for

URL = "/api/v1/association"
YEAR = 2026


@pytest.fixture
def branch(association_officer, villages):
    branch = services.create_branch(association_officer, village=villages[0].unit, founded_on="2019-03-01")
    services.add_member(association_officer, branch, YEAR, person=villages[0].persons[0],
                        consents=PERSON_CONSENT)
    return branch


def test_anonymous_gets_401(branch):
    assert Client().get(f"{URL}/branches").status_code == 401
    assert Client().get(f"{URL}/branches/{branch.pk}/members?year={YEAR}").status_code == 401
    assert Client().get(f"{URL}/metrics?year={YEAR}").status_code == 401


def test_the_officer_creates_a_branch_and_lists_members(association_officer, villages, school, committee):
    client = client_for(association_officer)
    response = client.post(f"{URL}/branches", {"village_id": villages[1].unit.pk, "founded_on": "2024-10-02"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "village" and body["committee_id"] == committee.pk
    branch_id = body["id"]
    person = villages[1].persons[0]
    consents = [{"purpose": purpose, "given_on": "2026-01-10", "evidence": "Phiếu đồng ý số 3"}
                for purpose in ("membership", "registry_link")]
    response = client.post(f"{URL}/branches/{branch_id}/members",
                           {"year": YEAR, "person_id": person.pk, "consents": consents},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["full_name"] == person.full_name
    assert response.json()["consent"] == "given"
    response = client.post(f"{URL}/branches/{branch_id}/members",
                           {"year": YEAR, "person_id": person.pk, "consents": consents},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "person_id"
    members = client.get(f"{URL}/branches/{branch_id}/members?year={YEAR}").json()
    assert [m["person_id"] for m in members["members"]] == [person.pk]
    member_id = members["members"][0]["id"]
    assert client.delete(f"{URL}/members/{member_id}").status_code == 204
    assert not Member.objects.exists()


def test_an_organisation_branch_and_bad_input(association_officer, school, villages):
    client = client_for(association_officer)
    response = client.post(f"{URL}/branches", {"organisation_id": school.pk}, content_type="application/json")
    assert response.status_code == 201 and response.json()["kind"] == "school"
    both = {"village_id": villages[1].unit.pk, "organisation_id": school.pk}
    response = client.post(f"{URL}/branches", both, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "village_id"
    assert response.json()["detail"][0]["message_vi"]


def test_patch_renames_and_dissolves(association_officer, branch):
    client = client_for(association_officer)
    response = client.patch(f"{URL}/branches/{branch.pk}", {"name": "Chi hội Thôn Một"},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "Chi hội Thôn Một"
    response = client.patch(f"{URL}/branches/{branch.pk}",
                            {"dissolved_on": "2026-06-30", "dissolution_reason": "sáp nhập"},
                            content_type="application/json")
    assert response.json()["dissolved_on"] == "2026-06-30"
    response = client.patch(f"{URL}/branches/{branch.pk}", {"dissolved_on": "2026-07-30"},
                            content_type="application/json")
    assert response.status_code == 400


def test_reported_count(association_officer, villages):
    other = services.create_branch(association_officer, village=villages[2].unit)
    client = client_for(association_officer)
    response = client.put(f"{URL}/branches/{other.pk}/reported-counts/{YEAR}", {"count": 30},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["reported_count"] == 30
    response = client.put(f"{URL}/branches/{other.pk}/reported-counts/{YEAR}", {"count": -3},
                          content_type="application/json")
    assert response.status_code == 400


def test_the_neighbour_gets_404_and_the_viewer_403(neighbour_officer, district_viewer, branch, hoa_son):
    client = client_for(neighbour_officer)
    assert client.get(f"{URL}/branches").json()["items"] == []
    assert client.get(f"{URL}/branches/{branch.pk}").status_code == 404
    assert client.get(f"{URL}/branches/{branch.pk}/members?year={YEAR}").status_code == 404
    assert client.delete(f"{URL}/members/{Member.objects.get().pk}").status_code == 404
    rows = client.get(f"{URL}/metrics?year={YEAR}").json()
    assert rows and {row["unit_code"] for row in rows} == {"24481"}  # Hòa Sơn only
    viewer = client_for(district_viewer)
    members = viewer.get(f"{URL}/branches/{branch.pk}/members?year={YEAR}").json()["members"]
    assert members[0]["full_name"] is None and members[0]["person_id"]
    response = viewer.post(f"{URL}/branches/{branch.pk}/members", {"year": YEAR, "full_name": "X"},
                           content_type="application/json")
    assert response.status_code == 403
    assert viewer.patch(f"{URL}/branches/{branch.pk}", {"name": "X"},
                        content_type="application/json").status_code == 403
    assert Branch.objects.get().name != "X"


def test_metrics_for_a_commune_and_below(district_viewer, branch, dang_kang, villages):
    rows = client_for(district_viewer).get(
        f"{URL}/metrics?year={YEAR}&unit={dang_kang.pk}&metric=association.member_share").json()
    by_unit = {row["unit_id"]: row for row in rows}
    assert (by_unit[dang_kang.pk]["num"], by_unit[dang_kang.pk]["den"]) == (1, 6)
    assert by_unit[villages[0].unit.pk]["den"] == 4
    assert client_for(district_viewer).get(f"{URL}/metrics?year=3000").status_code == 400
