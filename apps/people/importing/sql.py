"""Set-wise writes of an import: ids allocated in blocks, rows inserted and updated in batches.

``bulk_create`` and ``bulk_update`` build a model instance per row and, for
updates, one ``CASE WHEN`` per field: too slow for a million people. Here rows
are plain tuples: PostgreSQL receives them through ``COPY``, SQLite through
``executemany`` of one prepared statement. These writes bypass the model
signals, so the import writes one audit entry of its own (``record_command``).
Table and column names come from the models' metadata, never from the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Model

SQLITE_IMPORT_CACHE_KIB = 256 * 1024
ID_BLOCK = 5000  # ids taken from the sequence at a time
# A load of at least this many rows, and twice as many as the persons already stored, drops the
# secondary indexes and (PostgreSQL) the foreign keys, and builds / checks them once at the end.
BULK_MIN_ROWS = 50_000


@contextmanager
def tuned_connection() -> Iterator[None]:
    """A larger SQLite page cache while an import or a PCGD count runs (the default 2 MB thrashes).

    The setting belongs to the connection, so it is put back afterwards.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _postgres_types(model: type[Model], names: Sequence[str]) -> list[str]:
    """PostgreSQL type names of model fields ("varchar(150)" → "varchar"), for a binary COPY."""
    types = []
    for name in names:
        field = model._meta.get_field(name)
        db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
        types.append(re.sub(r"\(.*", "", db_type).strip())
    return types


def columns_of(model: type[Model], names: Sequence[str]) -> list[str]:
    """Database columns of model fields (``household`` → ``household_id``)."""
    return [model._meta.get_field(name).column for name in names]


class Writer:
    """Writes tuples into the tables of the registry within the caller's transaction."""

    def __init__(self, now: dt.datetime) -> None:
        self.vendor = connection.vendor
        self.now = connection.ops.adapt_datetimefield_value(now)
        self._next_id: dict[str, int] = {}

    def allocate(self, model: type[Model], count: int) -> list[int]:
        """``count`` new primary keys of the model's table."""
        if count <= 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                               [table, count])
                return [row[0] for row in cursor.fetchall()]
            start = self._next_id.get(table)
            if start is None:
                # SQLite: above the highest id ever used (AUTOINCREMENT keeps it in
                # sqlite_sequence). The import's transaction holds the database's write
                # lock (BEGIN IMMEDIATE, see settings), so no other writer takes these ids.
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (model table)
                highest = cursor.fetchone()[0] or 0
                if self.vendor == "sqlite":
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    row = cursor.fetchone()
                    highest = max(highest, row[0] if row else 0)
                start = highest + 1
        self._next_id[table] = start + count
        return list(range(start, start + count))

    def ids(self, model: type[Model]) -> Iterator[int]:
        """An endless supply of new primary keys, taken block by block.

        Ids left unused at the end are lost (a gap in PostgreSQL's sequence; SQLite
        starts again above the highest id).
        """
        while True:
            yield from self.allocate(model, ID_BLOCK)

    @staticmethod
    def _literal(value: Any) -> str:
        """SQL text of a constant the import itself made (timestamp, user id, flag), never file data."""
        if value is None:
            return "NULL"
        if isinstance(value, (bool, int)):
            return str(int(value))
        return "'" + str(value).replace("'", "''") + "'"

    def insert(self, model: type[Model], fields: Sequence[str], rows: Iterable[Sequence],
               constants: Mapping[str, Any] | None = None) -> None:
        """Insert rows of ``fields``; ``constants`` are the same for every row (stamps, flags)."""
        rows = list(rows)
        if not rows:
            return
        constants = dict(constants or {})
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = [*fields, *constants]
        columns = ", ".join(quote(column) for column in columns_of(model, names))
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                tail = tuple(constants.values())
                # Binary: the server takes each value as is instead of parsing its text.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(_postgres_types(model, names))
                    for row in rows:
                        copy.write_row((*row, *tail))
            else:
                # SQLite binds each parameter of each row: constants go into the statement.
                literals = [self._literal(value) for value in constants.values()]
                values = ", ".join(["%s"] * len(fields) + literals)
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})",  # noqa: S608
                                   rows)

    def update(self, model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
        """Rows are the new values of ``fields`` followed by the primary key."""
        rows = list(rows)
        if not rows:
            return
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(column)} = %s" for column in columns_of(model, fields))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s", rows)  # noqa: S608


def _registry_tables() -> list[str]:
    from apps.people.models import Household, Person, SurveyRecord

    return [model._meta.db_table for model in (Household, Person, SurveyRecord)]


def is_bulk(rows: int) -> bool:
    """Whether a file of ``rows`` rows is loaded as a bulk load (``bulk_load``).

    Rebuilding an index or checking a foreign key reads the whole table: worth it
    when the file is large and holds at least twice as many rows as the registry has
    persons, so that at least half of them are new (a first load, a new province);
    not for a commune's yearly file against millions of stored persons, nor for the
    same file imported again. The highest person id stands for the table's size
    (persons are never deleted).
    """
    if rows < BULK_MIN_ROWS:
        return False
    from apps.people.models import Person

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(Person._meta.db_table)}")  # noqa: S608
        stored = cursor.fetchone()[0] or 0
    return rows >= 2 * stored


@contextmanager
def indexes_built_once() -> Iterator[None]:
    """Build the registry's secondary indexes once, sorted, after the load.

    Inserted row by row, persons in random name order make each index entry a
    random B-tree write; a ``CREATE INDEX`` over the loaded table sorts once (the
    PostgreSQL manual's advice for bulk loads, "Populating a Database"). The
    indexes are dropped and re-created from their own definitions (SQLite's
    ``sqlite_master``, PostgreSQL's ``pg_get_indexdef``), inside the caller's
    transaction; a unique index that no longer holds fails the whole load.
    Indexes backing a constraint (primary keys, unique constraints, which the
    import's lookups use) stay.
    """
    tables = _registry_tables()
    postgresql = connection.vendor == "postgresql"
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if postgresql:
            # regclass::text is the index's name, quoted where it needs to be.
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) ORDER BY 1", [tables])
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
                           f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name", tables)
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name if postgresql else quote(name)}")
        if postgresql:
            # Room to sort in memory when the indexes are built again (this transaction only).
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    yield
    if connection.needs_rollback:  # a refused file: the rollback puts the indexes back
        return
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)


@contextmanager
def foreign_keys_checked_once() -> Iterator[None]:
    """PostgreSQL: check the registry's foreign keys once, set-wise, after the load.

    Row by row, each inserted person and survey record queues foreign-key
    checks (household, commune, village, clan, author; person, commune, author)
    that run one by one at commit: half of a million-row import's time. As the
    PostgreSQL manual advises for bulk loads ("Populating a Database"), the
    constraints are dropped and put back exactly as they were (their own
    definitions, read from the catalogue), then validated, each by one query.
    All inside the caller's transaction: other sessions see either the old
    tables or the loaded ones (and wait for the tables meanwhile).
    """
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Checks queued earlier in the transaction run now: ALTER TABLE refuses pending ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname",
            [_registry_tables()])
        constraints = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    if connection.needs_rollback:  # a refused file: the rollback puts the constraints back
        return
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition} NOT VALID")
            cursor.execute(f"ALTER TABLE {quote(table)} VALIDATE CONSTRAINT {quote(name)}")


@contextmanager
def coverage_counted_once() -> Iterator[None]:
    """Count the survey coverage (``people.coverage``) once after the load, not statement by statement.

    SQLite has no statement triggers: its coverage triggers run once per inserted
    person and record; they are dropped for the load and put back from their own
    definitions. PostgreSQL's statement triggers count once per batch, but each
    batch of records is joined to the whole person table, which grows with the
    load (a million-row file spent half its time there); they are disabled inside
    the load's transaction and enabled again. Either way one set-wise count of
    every block follows.
    """
    from apps.people import coverage

    quote = connection.ops.quote_name
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgrelid = ANY(%s::regclass[]) "
                "AND tgname LIKE 'people\\_coverage\\_%%' ORDER BY 1, 2", [_registry_tables()])
            triggers = cursor.fetchall()
            for table, name in triggers:
                cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(name)}")
        else:
            triggers = coverage.sqlite_triggers()
            for name, _definition in triggers:
                cursor.execute(f"DROP TRIGGER {quote(name)}")
    yield
    if connection.needs_rollback:  # a refused file: the rollback puts the triggers back
        return
    coverage.rebuild()
    with connection.cursor() as cursor:
        for first, second in triggers:
            cursor.execute(f"ALTER TABLE {quote(first)} ENABLE TRIGGER {quote(second)}" if postgresql
                           else second)


@contextmanager
def bulk_load(*, rows: int = 0, force: bool = False) -> Iterator[bool]:
    """Secondary indexes built, foreign keys checked and coverage counted once around a large load.

    Applies when ``force`` (the demo population) or when ``is_bulk(rows)``; yields
    whether it did. Must run inside the load's transaction.
    """
    if not (force or is_bulk(rows)):
        yield False
        return
    with indexes_built_once(), foreign_keys_checked_once(), coverage_counted_once():
        yield True
