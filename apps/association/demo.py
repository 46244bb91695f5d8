"""Demo data of the association: branches in Krông Bông's villages and organisations, members.

Illustrative, flagged ``is_demo``: in Xã Dang Kang twelve of its fifteen villages
have a branch (three are left without one, so that the coverage figure has
something to say), the commune's health station and learning centre have a
"ban khuyến học"; some branches list members drawn from the synthetic
population (some persons belong to two branches, counted once), the others
report a number. The other communes get branches in half their villages with
reported numbers. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef

from apps.accounts.audit import audit_context, record_command
from apps.association.models import (
    KIND_OF_ORGANISATION,
    Branch,
    BranchKind,
    Member,
    MemberConsent,
    ReportedCount,
    required_purposes,
)
from apps.metrics.services import data_changed
from apps.organisations.models import Organisation, OrganisationKind
from apps.people.models import Person, Status, SurveyRecord
from apps.places.models import Structure, Unit, UnitKind

YEARS = (2025, 2026)
DANG_KANG = "24454"
OTHER_COMMUNES = ("24448", "24481", "24484", "24478")
UNCOVERED = 3  # Dang Kang villages left without a branch
LISTED_BRANCHES = 5  # Dang Kang village branches that list their members by name
MEMBERS_PER_LIST = 12
HOSTS = (OrganisationKind.HOSPITAL, OrganisationKind.LEARNING_CENTRE)


def _commune(code: str) -> Unit | None:
    return Unit.objects.filter(structure=Structure.REFORM_2025, kind=UnitKind.COMMUNE, code=code).first()


def _committee(commune: Unit) -> Organisation | None:
    return Organisation.objects.filter(unit=commune, kind=OrganisationKind.ASSOCIATION).first()


def _branch(committee: Organisation, *, village: Unit | None = None,
            organisation: Organisation | None = None, founded: dt.date) -> tuple[Branch, bool]:
    lookup = {"village": village} if village is not None else {"organisation": organisation}
    existing = Branch.objects.filter(**lookup, dissolved_on__isnull=True).first()
    if existing is not None:
        return existing, False
    if village is not None:
        name, kind, unit = f"Chi hội khuyến học {village.name}", BranchKind.VILLAGE, village
    else:
        name = f"Ban khuyến học {organisation.name}"
        kind, unit = KIND_OF_ORGANISATION.get(organisation.kind, BranchKind.OTHER), organisation.unit
    branch = Branch.objects.create(name=name, kind=kind, village=village, organisation=organisation,
                                   unit=unit, committee=committee, founded_on=founded, is_demo=True)
    return branch, True


def _adults(village: Unit, year: int, limit: int) -> list[int]:
    """Ids of adults present in the village in ``year``'s survey (one query)."""
    present = SurveyRecord.objects.filter(person=OuterRef("pk"), year=year, status=Status.PRESENT)
    return list(Person.objects.filter(village=village, is_demo=True, birth_year__lte=year - 18)
                .filter(Exists(present)).order_by("pk").values_list("pk", flat=True)[:limit])


def _reported(branch: Branch, base: int) -> int:
    created = 0
    for offset, year in enumerate(YEARS):
        if branch.members.filter(year=year).exists():
            continue
        _count, made = ReportedCount.objects.get_or_create(
            branch=branch, year=year, defaults={"count": base + 3 * offset, "is_demo": True})
        created += made
    return created


def _listed(branch: Branch, persons: list[int]) -> list[Member]:
    rows = []
    for year in YEARS:
        if branch.members.filter(year=year).exists() or branch.reported_counts.filter(year=year).exists():
            continue
        # The second year keeps most of the first year's members and adds a few.
        chosen = persons[: len(persons) - 2] if year == YEARS[0] else persons
        rows += [Member(branch=branch, year=year, person_id=pk, is_demo=True) for pk in chosen]
    return rows


@transaction.atomic
def load() -> list[str]:
    with audit_context(actor="demo", source="manage.py demo"):
        dang_kang = _commune(DANG_KANG)
        committee = _committee(dang_kang) if dang_kang else None
        if committee is None:
            return ["association: the Dang Kang committee is missing; run the demo's places first."]
        branches = 0
        members: list[Member] = []
        counts = 0
        villages = list(dang_kang.children.filter(kind=UnitKind.VILLAGE).order_by("code"))
        village_branches = []
        for number, village in enumerate(villages[: max(len(villages) - UNCOVERED, 0)]):
            branch, made = _branch(committee, village=village, founded=dt.date(2010 + number % 8, 10, 2))
            branches += made
            village_branches.append(branch)
        for host_kind in HOSTS:
            host = Organisation.objects.filter(unit=dang_kang, kind=host_kind, active=True).first()
            if host is None:
                continue
            branch, made = _branch(committee, organisation=host, founded=dt.date(2016, 9, 5))
            branches += made
            # Staff who also belong to their village's branch: counted once in the totals.
            staff = _adults(village_branches[0].unit, YEARS[-1], 3) if village_branches else []
            staff += _adults(village_branches[1].unit, YEARS[-1], 3) if len(village_branches) > 1 else []
            members += _listed(branch, staff)
        for number, branch in enumerate(village_branches):
            if number < LISTED_BRANCHES:
                members += _listed(branch, _adults(branch.unit, YEARS[-1], MEMBERS_PER_LIST))
            else:
                counts += _reported(branch, 20 + 5 * number)
        for code in OTHER_COMMUNES:
            commune = _commune(code)
            other = _committee(commune) if commune else None
            if other is None:
                continue
            for number, village in enumerate(commune.children.filter(kind=UnitKind.VILLAGE).order_by("code")):
                if number % 2:
                    continue
                branch, made = _branch(other, village=village, founded=dt.date(2012, 10, 2))
                branches += made
                counts += _reported(branch, 25 + number)
        Member.objects.bulk_create(members, batch_size=1000)
        # Every demo member consented to both purposes on a (made-up) signed form.
        MemberConsent.objects.bulk_create([
            MemberConsent(member=member, purpose=purpose, given_on=dt.date(member.year, 1, 15),
                          evidence="Phiếu đồng ý có chữ ký (minh hoạ)", is_demo=True)
            for member in members for purpose in required_purposes(member.person_id is not None)
        ], batch_size=1000)
        if members:
            record_command("manage.py demo: association members", unit_path=dang_kang.path,
                           details={"members": len(members)})
            data_changed("association.Member", YEARS)
    return [f"association: {branches} branches, {len(members)} named members, "
            f"{counts} reported numbers added."]
