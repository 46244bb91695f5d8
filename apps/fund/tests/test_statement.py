"""The public statement of receipts and payments, balances per restriction, the honour roll."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.fund import ledger, services
from apps.fund.receipts import receipt_for
from apps.fund.statement import balances, honour_roll, initials, statement, totals

TODAY = timezone.localdate()
START = ledger.quarter_of(TODAY)[0]


def _year_of_books(fund, treasurer, officer):
    before = START - dt.timedelta(days=10)
    services.post_donation(treasurer, fund, amount=4_000_000, donor_name="Công ty A", date=before,
                           public_consent=True)
    services.post_donation(treasurer, fund, amount=2_000_000, donor_name="Nguyễn Văn Bình",
                           purpose="Học bổng", public_consent=True)
    services.post_donation(treasurer, fund, amount=6_000_000, donor_name="Lê Thị Cúc")
    services.post_donation(treasurer, fund, amount=9_000_000, anonymous=True)
    services.post_donation(treasurer, fund, amount=300_000, donor_name="D", method="in_kind",
                           in_kind_description="Sách")
    programme = services.create_programme(treasurer, fund, kind="scholarship", name="Học bổng",
                                          year=TODAY.year, purpose="Học bổng")
    services.pay_disbursement(treasurer, services.approve_disbursement(
        officer, services.propose_disbursement(treasurer, programme, amount=500_000,
                                               beneficiary_name="Nguyễn Thị Hoa")))
    wrong = services.post_donation(treasurer, fund, amount=100_000, donor_name="E")
    services.reverse_entry(wrong.entry, "Nhập trùng", treasurer)


def test_the_statement_balances_and_hides_personal_names(fund, treasurer, association_officer):
    _year_of_books(fund, treasurer, association_officer)
    public = statement(fund, START, TODAY)
    assert public.opening == 4_000_000
    assert public.total_receipts == 2_000_000 + 6_000_000 + 9_000_000 + 100_000
    assert public.total_in_kind == 300_000
    assert public.total_payments == 500_000
    assert public.total_reversals == -100_000
    assert public.closing == 4_000_000 + 17_000_000 - 500_000 and public.balances
    donors = [row.party for row in public.receipts]
    assert "Nguyễn Văn Bình" in donors  # consented
    assert "Lê Thị Cúc" not in donors and "Nhà hảo tâm" in donors
    assert "Nhà hảo tâm ẩn danh" in donors
    assert [row.party for row in public.payments] == ["N. T. Hoa"]
    assert public.by_restriction == {"": 19_000_000, "Học bổng": 1_500_000}
    internal = statement(fund, START, TODAY, personal=True)
    assert "Lê Thị Cúc" in [row.party for row in internal.receipts]
    assert [row.party for row in internal.payments] == ["Nguyễn Thị Hoa"]


def test_balances_and_totals(fund, treasurer, association_officer):
    _year_of_books(fund, treasurer, association_officer)
    assert balances(fund)["money"] == {"": 19_000_000, "Học bổng": 1_500_000}
    assert balances(fund)["in_kind"] == {"": 300_000}
    assert totals(fund) == {"balance": 20_500_000, "donations_total": 21_300_000, "in_kind_total": 300_000,
                            "disbursements_total": 500_000, "expenses_total": 0}


def test_the_honour_roll_follows_the_levels_and_consent(fund, treasurer, association_officer):
    _year_of_books(fund, treasurer, association_officer)
    services.set_honour_level(treasurer, fund, name="Vàng", minimum=3_000_000)
    services.set_honour_level(treasurer, fund, name="Bạc", minimum=1_000_000)
    with CaptureQueriesContext(connection) as queries:
        roll = honour_roll(fund, TODAY.year)
    assert len(queries) <= 3
    expected = [("Công ty A", "Vàng"), ("Nguyễn Văn Bình", "Bạc")]
    if START.month == 1:  # the gift of "Công ty A" fell in the year before
        expected = expected[1:]
    # Lê Thị Cúc gave no consent; the anonymous gift is honoured without a name.
    assert [(h.name, h.level) for h in roll] == [("Nhà hảo tâm ẩn danh", "Vàng"), *expected]
    assert roll[0].anonymous and not roll[-1].anonymous
    assert honour_roll(fund, TODAY.year, [("Tất cả", 1)])[0].total >= 2_000_000


def test_a_receipt_reads_the_amount_in_words(fund, treasurer):
    donation = services.post_donation(treasurer, fund, amount=1_234_567, donor_name="Nguyễn Văn An")
    receipt = receipt_for(donation)
    assert receipt.amount_in_words == "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng"
    assert receipt.number == donation.receipt_number and not receipt.cancelled
    assert receipt_for(donation, personal=False).donor == "Nhà hảo tâm"
    services.reverse_entry(donation.entry, "Sai tên", treasurer)
    assert receipt_for(donation).cancelled and receipt_for(donation).cancel_reason == "Sai tên"


def test_initials():
    assert initials("Nguyễn Thị Hoa") == "N. T. Hoa"
    assert initials("Hoa") == "Hoa"
