"""Benchmark of the association's metrics: set-wise (now) against the correlated formulas (before).

    DEMO=1 .venv/bin/python benchmarks/association_metrics.py                    # SQLite
    DEMO=1 .venv/bin/python benchmarks/association_metrics.py --database-url postgres://postgres@host:5432/kh
    options: --communes N (2000), --villages V per commune (10), --members M (200000), --runs R (3),
             --reference-limit S (seconds before a reference formula is stopped, 600), --rebuild, --keep

The scratch database is never the developer's: SQLite uses ``var/bench/association.sqlite3``
(kept and reused while it holds the same dataset; ``--rebuild`` makes it anew); PostgreSQL
uses a database ``<name>_bench_association`` next to the one in the URL, created by the
script and dropped at the end (``--keep`` keeps it).

The dataset is synthetic, on the 2025 map: one province per 100 communes, ``V`` villages per
commune (5 % of them out of force at the end of the year), a village branch in 85 % of the
villages (5 % of those dissolved during the year), a school branch in every commune and an
agency branch in every province; persons in households of the villages with their survey
record of the year; members: persons in their village's branch, some of them also in their
commune's school branch (counted once above the village), name-only members, and reported
numbers for a tenth of the branches without a list. Then each metric is timed as computed
now (``apps.association.metrics``) and by the correlated formulas it replaced (the reference
kept in ``apps/association/tests/test_metrics_rollup.py``), and the two results compared.
A reference run longer than ``--reference-limit`` is stopped (SQLite: interrupted;
PostgreSQL: ``statement_timeout``) and printed as "> S s".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
os.environ.setdefault("DEMO", "1")

from scratch import best_of, peak_memory_mb, use_scratch_database  # noqa: E402 (beside this script)

YEAR = 2026
BATCH = 5_000


# ----------------------------------------------------------------------------- generator


def generate(communes: int, villages_per_commune: int, members: int) -> None:
    """Units, organisations, branches, households, persons, survey records and members (bulk inserts)."""
    from django.db import connection, transaction

    from apps.association.models import Branch, BranchKind, Member, ReportedCount
    from apps.organisations.models import Organisation, OrganisationKind
    from apps.people.models import Household, Person, SurveyRecord
    from apps.places.models import REFORM_DATE, Structure, Unit, UnitKind

    rng = random.Random(20261231)
    started = time.perf_counter()
    new = {"structure": Structure.REFORM_2025, "valid_from": REFORM_DATE}

    def unit(code: str, kind: str, parent: Unit | None, **extra) -> Unit:
        path = f"{parent.path}{code}/" if parent else f"/N/{code}/"
        return Unit(code=code, name=f"{kind} {code}", name_key=f"{kind} {code}", kind=kind,
                    division_type=kind, parent=parent, path=path, **{**new, **extra})

    with transaction.atomic():
        provinces = Unit.objects.bulk_create(
            [unit(f"{number:02d}", UnitKind.PROVINCE, None) for number in range(1, communes // 100 + 2)])
        commune_units = Unit.objects.bulk_create(
            [unit(f"{20000 + number:05d}", UnitKind.COMMUNE, provinces[number % len(provinces)])
             for number in range(communes)], batch_size=BATCH)
        village_units = Unit.objects.bulk_create(
            [unit(f"{commune.code}-{number:03d}", UnitKind.VILLAGE, commune,
                  **({"valid_to": dt.date(YEAR, 6, 30)} if rng.random() < 0.05 else {}))
             for commune in commune_units for number in range(1, villages_per_commune + 1)],
            batch_size=BATCH)
        committees = {province.pk: Organisation(unit=province, name="Hội Khuyến học",
                                                kind=OrganisationKind.ASSOCIATION) for province in provinces}
        Organisation.objects.bulk_create(committees.values())
        schools = Organisation.objects.bulk_create(
            [Organisation(unit=commune, name="Trường", kind=OrganisationKind.SCHOOL)
             for commune in commune_units], batch_size=BATCH)
        agencies = Organisation.objects.bulk_create(
            [Organisation(unit=province, name="Sở", kind=OrganisationKind.AGENCY) for province in provinces])
        province_of = {commune.pk: commune.parent_id for commune in commune_units}

        def dissolved() -> dt.date | None:
            return dt.date(YEAR, 9, 1) if rng.random() < 0.05 else None

        village_branches = Branch.objects.bulk_create(
            [Branch(name=f"Chi hội {village.code}", committee=committees[province_of[village.parent_id]],
                    kind=BranchKind.VILLAGE, village=village, unit=village, founded_on=dt.date(2015, 1, 1),
                    dissolved_on=dissolved())
             for village in village_units if rng.random() < 0.85], batch_size=BATCH)
        school_branches = Branch.objects.bulk_create(
            [Branch(name="Ban khuyến học", committee=committees[province_of[school.unit_id]],
                    kind=BranchKind.SCHOOL, organisation=school, unit_id=school.unit_id)
             for school in schools], batch_size=BATCH)
        Branch.objects.bulk_create(
            [Branch(name="Ban khuyến học", committee=committees[agency.unit_id], kind=BranchKind.AGENCY,
                    organisation=agency, unit_id=agency.unit_id) for agency in agencies])
        school_of = {branch.unit_id: branch for branch in school_branches}

        # Members: 80 % persons of the village (a tenth of them also in their commune's school
        # branch), the rest by name only; a tenth of the branches left without a list report a number.
        listed = village_branches[: int(len(village_branches) * 0.9)]
        named_persons = int(members * 0.8 / 1.1)
        per_branch = max(1, named_persons // len(listed))
        households, persons, records, rows = [], [], [], []
        person_id = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        household_id = Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for branch in listed:
            village = branch.village
            for number in range(per_branch):
                if number % 4 == 0:
                    household_id += 1
                    households.append(Household(id=household_id, commune_id=village.parent_id,
                                                village=village, code=f"H{household_id:07d}"))
                person_id += 1
                persons.append(Person(id=person_id, household_id=household_id, commune_id=village.parent_id,
                                      village=village, code=f"{number % 4 + 1:02d}", full_name="Nguyễn Văn A",
                                      name_key="nguyễn văn a", sex="M", birth_year=1970 + number % 40,
                                      ethnicity="01"))
                records.append(SurveyRecord(person_id=person_id, year=YEAR, commune_id=village.parent_id,
                                            status="present" if rng.random() < 0.95 else "moved_away",
                                            sex="M", birth_year=1970 + number % 40, ethnicity="01"))
                rows.append(Member(branch=branch, year=YEAR, person_id=person_id))
                if rng.random() < 0.1:
                    rows.append(Member(branch=school_of[village.parent_id], year=YEAR, person_id=person_id))
        while len(rows) < members:
            branch = rng.choice(listed)
            rows.append(Member(branch=branch, year=YEAR, full_name=f"Tên {len(rows)}",
                               name_key=f"tên {len(rows)}"))
        for model, objects in ((Household, households), (Person, persons), (SurveyRecord, records),
                               (Member, rows)):
            model.objects.bulk_create(objects, batch_size=BATCH)
        ReportedCount.objects.bulk_create(
            [ReportedCount(branch=branch, year=YEAR, count=rng.randint(5, 60))
             for branch in village_branches[len(listed):]], batch_size=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Household, Person):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                               f"(SELECT MAX(id) FROM {table}))")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Generated {len(commune_units):,} communes, {len(village_units):,} villages, "
          f"{Branch.objects.count():,} branches, {len(persons):,} persons, {len(rows):,} members "
          f"in {time.perf_counter() - started:.1f} s")


def prepare(communes: int, villages: int, members: int, rebuild: bool) -> None:
    from django.core.management import call_command

    from apps.association.models import Member
    from apps.places.models import Unit, UnitKind

    call_command("migrate", verbosity=0, interactive=False)
    same = (Unit.objects.filter(kind=UnitKind.COMMUNE).count() == communes
            and Unit.objects.filter(kind=UnitKind.VILLAGE).count() == communes * villages
            and Member.objects.count() == members)
    if same and not rebuild:
        print("Reusing the dataset already in the scratch database")
        return
    if Unit.objects.exists():
        raise SystemExit("The scratch database holds another dataset: run with --rebuild on a new file "
                         "(delete var/bench/association.sqlite3) or another database.")
    generate(communes, villages, members)


# ----------------------------------------------------------------------------- timing


def limited(seconds: float, work: Callable[[], object]) -> tuple[float | None, object]:
    """(seconds, result) of ``work``, or (None, None) when it ran longer than ``seconds``."""
    from django.db import OperationalError, connection
    from django.db.utils import DatabaseError

    connection.ensure_connection()
    timer = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
    else:
        raw = connection.connection
        timer = threading.Timer(seconds, raw.interrupt)
        timer.start()
    started = time.perf_counter()
    try:
        result = work()
    except (OperationalError, DatabaseError):
        return None, None
    finally:
        if timer is not None:
            timer.cancel()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL; its server gets a scratch database")
    parser.add_argument("--communes", type=int, default=2000)
    parser.add_argument("--villages", type=int, default=10)
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reference-limit", type=float, default=600)
    parser.add_argument("--rebuild", action="store_true", help="generate the dataset anew")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL scratch database")
    args = parser.parse_args()

    drop = use_scratch_database(args.database_url, keep=args.keep, name="association", fresh=args.rebuild)
    import django

    django.setup()
    from django.db import connection

    from apps.association import metrics
    from apps.association.tests.test_metrics_rollup import Reference

    pairs = [
        ("village_branch_share", metrics.village_branch_share, Reference.village_branch_share),
        ("member_share", metrics.member_share, Reference.member_share),
        ("organisation_branches", metrics.organisation_branches, Reference.organisation_branches),
    ]
    try:
        print(f"Python {sys.version.split()[0]}, database {connection.vendor} "
              f"{connection.settings_dict['NAME']}")
        prepare(args.communes, args.villages, args.members, args.rebuild)
        for name, new, old in pairs:
            first, best, result = best_of(args.runs, lambda new=new: new(str(YEAR)))
            seconds, expected = limited(args.reference_limit, lambda old=old: old(YEAR))
            before = (f"{seconds:.2f} s" if seconds is not None
                      else f"> {args.reference_limit:.0f} s (stopped)")
            same = "not compared" if expected is None else f"same values: {result == expected}"
            print(f"{name:<22} now: first {first:.2f} s, best of {args.runs} {best:.2f} s, "
                  f"{len(result):,} units; before (correlated): {before}; {same}")
        print(f"Peak memory {peak_memory_mb():.0f} MB")
    finally:
        connection.close()
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
