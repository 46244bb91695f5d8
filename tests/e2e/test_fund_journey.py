"""A treasurer records a donation and prints its receipt, proposes a scholarship that the
association officer approves, pays it, closes the quarter and publishes its statement."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-pass-123"


def last_ended_quarter() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    end = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


@pytest.fixture
def dang_kang_fund(krong_bong):
    """The fund of Xã Dang Kang, its treasurer (thuquy), its association officer (hoikh), a pupil."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment
    from apps.fund import services
    from apps.organisations.models import Organisation, OrganisationKind
    from apps.people import testing as people

    dang_kang = krong_bong.new["24454"]
    Organisation.objects.create(unit=dang_kang, name="Hội Khuyến học xã Dang Kang",
                                kind=OrganisationKind.ASSOCIATION)
    fund = services.create_fund(None, code="DK", name="Quỹ khuyến học xã Dang Kang", unit=dang_kang)
    people.person(people.household(dang_kang, "H001", "Buôn Cuê"), "03", birth_year=2013,
                  full_name="Y Bhăm Niê")
    users = get_user_model().objects
    for username, role in (("thuquy", "fund_treasurer"), ("hoikh", "association_officer")):
        RoleAssignment.objects.create(user=users.create_user(username, password=PASSWORD), role=role,
                                      unit=dang_kang)
    return fund


def test_a_year_of_the_fund_in_the_browser(browser, page, live_server, dang_kang_fund):
    from apps.fund import verify
    from apps.fund.models import Donation

    fund = dang_kang_fund
    start, end = last_ended_quarter()
    day = end - dt.timedelta(days=20)
    base = live_server.url

    # The treasurer records a donation; a decimal amount is refused first, nothing posted.
    login(page, live_server, "thuquy", PASSWORD)
    page.goto(f"{base}/fund/")
    page.click("[data-testid=fund-list] a:has-text('Quỹ khuyến học xã Dang Kang')")
    page.click("[data-testid=record-donation]")
    page.fill("#id_donor_name", "Công ty TNHH Cà phê Krông Bông")
    page.fill("#id_amount", "2000000,5")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_purpose", "Học bổng")
    page.click("[data-testid=donation-form] button[type=submit]")
    assert page.is_visible("[data-testid=form-errors]")
    assert "đồng" in page.inner_text("[data-testid=donation-form] .errorlist")
    assert not Donation.objects.exists()
    page.fill("#id_amount", "2.000.000")
    page.click("[data-testid=donation-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/fund/\d+/receipts/\d+/"))
    number = page.inner_text("[data-testid=receipt-number]").strip()
    assert number == f"{day.year}/000001"
    assert page.inner_text("[data-testid=receipt-words]").strip() == "Hai triệu đồng"

    # Its printable receipt.
    pdf = page.request.get(base + page.get_attribute("[data-testid=receipt-pdf]", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body()[:5] == b"%PDF-"

    # A scholarship programme and a proposal for a pupil found in the registry.
    page.goto(f"{base}/fund/{fund.pk}/programmes/")
    page.select_option("#id_kind", "scholarship")
    page.fill("#id_name", "Học bổng học sinh nghèo vượt khó")
    page.fill("#id_year", str(day.year))
    page.fill("#id_criteria", "Học sinh thuộc hộ nghèo, học lực khá trở lên")
    page.fill("#id_purpose", "Học bổng")
    page.fill("#id_standard_amount", "500.000")
    page.click("[data-testid=programme-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/fund/\d+/programmes/\d+/$"))
    programme_url = page.url
    page.fill("[data-testid=person-q]", "Bhăm")
    page.click("[data-testid=person-search] button[type=submit]")
    page.click("[data-testid=choose-person]")
    assert "Y Bhăm Niê" in page.inner_text("[data-testid=chosen-person]")
    assert page.input_value("#id_amount") == "500000"
    page.click("[data-testid=disbursement-form] button[type=submit]")
    page.wait_for_selector("[data-testid=disbursements] tr[data-status=proposed]")

    # The proposer may not approve it: the page says why.
    page.click("[data-testid=approve]")
    page.wait_for_selector(".messages li.error")
    assert page.is_visible("[data-testid=disbursements] tr[data-status=proposed]")

    # The guardian's consent to the processing is recorded (never pre-ticked) before approval.
    page.click("[data-testid=consent]")
    page.fill("#id_given_by", "Niê Y Khoa (cha)")
    assert not page.is_checked("#id_processing") and not page.is_checked("#id_public")
    page.check("#id_processing")
    page.click("[data-testid=consent-form] button[name=record]")
    page.wait_for_url(programme_url)

    # The association officer approves it, in a browser of their own.
    context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 800})
    officer = context.new_page()
    officer.set_default_timeout(15000)
    login(officer, live_server, "hoikh", PASSWORD)
    officer.goto(programme_url)
    officer.click("[data-testid=approve]")
    officer.wait_for_selector("[data-testid=disbursements] tr[data-status=approved]")
    context.close()

    # The treasurer pays it within the quarter, closes the quarter and publishes its statement.
    page.goto(programme_url)
    page.fill("[data-testid=disbursements] input[name=date]", (day + dt.timedelta(days=5)).isoformat())
    page.click("[data-testid=pay]")
    page.wait_for_selector("[data-testid=disbursements] tr[data-status=paid]")

    page.goto(f"{base}/fund/{fund.pk}/periods/")
    assert page.input_value("[data-testid=close-period] input[name=day]") == end.isoformat()
    page.click("[data-testid=close-period] button[type=submit]")
    page.wait_for_url(re.compile(r"/fund/\d+/periods/\d+/statement/"))
    assert page.is_visible("[data-testid=balanced]")
    assert "2.000.000" in page.inner_text("[data-testid=total-receipts]")
    assert "500.000" in page.inner_text("[data-testid=total-payments]")
    statement = page.request.get(base + page.get_attribute("[data-testid=statement-pdf]", "href"))
    assert statement.status == 200 and statement.body()[:5] == b"%PDF-"
    page.click("[data-testid=publish] button[type=submit]")
    page.wait_for_selector("[data-testid=published]")
    page.goto(f"{base}/fund/{fund.pk}/published/")
    assert page.locator("[data-testid=published-periods] tbody tr").count() == 1
    assert fund.periods.get(start=start).is_closed and fund.periods.get(start=start).is_published
    assert verify.faults(fund) == []
