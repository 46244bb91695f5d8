"""The API of registry imports: ``/api/v1/imports…``.

An upload becomes an import job run in the background (``apps.people.import_jobs``);
its state, progress, counts and errors are read back by id, and the refused
rows downloaded as a workbook. A job is seen only by its owner and by system
administrators (404 for anyone else). Uploading needs the "edit" capability on
some unit (403 without); each row is then checked against that scope.
"""

import datetime as dt
from typing import Literal

from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from apps.people import import_jobs
from apps.people.models import ImportJob
from apps.places.api import READ_ERRORS, WRITE_ERRORS

State = Literal[tuple(ImportJob.State.values)]  # type: ignore[valid-type]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRowError(Schema):
    """An error of the file: the row (the header is row 1), the column, the reason in both languages."""

    row: int | None = None
    column: str | None = None
    message_vi: str
    message_en: str


class ImportJobOut(Schema):
    id: int
    filename: str
    year: int
    create_villages: bool
    dry_run: bool
    state: State = Field(..., description="pending → running → done, rejected (nothing written) or failed.")
    rows_total: int
    rows_done: int
    progress_percent: int
    counts: dict[str, int] = Field(..., description=(
        "Rows, households/persons/survey records created, updated and unchanged, villages and clans "
        "created, warnings."))
    error_count: int
    errors: list[ImportRowError] = Field(..., description="The first errors (at most 1000).")
    warnings: str = Field(..., description="Households without exactly one head, one per line.")
    has_invalid_rows: bool
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_rows_total(job: ImportJob) -> int:
        return import_jobs.progress_of(job)[1]

    @staticmethod
    def resolve_rows_done(job: ImportJob) -> int:
        return import_jobs.progress_of(job)[0]

    @staticmethod
    def resolve_progress_percent(job: ImportJob) -> int:
        return import_jobs.percent(*import_jobs.progress_of(job))

    @staticmethod
    def resolve_counts(job: ImportJob) -> dict[str, int]:
        return {key: value for key, value in (job.counts or {}).items() if isinstance(value, int)}

    @staticmethod
    def resolve_warnings(job: ImportJob) -> str:
        return job.message if job.state != ImportJob.State.FAILED else ""

    @staticmethod
    def resolve_has_invalid_rows(job: ImportJob) -> bool:
        return bool(job.invalid_rows_file)


router = Router(tags=["imports"])


@router.post("/imports", response={201: ImportJobOut, **WRITE_ERRORS})
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    year: Form[int],
    create_villages: Form[bool] = False,
    dry_run: Form[bool] = False,
) -> Status:
    """Upload a person-registry file (CSV UTF-8 or XLSX) for the survey of ``year``; returns the job.

    ``create_villages`` creates the villages a commune lacks; ``dry_run`` checks and
    counts without writing. Poll ``GET /imports/{id}`` until the state is done,
    rejected or failed.
    """
    job = import_jobs.start_import(request.auth, file, year=year, create_villages=create_villages,
                                   dry_run=dry_run)
    return Status(201, import_jobs.get_job_for_user(request.auth, job.pk))


@router.get("/imports/{job_id}", response={200: ImportJobOut, **READ_ERRORS})
def get_import(request: HttpRequest, job_id: int) -> ImportJob:
    """An import job: state, progress, counts, errors; 404 unless the caller owns it or is an admin."""
    return import_jobs.get_job_for_user(request.auth, job_id)


@router.get("/imports/{job_id}/invalid-rows", response={200: None, **READ_ERRORS},
            openapi_extra={"responses": {200: {"description": "OK", "content": {XLSX: {}}}}})
def get_invalid_rows(request: HttpRequest, job_id: int) -> FileResponse:
    """The refused rows as an XLSX workbook (the file's columns and an "error / lỗi" column)."""
    job = import_jobs.get_job_for_user(request.auth, job_id)
    if not job.invalid_rows_file:
        raise Http404
    return FileResponse(job.invalid_rows_file.open("rb"), as_attachment=True,
                        filename=f"{job.filename.rsplit('.', 1)[0]}-errors.xlsx", content_type=XLSX)
