"""Other expenses, the cap on management costs (NĐ 93/2019 Art. 37.2), transfers cash ↔ bank."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.core.errors import DomainError
from apps.fund import expenses, ledger, services, verify
from apps.fund import statement as disclosure
from apps.fund.models import Expense, JournalEntry

TODAY = timezone.localdate()
LAST_YEAR = dt.date(TODAY.year - 1, 5, 10)


@pytest.fixture
def funded(fund, treasurer):
    """10,000,000 đồng of money received last year, and a gift in kind that does not count."""
    services.post_donation(treasurer, fund, amount=6_000_000, donor_name="A", date=LAST_YEAR)
    services.post_donation(treasurer, fund, amount=4_000_000, donor_name="B", date=LAST_YEAR, method="bank")
    services.post_donation(treasurer, fund, amount=50_000_000, donor_name="C", date=LAST_YEAR,
                           method="in_kind", in_kind_description="Xe đạp")
    return fund


def test_the_cap_is_five_percent_of_the_years_money_receipts_to_the_dong(funded, treasurer):
    assert expenses.cap_status(funded, LAST_YEAR.year)["limit"] == 500_000
    expenses.post_expense(treasurer, funded, amount=300_000, description="Văn phòng phẩm", date=LAST_YEAR)
    with pytest.raises(DomainError) as refused:
        expenses.post_expense(treasurer, funded, amount=200_001, description="Tiếp khách", date=LAST_YEAR)
    assert refused.value.column == "decision" and "5%" in refused.value.english
    assert Expense.objects.count() == 1
    expenses.post_expense(treasurer, funded, amount=200_000, description="Tiếp khách", date=LAST_YEAR)
    figures = expenses.cap_status(funded, LAST_YEAR.year)
    assert (figures["management_costs"], figures["left"], figures["left_needed"]) == (500_000, 0, 500_000)
    assert verify.faults(funded) == []


def test_up_to_ten_percent_needs_a_decision_and_never_more(funded, treasurer):
    with pytest.raises(DomainError):
        expenses.post_expense(treasurer, funded, amount=1_000_000, description="Sổ sách", date=LAST_YEAR)
    expenses.post_expense(treasurer, funded, amount=1_000_000, description="Sổ sách", date=LAST_YEAR,
                          decision="05/QĐ-HKH")
    with pytest.raises(DomainError) as refused:
        expenses.post_expense(treasurer, funded, amount=1, description="Tem", date=LAST_YEAR,
                              decision="05/QĐ-HKH")
    assert "10%" in refused.value.english
    # Expenses that are not management costs are not capped, only bounded by the money held.
    expenses.post_expense(treasurer, funded, amount=2_000_000, description="Mua sách cho thư viện",
                          date=LAST_YEAR, management_cost=False)


def test_a_reversed_cost_frees_the_cap_and_a_reversed_donation_shrinks_it(funded, treasurer):
    cost = expenses.post_expense(treasurer, funded, amount=500_000, description="Văn phòng phẩm",
                                 date=LAST_YEAR)
    services.reverse_entry(cost.entry, "Nhập nhầm", treasurer)
    assert expenses.cap_status(funded, LAST_YEAR.year)["management_costs"] == 0
    assert expenses.cap_status(funded, TODAY.year)["receipts"] == 0
    with pytest.raises(DomainError):  # nothing received this year: no management cost at all
        expenses.post_expense(treasurer, funded, amount=1, description="Tem", date=TODAY)


def test_an_expense_is_a_payment_of_the_statement(funded, treasurer):
    expenses.post_expense(treasurer, funded, amount=400_000, description="Văn phòng phẩm", date=LAST_YEAR,
                          payee="Cửa hàng Minh", voucher="PC-01")
    year = (dt.date(LAST_YEAR.year, 1, 1), dt.date(LAST_YEAR.year, 12, 31))
    result = disclosure.statement(funded, *year, personal=True)
    assert result.total_payments == 400_000 and result.balances
    assert [(row.label, row.party, row.note) for row in result.payments] == [
        ("Văn phòng phẩm", "Cửa hàng Minh", "PC-01")]
    public = disclosure.statement(funded, *year)  # the payee may be a person: not published
    assert [(row.label, row.party, row.note) for row in public.payments] == [("Văn phòng phẩm", "", "PC-01")]
    assert disclosure.totals(funded)["expenses_total"] == 400_000


def test_bad_expenses_are_refused_with_nothing_posted(funded, treasurer, neighbour_treasurer):
    before = JournalEntry.objects.count()
    cases = [
        {"amount": 0}, {"amount": "1000.5"}, {"amount": -5}, {"description": ""},
        {"method": "in_kind"}, {"purpose": "Học bổng"},  # a management cost from restricted money
        {"date": TODAY + dt.timedelta(days=1)},
        {"management_cost": False, "amount": 20_000_000},  # beyond the money held
    ]
    for case in cases:
        arguments = {"amount": 1_000, "description": "Tem", "date": LAST_YEAR, **case}
        with pytest.raises(DomainError):
            expenses.post_expense(treasurer, funded, **arguments)
    with pytest.raises(PermissionDenied):
        expenses.post_expense(neighbour_treasurer, funded, amount=1_000, description="Tem", date=LAST_YEAR)
    assert JournalEntry.objects.count() == before and not Expense.objects.exists()


def test_an_expense_into_a_closed_period_is_refused(funded, treasurer):
    services.close_period(treasurer, funded, LAST_YEAR)
    with pytest.raises(DomainError) as refused:
        expenses.post_expense(treasurer, funded, amount=1_000, description="Tem", date=LAST_YEAR)
    assert refused.value.column == "date"


def test_a_transfer_moves_money_between_cash_and_bank_within_its_restriction(funded, treasurer):
    services.post_donation(treasurer, funded, amount=700_000, donor_name="D", purpose="Học bổng",
                           date=LAST_YEAR)
    expenses.transfer(treasurer, funded, amount=5_000_000, source="cash", date=LAST_YEAR)
    expenses.transfer(treasurer, funded, amount=700_000, source="cash", purpose="Học bổng", date=LAST_YEAR)
    expenses.transfer(treasurer, funded, amount=1_000_000, source="bank", date=LAST_YEAR)
    assert ledger.available(funded, "", "cash") == 2_000_000
    assert ledger.available(funded, "", "bank") == 8_000_000
    assert ledger.available(funded, "Học bổng", "bank") == 700_000
    with pytest.raises(DomainError):  # the unrestricted cash is 2,000,000
        expenses.transfer(treasurer, funded, amount=2_000_001, source="cash", date=LAST_YEAR)
    with pytest.raises(DomainError):
        expenses.transfer(treasurer, funded, amount=1, source="in_kind", date=LAST_YEAR)
    result = disclosure.statement(funded, dt.date(LAST_YEAR.year, 1, 1), dt.date(LAST_YEAR.year, 12, 31))
    assert result.balances and result.total_payments == 0
    assert verify.faults(funded) == []
