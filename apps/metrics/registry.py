"""The registry of metrics: one name, one definition, read by every page and report.

A metric is a pure function of the registries for one period (a survey year,
"2026"), computed set-wise for all units at once: it returns, per unit id, a
``Value`` (numerator, denominator and, when it is not their ratio, a value).
Dashboards, plan targets, report forms and recognition criteria all read metrics
through ``apps.metrics.services``, which caches them with the time they were
computed and recomputes them in the background when the data they read changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.functional import Promise


@dataclass(frozen=True)
class Value:
    num: int | None = None
    den: int | None = None
    value: float | None = None  # when the metric is not num/den (an amount, a level)
    data: dict = field(default_factory=dict)  # splits and details (by sex, by ethnicity, …)

    @property
    def rate(self) -> Fraction | None:
        """The exact rate; None for an empty cohort (its condition holds, nothing to count)."""
        if self.num is None or not self.den:
            return None
        return Fraction(self.num, self.den)


Compute = Callable[[str], dict[int, Value]]


@dataclass(frozen=True)
class Metric:
    name: str
    label: Promise | str
    compute: Compute
    depends_on: tuple[str, ...]  # model labels whose changes make the metric stale
    unit_kinds: tuple[str, ...] = ("commune",)
    description: Promise | str = ""


METRICS: dict[str, Metric] = {}


def register(
    name: str,
    label: Promise | str,
    *,
    depends_on: tuple[str, ...],
    unit_kinds: tuple[str, ...] = ("commune",),
    description: Promise | str = "",
) -> Callable[[Compute], Compute]:
    """Register ``compute(period) -> {unit_id: Value}`` under ``name`` (unique)."""

    def decorator(compute: Compute) -> Compute:
        if name in METRICS:
            raise ValueError(f"The metric {name!r} is registered twice.")
        METRICS[name] = Metric(name, label, compute, depends_on, unit_kinds, description)
        return compute

    return decorator


def get_metric(name: str) -> Metric:
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"Unknown metric {name!r}; known: {', '.join(sorted(METRICS))}") from None


def metrics_depending_on(model_label: str) -> list[Metric]:
    return [metric for metric in METRICS.values() if model_label in metric.depends_on]
