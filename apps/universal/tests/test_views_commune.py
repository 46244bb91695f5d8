"""The page of one commune and year, and its years side by side."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.universal.tests.test_views_support import YEAR, build_dang_kang, cohort, flag


@pytest.fixture
def registry(krong_bong):
    build_dang_kang(krong_bong.new["24454"])
    return krong_bong


def page(client, commune, year: int = YEAR):
    return client.get(reverse("universal:commune", args=[commune.pk, year]))


def threshold_rows(response) -> list[str]:
    html = response.content.decode()
    table = re.search(r'data-testid="thresholds".*?</table>', html, re.S).group(0)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
            for row in re.findall(r"<tr data-indicator=.*?</tr>", table, re.S)]


def test_officer_sees_every_indicator_against_the_thresholds_of_each_level(client, registry, commune_officer):
    client.force_login(commune_officer)
    response = page(client, registry.new["24454"])
    assert response.status_code == 200
    lines = threshold_rows(response)
    entry = [line for line in lines if "primary_entry" in line]
    assert len(entry) == 3  # levels 1, 2 and 3 each ask for it
    assert "29 30 96.67% ≥ 98% not met" in entry[2] and "≥ 90% met" in entry[0]
    assert re.search(r'data-testid="level-primary">level 2 of 3', response.content.decode())


def test_the_page_explains_what_a_level_needs(client, registry, commune_officer):
    client.force_login(commune_officer)
    html = page(client, registry.new["24454"]).content.decode()
    assert "it needs Universal primary education level 1 ✓" in html
    assert "primary_entry 96.67% &lt; 98%" in html


def test_splits_by_sex_and_by_kinh_and_minorities_are_shown(client, registry, commune_officer):
    client.force_login(commune_officer)
    html = page(client, registry.new["24454"]).content.decode()
    row = re.search(r'data-testid="indicators".*?<tr data-indicator="mn5_attend">(.*?)</tr>', html,
                    re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    # 10 Kinh boys attend; 9 of the 10 Ê-đê girls do
    assert "19 20 95%" in text and "100% 10/10" in text and "90% 9/10" in text
    assert "Ê-đê" in html


def test_links_lead_to_the_persons_behind_each_number(client, registry, commune_officer):
    client.force_login(commune_officer)
    html = page(client, registry.new["24454"]).content.decode()
    commune = registry.new["24454"]
    assert reverse("universal:members", args=[commune.pk, YEAR, "primary_entry", "numerator"]) in html
    assert reverse("universal:members", args=[commune.pk, YEAR, "primary_entry", "denominator"]) in html


def test_special_difficulties_lower_a_threshold_on_the_page(client, registry, commune_officer):
    flag(registry.new["24454"])
    client.force_login(commune_officer)
    response = page(client, registry.new["24454"])
    assert 'data-testid="dbkk"' in response.content.decode()
    complete_11 = [line for line in threshold_rows(response) if "primary_complete_11" in line]
    assert "≥ 70% met" in complete_11[0]


def test_district_viewer_reads_the_commune_page(client, registry, district_viewer):
    client.force_login(district_viewer)
    response = page(client, registry.new["24454"])
    assert response.status_code == 200 and "Attested conditions" in response.content.decode()


@pytest.mark.parametrize("persona", ["neighbour_officer", "roleless_user"])
def test_neighbour_and_roleless_are_refused(request, client, registry, persona):
    client.force_login(request.getfixturevalue(persona))
    assert page(client, registry.new["24454"]).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(client, registry):
    assert page(client, registry.new["24454"]).status_code == 302


def test_a_commune_is_read_only_on_the_map_of_its_years(client, registry, commune_officer):
    client.force_login(commune_officer)
    assert page(client, registry.new["24454"], 2024).status_code == 403
    assert page(client, registry.legacy["24451"], 2024).status_code == 200


def test_a_commune_without_survey_records_says_so(client, registry, commune_officer):
    client.force_login(commune_officer)
    response = page(client, registry.new["24454"], 2025)
    assert 'data-testid="no-records"' in response.content.decode()


def test_two_years_side_by_side(client, registry, commune_officer):
    cohort(registry.new["24454"], 2025, 10, age=5)  # nobody attends preschool in 2025
    client.force_login(commune_officer)
    response = client.get(reverse("universal:compare", args=[registry.new["24454"].pk]),
                          {"first": 2025, "second": YEAR})
    html = response.content.decode()
    assert response.status_code == 200
    table = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(r'data-testid="compare".*?</table>',
                                                                    html, re.S).group(0)))
    assert "2025" in table and "2026" in table
    assert "0% (0/10)" in table and "95% (19/20)" in table
    assert "0/1 1/1" in table  # preschool level: 0 in 2025, 1 in 2026


def test_a_year_before_the_reform_points_to_the_merged_communes(client, registry, commune_officer):
    client.force_login(commune_officer)
    response = client.get(reverse("universal:compare", args=[registry.new["24454"].pk]),
                          {"first": 2024, "second": YEAR})
    html = response.content.decode()
    assert "not on the map of that year" in html
    assert reverse("universal:commune", args=[registry.legacy["24451"].pk, 2024]) in html


def test_neighbour_cannot_compare_the_other_commune(client, registry, neighbour_officer):
    client.force_login(neighbour_officer)
    response = client.get(reverse("universal:compare", args=[registry.new["24454"].pk]))
    assert response.status_code == 403
