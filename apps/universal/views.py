"""Pages of PCGD–XMC: the communes of a unit and year, one commune, two years, the persons behind a rate.

The figures come from the metrics cache through ``reports.selection`` and carry
the time they were computed; the persons behind a rate are a live query of the
registry (``engine.indicator_members``), since the cache holds counts only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts import audit
from apps.accounts.models import AuditEntry
from apps.accounts.roles import VIEW
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.people.models import SurveyRecord
from apps.places.models import Unit
from apps.universal import attestation
from apps.universal.reports import presentation
from apps.universal.reports.selection import (
    chosen_unit,
    commune_year,
    commune_years,
    select,
    top_units,
)
from apps.universal.views_common import (
    can_edit,
    check_year,
    get_commune_for_user,
    get_unit,
    sees_personal_data,
    survey_years,
    year_from,
)

PARTS = {"numerator": gettext_lazy("counted"), "denominator": gettext_lazy("cohort")}


@dataclass
class CommuneRow:
    unit: Unit
    result: object | None
    levels: list[tuple[int, int, int | None]] = field(default_factory=list)  # reached, top, attested
    unmet: list[str] = field(default_factory=list)


def _rows(selection, rule_set) -> list[CommuneRow]:
    attested = attestation.attested_levels(selection.communes, selection.year) if selection.communes else {}
    rows = []
    for commune in selection.communes:
        result = selection.commune_result(commune)
        row = CommuneRow(commune, result)
        if result is not None:
            row.levels = [(result.levels.get(s.id, 0), s.top_level, attested.get(commune.pk, {}).get(s.id))
                          for s in rule_set.standards.values()]
            row.unmet = presentation.unmet_texts(result, rule_set, next_level_only=True)
        rows.append(row)
    return rows


def _grouping_rows(selection, rule_set) -> list[dict]:
    rows = []
    former = {id(g) for g in selection.former_districts}
    for grouping in [*selection.groupings, *selection.former_districts]:
        meeting = [
            {"name": s.name, "reached": grouping.levels.get(s.id, 0), "top": s.top_level,
             "counts": [(level, grouping.meeting[s.id][level]) for level in sorted(grouping.meeting[s.id])]}
            for s in rule_set.standards.values()
        ]
        rows.append({"grouping": grouping, "standards": meeting, "former": id(grouping) in former})
    return rows


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The year selector, the user's top units, and the commune table of the chosen unit and year."""
    year = year_from(request)
    unit_id = request.GET.get("unit", "")
    unit = chosen_unit(request.user, year, get_unit(int(unit_id))) if unit_id.isdigit() else None
    scope = scope_for(request.user, VIEW)
    context = {
        "year": year, "years": survey_years(),
        "unit": unit, "tops": top_units(request.user, year),
        "ancestors": [a for a in unit.ancestors() if scope.leads_to(a)] if unit else [],
    }
    if unit is None and scope.everything:
        # The whole country is thousands of communes: a national user starts from a province.
        context["choose"] = True
        return render(request, "universal/index.html", context)
    try:
        selection = select(request.user, year, unit)
    except DomainError as error:
        context["error"] = error.localized()
        return render(request, "universal/index.html", context)
    if selection.result is not None:
        rule_set = selection.result.rule_set
        context.update({
            "computed_at": selection.computed_at, "recomputing": selection.recomputing,
            "rule_set": rule_set, "standards": list(rule_set.standards.values()),
            "rows": _rows(selection, rule_set), "grouping_rows": _grouping_rows(selection, rule_set),
        })
    else:
        context["rows"] = [CommuneRow(commune, None) for commune in selection.communes]
    context["downloadable"] = unit is not None and scope.covers(unit)
    return render(request, "universal/index.html", context)


@login_required
def commune(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """One commune and year: every indicator against its thresholds, splits, levels and their reasons."""
    year = check_year(year)
    unit = get_commune_for_user(request.user, pk, year)
    context = {"commune": unit, "year": year, "can_edit": can_edit(request.user, unit),
               "personal": sees_personal_data(request.user, unit)}
    try:
        year_result = commune_year(unit, year)
        standards, general = attestation.checklist_status(unit, year)
    except DomainError as error:
        context["error"] = error.localized()
        return render(request, "universal/commune.html", context)
    result, rule_set = year_result.commune(unit), year_result.rule_set
    attested = {block.standard: block.attested_level for block in standards}
    context.update({"result": result, "rule_set": rule_set, "checklist": standards, "general": general,
                    "computed_at": year_result.computed_at, "recomputing": year_result.recomputing})
    if result is not None:
        context.update({
            "standards": presentation.standard_views(result, rule_set, attested),
            "indicators": presentation.indicator_views(result, rule_set),
            "unmet": presentation.unmet_texts(result, rule_set),
            "blocked": presentation.blocked_texts(result, rule_set),
        })
    return render(request, "universal/commune.html", context)


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """A commune's figures of two years side by side (for example 2025 and 2026)."""
    unit = get_commune_for_user(request.user, pk)
    second = year_from(request, "second")
    first = year_from(request, "first") if "first" in request.GET else second - 1
    columns = commune_years(unit, [first, second])
    levels, rates = presentation.comparison(columns)
    scope = scope_for(request.user, VIEW)
    return render(request, "universal/compare.html", {
        "commune": unit, "columns": columns, "levels": levels, "rates": rates, "first": first,
        "second": second, "years": survey_years(),
        "predecessors": [link.predecessor for link in unit.predecessor_links.select_related("predecessor")
                         if scope.covers(link.predecessor)],
    })


@login_required
def members(request: HttpRequest, pk: int, year: int, indicator: str, part: str) -> HttpResponse:
    """The persons in an indicator's numerator or denominator; names only with personal-data access."""
    from apps.universal.engine import indicator_members
    from apps.universal.rules import rule_set_for

    year = check_year(year)
    unit = get_commune_for_user(request.user, pk, year)
    if part not in PARTS:
        raise Http404("No such part of a rate.")
    try:
        rule_set = rule_set_for(year)
    except DomainError:
        raise Http404("No rule set for this year.") from None
    if indicator not in rule_set.indicators:
        raise Http404("No such indicator.")
    personal = sees_personal_data(request.user, unit)
    people = scope_for(request.user, VIEW).filter(
        indicator_members(indicator, part, year, unit, rule_set=rule_set), "village"
    ).select_related("household", "village").order_by("village__name", "household__code", "code")
    if personal:
        people = people.prefetch_related(
            Prefetch("surveys", queryset=SurveyRecord.objects.filter(year=year), to_attr="survey_of_year")
        )
    page = Paginator(people, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    if personal and page.object_list:
        audit.record_access(
            AuditEntry.Action.VIEW, description=_("PCGD list: %(indicator)s, %(part)s, %(year)s, %(unit)s")
            % {"indicator": indicator, "part": part, "year": year, "unit": unit.name},
            unit_path=unit.path,
            details={"indicator": indicator, "part": part, "year": year, "page": page.number,
                     "persons": [person.pk for person in page.object_list]},
        )
    return render(request, "universal/members.html", {
        "commune": unit, "year": year, "indicator": rule_set.indicators[indicator], "part": part,
        "part_label": PARTS[part], "page": page, "personal": personal,
        "other_part": "denominator" if part == "numerator" else "numerator",
    })
