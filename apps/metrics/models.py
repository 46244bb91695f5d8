"""The cache of metrics: one row per (metric, unit, period), and the state of each (metric, period).

A metric's values are recomputed together for all units of a period, so the
state (when computed, stale or not, being computed) is kept once per period in
``MetricPeriod`` rather than on each of the thousands of value rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricValue(models.Model):
    """The value of a metric for one unit and one period, as computed at ``computed_at``."""

    metric = models.CharField(_("metric"), max_length=100)
    unit = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="metric_values", verbose_name=_("unit")
    )
    period = models.CharField(_("period"), max_length=20)
    num = models.BigIntegerField(_("numerator"), null=True, blank=True)
    den = models.BigIntegerField(_("denominator"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        constraints = [
            models.UniqueConstraint(fields=["metric", "unit", "period"], name="metric_value_unique")
        ]
        indexes = [models.Index(fields=["metric", "period"], name="metric_value_metric_period")]

    def __str__(self) -> str:
        return f"{self.metric} {self.period} {self.unit_id}"

    @property
    def rate(self) -> float | None:
        """num/den, or None for an empty cohort."""
        if self.num is None or not self.den:
            return None
        return self.num / self.den


class MetricPeriod(models.Model):
    """Whether a metric was computed for a period, and whether the data changed since."""

    metric = models.CharField(_("metric"), max_length=100)
    period = models.CharField(_("period"), max_length=20)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    stale = models.BooleanField(_("stale"), default=False,
                                help_text=_("The data it reads changed after it was computed."))
    computing = models.BooleanField(_("being computed"), default=False)

    class Meta:
        verbose_name = _("computed metric period")
        verbose_name_plural = _("computed metric periods")
        ordering = ["metric", "period"]
        constraints = [models.UniqueConstraint(fields=["metric", "period"], name="metric_period_unique")]

    def __str__(self) -> str:
        return f"{self.metric} {self.period}"
