"""Counts kept on a lower unit (a commune, a village, a branch's unit) added up the unit tree by path.

A unit's figure is that of everything under it: the rows whose unit path starts with its path
("/N/66/24454/" is under "/N/66/"). Counting that with one correlated subquery per unit is
quadratic in the number of units; these helpers count once per lower unit, or once per level
for distinct counts, and add up in the tree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Substr

from apps.places.models import Unit


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:end]) + "/" for end in range(2, len(parts) + 1)]


def roll_up(counts: dict[int, int], unit_kinds: Iterable[str]) -> dict[int, int]:
    """``counts`` by unit id added to that unit and every unit above it of ``unit_kinds``.

    Two queries whatever the number of units: one grouped count per lowest unit, rolled up
    here, instead of a correlated subquery per unit over the whole table (which SQLite ran in
    minutes on 100,000 survey records).
    """
    if not counts:
        return {}
    paths = dict(Unit.objects.filter(pk__in=list(counts)).values_list("pk", "path"))
    wanted = {prefix for path in paths.values() for prefix in _prefixes(path)}
    ids = dict(Unit.objects.filter(path__in=wanted, kind__in=list(unit_kinds)).values_list("path", "pk"))
    totals: dict[int, int] = defaultdict(int)
    for unit_id, count in counts.items():
        for prefix in _prefixes(paths.get(unit_id, "/")):
            ancestor = ids.get(prefix)
            if ancestor is not None:
                totals[ancestor] += count
    return dict(totals)


def path_prefixes(path: str) -> list[str]:
    """Every path a unit path starts with at a "/", itself included, from the top.

    "/N/66/24454/" → ["/N/", "/N/66/", "/N/66/24454/"]: the units it lies under are those
    with one of these paths (a path always ends with "/", so a prefix never cuts a code).
    """
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:end]) + "/" for end in range(1, len(parts) + 1)]


def add_up_paths(counts: Mapping[str, int], units: Mapping[str, int]) -> dict[int, int]:
    """``counts`` keyed by a unit path added to every unit of ``units`` (path → id) it lies under.

    No query: the caller fetched both, ``counts`` grouped per lower unit in the database
    (one row per branch unit or per commune, never per person) and ``units`` with the units
    it reports on. Only additive figures (COUNT, SUM) may be added up this way; a distinct
    count is not the sum of its parts (``count_distinct_under``).
    """
    totals: dict[int, int] = defaultdict(int)
    for path, count in counts.items():
        if not count:
            continue
        for prefix in path_prefixes(path):
            unit_id = units.get(prefix)
            if unit_id is not None:
                totals[unit_id] += count
    return dict(totals)


def count_distinct_under(queryset: QuerySet, path_field: str, field: str,
                         units: Mapping[str, int]) -> dict[int, int]:
    """COUNT(DISTINCT ``field``) of the rows of ``queryset`` lying under each unit of ``units``.

    A row lies under a unit when its ``path_field`` starts with the unit's path, so it lies
    under the unit whose path is its first ``len(path)`` characters. Every unit path of one
    length is therefore one group of ``SUBSTR(path_field, 1, length)``: one grouped part per
    distinct length of the paths in ``units`` (a province, a district, a commune of either map:
    four or five lengths for the whole country, whatever the number of units), each counting
    distinct values inside the database, all in one query. Groups that are no unit of
    ``units`` (a path cut inside a code, a row shorter than the length) are dropped.
    """
    lengths = sorted({len(path) for path in units})
    if not lengths:
        return {}
    parts = [
        queryset.order_by().annotate(_prefix=Substr(path_field, 1, length), _length=Value(length))
        .values("_prefix", "_length").annotate(_n=Count(field, distinct=True))
        .values_list("_prefix", "_length", "_n")
        for length in lengths
    ]
    # One statement: the groups of every length, UNION ALL.
    rows = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
    totals: dict[int, int] = {}
    for prefix, length, count in rows:
        # A row shorter than the length gives its whole path: only a group of the full length
        # is the set of rows under a unit (the shorter one has its own, complete, group).
        unit_id = units.get(prefix) if prefix and len(prefix) == length else None
        if unit_id is not None and count:
            totals[unit_id] = count
    return totals
