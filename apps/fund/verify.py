"""The books checked against themselves (``manage.py fund verify``).

Each check is one grouped query over all funds (or one), never a loop of queries per
entry, so that it runs after a load of thousands of postings in a moment:
1. every entry has at least two lines and its debits equal its credits;
2. every account's running balance equals the sum of its lines, and each fund's
   accounts sum to zero (the trial balance);
3. receipts are numbered 1..n per fund and year, without gaps or duplicates, and n is
   the counter's last number;
4. each donation, paid disbursement and expense equals the money of its entry;
5. entries are dated inside their period and none was posted after its period closed;
6. no money, pledge or in-kind account is below zero for a restriction.
"""

from __future__ import annotations

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.fund.models import (
    CHART,
    Account,
    AccountKind,
    Disbursement,
    DisbursementStatus,
    Donation,
    EntryLine,
    Expense,
    Fund,
    JournalEntry,
    ReceiptCounter,
)


def _fund_filter(fund: Fund | None, path: str = "fund") -> Q:
    return Q(**{path: fund}) if fund is not None else Q()


def faults(fund: Fund | None = None) -> list[str]:
    """Every fault found, as a line of text naming the fund and record; empty when sound."""
    found: list[str] = []
    entries = JournalEntry.objects.filter(_fund_filter(fund))

    sums = entries.annotate(d=Coalesce(Sum("lines__debit"), 0), c=Coalesce(Sum("lines__credit"), 0),
                            n=Count("lines"))
    for row in sums.filter(Q(n__lt=2) | ~Q(d=F("c"))).values("fund__code", "pk", "d", "c", "n"):
        found.append(f"{row['fund__code']}: entry #{row['pk']} does not balance "
                     f"(debits {row['d']}, credits {row['c']}, {row['n']} lines)")

    line_sum = (EntryLine.objects.filter(account=OuterRef("pk")).values("account")
                .annotate(s=Sum("debit") - Sum("credit")).values("s"))
    accounts = (Account.objects.filter(_fund_filter(fund))
                .annotate(lines_total=Coalesce(Subquery(line_sum), 0)).exclude(balance=F("lines_total")))
    for row in accounts.values("fund__code", "code", "balance", "lines_total"):
        found.append(f"{row['fund__code']}: account {row['code']} holds {row['balance']} but its lines sum "
                     f"to {row['lines_total']}")
    trial = (Account.objects.filter(_fund_filter(fund)).values("fund__code").annotate(total=Sum("balance"))
             .exclude(total=0))
    for row in trial:
        found.append(f"{row['fund__code']}: the trial balance is off by {row['total']}")

    counters = {(c.fund_id, c.year): c.last_number for c in ReceiptCounter.objects.filter(_fund_filter(fund))}
    receipts = (Donation.objects.filter(_fund_filter(fund)).values("fund_id", "fund__code", "receipt_year")
                .annotate(n=Count("pk"), distinct=Count("receipt_seq", distinct=True), low=Min("receipt_seq"),
                          high=Max("receipt_seq")))
    seen = set()
    for row in receipts:
        key = (row["fund_id"], row["receipt_year"])
        seen.add(key)
        where = f"{row['fund__code']}: receipts of {row['receipt_year']}"
        if row["distinct"] != row["n"]:
            found.append(f"{where}: {row['n'] - row['distinct']} duplicate numbers")
        if row["low"] != 1 or row["high"] != row["distinct"]:
            found.append(f"{where}: gaps (numbers {row['low']}–{row['high']} for {row['distinct']} receipts)")
        if counters.get(key) != row["high"]:
            found.append(f"{where}: the counter stands at {counters.get(key)}, "
                         f"the last receipt is {row['high']}")
    for (fund_id, year), last in counters.items():
        if (fund_id, year) not in seen and last:
            found.append(f"fund #{fund_id}: receipts of {year}: the counter stands at {last} with no receipt")

    money = (EntryLine.objects.filter(entry=OuterRef("entry"), debit__gt=0).values("entry")
             .annotate(s=Sum("debit")).values("s"))
    for row in (Donation.objects.filter(_fund_filter(fund)).annotate(posted=Coalesce(Subquery(money), 0))
                .exclude(posted=F("amount")).values("fund__code", "receipt_year", "receipt_seq", "amount",
                                                    "posted")):
        found.append(f"{row['fund__code']}: receipt {row['receipt_year']}/{row['receipt_seq']:06d} of "
                     f"{row['amount']} posted as {row['posted']}")
    disbursements = Disbursement.objects.filter(_fund_filter(fund, "programme__fund"))
    for row in disbursements.filter(status=DisbursementStatus.PAID, entry__isnull=True).values("pk"):
        found.append(f"disbursement #{row['pk']} is paid without an entry")
    for row in (disbursements.filter(entry__isnull=False).annotate(posted=Coalesce(Subquery(money), 0))
                .exclude(posted=F("amount")).values("pk", "amount", "posted")):
        found.append(f"disbursement #{row['pk']} of {row['amount']} posted as {row['posted']}")

    for row in (Expense.objects.filter(_fund_filter(fund)).annotate(posted=Coalesce(Subquery(money), 0))
                .exclude(posted=F("amount")).values("fund__code", "pk", "amount", "posted")):
        found.append(f"{row['fund__code']}: expense #{row['pk']} of {row['amount']} "
                     f"posted as {row['posted']}")

    outside = entries.filter(Q(date__lt=F("period__start")) | Q(date__gt=F("period__end")))
    for row in outside.values("fund__code", "pk", "date"):
        found.append(f"{row['fund__code']}: entry #{row['pk']} dated {row['date']} outside its period")
    late = entries.filter(period__closed_at__isnull=False, posted_at__gt=F("period__closed_at"))
    for row in late.values("fund__code", "pk"):
        found.append(f"{row['fund__code']}: entry #{row['pk']} posted into a closed period")

    assets = [code for code, _name, kind in CHART if kind == AccountKind.ASSET]
    negative = (EntryLine.objects.filter(_fund_filter(fund, "entry__fund"), account__code__in=assets)
                .values("entry__fund__code", "account__code", "restriction")
                .annotate(total=Sum("debit") - Sum("credit")).filter(total__lt=0))
    for row in negative:
        found.append(f"{row['entry__fund__code']}: {row['account__code']} for “{row['restriction']}” is "
                     f"{row['total']}")
    return found
