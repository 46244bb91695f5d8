"""``manage.py metrics list | compute NAME --period P | recompute-stale``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.metrics import services
from apps.metrics.models import MetricPeriod
from apps.metrics.registry import METRICS


class Command(BaseCommand):
    help = "List the registered metrics, compute one for a period, or recompute the stale ones."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="The registered metrics and the state of their computed periods.")
        compute = actions.add_parser("compute", help="Compute one metric for one period now.")
        compute.add_argument("name", help="The metric's name, for example pcgd.literacy1_15_35.")
        compute.add_argument("--period", required=True, help="The period, for example the survey year 2026.")
        actions.add_parser("recompute-stale", help="Recompute every stale (metric, period) now.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "compute":
            if options["name"] not in METRICS:
                raise CommandError(f"Unknown metric {options['name']!r}; known: {', '.join(sorted(METRICS))}")
            started = time.perf_counter()
            count = services.recompute(options["name"], options["period"])
            self.stdout.write(f"{options['name']} {options['period']}: {count} units "
                              f"in {time.perf_counter() - started:.2f} s")
        else:
            started = time.perf_counter()
            done = services.recompute_stale()
            for name, period in done:
                self.stdout.write(f"recomputed {name} {period}")
            seconds = time.perf_counter() - started
            self.stdout.write(f"{len(done)} stale periods recomputed in {seconds:.2f} s")

    def _list(self) -> None:
        states: dict[str, list[MetricPeriod]] = {}
        for state in MetricPeriod.objects.order_by("metric", "period"):
            states.setdefault(state.metric, []).append(state)
        for name in sorted(METRICS):
            metric = METRICS[name]
            self.stdout.write(f"{name}  {metric.label}  (reads {', '.join(metric.depends_on)})")
            for state in states.get(name, []):
                flags = [flag for flag, on in (("stale", state.stale), ("computing", state.computing)) if on]
                computed = state.computed_at.isoformat(timespec="seconds") if state.computed_at else "never"
                self.stdout.write(f"    {state.period}: computed {computed} {' '.join(flags)}".rstrip())
        if not METRICS:
            self.stdout.write("No metric is registered.")
