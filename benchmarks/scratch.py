"""What the benchmark scripts share: peak memory, a scratch PostgreSQL database, timing runs."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def scratch_postgres(url: str, keep: bool, suffix: str) -> tuple[str, Callable[[], None]]:
    """Create (unless it exists) ``<name of url's database>_<suffix>``; return its URL and the dropper.

    Named after the database of the URL and never that one: the developer's data is not touched.
    """
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        if keep:
            print(f"Kept the scratch database {name}.")
            return
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"Dropped the scratch database {name}.")

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, float, object]:
    """(first run, best run) in seconds, and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def use_scratch_database(url: str | None, *, keep: bool, name: str, fresh: bool = False
                         ) -> Callable[[], None] | None:
    """Point DATABASE_URL at the benchmark's own database; return the PostgreSQL dropper, if any.

    With ``url``, a scratch database ``<url's database>_bench_<name>`` on that server; otherwise
    the SQLite file ``var/bench/<name>.sqlite3``, deleted first when ``fresh``.
    """
    if url:
        scratch_url, drop = scratch_postgres(url, keep, f"bench_{name}")
        os.environ["DATABASE_URL"] = scratch_url
        return drop
    bench = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    database = bench / f"{name}.sqlite3"
    if fresh:
        database.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    return None
