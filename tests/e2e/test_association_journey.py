"""An association officer founds a branch in a village, lists a member, and sees the figures change."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2026


@pytest.fixture
def dang_kang_association(krong_bong):
    """Xã Dang Kang with its Hội Khuyến học, two villages of present persons, and its association officer."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment
    from apps.organisations.models import Organisation, OrganisationKind
    from apps.people import testing as people

    dang_kang = krong_bong.new["24454"]
    Organisation.objects.create(unit=dang_kang, name="Hội Khuyến học xã Dang Kang",
                                kind=OrganisationKind.ASSOCIATION)
    first = people.household(dang_kang, "H001", "Thôn 1")
    second = people.household(dang_kang, "H002", "Buôn Cuê")
    people.person(first, "01", birth_year=1975, year=YEAR, full_name="H'Hen Niê")
    people.person(first, "02", birth_year=1978, year=YEAR, full_name="Y Bhim Êban")
    people.person(second, "01", birth_year=1980, year=YEAR, full_name="Trần Văn Quang")
    user = get_user_model().objects.create_user("hoikh", password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role="association_officer", unit=dang_kang)
    return dang_kang


def _commune_row(page) -> str:
    return page.inner_text("[data-testid=association-units] tbody tr:has-text('Xã Dang Kang')")


def test_officer_founds_a_branch_adds_a_member_and_sees_the_figures(page, live_server, dang_kang_association):
    login(page, live_server, "hoikh", "demo-pass-123")
    page.click("[data-testid=lang-en]")
    page.goto(f"{live_server.url}/association/?year={YEAR}")
    row = _commune_row(page)
    assert "0 / 2" in row  # no village has a branch yet
    assert "0 / 3" in row  # no member among three present persons

    page.click("[data-testid=association-units] a:has-text('Xã Dang Kang')")
    page.click("[data-testid=new-branch]")
    page.select_option("#id_village", label="Thôn 1")
    page.fill("#id_founded_on", "2024-10-02")
    page.click("[data-testid=branch-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/association/branches/\d+/"))
    assert "Chi hội khuyến học Thôn 1" in page.inner_text("h1")

    page.fill("[data-testid=person-query]", "Niê")
    page.locator("[data-testid=person-results] li:has-text(\"H'Hen Niê\") button").click()
    page.wait_for_url(re.compile(r"/members/add/"))
    # The member's consent: nothing ticked in advance; without it the member is refused.
    boxes = page.locator("[data-testid=member-form] input[type=checkbox]")
    assert boxes.count() == 2 and not any(boxes.nth(n).is_checked() for n in range(2))
    page.fill("[data-testid=member-form] #id_consent_given_on", "2026-01-10")
    page.fill("[data-testid=member-form] #id_consent_evidence", "Phiếu đồng ý số 1")
    page.click("[data-testid=member-form] button[type=submit]")
    assert "consent" in page.inner_text("[data-testid=member-form] [role=alert]")
    page.check("[data-testid=member-form] #id_consent_membership")
    page.check("[data-testid=member-form] #id_consent_registry_link")
    page.click("[data-testid=member-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/association/branches/\d+/"))
    assert "H'Hen Niê" in page.inner_text("[data-testid=members]")
    page.fill("[data-testid=member-by-name] #id_full_name", "Y Moan Knul")
    page.check("[data-testid=member-by-name] #id_consent_membership")
    page.fill("[data-testid=member-by-name] #id_consent_given_on", "2026-01-10")
    page.fill("[data-testid=member-by-name] #id_consent_evidence", "Phiếu đồng ý số 2")
    page.click("[data-testid=member-by-name] button[type=submit]")
    assert "Y Moan Knul" in page.inner_text("[data-testid=members]")

    # Y Moan Knul withdraws the consent: the name leaves the list, the member stays counted.
    page.locator("[data-testid=members] tr:has-text('Y Moan Knul') a:has-text('Consent')").click()
    page.fill("[data-testid=withdraw-form] #id_evidence", "Đơn rút lại đồng ý")
    page.click("[data-testid=withdraw-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/association/branches/\d+/"))
    members = page.inner_text("[data-testid=members]")
    assert "Y Moan Knul" not in members and "consent withdrawn" in members

    page.goto(f"{live_server.url}/association/?year={YEAR}")
    row = _commune_row(page)
    assert "1 / 2" in row  # Thôn 1 has a branch now
    assert "2 / 3" in row  # two members over three present persons

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/association/metrics/?unit={dang_kang_association.pk}&year={YEAR}")
    table = page.locator("[data-testid=association-metrics]")
    assert "Thôn 1" in table.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1  # usable on a phone: no sideways scrolling of the page
