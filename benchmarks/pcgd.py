"""Benchmark of the PCGD–XMC engine: ``compute_year`` over 1,000,000 persons, against DuckDB.

    DEMO=1 .venv/bin/python benchmarks/pcgd.py                       # SQLite, var/bench/pcgd.sqlite3
    DEMO=1 .venv/bin/python benchmarks/pcgd.py --database-url postgres://postgres@127.0.0.1:5432/khuyenhoc
    options: --persons N (default 1000000), --year Y (2026), --runs R (3), --rebuild, --keep

The scratch database is never the developer's: SQLite uses ``var/bench/pcgd.sqlite3``
(kept and reused while it holds the same number of persons; ``--rebuild`` makes it
anew); PostgreSQL uses a database ``<name>_bench_pcgd`` next to the one in the URL,
created by the script and dropped at the end (``--keep`` keeps it for the next run).

It loads the 2025 province of Đắk Lắk (``load_places --province 66``), fills the five
Krông Bông communes of 2025 with households, persons and their survey records of
the year (plausible ages, enrolment and completions; raw bulk inserts), flags one
commune ĐBKK, then times ``compute_year`` for all communes with their groupings,
the aggregate query alone, and the same aggregate SQL run by DuckDB over the same
rows copied into an in-memory DuckDB database (only the query is timed). Prints
the dataset size, seconds, rows per second and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
os.environ.setdefault("DEMO", "1")

from scratch import best_of, peak_memory_mb, use_scratch_database  # noqa: E402 (beside this script)

COMMUNES = ["24448", "24454", "24478", "24481", "24484"]  # the five 2025 communes of Krông Bông
SPECIAL = "24484"  # flagged ĐBKK in the benchmark year (Xã Yang Mao)
ETHNICITIES = [("01", 55), ("12", 30), ("20", 6), ("02", 3), ("07", 3), ("09", 2), ("08", 1)]
BATCH = 50_000


# ----------------------------------------------------------------------------- generator


def _school(age: int, year: int, rng: random.Random) -> dict:
    """Plausible survey fields for a person of ``age`` in ``year`` (Krông Bông-like rates)."""
    fields = {"enrolled_level": "", "enrolled_grade": None, "preschool_completed": False,
              "primary_completed_year": None, "lower_secondary_graduated_year": None,
              "highest_grade_completed": None, "literacy_stage_completed": None}
    draw = rng.random()
    if 3 <= age <= 5:
        fields["enrolled_level"] = "preschool" if draw < 0.97 else ""
    elif 6 <= age <= 14:
        fields["preschool_completed"] = age == 6 and draw < 0.93
        grade = age - 5
        if age >= 11 and draw < 0.9:
            fields["primary_completed_year"] = year - (age - 10)
            fields["highest_grade_completed"] = min(grade - 1, 9)
            if grade <= 9:
                fields.update(enrolled_level="lower_secondary", enrolled_grade=grade)
        elif draw < 0.98:
            grade = min(grade, 5)
            fields.update(enrolled_level="primary", enrolled_grade=grade,
                          highest_grade_completed=grade - 1 if grade > 1 else None)
    elif 15 <= age <= 18:
        fields.update(primary_completed_year=year - (age - 10), highest_grade_completed=min(age - 6, 12))
        if draw < 0.88:
            fields["lower_secondary_graduated_year"] = year - (age - 14)
            study = rng.random()
            if study < 0.68:
                fields.update(enrolled_level="upper_secondary", enrolled_grade=min(age - 5, 12))
            elif study < 0.76:
                fields.update(enrolled_level="continuing_upper", enrolled_grade=min(age - 5, 12))
            elif study < 0.84:
                fields["enrolled_level"] = "vocational"
        else:
            fields["highest_grade_completed"] = rng.randint(3, 8)
            fields["primary_completed_year"] = None if fields["highest_grade_completed"] < 5 else year - 5
    elif age > 18:
        grade = rng.choices([0, 2, 4, 5, 7, 9, 12], [3, 2, 4, 15, 16, 30, 30])[0]
        fields["highest_grade_completed"] = grade
        if grade >= 5:
            fields["primary_completed_year"] = year - age + 11
        if grade >= 9:
            fields["lower_secondary_graduated_year"] = year - age + 15
        if grade < 3 and draw < 0.4:
            fields["literacy_stage_completed"] = 1 if draw < 0.25 else 2
    return fields


def generate(persons: int, year: int) -> None:
    """Households, persons and survey records of the five communes, in raw bulk inserts.

    Table and column names in the SQL below come from the models' metadata, never from input.
    """
    from django.db import connection, transaction

    from apps.people.models import Household, Person, SurveyRecord
    from apps.places.models import CommuneFlag, Unit, UnitKind
    from apps.places.services import create_village, resolve, survey_date

    rng = random.Random(20260930)
    on = survey_date(year)
    communes = [resolve(code, on) for code in COMMUNES]
    villages = {}
    for commune in communes:
        existing = list(Unit.objects.filter(parent=commune, kind=UnitKind.VILLAGE))
        villages[commune.pk] = existing or [create_village(commune, f"Thôn {n}") for n in range(1, 13)]
    CommuneFlag.objects.update_or_create(unit=communes[COMMUNES.index(SPECIAL)], year=year,
                                         defaults={"special_difficulty": True})
    now = dt.datetime.now(dt.UTC)
    tables = {model: [field.column for field in model._meta.concrete_fields]
              for model in (Household, Person, SurveyRecord)}
    ages = list(range(0, 91))
    age_weights = [1.6 if age < 20 else 1.5 if age < 50 else 1.0 if age < 65 else 0.4 for age in ages]
    codes, weights = zip(*ETHNICITIES, strict=True)
    person_id = household_id = record_id = 0
    households, people, records = [], [], []

    def flush() -> None:
        for model, rows in ((Household, households), (Person, people), (SurveyRecord, records)):
            if not rows:
                continue
            columns = tables[model]
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f'COPY {model._meta.db_table} ({", ".join(columns)}) FROM STDIN'
                                            ) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    names = ", ".join(columns)
                    insert = f"INSERT INTO {model._meta.db_table} ({names}) VALUES ({marks})"  # noqa: S608
                    cursor.executemany(insert, rows)
            rows.clear()

    def row(model, **values) -> tuple:
        base = {"created_at": now, "updated_at": now, "created_by_id": None, "updated_by_id": None,
                "is_demo": False}
        return tuple({**base, **values}[column] for column in tables[model])

    started = time.perf_counter()
    with transaction.atomic():
        while person_id < persons:
            commune = communes[household_id % len(communes)]
            village = rng.choice(villages[commune.pk])
            household_id += 1
            households.append(row(Household, id=household_id, commune_id=commune.pk, village_id=village.pk,
                                  code=f"H{household_id:07d}", address=""))
            ethnicity = rng.choices(codes, weights)[0]
            for member in range(min(rng.choice([1, 2, 3, 4, 4, 5, 5, 6, 7]), persons - person_id)):
                person_id += 1
                record_id += 1
                age = rng.choices(ages, age_weights)[0]
                draw = rng.random()
                # The person's facts, also copied onto the survey record (COPIED_FROM_PERSON).
                sex = "M" if rng.random() < 0.5 else "F"
                disability = "cannot_learn" if draw < 0.004 else "can_learn" if draw < 0.012 else ""
                copied = {"sex": sex, "birth_year": year - age, "ethnicity": ethnicity,
                          "disability": disability}
                people.append(row(
                    Person, id=person_id, household_id=household_id, commune_id=commune.pk,
                    village_id=village.pk, code=f"{member + 1:02d}", full_name="Nguyễn Văn A",
                    name_key="nguyễn văn a", relation="head" if member == 0 else "other", birth_date=None,
                    clan_id=None, national_id="", **copied,
                ))
                status = "present" if draw < 0.95 else "moved_away" if draw < 0.98 else "deceased"
                records.append(row(SurveyRecord, id=record_id, person_id=person_id, year=year,
                                   commune_id=commune.pk, status=status, **copied, **_school(age, year, rng)))
            if len(people) >= BATCH:
                flush()
                print(f"  {person_id:,} persons…", end="\r", flush=True)
        flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Household, Person, SurveyRecord):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                               f"(SELECT MAX(id) FROM {table}))")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(f"Generated {persons:,} persons in {household_id:,} households with their survey records of "
          f"{year} in {seconds:.1f} s ({persons / seconds:,.0f} persons/s)")


def prepare(persons: int, year: int, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from apps.people.models import Household, Person, SurveyRecord
    from apps.places.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    if not Unit.objects.filter(code="24454", structure="2025").exists():
        started = time.perf_counter()
        call_command("load_places", province="66", stdout=open(os.devnull, "w"))
        print(f"Loaded the map of province 66 in {time.perf_counter() - started:.1f} s")
    if not rebuild and SurveyRecord.objects.filter(year=year).count() == persons == Person.objects.count():
        print(f"Reusing the {persons:,} persons already in the scratch database")
        return
    with connection.cursor() as cursor:  # raw: the ORM would fetch a million ids to delete them
        for model in (SurveyRecord, Person, Household):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 (names from the models)
    generate(persons, year)


# ----------------------------------------------------------------------------- timing


def duckdb_tables(persons: int):
    """An in-memory DuckDB with the same two tables (the columns the query reads)."""
    import duckdb
    import numpy as np
    from django.db import connection

    database = duckdb.connect()
    for table, columns in (
        ("people_person", ["id", "sex", "ethnicity", "birth_year", "disability"]),
        ("people_surveyrecord", ["id", "person_id", "year", "commune_id", "status", "enrolled_level",
                                 "preschool_completed", "primary_completed_year",
                                 "lower_secondary_graduated_year", "highest_grade_completed",
                                 "literacy_stage_completed", "sex", "ethnicity", "birth_year", "disability"]),
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608 (fixed names)
            rows = cursor.fetchall()
        arrays = {column: np.array([row[index] for row in rows], dtype=object)
                  for index, column in enumerate(columns)}
        database.register("source", arrays)
        database.execute(f"CREATE TABLE {table} AS SELECT * FROM source")  # noqa: S608 (fixed names)
        database.unregister("source")
        del rows, arrays
    return database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL; its server gets a scratch database")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="generate the registry anew")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL scratch database")
    args = parser.parse_args()

    drop = use_scratch_database(args.database_url, keep=args.keep, name="pcgd")
    import django

    django.setup()
    from django.db import connection

    from apps.universal.engine import compute_year
    from apps.universal.engine.counting import counts_queryset, grouped_counts
    from apps.universal.rules import rule_set_for

    try:
        print(f"Python {sys.version.split()[0]}, database {connection.vendor} "
              f"{connection.settings_dict['NAME']}")
        prepare(args.persons, args.year, args.rebuild)
        rule_set = rule_set_for(args.year)

        first, best, result = best_of(args.runs, lambda: compute_year(args.year))
        print(f"\ncompute_year({args.year}) on {connection.vendor}: {len(result.communes)} communes, "
              f"{len(result.groupings)} groupings; first {first:.2f} s, best of {args.runs} {best:.2f} s "
              f"({args.persons / best:,.0f} persons/s); peak memory {peak_memory_mb():.0f} MB")
        for commune in result.communes:
            print(f"  {commune.unit.code} {commune.unit.name:<16} ĐBKK={commune.special_difficulty!s:<5} "
                  f"levels {commune.levels} unmet {len(commune.unmet)}")
        for grouping in result.groupings:
            print(f"  {grouping.kind} {grouping.unit.code} {grouping.unit.name}: "
                  f"{grouping.communes} communes, levels {grouping.levels}")
        _, query_best, rows = best_of(args.runs, lambda: grouped_counts(rule_set, args.year))
        print(f"  the aggregate query alone: best {query_best:.2f} s, "
              f"{sum(len(group) for group in rows.values())} grouped rows")

        queryset, _columns = counts_queryset(rule_set, args.year)
        sql, params = queryset.query.sql_with_params()
        started = time.perf_counter()
        database = duckdb_tables(args.persons)
        print(f"\nCopied the rows into DuckDB in {time.perf_counter() - started:.1f} s (not timed below)")
        duck_sql = sql.replace("%s", "?")
        duck_first, duck_best, duck_rows = best_of(
            args.runs, lambda: database.execute(duck_sql, list(params)).fetchall())
        ours = sorted(tuple(row.values()) for row in queryset)
        same = sorted(tuple(row) for row in duck_rows) == ours
        print(f"DuckDB {__import__('duckdb').__version__}, the same aggregate SQL: first {duck_first:.3f} s, "
              f"best {duck_best:.3f} s; same counts as ours: {same}")
        print(f"\nRatio compute_year / DuckDB query: {best / duck_best:.1f}×; aggregate query / DuckDB: "
              f"{query_best / duck_best:.1f}×. Targets: ≤ 5 s and ≤ 5×.")
        print(f"Peak memory {peak_memory_mb():.0f} MB")
    finally:
        connection.close()
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
