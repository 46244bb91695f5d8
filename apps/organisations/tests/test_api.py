import pytest
from django.test import Client

from apps.accounts.models import AuditEntry
from apps.core.testing import client_for
from apps.organisations.models import Organisation
from apps.organisations.services import create_organisation

URL = "/api/v1/organisations"


def post(client: Client, data: dict):
    return client.post(URL, data, content_type="application/json")


def patch(client: Client, pk: int, data: dict):
    return client.patch(f"{URL}/{pk}", data, content_type="application/json")


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def committee(commune_officer, dang_kang):
    return create_organisation(commune_officer, name="UBND xã Dang Kang", kind="peoples_committee",
                               unit=dang_kang)


@pytest.fixture
def hoa_son_school(neighbour_officer, krong_bong):
    return create_organisation(neighbour_officer, name="Trường TH Hòa Sơn", kind="school",
                               unit=krong_bong.new["24481"])


def test_anonymous_gets_401(committee):
    assert Client().get(URL).status_code == 401
    assert Client().get(f"{URL}/{committee.pk}").status_code == 401
    assert post(Client(), {"name": "X", "kind": "other", "unit_id": committee.unit_id}).status_code == 401


def test_commune_officer_creates_an_organisation(commune_officer, dang_kang, committee):
    response = post(client_for(commune_officer), {
        "name": "Hội Khuyến học xã Dang Kang", "kind": "learning_association", "unit_id": dang_kang.pk,
        "parent_id": committee.pk, "email": "khuyenhoc@dangkang.example.vn",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit_code"] == "24454"
    assert body["parent_id"] == committee.pk
    assert body["active"] is True
    organisation = Organisation.objects.get(pk=body["id"])
    assert organisation.created_by == commune_officer
    entry = AuditEntry.objects.get(model="organisations.Organisation", object_id=str(organisation.pk))
    assert entry.user == commune_officer


def test_viewer_gets_403_and_neighbour_404(district_viewer, neighbour_officer, dang_kang, committee):
    data = {"name": "Hội Nông dân", "kind": "mass_organisation", "unit_id": dang_kang.pk}
    assert post(client_for(district_viewer), data).status_code == 403
    assert post(client_for(neighbour_officer), data).status_code == 403
    assert patch(client_for(district_viewer), committee.pk, {"head_name": "A"}).status_code == 403
    assert patch(client_for(neighbour_officer), committee.pk, {"head_name": "A"}).status_code == 404
    assert client_for(neighbour_officer).get(f"{URL}/{committee.pk}").status_code == 404
    assert Organisation.objects.count() == 1


def test_duplicate_name_is_refused_naming_the_field(commune_officer, dang_kang, committee):
    response = post(client_for(commune_officer), {"name": "UBND XÃ  DANG KANG", "kind": "other",
                                                  "unit_id": dang_kang.pk})
    assert response.status_code == 400
    [error] = response.json()["detail"]
    assert error["field"] == "name"
    assert error["message_vi"] and error["message_en"]


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"name": "X", "kind": "bakery"}, 422, "kind"),
        ({"name": "X", "kind": "other", "email": "nope"}, 400, "email"),
        ({"name": "X", "kind": "other", "unit_id": 999999}, 400, "unit_id"),
        ({"name": "X", "kind": "other", "parent_id": 999999}, 400, "parent_id"),
    ],
)
def test_bad_input(commune_officer, dang_kang, data, status, field):
    response = post(client_for(commune_officer), {"unit_id": dang_kang.pk, **data})
    assert response.status_code == status, response.content
    assert [error["field"] for error in response.json()["detail"]] == [field]


def test_parent_out_of_scope_is_unknown(commune_officer, dang_kang, hoa_son_school):
    response = post(client_for(commune_officer), {"name": "X", "kind": "other", "unit_id": dang_kang.pk,
                                                  "parent_id": hoa_son_school.pk})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "parent_id"


def test_list_is_scoped_and_filtered(commune_officer, district_viewer, neighbour_officer, dang_kang,
                                     committee, hoa_son_school, krong_bong):
    school = create_organisation(commune_officer, name="Trường Tiểu học Dang Kang", kind="school",
                                 unit=krong_bong.legacy["24451"])
    officer = client_for(commune_officer)
    ids = [item["id"] for item in officer.get(URL).json()["items"]]
    assert sorted(ids) == sorted([committee.pk, school.pk])
    assert [i["id"] for i in officer.get(URL, {"kind": "school"}).json()["items"]] == [school.pk]
    assert [i["id"] for i in officer.get(URL, {"unit": dang_kang.pk}).json()["items"]] == [committee.pk]
    assert [i["id"] for i in officer.get(URL, {"q": "tiểu học"}).json()["items"]] == [school.pk]
    assert client_for(district_viewer).get(URL).json()["count"] == 3
    neighbour = client_for(neighbour_officer).get(URL).json()
    assert [item["id"] for item in neighbour["items"]] == [hoa_son_school.pk]


def test_patch_changes_only_the_fields_sent(commune_officer, committee):
    client = client_for(commune_officer)
    committee.phone = "0262 3 111 222"
    committee.save()
    response = patch(client, committee.pk, {"head_name": "Y Khiêm Niê", "head_title": "Chủ tịch"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["head_name"], body["phone"], body["name"]) == ("Y Khiêm Niê", "0262 3 111 222",
                                                                "UBND xã Dang Kang")
    entry = AuditEntry.objects.filter(object_id=str(committee.pk), action="update").first()
    assert entry.before["head_name"] == "" and entry.after["head_name"] == "Y Khiêm Niê"
    assert entry.user == commune_officer


def test_patch_deactivates_and_refuses_a_parent_cycle(commune_officer, dang_kang, committee):
    client = client_for(commune_officer)
    child = create_organisation(commune_officer, name="Văn phòng", kind="agency", unit=dang_kang,
                                parent=committee)
    response = patch(client, committee.pk, {"parent_id": child.pk})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "parent_id"
    response = patch(client, child.pk, {"parent_id": None, "active": False})
    assert response.status_code == 200
    assert response.json()["parent_id"] is None and response.json()["active"] is False
    assert [i["id"] for i in client.get(URL).json()["items"]] == [committee.pk]
    assert client.get(URL, {"include_inactive": True}).json()["count"] == 2
    response = patch(client, committee.pk, {"name": None})
    assert response.status_code == 400
