"""Imports of person-registry files in the background: the upload, the job, its progress.

``start_import`` keeps the uploaded file under MEDIA_ROOT and enqueues
``tasks.run_import_job``; the worker runs ``run_job``, which calls
``importing.import_people`` and records the outcome on the ``ImportJob``.

Progress is written to a small file beside the upload rather than to the job's
row: the import holds one database transaction from start to end (all rows or
none), so a row updated inside it would stay invisible to the page polling it
until the very end, and on SQLite a second connection could not write at all.
"""

from __future__ import annotations

import json
import logging
import os
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.audit import audit_context
from apps.accounts.roles import EDIT
from apps.accounts.scope import is_system_admin, scope_for
from apps.core.errors import DomainError
from apps.people.importing import import_people, invalid_rows_bytes
from apps.people.models import ImportJob

logger = logging.getLogger(__name__)

MAX_JOB_ERRORS = 1000  # errors kept on the job (the count is exact; the workbook has the rows)
MAX_JOB_WARNINGS = 200
MIN_YEAR, MAX_YEAR = 1990, 2100
RUNNING_STATES = (ImportJob.State.PENDING, ImportJob.State.RUNNING)


def may_import(user) -> bool:
    """Whether the user may edit the registry of any unit (each row is then checked against that scope)."""
    return not scope_for(user, EDIT).is_empty


def start_import(user, uploaded_file, *, year: int, create_villages: bool = False,
                 dry_run: bool = False) -> ImportJob:
    """Keep the file and enqueue its import; the returned job is pending."""
    if not may_import(user):
        raise PermissionDenied(_("You may not edit the population registry of any unit."))
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DomainError(_("The survey year must lie between %(min)s and %(max)s."),
                          {"min": MIN_YEAR, "max": MAX_YEAR}, column="year")
    filename = Path(uploaded_file.name or "people.csv").name[:255]
    job = ImportJob(user=user, year=year, filename=filename, create_villages=create_villages,
                    dry_run=dry_run)
    job.file.save(filename, uploaded_file, save=False)
    job.save()
    from apps.people.tasks import run_import_job

    # After the commit, so that a worker in another process finds the job.
    transaction.on_commit(partial(run_import_job.enqueue, job.pk))
    return job


def jobs_for(user) -> QuerySet[ImportJob]:
    """The jobs a user may see: their own; every job for a system administrator."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    jobs = ImportJob.objects.select_related("user")
    return jobs if is_system_admin(user) else jobs.filter(user=user)


def get_job_for_user(user, pk: int) -> ImportJob:
    job = jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


# --- progress ------------------------------------------------------------------------


def _progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.json"


def write_progress(job_id: int, done: int, total: int) -> None:
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
    os.replace(temporary, path)  # atomic: the page never reads half a file


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all): live while the job runs, then as recorded on the job."""
    if job.state in RUNNING_STATES:
        try:
            data = json.loads(_progress_path(job.pk).read_text(encoding="utf-8"))
            return int(data["done"]), int(data["total"])
        except (OSError, ValueError, KeyError):
            pass  # no progress file yet: the job's own row answers
    return job.rows_done, job.rows_total


def percent(done: int, total: int) -> int:
    return min(100, int(100 * done / total)) if total else 0


# --- the worker's part ------------------------------------------------------------------


def run_job(job_id: int) -> ImportJob | None:
    """Run a pending job: import its file and record the counts, errors and invalid rows."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.state != ImportJob.State.PENDING:
        return job  # unknown, or already taken by another worker
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, started_at=timezone.now())
    job.refresh_from_db()
    write_progress(job.pk, 0, 0)
    try:
        with job.file.open("rb") as handle, audit_context(user=job.user, source=f"import job {job.pk}"):
            result = import_people(
                handle, year=job.year, user=job.user, create_villages=job.create_villages,
                dry_run=job.dry_run, progress=partial(write_progress, job.pk), filename=job.filename,
            )
    except Exception as exc:  # the job must end in a state the user sees, whatever happened
        logger.exception("Import job %s failed", job.pk)
        job.state = ImportJob.State.FAILED
        job.message = str(exc)[:2000]
        job.finished_at = timezone.now()
        job.save()
        _progress_path(job.pk).unlink(missing_ok=True)
        return job
    job.rows_total = job.rows_done = result.rows
    job.counts = result.summary()
    job.errors = [error.as_dict() for error in result.errors[:MAX_JOB_ERRORS]]
    job.error_count = result.error_count
    job.message = "\n".join(warning.bilingual() for warning in result.warnings[:MAX_JOB_WARNINGS])
    job.state = ImportJob.State.DONE if result.ok else ImportJob.State.REJECTED
    if result.invalid_rows:
        name = f"{Path(job.filename).stem}-errors.xlsx"
        job.invalid_rows_file.save(name, ContentFile(invalid_rows_bytes(result)), save=False)
    job.finished_at = timezone.now()
    job.save()
    _progress_path(job.pk).unlink(missing_ok=True)
    return job
