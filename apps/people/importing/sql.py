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


@contextmanager
def tuned_connection() -> Iterator[None]:
    """A larger SQLite page cache while the import runs (the default 2 MB thrashes on the indexes).

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
