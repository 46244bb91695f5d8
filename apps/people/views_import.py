"""Pages of the registry's file exchange: upload an import, follow its job, export a file."""

from __future__ import annotations

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.roles import PERSONAL_DATA
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.people import exporting, import_jobs
from apps.people.models import ImportJob
from apps.places.models import Unit, UnitKind

YEAR_FIELD = {"min_value": import_jobs.MIN_YEAR, "max_value": import_jobs.MAX_YEAR}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV UTF-8 or XLSX)"),
                           help_text=_("One row per person, with the columns of the person-registry format."))
    year = forms.IntegerField(label=_("Survey year"), **YEAR_FIELD,
                              help_text=_("Codes are read on the map of 30 September of this year."))
    create_villages = forms.BooleanField(label=_("Create the villages the file names that a commune lacks"),
                                         required=False)
    dry_run = forms.BooleanField(label=_("Check only (write nothing)"), required=False)


def export_units(user) -> list[Unit]:
    """The units whose people the user may export: the units their personal-data roles cover."""
    scope = scope_for(user, PERSONAL_DATA)
    if scope.everything:
        return list(Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("structure", "name"))
    return list(Unit.objects.filter(path__in=scope.prefixes).order_by("structure", "kind", "name"))


class ExportForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    year = forms.IntegerField(label=_("Survey year"), **YEAR_FIELD)
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV (UTF-8)"), ("xlsx", "Excel (XLSX)")])

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["unit"].choices = [
            (unit.pk, f"{unit.name} ({unit.code}, {unit.get_structure_display()})") for unit in units]


def _job_context(job: ImportJob) -> dict:
    done, total = import_jobs.progress_of(job)
    return {"job": job, "done": done, "total": total, "percent": import_jobs.percent(done, total),
            "running": job.state in import_jobs.RUNNING_STATES}


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """The upload form; the import itself runs in the background (``import_jobs``)."""
    if not import_jobs.may_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.start_import(
                request.user, form.cleaned_data["file"], year=form.cleaned_data["year"],
                create_villages=form.cleaned_data["create_villages"], dry_run=form.cleaned_data["dry_run"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("people:import_job", job.pk)
    jobs = import_jobs.jobs_for(request.user).filter(user=request.user)[:10]
    return render(request, "people/import_start.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_jobs.get_job_for_user(request.user, pk)
    return render(request, "people/import_job.html", _job_context(job))


@login_required
@require_GET
def import_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that changes (polled by HTMX while the job runs)."""
    job = import_jobs.get_job_for_user(request.user, pk)
    return render(request, "people/import_job_status.html", _job_context(job))


@login_required
@require_GET
def import_invalid_rows(request: HttpRequest, pk: int) -> FileResponse:
    job = import_jobs.get_job_for_user(request.user, pk)
    if not job.invalid_rows_file:
        raise Http404
    return FileResponse(job.invalid_rows_file.open("rb"), as_attachment=True,
                        filename=f"{job.filename.rsplit('.', 1)[0]}-errors.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """Download the people of a unit and year in the import format (logged as an export)."""
    units = export_units(request.user)
    if not units:
        raise PermissionDenied
    form = ExportForm(request.POST or None, units=units, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        unit = form.units[form.cleaned_data["unit"]]
        year = form.cleaned_data["year"]
        name = f"people-{year}-{unit.code}"
        if form.cleaned_data["format"] == "csv":
            response = StreamingHttpResponse(
                exporting.csv_stream(year=year, units=[unit], user=request.user),
                content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        # On disk rather than in memory: a commune's workbook may hold tens of thousands of rows.
        handle = tempfile.TemporaryFile()  # closed by FileResponse
        exporting.export_people(handle, year=year, units=[unit], user=request.user, format="xlsx")
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return render(request, "people/export.html", {"form": form})
