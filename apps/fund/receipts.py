"""The data of a donation receipt (biên nhận / phiếu thu), for the printable PDF and the API.

A receipt is issued for every donation, numbered per fund and year without gaps
("2026/000123", see ``models.format_receipt_number``), with the amount in words
(``apps.fund.words``). A reversed donation keeps its number (so the sequence stays
whole) and its receipt says it was cancelled, with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from apps.fund.models import Donation, JournalEntry, Method
from apps.fund.statement import donor_label
from apps.fund.words import amount_in_words

RECEIPT_TITLE = "BIÊN NHẬN ỦNG HỘ QUỸ KHUYẾN HỌC"


@dataclass(frozen=True)
class Receipt:
    title: str
    number: str
    fund_code: str
    fund_name: str
    holder: str
    unit: str
    date: dt.date
    donor: str
    amount: int
    amount_in_words: str
    method: str
    in_kind_description: str
    purpose: str
    note: str
    posted_by: str
    cancelled: bool
    cancel_reason: str


def receipt_for(donation: Donation, *, personal: bool = True) -> Receipt:
    """The receipt of a donation. ``personal=False`` hides a person's name without consent."""
    fund = donation.fund
    reversal = JournalEntry.objects.filter(reverses=donation.entry_id).first()
    posted_by = donation.entry.posted_by
    return Receipt(
        title=RECEIPT_TITLE,
        number=donation.receipt_number,
        fund_code=fund.code,
        fund_name=fund.name,
        holder=fund.holder.name,
        unit=fund.unit.name,
        date=donation.date,
        donor=donor_label(donation, personal),
        amount=donation.amount,
        amount_in_words=amount_in_words(donation.amount),
        method=str(Method(donation.method).label),
        in_kind_description=donation.in_kind_description,
        purpose=donation.purpose,
        note=donation.note,
        posted_by=posted_by.get_full_name() or posted_by.get_username() if posted_by else "",
        cancelled=reversal is not None,
        cancel_reason=reversal.reason if reversal else "",
    )
