"""Downloads of the official PCGD–XMC report: PDF and Excel workbook of a commune or a grouping."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import VIEW
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.places.models import UnitKind
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


@login_required
def report(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    """``?date=YYYY-MM-DD`` sets the date printed under the motto (today by default)."""
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    year = check_year(year)
    unit = get_unit(pk)
    if not scope_for(request.user, VIEW).covers(unit):
        raise PermissionDenied(_("You do not have access to this unit."))
    if not unit.in_force_on(year_date(year)):
        raise PermissionDenied(_("This unit is not on the map of the chosen year."))
    date = parse_date(request.GET.get("date")) or timezone.localdate()
    try:
        document = build_document(request.user, unit, year, date)
    except DomainError as error:
        raise Http404(error.english) from None
    content_type, render = FORMATS[fmt]
    response = HttpResponse(render(document), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="pcgd-xmc-{year}-{unit.code}.{fmt}"'
    return response
