"""The printed receipt and statement: PDFs with the national heading, the receipt number and
the amount in words, rendered offline; the public statement names persons only with consent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.fund import pdf, services, statement
from apps.fund.receipts import receipt_for
from apps.fund.tests.test_views import client_for, url
from apps.universal.tests.test_reports import pdf_text

HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
LAST_YEAR = timezone.localdate().year - 1


def test_the_receipt_pdf_has_the_heading_number_and_words(fund, treasurer):
    donation = services.post_donation(treasurer, fund, amount=1_234_567, donor_name="Nguyễn Văn An",
                                      purpose="Học bổng")
    text = pdf_text(pdf.receipt_pdf(receipt_for(donation), compress=False))
    for expected in (HEADING, "BIÊN NHẬN ỦNG HỘ QUỸ KHUYẾN HỌC", donation.receipt_number,
                     "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng", "Nguyễn Văn An",
                     "1.234.567"):
        assert expected in text, expected


def test_the_receipt_is_downloaded_as_a_pdf(fund, treasurer):
    donation = services.post_donation(treasurer, fund, amount=500_000, donor_name="Nguyễn Văn An")
    response = client_for(treasurer).get(url("receipt_pdf", fund.pk, donation.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert donation.receipt_number.replace("/", "-") in response["Content-Disposition"]


def test_a_cancelled_receipt_says_so(fund, treasurer):
    donation = services.post_donation(treasurer, fund, amount=500_000, donor_name="A")
    services.reverse_entry(donation.entry, "Ghi trùng", treasurer)
    text = pdf_text(pdf.receipt_pdf(receipt_for(donation), compress=False))
    assert "ĐÃ HỦY" in text and "Ghi trùng" in text


def test_the_statement_pdf_is_the_public_version(fund, treasurer, neighbour_treasurer):
    day = dt.date(LAST_YEAR, 2, 1)
    services.post_donation(treasurer, fund, amount=2_000_000, donor_name="Lê Văn Cường", date=day)
    services.post_donation(treasurer, fund, amount=700_000, donor_name="Phạm Thị Dung", date=day,
                           public_consent=True)
    period = fund.periods.get()
    result = statement.statement(fund, period.start, period.end)
    text = pdf_text(pdf.statement_pdf(result, label="Quý 1", closed=False, compress=False))
    for expected in (HEADING, "CÔNG KHAI THU CHI QUỸ KHUYẾN HỌC", "Phạm Thị Dung", "Nhà hảo tâm", "2.700.000",
                     "tạm tính"):
        assert expected in text, expected
    assert "Lê Văn Cường" not in text
    response = client_for(treasurer).get(url("statement_pdf", fund.pk, period.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert client_for(neighbour_treasurer).get(url("statement_pdf", fund.pk, period.pk)).status_code == 404
    yearly = client_for(treasurer).get(url("year_statement_pdf", fund.pk, LAST_YEAR))
    assert yearly.status_code == 200 and yearly.content.startswith(b"%PDF-")
