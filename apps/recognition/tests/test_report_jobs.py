"""The annual report of a district or province, built by a background report job.

A commune's export answers at once (``test_exports.py``); a district's or a
province's starts a job and redirects to its page. The test settings' task backend
runs the task at once when the start commits.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.core import report_jobs
from apps.core.models import ReportJob
from apps.core.testing import client_for
from apps.recognition.tests.test_views_support import decided_campaign

pytestmark = pytest.mark.django_db
TITLE = "BÁO CÁO KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP NĂM 2026"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def decided(campaign, dang_kang, commune_officer, association_officer):
    return decided_campaign(campaign, dang_kang, commune_officer, association_officer)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def export(client: Client, unit, fmt: str, capture, *, run: bool = True):
    with capture(execute=run):
        return client.get(reverse("recognition:report_export", args=[fmt]), {"unit": unit.pk, "year": 2026})


def job_of(response) -> ReportJob:
    assert response.status_code == 302, response.status_code
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("report_job", args=[job.pk])
    return job


def test_the_province_workbook_is_built_by_a_job(province_viewer, krong_bong, decided, capture):
    client = client_for(province_viewer)
    job = job_of(export(client, krong_bong.province, "xlsx", capture))
    assert job.state == ReportJob.State.DONE, job.error
    assert job.kind == "recognition_annual" and job.unit == krong_bong.province
    response = client.get(reverse("report_job_download", args=[job.pk]))
    name = f"mo-hinh-hoc-tap-2026-{krong_bong.province.code}.xlsx"
    assert f'filename="{name}"' in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None}
    assert TITLE in values and "12/QĐ-UBND" in values and "Xã Dang Kang" in values


def test_the_district_pdf_is_built_by_a_job(district_viewer, krong_bong, decided, capture):
    client = client_for(district_viewer)
    job = job_of(export(client, krong_bong.district, "pdf", capture))
    response = client.get(reverse("report_job_download", args=[job.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_commune_export_is_not_a_job(commune_officer, dang_kang, decided, capture):
    response = export(client_for(commune_officer), dang_kang, "xlsx", capture)
    assert response.status_code == 200 and not ReportJob.objects.exists()


def test_outside_the_scope_nothing_starts_and_nobody_else_opens_the_job(
        province_viewer, commune_officer, neighbour_officer, krong_bong, decided, capture):
    refused = export(client_for(commune_officer), krong_bong.province, "xlsx", capture)
    assert refused.status_code == 404 and not ReportJob.objects.exists()
    job = job_of(export(client_for(province_viewer), krong_bong.province, "xlsx", capture))
    for user in (commune_officer, neighbour_officer):
        assert client_for(user).get(reverse("report_job_download", args=[job.pk])).status_code == 404


def test_the_worker_refuses_a_viewer_who_lost_the_role(district_viewer, krong_bong, decided, capture):
    job = job_of(export(client_for(district_viewer), krong_bong.district, "pdf", capture, run=False))
    district_viewer.role_assignments.all().delete()
    job = report_jobs.run_job(job.pk)
    assert job.state == ReportJob.State.FAILED and not job.file
    assert "You do not have access to this unit." in job.error
