"""Which communes and groupings a user's PCGD–XMC outputs show for a survey year.

Pages, API and downloads all go through here, so that one rule decides what a
user sees: the communes of the year's map (the legacy map before 1 July 2025,
the 2025 map after; ``places.services.survey_date``) inside the user's scope and
under the chosen unit; the grouping rows (district, province) only for units the
user covers whose communes are all computed, so that a partial province never
appears as a province.

The figures are read from the metrics cache (``engine.cached_year``): the
counts the engine computed per commune, with the time they were computed and
whether they are being recomputed after a change of the registry; levels and
groupings are judged on them by the engine's functions. ``manage.py pcgd``
alone computes afresh from the registry (``engine.compute_year``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.accounts.roles import VIEW
from apps.accounts.scope import Scope, scope_for
from apps.places.models import REFORM_DATE, Unit, UnitKind, UnitLink
from apps.places.services import survey_date

if TYPE_CHECKING:
    from apps.universal.engine import YearResult


def year_date(year: int) -> dt.date:
    return survey_date(year)


def _units_on(scope: Scope, year: int) -> QuerySet[Unit]:
    return scope.units().in_force(year_date(year))


def top_units(user, year: int) -> list[Unit]:
    """The highest units of the user's scope on the year's map (the entry points of the pages)."""
    scope = scope_for(user, VIEW)
    on = year_date(year)
    if scope.everything:
        return list(Unit.objects.in_force(on).filter(kind=UnitKind.PROVINCE).order_by("name"))
    units = Unit.objects.in_force(on).filter(path__in=scope.prefixes).exclude(kind=UnitKind.VILLAGE)
    return sorted(units, key=lambda unit: (len(unit.path), unit.name))


def chosen_unit(user, year: int, unit: Unit | None) -> Unit | None:
    """The unit a page or a route asks for, refused when the user may not go there that year."""
    if unit is None:
        return None
    scope = scope_for(user, VIEW)
    if not scope.leads_to(unit):
        raise PermissionDenied(_("You do not have access to this unit."))
    if unit.kind == UnitKind.VILLAGE or not unit.in_force_on(year_date(year)):
        raise PermissionDenied(_("This unit is not on the map of the chosen year."))
    return unit


def communes_for(user, year: int, unit: Unit | None = None) -> list[Unit]:
    """The communes of the year's map under ``unit`` (or anywhere) that the user may see."""
    communes = _units_on(scope_for(user, VIEW), year).filter(kind=UnitKind.COMMUNE)
    if unit is not None:
        communes = communes.filter(path__startswith=unit.path)
    return list(communes.select_related("parent").order_by("parent__name", "name"))


def grouping_is_visible(scope: Scope, grouping_unit: Unit, unit: Unit | None) -> bool:
    """A grouping row is shown when the user covers it and every commune of it was computed."""
    return scope.covers(grouping_unit) and (unit is None or grouping_unit.path.startswith(unit.path))


@dataclass
class Selection:
    """What an output shows: the communes asked for, the engine's result, the visible groupings."""

    year: int
    unit: Unit | None
    communes: list[Unit]
    result: YearResult | None  # None when there is no commune to compute
    groupings: list = dataclasses.field(default_factory=list)
    former_districts: list = dataclasses.field(default_factory=list)  # since 2025, see former_districts()

    def commune_result(self, commune: Unit):
        return self.result.commune(commune) if self.result is not None else None

    @property
    def computed_at(self) -> dt.datetime | None:
        return self.result.computed_at if self.result is not None else None

    @property
    def recomputing(self) -> bool:
        return self.result is not None and self.result.recomputing


def select(user, year: int, unit: Unit | None = None) -> Selection:
    """The cached result of the user's communes under ``unit``, with the groupings they may see.

    Raises ``rules.RuleSetError`` (a ``DomainError``) when no rule set covers the year.
    """
    from apps.universal.engine import cached_year

    communes = communes_for(user, year, unit)
    if not communes:
        return Selection(year, unit, [], None)
    result = cached_year(year, communes=communes)
    scope = scope_for(user, VIEW)
    groupings = [g for g in result.groupings if grouping_is_visible(scope, g.unit, unit)]
    return Selection(year, unit, communes, dataclasses.replace(result, groupings=groupings), groupings,
                     former_districts(scope, year, communes, result))


def former_districts(scope: Scope, year: int, communes: list[Unit], result) -> list:
    """Since 1 July 2025, the user's former districts judged on the communes formed wholly from them.

    pcgd-xmc.md keeps the district tier for history and for any grouping of
    communes ("the old Krông Bông"); a district viewer keeps seeing their district
    this way. A district whose communes are not all among ``communes`` is left out.
    """
    from apps.universal.engine import group

    if year_date(year) < REFORM_DATE or scope.everything or not communes:
        return []
    districts = list(Unit.objects.filter(path__in=scope.prefixes, kind=UnitKind.DISTRICT).order_by("code"))
    if not districts:
        return []
    on = year_date(year)
    selected = {commune.pk for commune in communes}
    results = {commune.unit.pk: commune for commune in result.communes}
    found = []
    for district in districts:
        candidates = UnitLink.objects.filter(
            predecessor__path__startswith=district.path, successor__kind=UnitKind.COMMUNE
        ).values("successor_id")
        predecessors: dict[int, list[str]] = {}
        for successor_id, path in UnitLink.objects.filter(
            successor_id__in=candidates, successor__in=Unit.objects.in_force(on)
        ).values_list("successor_id", "predecessor__path"):
            predecessors.setdefault(successor_id, []).append(path)
        wholly = sorted(pk for pk, paths in predecessors.items()
                        if all(path.startswith(district.path) for path in paths))
        if wholly and set(wholly) <= selected:
            found.append(group(result.rule_set, district, "district", wholly, results))
    return found


@dataclass
class YearColumn:
    """One year of a commune: its result (``None`` without survey records) or why there is none."""

    year: int
    in_force: bool
    result: object | None = None
    rule_set: object | None = None
    error: str = ""
    computed_at: dt.datetime | None = None
    recomputing: bool = False


def commune_year(commune: Unit, year: int) -> YearResult:
    """The cached result of one commune's year, with when it was computed (no commune without records)."""
    from apps.universal.engine import cached_year

    return cached_year(year, communes=[commune])


def commune_result(commune: Unit, year: int):
    """The cached result of one commune (``None`` without survey records) and the rule set used."""
    result = commune_year(commune, year)
    return result.commune(commune), result.rule_set


def commune_years(commune: Unit, years: list[int]) -> list[YearColumn]:
    """The commune's results of several years, each on the rule set of its year."""
    from apps.core.errors import DomainError

    columns = []
    for year in sorted(set(years)):
        column = YearColumn(year, commune.in_force_on(year_date(year)))
        if column.in_force:
            try:
                result = commune_year(commune, year)
            except DomainError as error:
                column.error = error.localized()
            else:
                column.result, column.rule_set = result.commune(commune), result.rule_set
                column.computed_at, column.recomputing = result.computed_at, result.recomputing
        columns.append(column)
    return columns
