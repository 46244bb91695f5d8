"""The roll-up report of learning-model titles: a page per unit and year, and its XLSX/PDF export.

Registered against recognised, the share of subjects holding each title and the
targets of QĐ 281, QĐ 387 and QĐ 677 (``apps.recognition.report``), for the unit
and the units directly below it that the user may see; 404 outside the scope.

The export of a commune or village answers at once; a district's or province's
(a row per commune below it, every decision of the year) is built by a background
report job (``apps.core.report_jobs``, kind ``recognition_annual``): the download
redirects to the job's page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import scope_for
from apps.core import report_jobs
from apps.places.models import Unit, UnitKind
from apps.recognition import exports
from apps.recognition.models import Campaign
from apps.recognition.report import Row, annual_report, due_date
from apps.universal.reports.document import percent_text

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
REPORT_KINDS = (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.VILLAGE)
BACKGROUND_KINDS = (UnitKind.PROVINCE, UnitKind.DISTRICT)
JOB_KIND = "recognition_annual"
RENDERERS = {"xlsx": exports.annual_xlsx, "pdf": exports.annual_pdf}


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


def _years() -> list[int]:
    years = set(Campaign.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def default_unit(user) -> Unit | None:
    """The highest unit of the user's scope in force today (a province for a system administrator)."""
    scope = scope_for(user)
    if scope.is_empty:
        return None
    units = Unit.objects.filter(kind__in=REPORT_KINDS).in_force(timezone.localdate())
    if scope.everything:
        return units.filter(kind=UnitKind.PROVINCE).order_by("code").first()
    return units.filter(path__in=scope.prefixes).order_by("path").first()


def report_unit(request: HttpRequest) -> Unit:
    """``?unit=`` (an id) when the user may see it, else the user's own top unit; 404 otherwise."""
    value = request.GET.get("unit", "")
    unit = get_object_or_404(Unit, pk=int(value)) if value.isdigit() else default_unit(request.user)
    if unit is None or unit.kind not in REPORT_KINDS or not scope_for(request.user).covers(unit):
        raise Http404("No unit matches the given query.")
    return unit


@login_required
def report(request: HttpRequest) -> HttpResponse:
    unit, year = report_unit(request), _year(request)
    rows = annual_report(request.user, unit, year)
    comma = get_language() == "vi"
    by_unit: dict[int, list[tuple[Row, str, str]]] = defaultdict(list)
    for row in rows:
        by_unit[row.unit.pk].append(
            (
                row,
                percent_text(row.share, decimal_comma=comma),
                percent_text(row.target_share, decimal_comma=comma),
            )
        )
    units = list(dict.fromkeys(row.unit for row in rows))
    return render(
        request,
        "recognition/report.html",
        {
            "unit": unit,
            "year": year,
            "years": _years(),
            "sections": [(item, by_unit[item.pk]) for item in units],
            "decisions": exports.decisions_of_year(request.user, unit, year).select_related(
                "campaign__commune"
            ),
            "due": due_date(year),
            "ancestors": [a for a in unit.ancestors() if scope_for(request.user).covers(a)],
        },
    )


def _filename(unit: Unit, year: int, fmt: str) -> str:
    return f"mo-hinh-hoc-tap-{year}-{unit.code}.{fmt}"


def check_annual_report(user, params: dict[str, Any]) -> Unit:
    """Run when the job starts, again in the worker (the role may have gone) and at each download."""
    unit = get_object_or_404(Unit, pk=int(params["unit"]))
    if unit.kind not in BACKGROUND_KINDS:
        raise Http404("Only the reports of districts and provinces are built in the background.")
    if not scope_for(user).covers(unit):
        raise PermissionDenied(_("You do not have access to this unit."))
    return unit


def build_annual_report(user, params: dict[str, Any], fmt: str) -> report_jobs.BuiltReport:
    unit, year = get_object_or_404(Unit, pk=int(params["unit"])), int(params["year"])
    content = RENDERERS[fmt](user, unit, year, dt.date.fromisoformat(params["date"]))
    return report_jobs.BuiltReport(content, _filename(unit, year, fmt), FORMATS[fmt])


report_jobs.register(report_jobs.ReportKind(
    name=JOB_KIND, label=_("Annual report of learning models"), formats=tuple(FORMATS),
    check=check_annual_report, build=build_annual_report,
))


@login_required
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    unit, year = report_unit(request), _year(request)
    if unit.kind in BACKGROUND_KINDS:
        params = {"unit": unit.pk, "year": year, "date": timezone.localdate().isoformat()}
        job = report_jobs.start_report(request.user, JOB_KIND, params, fmt)
        return redirect("report_job", job.pk)
    response = HttpResponse(
        RENDERERS[fmt](request.user, unit, year, timezone.localdate()), content_type=FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(unit, year, fmt)}"'
    return response
