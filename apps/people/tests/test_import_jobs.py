"""The import in the interface: upload, background job, progress, errors, invalid rows; export page."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from apps.accounts.models import AuditEntry
from apps.core.testing import client_for
from apps.people import import_jobs
from apps.people.models import ImportJob, Person

SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"
DANG_KANG_ROWS = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines()
                  if not line.startswith("24448,")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client: Client, rows: list[str], django_capture_on_commit_callbacks, **fields):
    data = {"year": 2026, "create_villages": "on",
            "file": SimpleUploadedFile("dang-kang.csv", "\n".join(rows).encode("utf-8"), "text/csv"),
            **fields}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("people:import_start"), data)


def test_an_officer_imports_a_file_through_the_pages(commune_officer, django_capture_on_commit_callbacks):
    client = client_for(commune_officer)
    assert client.get(reverse("people:import_start")).status_code == 200
    response = upload(client, DANG_KANG_ROWS, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:import_job", args=[job.pk])
    assert job.state == ImportJob.State.DONE and job.user == commune_officer
    assert job.counts["persons_created"] == Person.objects.count() == len(DANG_KANG_ROWS) - 1
    page = client.get(response["Location"]).content.decode()
    assert "import-counts" in page and "hx-trigger" not in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COMMAND, user=commune_officer).count() == 1


def test_a_file_with_errors_is_rejected_with_its_error_table_and_workbook(
        commune_officer, django_capture_on_commit_callbacks):
    rows = [*DANG_KANG_ROWS[:3], DANG_KANG_ROWS[3].replace(",Nữ,", ",?,").replace(",Nam,", ",?,")]
    client = client_for(commune_officer)
    upload(client, rows, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED and job.error_count == 1
    assert job.errors[0]["row"] == 4 and job.errors[0]["column"] == "sex"
    assert not Person.objects.exists()
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="import-errors"' in page
    assert reverse("people:import_invalid_rows", args=[job.pk]) in page
    download = client.get(reverse("people:import_invalid_rows", args=[job.pk]))
    assert download.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content))) \
        .get_sheet_by_index(0).to_python()
    assert len(sheet) == 2 and "sex" in sheet[1][-1]


def test_check_only_counts_and_writes_nothing(commune_officer, django_capture_on_commit_callbacks):
    upload(client_for(commune_officer), DANG_KANG_ROWS, django_capture_on_commit_callbacks, dry_run="on")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and job.dry_run
    assert job.counts["persons_created"] > 0 and not Person.objects.exists()


def test_rows_of_a_commune_outside_the_users_scope_are_refused(
        neighbour_officer, django_capture_on_commit_callbacks):
    upload(client_for(neighbour_officer), DANG_KANG_ROWS, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    assert job.error_count == len(DANG_KANG_ROWS) - 1
    assert {error["column"] for error in job.errors} == {"commune_code"}


def test_the_neighbour_cannot_see_the_job(commune_officer, neighbour_officer, admin_user_,
                                          django_capture_on_commit_callbacks):
    upload(client_for(commune_officer), DANG_KANG_ROWS, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    neighbour = client_for(neighbour_officer)
    for name in ("people:import_job", "people:import_job_status"):
        assert neighbour.get(reverse(name, args=[job.pk])).status_code == 404
        assert client_for(admin_user_).get(reverse(name, args=[job.pk])).status_code == 200
    assert job.filename not in neighbour.get(reverse("people:import_start")).content.decode()


def test_a_viewer_cannot_import(district_viewer, roleless_user):
    for user in (district_viewer, roleless_user):
        client = client_for(user)
        assert client.get(reverse("people:import_start")).status_code == 403
        file = SimpleUploadedFile("x.csv", b"commune_code\n24454")
        assert client.post(reverse("people:import_start"), {"year": 2026, "file": file}).status_code == 403
    assert not ImportJob.objects.exists()


def test_anonymous_is_sent_to_the_login(db):
    response = Client().get(reverse("people:import_start"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_running_job_polls_its_status_and_shows_its_progress(commune_officer):
    job = ImportJob.objects.create(user=commune_officer, year=2026, filename="big.csv",
                                   state=ImportJob.State.RUNNING)
    import_jobs.write_progress(job.pk, 5000, 20000)
    fragment = client_for(commune_officer).get(reverse("people:import_job_status", args=[job.pk]))
    html = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{reverse("people:import_job_status", args=[job.pk])}"' in html
    assert '<progress value="5000" max="20000"' in html
    assert "style=" not in html and "<script" not in html


def test_the_worker_skips_a_job_already_taken(commune_officer):
    job = ImportJob.objects.create(user=commune_officer, year=2026, filename="x.csv",
                                   state=ImportJob.State.DONE)
    assert import_jobs.run_job(job.pk).state == ImportJob.State.DONE


def test_a_job_whose_file_vanished_fails_visibly(commune_officer):
    job = ImportJob.objects.create(user=commune_officer, year=2026, filename="x.csv", file="imports/none.csv")
    assert import_jobs.run_job(job.pk).state == ImportJob.State.FAILED
    page = client_for(commune_officer).get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="import-failed"' in page and "none.csv" in page


def test_the_officer_exports_their_commune_from_the_export_page(commune_officer, krong_bong,
                                                                django_capture_on_commit_callbacks):
    upload(client_for(commune_officer), DANG_KANG_ROWS, django_capture_on_commit_callbacks)
    client = client_for(commune_officer)
    page = client.get(reverse("people:export"))
    assert page.status_code == 200 and "Xã Dang Kang" in page.content.decode()
    unit = krong_bong.new["24454"]
    response = client.post(reverse("people:export"), {"unit": unit.pk, "year": 2026, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(text.splitlines()) == len(DANG_KANG_ROWS)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=commune_officer).exists()
    xlsx = client.post(reverse("people:export"), {"unit": unit.pk, "year": 2026, "format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_the_export_page_offers_only_the_users_units(commune_officer, neighbour_officer, district_viewer,
                                                     krong_bong):
    neighbour = client_for(neighbour_officer)
    response = neighbour.post(reverse("people:export"),
                              {"unit": krong_bong.new["24454"].pk, "year": 2026, "format": "csv"})
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert client_for(district_viewer).get(reverse("people:export")).status_code == 403
