"""A commune runs a "Gia đình học tập" campaign in the browser, from registration to certificate.

The commune officer opens the campaign, registers every household of a village,
scores them from the registry, completes one by hand; the association officer
(another user: maker–checker) approves it; the officer issues the decision and
downloads the certificate.
"""

from __future__ import annotations

import copy
import re

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2026


@pytest.fixture
def dang_kang_campaign_data(krong_bong, commune_officer):
    """A small complete criteria set, two households of Thôn 1 in Xã Dang Kang, the association officer."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment
    from apps.recognition import services
    from apps.recognition.tests.conftest import SMALL_SET
    from apps.recognition.tests.test_views_support import family

    dang_kang = krong_bong.new["24454"]
    criteria_set = services.load_criteria_set(copy.deepcopy(SMALL_SET))
    family(dang_kang, "H001", head="Y Blốk Niê")
    family(dang_kang, "H002", head="Trần Văn Quang", child_enrolled=False)
    family(dang_kang, "H003", head="Lê Thị Hoa", village="Thôn 2")
    checker = get_user_model().objects.create_user("hoikh", password="demo-pass-123")
    RoleAssignment.objects.create(user=checker, role="association_officer", unit=dang_kang)
    return dang_kang, criteria_set


def test_a_commune_runs_a_campaign_to_the_certificate(page, browser, live_server, dang_kang_campaign_data):
    dang_kang, criteria_set = dang_kang_campaign_data
    login(page, live_server, "dangkang", "demo-pass-123")

    # Open the campaign.
    page.goto(f"{live_server.url}/recognition/")
    form = page.locator("[data-testid=campaign-form]")
    form.locator("select[name=title]").select_option("gdht")
    form.locator("input[name=year]").fill(str(YEAR))
    form.locator("select[name=commune]").select_option(str(dang_kang.pk))
    form.locator("select[name=criteria_set]").select_option(str(criteria_set.pk))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/recognition/campaigns/\d+/$"))
    campaign_url = page.url
    assert page.is_visible("[data-testid=illustrative]")

    # Register the village's households, then score them from the registry.
    page.locator("[data-testid=register-village] select").select_option(label="Thôn 1")
    page.click("[data-testid=register-village] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=registrations] tbody tr[data-status]").count() == 2

    # A household of another village, found by the live search (results come as one types).
    page.click("[data-testid=subject-search-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/subjects/"))
    page.locator("[data-testid=subject-query]").press_sequentially("H003", delay=50)
    page.wait_for_selector("[data-testid=subject-results] li:has-text('Lê Thị Hoa')")
    assert "/subjects/" in page.url
    page.click("[data-testid=subject-results] li:has-text('Lê Thị Hoa') button")
    page.wait_for_url(re.compile(r"/recognition/registrations/\d+/$"))
    page.goto(campaign_url)
    assert page.locator("[data-testid=registrations] tbody tr[data-status]").count() == 3
    page.locator("[data-testid=village-filter] select").select_option(label="Thôn 2")
    page.click("[data-testid=village-filter] button[type=submit]")
    page.wait_for_url(re.compile(r"village="))
    rows = page.locator("[data-testid=registrations] tbody tr[data-status]")
    assert rows.count() == 1 and "Lê Thị Hoa" in rows.inner_text()
    page.goto(campaign_url)
    page.click("[data-testid=autoscore]")
    page.wait_for_load_state()

    # The household whose child is out of school fails 1a, with the child as evidence.
    page.click("[data-testid=registrations] a:has-text('Trần Văn Quang')")
    page.wait_for_url(re.compile(r"/recognition/registrations/\d+/$"))
    assert "0" in page.inner_text("[data-testid=points-1a]")
    page.goto(campaign_url)

    # Complete the other household by hand.
    page.click("[data-testid=registrations] a:has-text('Y Blốk Niê')")
    page.wait_for_url(re.compile(r"/recognition/registrations/\d+/$"))
    registration_url = page.url
    page.fill("input[name=score_1b]", "8")
    page.fill("input[name=score_2b]", "7")
    page.click("[data-testid=save-scores]")
    page.wait_for_load_state()
    assert page.get_attribute("[data-testid=registration-status]", "data-status") == "scored"
    assert "35" in page.inner_text("[data-testid=total]")
    # Maker–checker: the scorer cannot approve, and is told why.
    assert page.is_disabled("[data-testid=approve]")
    assert page.is_visible("[data-testid=approve-reason]")

    # Another user approves.
    context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 800})
    checker = context.new_page()
    checker.set_default_timeout(15000)
    login(checker, live_server, "hoikh", "demo-pass-123")
    checker.goto(registration_url)
    assert checker.is_enabled("[data-testid=approve]")
    checker.click("[data-testid=approve]")
    checker.wait_for_load_state()
    assert checker.get_attribute("[data-testid=registration-status]", "data-status") == "approved"
    context.close()

    # The officer issues the decision, which locks the campaign.
    page.goto(campaign_url)
    page.click("[data-testid=decide]")
    page.wait_for_url(re.compile(r"/decision/$"))
    page.fill("input[name=number]", "25/QĐ-UBND")
    page.fill("input[name=date]", f"{YEAR}-11-30")
    page.fill("input[name=signer]", "Nguyễn Văn Chủ")
    assert page.locator("[data-testid=decision-candidates] input[type=checkbox]").count() == 1
    page.click("[data-testid=decision-form] button[type=submit]")
    page.wait_for_url(campaign_url)
    assert page.get_attribute("[data-testid=campaign-status]", "data-locked") == "true"
    assert not page.is_visible("[data-testid=autoscore]")

    # And downloads the certificate.
    page.goto(registration_url)
    with page.expect_download() as download_info:
        page.click("[data-testid=certificate]")
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
