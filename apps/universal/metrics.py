"""Every PCGD–XMC indicator as a metric: ``pcgd.<indicator id>`` (``apps.metrics.registry``).

The metric of a period (a survey year, "2026") is, per commune id, the
indicator's ``Value(num, den)`` with its splits by sex, by Kinh / minorities and
by ethnic group in ``data["splits"]``, as computed by the engine
(``apps.universal.engine.compute_year``) under the rule set valid that year.

The metrics service computes the ten metrics of a period one after the other;
the engine computes all of them at once, so the first call of a period keeps the
year's result for the others (each served once) instead of computing it ten
times. The kept result is dropped when a registry record is saved or deleted
through the ORM, after ``KEEP_SECONDS``, or when the metric that computed it has
been marked stale again since (a bulk writer's ``data_changed``).

The pages, the API and the downloads read these metrics back as the engine's
result (``engine.cached.cached_year``), so ``Value.data`` keeps everything the
engine's judgement needs besides the counts: the splits, the ĐBKK flag and the
rule set.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save
from django.utils.functional import lazy

from apps.metrics.registry import Value, register
from apps.universal.engine import YearResult, compute_year, splits_json
from apps.universal.rules import Indicator, all_rule_sets

PREFIX = "pcgd."
DEPENDS_ON = ("people.SurveyRecord", "people.Person", "places.CommuneFlag")
KEEP_SECONDS = 600


@dataclass
class _Kept:
    origin: str  # the metric whose computation produced it
    result: YearResult
    at: float
    waiting: set[str] = field(default_factory=set)  # metrics not served yet


_kept: dict[int, _Kept] = {}
_lock = threading.Lock()


def forget(*args, **kwargs) -> None:
    """Drop every kept result (connected to saves and deletes of the registry records)."""
    with _lock:
        _kept.clear()


def _origin_is_stale(kept: _Kept, period: str) -> bool:
    from apps.metrics.models import MetricPeriod

    return MetricPeriod.objects.filter(metric=kept.origin, period=period, stale=True).exists()


def year_result(metric_name: str, period: str) -> YearResult:
    """The engine's result for the period, computed once for the ten PCGD metrics."""
    year = int(period)
    with _lock:
        kept = _kept.get(year)
        if kept is not None and metric_name in kept.waiting and time.monotonic() - kept.at < KEEP_SECONDS:
            kept.waiting.discard(metric_name)
            if not kept.waiting:
                del _kept[year]
        else:
            kept = None
    if kept is not None and not _origin_is_stale(kept, period):
        return kept.result
    result = compute_year(year)
    names = {PREFIX + indicator for indicator in result.rule_set.indicators}
    with _lock:
        _kept[year] = _Kept(metric_name, result, time.monotonic(), names - {metric_name})
    return result


def indicator_values(indicator_id: str, period: str) -> dict[int, Value]:
    """commune id → the indicator's value for the period (communes whose rule set has it)."""
    result = year_result(PREFIX + indicator_id, period)
    values = {}
    for commune in result.communes:
        value = commune.indicators.get(indicator_id)
        if value is None:
            continue
        values[commune.unit.pk] = Value(num=value.num, den=value.den, data={
            "splits": splits_json(commune.splits[indicator_id]),
            "special_difficulty": commune.special_difficulty,
            "rule_set": result.rule_set.id,
        })
    return values


def _label(indicator: Indicator):
    return lazy(lambda: indicator.name, str)()


def _register(indicator: Indicator) -> None:
    def compute(period: str) -> dict[int, Value]:
        return indicator_values(indicator.id, period)

    register(PREFIX + indicator.id, _label(indicator), depends_on=DEPENDS_ON,
             description=indicator.source.article)(compute)


def register_all() -> None:
    """Register the indicators of every rule set (an id shared by two rule sets once)."""
    seen: set[str] = set()
    for rule_set in reversed(all_rule_sets()):  # the newest wording of a shared indicator
        for indicator in rule_set.indicators.values():
            if indicator.id not in seen:
                seen.add(indicator.id)
                _register(indicator)
    for model in DEPENDS_ON:
        post_save.connect(forget, sender=model, dispatch_uid=f"pcgd_forget_saved_{model}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"pcgd_forget_deleted_{model}")


register_all()
