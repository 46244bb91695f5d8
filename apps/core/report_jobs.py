"""Reports built in the background: kinds of report, starting a job, the worker's part, clean-up.

A page that would render a large report (a province's PCGD–XMC report) within
the request calls ``start_report`` instead: the kind's own check authorises the
user (scoped to their units), a ``ReportJob`` row is saved and audited, and
``tasks.run_report_job`` is enqueued once the row is committed. The worker
(``manage.py db_worker``) runs ``run_job``, which checks the user again (they
may have lost the role meanwhile), builds the file and records it on the job;
the job page polls the row and offers the download to its owner.

Each app declares its kinds in its ``views_reports`` module with ``register``;
``get_kind`` imports those modules once, so that the web process, the worker and
the commands see the same registry.

Files are kept ``KEEP_DAYS`` days: the worker deletes the expired jobs and their
files after each job it runs, and ``manage.py report_jobs purge`` does the same
from cron or by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from apps.accounts.audit import audit_context, record_command
from apps.accounts.scope import is_system_admin
from apps.core.errors import DomainError
from apps.core.models import ReportJob
from apps.places.models import Unit

logger = logging.getLogger(__name__)

KEEP_DAYS = 7  # a report is a snapshot: after a week it is rebuilt rather than kept
REUSE_WINDOW = dt.timedelta(hours=1)  # an older unfinished job is taken for a dead worker's, not reused
FILES_DIR = "reports"
LIST_LIMIT = 100


@dataclass(frozen=True)
class BuiltReport:
    content: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class ReportKind:
    """A kind of report the worker can build.

    ``check(user, params)`` authorises and validates, returning the report's unit (or
    ``None``); it raises ``PermissionDenied``, ``Http404`` or ``DomainError``, with lazy
    messages so that a refusal in the worker is recorded in Vietnamese and English.
    ``build(user, params, fmt)`` returns the file; it is run by the worker only.
    """

    name: str
    label: Promise | str
    formats: tuple[str, ...]
    check: Callable[[Any, dict[str, Any]], Unit | None]
    build: Callable[[Any, dict[str, Any], str], BuiltReport]


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    existing = _kinds.get(kind.name)
    if existing is not None and existing.build is not kind.build:
        raise ImproperlyConfigured(f"Two report kinds are named {kind.name!r}.")
    _kinds[kind.name] = kind
    return kind


@cache
def _discover() -> None:
    autodiscover_modules("views_reports")


def get_kind(name: str) -> ReportKind | None:
    _discover()
    return _kinds.get(name)


def kind_label(name: str) -> Promise | str:
    kind = get_kind(name)
    return kind.label if kind is not None else name


def _normalised(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as they read back from the JSON column (dates as text, sorted keys)."""
    return json.loads(json.dumps(params, sort_keys=True, default=str))


def refusal_text(error: Exception) -> str:
    """A refusal as "Vietnamese / English" when its message is a lazy translation."""
    if isinstance(error, DomainError):
        return error.bilingual()
    message = error.args[0] if error.args and error.args[0] else None
    if isinstance(error, PermissionDenied):
        return DomainError(message or _("You do not have access to this report.")).bilingual()
    return DomainError(message or _("There is nothing to report for these parameters.")).bilingual()


# --- starting ---------------------------------------------------------------------------


def start_report(user, kind_name: str, params: dict[str, Any], fmt: str) -> ReportJob:
    """Authorise, save and enqueue a report job; an identical unfinished job of the user is reused."""
    kind = get_kind(kind_name)
    if kind is None:
        raise ValueError(f"Unknown report kind: {kind_name}")
    if fmt not in kind.formats:
        raise DomainError(_("This report is not made in the format %(format)s."), {"format": fmt},
                          column="format")
    unit = kind.check(user, params)
    params = _normalised(params)
    running = _running_twin(user, kind_name, fmt, unit, params)
    if running is not None:
        return running
    with transaction.atomic():
        job = ReportJob.objects.create(user=user, kind=kind_name, unit=unit, params=params, format=fmt)
        with audit_context(user=user):
            record_command(f"report job {job.pk}: {kind_name} {fmt}", unit_path=unit.path if unit else "",
                           details={"report_job": job.pk, "kind": kind_name, "format": fmt, "params": params})
        from apps.core.tasks import run_report_job

        # After the commit, so that a worker in another process finds the job.
        transaction.on_commit(partial(run_report_job.enqueue, job.pk))
    return job


def _running_twin(user, kind_name: str, fmt: str, unit: Unit | None, params: dict) -> ReportJob | None:
    """The user's unfinished job for the same report, when one was started recently."""
    candidates = ReportJob.objects.filter(
        user=user, kind=kind_name, format=fmt, unit=unit,
        state__in=(ReportJob.State.PENDING, ReportJob.State.RUNNING),
        created_at__gte=timezone.now() - REUSE_WINDOW,
    )
    # Compared in Python: JSON equality in SQL differs between SQLite and PostgreSQL.
    return next((job for job in candidates if job.params == params), None)


# --- reading ----------------------------------------------------------------------------


def is_stalled(job: ReportJob) -> bool:
    """Unfinished for longer than any report takes: no worker is running it (stopped, or never started)."""
    return job.is_running and job.created_at < timezone.now() - REUSE_WINDOW


def jobs_for(user) -> QuerySet[ReportJob]:
    """The jobs a user may open: their own; every job for a system administrator."""
    if not user.is_authenticated:
        return ReportJob.objects.none()
    jobs = ReportJob.objects.select_related("user", "unit")
    return jobs if is_system_admin(user) else jobs.filter(user=user)


def get_job_for_user(user, pk: int) -> ReportJob:
    job = jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404("No report job matches the given query.")
    return job


def get_file_for_user(user, pk: int) -> ReportJob:
    """A finished job whose file the user may download; the kind's check is run again.

    404 for anyone but the owner and a system administrator, and while there is no
    file; 403 when the owner has since lost access to the report's unit.
    """
    job = get_job_for_user(user, pk)
    if job.state != ReportJob.State.DONE or not job.file:
        raise Http404("The report is not ready.")
    kind = get_kind(job.kind)
    if kind is None:
        raise Http404("Unknown report kind.")
    try:
        kind.check(user, job.params)
    except DomainError as error:
        raise Http404(error.english) from None
    return job


# --- the worker's part ------------------------------------------------------------------


def run_job(job_id: int) -> ReportJob | None:
    """Build a pending job's report and record the file, or the reason it failed."""
    claimed = ReportJob.objects.filter(pk=job_id, state=ReportJob.State.PENDING).update(
        state=ReportJob.State.RUNNING, started_at=timezone.now())
    job = ReportJob.objects.select_related("user", "unit").filter(pk=job_id).first()
    if not claimed or job is None:
        return job  # unknown, or already taken by another worker
    try:
        kind = get_kind(job.kind)
        if kind is None:
            raise DomainError(_("This kind of report no longer exists."))
        with audit_context(user=job.user, source=f"report job {job.pk}"):
            # The user may have lost the role since the job was started.
            kind.check(job.user, job.params)
            built = kind.build(job.user, job.params, job.format)
    except (DomainError, PermissionDenied, Http404) as error:
        _fail(job, refusal_text(error))
    except Exception:  # the job must end in a state the user sees, whatever happened
        logger.exception("Report job %s failed", job.pk)
        _fail(job, DomainError(_("The report could not be built; the error was logged for the "
                                 "administrators.")).bilingual())
    else:
        job.file.save(built.filename, ContentFile(built.content), save=False)
        job.filename = built.filename[:255]
        job.content_type = built.content_type
        job.size = len(built.content)
        job.state = ReportJob.State.DONE
        job.finished_at = timezone.now()
        job.save()
    purge_jobs()
    return job


def _fail(job: ReportJob, text: str) -> None:
    job.state = ReportJob.State.FAILED
    job.error = text[:4000]
    job.finished_at = timezone.now()
    job.save()


# --- clean-up ---------------------------------------------------------------------------


def purge_jobs(days: int = KEEP_DAYS, *, now: dt.datetime | None = None) -> int:
    """Delete the jobs started more than ``days`` days ago with their files; return how many.

    Files under ``reports/`` that no job names and that are as old (a user deleted
    with their jobs, a worker stopped between writing the file and saving the row)
    go too.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    expired = list(ReportJob.objects.filter(created_at__lt=cutoff).only("pk", "file"))
    if expired:
        ReportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
        for job in expired:
            if job.file:
                job.file.storage.delete(job.file.name)
    _delete_orphan_files(cutoff)
    return len(expired)


def _delete_orphan_files(cutoff: dt.datetime) -> None:
    names = _stored_files(FILES_DIR)
    if not names:
        return
    known = set(ReportJob.objects.exclude(file="").values_list("file", flat=True))
    for name in names:
        if name not in known and default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)


def _stored_files(directory: str) -> list[str]:
    try:
        folders, files = default_storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [f"{directory}/{name}" for name in files]
    for folder in folders:
        found.extend(_stored_files(f"{directory}/{folder}"))
    return found
