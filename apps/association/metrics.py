"""The association's metrics (R9), registered in ``apps.metrics.registry``.

Each is computed for one year (the period, "2026") and every unit of the map in
force on 31 December of that year — villages, communes, districts (before
1 July 2025) and provinces. A unit's figures are those of everything under it
(the rows whose unit path starts with its path). They are counted set-wise: one
grouped query per lower unit (the villages' commune, the branch's unit) whose
counts are added up the tree by path (``apps.metrics.rollup``), and, for the
persons counted once, one grouped distinct count per level in the database. The
number of queries does not depend on the number of units, branches or members
(a correlated subquery per unit was quadratic in the number of units).

- ``association.village_branch_share``: villages with a village branch active on
  31 December / villages in force then (Kế hoạch 145-KH/HU: "nhất là ở thôn, buôn,
  TDP").
- ``association.member_share``: members of the unit's branches in the year /
  persons present in the unit in the survey of that year (``people.SurveyRecord``
  with status "present", as the PCGD–XMC engine counts them). A person of the
  registry listed in several branches counts once in every total; members listed
  by name only count once per branch (nothing tells two homonyms apart); a branch
  without a list adds the number it reported.
- ``association.organisation_branches``: branches in organisations active on
  31 December, with their number by type in ``data["by_type"]``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.association.models import Branch, BranchKind, Member, ReportedCount, year_end
from apps.metrics.registry import Value, register
from apps.metrics.rollup import add_up_paths, count_distinct_under, roll_up
from apps.people.models import Status, SurveyRecord
from apps.places.models import Unit, UnitKind

VILLAGE_SHARE = "association.village_branch_share"
MEMBER_SHARE = "association.member_share"
ORGANISATION_BRANCHES = "association.organisation_branches"
DEPENDS_ON = ("association.Branch", "association.Member", "association.ReportedCount", "places.Unit")
UNIT_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNE, UnitKind.DISTRICT, UnitKind.PROVINCE)
ORGANISATION_KINDS = [kind for kind in BranchKind.values if kind != BranchKind.VILLAGE]



class Units:
    """The units a year's figures are given for: in force on 31 December, of ``UNIT_KINDS``.

    ``paths`` maps the path of each to its id (what counts kept by path are added up to);
    ``kinds`` its kind. One query: every figure below is reported on these units anyway.
    """

    def __init__(self, year: int) -> None:
        rows = _units(year).values_list("pk", "kind", "path")
        self.kinds: dict[int, str] = {}
        self.paths: dict[str, int] = {}
        for pk, kind, path in rows:
            self.kinds[pk] = kind
            self.paths[path] = pk

    def above_villages(self) -> dict[str, int]:
        return {path: pk for path, pk in self.paths.items() if self.kinds[pk] != UnitKind.VILLAGE}


def _units(year: int) -> QuerySet[Unit]:
    return Unit.objects.in_force(year_end(year)).filter(kind__in=UNIT_KINDS).order_by()


def _year(period: str) -> int:
    return int(str(period).strip())


@register(VILLAGE_SHARE, _("Villages with an association branch"),
          depends_on=DEPENDS_ON, unit_kinds=UNIT_KINDS,
          description=_("Villages with a village branch active on 31 December, of the villages in force."))
def village_branch_share(period: str) -> dict[int, Value]:
    """Three queries: the units, the villages (each its own 1/1 or 0/1), the villages per commune.

    The per-commune counts are added up to the district and the province by path. A village
    lies under its commune's path (``places.services`` builds it as the commune's path and the
    village's code; the map loader moves both together), so grouping by the parent's path
    counts each village under every unit the old correlated ``path LIKE unit.path || '%'`` did.
    """
    year = _year(period)
    on = year_end(year)
    units = Units(year)
    covered = Exists(Branch.objects.active_on(on).filter(village=OuterRef("pk")))
    villages = Unit.objects.in_force(on).filter(kind=UnitKind.VILLAGE).order_by()
    by_commune = list(
        villages.values("parent__path")
        .annotate(den=models.Count("pk"), num=models.Count("pk", filter=Q(covered)))
        .values_list("parent__path", "den", "num")
    )
    dens = add_up_paths({path: den for path, den, _num in by_commune}, units.paths)
    nums = add_up_paths({path: num for path, _den, num in by_commune}, units.paths)
    values = {pk: Value(num=nums.get(pk, 0), den=den) for pk, den in dens.items()}
    # Nothing lies under a village: its own figure is whether it has a branch.
    for pk, has_branch in villages.annotate(covered=covered).values_list("pk", "covered"):
        if pk in units.kinds:
            values[pk] = Value(num=1 if has_branch else 0, den=1)
    return values


@register(MEMBER_SHARE, _("Association members as a share of the population"),
          depends_on=(*DEPENDS_ON, "people.SurveyRecord", "people.Person"), unit_kinds=UNIT_KINDS,
          description=_("Members of the branches in the year (each person once) over the persons present "
                        "in that year's survey."))
def member_share(period: str) -> dict[int, Value]:
    """Counted per branch unit and added up, except registry persons, counted once per unit.

    Name-only members and reported numbers are added up the tree from one grouped row per
    branch unit. A person listed in two branches of two villages of one commune must count
    once in the commune, so distinct persons cannot be added: they are counted by
    ``COUNT(DISTINCT person)`` in the database for each level, grouping the member rows by
    the first characters of their branch unit's path (``rollup.count_distinct_under``: one
    query per length of the paths of the communes, districts and provinces, whatever their
    number). Path prefixes rather than parent links: the path is what the scopes and the
    earlier correlated formula read, so the figures mean exactly what they meant. Villages,
    under which nothing lies, take the per-branch-unit row as it is.
    """
    year = _year(period)
    units = Units(year)
    members = Member.objects.filter(year=year).order_by()
    per_branch_unit = list(
        members.values("branch__unit__path")
        .annotate(persons=models.Count("person", distinct=True),
                  names=models.Count("pk", filter=Q(person__isnull=True)))
        .values_list("branch__unit__path", "persons", "names")
    )
    village_persons = {path: persons for path, persons, _names in per_branch_unit}
    persons_above = count_distinct_under(members.filter(person__isnull=False), "branch__unit__path",
                                         "person", units.above_villages())
    names = add_up_paths({path: count for path, _persons, count in per_branch_unit}, units.paths)
    reported = add_up_paths(
        dict(ReportedCount.objects.filter(year=year).order_by().values("branch__unit__path")
             .annotate(total=models.Sum("count")).values_list("branch__unit__path", "total")),
        units.paths,
    )
    present = SurveyRecord.objects.filter(year=year, status=Status.PRESENT)
    # A village's population is that of its persons; above it, the commune of the record
    # (indexed with the year), counted once per commune and added up the tree.
    populations = roll_up(
        dict(present.order_by().values("commune_id").annotate(n=models.Count("pk"))
             .values_list("commune_id", "n")),
        UNIT_KINDS,
    )
    villages = dict(
        present.order_by().values("person__village_id").annotate(n=models.Count("pk"))
        .values_list("person__village_id", "n")
    )
    values = {}
    for path, pk in units.paths.items():
        if units.kinds[pk] == UnitKind.VILLAGE:
            population, persons = villages.get(pk, 0), village_persons.get(path, 0)
        else:
            population, persons = populations.get(pk, 0), persons_above.get(pk, 0)
        named_only, counted = names.get(pk, 0), reported.get(pk, 0)
        members_total = persons + named_only + counted
        if members_total or population:
            values[pk] = Value(num=members_total, den=population, data={
                "persons": persons, "named_only": named_only, "reported": counted,
            })
    return values


@register(ORGANISATION_BRANCHES, _("Association branches in organisations"),
          depends_on=DEPENDS_ON, unit_kinds=UNIT_KINDS,
          description=_("Branches in agencies, enterprises, schools, hospitals and armed-forces units active "
                        "on 31 December, by type."))
def organisation_branches(period: str) -> dict[int, Value]:
    """Two queries: the units, and the active branches counted per unit they sit in and kind."""
    year = _year(period)
    units = Units(year)
    rows = (Branch.objects.active_on(year_end(year)).exclude(kind=BranchKind.VILLAGE).order_by()
            .values("unit__path", "kind").annotate(n=models.Count("pk"))
            .values_list("unit__path", "kind", "n"))
    per_kind: dict[str, dict[str, int]] = {kind: {} for kind in ORGANISATION_KINDS}
    for path, kind, count in rows:
        per_kind[kind][path] = count
    totals = {kind: add_up_paths(counts, units.paths) for kind, counts in per_kind.items()}
    values = {}
    for pk, unit_kind in units.kinds.items():
        by_type = {kind: totals[kind][pk] for kind in ORGANISATION_KINDS if totals[kind].get(pk)}
        total = sum(by_type.values())
        if total or unit_kind != UnitKind.VILLAGE:
            values[pk] = Value(num=total, value=float(total), data={"by_type": by_type})
    return values
