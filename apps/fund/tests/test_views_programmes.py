"""Programmes and disbursements in the pages: the treasurer proposes, the proposer's own approval
is refused with the reason, the association officer approves, the treasurer pays."""

from __future__ import annotations

import pytest

from apps.fund import services, verify
from apps.fund.models import Disbursement, DisbursementStatus, JournalEntry, Programme
from apps.fund.tests.test_views import TODAY, client_for, url


@pytest.fixture
def programme(fund, treasurer):
    services.post_donation(treasurer, fund, amount=2_000_000, donor_name="A", purpose="Học bổng")
    return services.create_programme(treasurer, fund, kind="scholarship", name="Học bổng học sinh nghèo",
                                     year=TODAY.year, purpose="Học bổng", standard_amount=500_000)


@pytest.fixture
def student(dang_kang):
    from apps.people import testing as people

    return people.person(people.household(dang_kang, "H020"), "02", birth_year=2013,
                         full_name="H' Lan Êban")


def propose(client, fund, programme, **data):
    form = {"beneficiary_name": "Nguyễn Thị Hoa", "amount": "500000", "method": "cash"}
    form.update(data)
    return client.post(url("programme", fund.pk, programme.pk), form)


def test_the_treasurer_creates_a_programme_with_criteria(fund, treasurer):
    client = client_for(treasurer)
    response = client.post(url("programmes", fund.pk), {
        "kind": "award", "name": "Khen thưởng học sinh giỏi", "year": TODAY.year,
        "criteria": "Học sinh giỏi cấp huyện trở lên", "standard_amount": "300.000"})
    programme = Programme.objects.get()
    assert response["Location"] == url("programme", fund.pk, programme.pk)
    assert programme.standard_amount == 300_000 and programme.criteria.startswith("Học sinh giỏi")
    bad = client.post(url("programmes", fund.pk), {"kind": "award", "name": "X", "year": TODAY.year,
                                                  "standard_amount": "300.5"})
    assert bad.status_code == 200 and bad.context["form"].errors["standard_amount"]


def test_propose_approve_by_another_and_pay(fund, programme, treasurer, association_officer, student):
    thuquy, hoikh = client_for(treasurer), client_for(association_officer)
    page = thuquy.get(url("programme", fund.pk, programme.pk), {"q": "Lan"})
    assert page.context["persons"] == [student]
    response = propose(thuquy, fund, programme, beneficiary_person=student.pk, beneficiary_name="")
    assert response.status_code == 302
    item = Disbursement.objects.get()
    assert item.beneficiary_person == student and item.proposed_by == treasurer

    own = thuquy.post(url("disbursement_approve", item.pk), follow=True)
    assert "another person must approve it" in own.content.decode()
    item.refresh_from_db()
    assert item.status == DisbursementStatus.PROPOSED

    # A person of the registry: no approval before the consent to processing is recorded.
    refused = hoikh.post(url("disbursement_approve", item.pk), follow=True)
    assert "consent" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == DisbursementStatus.PROPOSED
    assert thuquy.get(url("disbursement_consent", item.pk)).status_code == 200
    consent = thuquy.post(url("disbursement_consent", item.pk), {"given_by": "Êban Y Khoa (cha)",
                                                                 "processing": "on"})
    assert consent.status_code == 302
    item.refresh_from_db()
    assert item.consent_processing and not item.consent_public and item.consent_recorded_by == treasurer

    assert hoikh.post(url("disbursement_approve", item.pk)).status_code == 302
    item.refresh_from_db()
    assert item.status == DisbursementStatus.APPROVED and item.approved_by == association_officer

    assert thuquy.post(url("disbursement_pay", item.pk), {"date": TODAY.isoformat()}).status_code == 302
    item.refresh_from_db()
    assert item.status == DisbursementStatus.PAID and item.entry is not None
    listing = thuquy.get(url("beneficiaries", fund.pk, programme.pk))
    assert listing.context["total"] == 500_000 and "H&#x27; Lan Êban" in listing.content.decode()
    assert verify.faults(fund) == []


def test_a_payment_beyond_the_restricted_money_is_refused(fund, programme, treasurer, association_officer):
    thuquy = client_for(treasurer)
    propose(thuquy, fund, programme, amount="2.500.000")
    item = Disbursement.objects.get()
    services.approve_disbursement(association_officer, item)
    response = thuquy.post(url("disbursement_pay", item.pk), {"date": TODAY.isoformat()}, follow=True)
    assert "beyond" in response.content.decode()
    item.refresh_from_db()
    assert item.status == DisbursementStatus.APPROVED
    assert JournalEntry.objects.filter(kind="disbursement").count() == 0


def test_a_proposal_refuses_bad_amounts(fund, programme, treasurer):
    thuquy = client_for(treasurer)
    for amount in ("500000.5", "0", "-1"):
        response = propose(thuquy, fund, programme, amount=amount)
        assert response.status_code == 200 and response.context["form"].errors["amount"]
    assert not Disbursement.objects.exists()


def test_rejection_needs_a_reason(fund, programme, treasurer, association_officer):
    services.propose_disbursement(treasurer, programme, amount=500_000, beneficiary_name="B")
    item = Disbursement.objects.get()
    hoikh = client_for(association_officer)
    hoikh.post(url("disbursement_reject", item.pk), {"reason": ""})
    item.refresh_from_db()
    assert item.status == DisbursementStatus.PROPOSED
    hoikh.post(url("disbursement_reject", item.pk), {"reason": "Không đúng đối tượng"})
    item.refresh_from_db()
    assert item.status == DisbursementStatus.REJECTED and item.rejection_reason == "Không đúng đối tượng"


def test_outsiders_cannot_act_on_disbursements(fund, programme, treasurer, neighbour_treasurer,
                                               district_viewer):
    services.propose_disbursement(treasurer, programme, amount=500_000, beneficiary_name="Nguyễn Thị Hoa")
    item = Disbursement.objects.get()
    assert client_for(neighbour_treasurer).post(url("disbursement_approve", item.pk)).status_code == 404
    assert client_for(neighbour_treasurer).get(url("programme", fund.pk, programme.pk)).status_code == 404
    viewer = client_for(district_viewer)
    assert viewer.post(url("disbursement_approve", item.pk)).status_code == 403
    assert propose(viewer, fund, programme).status_code == 403
    page = viewer.get(url("programme", fund.pk, programme.pk)).content.decode()
    assert "N. T. Hoa" in page and "Nguyễn Thị Hoa" not in page
    item.refresh_from_db()
    assert item.status == DisbursementStatus.PROPOSED and Disbursement.objects.count() == 1
