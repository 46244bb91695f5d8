"""The association's metrics (R9), registered in ``apps.metrics.registry``.

Each is computed for one year (the period, "2026") and every unit of the map in
force on 31 December of that year — villages, communes, districts (before
1 July 2025) and provinces — in one query of correlated subqueries on the unit
path (a unit's figures are those of everything under it), whatever the number
of branches or members. Persons are counted once per commune and village and added
up the tree (``apps.metrics.rollup``): a correlated count of survey records per unit
took minutes on SQLite with 100,000 persons.

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
from django.db.models import Exists, F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.association.models import Branch, BranchKind, Member, ReportedCount, year_end
from apps.metrics.registry import Value, register
from apps.metrics.rollup import roll_up
from apps.people.models import Status, SurveyRecord
from apps.places.models import Unit, UnitKind

VILLAGE_SHARE = "association.village_branch_share"
MEMBER_SHARE = "association.member_share"
ORGANISATION_BRANCHES = "association.organisation_branches"
DEPENDS_ON = ("association.Branch", "association.Member", "association.ReportedCount", "places.Unit")
UNIT_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNE, UnitKind.DISTRICT, UnitKind.PROVINCE)
ORGANISATION_KINDS = [kind for kind in BranchKind.values if kind != BranchKind.VILLAGE]


class Count(Func):
    """COUNT(expr) as a plain expression: the whole subquery is one group, no GROUP BY added."""

    function = "COUNT"
    output_field = IntegerField()


class CountDistinct(Count):
    template = "COUNT(DISTINCT %(expressions)s)"


def _under(queryset: QuerySet, path_field: str, aggregate: Func) -> Coalesce:
    """The aggregate over the rows of ``queryset`` lying under the outer unit's path, 0 when none."""
    inner = queryset.filter(**{f"{path_field}__startswith": OuterRef("path")}).order_by()
    return Coalesce(Subquery(inner.annotate(result=aggregate).values("result")[:1]), 0,
                    output_field=IntegerField())


def _units(year: int) -> QuerySet[Unit]:
    return Unit.objects.in_force(year_end(year)).filter(kind__in=UNIT_KINDS).order_by()


def _year(period: str) -> int:
    return int(str(period).strip())


@register(VILLAGE_SHARE, _("Villages with an association branch"),
          depends_on=DEPENDS_ON, unit_kinds=UNIT_KINDS,
          description=_("Villages with a village branch active on 31 December, of the villages in force."))
def village_branch_share(period: str) -> dict[int, Value]:
    year = _year(period)
    on = year_end(year)
    villages = Unit.objects.in_force(on).filter(kind=UnitKind.VILLAGE)
    covered = villages.filter(Exists(Branch.objects.active_on(on).filter(village=OuterRef("pk"))))
    rows = _units(year).annotate(
        den=_under(villages, "path", Count(F("pk"))),
        num=_under(covered, "path", Count(F("pk"))),
    ).filter(den__gt=0).values_list("pk", "num", "den")
    return {pk: Value(num=num, den=den) for pk, num, den in rows}


@register(MEMBER_SHARE, _("Association members as a share of the population"),
          depends_on=(*DEPENDS_ON, "people.SurveyRecord", "people.Person"), unit_kinds=UNIT_KINDS,
          description=_("Members of the branches in the year (each person once) over the persons present "
                        "in that year's survey."))
def member_share(period: str) -> dict[int, Value]:
    year = _year(period)
    named = Member.objects.filter(year=year, person__isnull=False)
    by_name = Member.objects.filter(year=year, person__isnull=True)
    reported = ReportedCount.objects.filter(year=year)
    present = SurveyRecord.objects.filter(year=year, status=Status.PRESENT)
    units = _units(year).annotate(
        persons=_under(named, "branch__unit__path", CountDistinct(F("person_id"))),
        names=_under(by_name, "branch__unit__path", Count(F("pk"))),
        reported=_under(reported, "branch__unit__path", Func(F("count"), function="SUM",
                                                             output_field=IntegerField())),
    )
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
    for pk, kind, persons, names, counted in units.values_list("pk", "kind", "persons", "names", "reported"):
        population = villages.get(pk, 0) if kind == UnitKind.VILLAGE else populations.get(pk, 0)
        members = persons + names + counted
        if members or population:
            values[pk] = Value(num=members, den=population, data={
                "persons": persons, "named_only": names, "reported": counted,
            })
    return values


@register(ORGANISATION_BRANCHES, _("Association branches in organisations"),
          depends_on=DEPENDS_ON, unit_kinds=UNIT_KINDS,
          description=_("Branches in agencies, enterprises, schools, hospitals and armed-forces units active "
                        "on 31 December, by type."))
def organisation_branches(period: str) -> dict[int, Value]:
    year = _year(period)
    active = Branch.objects.active_on(year_end(year)).exclude(kind=BranchKind.VILLAGE)
    annotations = {f"n_{kind}": _under(active.filter(kind=kind), "unit__path", Count(F("pk")))
                   for kind in ORGANISATION_KINDS}
    rows = _units(year).annotate(**annotations).values("pk", "kind", *annotations)
    values = {}
    for row in rows:
        by_type = {kind: row[f"n_{kind}"] for kind in ORGANISATION_KINDS if row[f"n_{kind}"]}
        total = sum(by_type.values())
        if total or row["kind"] != UnitKind.VILLAGE:
            values[row["pk"]] = Value(num=total, value=float(total), data={"by_type": by_type})
    return values

