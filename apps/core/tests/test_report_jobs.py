"""Background report jobs: start, audit, reuse, the worker's run and re-check, pages, download, purge.

The kind used here is registered by the test itself: it writes the name and code of
the unit it reports on, so that the machinery is tested apart from any real report
(the PCGD–XMC report through jobs is tested in ``apps/universal/tests/test_report_jobs.py``).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import AuditEntry
from apps.accounts.roles import VIEW
from apps.accounts.scope import scope_for
from apps.core import report_jobs
from apps.core.errors import DomainError
from apps.core.models import ReportJob
from apps.core.tasks import run_report_job
from apps.core.testing import client_for
from apps.places.models import Unit

KIND = "unit_card"


def check_unit_card(user, params: dict[str, Any]) -> Unit:
    unit = Unit.objects.get(pk=params["unit"])
    if not scope_for(user, VIEW).covers(unit):
        raise PermissionDenied(_("You do not have access to this unit."))
    return unit


def build_unit_card(user, params: dict[str, Any], fmt: str) -> report_jobs.BuiltReport:
    if params.get("crash"):
        raise RuntimeError("renderer crashed")
    if params.get("refuse"):
        raise DomainError(_("The survey year must lie between %(min)s and %(max)s."),
                          {"min": 1990, "max": 2100})
    unit = Unit.objects.get(pk=params["unit"])
    return report_jobs.BuiltReport(f"{unit.code};{unit.name};{user.get_username()}".encode(),
                                   f"card-{unit.code}.{fmt}", "text/csv")


@pytest.fixture(autouse=True)
def unit_card_kind(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    report_jobs.get_kind(KIND)  # the real kinds first, so that discovery does not run again later
    kind = report_jobs.ReportKind(KIND, "Unit card", ("csv",), check_unit_card, build_unit_card)
    monkeypatch.setitem(report_jobs._kinds, KIND, kind)
    return kind


@pytest.fixture
def dang_kang(krong_bong) -> Unit:
    return krong_bong.new["24454"]


def start(user, unit: Unit, django_capture_on_commit_callbacks, *, run: bool = True, **params) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=run):
        job = report_jobs.start_report(user, KIND, {"unit": unit.pk, **params}, "csv")
    job.refresh_from_db()
    return job


# ----------------------------------------------------------------------------- life cycle


def test_a_started_job_is_built_by_the_worker_and_audited(commune_officer, dang_kang,
                                                          django_capture_on_commit_callbacks):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks)
    assert job.state == ReportJob.State.DONE and job.user == commune_officer and job.unit == dang_kang
    assert job.filename == "card-24454.csv" and job.content_type == "text/csv"
    with job.file.open("rb") as handle:
        content = handle.read()
    assert content == "24454;Xã Dang Kang;dangkang".encode() and job.size == len(content)
    assert job.file.name.startswith("reports/") and "24454" not in job.file.name
    assert job.started_at <= job.finished_at and job.error == ""
    entry = AuditEntry.objects.get(action=AuditEntry.Action.COMMAND)
    assert entry.user == commune_officer and entry.unit_path == dang_kang.path
    assert entry.after == {"report_job": job.pk, "kind": KIND, "format": "csv",
                           "params": {"unit": dang_kang.pk}}


def test_the_task_is_enqueued_only_after_the_commit(commune_officer, dang_kang,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = report_jobs.start_report(commune_officer, KIND, {"unit": dang_kang.pk}, "csv")
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.state == ReportJob.State.PENDING and not job.file
    run_report_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE and job.file


def test_an_unfinished_identical_job_is_reused_and_a_finished_one_is_not(
        commune_officer, dang_kang, django_capture_on_commit_callbacks):
    first = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False)
    assert start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False) == first
    other = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False, note="x")
    assert other != first
    report_jobs.run_job(first.pk)
    assert start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False) != first
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COMMAND).count() == 3


def test_an_unfinished_job_of_a_dead_worker_is_not_reused(commune_officer, dang_kang,
                                                          django_capture_on_commit_callbacks):
    stale = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False)
    ReportJob.objects.filter(pk=stale.pk).update(
        state=ReportJob.State.RUNNING, created_at=timezone.now() - report_jobs.REUSE_WINDOW * 2)
    assert start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False) != stale
    html = client_for(commune_officer).get(reverse("report_job", args=[stale.pk])).content.decode()
    assert 'data-testid="report-stalled"' in html and "hx-trigger" not in html


def test_a_job_taken_by_a_worker_is_not_built_twice(commune_officer, dang_kang,
                                                    django_capture_on_commit_callbacks):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks)
    name = job.file.name
    report_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.file.name == name
    assert report_jobs.run_job(10**9) is None


def test_the_neighbour_cannot_start_a_job_on_dang_kang(neighbour_officer, dang_kang,
                                                       django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        start(neighbour_officer, dang_kang, django_capture_on_commit_callbacks)
    assert not ReportJob.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.COMMAND).exists()


def test_an_unknown_format_is_refused(commune_officer, dang_kang):
    with pytest.raises(DomainError) as refused:
        report_jobs.start_report(commune_officer, KIND, {"unit": dang_kang.pk}, "docx")
    assert refused.value.column == "format" and "docx" in refused.value.english


# ----------------------------------------------------------------------------- failures


def test_the_worker_checks_the_scope_again(commune_officer, dang_kang, django_capture_on_commit_callbacks):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False)
    commune_officer.role_assignments.all().delete()  # the role was withdrawn before the worker ran
    job = report_jobs.run_job(job.pk)
    assert job.state == ReportJob.State.FAILED and not job.file
    assert job.error == "Bạn không có quyền xem đơn vị này. / You do not have access to this unit."


def test_a_refusal_of_the_builder_is_recorded_in_both_languages(commune_officer, dang_kang,
                                                                 django_capture_on_commit_callbacks):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, refuse=True)
    assert job.state == ReportJob.State.FAILED
    assert job.error.endswith(" / The survey year must lie between 1990 and 2100.")
    assert job.error != "The survey year must lie between 1990 and 2100."


def test_a_crash_is_recorded_without_its_internals(commune_officer, dang_kang,
                                                   django_capture_on_commit_callbacks, caplog):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, crash=True)
    assert job.state == ReportJob.State.FAILED and job.finished_at is not None
    assert "could not be built" in job.error and "renderer crashed" not in job.error
    assert "renderer crashed" in caplog.text  # logged for the administrators
    page = client_for(commune_officer).get(reverse("report_job", args=[job.pk])).content.decode()
    assert 'data-testid="report-failed"' in page and "hx-trigger" not in page
    assert client_for(commune_officer).get(reverse("report_job_download", args=[job.pk])).status_code == 404


# ----------------------------------------------------------------------------- pages


def test_a_running_job_page_polls_its_status(commune_officer, dang_kang, django_capture_on_commit_callbacks):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False)
    client = client_for(commune_officer)
    status_url = reverse("report_job_status", args=[job.pk])
    for url in (reverse("report_job", args=[job.pk]), status_url):
        html = client.get(url).content.decode()
        assert f'hx-get="{status_url}"' in html and 'hx-trigger="every 2s"' in html
        assert 'data-testid="report-download"' not in html and 'data-testid="report-stalled"' not in html
    assert client.get(reverse("report_job_download", args=[job.pk])).status_code == 404


def test_the_owner_downloads_the_finished_report(commune_officer, dang_kang,
                                                  django_capture_on_commit_callbacks):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks)
    client = client_for(commune_officer)
    html = client.get(reverse("report_job", args=[job.pk])).content.decode()
    assert 'data-testid="report-download"' in html and "hx-trigger" not in html
    response = client.get(reverse("report_job_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert 'attachment; filename="card-24454.csv"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == "24454;Xã Dang Kang;dangkang".encode()


def test_others_get_404_and_a_system_administrator_gets_the_file(
        commune_officer, district_viewer, neighbour_officer, roleless_user, admin_user_, dang_kang,
        django_capture_on_commit_callbacks):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks)
    names = ("report_job", "report_job_status", "report_job_download")
    # The district viewer sees Dang Kang, but the job is the officer's.
    for user in (district_viewer, neighbour_officer, roleless_user):
        client = client_for(user)
        assert [client.get(reverse(name, args=[job.pk])).status_code for name in names] == [404, 404, 404]
    admin = client_for(admin_user_)
    assert [admin.get(reverse(name, args=[job.pk])).status_code for name in names] == [200, 200, 200]
    anonymous = Client().get(reverse("report_job_download", args=[job.pk]))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_an_owner_who_lost_the_role_cannot_download(commune_officer, dang_kang,
                                                    django_capture_on_commit_callbacks):
    job = start(commune_officer, dang_kang, django_capture_on_commit_callbacks)
    commune_officer.role_assignments.all().delete()
    assert client_for(commune_officer).get(reverse("report_job_download", args=[job.pk])).status_code == 403


def test_my_reports_lists_my_jobs_newest_first_and_nobody_elses(
        commune_officer, neighbour_officer, admin_user_, krong_bong, dang_kang,
        django_capture_on_commit_callbacks, django_assert_max_num_queries):
    hoa_son = krong_bong.new["24481"]
    older = start(commune_officer, dang_kang, django_capture_on_commit_callbacks)
    newer = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, run=False, note="2")
    theirs = start(neighbour_officer, hoa_son, django_capture_on_commit_callbacks)
    client = client_for(commune_officer)
    with django_assert_max_num_queries(4):  # session, user, roles, jobs with their units
        html = client.get(reverse("report_jobs")).content.decode()
    links = [html.index(reverse("report_job", args=[job.pk])) for job in (newer, older)]
    assert links == sorted(links)
    assert reverse("report_job_download", args=[older.pk]) in html
    assert reverse("report_job_download", args=[newer.pk]) not in html
    assert reverse("report_job", args=[theirs.pk]) not in html and "Xã Hòa Sơn" not in html
    # A system administrator's list is their own too.
    admin_page = client_for(admin_user_).get(reverse("report_jobs")).content.decode()
    assert 'data-testid="report-jobs-empty"' in admin_page


# ----------------------------------------------------------------------------- clean-up


def test_purge_deletes_old_jobs_with_their_files_and_orphan_files(commune_officer, dang_kang,
                                                                   django_capture_on_commit_callbacks):
    old = start(commune_officer, dang_kang, django_capture_on_commit_callbacks)
    recent = start(commune_officer, dang_kang, django_capture_on_commit_callbacks, note="recent")
    ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    orphan = default_storage.save("reports/2020/01/orphan.csv", io.BytesIO(b"x"))
    fresh_orphan = default_storage.save("reports/2020/01/being-written.csv", io.BytesIO(b"x"))
    eight_days_ago = (timezone.now() - dt.timedelta(days=8)).timestamp()
    os.utime(default_storage.path(orphan), (eight_days_ago, eight_days_ago))

    out = io.StringIO()
    call_command("report_jobs", "purge", "--days", "7", stdout=out)
    assert out.getvalue().startswith("Deleted 1 report job(s) older than 7 day(s).")
    assert list(ReportJob.objects.all()) == [recent]
    assert not default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)
    assert not default_storage.exists(orphan) and default_storage.exists(fresh_orphan)


def test_the_worker_purges_expired_jobs_after_each_job(commune_officer, dang_kang,
                                                       django_capture_on_commit_callbacks):
    old = start(commune_officer, dang_kang, django_capture_on_commit_callbacks)
    ReportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=report_jobs.KEEP_DAYS + 1))
    start(commune_officer, dang_kang, django_capture_on_commit_callbacks, note="new")
    assert not ReportJob.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old.file.name)
