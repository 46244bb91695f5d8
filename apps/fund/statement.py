"""What the fund discloses: the statement of receipts and payments of a period (công khai
thu chi), balances per restriction, and the donor honour roll (tôn vinh).

NĐ 93/2019/NĐ-CP Art. 38.4 asks, every quarter and every year, the list of donors with
amounts or gifts in kind, the list of beneficiaries with amounts and the use of each
contribution. Personal data (Luật 91/2025/QH15): a person who gave is named publicly only
with consent (``Donation.public_consent``); otherwise "Nhà hảo tâm". Organisations are
named. Beneficiaries, often children, appear publicly by initials only ("N. V. An");
``personal=True`` (for users with PERSONAL_DATA or FUND on the unit) shows full names.

The statement is cash-based: receipts and payments are the entries' effect on the money
accounts (cash and bank); gifts in kind are listed beside, at their stated value.
Reversals dated in the period are listed with their reason and counted, so that
opening + receipts − payments ± reversals = closing, which ``Statement.balances`` checks
against the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Sum
from django.db.models.functions import Cast, Coalesce

from apps.fund import ledger
from apps.fund.models import (
    IN_KIND,
    MONEY_ACCOUNTS,
    PLEDGES,
    Disbursement,
    Donation,
    DonorKind,
    EntryKind,
    EntryLine,
    Expense,
    Fund,
    HonourLevel,
    JournalEntry,
    Period,
)

ANONYMOUS_VI = "Nhà hảo tâm ẩn danh"
UNNAMED_VI = "Nhà hảo tâm"


def donor_label(donation: Donation, personal: bool) -> str:
    if donation.donor_kind == DonorKind.ANONYMOUS:
        return ANONYMOUS_VI
    if donation.donor_kind == DonorKind.ORGANISATION or personal or donation.public_consent:
        return donation.donor_name
    return UNNAMED_VI


def initials(name: str) -> str:
    """"Nguyễn Văn An" → "N. V. An": enough to recognise oneself on a public list."""
    words = name.split()
    if len(words) < 2:
        return name
    return " ".join([f"{word[0]}." for word in words[:-1]] + [words[-1]])


@dataclass
class Row:
    date: dt.date
    entry: int
    label: str  # receipt number, programme or reversed entry
    party: str  # donor or beneficiary as shown
    purpose: str
    money: int  # effect on cash + bank (negative for a payment)
    in_kind: int = 0
    note: str = ""


@dataclass
class Statement:
    fund: Fund
    start: dt.date
    end: dt.date
    opening: int
    closing: int
    receipts: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    reversals: list[Row] = field(default_factory=list)
    by_restriction: dict[str, int] = field(default_factory=dict)

    @property
    def total_receipts(self) -> int:
        return sum(row.money for row in self.receipts)

    @property
    def total_in_kind(self) -> int:
        return sum(row.in_kind for row in self.receipts)

    @property
    def total_payments(self) -> int:
        return -sum(row.money for row in self.payments)

    @property
    def total_reversals(self) -> int:
        return sum(row.money for row in self.reversals)

    @property
    def balances(self) -> bool:
        """Opening + receipts − payments ± reversals equals the closing balance of the ledger."""
        return self.opening + self.total_receipts - self.total_payments + self.total_reversals == self.closing


def _money_at(fund: Fund, day: dt.date) -> int:
    debits, credits = ledger.totals_between(fund, MONEY_ACCOUNTS, end=day)
    return debits - credits


def statement(fund: Fund, start: dt.date, end: dt.date, *, personal: bool = False) -> Statement:
    """The statement of receipts and payments of ``fund`` from ``start`` to ``end`` inclusive."""
    result = Statement(fund=fund, start=start, end=end,
                       opening=_money_at(fund, start - dt.timedelta(days=1)), closing=_money_at(fund, end))
    money_lines = Q(lines__account__code__in=MONEY_ACCOUNTS)
    goods_lines = Q(lines__account__code=IN_KIND)
    entries = (JournalEntry.objects.filter(fund=fund, date__gte=start, date__lte=end)
               .annotate(money=Coalesce(Sum("lines__debit", filter=money_lines), 0)
                         - Coalesce(Sum("lines__credit", filter=money_lines), 0),
                         goods=Coalesce(Sum("lines__debit", filter=goods_lines), 0)
                         - Coalesce(Sum("lines__credit", filter=goods_lines), 0))
               .order_by("date", "pk"))
    donations = {d.entry_id: d for d in Donation.objects.filter(fund=fund, entry__date__gte=start,
                                                                entry__date__lte=end)}
    disbursements = {d.entry_id: d for d in Disbursement.objects.filter(
        programme__fund=fund, entry__date__gte=start, entry__date__lte=end).select_related("programme")}
    expenses = {e.entry_id: e for e in Expense.objects.filter(fund=fund, date__gte=start, date__lte=end)}
    for entry in entries:
        if entry.kind in (EntryKind.DONATION, EntryKind.PLEDGE_PAYMENT):
            donation = donations[entry.pk]
            result.receipts.append(Row(entry.date, entry.pk, donation.receipt_number,
                                       donor_label(donation, personal), donation.purpose, entry.money,
                                       entry.goods, donation.in_kind_description))
        elif entry.kind == EntryKind.DISBURSEMENT:
            paid = disbursements[entry.pk]
            named = personal or paid.consent_public  # consent to be named, recorded and not withdrawn
            name = paid.beneficiary_name if named else initials(paid.beneficiary_name)
            result.payments.append(Row(entry.date, entry.pk, paid.programme.name, name,
                                       paid.programme.purpose, entry.money, entry.goods))
        elif entry.kind == EntryKind.EXPENSE:
            expense = expenses[entry.pk]
            # The payee is free text and may name a person (a teacher paid for a class): it is
            # kept in the books, but the public statement names no one without consent. NĐ 93
            # Art. 38.4 asks to publish donors, beneficiaries and the use of the money, which
            # the description and the amount show.
            result.payments.append(Row(entry.date, entry.pk, expense.description,
                                       expense.payee if personal else "", expense.purpose, entry.money,
                                       entry.goods, expense.voucher))
        elif entry.kind == EntryKind.REVERSAL and (entry.money or entry.goods):
            result.reversals.append(Row(entry.date, entry.pk, f"#{entry.reverses_id}", "", "", entry.money,
                                        entry.goods, entry.reason))
    result.by_restriction = balances(fund, at=end)["money"]
    return result


def balances(fund: Fund, at: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Per restriction ("" = unrestricted): money (cash + bank), gifts in kind, pledges
    receivable, as of ``at`` (all entries when None); one grouped query."""
    lines = EntryLine.objects.filter(entry__fund=fund)
    if at is not None:
        lines = lines.filter(entry__date__lte=at)
    rows = (lines.values("account__code", "restriction")
            .annotate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0)))
    result: dict[str, dict[str, int]] = {"money": {}, "in_kind": {}, "pledges": {}}
    for row in rows:
        code = row["account__code"]
        part = "money" if code in MONEY_ACCOUNTS else "in_kind" if code == IN_KIND \
            else "pledges" if code == PLEDGES else None
        if part:
            result[part][row["restriction"]] = result[part].get(row["restriction"], 0) + row["d"] - row["c"]
    return result


def totals(fund: Fund) -> dict[str, int]:
    """The figures of ``manage.py fund balance``: money held, donations, disbursements and other
    expenses not reversed (donations at their amount, gifts in kind at their stated value)."""
    donated = Donation.objects.filter(fund=fund, entry__reversed_by__isnull=True).aggregate(
        total=Coalesce(Sum("amount"), 0), in_kind=Coalesce(Sum("amount", filter=Q(method="in_kind")), 0))
    paid = (Disbursement.objects.filter(programme__fund=fund, entry__isnull=False,
                                        entry__reversed_by__isnull=True)
            .aggregate(total=Coalesce(Sum("amount"), 0)))
    spent = (Expense.objects.filter(fund=fund, entry__reversed_by__isnull=True)
             .aggregate(total=Coalesce(Sum("amount"), 0)))
    debits, credits = ledger.totals_between(fund, MONEY_ACCOUNTS)
    return {"balance": debits - credits, "donations_total": donated["total"],
            "in_kind_total": donated["in_kind"], "disbursements_total": paid["total"],
            "expenses_total": spent["total"]}


@dataclass
class Honoured:
    name: str
    total: int
    gifts: int
    level: str
    anonymous: bool = False


def honour_roll(fund: Fund, year: int, levels: list[tuple[str, int]] | None = None, *,
                published_only: bool = False) -> list[Honoured]:
    """The honour roll (tôn vinh) of ``year``: donors whose gifts (not reversed) reach a level,
    highest first.

    ``levels`` as (name, minimum đồng); by default the fund's ``HonourLevel`` rows, set by the
    association. Organisations are named; a person or a named donor appears only with consent
    on at least one of the year's gifts (personal data, Luật 91/2025/QH15). Anonymous gifts
    cannot be summed by giver: each one that reaches a level on its own is listed as
    "Nhà hảo tâm ẩn danh", so that the generosity is honoured without a name. Two queries.

    ``published_only`` (the public pages, ``/fund/public/``) counts only gifts dated inside a
    period whose statement was published: a visitor reads nothing the association has not
    disclosed yet (NĐ 93 Art. 38.4 discloses by period)."""
    if levels is None:
        levels = list(HonourLevel.objects.filter(fund=fund).values_list("name", "minimum"))
    levels = sorted(levels, key=lambda level: -level[1])
    if not levels:
        return []
    gifts = Donation.objects.filter(fund=fund, date__year=year, entry__reversed_by__isnull=True)
    if published_only:
        gifts = gifts.filter(Exists(Period.objects.filter(
            fund=fund, published_at__isnull=False, start__lte=OuterRef("date"), end__gte=OuterRef("date"))))
    rows = (gifts.exclude(donor_kind=DonorKind.ANONYMOUS)
            .values("donor_kind", "donor_person", "donor_organisation", "donor_name")
            .annotate(total=Sum("amount"), gifts=Count("pk"),
                      consent=Max(Cast("public_consent", IntegerField())))
            .filter(total__gte=levels[-1][1]).order_by("-total", "donor_name"))

    def level_of(amount: int) -> str:
        return next(name for name, minimum in levels if amount >= minimum)

    honoured = [Honoured(row["donor_name"], row["total"], row["gifts"], level_of(row["total"]))
                for row in rows if row["donor_kind"] == DonorKind.ORGANISATION or row["consent"]]
    anonymous = gifts.filter(donor_kind=DonorKind.ANONYMOUS, amount__gte=levels[-1][1])
    honoured += [Honoured(ANONYMOUS_VI, amount, 1, level_of(amount), anonymous=True)
                 for amount in anonymous.values_list("amount", flat=True)]
    return sorted(honoured, key=lambda item: (-item.total, item.anonymous, item.name))
