"""The services of the fund: postings, receipts, bad input refused with nothing posted."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.core.errors import DomainError
from apps.fund import ledger, services, verify
from apps.fund.models import (
    AppendOnlyError,
    Disbursement,
    DisbursementStatus,
    Donation,
    EntryLine,
    JournalEntry,
)
from apps.people import testing as people

TODAY = timezone.localdate()
LAST_YEAR = dt.date(TODAY.year - 1, 5, 10)


def _nothing_posted(fund) -> None:
    assert not JournalEntry.objects.filter(fund=fund).exists()
    assert not Donation.objects.filter(fund=fund).exists()
    assert all(balance == 0 for balance in ledger.account_balances(fund).values())


def test_a_donation_posts_a_balanced_entry_and_numbers_its_receipt(fund, treasurer):
    first = services.post_donation(treasurer, fund, amount="1.000.000", donor_name="Nguyễn Văn An")
    second = services.post_donation(treasurer, fund, amount=200_000, anonymous=True, purpose="Học bổng")
    assert (first.receipt_number, second.receipt_number) == (f"{TODAY.year}/000001", f"{TODAY.year}/000002")
    assert ledger.account_balances(fund)["cash"] == 1_200_000
    assert ledger.account_balances(fund)["restricted_income"] == -200_000
    assert ledger.available(fund, "Học bổng") == 200_000
    assert first.entry.posted_by == treasurer
    assert verify.faults(fund) == []


def test_receipts_are_numbered_per_fund_and_year(fund, hoa_son_fund, treasurer):
    old = services.post_donation(None, fund, amount=1, donor_name="A", date=LAST_YEAR)
    new = services.post_donation(None, fund, amount=1, donor_name="A")
    other = services.post_donation(None, hoa_son_fund, amount=1, donor_name="A")
    assert old.receipt_number == f"{LAST_YEAR.year}/000001"
    assert new.receipt_number == other.receipt_number == f"{TODAY.year}/000001"


@pytest.mark.parametrize("amount", [0, -5, "0", "-1000", "1000.5", "1.000,5", "1,000", 1000.0, "12a", "",
                                    None, True, "1.00"])
def test_bad_amounts_are_refused_with_nothing_posted(fund, treasurer, amount):
    with pytest.raises(DomainError) as error:
        services.post_donation(treasurer, fund, amount=amount, donor_name="A")
    assert error.value.column == "amount"
    assert error.value.vietnamese and error.value.english
    _nothing_posted(fund)


@pytest.mark.parametrize(("text", "value"), [("1000", 1000), ("1.000.000", 1_000_000),
                                             ("1 000 000", 1_000_000), (" 500000 ", 500_000)])
def test_amounts_may_group_thousands(text, value):
    assert services.parse_amount(text) == value


def test_an_unknown_donor_reference_is_refused(fund, treasurer):
    with pytest.raises(DomainError) as error:
        services.post_donation(treasurer, fund, amount=1000, donor_person=999_999)
    assert error.value.column == "donor_person"
    _nothing_posted(fund)


def test_a_person_out_of_scope_is_an_unknown_donor(fund, treasurer, krong_bong):
    home = people.household(krong_bong.new["24481"], "H9")
    stranger = people.person(home, "01", birth_year=1970, full_name="Trần Thị Bình")
    with pytest.raises(DomainError):
        services.post_donation(treasurer, fund, amount=1000, donor_person=stranger.pk)
    neighbour = people.person(people.household(fund.unit, "H1"), "01", birth_year=1970, full_name="Lê Văn C")
    donation = services.post_donation(treasurer, fund, amount=1000, donor_person=neighbour)
    assert donation.donor_name == "Lê Văn C"


def test_a_donor_is_required_and_single(fund, treasurer):
    with pytest.raises(DomainError):
        services.post_donation(treasurer, fund, amount=1000)
    with pytest.raises(DomainError):
        services.post_donation(treasurer, fund, amount=1000, donor_name="A", anonymous=True)
    _nothing_posted(fund)


def test_a_future_date_is_refused(fund, treasurer):
    with pytest.raises(DomainError) as error:
        services.post_donation(treasurer, fund, amount=1000, donor_name="A",
                               date=TODAY + dt.timedelta(days=1))
    assert error.value.column == "date"


def test_a_gift_in_kind_is_booked_at_its_stated_value_but_not_as_money(fund, treasurer):
    with pytest.raises(DomainError):
        services.post_donation(treasurer, fund, amount=300_000, donor_name="A", method="in_kind")
    gift = services.post_donation(treasurer, fund, amount=300_000, donor_name="A", method="in_kind",
                                  in_kind_description="30 bộ sách giáo khoa")
    assert gift.receipt_number.endswith("000001")
    assert ledger.account_balances(fund)["in_kind"] == 300_000
    assert ledger.available(fund) == 0


def test_a_closed_period_refuses_postings(fund, treasurer):
    services.post_donation(treasurer, fund, amount=1000, donor_name="A", date=LAST_YEAR)
    period = services.close_period(treasurer, fund, LAST_YEAR)
    assert period.closed_by == treasurer and period.start <= LAST_YEAR <= period.end
    with pytest.raises(DomainError) as error:
        services.post_donation(treasurer, fund, amount=1000, donor_name="B", date=LAST_YEAR)
    assert error.value.column == "date"
    assert Donation.objects.filter(fund=fund).count() == 1
    with pytest.raises(DomainError):
        services.close_period(treasurer, fund, LAST_YEAR)
    with pytest.raises(DomainError):
        services.close_period(treasurer, fund, TODAY)  # the current quarter has not ended
    # The next receipt of that year was not consumed by the refused posting.
    assert services.post_donation(None, fund, amount=1, donor_name="C",
                                  date=dt.date(LAST_YEAR.year, 12, 1)).receipt_seq == 2


def test_entries_and_lines_are_append_only(fund, treasurer):
    entry = services.post_donation(treasurer, fund, amount=1000, donor_name="A").entry
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).update(memo="x")
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().delete()
    line = entry.lines.first()
    with pytest.raises(AppendOnlyError):
        line.save()
    with pytest.raises(AppendOnlyError):
        EntryLine.objects.filter(entry=entry).update(debit=1)
    with pytest.raises(AppendOnlyError):
        EntryLine.objects.filter(entry=entry).delete()


def test_a_reversal_undoes_an_entry_once_with_a_reason(fund, treasurer):
    donation = services.post_donation(treasurer, fund, amount=50_000, donor_name="A")
    with pytest.raises(DomainError):
        services.reverse_entry(donation.entry, "  ", treasurer)
    reversal = services.reverse_entry(donation.entry, "Ghi nhầm số tiền", treasurer)
    assert reversal.reverses == donation.entry and reversal.reason == "Ghi nhầm số tiền"
    assert ledger.available(fund) == 0
    with pytest.raises(DomainError):
        services.reverse_entry(donation.entry, "again", treasurer)
    with pytest.raises(DomainError):
        services.reverse_entry(reversal, "undo the undo", treasurer)
    assert verify.faults(fund) == []


def test_a_reversal_may_not_take_spent_money_back(fund, treasurer, association_officer):
    donation = services.post_donation(treasurer, fund, amount=100_000, donor_name="A")
    programme = services.create_programme(treasurer, fund, kind="award", name="Khen thưởng", year=TODAY.year)
    paid = services.pay_disbursement(treasurer, services.approve_disbursement(
        association_officer, services.propose_disbursement(treasurer, programme, amount=80_000,
                                                           beneficiary_name="Em A")))
    with pytest.raises(DomainError):
        services.reverse_entry(donation.entry, "Nhầm", treasurer)
    services.reverse_entry(paid.entry, "Chi nhầm", treasurer)
    paid.refresh_from_db()
    assert paid.status == DisbursementStatus.REVERSED
    assert ledger.available(fund) == 100_000


def test_maker_checker(fund, treasurer, association_officer):
    services.post_donation(treasurer, fund, amount=1_000_000, donor_name="A", purpose="Học bổng")
    programme = services.create_programme(treasurer, fund, kind="scholarship", name="Học bổng vượt khó",
                                          year=TODAY.year, purpose="Học bổng", standard_amount="500.000")
    proposal = services.propose_disbursement(treasurer, programme, amount=500_000,
                                             beneficiary_name="Y Bhin Niê")
    with pytest.raises(DomainError) as error:
        services.approve_disbursement(treasurer, proposal)
    assert error.value.column == "approved_by"
    with pytest.raises(DomainError):
        services.reject_disbursement(treasurer, proposal, "Không đủ điều kiện")
    with pytest.raises(DomainError):
        services.pay_disbursement(treasurer, proposal)  # not approved yet
    approved = services.approve_disbursement(association_officer, proposal)
    assert approved.approved_by == association_officer
    paid = services.pay_disbursement(treasurer, approved)
    assert paid.status == DisbursementStatus.PAID
    assert ledger.available(fund, "Học bổng") == 500_000
    with pytest.raises(DomainError):
        services.pay_disbursement(treasurer, paid)


def test_a_disbursement_beyond_the_restricted_balance_is_refused(fund, treasurer, association_officer):
    services.post_donation(treasurer, fund, amount=1_000_000, donor_name="A")  # unrestricted
    services.post_donation(treasurer, fund, amount=300_000, donor_name="B", purpose="Học bổng")
    programme = services.create_programme(treasurer, fund, kind="scholarship", name="HB", year=TODAY.year,
                                          purpose="Học bổng")
    proposal = services.approve_disbursement(association_officer, services.propose_disbursement(
        treasurer, programme, amount=400_000, beneficiary_name="Em B"))
    with pytest.raises(DomainError) as error:
        services.pay_disbursement(treasurer, proposal)
    assert error.value.column == "amount"
    proposal.refresh_from_db()
    assert proposal.status == DisbursementStatus.APPROVED and proposal.entry is None
    assert JournalEntry.objects.filter(fund=fund, kind="disbursement").count() == 0


def test_pledges_and_their_payments(fund, treasurer):
    pledge = services.record_pledge(treasurer, fund, amount=1_000_000, donor_name="Công ty A")
    assert ledger.account_balances(fund)["pledges"] == 1_000_000
    payment = services.pay_pledge(treasurer, pledge, amount=600_000)
    assert payment.pledge == pledge and payment.receipt_seq == 1
    with pytest.raises(DomainError):
        services.pay_pledge(treasurer, pledge, amount=500_000)
    assert services.pledge_outstanding(pledge) == 400_000
    assert ledger.account_balances(fund)["pledges"] == 400_000
    with pytest.raises(DomainError):  # the receivable would go below zero
        services.reverse_entry(pledge.entry, "Hủy cam kết", treasurer)
    assert verify.faults(fund) == []


def test_a_failure_midway_leaves_nothing(fund, treasurer):
    with mock.patch.object(Donation.objects, "create", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        services.post_donation(treasurer, fund, amount=1000, donor_name="A")
    _nothing_posted(fund)
    assert services.post_donation(treasurer, fund, amount=1000, donor_name="A").receipt_seq == 1


def test_a_failure_after_the_payment_entry_leaves_nothing(fund, treasurer, association_officer):
    services.post_donation(treasurer, fund, amount=1000, donor_name="A")
    programme = services.create_programme(treasurer, fund, kind="support", name="Hỗ trợ", year=TODAY.year)
    approved = services.approve_disbursement(association_officer, services.propose_disbursement(
        treasurer, programme, amount=1000, beneficiary_name="Em C"))
    crash = mock.patch.object(Disbursement, "save", side_effect=RuntimeError("crash"))
    with crash, pytest.raises(RuntimeError):
        services.pay_disbursement(treasurer, approved)
    assert JournalEntry.objects.filter(fund=fund).count() == 1
    assert ledger.available(fund) == 1000
    assert verify.faults(fund) == []


def test_the_fund_is_held_by_the_unit_association(dang_kang, krong_bong):
    from apps.fund.tests.conftest import committee

    with pytest.raises(DomainError) as error:
        services.create_fund(None, code="X", name="Quỹ", unit=dang_kang)
    assert error.value.column == "holder"
    other = committee(krong_bong.new["24481"], "Hội Khuyến học xã Hòa Sơn")
    with pytest.raises(DomainError):
        services.create_fund(None, code="X", name="Quỹ", unit=dang_kang, holder=other)
    committee(dang_kang, "Hội Khuyến học xã Dang Kang")
    fund = services.create_fund(None, code="X", name="Quỹ", unit=dang_kang)
    assert fund.accounts.count() == 10
    with pytest.raises(DomainError):
        services.create_fund(None, code="x", name="Quỹ khác", unit=dang_kang)
    with pytest.raises(DomainError):
        services.create_fund(None, code="bad code!", name="Quỹ", unit=dang_kang)


def test_postings_are_in_the_audit_trail(fund, treasurer):
    from apps.accounts.models import AuditEntry

    donation = services.post_donation(treasurer, fund, amount=1000, donor_name="Nguyễn Văn An")
    trail = AuditEntry.objects.filter(model__in=["fund.JournalEntry", "fund.Donation", "fund.EntryLine"])
    assert trail.count() == 4
    assert set(trail.values_list("unit_path", flat=True)) == {fund.unit.path}
    assert trail.get(model="fund.Donation").object_repr == f"DK {donation.receipt_number}"


def test_honour_levels(fund, treasurer):
    level = services.set_honour_level(treasurer, fund, name="Vàng", minimum="10.000.000")
    again = services.set_honour_level(treasurer, fund, name="Kim cương", minimum=10_000_000)
    assert level.pk == again.pk and again.name == "Kim cương"
    with pytest.raises(DomainError):
        services.set_honour_level(treasurer, fund, name="Bạc", minimum=0)


def test_system_callers_cannot_approve(fund, treasurer):
    programme = services.create_programme(None, fund, kind="award", name="KT", year=TODAY.year)
    proposal = services.propose_disbursement(treasurer, programme, amount=1000, beneficiary_name="A")
    with pytest.raises(PermissionDenied):
        services.approve_disbursement(None, proposal)
