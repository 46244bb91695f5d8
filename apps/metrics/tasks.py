"""Background tasks of the metrics (``django.tasks``; run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from apps.metrics import services


@task
def recompute_stale() -> dict[str, list[str]]:
    """Recompute every stale (metric, period): ``{"recomputed": ["name period", …]}``."""
    return {"recomputed": [f"{name} {period}" for name, period in services.recompute_stale()]}
