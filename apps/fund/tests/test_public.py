"""Public disclosure pages without login (/fund/public/): published data only, public names."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.fund import expenses, pdf, services
from apps.fund.models import Period
from apps.fund.tests.test_views import client_for
from apps.universal.tests.test_reports import pdf_text

LAST_YEAR = timezone.localdate().year - 1
Q3 = dt.date(LAST_YEAR, 8, 15)
Q4 = dt.date(LAST_YEAR, 11, 15)
HIDDEN = ("Lê Văn Cường", "Nguyễn Thị Hoa", "Trần Văn Kín", "Đỗ Thị Lụa")


@pytest.fixture
def books(fund, treasurer, association_officer):
    """Q3 closed and published; Q4 closed, not published."""
    services.set_honour_level(treasurer, fund, name="Vàng", minimum=1_000_000)
    services.post_donation(treasurer, fund, amount=2_000_000, donor_name="Lê Văn Cường", date=Q3)
    services.post_donation(treasurer, fund, amount=1_500_000, donor_name="Phạm Thị Dung", date=Q3,
                           public_consent=True)
    services.post_donation(treasurer, fund, amount=3_000_000, anonymous=True, date=Q3)
    programme = services.create_programme(treasurer, fund, kind="scholarship", name="Học bổng nghèo vượt khó",
                                          year=LAST_YEAR)
    services.pay_disbursement(treasurer, services.approve_disbursement(
        association_officer, services.propose_disbursement(treasurer, programme, amount=500_000,
                                                           beneficiary_name="Nguyễn Thị Hoa")), date=Q3)
    expenses.post_expense(treasurer, fund, amount=200_000, description="Bồi dưỡng giáo viên lớp xoá mù chữ",
                          payee="Đỗ Thị Lụa", date=Q3)
    services.post_donation(treasurer, fund, amount=9_000_000, donor_name="Trần Văn Kín", date=Q4,
                           public_consent=True)
    services.close_period(treasurer, fund, Q3)
    services.close_period(treasurer, fund, Q4)
    q3 = Period.objects.get(fund=fund, start__month=7)
    services.publish_period(treasurer, q3)
    return fund, q3, Period.objects.get(fund=fund, start__month=10)


@pytest.fixture
def visitor() -> Client:
    return client_for(None)


def test_the_public_pages_show_published_data_without_login(books, visitor, hoa_son_fund):
    fund, q3, _q4 = books
    listing = visitor.get(reverse("fund:public_index"))
    assert listing.status_code == 200 and "max-age" in listing["Cache-Control"]
    text = listing.content.decode()
    assert fund.name in text and fund.holder.name in text and fund.unit.name in text
    assert hoa_son_fund.name not in text  # nothing published
    assert 'class="topbar"' in text and 'class="footer"' in text  # the site's shell, for anonymous users
    assert reverse("accounts:login") in text and 'class="mainnav"' not in text
    page = visitor.get(reverse("fund:public_fund", args=[fund.pk])).content.decode()
    assert reverse("fund:public_statement", args=[fund.pk, q3.pk]) in page
    assert reverse("fund:public_honour", args=[fund.pk, LAST_YEAR]) in page
    statement = visitor.get(reverse("fund:public_statement", args=[fund.pk, q3.pk]))
    body = statement.content.decode()
    assert statement.status_code == 200 and "<html" in body and "Phạm Thị Dung" in body
    assert "Nhà hảo tâm ẩn danh" in body and "N. T. Hoa" in body and "6,500,000" in body
    assert "Bồi dưỡng giáo viên lớp xoá mù chữ" in body
    for name in HIDDEN:
        assert name not in body
    # nothing of the internal pages leaks: no ledger, no receipts, no nav of the logged-in fund pages
    assert reverse("fund:ledger", args=[fund.pk]) not in body
    assert reverse("fund:donations", args=[fund.pk]) not in body


def test_unpublished_periods_and_funds_answer_404(books, visitor, hoa_son_fund, treasurer):
    fund, _q3, q4 = books
    for name, args in (("public_statement", [fund.pk, q4.pk]), ("public_statement_pdf", [fund.pk, q4.pk]),
                       ("public_fund", [hoa_son_fund.pk]), ("public_honour", [fund.pk, LAST_YEAR - 1])):
        assert visitor.get(reverse(f"fund:{name}", args=args)).status_code == 404, name
    other = Period.objects.create(fund=hoa_son_fund, start=q4.start, end=q4.end)
    assert visitor.get(reverse("fund:public_statement", args=[fund.pk, other.pk])).status_code == 404
    assert visitor.post(reverse("fund:public_index")).status_code == 405


def test_the_honour_roll_counts_only_published_periods(books, visitor):
    fund, _q3, _q4 = books
    body = visitor.get(reverse("fund:public_honour", args=[fund.pk, LAST_YEAR])).content.decode()
    assert "Phạm Thị Dung" in body and "Nhà hảo tâm ẩn danh" in body
    assert "Trần Văn Kín" not in body  # consented, but his quarter is not published
    assert "Lê Văn Cường" not in body  # no consent


def test_the_public_pdf_is_the_public_version_and_cached(books, visitor, monkeypatch):
    fund, q3, _q4 = books
    cache.clear()
    calls = []
    original = pdf.statement_pdf

    def render(*args, **kwargs):
        calls.append(1)
        return original(*args, **{**kwargs, "compress": False})

    monkeypatch.setattr(pdf, "statement_pdf", functools.wraps(original)(render))
    url = reverse("fund:public_statement_pdf", args=[fund.pk, q3.pk])
    response = visitor.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "CÔNG KHAI THU CHI QUỸ KHUYẾN HỌC" in text and "Phạm Thị Dung" in text and "N. T. Hoa" in text
    for name in HIDDEN:
        assert name not in text
    assert visitor.get(url).content == response.content and len(calls) == 1
    again = visitor.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and len(calls) == 1
    assert "public" in response["Cache-Control"]


def test_the_statement_page_links_to_its_public_url(books, treasurer):
    fund, q3, q4 = books
    client = client_for(treasurer)
    public_url = reverse("fund:public_statement", args=[fund.pk, q3.pk])
    assert public_url in client.get(reverse("fund:statement", args=[fund.pk, q3.pk])).content.decode()
    assert 'data-testid="public-link"' not in client.get(
        reverse("fund:statement", args=[fund.pk, q4.pk])).content.decode()
