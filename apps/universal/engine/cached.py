"""``cached_year``: the engine's ``YearResult`` rebuilt from the metrics cache, not from the registry.

The indicators of a rule set are the metrics ``pcgd.<indicator id>``
(``apps/universal/metrics.py``): per commune and survey year, the engine's
counts and splits, cached by ``apps.metrics`` with the time they were computed
and recomputed in the background when the registry changes (docs/metrics.md).
Pages, the API and the downloads read them here. The levels, unmet conditions
and groupings are judged by the engine's own functions (``judge_commune``,
``build_groupings``) on the counts the engine produced, so that a cached result
and a fresh one differ only in when they were computed.
"""

from __future__ import annotations

import datetime as dt

from apps.metrics import services
from apps.metrics.models import MetricPeriod, MetricValue
from apps.people.models import Sex
from apps.places.models import Unit
from apps.universal.engine.compute import Communes, commune_ids
from apps.universal.engine.counting import KINH_GROUP, MINORITY_GROUP
from apps.universal.engine.groupings import build_groupings
from apps.universal.engine.levels import judge_commune
from apps.universal.engine.results import CommuneResult, IndicatorValue, YearResult
from apps.universal.rules import RuleSet, rule_set_for

# The order in which the engine lists the keys of each split (counting.commune_values);
# PostgreSQL's jsonb keeps its own order of keys, so the cached splits are put back in it.
AXES = ("sex", "group", "ethnicity")
KEY_ORDER = {"sex": [str(sex) for sex in Sex.values], "group": [KINH_GROUP, MINORITY_GROUP], "ethnicity": []}

Rows = dict[str, dict[int, MetricValue]]  # metric name → unit id → cached row


def metric_names(rule_set: RuleSet) -> dict[str, str]:
    """indicator id → the name of its metric."""
    from apps.universal.metrics import PREFIX  # the metrics module imports the engine

    return {indicator: PREFIX + indicator for indicator in rule_set.indicators}


def _read(names: list[str], year: int, units: list[int] | None) -> Rows:
    return services.values_of(names, year, units=units)


def _other_rule_set(rows: dict[int, MetricValue], rule_set: RuleSet) -> bool:
    return any(row.data.get("rule_set") != rule_set.id for row in rows.values())


def read_metrics(rule_set: RuleSet, year: int, units: list[int] | None) -> Rows:
    """The cached rows of the rule set's indicators for ``year`` (of ``units``, or of every commune).

    A period never computed is computed now by ``services.values``. Rows computed
    under another rule set than the year's (a rule set file added since) are
    recomputed now: staleness follows the registry, not the rule set files.
    """
    names = list(metric_names(rule_set).values())
    rows = _read(names, year, units)
    for name in [name for name in names if _other_rule_set(rows[name], rule_set)]:
        services.recompute(name, year)
        rows[name] = services.values(name, year, units=units)
    return rows


def _in_order(keys, known: list[str]) -> list[str]:
    return sorted(keys, key=lambda key: (known.index(key) if key in known else len(known), key))


def splits_from_json(data: dict) -> dict[str, dict[str, IndicatorValue]]:
    """The splits of one indicator as the engine gives them, from their cached JSON (``splits_json``)."""
    return {axis: {key: IndicatorValue(data[axis][key]["num"], data[axis][key]["den"])
                   for key in _in_order(data[axis], KEY_ORDER.get(axis, []))}
            for axis in _in_order(data, list(AXES))}


def commune_from_rows(rule_set: RuleSet, unit: Unit, rows: dict[str, MetricValue]) -> CommuneResult:
    """One commune judged from its cached rows (indicator id → row), as ``compute_year`` judges it."""
    first = rows[next(iter(rule_set.indicators))]
    # Each row repeats the flag of the computation; the ten are computed together.
    special = bool(first.data.get("special_difficulty", False))
    indicators = {indicator: IndicatorValue(row.num, row.den) for indicator, row in rows.items()}
    splits = {indicator: splits_from_json(row.data.get("splits", {})) for indicator, row in rows.items()}
    levels, unmet, blocked = judge_commune(rule_set, indicators, special)
    return CommuneResult(unit, special, indicators, levels, unmet, splits, blocked)


def freshness(names: list[str], year: int, used: list[MetricValue]) -> tuple[dt.datetime | None, bool]:
    """The oldest computation among the rows used (else among the periods) and whether any period is stale.

    A period being recomputed (``computing``) still serves the rows of before the
    change that made it stale, so it counts as stale too.
    """
    states = list(MetricPeriod.objects.filter(metric__in=names, period=str(year))
                  .values_list("computed_at", "stale", "computing"))
    recomputing = any(stale or computing for _at, stale, computing in states)
    times = [row.computed_at for row in used] or [at for at, _stale, _computing in states if at is not None]
    return min(times, default=None), recomputing


def cached_year(year: int, *, communes: Communes | None = None) -> YearResult:
    """What ``compute_year(year, communes=communes)`` returns, read from the cached ``pcgd.*`` metrics.

    The rule set is the one valid on the survey date (``rules.rule_set_for``, as
    the engine picks it; a year no rule set covers raises its ``RuleSetError``).
    Each commune's counts, splits and ĐBKK flag are those of its cached rows; its
    levels, unmet conditions and missing requirements are judged by
    ``judge_commune``, the groupings by ``build_groupings`` (NĐ 20/2014/NĐ-CP and
    pcgd-xmc.md, through the rule set). A commune without survey records in
    ``year`` has no rows, so that, as in the engine, it is not among the
    communes and meets no level of its groupings. A commune that only some
    metrics have (a recomputation half done) is left out like one without
    records until the others catch up: a missing count must not pass a level.

    ``computed_at`` is the oldest time the rows used were computed,
    ``recomputing`` whether the registry changed since and the background task
    has yet to recompute them.

    Queries: the periods' states and the rows of every indicator (two), the periods'
    states again, the communes and the groupings' communes, whatever the number of
    persons or communes.
    """
    rule_set = rule_set_for(year)
    requested = commune_ids(communes)
    names = metric_names(rule_set)
    rows = read_metrics(rule_set, year, None if requested is None else sorted(requested))
    found = set.intersection(*(set(rows[name]) for name in names.values()))
    units = list(Unit.objects.filter(pk__in=found).select_related("parent__parent").order_by("code", "pk")
                 ) if found else []
    results = [commune_from_rows(rule_set, unit, {indicator: rows[name][unit.pk]
                                                  for indicator, name in names.items()})
               for unit in units]
    used = [rows[name][unit.pk] for name in names.values() for unit in units]
    computed_at, recomputing = freshness(list(names.values()), year, used)
    groupings = build_groupings(year, rule_set, results, requested) if results else []
    return YearResult(year, rule_set, results, groupings, computed_at, recomputing)
