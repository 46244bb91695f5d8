"""The fund's API around the personas: scoped reads, posts that need FUND, maker–checker,
closed periods; bad input refused (400/422) with nothing posted."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.core.testing import client_for
from apps.fund import services, verify
from apps.fund.models import Disbursement, DisbursementStatus, Donation, JournalEntry

TODAY = timezone.localdate()
Q3 = dt.date(TODAY.year - 1, 8, 15)


A_GIFT = {"amount": 1000, "donor_name": "A"}


def post(client: Client, path: str, data: dict):
    return client.post(f"/api/v1{path}", data, content_type="application/json")


def get(client: Client, path: str, **params):
    return client.get(f"/api/v1{path}", params)


def test_anonymous_gets_401(fund):
    assert Client().get("/api/v1/funds").status_code == 401
    assert post(Client(), f"/funds/{fund.pk}/donations", A_GIFT).status_code == 401


def test_the_treasurer_lists_posts_and_reads_the_balance(fund, hoa_son_fund, treasurer):
    client = client_for(treasurer)
    assert [item["code"] for item in get(client, "/funds").json()["items"]] == ["DK"]
    response = post(client, f"/funds/{fund.pk}/donations",
                    {"amount": "1.500.000", "donor_name": "Nguyễn Văn An", "purpose": "Học bổng"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["receipt_number"] == f"{TODAY.year}/000001" and body["amount"] == 1_500_000
    assert body["donor"] == "Nguyễn Văn An"
    post(client, f"/funds/{fund.pk}/donations", {"amount": 500_000, "anonymous": True})
    balance = get(client, f"/funds/{fund.pk}/balance").json()
    assert balance["balance"] == 2_000_000 and balance["donations_total"] == 2_000_000
    assert balance["money_by_restriction"] == {"": 500_000, "Học bổng": 1_500_000}
    receipt = get(client, f"/funds/{fund.pk}/donations/{body['id']}/receipt").json()
    assert receipt["amount_in_words"] == "Một triệu năm trăm nghìn đồng"
    donations = get(client, f"/funds/{fund.pk}/donations").json()
    assert donations["count"] == 2 and donations["items"][0]["donor"] == "Nhà hảo tâm ẩn danh"
    entries = get(client, f"/funds/{fund.pk}/entries").json()["items"]
    assert entries[0]["receipt_number"] == body["receipt_number"] and len(entries[0]["lines"]) == 2


@pytest.mark.parametrize("amount", [1000.5, 1000.0, "1000.5", "1.000,5", 0, -5000, "0", True, None, "abc"])
def test_bad_amounts_are_refused_and_nothing_is_posted(fund, treasurer, amount):
    response = post(client_for(treasurer), f"/funds/{fund.pk}/donations", {**A_GIFT, "amount": amount})
    assert response.status_code in (400, 422), response.content
    errors = response.json()["detail"]
    assert errors and all(error["field"].startswith("amount") and error["message_en"] for error in errors)
    assert not JournalEntry.objects.exists() and not Donation.objects.exists()


def test_an_unknown_donor_reference_is_refused(fund, treasurer):
    response = post(client_for(treasurer), f"/funds/{fund.pk}/donations",
                    {"amount": 1000, "donor_person_id": 999999})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "donor_person_id"
    assert not Donation.objects.exists()


def test_the_neighbour_gets_404_and_the_viewer_403(fund, treasurer, neighbour_treasurer, district_viewer):
    donation = services.post_donation(treasurer, fund, amount=100_000, donor_name="Trần Thị Bình")
    neighbour = client_for(neighbour_treasurer)
    assert get(neighbour, "/funds").json()["count"] == 0
    for path in (f"/funds/{fund.pk}", f"/funds/{fund.pk}/balance", f"/funds/{fund.pk}/donations",
                 f"/funds/{fund.pk}/donations/{donation.pk}/receipt", f"/funds/{fund.pk}/statement"):
        assert get(neighbour, path).status_code == 404, path
    assert post(neighbour, f"/funds/{fund.pk}/donations", A_GIFT).status_code == 404
    viewer = client_for(district_viewer)
    listed = get(viewer, f"/funds/{fund.pk}/donations").json()["items"]
    assert listed[0]["donor"] == "Nhà hảo tâm"
    assert post(viewer, f"/funds/{fund.pk}/donations", A_GIFT).status_code == 403
    assert post(viewer, f"/funds/{fund.pk}/entries/{donation.entry_id}/reverse",
                {"reason": "x"}).status_code == 403
    assert Donation.objects.count() == 1 and JournalEntry.objects.count() == 1


def test_reversal_needs_a_reason(fund, treasurer):
    donation = services.post_donation(treasurer, fund, amount=100_000, donor_name="A")
    client = client_for(treasurer)
    path = f"/funds/{fund.pk}/entries/{donation.entry_id}/reverse"
    assert post(client, path, {"reason": " "}).status_code == 400
    response = post(client, path, {"reason": "Ghi nhầm"})
    assert response.status_code == 201 and response.json()["reverses_id"] == donation.entry_id
    assert post(client, path, {"reason": "Lần nữa"}).status_code == 400
    assert verify.faults(fund) == []


def test_maker_checker_through_the_api(fund, treasurer, association_officer):
    thuquy, hoikh = client_for(treasurer), client_for(association_officer)
    post(thuquy, f"/funds/{fund.pk}/donations", {**A_GIFT, "amount": 1_000_000, "purpose": "Học bổng"})
    programme = post(thuquy, f"/funds/{fund.pk}/programmes", {
        "kind": "scholarship", "name": "Học bổng học sinh nghèo", "year": TODAY.year, "purpose": "Học bổng",
        "criteria": "Hộ nghèo, học lực khá"}).json()
    proposed = post(thuquy, f"/funds/{fund.pk}/programmes/{programme['id']}/disbursements",
                    {"amount": 600_000, "beneficiary_name": "Nguyễn Thị Hoa"})
    assert proposed.status_code == 201
    item = proposed.json()["id"]
    own = post(thuquy, f"/funds/{fund.pk}/disbursements/{item}/approve", {})
    assert own.status_code == 400 and own.json()["detail"][0]["field"] == "approved_by"
    assert post(hoikh, f"/funds/{fund.pk}/disbursements/{item}/approve", {}).json()["status"] == "approved"
    paid = post(thuquy, f"/funds/{fund.pk}/disbursements/{item}/pay", {})
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    second = post(thuquy, f"/funds/{fund.pk}/programmes/{programme['id']}/disbursements",
                  {"amount": 600_000, "beneficiary_name": "Trần Văn Nam"}).json()["id"]
    post(hoikh, f"/funds/{fund.pk}/disbursements/{second}/approve", {})
    beyond = post(thuquy, f"/funds/{fund.pk}/disbursements/{second}/pay", {})
    assert beyond.status_code == 400
    assert Disbursement.objects.get(pk=second).status == DisbursementStatus.APPROVED
    listed = get(thuquy, f"/funds/{fund.pk}/disbursements", status="paid").json()["items"]
    assert [row["beneficiary"] for row in listed] == ["Nguyễn Thị Hoa"]
    assert verify.faults(fund) == []


def test_periods_close_and_the_statement(fund, treasurer):
    client = client_for(treasurer)
    post(client, f"/funds/{fund.pk}/donations", {"amount": 800_000, "donor_name": "Lê Văn Cường",
                                                 "date": Q3.isoformat()})
    closed = post(client, f"/funds/{fund.pk}/periods/close", {"date": Q3.isoformat()})
    assert closed.status_code == 200 and closed.json()["closed"] is True
    late = post(client, f"/funds/{fund.pk}/donations", {"amount": 1000, "donor_name": "A",
                                                        "date": Q3.isoformat()})
    assert late.status_code == 400 and late.json()["detail"][0]["field"] == "date"
    assert post(client, f"/funds/{fund.pk}/periods/close", {"date": TODAY.isoformat()}).status_code == 400
    statement = get(client, f"/funds/{fund.pk}/statement", period_id=closed.json()["id"]).json()
    assert statement["balances"] and statement["closed"] and statement["receipts_total"] == 800_000
    assert statement["receipts"][0]["party"] == "Nhà hảo tâm"  # no consent: not named in public
    yearly = get(client, f"/funds/{fund.pk}/statement", year=Q3.year).json()
    assert yearly["closing"] == 800_000 and yearly["closed"] is False
    assert Donation.objects.count() == 1


def test_the_honour_roll(fund, treasurer):
    services.set_honour_level(treasurer, fund, name="Vàng", minimum=1_000_000)
    services.post_donation(treasurer, fund, amount=1_000_000, anonymous=True)
    services.post_donation(treasurer, fund, amount=2_000_000, donor_name="Phạm Thị Dung", public_consent=True)
    rows = get(client_for(treasurer), f"/funds/{fund.pk}/honour-roll").json()
    assert [(row["name"], row["anonymous"]) for row in rows] == [("Phạm Thị Dung", False),
                                                                  ("Nhà hảo tâm ẩn danh", True)]
