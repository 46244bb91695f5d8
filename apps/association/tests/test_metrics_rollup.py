"""The set-wise association metrics give exactly what the correlated formulas gave.

``Reference`` below is the earlier implementation, one correlated subquery per unit
(``path LIKE unit.path || '%'``): what the metrics meant before they were counted per
lower unit and added up the tree. Hypothesis builds small random trees of units, branches
and members (a person in two branches of one commune, branches dissolved before or after
31 December, villages out of force, name-only members, reported counts) and checks that
both give the same units with the same values, on SQLite and on PostgreSQL.

Village codes here differ by more than letter case: on SQLite ``LIKE`` ignores the case,
so the reference would count a village "t1" under a village "T1" of the same commune (the
set-wise code compares paths exactly).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import connection, models, transaction
from django.db.models import Exists, F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apps.association import metrics
from apps.association.models import Branch, BranchKind, Member, ReportedCount, year_end
from apps.metrics.registry import Value
from apps.metrics.rollup import add_up_paths, count_distinct_under, path_prefixes, roll_up
from apps.organisations.models import Organisation, OrganisationKind
from apps.people import testing as people
from apps.people.models import Household, Status, SurveyRecord
from apps.places.models import LEGACY_END, REFORM_DATE, Structure, Unit, UnitKind

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------- the reference


class Reference:
    """The correlated formulas of the metrics before the set-wise rewrite, kept verbatim."""

    class Count(Func):
        function = "COUNT"
        output_field = IntegerField()

    class CountDistinct(Count):
        template = "COUNT(DISTINCT %(expressions)s)"

    @staticmethod
    def under(queryset: QuerySet, path_field: str, aggregate: Func) -> Coalesce:
        inner = queryset.filter(**{f"{path_field}__startswith": OuterRef("path")}).order_by()
        return Coalesce(Subquery(inner.annotate(result=aggregate).values("result")[:1]), 0,
                        output_field=IntegerField())

    @staticmethod
    def units(year: int) -> QuerySet[Unit]:
        return Unit.objects.in_force(year_end(year)).filter(kind__in=metrics.UNIT_KINDS).order_by()

    @classmethod
    def village_branch_share(cls, year: int) -> dict[int, Value]:
        on = year_end(year)
        villages = Unit.objects.in_force(on).filter(kind=UnitKind.VILLAGE)
        covered = villages.filter(Exists(Branch.objects.active_on(on).filter(village=OuterRef("pk"))))
        rows = cls.units(year).annotate(
            den=cls.under(villages, "path", cls.Count(F("pk"))),
            num=cls.under(covered, "path", cls.Count(F("pk"))),
        ).filter(den__gt=0).values_list("pk", "num", "den")
        return {pk: Value(num=num, den=den) for pk, num, den in rows}

    @classmethod
    def member_share(cls, year: int) -> dict[int, Value]:
        named = Member.objects.filter(year=year, person__isnull=False)
        by_name = Member.objects.filter(year=year, person__isnull=True)
        reported = ReportedCount.objects.filter(year=year)
        present = SurveyRecord.objects.filter(year=year, status=Status.PRESENT)
        units = cls.units(year).annotate(
            persons=cls.under(named, "branch__unit__path", cls.CountDistinct(F("person_id"))),
            names=cls.under(by_name, "branch__unit__path", cls.Count(F("pk"))),
            reported=cls.under(reported, "branch__unit__path", Func(F("count"), function="SUM",
                                                                    output_field=IntegerField())),
        )
        populations = roll_up(
            dict(present.order_by().values("commune_id").annotate(n=models.Count("pk"))
                 .values_list("commune_id", "n")),
            metrics.UNIT_KINDS,
        )
        villages = dict(
            present.order_by().values("person__village_id").annotate(n=models.Count("pk"))
            .values_list("person__village_id", "n")
        )
        values = {}
        for pk, kind, persons, names, counted in units.values_list("pk", "kind", "persons", "names",
                                                                   "reported"):
            population = villages.get(pk, 0) if kind == UnitKind.VILLAGE else populations.get(pk, 0)
            members = persons + names + counted
            if members or population:
                values[pk] = Value(num=members, den=population, data={
                    "persons": persons, "named_only": names, "reported": counted,
                })
        return values

    @classmethod
    def organisation_branches(cls, year: int) -> dict[int, Value]:
        active = Branch.objects.active_on(year_end(year)).exclude(kind=BranchKind.VILLAGE)
        annotations = {f"n_{kind}": cls.under(active.filter(kind=kind), "unit__path", cls.Count(F("pk")))
                       for kind in metrics.ORGANISATION_KINDS}
        rows = cls.units(year).annotate(**annotations).values("pk", "kind", *annotations)
        values = {}
        for row in rows:
            by_type = {kind: row[f"n_{kind}"] for kind in metrics.ORGANISATION_KINDS if row[f"n_{kind}"]}
            total = sum(by_type.values())
            if total or row["kind"] != UnitKind.VILLAGE:
                values[row["pk"]] = Value(num=total, value=float(total), data={"by_type": by_type})
        return values


PAIRS = [
    (metrics.village_branch_share, Reference.village_branch_share),
    (metrics.member_share, Reference.member_share),
    (metrics.organisation_branches, Reference.organisation_branches),
]


def assert_same_as_reference(year: int) -> None:
    for new, old in PAIRS:
        assert new(str(year)) == old(year), new.__name__


# ----------------------------------------------------------------------------- random trees


def _unit(code: str, kind: str, structure: str, parent: Unit | None = None, **validity) -> Unit:
    prefix = "/L/" if structure == Structure.LEGACY else "/N/"
    path = f"{parent.path}{code}/" if parent else f"{prefix}{code}/"
    return Unit.objects.create(code=code, name=f"{kind} {code}", name_key=f"{kind} {code}".casefold(),
                               kind=kind, division_type=kind, structure=structure, parent=parent, path=path,
                               **validity)


@dataclass
class Skeleton:
    """Both maps: a legacy province, district and two communes; a 2025 province and two communes."""

    communes: list[Unit]
    upper: list[Unit]  # provinces and the district, where organisations may also sit
    committee: Organisation
    units: list[Unit] = field(default_factory=list)


def skeleton() -> Skeleton:
    legacy = {"valid_to": LEGACY_END}
    new = {"valid_from": REFORM_DATE}
    old_province = _unit("66", UnitKind.PROVINCE, Structure.LEGACY, **legacy)
    district = _unit("653", UnitKind.DISTRICT, Structure.LEGACY, old_province, **legacy)
    province = _unit("66", UnitKind.PROVINCE, Structure.REFORM_2025, **new)
    communes = [_unit(code, UnitKind.COMMUNE, Structure.LEGACY, district, **legacy)
                for code in ("24451", "24454")]
    communes += [_unit(code, UnitKind.COMMUNE, Structure.REFORM_2025, province, **new)
                 for code in ("24454", "24481")]
    committee = Organisation.objects.create(unit=province, name="Hội Khuyến học tỉnh",
                                            kind=OrganisationKind.ASSOCIATION)
    return Skeleton(communes, [old_province, district, province], committee)


# Validity of a village relative to the year: like its commune, always, ended, not yet.
VILLAGE_VALIDITY = ["commune", "always", "ended", "later"]
# Branch dates relative to the year Y (None: unknown or not dissolved).
FOUNDED = [None, (-5, 1, 1), (0, 12, 31), (1, 1, 1)]
DISSOLVED = [None, (0, 3, 1), (0, 12, 31), (1, 3, 1)]
ORGANISATION_OF = {
    BranchKind.AGENCY: OrganisationKind.AGENCY, BranchKind.ENTERPRISE: OrganisationKind.ENTERPRISE,
    BranchKind.SCHOOL: OrganisationKind.SCHOOL, BranchKind.HOSPITAL: OrganisationKind.HOSPITAL,
    BranchKind.ARMED_FORCES: OrganisationKind.ARMED_FORCES, BranchKind.OTHER: OrganisationKind.OTHER,
}


def _village(commune: Unit, number: int) -> Unit:
    """A village of a 2025 commune, in force since the reform."""
    return _unit(f"{commune.code}-{number:03d}", UnitKind.VILLAGE, commune.structure, commune,
                 valid_from=REFORM_DATE)


def _home(village: Unit, code: str) -> Household:
    return Household.objects.create(commune=village.parent, village=village, code=code)


def _date(year: int, offset: tuple[int, int, int] | None) -> dt.date | None:
    return None if offset is None else dt.date(year + offset[0], offset[1], offset[2])


@st.composite
def worlds(draw) -> dict:
    """A plain description of a tree: indexes into lists the builder resolves modulo their length."""
    small = st.integers(min_value=0, max_value=50)
    return {
        "year": draw(st.sampled_from([2024, 2026])),
        "villages": draw(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(VILLAGE_VALIDITY)),
                                  min_size=1, max_size=7)),
        # (in a village?, place index, organisation kind, founded, dissolved)
        "branches": draw(st.lists(st.tuples(st.booleans(), small, st.sampled_from(metrics.ORGANISATION_KINDS),
                                            st.sampled_from(FOUNDED), st.sampled_from(DISSOLVED)),
                                  max_size=8)),
        # persons: (village index, survey status or None, survey in the year or the year before)
        "persons": draw(st.lists(st.tuples(small, st.sampled_from([None, *Status.values]), st.booleans()),
                                 max_size=8)),
        # members: (branch index, this year?, person index or None, name index)
        # (few persons, so that one is often listed in two branches)
        "members": draw(st.lists(st.tuples(small, st.booleans(), st.one_of(st.none(), st.integers(0, 3)),
                                           st.integers(0, 2)), max_size=16)),
        "reported": draw(st.lists(st.tuples(small, st.booleans(), st.integers(0, 40)), max_size=4)),
    }


def build(world: dict, base: Skeleton) -> None:
    year = world["year"]
    villages = []
    for number, (commune_index, validity) in enumerate(world["villages"], start=1):
        commune = base.communes[commune_index]
        dates = {
            "commune": {"valid_from": commune.valid_from, "valid_to": commune.valid_to},
            "always": {},
            "ended": {"valid_to": dt.date(year - 1, 12, 31)},
            "later": {"valid_from": dt.date(year + 1, 1, 1)},
        }[validity]
        villages.append(_unit(f"{commune.code}-{number:03d}", UnitKind.VILLAGE, commune.structure, commune,
                              **dates))
    places = base.communes + base.upper + villages
    branches = []
    for number, (in_village, index, kind, founded, dissolved) in enumerate(world["branches"]):
        founded_on, dissolved_on = _date(year, founded), _date(year, dissolved)
        if founded_on and dissolved_on and dissolved_on < founded_on:
            dissolved_on = founded_on
        dates = {"founded_on": founded_on, "dissolved_on": dissolved_on}
        if in_village:
            village = villages[index % len(villages)]
            branches.append(Branch.objects.create(name=f"Chi hội {number}", committee=base.committee,
                                                  kind=BranchKind.VILLAGE, village=village, unit=village,
                                                  **dates))
        else:
            unit = places[index % len(places)]
            host = Organisation.objects.create(unit=unit, name=f"Cơ quan {number}",
                                               kind=ORGANISATION_OF[kind])
            branches.append(Branch.objects.create(name=f"Ban {number}", committee=base.committee, kind=kind,
                                                  organisation=host, unit=unit, **dates))
    persons = []
    for number, (village_index, status, this_year) in enumerate(world["persons"]):
        village = villages[village_index % len(villages)]
        home = _home(village, f"H{number:03d}")
        survey = {"year": year if this_year else year - 1, "status": status} if status else {}
        persons.append(people.person(home, "01", birth_year=1980, full_name=f"Người {number}", **survey))
    if branches:
        seen = set()
        for branch_index, this_year, person_index, name_index in world["members"]:
            branch = branches[branch_index % len(branches)]
            member_year = year if this_year else year - 1
            person = persons[person_index % len(persons)] if persons and person_index is not None else None
            key = (branch.pk, member_year, person.pk if person else f"tên {name_index}")
            if key in seen:
                continue
            seen.add(key)
            Member.objects.create(branch=branch, year=member_year, person=person,
                                  full_name="" if person else f"Tên {name_index}",
                                  name_key="" if person else f"tên {name_index}")
        for branch_index, this_year, count in world["reported"]:
            ReportedCount.objects.update_or_create(branch=branches[branch_index % len(branches)],
                                                   year=year if this_year else year - 1,
                                                   defaults={"count": count})


# One person in the branches of two villages of one 2025 commune, and in a school branch of
# the commune: once in the commune and the province, whatever else Hypothesis draws.
TWO_BRANCHES = {
    "year": 2026,
    "villages": [(2, "commune"), (2, "commune"), (3, "ended")],
    "branches": [(True, 0, BranchKind.SCHOOL, None, None), (True, 1, BranchKind.SCHOOL, None, (1, 3, 1)),
                 (False, 2, BranchKind.SCHOOL, (-5, 1, 1), None)],
    "persons": [(0, Status.PRESENT, True), (1, Status.MOVED_AWAY, True)],
    "members": [(0, True, 0, 0), (1, True, 0, 0), (2, True, 0, 0), (0, True, None, 1), (1, True, 1, 0)],
    "reported": [(2, False, 7)],
}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@example(world=TWO_BRANCHES)
@given(world=worlds())
def test_the_set_wise_metrics_equal_the_correlated_formulas(db, world):
    with transaction.atomic():
        build(world, skeleton())
        assert_same_as_reference(world["year"])
        assert_same_as_reference(world["year"] - 1)
        transaction.set_rollback(True)


# ----------------------------------------------------------------------------- chosen cases


def test_a_person_in_two_branches_of_one_commune_counts_once_above_the_villages():
    base = skeleton()
    commune = base.communes[2]
    first, second = (_village(commune, n) for n in (1, 2))
    person = people.person(_home(first, "H001"), "01", birth_year=1970, year=2026)
    for village in (first, second):
        branch = Branch.objects.create(name=f"Chi hội {village.code}", committee=base.committee,
                                       kind=BranchKind.VILLAGE, village=village, unit=village)
        Member.objects.create(branch=branch, year=2026, person=person)
    values = metrics.member_share("2026")
    assert values[first.pk].data["persons"] == values[second.pk].data["persons"] == 1
    assert values[commune.pk].data["persons"] == 1
    assert values[base.upper[2].pk].data["persons"] == 1
    assert values[commune.pk].num == 1 and values[commune.pk].den == 1
    assert_same_as_reference(2026)


def test_a_branch_dissolved_on_31_december_is_no_longer_counted():
    base = skeleton()
    commune = base.communes[3]
    village = _village(commune, 1)
    Branch.objects.create(name="Chi hội", committee=base.committee, kind=BranchKind.VILLAGE, village=village,
                          unit=village, dissolved_on=dt.date(2026, 12, 31))
    assert metrics.village_branch_share("2026")[commune.pk] == Value(num=0, den=1)
    assert metrics.village_branch_share("2025")[commune.pk] == Value(num=1, den=1)
    assert_same_as_reference(2026)


def test_organisation_branches_list_every_unit_above_the_villages_even_with_none():
    base = skeleton()
    values = metrics.organisation_branches("2026")
    in_force = {base.upper[2].pk, base.communes[2].pk, base.communes[3].pk}
    assert set(values) == in_force
    assert all(value == Value(num=0, value=0.0, data={"by_type": {}}) for value in values.values())


def _tree_with_villages(count: int) -> None:
    base = skeleton()
    commune = base.communes[2]
    for number in range(1, count + 1):
        village = _village(commune, number)
        home = _home(village, f"H{number:03d}")
        person = people.person(home, "01", birth_year=1980, year=2026)
        branch = Branch.objects.create(name=f"Chi hội {number}", committee=base.committee,
                                       kind=BranchKind.VILLAGE, village=village, unit=village)
        Member.objects.create(branch=branch, year=2026, person=person)
        Member.objects.create(branch=branch, year=2026, full_name="Tên", name_key="tên")
        host = Organisation.objects.create(unit=village, name=f"Trường {number}",
                                           kind=OrganisationKind.SCHOOL)
        school = Branch.objects.create(name=f"Ban {number}", committee=base.committee, kind=BranchKind.SCHOOL,
                                       organisation=host, unit=village)
        ReportedCount.objects.create(branch=school, year=2026, count=number)


def _queries_per_metric() -> dict[str, int]:
    counts = {}
    for new, _old in PAIRS:
        with CaptureQueriesContext(connection) as queries:
            new("2026")
        counts[new.__name__] = len(queries)
    return counts


def test_the_number_of_queries_does_not_grow_with_the_villages():
    with transaction.atomic():
        _tree_with_villages(3)
        few = _queries_per_metric()
        transaction.set_rollback(True)
    _tree_with_villages(30)
    many = _queries_per_metric()
    assert few == many
    assert many == {"village_branch_share": 3, "member_share": 8, "organisation_branches": 2}
    assert_same_as_reference(2026)


# ----------------------------------------------------------------------------- the helpers


def test_path_prefixes_stop_at_every_slash():
    assert path_prefixes("/N/66/24454/24454-001/") == [
        "/N/", "/N/66/", "/N/66/24454/", "/N/66/24454/24454-001/"]


def test_counts_by_path_are_added_to_every_unit_above():
    units = {"/N/66/": 1, "/N/66/24454/": 2, "/N/66/24481/": 3}
    counts = {"/N/66/24454/24454-001/": 4, "/N/66/24454/": 1, "/N/66/24481/24481-002/": 2, "/L/66/": 9}
    assert add_up_paths(counts, units) == {1: 7, 2: 5, 3: 2}


def test_a_distinct_count_ignores_rows_whose_path_is_shorter_than_the_level():
    base = skeleton()
    province, commune = base.upper[2], base.communes[2]
    village = _village(commune, 1)
    person = people.person(_home(village, "H001"), "01", birth_year=1970)
    host = Organisation.objects.create(unit=province, name="Sở", kind=OrganisationKind.AGENCY)
    for unit, kwargs in ((village, {"village": village, "kind": BranchKind.VILLAGE}),
                         (province, {"organisation": host, "kind": BranchKind.AGENCY})):
        branch = Branch.objects.create(name=f"Chi hội {unit.pk}", committee=base.committee, unit=unit,
                                       **kwargs)
        Member.objects.create(branch=branch, year=2026, person=person)
    counted = count_distinct_under(Member.objects.all(), "branch__unit__path", "person",
                                   {province.path: province.pk, commune.path: commune.pk})
    # The province's member row has a path shorter than a commune's: not under the commune.
    assert counted == {province.pk: 1, commune.pk: 1}
