"""``/api/v1/imports``: upload a file, read the job back, download the refused rows."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.accounts.tokens import create_token
from apps.core.testing import client_for
from apps.people.models import ImportJob, Person

URL = "/api/v1/imports"
SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"
DANG_KANG = "\n".join(line for line in SAMPLE.read_text(encoding="utf-8").splitlines()
                      if not line.startswith("24448,"))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def post(client: Client, text: str, on_commit, **fields):
    data = {"file": SimpleUploadedFile("people.csv", text.encode("utf-8")), "year": "2026",
            "create_villages": "true", **fields}
    with on_commit(execute=True):
        return client.post(URL, data)


def test_an_upload_returns_the_job_which_ends_done(commune_officer, django_capture_on_commit_callbacks):
    client = client_for(commune_officer)
    response = post(client, DANG_KANG, django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    job = client.get(f"{URL}/{response.json()['id']}").json()
    assert job["state"] == "done" and job["year"] == 2026 and job["filename"] == "people.csv"
    assert job["counts"]["persons_created"] == Person.objects.count() > 0
    assert job["progress_percent"] == 100 and job["errors"] == [] and not job["has_invalid_rows"]


def test_a_file_with_errors_is_rejected_with_its_errors_and_invalid_rows(
        commune_officer, django_capture_on_commit_callbacks):
    client = client_for(commune_officer)
    bad = DANG_KANG.replace(",Kinh,", ",Kinhh,", 1)
    job_id = post(client, bad, django_capture_on_commit_callbacks).json()["id"]
    job = client.get(f"{URL}/{job_id}").json()
    assert job["state"] == "rejected" and job["error_count"] == 1
    assert job["errors"][0]["column"] == "ethnicity" and job["errors"][0]["row"] == 2
    assert job["errors"][0]["message_en"] and job["errors"][0]["message_vi"]
    download = client.get(f"{URL}/{job_id}/invalid-rows")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Person.objects.exists()


def test_a_token_authenticates_the_upload(commune_officer, django_capture_on_commit_callbacks):
    _token, key = create_token(commune_officer, "import")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    response = post(client, DANG_KANG, django_capture_on_commit_callbacks, dry_run="true")
    assert response.status_code == 201
    assert ImportJob.objects.get().dry_run and not Person.objects.exists()


def test_only_the_owner_and_an_administrator_see_a_job(commune_officer, neighbour_officer, admin_user_,
                                                       django_capture_on_commit_callbacks):
    job_id = post(client_for(commune_officer), DANG_KANG.replace(",Kinh,", ",?,"),
                  django_capture_on_commit_callbacks).json()["id"]
    neighbour = client_for(neighbour_officer)
    assert neighbour.get(f"{URL}/{job_id}").status_code == 404
    assert neighbour.get(f"{URL}/{job_id}/invalid-rows").status_code == 404
    assert client_for(admin_user_).get(f"{URL}/{job_id}").status_code == 200


def test_a_viewer_may_not_upload(district_viewer, django_capture_on_commit_callbacks):
    assert post(client_for(district_viewer), DANG_KANG, django_capture_on_commit_callbacks).status_code == 403
    assert not ImportJob.objects.exists()


def test_anonymous_gets_401(db, django_capture_on_commit_callbacks):
    assert post(Client(), DANG_KANG, django_capture_on_commit_callbacks).status_code == 401
    assert Client().get(f"{URL}/1").status_code == 401


def test_a_missing_file_or_year_is_refused(commune_officer):
    client = client_for(commune_officer)
    assert client.post(URL, {"year": "2026"}).status_code == 422
    file = SimpleUploadedFile("people.csv", DANG_KANG.encode())
    assert client.post(URL, {"file": file}).status_code == 422
    file = SimpleUploadedFile("people.csv", DANG_KANG.encode())
    response = client.post(URL, {"file": file, "year": "1800"})
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == "year"


def test_the_invalid_rows_of_a_job_without_errors_are_404(commune_officer,
                                                          django_capture_on_commit_callbacks):
    client = client_for(commune_officer)
    job_id = post(client, DANG_KANG, django_capture_on_commit_callbacks).json()["id"]
    assert client.get(f"{URL}/{job_id}/invalid-rows").status_code == 404
