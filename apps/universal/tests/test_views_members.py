"""The persons behind an indicator's numerator and denominator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.universal.tests.test_views_support import YEAR, build_dang_kang, named_child


@pytest.fixture
def registry(krong_bong):
    build_dang_kang(krong_bong.new["24454"])
    named_child(krong_bong.new["24454"])
    return krong_bong


def url(registry, indicator: str = "mn5_attend", part: str = "numerator", year: int = YEAR) -> str:
    return reverse("universal:members", args=[registry.new["24454"].pk, year, indicator, part])


def test_officer_sees_the_names_of_those_counted_and_the_view_is_logged(client, registry, commune_officer):
    client.force_login(commune_officer)
    response = client.get(url(registry))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Y Bih Niê" in html and "20 persons" in html
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert entry.user == commune_officer and entry.unit_path == registry.new["24454"].path
    assert entry.after["indicator"] == "mn5_attend" and len(entry.after["persons"]) == 20


def test_the_denominator_lists_the_whole_cohort(client, registry, commune_officer):
    client.force_login(commune_officer)
    assert "21 persons" in client.get(url(registry, part="denominator")).content.decode()
    # moved away: never in a cohort
    assert "30 persons" in client.get(url(registry, "primary_entry", "denominator")).content.decode()


def test_viewer_above_sees_codes_but_no_names_and_nothing_is_logged(client, registry, district_viewer):
    client.force_login(district_viewer)
    response = client.get(url(registry))
    html = response.content.decode()
    assert response.status_code == 200 and "20 persons" in html
    assert "Y Bih Niê" not in html and "Nguyễn Văn A" not in html and "K01" in html
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()


def test_the_list_is_paginated(client, registry, commune_officer, settings):
    settings.PAGE_SIZE = 8
    client.force_login(commune_officer)
    first = client.get(url(registry)).content.decode()
    third = client.get(url(registry), {"page": 3}).content.decode()
    assert first.count("<tr><td>") == 8 and third.count("<tr><td>") == 4
    assert len(AuditEntry.objects.get(action=AuditEntry.Action.VIEW, after__page=3).after["persons"]) == 4


@pytest.mark.parametrize("persona", ["neighbour_officer", "roleless_user"])
def test_neighbour_and_roleless_see_nobody(request, client, registry, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(registry)).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(client, registry):
    assert client.get(url(registry)).status_code == 302


@pytest.mark.parametrize("indicator, part", [("mn5_swim", "numerator"), ("mn5_attend", "everyone")])
def test_an_unknown_indicator_or_part_is_not_found(client, registry, commune_officer, indicator, part):
    client.force_login(commune_officer)
    assert client.get(url(registry, indicator, part)).status_code == 404
