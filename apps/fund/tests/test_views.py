"""The fund's pages around the personas: the treasurer of Dang Kang posts, the association
officer approves, the neighbour treasurer of Hòa Sơn gets 404, the district viewer reads only,
an anonymous visitor is sent to the login page. Bad input is refused with nothing posted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.fund import programmes, services, verify
from apps.fund.models import Donation, JournalEntry, Pledge
from apps.people import testing as people

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
Q3 = dt.date(LAST_YEAR, 8, 15)  # a quarter long ended, so that it can be closed


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def thuquy(treasurer) -> Client:
    return client_for(treasurer)


@pytest.fixture
def student(dang_kang):
    return people.person(people.household(dang_kang, "H010"), "01", birth_year=2012,
                         full_name="Y Bhăm Niê")


def url(name: str, *args) -> str:
    return reverse(f"fund:{name}", args=args)


def donate(client: Client, fund, **data):
    form = {"donor_kind": "named", "donor_name": "Nguyễn Văn An", "amount": "500000", "method": "cash",
            "date": TODAY.isoformat()}
    form.update(data)
    return client.post(url("donation_create", fund.pk), form)


def nothing_posted(fund) -> None:
    assert not JournalEntry.objects.filter(fund=fund).exists()
    assert not Donation.objects.filter(fund=fund).exists()


# --- who sees what -----------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_the_login_page(fund):
    client = client_for(None)
    for address in (url("index"), url("detail", fund.pk), url("donation_create", fund.pk)):
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert donate(client, fund).status_code == 302
    nothing_posted(fund)


def test_the_treasurer_sees_the_fund_with_balances_per_restriction(fund, hoa_son_fund, treasurer, thuquy):
    services.post_donation(treasurer, fund, amount=300_000, donor_name="A", purpose="Học bổng")
    services.post_donation(treasurer, fund, amount=200_000, donor_name="B")
    page = thuquy.get(url("index"))
    assert page.status_code == 200
    assert [fund for fund, _figures in page.context["rows"]] == [fund]
    figures = page.context["rows"][0][1]
    assert figures["money"] == 500_000
    assert dict(figures["restrictions"]) == {"": 200_000, "Học bổng": 300_000}
    assert "500,000" in page.content.decode()
    detail = thuquy.get(url("detail", fund.pk))
    assert detail.status_code == 200 and detail.context["can_post"]
    assert detail.context["balances"]["money"] == {"": 200_000, "Học bổng": 300_000}


def test_the_neighbour_treasurer_gets_404_and_posts_nothing(fund, hoa_son_fund, neighbour_treasurer):
    client = client_for(neighbour_treasurer)
    assert [fund for fund, _f in client.get(url("index")).context["rows"]] == [hoa_son_fund]
    for name in ("detail", "donations", "donation_create", "ledger", "programmes", "periods", "honour"):
        assert client.get(url(name, fund.pk)).status_code == 404, name
    assert donate(client, fund).status_code == 404
    assert client.post(url("period_close", fund.pk), {"day": Q3.isoformat()}).status_code == 404
    nothing_posted(fund)


def test_the_district_viewer_reads_without_names_and_cannot_post(fund, treasurer, district_viewer):
    donation = services.post_donation(treasurer, fund, amount=100_000, donor_name="Trần Thị Bình")
    client = client_for(district_viewer)
    detail = client.get(url("detail", fund.pk))
    assert detail.status_code == 200 and not detail.context["can_post"]
    listing = client.get(url("donations", fund.pk)).content.decode()
    assert "Nhà hảo tâm" in listing and "Trần Thị Bình" not in listing
    receipt = client.get(url("receipt", fund.pk, donation.pk)).content.decode()
    assert donation.receipt_number in receipt and "Trần Thị Bình" not in receipt
    assert client.get(url("donation_create", fund.pk)).status_code == 403
    assert donate(client, fund).status_code == 403
    assert Donation.objects.count() == 1


def test_the_treasurer_sees_donor_names(fund, treasurer, thuquy):
    services.post_donation(treasurer, fund, amount=100_000, donor_name="Trần Thị Bình")
    assert "Trần Thị Bình" in thuquy.get(url("donations", fund.pk)).content.decode()


# --- donations ---------------------------------------------------------------------------------

def test_the_treasurer_records_a_donation_and_reaches_its_receipt(fund, thuquy):
    response = donate(thuquy, fund, amount="1.234.567", purpose="Học bổng")
    donation = Donation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("receipt", fund.pk, donation.pk)
    assert donation.amount == 1_234_567 and donation.purpose == "Học bổng"
    page = thuquy.get(response["Location"]).content.decode()
    assert donation.receipt_number in page
    assert "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng" in page
    assert verify.faults(fund) == []


@pytest.mark.parametrize("amount", ["1000.5", "1.000,5", "0", "-5000", "12a", "1,5"])
def test_the_form_refuses_bad_amounts_in_both_languages_and_posts_nothing(fund, thuquy, amount):
    response = donate(thuquy, fund, amount=amount)
    assert response.status_code == 200
    errors = response.context["form"].errors["amount"]
    assert errors and ("đồng" in errors[0])
    nothing_posted(fund)


def test_the_amount_message_is_bilingual_once_translated(fund, thuquy, monkeypatch):
    from apps.fund import forms

    monkeypatch.setattr(forms.DomainError, "vietnamese", property(lambda self: "Số tiền phải là số nguyên"))
    response = donate(thuquy, fund, amount="1000.5")
    [message] = response.context["form"].errors["amount"]
    assert message.startswith("Số tiền phải là số nguyên / ") and "no decimals" in message


def test_a_donation_needs_the_chosen_donor(fund, thuquy):
    assert donate(thuquy, fund, donor_name="").context["form"].errors["donor_name"]
    assert donate(thuquy, fund, donor_kind="person").context["form"].errors["donor_person"]
    nothing_posted(fund)


def test_a_person_of_the_registry_is_found_and_recorded_as_donor(fund, thuquy, student):
    page = thuquy.get(url("donation_create", fund.pk), {"q": "Bhăm"})
    assert page.context["persons"] == [student]
    chosen = thuquy.get(url("donation_create", fund.pk), {"donor_person": student.pk})
    assert chosen.context["chosen"] == student
    response = donate(thuquy, fund, donor_kind="person", donor_person=student.pk, donor_name="")
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.donor_person == student and donation.donor_name == "Y Bhăm Niê"


def test_the_district_viewer_cannot_search_names(fund, district_viewer, student):
    page = client_for(district_viewer).get(url("detail", fund.pk))
    assert page.status_code == 200
    from apps.fund.views import search_persons

    request = type("R", (), {"user": district_viewer})()
    assert search_persons(request, fund, "Bhăm") == []


def test_an_anonymous_gift_and_a_gift_in_kind(fund, thuquy):
    donate(thuquy, fund, donor_kind="anonymous", donor_name="")
    donate(thuquy, fund, method="in_kind", in_kind_description="50 bộ sách giáo khoa", amount="2.000.000")
    anonymous, in_kind = Donation.objects.order_by("receipt_seq")
    assert anonymous.donor_kind == "anonymous"
    assert "Nhà hảo tâm ẩn danh" in thuquy.get(url("receipt", fund.pk, anonymous.pk)).content.decode()
    assert in_kind.method == "in_kind" and in_kind.amount == 2_000_000
    assert donate(thuquy, fund, method="in_kind", in_kind_description="").context["form"].errors


def test_a_pledge_and_its_payment(fund, thuquy):
    response = thuquy.post(url("pledge_create", fund.pk), {
        "donor_kind": "named", "donor_name": "Công ty Cà phê Krông Bông", "amount": "3.000.000",
        "date": TODAY.isoformat()})
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert thuquy.post(url("pledge_pay", fund.pk, pledge.pk), {
        "amount": "4000000", "date": TODAY.isoformat(), "method": "cash"}).status_code == 200
    paid = thuquy.post(url("pledge_pay", fund.pk, pledge.pk), {
        "amount": "1000000", "date": TODAY.isoformat(), "method": "bank"})
    assert paid.status_code == 302
    assert services.pledge_outstanding(pledge) == 2_000_000
    assert Donation.objects.get().pledge == pledge
    listing = thuquy.get(url("donations", fund.pk))
    assert [owed for _p, _name, owed in listing.context["pledges"]] == [2_000_000]


# --- the ledger --------------------------------------------------------------------------------

def test_a_reversal_needs_a_reason_and_never_edits(fund, treasurer, thuquy):
    donation = services.post_donation(treasurer, fund, amount=700_000, donor_name="A")
    address = url("entry_reverse", fund.pk, donation.entry_id)
    assert thuquy.post(address, {"reason": "", "date": TODAY.isoformat()}).context["form"].errors["reason"]
    assert JournalEntry.objects.count() == 1
    response = thuquy.post(address, {"reason": "Ghi nhầm số tiền", "date": TODAY.isoformat()})
    assert response.status_code == 302
    reversal = JournalEntry.objects.get(reverses=donation.entry)
    assert reversal.reason == "Ghi nhầm số tiền"
    again = thuquy.post(address, {"reason": "Lần nữa", "date": TODAY.isoformat()})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    ledger = thuquy.get(url("ledger", fund.pk)).content.decode()
    assert f"reversed by #{reversal.pk}" in ledger
    receipt = thuquy.get(url("receipt", fund.pk, donation.pk)).content.decode()
    assert "Ghi nhầm số tiền" in receipt
    assert verify.faults(fund) == []


def test_the_ledger_page_keeps_its_query_count(fund, treasurer, thuquy, django_assert_max_num_queries):
    for index in range(15):
        services.post_donation(treasurer, fund, amount=1000 + index, donor_name=f"Người {index}")
    with django_assert_max_num_queries(20):
        assert thuquy.get(url("ledger", fund.pk)).status_code == 200


# --- periods and disclosure --------------------------------------------------------------------

def test_closing_a_period_locks_it_and_the_form_says_so(fund, treasurer, thuquy):
    services.post_donation(treasurer, fund, amount=900_000, donor_name="A", date=Q3)
    response = thuquy.post(url("period_close", fund.pk), {"day": Q3.isoformat()})
    period = fund.periods.get()
    assert period.is_closed
    assert response["Location"] == url("statement", fund.pk, period.pk)
    refused = donate(thuquy, fund, date=(Q3 + dt.timedelta(days=1)).isoformat())
    assert refused.status_code == 200 and refused.context["form"].errors["date"]
    assert Donation.objects.count() == 1
    again = thuquy.post(url("period_close", fund.pk), {"day": Q3.isoformat()}, follow=True)
    assert "closed already" in again.content.decode()


def test_the_statement_balances_and_hides_names_without_consent(fund, treasurer, association_officer,
                                                                thuquy, student):
    services.post_donation(treasurer, fund, amount=2_000_000, donor_name="Lê Văn Cường", date=Q3)
    services.post_donation(treasurer, fund, amount=500_000, donor_name="Phạm Thị Dung", date=Q3,
                           public_consent=True)
    programme = services.create_programme(treasurer, fund, kind="scholarship", name="Học bổng",
                                          year=LAST_YEAR)
    item = services.propose_disbursement(treasurer, programme, amount=500_000, beneficiary_person=student)
    programmes.record_consent(treasurer, item, given_by="Niê Văn Bố (cha)", processing=True, public=False)
    services.approve_disbursement(association_officer, item)
    services.pay_disbursement(treasurer, item, date=Q3)
    period = fund.periods.get()
    page = thuquy.get(url("statement", fund.pk, period.pk))
    result = page.context["statement"]
    assert result.balances and result.total_receipts == 2_500_000 and result.total_payments == 500_000
    text = page.content.decode()
    assert "Phạm Thị Dung" in text and "Lê Văn Cường" not in text and "Y. B. Niê" in text
    named = thuquy.get(url("statement", fund.pk, period.pk), {"names": "1"}).content.decode()
    assert "Lê Văn Cường" in named and "Y Bhăm Niê" in named
    year = thuquy.get(url("year_statement", fund.pk, LAST_YEAR))
    assert year.context["statement"].total_receipts == 2_500_000


def test_the_district_viewer_cannot_ask_for_names_on_the_statement(fund, treasurer, district_viewer):
    services.post_donation(treasurer, fund, amount=2_000_000, donor_name="Lê Văn Cường", date=Q3)
    period = fund.periods.get()
    page = client_for(district_viewer).get(url("statement", fund.pk, period.pk), {"names": "1"})
    assert "Lê Văn Cường" not in page.content.decode()


def test_the_honour_roll_follows_levels_and_consent(fund, treasurer, thuquy):
    organisation = fund.holder
    services.post_donation(treasurer, fund, amount=5_000_000, donor_organisation=organisation)
    services.post_donation(treasurer, fund, amount=3_000_000, donor_name="Phạm Thị Dung", public_consent=True)
    services.post_donation(treasurer, fund, amount=3_000_000, donor_name="Lê Văn Cường")
    services.post_donation(treasurer, fund, amount=2_000_000, anonymous=True)
    services.post_donation(treasurer, fund, amount=100_000, anonymous=True)
    assert thuquy.post(url("honour", fund.pk), {"name": "Vàng", "minimum": "3.000.000"}).status_code == 302
    assert thuquy.post(url("honour", fund.pk), {"name": "Bạc", "minimum": "1000000"}).status_code == 302
    assert thuquy.post(url("honour", fund.pk), {"name": "Đồng", "minimum": "1.5"}).status_code == 200
    rows = thuquy.get(url("honour", fund.pk)).context["rows"]
    assert [(row.name, row.level) for row in rows] == [
        (organisation.name, "Vàng"), ("Phạm Thị Dung", "Vàng"), ("Nhà hảo tâm ẩn danh", "Bạc")]


def test_the_viewer_cannot_set_honour_levels(fund, district_viewer):
    client = client_for(district_viewer)
    assert client.get(url("honour", fund.pk)).status_code == 200
    assert client.post(url("honour", fund.pk), {"name": "Vàng", "minimum": "1000"}).status_code == 403
    assert not fund.honour_levels.exists()


def test_a_reversed_pledge_is_owed_no_more(fund, treasurer, thuquy):
    pledge = services.record_pledge(treasurer, fund, amount=1_000_000, donor_name="A")
    services.reverse_entry(pledge.entry, "Nhà hảo tâm rút lại", treasurer)
    listing = thuquy.get(url("donations", fund.pk))
    assert [owed for _p, _name, owed in listing.context["pledges"]] == [0]


def test_the_fund_list_keeps_its_query_count(krong_bong, fund, hoa_son_fund, admin_user_,
                                             django_assert_max_num_queries):
    for item in (fund, hoa_son_fund):
        services.post_donation(None, item, amount=100_000, donor_name="A", purpose="Học bổng")
        services.post_donation(None, item, amount=50_000, donor_name="B")
    client = client_for(admin_user_)
    with django_assert_max_num_queries(12):
        page = client.get(url("index"))
    assert [figures["money"] for _fund, figures in page.context["rows"]] == [150_000, 150_000]
