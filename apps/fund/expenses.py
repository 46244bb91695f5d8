"""Other expenses of the fund (chi khác, among them the fund's management costs) and transfers
between cash and bank (nộp tiền vào ngân hàng, rút tiền về quỹ tiền mặt).

Both are postings through ``apps.fund.ledger`` (append-only, inside an open period, never
dated in the future, with the fund's row lock), under the contract of ``apps.fund.services``:
each function owns its transaction, needs FUND on the fund's unit, refuses bad input with a
``DomainError`` and writes nothing then.

The cap on management costs: NĐ 93/2019/NĐ-CP Art. 37.2 (shared/domain/fund.md) — management
costs at most **5 %** of the year's receipts, excluding gifts in kind, state-commissioned money
and donations earmarked for named recipients; **10 %** at most where needed. Here:

- the year is the calendar year of the expense's date; the receipts are the money donations
  (pledge payments included) dated in that year and not reversed, as recorded when the cost is
  posted — gifts in kind are excluded; the books hold neither state-commissioned money nor gifts
  for named recipients, so nothing else is excluded (restricted gifts count: their purpose is a
  use, not a named recipient);
- the management costs of the year (not reversed), with the new one, may reach 5 % of that;
  above 5 % and up to 10 % only with the number of the decision that it is needed
  (``decision``); above 10 % never. Integer arithmetic: ``100 × costs ≤ 5 × receipts``;
- a management cost is paid from unrestricted money only: money given for a purpose is spent on
  that purpose.

fund.md asks the board to approve yearly plans and settlements (Art. 38.1), not each expense,
so an expense has no maker–checker step (disbursements to beneficiaries do); the voucher number
and the decision are recorded with it, and every posting is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.fund import ledger
from apps.fund.ledger import Cr, Dr
from apps.fund.models import (
    BANK,
    CASH,
    OTHER_EXPENSES,
    Donation,
    EntryKind,
    Expense,
    Fund,
    JournalEntry,
    Method,
)
from apps.fund.services import _date, _real_user, _require_fund, _text, parse_amount

CAP_PERCENT = 5  # NĐ 93/2019 Art. 37.2: management costs at most 5 % of the year's receipts
CAP_PERCENT_NEEDED = 10  # … and 10 % at most where needed (a decision says so)
MONEY_METHODS = {Method.CASH: CASH, Method.BANK: BANK}


def year_receipts(fund: Fund, year: int) -> int:
    """Money received in ``year`` that counts for the cap: donations and pledge payments in
    money (not in kind), not reversed."""
    return (Donation.objects.filter(fund=fund, date__year=year, entry__reversed_by__isnull=True)
            .exclude(method=Method.IN_KIND).aggregate(total=Coalesce(Sum("amount"), 0))["total"])


def year_management_costs(fund: Fund, year: int) -> int:
    """Management costs posted in ``year`` and not reversed."""
    return (Expense.objects.filter(fund=fund, date__year=year, management_cost=True,
                                   entry__reversed_by__isnull=True)
            .aggregate(total=Coalesce(Sum("amount"), 0))["total"])


def cap_status(fund: Fund, year: int) -> dict[str, int]:
    """The figures of the cap for a year: receipts, costs, the 5 % and 10 % limits (đồng, rounded
    down) and what is left under each."""
    receipts, costs = year_receipts(fund, year), year_management_costs(fund, year)
    limit = receipts * CAP_PERCENT // 100
    limit_needed = receipts * CAP_PERCENT_NEEDED // 100
    return {"year": year, "receipts": receipts, "management_costs": costs, "limit": limit,
            "limit_needed": limit_needed, "left": max(limit - costs, 0),
            "left_needed": max(limit_needed - costs, 0)}


def _check_cap(fund: Fund, day: dt.date, amount: int, decision: str) -> None:
    receipts = year_receipts(fund, day.year)
    costs = year_management_costs(fund, day.year) + amount
    figures = {"costs": costs, "receipts": receipts, "year": day.year}
    if costs * 100 > receipts * CAP_PERCENT_NEEDED:
        raise DomainError(
            _("Management costs of %(year)s would reach %(costs)s đồng, more than 10%% of the year's "
              "receipts of %(receipts)s đồng (NĐ 93/2019 Art. 37.2)."), figures, column="amount")
    if costs * 100 > receipts * CAP_PERCENT and not decision:
        raise DomainError(
            _("Management costs of %(year)s would reach %(costs)s đồng, more than 5%% of the year's "
              "receipts of %(receipts)s đồng (NĐ 93/2019 Art. 37.2); up to 10%% needs the number of the "
              "decision that it is needed."), figures, column="decision")


@transaction.atomic
def post_expense(user, fund: Fund, *, amount: Any, description: str, date: dt.date | str | None = None,
                 method: str = Method.CASH, payee: str = "", purpose: str = "", management_cost: bool = True,
                 decision: str = "", voucher: str = "") -> Expense:
    """Pay another expense: Dr other expenses, Cr cash/bank, for the money's restriction."""
    _require_fund(user, fund)
    amount = parse_amount(amount)
    day = _date(date)
    if method not in MONEY_METHODS:
        raise DomainError(_("An expense is paid in cash or by bank; “%(value)s” is not one of them."),
                          {"value": method}, column="method")
    description = _text(description, "description", 300)
    if not description:
        raise DomainError(_("Describe the expense."), column="description")
    purpose = _text(purpose, "purpose", 100)
    decision = _text(decision, "decision", 100)
    management_cost = bool(management_cost)
    if management_cost and purpose:
        raise DomainError(_("A management cost is paid from unrestricted money, not from money given "
                            "for “%(purpose)s”."), {"purpose": purpose}, column="purpose")
    fund = ledger.lock_fund(fund)  # the cap is read and the cost posted under the same lock
    if management_cost:
        _check_cap(fund, day, amount, decision)
    entry = ledger.post(fund, date=day, kind=EntryKind.EXPENSE, user=user, memo=description,
                        lines=[Dr(OTHER_EXPENSES, amount, purpose),
                               Cr(MONEY_METHODS[method], amount, purpose)])
    return Expense.objects.create(
        fund=fund, date=day, amount=amount, method=method, description=description,
        payee=_text(payee, "payee", 255), purpose=purpose, management_cost=management_cost,
        decision=decision, voucher=_text(voucher, "voucher", 100), entry=entry,
        created_by=_real_user(user), is_demo=ledger.is_demo(),
    )


@transaction.atomic
def transfer(user, fund: Fund, *, amount: Any, source: str, date: dt.date | str | None = None,
             purpose: str = "", note: str = "") -> JournalEntry:
    """Move money between cash and bank, keeping its restriction: ``source="cash"`` deposits
    cash in the bank (Dr bank, Cr cash), ``source="bank"`` withdraws it (Dr cash, Cr bank).
    The ledger refuses more than the source holds for the restriction."""
    _require_fund(user, fund)
    amount = parse_amount(amount)
    day = _date(date)
    if source not in (CASH, BANK):
        raise DomainError(_("Move money from “cash” or from “bank”, not “%(value)s”."), {"value": source},
                          column="source")
    purpose = _text(purpose, "purpose", 100)
    target = BANK if source == CASH else CASH
    memo = str(_("Cash deposited in the bank") if source == CASH else _("Cash withdrawn from the bank"))
    note = _text(note, "note", 200)
    return ledger.post(fund, date=day, kind=EntryKind.TRANSFER, user=user,
                       memo=f"{memo}: {note}" if note else memo,
                       lines=[Dr(target, amount, purpose), Cr(source, amount, purpose)])
