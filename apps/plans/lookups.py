"""Scoped look-ups shared by the pages and the API of the plans app (no view code here).

Both surfaces read ``?unit=`` and offer the bodies an obstacle may be escalated to
the same way; keeping them out of the view modules lets the API import them
without importing the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.scope import coverage_paths, scope_for
from apps.organisations.models import Organisation
from apps.places.models import Unit
from apps.plans.models import Obstacle


def ancestor_paths(prefixes: tuple[str, ...] | list[str]) -> set[str]:
    """Every path above (and at) the prefixes: "/L/66/653/24451/" → "/L/66/", "/L/66/653/", …"""
    paths: set[str] = set()
    for prefix in prefixes:
        parts = [part for part in prefix.split("/") if part]
        for end in range(2, len(parts) + 1):
            paths.add("/" + "/".join(parts[:end]) + "/")
    return paths


def scoped_unit(user, pk: Any) -> Unit | None:
    """``?unit=`` as a unit the user may see, or ``None`` when not given; 404 outside the scope."""
    if pk in (None, ""):
        return None
    unit = scope_for(user).units().filter(pk=pk).first() if str(pk).isdigit() else None
    if unit is None:
        raise Http404("No unit matches the given query.")
    return unit


def escalation_targets(obstacle: Obstacle) -> QuerySet[Organisation]:
    """Organisations of the obstacle's unit and of the units above it (its history included)."""
    paths = ancestor_paths(coverage_paths(obstacle.unit))
    return Organisation.objects.filter(unit__path__in=paths, active=True).exclude(
        pk=obstacle.raised_by_id).select_related("unit").order_by("unit__path", "name")
