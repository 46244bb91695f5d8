"""The ledger: the only writer of journal entries, and the balances read from them.

``post`` runs inside the caller's transaction (a service of ``apps.fund.services``
owns it) and, before writing anything:
- takes the fund's row lock (``select_for_update``), so that a fund's postings are
  serialised on PostgreSQL (SQLite serialises writers by its IMMEDIATE transactions):
  a balance read for a check cannot change before the posting commits;
- refuses unbalanced or empty lines, non-positive or non-integer amounts;
- finds (or opens) the calendar-quarter period of the date and refuses a closed one;
- after writing, refuses any money, pledge or in-kind account that would go below zero
  for a restriction (nobody spends money that is not there, or money given for
  another purpose).
The running ``Account.balance`` is updated in the same transaction; ``verify``
checks it against the sum of the lines.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.fund.models import (
    CHART,
    MAX_AMOUNT,
    MONEY_ACCOUNTS,
    Account,
    AccountKind,
    EntryLine,
    Fund,
    JournalEntry,
    Period,
)


@dataclass(frozen=True)
class Line:
    """A line to post: ``amount`` > 0 on the debit side when ``debit`` else the credit side."""

    account: str
    amount: int
    debit: bool
    restriction: str = ""


def Dr(account: str, amount: int, restriction: str = "") -> Line:
    return Line(account, amount, True, restriction)


def Cr(account: str, amount: int, restriction: str = "") -> Line:
    return Line(account, amount, False, restriction)


_demo: contextvars.ContextVar[bool] = contextvars.ContextVar("fund_demo", default=False)


@contextmanager
def demo_data() -> Iterator[None]:
    """Mark every fund record written in the block as demo data (ledger rows cannot be
    marked afterwards: they are never updated)."""
    token = _demo.set(True)
    try:
        yield
    finally:
        _demo.reset(token)


def is_demo() -> bool:
    return _demo.get()


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = (dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)) \
        - dt.timedelta(days=1)
    return start, end


def open_chart(fund: Fund) -> None:
    """Create the accounts of the chart the fund lacks (all of them for a new fund)."""
    have = set(fund.accounts.values_list("code", flat=True))
    Account.objects.bulk_create([
        Account(fund=fund, code=code, name=str(name), kind=kind)
        for code, name, kind in CHART if code not in have
    ])


def lock_fund(fund: Fund) -> Fund:
    """Take the fund's row lock for the rest of the transaction."""
    return Fund.objects.select_for_update().get(pk=fund.pk)


def period_for(fund: Fund, day: dt.date) -> Period:
    """The period containing ``day``, created when needed; the caller holds the fund lock."""
    start, end = quarter_of(day)
    period = Period.objects.filter(fund=fund, start=start).first()
    if period is None:
        try:
            with transaction.atomic():
                period = Period.objects.create(fund=fund, start=start, end=end, is_demo=is_demo())
        except IntegrityError:  # created meanwhile by a posting that did not lock the fund
            period = Period.objects.get(fund=fund, start=start)
    return period


def require_open(fund: Fund, day: dt.date, column: str = "date") -> Period:
    period = period_for(fund, day)
    if period.is_closed:
        raise DomainError(
            _("The period %(start)s–%(end)s is closed: nothing more can be posted on %(date)s."),
            {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y"),
             "date": day.strftime("%d/%m/%Y")},
            column=column,
        )
    return period


def _check_lines(lines: list[Line]) -> None:
    if len(lines) < 2:
        raise DomainError(_("An entry needs at least two lines."), column="lines")
    for line in lines:
        whole = isinstance(line.amount, int) and not isinstance(line.amount, bool)
        if not whole or not 0 < line.amount <= MAX_AMOUNT:
            raise DomainError(_("Every line of an entry needs a whole positive amount of đồng."),
                              column="amount")
    debits = sum(line.amount for line in lines if line.debit)
    credits = sum(line.amount for line in lines if not line.debit)
    if debits != credits:
        raise DomainError(_("The entry does not balance: debits %(debits)s, credits %(credits)s."),
                          {"debits": debits, "credits": credits}, column="lines")


def post(fund: Fund, *, date: dt.date, kind: str, lines: list[Line], user=None, memo: str = "",
         reverses: JournalEntry | None = None, reason: str = "") -> JournalEntry:
    """Write one balanced entry; must run inside a transaction (the caller's service)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post must run inside the transaction of a service")
    _check_lines(lines)
    fund = lock_fund(fund)
    period = require_open(fund, date)
    accounts = {account.code: account for account in fund.accounts.all()}
    entry = JournalEntry.objects.create(
        fund=fund, date=date, period=period, kind=kind, memo=memo[:300], reverses=reverses,
        reason=reason[:300], posted_by=user if getattr(user, "pk", None) else None,
        created_by=user if getattr(user, "pk", None) else None, is_demo=is_demo(),
    )
    deltas: dict[int, int] = defaultdict(int)
    for line in lines:
        account = accounts[line.account]
        EntryLine.objects.create(
            entry=entry, account=account, restriction=line.restriction, is_demo=is_demo(),
            debit=line.amount if line.debit else 0, credit=0 if line.debit else line.amount,
        )
        deltas[account.pk] += line.amount if line.debit else -line.amount
    for pk, delta in deltas.items():
        if delta:
            Account.objects.filter(pk=pk).update(balance=F("balance") + delta)
    _refuse_negative_assets(fund, {(line.account, line.restriction) for line in lines})
    return entry


def _refuse_negative_assets(fund: Fund, touched: set[tuple[str, str]]) -> None:
    asset_codes = {code for code, _name, kind in CHART if kind == AccountKind.ASSET}
    for code, restriction in sorted(touched):
        if code not in asset_codes:
            continue
        left = line_balance(fund, code, restriction)
        if left < 0:
            raise DomainError(
                _("Not enough in “%(account)s” for “%(restriction)s”: the posting would leave "
                  "%(left)s đồng."),
                {"account": dict((c, n) for c, n, _k in CHART)[code],
                 "restriction": restriction or _("unrestricted"), "left": left},
                column="amount",
            )


def line_balance(fund: Fund, account: str, restriction: str | None = None) -> int:
    """Debit − credit of ``account`` (for one restriction, or all), summed from the lines."""
    lines = EntryLine.objects.filter(entry__fund=fund, account__code=account)
    if restriction is not None:
        lines = lines.filter(restriction=restriction)
    totals = lines.aggregate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0))
    return totals["d"] - totals["c"]


def available(fund: Fund, restriction: str = "", account: str | None = None) -> int:
    """Money (cash and bank, or one of them) held for a restriction ("" = unrestricted)."""
    codes = [account] if account else list(MONEY_ACCOUNTS)
    totals = EntryLine.objects.filter(entry__fund=fund, account__code__in=codes, restriction=restriction) \
        .aggregate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0))
    return totals["d"] - totals["c"]


def balances_by_restriction(fund: Fund, accounts: tuple[str, ...] = MONEY_ACCOUNTS) -> dict[str, int]:
    """Money held per restriction, in one grouped query."""
    rows = (EntryLine.objects.filter(entry__fund=fund, account__code__in=accounts)
            .values("restriction").annotate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0))
            .order_by("restriction"))
    return {row["restriction"]: row["d"] - row["c"] for row in rows}


def account_balances(fund: Fund) -> dict[str, int]:
    """The running balance of every account (debit − credit)."""
    return dict(fund.accounts.values_list("code", "balance"))


def totals_between(fund: Fund, codes: tuple[str, ...], start: dt.date | None = None,
                   end: dt.date | None = None) -> tuple[int, int]:
    """(debits, credits) on ``codes`` for entries dated in [start, end]."""
    condition = Q(entry__fund=fund, account__code__in=codes)
    if start is not None:
        condition &= Q(entry__date__gte=start)
    if end is not None:
        condition &= Q(entry__date__lte=end)
    totals = EntryLine.objects.filter(condition).aggregate(d=Coalesce(Sum("debit"), 0),
                                                           c=Coalesce(Sum("credit"), 0))
    return totals["d"], totals["c"]
