"""Downloads of the official PCGD–XMC report: PDF and Excel workbook of a commune or a grouping.

A commune's report is small and answered within the request. A district's or a
province's gathers hundreds of communes: the download starts a background report
job (``apps.core.report_jobs``, kind ``pcgd``) and sends the user to its page,
which offers the file when it is built.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import VIEW
from apps.accounts.scope import scope_for
from apps.core import report_jobs
from apps.core.errors import DomainError
from apps.places.models import Unit, UnitKind
from apps.places.services import parse_date
from apps.universal import attestation
from apps.universal.reports.document import OfficialDocument
from apps.universal.reports.pcgd import commune_document, grouping_document
from apps.universal.reports.pdf import render_pdf
from apps.universal.reports.selection import commune_result, select, year_date
from apps.universal.reports.xlsx import render_xlsx
from apps.universal.views_common import check_year, get_unit

FORMATS = {
    "pdf": ("application/pdf", render_pdf),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx),
}
GROUPING_KINDS = (UnitKind.DISTRICT, UnitKind.PROVINCE)
JOB_KIND = "pcgd"


def build_document(user, unit, year: int, date: dt.date) -> OfficialDocument:
    """The report of a commune, or of a district or province whose communes the user all covers."""
    if unit.kind == UnitKind.COMMUNE:
        result, rule_set = commune_result(unit, year)
        if result is None:
            raise Http404("The commune has no survey record this year.")
        return commune_document(result, rule_set, year, date, attestation.checklist_status(unit, year))
    if unit.kind in (UnitKind.DISTRICT, UnitKind.PROVINCE):
        selection = select(user, year, unit)
        grouping = selection.result.grouping(unit) if selection.result is not None else None
        if grouping is None:
            raise Http404("No grouping to report for this unit and year.")
        return grouping_document(selection.result, grouping, date, selection.communes)
    raise Http404("Reports are made for communes, districts and provinces.")


def authorise(user, unit: Unit, year: int) -> None:
    """The user sees the unit and the unit is on the map of the year (else ``PermissionDenied``)."""
    if not scope_for(user, VIEW).covers(unit):
        raise PermissionDenied(_("You do not have access to this unit."))
    if not unit.in_force_on(year_date(year)):
        raise PermissionDenied(_("This unit is not on the map of the chosen year."))


def filename(unit: Unit, year: int, fmt: str) -> str:
    return f"pcgd-xmc-{year}-{unit.code}.{fmt}"


# --- the background report of a district or province ---------------------------------------


def check_grouping_report(user, params: dict[str, Any]) -> Unit:
    """Run when the job starts, again in the worker and at each download."""
    unit = get_unit(int(params["unit"]))
    year = check_year(int(params["year"]))
    authorise(user, unit, year)
    if unit.kind not in GROUPING_KINDS:
        raise DomainError(_("Only the reports of districts and provinces are built in the background."))
    return unit


def build_grouping_report(user, params: dict[str, Any], fmt: str) -> report_jobs.BuiltReport:
    unit, year = get_unit(int(params["unit"])), int(params["year"])
    try:
        document = build_document(user, unit, year, dt.date.fromisoformat(params["date"]))
    except Http404:
        raise DomainError(_("There is no result to report for this unit and year: none of its communes "
                            "has survey records, or some of them are outside your units."),
                          column="unit") from None
    content_type, render = FORMATS[fmt]
    return report_jobs.BuiltReport(render(document), filename(unit, year, fmt), content_type)


report_jobs.register(report_jobs.ReportKind(
    name=JOB_KIND, label=_("PCGD–XMC report"), formats=tuple(FORMATS),
    check=check_grouping_report, build=build_grouping_report,
))


# --- the download ------------------------------------------------------------------------------


@login_required
def report(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    """``?date=YYYY-MM-DD`` sets the date printed under the motto (today by default).

    A district or province: starts (or finds the user's unfinished identical) report
    job and redirects to its page.
    """
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    year = check_year(year)
    unit = get_unit(pk)
    authorise(request.user, unit, year)
    date = parse_date(request.GET.get("date")) or timezone.localdate()
    if unit.kind in GROUPING_KINDS:
        params = {"unit": unit.pk, "year": year, "date": date.isoformat()}
        try:
            job = report_jobs.start_report(request.user, JOB_KIND, params, fmt)
        except DomainError as error:
            raise Http404(error.english) from None
        return redirect("report_job", job.pk)
    try:
        document = build_document(request.user, unit, year, date)
    except DomainError as error:
        raise Http404(error.english) from None
    content_type, render = FORMATS[fmt]
    response = HttpResponse(render(document), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename(unit, year, fmt)}"'
    return response
