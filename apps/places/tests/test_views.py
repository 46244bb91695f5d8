"""The map pages, around the personas of conftest.py."""

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.places import services
from apps.places.models import Unit

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, krong_bong):
    response = client.get(reverse("places:detail", args=[krong_bong.new["24454"].pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_commune_officer_drills_down_from_province_to_village(client, commune_officer, krong_bong):
    dang_kang = krong_bong.new["24454"]
    village = services.create_village(dang_kang, "Thôn 1")
    client.force_login(commune_officer)
    index = client.get(reverse("places:index"), {"on": "2025-09-30"})
    assert "Tỉnh Đắk Lắk" in index.text
    province = client.get(reverse("places:detail", args=[krong_bong.province.pk]))
    assert "Xã Dang Kang" in province.text
    assert "Xã Hòa Sơn" not in province.text  # the way down shows only the scope
    commune = client.get(reverse("places:detail", args=[dang_kang.pk]))
    assert "Thôn 1" in commune.text
    assert client.get(reverse("places:detail", args=[village.pk])).status_code == 200


def test_commune_officer_sees_the_legacy_communes_merged_into_hers(client, commune_officer, krong_bong):
    client.force_login(commune_officer)
    page = client.get(reverse("places:detail", args=[krong_bong.legacy["24457"].pk]), {"on": "2024-09-30"})
    assert page.status_code == 200
    assert "Xã Hòa Thành" in page.text


def test_neighbour_commune_is_refused(client, neighbour_officer, krong_bong):
    client.force_login(neighbour_officer)
    for unit in (krong_bong.new["24454"], krong_bong.legacy["24454"]):
        response = client.get(reverse("places:detail", args=[unit.pk]))
        assert response.status_code == 403
        assert "Xã Dang Kang" not in response.text or unit.code != "24454"


def test_district_viewer_sees_but_cannot_add_villages(client, district_viewer, krong_bong):
    client.force_login(district_viewer)
    dang_kang = krong_bong.new["24454"]
    assert client.get(reverse("places:detail", args=[dang_kang.pk])).status_code == 200
    assert client.get(reverse("places:village_create", args=[dang_kang.pk])).status_code == 403
    response = client.post(reverse("places:village_create", args=[dang_kang.pk]),
                           {"name": "X", "type": "thôn"})
    assert response.status_code == 403
    assert not Unit.objects.filter(kind="village").exists()


def test_commune_officer_adds_a_village_and_it_is_audited(client, commune_officer, krong_bong):
    client.force_login(commune_officer)
    dang_kang = krong_bong.new["24454"]
    response = client.post(reverse("places:village_create", args=[dang_kang.pk]),
                           {"name": "Buôn Ea Bar", "type": "buôn", "code": ""})
    assert response.status_code == 302
    village = Unit.objects.get(kind="village", parent=dang_kang)
    assert village.path == f"{dang_kang.path}{village.code}/"
    entry = AuditEntry.objects.get(model="places.Unit", object_id=str(village.pk))
    assert entry.actor == "dangkang"
    assert entry.action == "create"
    assert entry.after["name"] == "Buôn Ea Bar"
    assert entry.request_id and entry.source.startswith("POST ")


def test_a_village_name_used_twice_is_refused_with_a_message(client, commune_officer, krong_bong):
    client.force_login(commune_officer)
    dang_kang = krong_bong.new["24454"]
    services.create_village(dang_kang, "Thôn 1")
    response = client.post(reverse("places:village_create", args=[dang_kang.pk]),
                           {"name": "  thôn   1 ", "type": "thôn"})
    assert response.status_code == 200
    assert "đã có thôn" in response.text or "already has a village" in response.text
    assert Unit.objects.filter(kind="village", parent=dang_kang).count() == 1


def test_search_returns_only_units_of_the_scope(client, commune_officer, krong_bong):
    client.force_login(commune_officer)
    response = client.get(reverse("places:search"), {"q": "Xã", "on": "2025-09-30"})
    assert "Xã Dang Kang" in response.text
    assert "Xã Hòa Sơn" not in response.text


def test_map_date_switch_is_remembered(client, commune_officer, krong_bong):
    client.force_login(commune_officer)
    client.get(reverse("places:index"), {"year": "2024"})
    page = client.get(reverse("places:index"))
    assert "30/09/2024" in page.text


def test_unit_page_query_count_is_bounded(client, district_viewer, krong_bong, django_assert_max_num_queries):
    client.force_login(district_viewer)
    client.get(reverse("places:index"))
    with django_assert_max_num_queries(25):
        client.get(reverse("places:detail", args=[krong_bong.district.pk]), {"on": "2024-09-30"})


def test_village_codes_continue_after_the_highest_number(krong_bong):
    dang_kang = krong_bong.new["24454"]
    services.create_village(dang_kang, "Thôn riêng", code="DK-A")
    services.create_village(dang_kang, "Thôn 5", code="24454-005")
    assert services.create_village(dang_kang, "Thôn 6").code == "24454-006"
