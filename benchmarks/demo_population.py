"""Benchmark of the demo's synthetic population (``manage.py demo --persons N``) on a scratch database.

    DEMO=1 .venv/bin/python benchmarks/demo_population.py [--persons 3300000] [--seed 2026]
    DEMO=1 .venv/bin/python benchmarks/demo_population.py --database-url postgres://postgres@127.0.0.1:5432/khuyenhoc

SQLite: a temporary file under var/bench/, removed afterwards. PostgreSQL: a
throw-away database (``test_<name>``) created and destroyed by Django, so that
the configured database is never touched. The places are the Krông Bông slice of
both maps (``apps.places.testing``), then the demo's villages and users. Prints
the persons, households and survey records written, the seconds, persons per
second and peak resident memory of the first run, and the seconds of a second
run with the same arguments (which must keep the population untouched).
"""

from __future__ import annotations

import argparse
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
# The recomputation task is enqueued on the database queue, never run here.
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend")


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


@contextmanager
def scratch_database(url: str | None) -> Iterator[str]:
    """Migrate a new database and yield its description; remove it afterwards."""
    if url:
        os.environ["DATABASE_URL"] = url
        import django
        from django.db import connection

        django.setup()
        # A name of its own: never the test suite's test_<name>, which a test run may be using.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_demo_population_{os.getpid()}"
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            yield f"{connection.vendor} database {name} (throw-away)"
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)
        return
    bench = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="demo-population-", suffix=".sqlite3", dir=bench)
    os.close(handle)
    os.environ["DATABASE_URL"] = f"sqlite:///{name}"
    try:
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield f"SQLite file {name}"
        connection.close()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="A PostgreSQL server to create the scratch database on; default SQLite.")
    options = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, peak memory before Django {peak_memory_mb():.0f} MB")
    with scratch_database(options.database_url) as description:
        from apps.core.demo import load_demo, load_population
        from apps.places.testing import build_krong_bong

        build_krong_bong()
        load_demo()
        print(f"Database: {description}; peak memory after migrate {peak_memory_mb():.0f} MB")
        started, cpu = time.perf_counter(), time.process_time()
        result = load_population(options.persons, options.seed)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = result.counts
        rows = counts.persons + counts.households + counts.surveys
        print(f"First run: {counts.persons:,} persons, {counts.households:,} households, "
              f"{counts.surveys:,} survey records in {seconds:.1f} s: {counts.persons / seconds:,.0f} "
              f"persons/s, {rows / seconds:,.0f} rows/s; {cpu:.1f} s of CPU in this process (the rest: "
              f"waiting for the database server or the disk, or for other processes); "
              f"peak memory {peak_memory_mb():.0f} MB")
        started = time.perf_counter()
        again = load_population(options.persons, options.seed)
        print(f"Second run (same arguments): {again.action} in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
