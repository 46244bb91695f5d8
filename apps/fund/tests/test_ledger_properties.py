"""Ledger invariants under random sequences of donations, disbursements, other expenses, transfers
between cash and bank, and reversals."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import DomainError
from apps.fund import expenses, ledger, services, verify
from apps.fund.models import Donation, JournalEntry

PURPOSES = ["", "Học bổng", "Khen thưởng"]
amounts = st.integers(min_value=1, max_value=5_000_000)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("donate"), amounts, st.sampled_from(PURPOSES), st.sampled_from(["cash", "bank"])),
        st.tuples(st.just("disburse"), amounts, st.sampled_from(PURPOSES), st.sampled_from(["cash", "bank"])),
        st.tuples(st.just("expense"), amounts, st.sampled_from(PURPOSES), st.sampled_from(["cash", "bank"])),
        st.tuples(st.just("transfer"), amounts, st.sampled_from(PURPOSES), st.sampled_from(["cash", "bank"])),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30)),
        st.tuples(st.just("bad"), st.sampled_from([0, -1, "1000.5", "1.000,5"])),
    ),
    max_size=20,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_random_postings_keep_the_books_sound(fund, treasurer, association_officer, steps):
    with transaction.atomic():
        programmes = {purpose: services.create_programme(treasurer, fund, kind="scholarship",
                                                         name=f"HB {purpose}", year=2026, purpose=purpose)
                      for purpose in PURPOSES}
        expected: dict[str, int] = defaultdict(int)  # money per restriction, by our own reckoning
        effects: list[tuple[JournalEntry, str, int]] = []
        receipts = 0
        for step in steps:
            try:
                if step[0] == "donate":
                    _, amount, purpose, method = step
                    donation = services.post_donation(treasurer, fund, amount=amount, donor_name="A",
                                                      purpose=purpose, method=method)
                    receipts += 1
                    effects.append((donation.entry, purpose, amount))
                    expected[purpose] += amount
                elif step[0] == "disburse":
                    _, amount, purpose, method = step
                    proposal = services.propose_disbursement(treasurer, programmes[purpose], amount=amount,
                                                             beneficiary_name="B", method=method)
                    approved = services.approve_disbursement(association_officer, proposal)
                    paid = services.pay_disbursement(treasurer, approved)
                    effects.append((paid.entry, purpose, -amount))
                    expected[purpose] -= amount
                elif step[0] == "expense":
                    _, amount, purpose, method = step
                    spent = expenses.post_expense(treasurer, fund, amount=amount, description="Sách",
                                                  purpose=purpose, method=method, management_cost=False)
                    effects.append((spent.entry, purpose, -amount))
                    expected[purpose] -= amount
                elif step[0] == "transfer":
                    _, amount, purpose, source = step
                    moved = expenses.transfer(treasurer, fund, amount=amount, source=source, purpose=purpose)
                    effects.append((moved, purpose, 0))
                elif step[0] == "reverse" and effects:
                    entry, purpose, money = effects.pop(step[1] % len(effects))
                    services.reverse_entry(entry, "Sai", treasurer)
                    expected[purpose] -= money
                elif step[0] == "bad":
                    services.post_donation(treasurer, fund, amount=step[1], donor_name="A")
                    raise AssertionError("a bad amount was accepted")
            except DomainError:
                pass  # refused: not enough money, or bad input; nothing may have been written
        assert verify.faults(fund) == []
        for purpose in PURPOSES:
            assert ledger.available(fund, purpose) == expected[purpose] >= 0
        assert Donation.objects.filter(fund=fund).count() == receipts
        assert sorted(Donation.objects.filter(fund=fund).values_list("receipt_seq", flat=True)) == \
            list(range(1, receipts + 1))
        assert sum(ledger.account_balances(fund).values()) == 0
        transaction.set_rollback(True)
