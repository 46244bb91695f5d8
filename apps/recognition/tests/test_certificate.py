"""The certificate PDF of a recognised subject: national heading, title, subject, decision, signer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.recognition.certificates import certificate_pdf
from apps.recognition.tests.test_views_support import HEAD, decided_campaign, english_interface  # noqa: F401
from apps.universal.tests.test_reports import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def recognised(campaign, dang_kang, commune_officer, association_officer):
    return decided_campaign(campaign, dang_kang, commune_officer, association_officer)[0]


def test_the_certificate_names_the_title_subject_decision_and_signer(recognised):
    text = pdf_text(certificate_pdf(recognised, with_names=True, compress=False))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập", "Hạnh phúc", "GIẤY CHỨNG NHẬN",
                     "GIA ĐÌNH HỌC TẬP", f"{HEAD} 0", "12/QĐ-UBND", "20/11/2026", "Nguyễn Văn Chủ",
                     "minh hoạ"):
        assert expected in text, expected


def test_without_personal_data_the_certificate_names_the_household_by_its_code(recognised):
    text = pdf_text(certificate_pdf(recognised, with_names=False, compress=False))
    assert HEAD not in text and "H001" in text


def test_the_officer_downloads_the_certificate(client, commune_officer, recognised):
    client.force_login(commune_officer)
    response = client.get(reverse("recognition:certificate", args=[recognised.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_no_certificate_before_recognition_nor_outside_the_scope(
    client, commune_officer, neighbour_officer, recognised, campaign, dang_kang
):
    client.force_login(neighbour_officer)
    assert client.get(reverse("recognition:certificate", args=[recognised.pk])).status_code == 404
    from apps.recognition import services
    from apps.recognition.tests.test_views_support import family

    services.reopen(campaign, commune_officer, "Bổ sung")
    other = services.register(campaign, family(dang_kang, "H005"), commune_officer)
    client.force_login(commune_officer)
    assert client.get(reverse("recognition:certificate", args=[other.pk])).status_code == 404
