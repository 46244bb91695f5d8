"""The PCGD–XMC API: the output of ``manage.py pcgd`` restricted to the caller, and one commune."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.tokens import create_token
from apps.core.testing import client_for
from apps.universal.attestation import Entry, save_checklist
from apps.universal.engine import compute_year, to_json
from apps.universal.tests.test_views_support import (
    YEAR,
    build_dang_kang,
    build_hoa_son,
    build_legacy_2024,
)


@pytest.fixture
def registry(krong_bong):
    build_dang_kang(krong_bong.new["24454"])
    build_hoa_son(krong_bong.new["24481"])
    build_legacy_2024(krong_bong)
    return krong_bong


def codes(data: dict) -> list[tuple[str, str]]:
    return [(unit["kind"], unit["code"]) for unit in data["units"]]


def test_officer_gets_the_commune_entry_of_the_pcgd_command(registry, commune_officer):
    response = client_for(commune_officer).get(f"/api/v1/pcgd/{YEAR}")
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == YEAR and data["rule_set"] == "nd20-2014"
    assert codes(data) == [("commune", "24454")]
    expected = to_json(compute_year(YEAR, communes=[registry.new["24454"]]))
    assert data["units"] == expected["units"][:1]
    entry = data["units"][0]
    assert entry["indicators"]["primary_entry"] == {"num": 29, "den": 30, "rate": 0.9667}
    assert entry["levels"] == {"mn5": 1, "primary": 2, "lower_secondary": 2, "literacy": 2}
    assert {"standard": "primary", "level": 3, "indicator": "primary_entry", "rate": 0.9667,
            "threshold": 0.98} in entry["unmet"]
    assert "meeting" not in entry and "communes" not in entry  # the command's keys, no others


def test_a_personal_token_reads_the_same(registry, commune_officer):
    _token, key = create_token(commune_officer, "bao cao")
    response = Client().get(f"/api/v1/pcgd/{YEAR}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and codes(response.json()) == [("commune", "24454")]


def test_neighbour_gets_only_its_commune_and_the_other_code_is_unknown(registry, neighbour_officer):
    client = client_for(neighbour_officer)
    assert codes(client.get(f"/api/v1/pcgd/{YEAR}").json()) == [("commune", "24481")]
    assert client.get(f"/api/v1/pcgd/{YEAR}", {"unit": "24454"}).status_code == 404


def test_district_viewer_gets_the_district_before_2025_and_no_province(registry, district_viewer):
    client = client_for(district_viewer)
    data = client.get("/api/v1/pcgd/2024").json()
    kinds = codes(data)
    assert ("district", "653") in kinds and not any(kind == "province" for kind, _code in kinds)
    assert sum(1 for kind, _code in kinds if kind == "commune") == 2  # the communes with records
    district = next(unit for unit in data["units"] if unit["kind"] == "district")
    assert district["communes"] == 13 and district["meeting"]["mn5"] == {"1": 1}
    in_2026 = client.get(f"/api/v1/pcgd/{YEAR}", {"unit": "66"}).json()  # the province leads to them
    assert codes(in_2026) == [("commune", "24454"), ("commune", "24481")]


def test_province_viewer_gets_the_province_row(registry, province_viewer):
    data = client_for(province_viewer).get(f"/api/v1/pcgd/{YEAR}", {"unit": "66"}).json()
    province = next(unit for unit in data["units"] if unit["kind"] == "province")
    assert province["code"] == "66" and province["communes"] == 5


def test_officer_of_the_new_commune_reads_the_legacy_communes_of_2024(registry, commune_officer):
    data = client_for(commune_officer).get("/api/v1/pcgd/2024").json()
    assert codes(data) == [("commune", "24451"), ("commune", "24454")]


def test_one_commune_with_its_splits(registry, commune_officer):
    dang_kang = registry.new["24454"]
    save_checklist(dang_kang, YEAR, [Entry("records", True)], user=commune_officer)
    response = client_for(commune_officer).get(f"/api/v1/pcgd/{YEAR}/communes/{dang_kang.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == "24454" and data["year"] == YEAR and data["rule_set"] == "nd20-2014"
    attend = data["splits"]["mn5_attend"]
    assert attend["sex"] == {"M": {"num": 10, "den": 10, "rate": 1.0},
                             "F": {"num": 9, "den": 10, "rate": 0.9}}
    assert attend["group"]["minority"] == {"num": 9, "den": 10, "rate": 0.9}
    assert attend["ethnicity"]["12"] == {"num": 9, "den": 10, "rate": 0.9}
    assert set(data["attested_levels"]) == {"mn5", "primary", "lower_secondary", "literacy"}


def test_district_viewer_reads_one_commune_and_the_neighbour_gets_404(registry, district_viewer,
                                                                     neighbour_officer):
    url = f"/api/v1/pcgd/{YEAR}/communes/{registry.new['24454'].pk}"
    assert client_for(district_viewer).get(url).status_code == 200
    response = client_for(neighbour_officer).get(url)
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


def test_a_commune_off_the_map_of_the_year_or_without_records_is_not_found(registry, commune_officer):
    client = client_for(commune_officer)
    assert client.get(f"/api/v1/pcgd/2024/communes/{registry.new['24454'].pk}").status_code == 404
    assert client.get(f"/api/v1/pcgd/2025/communes/{registry.new['24454'].pk}").status_code == 404


def test_a_year_without_a_rule_set_is_refused_in_both_languages(registry, commune_officer):
    response = client_for(commune_officer).get("/api/v1/pcgd/2010")
    assert response.status_code == 400
    [error] = response.json()["detail"]
    assert "2010" in error["message_en"] and error["message_vi"]


def test_a_user_without_a_role_gets_an_empty_list(registry, roleless_user):
    data = client_for(roleless_user).get(f"/api/v1/pcgd/{YEAR}").json()
    assert data["units"] == []


def test_anonymous_gets_401(registry):
    assert Client().get(f"/api/v1/pcgd/{YEAR}").status_code == 401
    assert Client().get(f"/api/v1/pcgd/{YEAR}/communes/{registry.new['24454'].pk}").status_code == 401
