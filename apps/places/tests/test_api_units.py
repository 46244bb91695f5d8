import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import AuditEntry
from apps.core.testing import client_for
from apps.places.models import Unit, UnitKind
from apps.places.services import create_village

URL = "/api/v1/units"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["code"] for item in response.json()["items"])


def test_anonymous_gets_401_with_json():
    response = Client().get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert Client().post(f"{URL}/1/villages", {}, content_type="application/json").status_code == 401


def test_commune_officer_sees_the_three_legacy_communes_in_2024(commune_officer):
    response = client_for(commune_officer).get(URL, {"on": "2024-09-30", "level": "commune"})
    assert codes(response) == ["24451", "24454", "24457"]
    item = response.json()["items"][0]
    assert set(item) == {"id", "code", "name", "kind", "division_type", "parent_code", "valid_from",
                         "valid_to", "latitude", "longitude", "predecessors"}
    assert item["parent_code"] == "653"
    assert item["valid_to"] == "2025-06-30"


def test_commune_officer_sees_new_dang_kang_with_its_predecessors_in_2025(commune_officer):
    response = client_for(commune_officer).get(URL, {"on": "2025-09-30", "level": "commune"})
    assert codes(response) == ["24454"]
    [item] = response.json()["items"]
    assert item["name"] == "Xã Dang Kang"
    assert item["predecessors"] == ["24451", "24454", "24457"]
    assert item["parent_code"] == "66"
    assert item["valid_from"] == "2025-07-01"


def test_district_viewer_sees_13_communes_then_5(district_viewer):
    client = client_for(district_viewer)
    response = client.get(URL, {"on": "2024-09-30", "level": "commune"})
    assert response.json()["count"] == 13
    assert len(codes(response)) == 13
    response = client.get(URL, {"on": "2025-09-30", "level": "commune"})
    assert codes(response) == ["24448", "24454", "24478", "24481", "24484"]


def test_neighbour_sees_nothing_of_dang_kang(neighbour_officer, krong_bong):
    client = client_for(neighbour_officer)
    assert codes(client.get(URL, {"on": "2025-09-30", "level": "commune"})) == ["24481"]
    assert codes(client.get(URL, {"on": "2024-09-30", "level": "commune"})) == ["24469", "24472", "24481"]
    for unit in (krong_bong.new["24454"], krong_bong.legacy["24454"], krong_bong.legacy["24451"]):
        assert client.get(f"{URL}/{unit.pk}").status_code == 404
        assert client.get(f"{URL}/{unit.pk}/children").status_code == 404
        assert client.get(f"{URL}/{unit.pk}/villages").status_code == 404


def test_roleless_user_sees_nothing(roleless_user, krong_bong):
    response = client_for(roleless_user).get(URL, {"on": "2025-09-30"})
    assert response.json() == {"items": [], "count": 0}


def test_default_date_is_today(province_viewer):
    # The test map has both structures; today (after the reform) only the 2025 units are in force.
    response = client_for(province_viewer).get(URL, {"level": "province"})
    assert [item["valid_from"] for item in response.json()["items"]] == ["2025-07-01"]


def test_parent_code_is_resolved_on_the_date(district_viewer, province_viewer):
    client = client_for(district_viewer)
    response = client.get(URL, {"on": "2024-09-30", "parent": "653"})
    assert len(codes(response)) == 13
    # On the 2025 map the code 653 names nothing.
    response = client.get(URL, {"on": "2025-09-30", "parent": "653"})
    assert response.status_code == 400
    [error] = response.json()["detail"]
    assert error["field"] == "parent"
    assert "653" in error["message_en"] and error["message_vi"]
    response = client_for(province_viewer).get(URL, {"on": "2025-09-30", "parent": "66"})
    assert codes(response) == ["24448", "24454", "24478", "24481", "24484"]


def test_parent_id_filter(district_viewer, krong_bong):
    response = client_for(district_viewer).get(URL, {"on": "2024-09-30", "parent_id": krong_bong.district.pk})
    assert response.json()["count"] == 13


def test_bad_query_values_give_422_naming_the_field(commune_officer):
    response = client_for(commune_officer).get(URL, {"on": "30/09/2024", "level": "hamlet"})
    assert response.status_code == 422
    fields = sorted(error["field"] for error in response.json()["detail"])
    assert fields == ["level", "on"]


def test_pagination(district_viewer):
    client = client_for(district_viewer)
    response = client.get(URL, {"on": "2024-09-30", "level": "commune", "page_size": 5, "page": 3})
    body = response.json()
    assert body["count"] == 13
    assert len(body["items"]) == 3
    response = client.get(URL, {"on": "2024-09-30", "page_size": 100000})
    assert response.status_code == 200


def test_list_does_not_query_per_unit(district_viewer, krong_bong, django_assert_max_num_queries):
    for number in range(12):
        create_village(krong_bong.legacy["24451"], f"Thôn {number + 1}")
    client = client_for(district_viewer)

    def queries(params: dict) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params)
        return len(response.json()["items"]), len(captured)

    few, few_queries = queries({"on": "2024-09-30", "level": "district"})
    many, many_queries = queries({"on": "2024-09-30"})
    assert (few, many) == (1, 26)  # the district; the district, its 13 communes and 12 villages
    assert many_queries == few_queries
    with django_assert_max_num_queries(few_queries):
        client.get(URL, {"on": "2025-09-30"})


def test_unit_detail_and_children(district_viewer, krong_bong):
    client = client_for(district_viewer)
    dang_kang = krong_bong.new["24454"]
    response = client.get(f"{URL}/{dang_kang.pk}")
    assert response.json()["predecessors"] == ["24451", "24454", "24457"]
    # A legacy district: its children default to its last day in force.
    response = client.get(f"{URL}/{krong_bong.district.pk}/children")
    assert response.json()["count"] == 13
    response = client.get(f"{URL}/{krong_bong.district.pk}/children", {"on": "2025-09-30"})
    assert response.json()["count"] == 0
    assert client.get(f"{URL}/{krong_bong.province.pk}").status_code == 404
    assert client.get(f"{URL}/999999").status_code == 404


# Villages ------------------------------------------------------------------------------------------


def test_commune_officer_creates_a_village(commune_officer, krong_bong):
    dang_kang = krong_bong.new["24454"]
    response = client_for(commune_officer).post(
        f"{URL}/{dang_kang.pk}/villages", {"name": " Buôn  Cuôr Đăng ", "type": "buôn"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Buôn Cuôr Đăng"
    assert body["kind"] == "village"
    assert body["division_type"] == "buôn"
    assert body["code"] == "24454-001"
    assert body["parent_code"] == "24454"
    village = Unit.objects.get(pk=body["id"])
    assert village.created_by == commune_officer
    entry = AuditEntry.objects.get(model="places.Unit", object_id=str(village.pk))
    assert entry.user == commune_officer
    assert entry.source == f"POST {URL}/{dang_kang.pk}/villages"

    listed = client_for(commune_officer).get(f"{URL}/{dang_kang.pk}/villages").json()
    assert [item["name"] for item in listed["items"]] == ["Buôn Cuôr Đăng"]


def test_viewer_may_not_create_a_village(district_viewer, krong_bong):
    response = client_for(district_viewer).post(
        f"{URL}/{krong_bong.new['24454'].pk}/villages", {"name": "Thôn 1", "type": "thôn"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Unit.objects.filter(kind=UnitKind.VILLAGE).exists()


def test_neighbour_gets_404_creating_a_village_in_dang_kang(neighbour_officer, krong_bong):
    response = client_for(neighbour_officer).post(
        f"{URL}/{krong_bong.new['24454'].pk}/villages", {"name": "Thôn 1", "type": "thôn"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_duplicate_village_name_is_refused_naming_the_field(commune_officer, krong_bong):
    dang_kang = krong_bong.new["24454"]
    create_village(dang_kang, "Thôn 1")
    response = client_for(commune_officer).post(
        f"{URL}/{dang_kang.pk}/villages", {"name": "THÔN  1", "type": "thôn"}, content_type="application/json"
    )
    assert response.status_code == 400
    [error] = response.json()["detail"]
    assert error["field"] == "name"
    assert "Thôn 1" in error["message_en"] or "THÔN 1" in error["message_en"]
    assert error["message_vi"]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [({"name": "Thôn 2", "type": "xóm nhỏ"}, 400, "type"), ({"type": "thôn"}, 422, "name")],
)
def test_bad_village_input(commune_officer, krong_bong, payload, status, field):
    response = client_for(commune_officer).post(
        f"{URL}/{krong_bong.new['24454'].pk}/villages", payload, content_type="application/json"
    )
    assert response.status_code == status
    assert [error["field"] for error in response.json()["detail"]] == [field]


def test_unreadable_body_gives_400_in_the_error_shape(commune_officer, krong_bong):
    response = client_for(commune_officer).post(
        f"{URL}/{krong_bong.new['24454'].pk}/villages", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["detail"]] == ["body"]


def test_villages_only_inside_a_commune(admin_user_, krong_bong):
    response = client_for(admin_user_).post(
        f"{URL}/{krong_bong.province.pk}/villages", {"name": "Thôn 1", "type": "thôn"},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_session_writes_need_the_csrf_token(commune_officer, krong_bong):
    client = Client(enforce_csrf_checks=True)
    client.force_login(commune_officer)
    url = f"{URL}/{krong_bong.new['24454'].pk}/villages"
    response = client.post(url, {"name": "Thôn 1", "type": "thôn"}, content_type="application/json")
    assert response.status_code == 403
    client.get("/api/v1/docs")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"name": "Thôn 1", "type": "thôn"}, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_rename_a_village(commune_officer, district_viewer, neighbour_officer, krong_bong):
    village = create_village(krong_bong.new["24454"], "Thôn 1")
    url = f"/api/v1/villages/{village.pk}"
    response = client_for(commune_officer).patch(url, {"name": "Thôn Một"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["name"] == "Thôn Một"
    assert response.json()["division_type"] == "thôn"
    response = client_for(district_viewer).patch(url, {"type": "buôn"}, content_type="application/json")
    assert response.status_code == 403
    response = client_for(neighbour_officer).patch(url, {"type": "buôn"}, content_type="application/json")
    assert response.status_code == 404
    commune_url = f"/api/v1/villages/{krong_bong.new['24454'].pk}"
    response = client_for(commune_officer).patch(commune_url, {"name": "X"}, content_type="application/json")
    assert response.status_code == 404  # a commune is not a village
    village.refresh_from_db()
    assert (village.name, village.division_type) == ("Thôn Một", "thôn")
