"""The one scoping function: which units, and so which records, a user may reach.

A role on a unit covers:
1. the unit's subtree (a district: its communes and their villages);
2. the history of the units merged into any unit of that subtree, transitively
   (an officer of the new Xã Dang Kang sees the pre-2025 Xã Dang Kang, Xã Cư KTy
   and Xã Hòa Thành, with their villages); a predecessor that was divided between
   several successors is seen whole by each of them;
3. the successors formed entirely from units it covers (an officer of the former
   Huyện Krông Bông sees the five communes made from its thirteen).

A scope is a short list of path prefixes, so that applying it is one indexed
``path LIKE 'prefix%'`` per prefix, the same for pages, API, exports, tasks and
metrics. Without a role granting the capability there is no data: the scope is
empty and every filtered queryset is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.accounts.roles import MANAGE_USERS, VIEW, get_role
from apps.places.models import Unit, UnitLink

MAX_HISTORY_DEPTH = 5  # reforms chained through links; one today


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    prefixes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.prefixes

    def q(self, path_field: str = "path") -> Q:
        """A filter on a unit-path field: ``path`` on units, ``unit__path`` on records."""
        if self.everything:
            return Q()
        if not self.prefixes:
            return Q(pk__in=[])
        condition = Q()
        for prefix in self.prefixes:
            condition |= Q(**{f"{path_field}__startswith": prefix})
        return condition

    def filter(self, queryset: QuerySet, unit_field: str | None = "unit") -> QuerySet:
        """Restrict a queryset of records on units (or of units, with ``unit_field=None``)."""
        if self.is_empty:
            return queryset.none()
        path_field = f"{unit_field}__path" if unit_field else "path"
        return queryset.filter(self.q(path_field))

    def units(self) -> QuerySet[Unit]:
        return self.filter(Unit.objects.all(), unit_field=None)

    def covers_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(prefix) for prefix in self.prefixes)

    def covers(self, unit: Unit) -> bool:
        return self.covers_path(unit.path)

    def leads_to(self, unit: Unit) -> bool:
        """True when the unit is covered or lies above a covered unit (for navigation)."""
        return self.covers(unit) or any(prefix.startswith(unit.path) for prefix in self.prefixes)


def _collapse(paths: set[str]) -> tuple[str, ...]:
    """Drop the paths already covered by a shorter one."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _any_prefix(prefixes: set[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def coverage_paths(unit: Unit) -> tuple[str, ...]:
    """The path prefixes a role on ``unit`` covers (rules 1–3 of the module docstring)."""
    paths = {unit.path}
    frontier = {unit.path}
    for _ in range(MAX_HISTORY_DEPTH):
        found = set(
            UnitLink.objects.filter(_any_prefix(frontier, "successor__path"))
            .values_list("predecessor__path", flat=True)
        )
        new = {p for p in _collapse(found) if not any(p.startswith(k) for k in paths)}
        if not new:
            break
        paths = set(_collapse(paths | new))
        frontier = new
    candidates = (
        UnitLink.objects.filter(_any_prefix(paths, "predecessor__path"))
        .exclude(_any_prefix(paths, "successor__path"))
        .values_list("successor_id", flat=True)
        .distinct()
    )
    for successor in Unit.objects.filter(pk__in=list(candidates)).prefetch_related(
        "predecessor_links__predecessor"
    ):
        predecessors = [link.predecessor.path for link in successor.predecessor_links.all()]
        if predecessors and all(any(p.startswith(k) for k in paths) for p in predecessors):
            paths.add(successor.path)
    return _collapse(paths)


def scope_for(user, capability: str = VIEW) -> Scope:
    """The units ``user`` may reach with ``capability``; empty for anyone without a role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cache = user.__dict__.setdefault("_scope_cache", {})
    if capability in cache:
        return cache[capability]
    if user.is_superuser:
        scope = Scope(everything=True)
    else:
        paths: set[str] = set()
        everything = False
        for assignment in user.role_assignments.select_related("unit"):
            role = get_role(assignment.role)
            if capability not in role.capabilities:
                continue
            if role.is_global:
                everything = True
                break
            if assignment.unit is not None:
                paths.update(coverage_paths(assignment.unit))
        scope = Scope(everything=True) if everything else Scope(prefixes=_collapse(paths))
    cache[capability] = scope
    return scope


def is_system_admin(user) -> bool:
    return scope_for(user, MANAGE_USERS).everything


def has_any_role(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role_assignments.exists())
