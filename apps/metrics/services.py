"""Reading, computing and invalidating metrics (ARCHITECTURE.md: "metrics (computed)").

Pages, reports and judgements read metrics through ``values``: the rows cached
in ``MetricValue`` with the time they were computed, computed synchronously the
first time a period is asked for. When the data a metric reads changes, the
periods it affects are marked stale and one background task
(``apps.metrics.tasks.recompute_stale``) recomputes them after the transaction
commits; until then readers get the previous values with their ``computed_at``
and the period's ``stale`` flag, never a half-written period.

Writers that bypass model signals (bulk imports, the demo population) call
``data_changed(model_label, periods)`` once after writing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from apps.accounts.scope import scope_for
from apps.metrics.models import MetricPeriod, MetricValue
from apps.metrics.registry import METRICS, get_metric, metrics_depending_on

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# Models whose rows belong to one period: a change touches that period only.
# Any other dependency (a person's birth year, a household's village) may move
# figures of every period, so its changes mark every computed period stale.
PERIOD_FIELD = "year"

Periods = Iterable[str | int] | None


def _period(period: str | int) -> str:
    return str(period).strip()


def status(metric_name: str, period: str | int) -> MetricPeriod | None:
    """The state of a metric's period (computed_at, stale, computing); None if never asked for."""
    return MetricPeriod.objects.filter(metric=metric_name, period=_period(period)).first()


def values(
    metric_name: str,
    period: str | int,
    *,
    units: Iterable[Any] | models.QuerySet | None = None,
    user: Any = None,
) -> dict[int, MetricValue]:
    """The cached values of a metric for a period, by unit id.

    ``units`` (units, unit ids or a queryset of units) restricts the answer;
    ``user`` restricts it to the units the user may see (``scope_for``), and an
    anonymous or role-less user gets nothing. A period never computed is computed
    now; a stale one is returned as cached (see each row's ``computed_at`` and
    ``status()``) while the background task recomputes it.
    """
    metric = get_metric(metric_name)
    period = _period(period)
    state = status(metric.name, period)
    if state is None or state.computed_at is None:
        recompute(metric.name, period)
    rows = MetricValue.objects.filter(metric=metric.name, period=period).select_related("unit")
    if units is not None:
        rows = rows.filter(unit__in=units)
    if user is not None:
        rows = scope_for(user).filter(rows, "unit")
    return {row.unit_id: row for row in rows}


def values_of(
    metric_names: Iterable[str],
    period: str | int,
    *,
    units: Iterable[Any] | models.QuerySet | None = None,
    user: Any = None,
) -> dict[str, dict[int, MetricValue]]:
    """``values`` of several metrics of one period, by metric name then unit id, in two queries.

    A page showing ten indicators would otherwise ask twice per metric. Periods
    never computed are computed first, one metric after the other, as ``values`` does.
    """
    names = [get_metric(name).name for name in metric_names]
    period = _period(period)
    computed = set(MetricPeriod.objects.filter(metric__in=names, period=period, computed_at__isnull=False)
                   .values_list("metric", flat=True))
    for name in names:
        if name not in computed:
            recompute(name, period)
    rows = MetricValue.objects.filter(metric__in=names, period=period).select_related("unit")
    if units is not None:
        rows = rows.filter(unit__in=units)
    if user is not None:
        rows = scope_for(user).filter(rows, "unit")
    found: dict[str, dict[int, MetricValue]] = {name: {} for name in names}
    for row in rows:
        found[row.metric][row.unit_id] = row
    return found


def recompute(metric_name: str, period: str | int) -> int:
    """Compute a metric for a period once and replace that period's rows; returns the row count.

    The stale flag is cleared before computing, so that data changed while the
    computation runs marks the period stale again instead of being lost. The old
    rows are replaced in one transaction, under a lock on the period's state row,
    so that readers and a second worker never see a half-written period.
    """
    metric = get_metric(metric_name)
    period = _period(period)
    with transaction.atomic():
        state, _created = MetricPeriod.objects.get_or_create(metric=metric.name, period=period)
        MetricPeriod.objects.filter(pk=state.pk).update(stale=False, computing=True)
    try:
        results = metric.compute(period)
    except Exception:
        MetricPeriod.objects.filter(pk=state.pk).update(computing=False, stale=True)
        raise
    now = timezone.now()
    rows = [
        MetricValue(metric=metric.name, unit_id=unit_id, period=period, num=value.num, den=value.den,
                    value=value.value, data=value.data, computed_at=now)
        for unit_id, value in results.items()
    ]
    with transaction.atomic():
        list(MetricPeriod.objects.select_for_update().filter(pk=state.pk))
        # Raw DELETE: the audit's catch-all delete signal would otherwise make
        # Django fetch and signal every row one by one.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {MetricValue._meta.db_table} WHERE metric = %s AND period = %s",  # noqa: S608
                [metric.name, period],
            )
        MetricValue.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        MetricPeriod.objects.filter(pk=state.pk).update(computed_at=now, computing=False)
    return len(rows)


def mark_stale(model_label: str, periods: Periods = None) -> int:
    """Mark stale the computed periods of the metrics that read ``model_label``.

    ``periods`` None means every period. Returns the number of (metric, period)
    states marked; periods never computed need no mark, they are computed when asked.
    """
    names = [metric.name for metric in metrics_depending_on(model_label)]
    if not names:
        return 0
    states = MetricPeriod.objects.filter(metric__in=names)
    if periods is not None:
        states = states.filter(period__in=[_period(period) for period in periods])
    return states.update(stale=True)


def _enqueue_recompute() -> None:
    from apps.metrics.tasks import recompute_stale

    recompute_stale.enqueue()


def schedule_recompute() -> None:
    """Enqueue the recomputation task once the current transaction commits, at most once per transaction.

    A bulk import saving ten thousand survey records in one transaction thus
    enqueues a single task; outside a transaction it is enqueued at once.
    """
    if connection.in_atomic_block and any(
        func is _enqueue_recompute for _sids, func, _robust in connection.run_on_commit
    ):
        return
    # robust: the data is committed whatever happens to the queue; a failed
    # enqueue leaves the periods stale for `manage.py metrics recompute-stale`.
    transaction.on_commit(_enqueue_recompute, robust=True)


def data_changed(model_label: str, periods: Periods = None) -> int:
    """Mark the affected metrics stale and schedule their recomputation; for writers bypassing signals.

    ``model_label`` as in ``Model._meta.label`` ("people.SurveyRecord");
    ``periods`` the survey years written, or None when every period may be affected.
    """
    marked = mark_stale(model_label, periods)
    if marked:
        schedule_recompute()
    return marked


def recompute_stale() -> list[tuple[str, str]]:
    """Recompute every stale (metric, period); returns the pairs recomputed.

    One pass: data changed meanwhile marks its periods stale again and enqueues
    another task. A metric no longer registered is only unmarked.
    """
    done: list[tuple[str, str]] = []
    stale = MetricPeriod.objects.filter(stale=True).order_by("metric", "period")
    for name, period in list(stale.values_list("metric", "period")):
        if name not in METRICS:
            MetricPeriod.objects.filter(metric=name, period=period).update(stale=False)
            continue
        try:
            recompute(name, period)
        except Exception:
            # One broken metric must not keep the others stale; it stays marked.
            logger.exception("Recomputing the metric %s for %s failed", name, period)
            continue
        done.append((name, period))
    return done


def _watched(model_label: str) -> bool:
    return any(model_label in metric.depends_on for metric in METRICS.values())


def periods_of(instance: models.Model) -> list[str] | None:
    """The periods a changed record affects: its survey year, or every period."""
    year = getattr(instance, PERIOD_FIELD, None)
    return [_period(year)] if isinstance(year, int) else None


def _record_changed(sender: type[models.Model], instance: models.Model, raw: bool = False,
                    **kwargs: Any) -> None:
    if raw:  # fixtures loading
        return
    label = sender._meta.label
    if _watched(label):
        data_changed(label, periods_of(instance))


def connect_signals() -> None:
    post_save.connect(_record_changed, dispatch_uid="metrics_record_saved")
    post_delete.connect(_record_changed, dispatch_uid="metrics_record_deleted")
