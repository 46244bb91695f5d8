"""The API of PCGD–XMC: ``/api/v1/pcgd/{year}`` and ``/api/v1/pcgd/{year}/communes/{unit_id}``.

The first route returns the JSON of ``manage.py pcgd --year Y --format json``
(pcgd-xmc.md, "Output"), restricted to the caller's scope: the communes they may
see, and the groupings (district, province) they cover whose communes were all
computed. The second returns one commune with its splits by sex, by Kinh and
minorities and by ethnic group. A unit outside the scope answers 404, as if it did
not exist; a year without a rule set answers 400.

Both read the metrics cache (``reports.selection``, ``engine.cached_year``), like
the pages: after a change of the registry they answer the figures of before the
change until the background recomputation ends.
"""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from apps.accounts.roles import VIEW
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.places.api import READ_ERRORS, InputErrors
from apps.places.models import Unit, UnitKind
from apps.universal import attestation
from apps.universal.reports.selection import commune_result, select, year_date

router = Router(tags=["pcgd"])
LAST_YEAR = 2100


class IndicatorOut(Schema):
    num: int = Field(description="Persons of the cohort counted (numerator).")
    den: int = Field(description="Persons of the cohort (denominator); 0 for an empty cohort.")
    rate: float | None = Field(description="num/den rounded to 4 decimals for display; null for an empty "
                                           "cohort, which meets its condition.")


class UnmetOut(Schema):
    standard: str
    level: int
    indicator: str
    rate: float | None
    threshold: float


class CommuneOut(Schema):
    """A commune of the year's map, as ``manage.py pcgd`` prints it."""

    code: str
    name: str
    kind: Literal["commune"]
    special_difficulty: bool = Field(description="Commune with special difficulties (ĐBKK) that year.")
    indicators: dict[str, IndicatorOut]
    levels: dict[str, int] = Field(description="Per standard, the highest level reached (0: none).")
    unmet: list[UnmetOut]


class GroupingOut(Schema):
    """A district (before 2025) or a province judged from its communes (or districts)."""

    code: str
    name: str
    kind: Literal["district", "province"]
    communes: int = Field(description="Communes of the unit on the year's map.")
    meeting: dict[str, dict[str, int]] = Field(
        description="Per standard, per level, the number of communes meeting it."
    )
    levels: dict[str, int]


class YearOut(Schema):
    year: int
    rule_set: str = Field(description="Id of the rule set applied (its thresholds and documents).")
    units: list[CommuneOut | GroupingOut] = Field(description="The communes, then the groupings above them.")


class Splits(Schema):
    sex: dict[str, IndicatorOut] = Field(description="By sex: M, F.")
    group: dict[str, IndicatorOut] = Field(description="kinh and minority.")
    ethnicity: dict[str, IndicatorOut] = Field(description="By ethnic group (two-digit official codes).")


class CommuneDetailOut(CommuneOut):
    year: int
    rule_set: str
    splits: dict[str, Splits] = Field(description="Per indicator, its splits.")
    attested_levels: dict[str, int] = Field(
        description="Per standard, the highest level whose non-quantitative conditions the commune "
                    "attested; shown beside the levels, never changing them."
    )


class YearFilters(Schema):
    unit: str | None = Field(
        None, description="Code of a province, district or commune on the map of the year (its survey "
                          "date, 30 September); default: every commune the caller may see."
    )


def _check_year(year: int) -> None:
    if not attestation.FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(_("The year %(year)s is outside the years a survey can cover."), {"year": year},
                          column="year")


def _unit_by_code(request: HttpRequest, code: str, year: int) -> Unit:
    """The unit bearing ``code`` on the year's map that the caller may reach; 404 otherwise."""
    matches = list(Unit.objects.in_force(year_date(year)).filter(code=code.strip())
                   .exclude(kind=UnitKind.VILLAGE).order_by("pk")[:2])
    if len(matches) > 1:
        raise DomainError(_("The code “%(code)s” is ambiguous on %(date)s: several units bear it."),
                          {"code": code, "date": year_date(year).strftime("%d/%m/%Y")}, column="unit")
    if not matches or not scope_for(request.auth, VIEW).leads_to(matches[0]):
        raise Http404("No unit matches the given query.")
    return matches[0]


@router.get("/pcgd/{year}", response={200: YearOut, 400: InputErrors, **READ_ERRORS})
def year_results(request: HttpRequest, year: int, filters: Query[YearFilters]) -> dict:
    """Rates, levels and unmet conditions of the caller's communes of a survey year, and their groupings."""
    from apps.universal.engine import to_json
    from apps.universal.rules import rule_set_for

    _check_year(year)
    unit = _unit_by_code(request, filters.unit, year) if filters.unit else None
    selection = select(request.auth, year, unit)
    if selection.result is None:
        return {"year": year, "rule_set": rule_set_for(year).id, "units": []}
    return to_json(selection.result)


@router.get("/pcgd/{year}/communes/{unit_id}", response={200: CommuneDetailOut, 400: InputErrors,
                                                         **READ_ERRORS})
def commune_results(request: HttpRequest, year: int, unit_id: int) -> dict:
    """One commune of a survey year with its splits; 404 outside the scope or without survey records."""
    from apps.universal.engine import splits_json
    from apps.universal.engine.output import commune_json

    _check_year(year)
    unit = Unit.objects.filter(pk=unit_id, kind=UnitKind.COMMUNE).first()
    visible = unit is not None and scope_for(request.auth, VIEW).covers(unit)
    if not visible or not unit.in_force_on(year_date(year)):
        raise Http404("No commune matches the given query.")
    result, rule_set = commune_result(unit, year)
    if result is None:
        raise Http404("The commune has no survey record this year.")
    return {
        **commune_json(result), "year": year, "rule_set": rule_set.id,
        "splits": {indicator: splits_json(splits) for indicator, splits in result.splits.items()},
        "attested_levels": attestation.attested_levels([unit], year)[unit.pk],
    }
