"""The annual report: the page, and the XLSX that opens with openpyxl and matches the decisions."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.recognition.tests.test_views_support import decided_campaign, english_interface  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(campaign, dang_kang, commune_officer, association_officer):
    return decided_campaign(campaign, dang_kang, commune_officer, association_officer)


def _cells(workbook) -> list[list]:
    sheet = workbook.active
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_report_matches_the_decisions(client, commune_officer, decided, dang_kang):
    client.force_login(commune_officer)
    response = client.get(reverse("recognition:report_export", args=["xlsx"]),
                           {"unit": dang_kang.pk, "year": 2026})
    assert response.status_code == 200
    rows = _cells(load_workbook(BytesIO(response.content)))
    text = [[str(value) for value in row if value is not None] for row in rows]
    assert any("BÁO CÁO KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP NĂM 2026" in " ".join(row) for row in text)
    # The first row of the "Gia đình học tập" table is the commune: 2 registered, 2 recognised.
    start = next(i for i, row in enumerate(text) if row and row[0] == "Gia đình học tập")
    commune_row = rows[start + 2]
    assert commune_row[1] == dang_kang.name and commune_row[2] == 2 and commune_row[3] == 2
    decision = next(row for row in rows if "12/QĐ-UBND" in [str(v) for v in row])
    assert 2 in decision  # the subjects the decision recognised


def test_the_report_page_shows_registered_and_recognised(client, commune_officer, decided, dang_kang):
    client.force_login(commune_officer)
    page = client.get(reverse("recognition:report"), {"unit": dang_kang.pk, "year": 2026}).content.decode()
    assert f'data-testid="report-unit-{dang_kang.code}"' in page and "12/QĐ-UBND" in page


def test_the_report_defaults_to_the_users_unit_and_refuses_others(client, neighbour_officer, dang_kang,
                                                                  krong_bong):
    client.force_login(neighbour_officer)
    page = client.get(reverse("recognition:report"))
    assert page.status_code == 200 and krong_bong.new["24481"].name in page.content.decode()
    assert client.get(reverse("recognition:report"), {"unit": dang_kang.pk}).status_code == 404
    export = reverse("recognition:report_export", args=["xlsx"])
    assert client.get(export, {"unit": dang_kang.pk}).status_code == 404


def test_the_pdf_report_is_a_pdf(client, commune_officer, decided, dang_kang):
    client.force_login(commune_officer)
    response = client.get(reverse("recognition:report_export", args=["pdf"]), {"unit": dang_kang.pk})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
