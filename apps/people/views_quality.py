"""The data-quality page: a commune's doubtful records of a year, grouped by rule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.roles import VIEW
from apps.people import quality, services
from apps.people.forms import QualityForm
from apps.people.views_common import communes_in_scope, selected_year, unit_from, year_choices
from apps.places.access import get_unit_for_user
from apps.places.models import UnitKind


@login_required
def quality_report(request: HttpRequest) -> HttpResponse:
    """``?commune=<id>&year=Y``: the findings warn; nothing is blocked or changed."""
    years = services.survey_years()
    year = selected_year(request, years)
    communes = communes_in_scope(request.user, VIEW, year)
    commune = unit_from(request, "commune", communes)
    if commune is None and request.GET.get("commune", "").isdigit():
        # A commune of another map (a legacy one for an old year) is reachable by its id.
        commune = get_unit_for_user(request.user, int(request.GET["commune"]))
        if commune.kind != UnitKind.COMMUNE:
            raise Http404("The data-quality report is per commune.")
    if commune is None and communes.count() == 1:
        commune = communes.first()
    form = QualityForm(initial={"commune": commune, "year": year}, communes=communes,
                       years=year_choices(years, year))
    results = quality.check(commune, year) if commune is not None else []
    return render(request, "people/quality_report.html", {
        "form": form, "commune": commune, "year": year, "results": results,
        "total": sum(result.count for result in results),
        "personal": commune is not None and services.can_see_personal_data(request.user, commune),
    })
