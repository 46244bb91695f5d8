"""Benchmark of ``import_people``: a synthetic file of a million people, imported twice.

    DEMO=1 .venv/bin/python benchmarks/import_people.py [--rows N]
    DEMO=1 .venv/bin/python benchmarks/import_people.py \
        --database-url postgres://postgres@127.0.0.1:5432/khuyenhoc

The file (var/bench/people-<N>.csv) is generated here: households of about four
people spread over the villages of the five Krông Bông communes of the 2025 map
(loaded with ``load_places --province 66``), survey year 2025. The database is a
scratch one: a temporary SQLite file under var/bench/, or a PostgreSQL database
created on the server of --database-url and dropped afterwards; the developer's
database is never touched.

Prints the rows, the seconds and rows/s of a first import (everything created,
villages included) and of a second one (nothing to change), and the peak
resident memory of the process (targets: ≥ 20,000 rows/s, ≤ 1 GB).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
os.environ.setdefault("DEMO", "1")

BENCH_DIR = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "bench"
YEAR = 2025
COMMUNES = ["24448", "24454", "24478", "24481", "24484"]  # Krông Bông's communes on the 2025 map
VILLAGES_PER_COMMUNE = 20
TARGET_ROWS_PER_SECOND = 20_000
TARGET_PEAK_MB = 1024

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Êban", "Niê", "Adrơng", "Mlô"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hoa", "Lan", "Mai", "Nam", "Phúc", "Thảo", "Trang", "Hùng", "Kông"]
ETHNICITIES = ["Kinh", "Kinh", "Kinh", "Ê Đê", "M'Nông", "Tày", "Nùng"]
COLUMNS = ["commune_code", "village", "household_code", "person_code", "full_name", "relation", "sex",
           "birth_date", "ethnicity", "disability", "status", "enrolled_level", "enrolled_grade",
           "preschool_completed", "primary_completed_year", "lower_secondary_graduated_year",
           "highest_grade_completed", "literacy_stage_completed", "clan", "national_id"]


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def cpu_seconds() -> float:
    """CPU time of this process (the database server's is not included for PostgreSQL)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _schooling(rng: random.Random, birth_year: int) -> list[str]:
    """enrolled_level, enrolled_grade, preschool, primary year, lower-secondary year, highest grade."""
    age = YEAR - birth_year
    preschool = "có" if age >= 6 else ""
    if age < 3:
        return ["", "", "", "", "", "0"]
    if age < 6:
        return ["mầm non", "", "", "", "", "0"]
    if age <= 10:
        grade = age - 5
        return ["tiểu học", str(grade), preschool, "", "", str(grade - 1)]
    if age <= 14:
        grade = age - 5
        return ["THCS", str(grade), preschool, str(birth_year + 11), "", str(grade - 1)]
    if age <= 17:
        grade = age - 5
        return ["THPT", str(grade), preschool, str(birth_year + 11), str(birth_year + 15), str(grade - 1)]
    highest = rng.choice(["5", "9", "9", "12", "12"])
    primary = str(birth_year + 11)
    lower = str(birth_year + 15) if highest in ("9", "12") else ""
    return ["", "", preschool, primary, lower, highest]


def generate(path: Path, rows: int, seed: int = 2025) -> None:
    """Households of 1–7 people (about 4), each with a head, over the communes' villages."""
    rng = random.Random(seed)
    written = 0
    household = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        while written < rows:
            household += 1
            commune = COMMUNES[household % len(COMMUNES)]
            village = f"Thôn {rng.randint(1, VILLAGES_PER_COMMUNE)}"
            surname = rng.choice(SURNAMES)
            ethnicity = rng.choice(ETHNICITIES)
            size = min(rng.choice([1, 2, 3, 4, 4, 5, 5, 6, 7]), rows - written)
            head_year = rng.randint(1945, 2000)
            for member in range(1, size + 1):
                birth_year = head_year if member == 1 else rng.randint(head_year + 18, YEAR - 1) \
                    if member > 2 else rng.randint(head_year - 5, head_year + 5)
                birth_year = min(birth_year, YEAR - 1)
                birth = (f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{birth_year}"
                         if rng.random() < 0.9 else str(birth_year))
                relation = "chủ hộ" if member == 1 else ("vợ" if member == 2 else "con")
                level, grade, preschool, primary, lower, highest = _schooling(rng, birth_year)
                writer.writerow([
                    commune, village, f"H{household:07d}", f"{member:02d}",
                    f"{surname} {rng.choice(GIVEN)} {rng.choice(GIVEN)}", relation, rng.choice(["Nam", "Nữ"]),
                    birth, ethnicity, "", "", level, grade, preschool, primary, lower, highest,
                    "2" if highest == "0" and YEAR - birth_year > 15 else "", surname,
                    f"066{rng.randrange(10**9):09d}" if rng.random() < 0.5 else "",
                ])
            written += size


@contextmanager
def scratch_database(url: str | None) -> Iterator[str]:
    """Point DATABASE_URL at a new empty database; remove it afterwards."""
    if not url or url.startswith("sqlite"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        name = BENCH_DIR / f"import-people-{uuid.uuid4().hex[:8]}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{name}"
        try:
            yield f"SQLite file {name}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parsed = urlparse(url)
    # Named after the database of the URL (kh_bench_import → kh_bench_import_1a2b3c4d): never that one.
    scratch = f"{parsed.path.lstrip('/') or 'bench_import_people'}_{uuid.uuid4().hex[:8]}"
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{scratch}"))
    try:
        yield f"PostgreSQL database {scratch} (scratch)"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def timed_import(label: str, path: Path, rows: int, **options) -> float:
    from apps.people.importing import import_people

    started, cpu = time.perf_counter(), cpu_seconds()
    result = import_people(path, year=YEAR, **options)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if not result.ok:
        for error in result.errors[:20]:
            print("  ", error.bilingual())
        raise SystemExit(f"{label}: the import refused the file ({result.error_count} errors)")
    rate = result.rows / seconds
    counts = result.counts
    print(f"\n{label}: {result.rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s "
          f"(CPU of this process {cpu:.1f} s); peak memory so far {peak_memory_mb():.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  households {counts.households_created:,} created, {counts.households_updated:,} updated; "
          f"persons {counts.persons_created:,} created, {counts.persons_updated:,} updated, "
          f"{counts.persons_unchanged:,} unchanged; survey records {counts.surveys_created:,} created, "
          f"{counts.surveys_unchanged:,} unchanged; villages {counts.villages_created}, "
          f"clans {counts.clans_created}; warnings {len(result.warnings)}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="postgres://… to run on a scratch PostgreSQL database; SQLite otherwise.")
    parser.add_argument("--keep-file", action="store_true", help="Keep the generated CSV file.")
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"people-{args.rows}.csv"
    started = time.perf_counter()
    generate(path, args.rows)
    print(f"Generated {path} ({path.stat().st_size / 2**20:.0f} MB, {args.rows:,} rows) in "
          f"{time.perf_counter() - started:.1f} s; peak memory {peak_memory_mb():.0f} MB")
    try:
        with scratch_database(args.database_url) as description:
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0, interactive=False)
            with open(os.devnull, "w") as quiet:
                call_command("load_places", "--province", "66", verbosity=0, stdout=quiet)
            from apps.places.models import Unit
            from apps.places.services import resolve, survey_date

            names = [resolve(code, survey_date(YEAR)).name for code in COMMUNES]
            print(f"Database: {description}; {Unit.objects.count():,} units; communes: {', '.join(names)}; "
                  f"peak memory after setup {peak_memory_mb():.0f} MB")
            first = timed_import("First import (everything new)", path, args.rows, create_villages=True)
            second = timed_import("Second import (nothing to change)", path, args.rows)
    finally:
        if not args.keep_file:
            path.unlink(missing_ok=True)
    peak = peak_memory_mb()
    print(f"\nPeak RSS {peak:.0f} MB (target ≤ {TARGET_PEAK_MB} MB); slowest run "
          f"{min(first, second):,.0f} rows/s (target ≥ {TARGET_ROWS_PER_SECOND:,})")
    if min(first, second) < TARGET_ROWS_PER_SECOND or peak > TARGET_PEAK_MB:
        print("TARGET MISSED")


if __name__ == "__main__":
    main()
