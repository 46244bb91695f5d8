"""The live subject search (HTMX: only the results come back) and the village filter of a campaign."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.recognition import services
from apps.recognition.tests.test_views_support import HEAD, english_interface, family  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_search_answers_htmx_with_the_results_only(client, commune_officer, campaign, dang_kang):
    family(dang_kang, "H007")
    client.force_login(commune_officer)
    url = reverse("recognition:subject_search", args=[campaign.pk])
    page = client.get(url, {"q": "H00"})
    html = page.content.decode()
    assert "<html" in html and 'hx-get="' in html and 'id="subject-results"' in html and "H007" in html
    fragment = client.get(url, {"q": "H00"}, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "<html" not in text and "H007" in text and 'data-testid="subject-results"' in text
    assert "HX-Request" in fragment["Vary"]
    assert "H007" not in client.get(url, {"q": "H9"}, headers={"HX-Request": "true"}).content.decode()


def test_the_search_stays_closed_to_others(client, neighbour_officer, district_viewer, campaign):
    url = reverse("recognition:subject_search", args=[campaign.pk])
    client.force_login(neighbour_officer)
    assert client.get(url, {"q": "H"}, headers={"HX-Request": "true"}).status_code == 404
    client.force_login(district_viewer)
    assert client.get(url, {"q": "H"}, headers={"HX-Request": "true"}).status_code == 403


def test_the_registrations_are_filtered_by_village(client, commune_officer, campaign, dang_kang):
    first = family(dang_kang, "H001", village="Thôn 1")
    second = family(dang_kang, "H002", village="Thôn 2")
    for home in (first, second):
        services.register(campaign, home, commune_officer)
    client.force_login(commune_officer)
    url = reverse("recognition:campaign", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="village-filter"' in page and "H001" in page and "H002" in page
    page = client.get(url, {"village": second.village.pk}).content.decode()
    assert "H002" in page and "H001" not in page
    assert "H001" in client.get(url, {"village": "nonsense"}).content.decode()  # ignored, all shown
