"""``manage.py fund``: create, donate, balance, ledger, verify, reverse, close-period."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.accounts.models import AuditEntry
from apps.fund import services
from apps.fund.models import Donation, EntryLine, Fund, JournalEntry
from apps.fund.tests.conftest import committee


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_create_donate_balance_ledger_verify(dang_kang, capsys):
    committee(dang_kang, "Hội Khuyến học xã Dang Kang")
    call_command("fund", "create", "DK", "--name", "Quỹ khuyến học xã Dang Kang", "--unit", "24454")
    fund = Fund.objects.get(code="DK")
    assert fund.unit == dang_kang and fund.holder.kind == "learning_association"
    call_command("fund", "donate", "--fund", "DK", "--amount", "500000", "--donor", "Ông Nguyễn Văn A")
    call_command("fund", "donate", "--fund", "DK", "--amount", "1.000.000", "--donor", "Bà B",
                 "--date", (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "--purpose", "Học bổng")
    capsys.readouterr()
    call_command("fund", "balance", "--fund", "DK", "--format", "json")
    figures = _json(capsys)
    assert (figures["balance"], figures["donations_total"], figures["disbursements_total"]) == (1_500_000,
                                                                                               1_500_000, 0)
    assert figures["by_restriction"] == {"": 500_000, "Học bổng": 1_000_000}
    call_command("fund", "ledger", "--fund", "DK", "--format", "json")
    entries = _json(capsys)["entries"]
    year = timezone.localdate().year
    assert sorted(entry["receipt_number"] for entry in entries) == [f"{year}/000001", f"{year}/000002"]
    assert all(sum(line["debit"] for line in e["lines"]) == sum(line["credit"] for line in e["lines"])
               for e in entries)
    call_command("fund", "verify")
    assert "sound" in capsys.readouterr().out
    sources = set(AuditEntry.objects.filter(model="fund.JournalEntry").values_list("source", flat=True))
    assert sources == {"manage.py fund donate"}


def test_bad_input_is_a_command_error_and_posts_nothing(fund):
    for amount in ("0", "-5", "1000.5", "1.000,5"):
        with pytest.raises(CommandError):
            call_command("fund", "donate", "--fund", "DK", "--amount", amount, "--donor", "A")
    with pytest.raises(CommandError):
        call_command("fund", "donate", "--fund", "NOPE", "--amount", "1000", "--donor", "A")
    with pytest.raises(CommandError):
        call_command("fund", "donate", "--fund", "DK", "--amount", "1000", "--donor", "A",
                     "--date", "2026-13-01")
    assert not Donation.objects.exists() and not JournalEntry.objects.exists()


def test_reverse_and_close_period(fund, capsys):
    last_year = dt.date(timezone.localdate().year - 1, 2, 1)
    donation = services.post_donation(None, fund, amount=7000, donor_name="A", date=last_year)
    call_command("fund", "reverse", "--entry", str(donation.entry_id), "--reason", "Nhập trùng")
    call_command("fund", "close-period", "--fund", "DK", "--date", last_year.isoformat())
    with pytest.raises(CommandError):
        call_command("fund", "donate", "--fund", "DK", "--amount", "1000", "--donor", "A",
                     "--date", last_year.isoformat())
    capsys.readouterr()
    call_command("fund", "balance", "--fund", "DK", "--format", "json")
    assert _json(capsys)["donations_total"] == 0


def test_verify_fails_and_names_the_faults(fund, capsys):
    services.post_donation(None, fund, amount=1000, donor_name="A")
    services.post_donation(None, fund, amount=2000, donor_name="B")
    # Tamper below the model layer, as a faulty script or a hand-edited database would.
    second = Donation.objects.get(receipt_seq=2)
    Donation.objects.filter(pk=second.pk).update(receipt_seq=5)
    line = EntryLine.objects.filter(entry=second.entry, debit__gt=0).first()
    EntryLine.objects.filter(pk=line.pk)._raw_delete(EntryLine.objects.db)
    with pytest.raises(CommandError):
        call_command("fund", "verify")
    faults = capsys.readouterr().err
    assert "does not balance" in faults
    assert "gaps" in faults
    assert "holds" in faults  # the running balance no longer equals the lines
