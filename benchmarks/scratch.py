"""What the benchmark scripts share: peak memory, a scratch PostgreSQL database, timing runs."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


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
