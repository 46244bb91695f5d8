"""Background tasks of the core app (``django.tasks``; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task
def run_report_job(job_id: int) -> None:
    """Build the report of a ``ReportJob`` (``apps.core.report_jobs.run_job``)."""
    from apps.core.report_jobs import run_job

    run_job(job_id)
