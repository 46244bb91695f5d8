"""Pages of the background reports: the user's reports, a job (polled while it runs), its download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core import report_jobs
from apps.core.models import ReportJob


def _job_context(job: ReportJob) -> dict:
    stalled = report_jobs.is_stalled(job)
    return {"job": job, "label": report_jobs.kind_label(job.kind), "stalled": stalled,
            "polling": job.is_running and not stalled}


@login_required
@require_GET
def report_jobs_list(request: HttpRequest) -> HttpResponse:
    """The user's own reports, newest first (a system administrator opens others' jobs by link only)."""
    jobs = list(report_jobs.jobs_for(request.user).filter(user=request.user)[:report_jobs.LIST_LIMIT])
    rows = [(job, report_jobs.kind_label(job.kind)) for job in jobs]
    return render(request, "core/report_jobs.html", {
        "rows": rows, "keep_days": report_jobs.KEEP_DAYS, "limit": report_jobs.LIST_LIMIT,
    })


@login_required
@require_GET
def report_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = report_jobs.get_job_for_user(request.user, pk)
    return render(request, "core/report_job.html", {**_job_context(job), "keep_days": report_jobs.KEEP_DAYS})


@login_required
@require_GET
def report_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that changes (polled by HTMX while the job runs)."""
    job = report_jobs.get_job_for_user(request.user, pk)
    return render(request, "core/report_job_status.html", _job_context(job))


@login_required
@require_GET
def report_job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, streamed to the job's owner or a system administrator; 404 for anyone else."""
    job = report_jobs.get_file_for_user(request.user, pk)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename,
                        content_type=job.content_type or "application/octet-stream")
