"""Editing a programme, and the beneficiary's consent on a disbursement (personal-data.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError
from apps.fund import programmes, services
from apps.fund import statement as disclosure
from apps.fund.models import Disbursement, DisbursementStatus, Programme
from apps.fund.tests.test_views import client_for
from apps.people import testing as people


@pytest.fixture
def programme(fund, treasurer) -> Programme:
    services.post_donation(treasurer, fund, amount=5_000_000, donor_name="A", purpose="Học bổng")
    return services.create_programme(treasurer, fund, kind="scholarship", name="Học bổng", year=2026,
                                     purpose="Học bổng")


@pytest.fixture
def student(dang_kang):
    return people.person(people.household(dang_kang, "H020"), "01", birth_year=2012, full_name="Y Bhăm Niê")


def test_a_programme_is_edited_and_audited(programme, treasurer, neighbour_treasurer):
    programmes.update_programme(treasurer, programme, criteria="Hộ nghèo", standard_amount="600.000")
    programme.refresh_from_db()
    assert (programme.criteria, programme.standard_amount) == ("Hộ nghèo", 600_000)
    assert AuditEntry.objects.filter(object_id=str(programme.pk)).count() >= 2
    with pytest.raises(PermissionDenied):
        programmes.update_programme(neighbour_treasurer, programme, active=False)
    programme = programmes.update_programme(treasurer, programme, active=False)
    with pytest.raises(DomainError):
        services.propose_disbursement(treasurer, programme, amount=500_000, beneficiary_name="B")


def test_the_restriction_is_fixed_once_money_is_committed(programme, treasurer, association_officer):
    programmes.update_programme(treasurer, programme, purpose="Học bổng")  # unchanged: allowed
    item = services.propose_disbursement(treasurer, programme, amount=500_000, beneficiary_name="B")
    programmes.update_programme(treasurer, programme, purpose="Khen thưởng")  # only proposed: allowed
    programmes.update_programme(treasurer, programme, purpose="Học bổng")
    services.approve_disbursement(association_officer, item)
    with pytest.raises(DomainError) as refused:
        programmes.update_programme(treasurer, programme, purpose="")
    assert refused.value.column == "purpose"


def test_approval_needs_recorded_consent_for_a_registry_person(programme, treasurer, association_officer,
                                                               student):
    item = services.propose_disbursement(treasurer, programme, amount=500_000, beneficiary_person=student)
    assert not item.consent_processing and not item.consent_public  # never pre-ticked
    with pytest.raises(DomainError) as refused:
        services.approve_disbursement(association_officer, item)
    assert refused.value.column == "consent"
    with pytest.raises(DomainError):  # named publicly needs processing as well
        programmes.record_consent(treasurer, item, given_by="Niê Y Khoa (cha)", processing=False, public=True)
    with pytest.raises(DomainError):
        programmes.record_consent(treasurer, item, given_by="", processing=True, public=False)
    with pytest.raises(PermissionDenied):
        programmes.record_consent(None, item, given_by="X", processing=True, public=False)
    item = programmes.record_consent(treasurer, item, given_by="Niê Y Khoa (cha)", processing=True,
                                     public=True)
    assert item.consent_recorded_by == treasurer and item.consent_recorded_at is not None
    item = services.pay_disbursement(treasurer, services.approve_disbursement(association_officer, item))
    start, end = item.entry.date, item.entry.date
    assert [row.party for row in disclosure.statement(programme.fund, start, end).payments] == ["Y Bhăm Niê"]
    item = programmes.withdraw_consent(association_officer, item)
    assert (item.consent_processing, item.consent_public) == (False, False)
    assert item.consent_withdrawn_by == association_officer and item.status == DisbursementStatus.PAID
    assert [row.party for row in disclosure.statement(programme.fund, start, end).payments] == ["Y. B. Niê"]
    with pytest.raises(DomainError):
        programmes.withdraw_consent(association_officer, item)


def test_a_name_only_beneficiary_needs_no_registry_consent(programme, treasurer, association_officer):
    item = services.propose_disbursement(treasurer, programme, amount=500_000, beneficiary_name="Ngoài sổ")
    assert services.approve_disbursement(association_officer, item).status == DisbursementStatus.APPROVED


def test_pages_and_api(programme, treasurer, district_viewer, neighbour_treasurer, student):
    fund = programme.fund
    client = client_for(treasurer)
    edit = reverse("fund:programme_edit", args=[fund.pk, programme.pk])
    assert client.get(edit).status_code == 200
    assert client_for(district_viewer).get(edit).status_code == 403
    assert client_for(neighbour_treasurer).get(edit).status_code == 404
    response = client.post(edit, {"criteria": "Khá giỏi", "purpose": "Học bổng", "standard_amount": "",
                                  "decision": "12/QĐ"})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.criteria, programme.active, programme.standard_amount) == ("Khá giỏi", False, None)
    patched = client.patch(f"/api/v1/funds/{fund.pk}/programmes/{programme.pk}", {"active": True},
                           content_type="application/json")
    assert patched.status_code == 200 and patched.json()["active"] is True
    programme.refresh_from_db()
    item = services.propose_disbursement(treasurer, programme, amount=500_000, beneficiary_person=student)
    url = f"/api/v1/funds/{fund.pk}/disbursements/{item.pk}/consent"
    assert client_for(district_viewer).post(url, {"given_by": "X", "processing": True},
                                            content_type="application/json").status_code == 403
    body = client.post(url, {"given_by": "Cha", "processing": True}, content_type="application/json").json()
    assert body["consent_processing"] is True and body["consent_public"] is False
    withdrawn = client.post(f"{url}/withdraw").json()
    assert withdrawn["consent_processing"] is False and withdrawn["consent_withdrawn_at"]
    page = client.post(reverse("fund:disbursement_consent", args=[item.pk]), {"given_by": "Cha"})
    assert page.status_code == 302  # nothing ticked: recorded as no consent to anything
    assert not Disbursement.objects.get(pk=item.pk).consent_processing
