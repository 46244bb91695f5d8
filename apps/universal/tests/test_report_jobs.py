"""The PCGD–XMC report of a district or province, built by a background report job.

The download URL stays ``universal:report``: a commune's report still answers at
once (``test_reports.py``); a district's or province's starts a job and redirects
to its page, and the file is downloaded from the job once the worker built it.
The tests settings' task backend runs the task at once when the start commits.
"""

from __future__ import annotations

from functools import partial
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import AuditEntry
from apps.core import report_jobs
from apps.core.models import ReportJob
from apps.core.testing import client_for
from apps.universal import views_reports
from apps.universal.reports.pdf import render_pdf
from apps.universal.tests.test_reports import cells, pdf_text
from apps.universal.tests.test_views_support import YEAR, build_dang_kang, build_legacy_2024

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def registry(krong_bong):
    build_dang_kang(krong_bong.new["24454"])
    build_legacy_2024(krong_bong)
    return krong_bong


def request_report(client: Client, unit, year: int, fmt: str, capture, *, run: bool = True, **params):
    """GET the download URL; with ``run``, the worker builds the job when the start commits."""
    with capture(execute=run):
        return client.get(reverse("universal:report", args=[unit.pk, year, fmt]), params)


def job_of(response) -> ReportJob:
    assert response.status_code == 302, response.status_code
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("report_job", args=[job.pk])
    return job


def downloaded(client: Client, job: ReportJob):
    response = client.get(reverse("report_job_download", args=[job.pk]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_the_district_workbook_of_2024_is_built_by_a_job(client, registry, district_viewer,
                                                         django_capture_on_commit_callbacks):
    client.force_login(district_viewer)
    response = request_report(client, registry.district, 2024, "xlsx", django_capture_on_commit_callbacks,
                              date="2024-12-05")
    job = job_of(response)
    assert job.state == ReportJob.State.DONE and job.kind == "pcgd" and job.unit == registry.district
    assert job.params == {"unit": registry.district.pk, "year": 2024, "date": "2024-12-05"}
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="report-download"' in page and "pcgd-xmc-2024-" in page
    download, content = downloaded(client, job)
    assert download["Content-Type"] == XLSX
    assert f'filename="pcgd-xmc-2024-{registry.district.code}.xlsx"' in download["Content-Disposition"]
    values = cells(content)
    assert "HUYỆN KRÔNG BÔNG" in values.values()
    assert "Krông Bông, ngày 05 tháng 12 năm 2024" in values.values()
    assert "BÁO CÁO KẾT QUẢ PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ NĂM 2024" in values.values()
    assert "Xã Cư KTy" in values.values() and "Xã Yang Mao" in values.values()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.COMMAND)
    assert entry.user == district_viewer and entry.unit_path == registry.district.path


def test_the_district_report_as_pdf_names_the_district(client, registry, district_viewer, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    # Uncompressed, so that the test can read the text back (the download is compressed otherwise).
    uncompressed = partial(render_pdf, compress=False)
    monkeypatch.setitem(views_reports.FORMATS, "pdf", ("application/pdf", uncompressed))
    client.force_login(district_viewer)
    job = job_of(request_report(client, registry.district, 2024, "pdf", django_capture_on_commit_callbacks,
                                date="2024-12-05"))
    download, content = downloaded(client, job)
    assert download["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF") and job.size == len(content)
    text = pdf_text(content)
    assert "ỦY BAN NHÂN DÂN HUYỆN KRÔNG BÔNG" in text and "Krông Bông, ngày 05 tháng 12 năm 2024" in text
    assert "BÁO CÁO KẾT QUẢ PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ NĂM 2024" in text


def test_the_province_report_of_2026_lists_its_communes(client, registry, province_viewer,
                                                        django_capture_on_commit_callbacks):
    client.force_login(province_viewer)
    job = job_of(request_report(client, registry.province, YEAR, "xlsx", django_capture_on_commit_callbacks,
                                date="2026-11-29"))
    assert job.state == ReportJob.State.DONE, job.error
    _, content = downloaded(client, job)
    values = cells(content)
    assert "TỈNH ĐẮK LẮK" in values.values() and "Xã Dang Kang" in values.values()
    assert load_workbook(BytesIO(content)).active.title


def test_a_second_click_while_the_job_runs_opens_the_same_job(client, registry, district_viewer,
                                                              django_capture_on_commit_callbacks):
    client.force_login(district_viewer)
    first = request_report(client, registry.district, 2024, "pdf", django_capture_on_commit_callbacks,
                           run=False, date="2024-12-05")
    second = request_report(client, registry.district, 2024, "pdf", django_capture_on_commit_callbacks,
                            run=False, date="2024-12-05")
    job = job_of(first)
    assert second["Location"] == first["Location"] and job.state == ReportJob.State.PENDING
    html = client.get(first["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in html


def test_a_commune_report_is_still_answered_at_once(client, registry, commune_officer,
                                                    django_capture_on_commit_callbacks):
    client.force_login(commune_officer)
    response = request_report(client, registry.new["24454"], YEAR, "pdf", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert not ReportJob.objects.exists()


def test_a_commune_officer_cannot_start_the_district_report(client, registry, commune_officer,
                                                            django_capture_on_commit_callbacks):
    client.force_login(commune_officer)
    response = request_report(client, registry.district, 2024, "pdf", django_capture_on_commit_callbacks)
    assert response.status_code == 403 and not ReportJob.objects.exists()


def test_nobody_else_opens_or_downloads_the_district_job(registry, district_viewer, commune_officer,
                                                         neighbour_officer, roleless_user,
                                                         django_capture_on_commit_callbacks):
    job = job_of(request_report(client_for(district_viewer), registry.district, 2024, "xlsx",
                                django_capture_on_commit_callbacks))
    for user in (commune_officer, neighbour_officer, roleless_user):
        client = client_for(user)
        for name in ("report_job", "report_job_status", "report_job_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_the_worker_refuses_a_viewer_who_lost_the_role(registry, district_viewer,
                                                       django_capture_on_commit_callbacks):
    client = client_for(district_viewer)
    job = job_of(request_report(client, registry.district, 2024, "pdf", django_capture_on_commit_callbacks,
                                run=False))
    district_viewer.role_assignments.all().delete()
    job = report_jobs.run_job(job.pk)
    assert job.state == ReportJob.State.FAILED and not job.file
    assert job.error == "Bạn không có quyền xem đơn vị này. / You do not have access to this unit."
    page = client.get(reverse("report_job", args=[job.pk])).content.decode()
    assert "You do not have access to this unit." in page or "Bạn không có quyền xem đơn vị này." in page


def test_a_district_without_records_fails_with_an_explanation(client, krong_bong, district_viewer,
                                                              django_capture_on_commit_callbacks):
    client.force_login(district_viewer)
    job = job_of(request_report(client, krong_bong.district, 2024, "pdf", django_capture_on_commit_callbacks))
    assert job.state == ReportJob.State.FAILED
    assert "There is no result to report for this unit and year" in job.error
    assert client.get(reverse("report_job_download", args=[job.pk])).status_code == 404
