"""Benchmark of ``load_places``: the whole country on a fresh database, twice.

    DEMO=1 .venv/bin/python benchmarks/load_places.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyenhoc DEMO=1 \
        .venv/bin/python benchmarks/load_places.py

SQLite: a temporary file under var/, removed afterwards. Another database: a
throw-away test database (``test_<name>``) created and destroyed by Django, so
that the configured database is never touched. Prints the units per map, the
links, the seconds of each run and the peak resident memory of the process. A
third run, after every unit's coordinates and every link's date were spoilt,
measures a run that rewrites everything.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
os.environ.setdefault("DEMO", "1")


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


@contextmanager
def fresh_sqlite_file() -> Iterator[None]:
    var = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="bench-load-places-", suffix=".sqlite3", dir=var)
    os.close(handle)
    os.environ["DATABASE_URL"] = f"sqlite:///{name}"
    try:
        yield
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


@contextmanager
def fresh_database() -> Iterator[str]:
    """Migrate a new database and yield its description; drop it afterwards."""
    import django
    from django.core.management import call_command
    from django.db import connection

    if not os.environ.get("DATABASE_URL"):
        with fresh_sqlite_file():
            django.setup()
            call_command("migrate", verbosity=0, interactive=False)
            yield f"SQLite file {connection.settings_dict['NAME']}"
            connection.close()
        return
    django.setup()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield f"{connection.vendor} database {name} (throw-away)"
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def run(label: str) -> None:
    from apps.places.loading import load_places
    from apps.places.models import Unit, UnitLink

    started = time.perf_counter()
    result = load_places()
    seconds = time.perf_counter() - started
    print(f"\n{label}: {seconds:.2f} s, peak memory so far {peak_memory_mb():.0f} MB")
    for structure, counts in result.units.items():
        per_kind = {kind: counts.total(kind) for kind in ("province", "district", "commune")}
        print(f"  {structure:>6}: {per_kind} created {sum(counts.created.values())}, "
              f"updated {sum(counts.updated.values())}, unchanged {sum(counts.unchanged.values())}")
    links = result.links
    print(f"  links: merged {links.total('merged')}, divided {links.total('divided')}; "
          f"created {sum(links.created.values())}, updated {sum(links.updated.values())}, "
          f"unchanged {sum(links.unchanged.values())}")
    print(f"  unmatched: {len(result.unmatched)}; in the database: {Unit.objects.count()} units, "
          f"{UnitLink.objects.count()} links")


def main() -> None:
    print(f"Python {sys.version.split()[0]}, peak memory before Django {peak_memory_mb():.0f} MB")
    with fresh_database() as description:
        print(f"Database: {description}; peak memory after migrate {peak_memory_mb():.0f} MB")
        run("First run (empty database)")
        run("Second run (nothing to change)")
        import datetime as dt

        from apps.places.models import Unit, UnitLink

        Unit.objects.update(latitude=None, longitude=None)
        UnitLink.objects.update(effective_on=dt.date(2025, 1, 1))
        run("Third run (every unit and link to correct)")


if __name__ == "__main__":
    main()
