"""The PCGD–XMC start page: year, the user's units, the commune table and the grouping rows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.universal.attestation import Entry, save_checklist
from apps.universal.tests.test_views_support import (
    YEAR,
    build_dang_kang,
    build_hoa_son,
    build_legacy_2024,
    cohort,
    flag,
)

INDEX = reverse("universal:index")


@pytest.fixture
def registry(krong_bong):
    build_dang_kang(krong_bong.new["24454"])
    build_hoa_son(krong_bong.new["24481"])
    build_legacy_2024(krong_bong)
    return krong_bong


def rows(response, table: str) -> dict[str, str]:
    """``data-unit`` code → the text of its row in the table ``data-testid=table``."""
    html = response.content.decode()
    match = re.search(rf'data-testid="{table}".*?</table>', html, re.S)
    if not match:
        return {}
    found = re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', match.group(0), re.S)
    return {code: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)) for code, body in found}


def test_officer_sees_the_levels_of_the_commune_and_what_it_lacks(client, registry, commune_officer):
    client.force_login(commune_officer)
    response = client.get(INDEX, {"year": YEAR})
    assert response.status_code == 200
    communes = rows(response, "communes")
    assert list(communes) == ["24454"]
    row = communes["24454"]
    assert "Xã Dang Kang" in row
    assert re.findall(r"level (\d/\d)", row) == ["1/1", "2/3", "2/3", "2/2"]
    assert "primary_entry 96.67% &lt; 98%" in row or "primary_entry 96.67% < 98%" in row
    assert "lower_secondary_15_18 90% " in row


def test_the_page_reads_rates_with_a_decimal_point_in_english(client, registry, commune_officer):
    client.force_login(commune_officer)
    client.post(reverse("set_language"), {"language": "en", "next": INDEX})
    row = rows(client.get(INDEX, {"year": YEAR}), "communes")["24454"]
    assert "primary_entry 96.67% " in row


def test_a_commune_with_special_difficulties_is_marked(client, registry, commune_officer):
    flag(registry.new["24454"])
    client.force_login(commune_officer)
    response = client.get(INDEX, {"year": YEAR})
    assert 'data-testid="dbkk"' in response.content.decode()


def test_attested_conditions_are_shown_beside_the_levels_without_changing_them(client, registry,
                                                                               commune_officer):
    from apps.universal.attestation import checklist_for

    save_checklist(registry.new["24454"], YEAR, [Entry(c.id, True) for c in checklist_for(YEAR).conditions],
                   user=commune_officer)
    client.force_login(commune_officer)
    row = rows(client.get(INDEX, {"year": YEAR}), "communes")["24454"]
    assert re.findall(r"level (\d/\d)", row) == ["1/1", "2/3", "2/3", "2/2"]
    assert "conditions attested up to level 3" in row


def test_neighbour_sees_only_its_own_commune(client, registry, neighbour_officer):
    client.force_login(neighbour_officer)
    response = client.get(INDEX, {"year": YEAR})
    assert list(rows(response, "communes")) == ["24481"]
    assert "Dang Kang" not in response.content.decode()


def test_neighbour_cannot_choose_the_other_commune(client, registry, neighbour_officer):
    client.force_login(neighbour_officer)
    response = client.get(INDEX, {"year": YEAR, "unit": registry.new["24454"].pk})
    assert response.status_code == 403


def test_district_viewer_sees_the_communes_made_from_the_district_in_2026_and_the_former_district(
    client, registry, district_viewer
):
    client.force_login(district_viewer)
    response = client.get(INDEX, {"year": YEAR})
    communes = rows(response, "communes")
    assert set(communes) == {"24448", "24454", "24478", "24481", "24484"}
    assert "No survey record this year." in communes["24448"]
    groupings = rows(response, "groupings")
    assert list(groupings) == ["653"]  # no province row: only the former district, judged on its communes
    assert "former district" in groupings["653"] and "5 " in groupings["653"]


def test_district_viewer_sees_the_district_row_before_2025_and_drills_down(client, registry, district_viewer):
    client.force_login(district_viewer)
    response = client.get(INDEX, {"year": 2024})
    groupings = rows(response, "groupings")
    assert list(groupings) == ["653"]
    assert "13" in groupings["653"] and "2 with records" in groupings["653"]
    assert len(rows(response, "communes")) == 13
    drilled = client.get(INDEX, {"year": 2024, "unit": registry.district.pk})
    assert drilled.status_code == 200 and 'data-testid="download-pdf"' in drilled.content.decode()


def test_officer_of_the_new_commune_sees_the_legacy_communes_merged_into_it_before_2025(
    client, registry, commune_officer
):
    client.force_login(commune_officer)
    response = client.get(INDEX, {"year": 2024})
    assert set(rows(response, "communes")) == {"24451", "24454", "24457"}
    assert rows(response, "groupings") == {}  # the district is not theirs


def test_province_viewer_sees_the_province_row(client, registry, province_viewer):
    client.force_login(province_viewer)
    response = client.get(INDEX, {"year": YEAR, "unit": registry.province.pk})
    groupings = rows(response, "groupings")
    assert list(groupings) == ["66"]
    assert "5" in groupings["66"]


def test_a_national_user_starts_from_a_province(client, registry, admin_user_):
    client.force_login(admin_user_)
    response = client.get(INDEX, {"year": YEAR})
    html = response.content.decode()
    assert 'data-testid="choose"' in html and rows(response, "communes") == {}
    assert html.count('data-testid="top-unit"') == 1  # Tỉnh Đắk Lắk, the one province of the 2025 map here
    chosen = client.get(INDEX, {"year": YEAR, "unit": registry.province.pk})
    assert len(rows(chosen, "communes")) == 5 and list(rows(chosen, "groupings")) == ["66"]


def test_a_user_without_a_role_sees_no_commune(client, registry, roleless_user):
    client.force_login(roleless_user)
    response = client.get(INDEX, {"year": YEAR})
    assert response.status_code == 200
    assert rows(response, "communes") == {} and "Dang Kang" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login(client, registry):
    response = client.get(INDEX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_year_without_a_rule_set_is_not_offered_and_falls_back_to_the_current_year(
    client, registry, commune_officer
):
    client.force_login(commune_officer)
    response = client.get(INDEX, {"year": 2005})
    assert response.status_code == 200
    assert '<option value="2005"' not in response.content.decode()


def test_the_page_costs_the_same_queries_for_one_commune_and_for_many(
    client, registry, district_viewer, django_assert_max_num_queries
):
    for code in ("24448", "24478", "24484"):
        cohort(registry.new[code], YEAR, 3, age=5, enrolled_level="preschool", home="H700")
    client.force_login(district_viewer)
    client.get(INDEX, {"year": YEAR})  # the first read of the year computes the metrics cache
    # 39 on either database: two per indicator read from the cache (its state, its rows), the
    # same for one commune or five (test_cached.py compares them)
    with django_assert_max_num_queries(24):
        response = client.get(INDEX, {"year": YEAR})
    assert len([r for r in rows(response, "communes").values() if "level" in r]) == 5
