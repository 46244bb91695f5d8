"""``compute_year``: the PCGD–XMC rates, levels and groupings of every commune of a survey year."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.people.models import SurveyRecord
from apps.places.models import CommuneFlag, Unit, UnitKind
from apps.universal.engine.counting import commune_values, grouped_counts
from apps.universal.engine.groupings import build_groupings
from apps.universal.engine.levels import judge_commune
from apps.universal.engine.results import CommuneResult, YearResult
from apps.universal.rules import RuleSet, rule_set_for

Communes = QuerySet[Unit] | Iterable[Unit | int]


def commune_ids(communes: Communes | None) -> set[int] | None:
    """The ids of the asked communes (a queryset, units or ids); None: every commune."""
    if communes is None:
        return None
    if isinstance(communes, QuerySet):
        return set(communes.values_list("pk", flat=True))
    return {item if isinstance(item, int) else item.pk for item in communes}


def _commune_filter(communes: Communes | None) -> tuple[Q | None, set[int] | None]:
    """The filter on survey records for the asked communes, and their ids (None: all communes)."""
    ids = commune_ids(communes)
    return (None, None) if ids is None else (Q(commune_id__in=ids), ids)


def special_difficulty_flags(year: int, commune_ids: Iterable[int]) -> dict[int, bool]:
    """unit id → ĐBKK in ``year``, from the commune flags of that very year."""
    return dict(CommuneFlag.objects.filter(year=year, unit_id__in=list(commune_ids)).order_by()
                .values_list("unit_id", "special_difficulty"))


def compute_year(year: int, *, communes: Communes | None = None, rule_set: RuleSet | None = None
                 ) -> YearResult:
    """Rates, levels and unmet conditions of every commune with survey records in ``year``.

    ``communes`` (a queryset, units or ids) restricts the computation to those
    communes; a commune without any survey record that year is not computed (it
    has no figures, which is not the same as empty cohorts). The rule set is the
    one valid on the survey date (``rules.rule_set_for``) unless given.

    Rules (NĐ 20/2014/NĐ-CP, TT 07/2016/TT-BGDĐT, pcgd-xmc.md): only people whose
    status the rule set counts (present) count; people with an excluded
    disability (cannot learn) are left out of numerator and denominator; age is
    the survey year minus the birth year; rates are compared with thresholds as
    exact fractions; an empty cohort meets its condition and has no rate. A
    commune is ĐBKK when its ``places.CommuneFlag`` of the year says so; without a
    flag for the year it is not ĐBKK.

    Queries: the communes with records (and their parents), their flags, one aggregate of counts
    grouped by commune, sex and ethnicity, and the communes of the groupings —
    whatever the number of persons.
    """
    rule_set = rule_set or rule_set_for(year)
    commune_filter, requested = _commune_filter(communes)
    units = communes_with_records(year, requested)
    if not units:
        return YearResult(year, rule_set, [], [])
    flags = special_difficulty_flags(year, [unit.pk for unit in units])
    rows = grouped_counts(rule_set, year, commune_filter)
    results = []
    for unit in units:
        special = flags.get(unit.pk, False)
        indicators, splits = commune_values(rule_set, rows.get(unit.pk, []), special)
        levels, unmet, blocked = judge_commune(rule_set, indicators, special)
        results.append(CommuneResult(unit, special, indicators, levels, unmet, splits, blocked))
    return YearResult(year, rule_set, results, build_groupings(year, rule_set, results, requested))


def communes_with_records(year: int, requested: set[int] | None = None) -> list[Unit]:
    """The communes (with parents) that have at least one survey record of ``year``.

    One probe of the (year, commune) index per commune, instead of reading every
    record of the year for its distinct communes.
    """
    records = SurveyRecord.objects.filter(year=year, commune=OuterRef("pk"))
    units = Unit.objects.filter(Exists(records), kind=UnitKind.COMMUNE)
    if requested is not None:
        units = units.filter(pk__in=requested)
    return list(units.select_related("parent__parent").order_by("code", "pk"))
