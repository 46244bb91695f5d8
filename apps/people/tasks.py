"""Background tasks of the population registry (``django.tasks``; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task
def run_import_job(job_id: int) -> None:
    """Validate and apply an uploaded person-registry file (``apps.people.import_jobs.run_job``)."""
    from apps.people.import_jobs import run_job

    run_job(job_id)
