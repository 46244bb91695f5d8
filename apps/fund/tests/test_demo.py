"""The fund's demo: real books, all demo data, idempotent."""

from __future__ import annotations

from apps.fund import demo, verify
from apps.fund.models import Disbursement, Donation, EntryLine, Fund, JournalEntry, Period
from apps.fund.tests.conftest import _user, committee


def test_the_demo_loads_once_with_sound_books(dang_kang):
    assert "skipped" in demo.load()[0]
    committee(dang_kang, "Hội Khuyến học xã Dang Kang")
    _user("thuquy", "fund_treasurer", dang_kang)
    _user("hoikh", "association_officer", dang_kang)
    lines = demo.load()
    assert "5 donations" in lines[0]
    fund = Fund.objects.get(code=demo.CODE)
    assert verify.faults(fund) == []
    assert Disbursement.objects.get().status == "paid"
    assert Period.objects.filter(fund=fund, closed_at__isnull=False).count() == 1
    for model in (Fund, JournalEntry, EntryLine, Donation, Disbursement, Period):
        assert not model.objects.filter(is_demo=False).exists(), model
    assert "already loaded" in demo.load()[0]
    assert Donation.objects.count() == 5
