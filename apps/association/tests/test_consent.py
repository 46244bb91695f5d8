"""The member's consent (personal-data.md: the association is a social organisation, so the names it
keeps for its own purposes need consent per purpose, recorded, never pre-ticked, withdrawable)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from apps.association import services
from apps.association.models import Member, MemberConsent
from apps.association.tests.helpers import NAME_CONSENT, PERSON_CONSENT
from apps.core.errors import DomainError
from apps.metrics import services as metric_services

YEAR = 2026


@pytest.fixture
def branch(association_officer, villages):
    return services.create_branch(association_officer, village=villages[0].unit, founded_on="2019-03-01")


def test_a_member_without_consent_is_refused(association_officer, branch, villages):
    person = villages[0].persons[0]
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, person=person)
    assert error.value.column == "consent_purposes"
    # A registry person needs the link's consent too, not only the list's.
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, person=person, consents=NAME_CONSENT)
    assert error.value.column == "consent_purposes"
    bad = [services.ConsentGiven("membership", None, "Phiếu")]
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, full_name="Y Moan", consents=bad)
    assert error.value.column == "consent_given_on"
    bad = [services.ConsentGiven("membership", "2026-01-10", "  ")]
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, full_name="Y Moan", consents=bad)
    assert error.value.column == "consent_evidence"
    bad = [services.ConsentGiven("membership", dt.date(2099, 1, 1), "Phiếu")]
    with pytest.raises(DomainError):
        services.add_member(association_officer, branch, YEAR, full_name="Y Moan", consents=bad)
    assert not Member.objects.exists() and not MemberConsent.objects.exists()


def test_the_consent_is_recorded_with_who_when_and_evidence(association_officer, branch, villages):
    member = services.add_member(association_officer, branch, YEAR, person=villages[0].persons[0],
                                 consents=PERSON_CONSENT)
    rows = list(member.consents.order_by("purpose"))
    assert [(c.purpose, c.given_on, c.evidence, c.created_by) for c in rows] == [
        ("membership", dt.date(2026, 1, 10), "Phiếu đồng ý số 12", association_officer),
        ("registry_link", dt.date(2026, 1, 10), "Phiếu đồng ý số 12", association_officer)]
    assert member.consent_state == "given"


def test_a_withdrawal_hides_the_name_everywhere_and_keeps_the_count(association_officer, branch, villages,
                                                                    dang_kang):
    person = villages[0].persons[0]
    last_year = services.add_member(association_officer, branch, YEAR - 1, person=person,
                                    consents=PERSON_CONSENT)
    member = services.add_member(association_officer, branch, YEAR, person=person, consents=PERSON_CONSENT)
    assert services.withdraw_consent(association_officer, member, "membership", on="2026-11-02",
                                     evidence="Đơn rút lại đồng ý ngày 02/11/2026") == 2
    for row in (member, last_year):
        row.refresh_from_db()
        assert row.consent_state == "withdrawn"
    client = Client()
    client.force_login(association_officer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("association:branch", args=[branch.pk]), {"year": YEAR}).content.decode()
    assert person.full_name not in page and "consent withdrawn" in page
    body = client.get(f"/api/v1/association/branches/{branch.pk}/members?year={YEAR}").json()
    assert body["members"] == [{"id": member.pk, "branch_id": branch.pk, "year": YEAR, "person_id": None,
                                "full_name": None, "joined_on": None, "note": None, "consent": "withdrawn"}]
    metric_services.recompute_stale()
    from apps.association import metrics
    assert metric_services.values(metrics.MEMBER_SHARE, YEAR)[dang_kang.pk].num == 1  # still counted
    # Withdrawn members are not carried into the next year's list.
    assert services.copy_members(association_officer, branch, YEAR + 1, today=dt.date(2026, 12, 1)) == 0
    with pytest.raises(DomainError):  # nothing left to withdraw
        services.withdraw_consent(association_officer, member, "membership", evidence="again")
    with pytest.raises(DomainError) as error:
        services.withdraw_consent(association_officer, member, "registry_link", evidence="")
    assert error.value.column == "withdrawal_evidence"


def test_copy_carries_the_consents(association_officer, branch, villages):
    services.add_member(association_officer, branch, YEAR - 1, full_name="Y Moan", consents=NAME_CONSENT)
    assert services.copy_members(association_officer, branch, YEAR) == 1
    carried = Member.objects.get(year=YEAR)
    assert carried.consent_state == "given"
    assert carried.consents.get().evidence == "Phiếu đồng ý số 13"


def test_a_member_listed_before_consents_is_counted_but_not_named_until_consent(
        association_officer, branch, villages):
    legacy = Member.objects.create(branch=branch, year=YEAR, full_name="Y Cũ", name_key="y cu")
    assert legacy.consent_state == "missing"
    client = Client()
    client.force_login(association_officer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("association:branch", args=[branch.pk]), {"year": YEAR}).content.decode()
    assert "Y Cũ" not in page and "consent not recorded" in page
    url = reverse("association:member_consent", args=[legacy.pk])
    assert "Y Cũ" in client.get(url).content.decode()  # the manager sees whom to ask
    response = client.post(url, {"action": "record", "consent_given_on": "2026-03-01",
                                 "consent_evidence": "Phiếu"})
    assert response.status_code == 400  # nothing ticked
    response = client.post(url, {"action": "record", "consent_membership": "on",
                                 "consent_given_on": "2026-03-01", "consent_evidence": "Phiếu số 9"})
    assert response.status_code == 302
    legacy.refresh_from_db()
    assert legacy.consent_state == "given"
    page = client.get(reverse("association:branch", args=[branch.pk]), {"year": YEAR}).content.decode()
    assert "Y Cũ" in page
    response = client.post(url, {"action": "withdraw", "purpose": "membership", "withdrawn_on": "2026-11-20",
                                 "evidence": "Thư ngày 20/11/2026"})
    assert response.status_code == 302
    assert "Y Cũ" not in client.get(url).content.decode()


def test_the_consent_boxes_are_never_ticked_in_advance(client, association_officer, branch, villages):
    client.force_login(association_officer)
    page = client.get(reverse("association:branch", args=[branch.pk]), {"year": YEAR}).content.decode()
    boxes = re.findall(r'<input type="checkbox"[^>]*name="consent_[^"]*"[^>]*>', page)
    assert boxes and not any("checked" in box for box in boxes)
    person = villages[0].persons[0]
    form = client.get(reverse("association:member_add", args=[branch.pk]),
                      {"person": person.pk, "year": YEAR}).content.decode()
    boxes = re.findall(r'<input type="checkbox"[^>]*name="consent_[^"]*"[^>]*>', form)
    assert len(boxes) == 2 and not any("checked" in box for box in boxes)
    # Posting without the boxes adds nothing and says why.
    response = client.post(reverse("association:member_add", args=[branch.pk]), {
        "year": YEAR, "person": person.pk, "consent_given_on": "2026-01-10", "consent_evidence": "Phiếu"})
    assert response.status_code == 400 and not Member.objects.exists()
    assert "consent" in response.content.decode()


def test_the_api_refuses_a_member_without_consent_and_records_a_withdrawal(association_officer, branch):
    client = Client()
    client.force_login(association_officer)
    url = f"/api/v1/association/branches/{branch.pk}/members"
    response = client.post(url, {"year": YEAR, "full_name": "Y Moan"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "consent_purposes"
    consents = [{"purpose": "membership", "given_on": "2026-01-10", "evidence": "Phiếu số 4"}]
    response = client.post(url, {"year": YEAR, "full_name": "Y Moan", "consents": consents},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["consent"] == "given"
    member_id = response.json()["id"]
    listed = client.get(f"/api/v1/association/members/{member_id}/consents").json()
    assert [(c["purpose"], c["evidence"], c["recorded_by"]) for c in listed] == [
        ("membership", "Phiếu số 4", "hoikh")]
    response = client.post(f"/api/v1/association/members/{member_id}/consents/withdraw",
                           {"purpose": "membership", "evidence": "Thư rút lại"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()[0]["withdrawn_on"] is not None


def test_others_cannot_read_or_write_consents(association_officer, commune_officer, neighbour_officer,
                                              branch):
    member = services.add_member(association_officer, branch, YEAR, full_name="Y Moan",
                                 consents=NAME_CONSENT)
    for user, status in ((commune_officer, 403), (neighbour_officer, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/api/v1/association/members/{member.pk}/consents").status_code == status
        assert client.get(reverse("association:member_consent", args=[member.pk])).status_code == status
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(commune_officer, member, "membership", evidence="x")
