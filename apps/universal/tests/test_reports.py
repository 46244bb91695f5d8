"""The official report: layout model, PDF (WeasyPrint, embedded fonts, offline), XLSX, downloads."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.universal.reports import pdf as pdf_module
from apps.universal.reports.document import (
    Cell,
    OfficialDocument,
    Table,
    issuing_authority,
    percent_text,
    place_and_date,
    place_name,
)
from apps.universal.reports.pdf import local_fetcher, render_pdf
from apps.universal.reports.xlsx import render_xlsx
from apps.universal.tests.test_views_support import YEAR, build_dang_kang, build_legacy_2024

HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập – Tự do – Hạnh phúc"
TITLE = "BÁO CÁO KẾT QUẢ PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ NĂM 2026"


def pdf_text(pdf: bytes) -> str:
    """The text of an uncompressed WeasyPrint PDF, read through the fonts' ToUnicode maps."""
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}

    def stream(body: bytes) -> bytes:
        found = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
        return found[1] if found else b""

    def unicode_map(number: int) -> dict[int, str]:
        table: dict[int, str] = {}
        data = stream(objects[number])
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for source, target in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                table[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for low, high, target in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>",
                                                block):
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    table[code] = chr(int(target, 16) + offset)
        return table

    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, number in re.findall(rb"/(\w+) (\d+) 0 R", body):
            target = objects.get(int(number), b"")
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", target)
            if b"/Type /Font" in target and to_unicode:
                fonts[name] = unicode_map(int(to_unicode[1]))
    runs = []
    for body in objects.values():
        content = stream(body)
        if b" Tf" not in content:
            continue
        table: dict[int, str] = {}
        for token in re.finditer(rb"/(\w+) [\d.]+ Tf|\[(.*?)\] TJ|<([0-9a-fA-F]*)> Tj", content, re.S):
            if token[1]:
                table = fonts.get(token[1], {})
                continue
            run = token[2] if token[2] is not None else b"<" + token[3] + b">"
            runs.append("".join(table.get(int(hexa[i:i + 4], 16), "?")
                                for hexa in re.findall(rb"<([0-9a-fA-F]*)>", run)
                                for i in range(0, len(hexa), 4)))
    return re.sub(r"\s+", " ", " ".join(runs))


def sample_document() -> OfficialDocument:
    return OfficialDocument(
        issuer=issuing_authority("Xã Dang Kang"), place=place_name("Xã Dang Kang", "xã"),
        date=dt.date(2026, 11, 29), title=TITLE,
        tables=[Table("Chỉ số", ["Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Ngưỡng", "Kết quả"], [
            [Cell("mn5_attend"), Cell(57, "int"), Cell(60, "int"), Cell(Fraction(57, 60), "percent"),
             Cell(Fraction(95, 100), "percent"), Cell(True, "bool", "ok")],
            [Cell("primary_entry"), Cell(29, "int"), Cell(30, "int"), Cell(Fraction(29, 30), "percent"),
             Cell(Fraction(98, 100), "percent"), Cell(False, "bool", "bad")],
        ])],
        recipients=["- Sở Giáo dục và Đào tạo;"],
    )


# ----------------------------------------------------------------------------- the layout model


def test_the_place_is_the_unit_name_without_its_division_type():
    assert place_name("Xã Dang Kang", "xã") == "Dang Kang"
    assert place_name("Thị trấn Krông Kmar", "thị trấn") == "Krông Kmar"
    assert place_name("Tỉnh Đắk Lắk") == "Đắk Lắk"


def test_the_date_writes_small_days_and_early_months_with_a_zero():
    assert place_and_date("Dang Kang", dt.date(2026, 11, 29)) == "Dang Kang, ngày 29 tháng 11 năm 2026"
    assert place_and_date("Dang Kang", dt.date(2026, 2, 5)) == "Dang Kang, ngày 05 tháng 02 năm 2026"
    assert place_and_date("Dang Kang", dt.date(2026, 3, 5)) == "Dang Kang, ngày 05 tháng 3 năm 2026"


def test_the_issuer_is_the_peoples_committee_in_capitals():
    assert issuing_authority("Xã Dang Kang") == "ỦY BAN NHÂN DÂN XÃ DANG KANG"


def test_rates_read_with_a_decimal_comma_and_are_never_rounded_up_to_a_threshold():
    assert percent_text(Fraction(29, 30)) == "96,67%"
    assert percent_text(Fraction(95, 100)) == "95%"
    assert percent_text(None) == "—"


# ----------------------------------------------------------------------------- PDF


def test_the_pdf_has_the_official_heading_title_table_and_signature():
    text = pdf_text(render_pdf(sample_document(), compress=False))
    assert HEADING in text and MOTTO in text
    assert "ỦY BAN NHÂN DÂN XÃ DANG KANG" in text
    assert "Dang Kang, ngày 29 tháng 11 năm 2026" in text
    assert TITLE in text
    assert "mn5_attend 57 60 95% 95%" in text and "96,67%" in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text


def test_the_pdf_embeds_a_font_that_covers_vietnamese():
    pdf = render_pdf(sample_document(), compress=False)
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([^\s/]+)", pdf))
    assert fonts and all(re.match(rb"Noto-?Serif|DejaVu", name) for name in fonts), fonts
    assert pdf.count(b"/FontFile2") == len(fonts)  # every font is embedded, none is only named


def test_the_compressed_pdf_is_a_pdf():
    pdf = render_pdf(sample_document())
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_the_fonts_fall_back_to_dejavu_when_noto_is_missing(monkeypatch):
    candidates = [c for c in pdf_module.FONT_CANDIDATES if "dejavu" in c[0]]
    monkeypatch.setattr(pdf_module, "FONT_CANDIDATES", tuple(candidates))
    pdf_module.find_fonts.cache_clear()
    try:
        pdf = render_pdf(sample_document(), compress=False)
    finally:
        pdf_module.find_fonts.cache_clear()
    assert HEADING in pdf_text(pdf)
    assert b"/FontFile2" in pdf


def test_the_pdf_fetches_no_url_and_no_other_file(tmp_path):
    from weasyprint.urls import URLFetchingError

    allowed = tmp_path / "font.ttf"
    allowed.write_bytes(b"font")
    fetcher = local_fetcher((allowed,))
    assert fetcher.fetch(allowed.as_uri()) is not None
    for url in ("https://fonts.example.com/a.ttf", "http://127.0.0.1/", (tmp_path / "secret").as_uri(),
                "file:///etc/passwd"):
        with pytest.raises(URLFetchingError):
            fetcher.fetch(url)


# ----------------------------------------------------------------------------- XLSX


def cells(workbook_bytes: bytes) -> dict[str, object]:
    sheet = load_workbook(BytesIO(workbook_bytes)).active
    return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
            if cell.value is not None}


def test_the_workbook_opens_with_the_heading_and_the_figures_as_numbers():
    workbook = load_workbook(BytesIO(render_xlsx(sample_document())))
    sheet = workbook.active
    assert sheet.title == "Báo cáo"
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN" and sheet["A2"].value == "XÃ DANG KANG"
    values = cells(render_xlsx(sample_document()))
    assert HEADING in values.values() and MOTTO in values.values() and TITLE in values.values()
    assert "Dang Kang, ngày 29 tháng 11 năm 2026" in values.values()
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "primary_entry")
    assert row[2:6] == (29, 30, pytest.approx(29 / 30), 0.98)
    header = next(r for r in sheet.iter_rows() if r[1].value == "primary_entry")
    assert header[4].number_format == "0.00%"
    assert "TM. ỦY BAN NHÂN DÂN" in values.values() and "CHỦ TỊCH" in values.values()


# ----------------------------------------------------------------------------- downloads


@pytest.fixture
def registry(krong_bong):
    build_dang_kang(krong_bong.new["24454"])
    build_legacy_2024(krong_bong)
    return krong_bong


def download(client, unit, year: int, fmt: str, **params):
    return client.get(reverse("universal:report", args=[unit.pk, year, fmt]), params)


def test_officer_downloads_the_commune_report_as_pdf(client, registry, commune_officer):
    client.force_login(commune_officer)
    response = download(client, registry.new["24454"], YEAR, "pdf", date="2026-11-29")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="pcgd-xmc-2026-24454.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


def test_the_commune_workbook_holds_its_levels_and_rates(client, registry, commune_officer):
    client.force_login(commune_officer)
    response = download(client, registry.new["24454"], YEAR, "xlsx", date="2026-11-29")
    values = cells(response.content)
    assert "ỦY BAN NHÂN DÂN" in values.values() and "XÃ DANG KANG" in values.values()
    assert TITLE in values.values() and "Dang Kang, ngày 29 tháng 11 năm 2026" in values.values()
    sheet = load_workbook(BytesIO(response.content)).active
    entry = [r for r in sheet.iter_rows(values_only=True) if r[2] == "Tỷ lệ trẻ em 6 tuổi vào học lớp 1"]
    assert [r[3:7] for r in entry] == [(29, 30, pytest.approx(29 / 30), t) for t in (0.9, 0.95, 0.98)]
    levels = {r[1]: r[2] for r in sheet.iter_rows(values_only=True) if r[2] in ("1/1", "2/3", "2/2")}
    assert levels == {"Phổ cập giáo dục mầm non cho trẻ em 5 tuổi": "1/1", "Phổ cập giáo dục tiểu học": "2/3",
                      "Phổ cập giáo dục trung học cơ sở": "2/3", "Xóa mù chữ": "2/2"}


# A district's or province's report is built by a background job: test_report_jobs.py.


def test_a_commune_officer_cannot_download_the_district_report(client, registry, commune_officer):
    client.force_login(commune_officer)
    assert download(client, registry.district, 2024, "pdf").status_code == 403


@pytest.mark.parametrize("persona", ["neighbour_officer", "roleless_user"])
def test_neighbour_and_roleless_download_nothing(request, client, registry, persona):
    client.force_login(request.getfixturevalue(persona))
    assert download(client, registry.new["24454"], YEAR, "pdf").status_code == 403
    assert download(client, registry.new["24454"], YEAR, "xlsx").status_code == 403


def test_anonymous_visitor_downloads_nothing(client, registry):
    assert download(client, registry.new["24454"], YEAR, "pdf").status_code == 302


def test_a_commune_without_records_or_an_unknown_format_has_no_report(client, registry, commune_officer):
    client.force_login(commune_officer)
    assert download(client, registry.new["24454"], 2025, "pdf").status_code == 404
    assert download(client, registry.new["24454"], YEAR, "docx").status_code == 404
