"""Survey coverage per block of person ids (``models.SurveyCoverage``): reading and checking it.

"Persons without a survey record of year Y" is an anti-join: tested person by
person, the first page of an empty answer reads the whole registry (0.5–2.6 s on
a million persons). The coverage counts, kept by the database's triggers
(migration 0004), name the blocks of 64 person ids whose persons outnumber their
records of Y; only those blocks can hold such a person, and each holds at least
one. The answer stays exact: the usual NOT EXISTS is still applied to the persons
of those blocks.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from apps.people.models import COVERAGE_BLOCK_SHIFT, COVERAGE_PERSONS, Person, SurveyCoverage, SurveyRecord

BLOCK = 1 << COVERAGE_BLOCK_SHIFT


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {"coverage": quote(SurveyCoverage._meta.db_table), "persons": quote(Person._meta.db_table),
            "records": quote(SurveyRecord._meta.db_table), "count": quote("count")}


def uncovered_person_ids(year: int, commune_ids: Iterable[int] | None = None) -> RawSQL:
    """The ids of the persons in blocks lacking records of ``year`` (a superset of those without one).

    ``commune_ids`` (None: every commune) only narrows the blocks read; the caller
    still scopes the persons.
    """
    tables = _tables()
    params: list = [BLOCK, BLOCK, COVERAGE_PERSONS, year]
    communes = _communes_sql(commune_ids, params)
    # CROSS JOIN: SQLite then reads the blocks first and each block's persons by id range
    # (otherwise it may read every person of the commune); for PostgreSQL it is a plain join.
    sql = (
        f"SELECT p.id FROM {tables['coverage']} c CROSS JOIN {tables['persons']} p "  # noqa: S608 (model tables)
        f"WHERE p.commune_id = c.commune_id AND p.id >= c.block * %s AND p.id < (c.block + 1) * %s "
        f"AND c.year = %s AND c.{tables['count']} > COALESCE((SELECT r.{tables['count']} "
        f"FROM {tables['coverage']} r WHERE r.commune_id = c.commune_id AND r.block = c.block "
        f"AND r.year = %s), 0){communes}"
    )
    return RawSQL(sql, params)  # noqa: S611 (model tables; values are parameters)


def _communes_sql(commune_ids: Iterable[int] | None, params: list) -> str:
    if commune_ids is None:
        return ""
    ids = [int(pk) for pk in commune_ids]
    params.extend(ids)
    return f" AND c.commune_id IN ({', '.join(['%s'] * len(ids)) or 'NULL'})"


def _deficits_sql(year: int, commune_ids: Iterable[int] | None, select: str, tail: str = ""
                  ) -> tuple[str, list]:
    """Each block's persons (c) beside its records of ``year`` (r), in the communes."""
    tables = _tables()
    count = tables["count"]
    params: list = [year, COVERAGE_PERSONS]
    communes = _communes_sql(commune_ids, params)
    sql = (
        f"SELECT {select.format(count=count)} FROM {tables['coverage']} c "  # noqa: S608 (model tables)
        f"LEFT JOIN {tables['coverage']} r ON r.commune_id = c.commune_id AND r.block = c.block "
        f"AND r.year = %s WHERE c.year = %s{communes}{tail.format(count=count)}"
    )
    return sql, params


def totals(year: int, commune_ids: Iterable[int] | None = None) -> tuple[int, int]:
    """(persons, persons without a record of ``year``) in the communes, from the counts alone."""
    sql, params = _deficits_sql(year, commune_ids, "COALESCE(SUM(c.{count}), 0), "
                                "COALESCE(SUM(c.{count} - COALESCE(r.{count}, 0)), 0)")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        persons, missing = cursor.fetchone()
    return int(persons), int(missing)


def uncovered_blocks(year: int, commune_ids: Iterable[int] | None = None) -> list[tuple[int, int, int]]:
    """[(commune, block, persons without a record of ``year``)] of the blocks that have some."""
    sql, params = _deficits_sql(year, commune_ids,
                                "c.commune_id, c.block, c.{count} - COALESCE(r.{count}, 0)",
                                " AND c.{count} > COALESCE(r.{count}, 0) ORDER BY c.block")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


MAX_LISTED_BLOCKS = 64  # beyond, the blocks are read by a subquery rather than listed in the filter


def blocks_q(year: int, commune_ids: Iterable[int] | None, blocks: list[tuple[int, int, int]]) -> Q:
    """A filter on persons: those of the uncovered ``blocks`` (listed as id ranges when few)."""
    if not blocks:
        return Q(pk__in=[])
    if len(blocks) > MAX_LISTED_BLOCKS:
        return Q(pk__in=uncovered_person_ids(year, commune_ids))
    condition = Q(pk__in=[])
    for commune_id, block, _missing in blocks:
        condition |= Q(commune_id=commune_id, pk__gte=block * BLOCK, pk__lt=(block + 1) * BLOCK)
    return condition


def worth_narrowing(persons: int, missing: int, matches: int) -> bool:
    """Whether reading the uncovered blocks costs less than testing persons in order.

    Testing persons in id order finds ``matches`` of the ``missing`` after about
    matches × persons / missing of them; the uncovered blocks hold at most
    BLOCK × missing persons. (A new year nobody has records of is the second case;
    a registry with a few persons missing the first.)
    """
    return missing * missing * BLOCK <= matches * persons


def _recomputed_sql() -> str:
    tables = _tables()
    shift = COVERAGE_BLOCK_SHIFT
    return (
        f"SELECT commune_id, id >> {shift} AS block, {COVERAGE_PERSONS} AS year, COUNT(*) AS n "  # noqa: S608
        f"FROM {tables['persons']} GROUP BY 1, 2 UNION ALL "
        f"SELECT p.commune_id, r.person_id >> {shift}, r.year, COUNT(*) FROM {tables['records']} r "
        f"JOIN {tables['persons']} p ON p.id = r.person_id GROUP BY 1, 2, 3"
    )


def mismatches() -> list[tuple[int, int, int, int, int]]:
    """(commune, block, year, stored, actual) for every count that differs from the tables."""
    tables = _tables()
    sql = (
        f"SELECT COALESCE(s.commune_id, a.commune_id), COALESCE(s.block, a.block), "  # noqa: S608
        f"COALESCE(s.year, a.year), COALESCE(s.{tables['count']}, 0), COALESCE(a.n, 0) "
        f"FROM {tables['coverage']} s FULL OUTER JOIN ({_recomputed_sql()}) a "
        f"ON a.commune_id = s.commune_id AND a.block = s.block AND a.year = s.year "
        f"WHERE COALESCE(s.{tables['count']}, 0) <> COALESCE(a.n, 0)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def rebuild() -> None:
    """Count every block again from the tables (after a bulk load without the triggers, or a repair)."""
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tables['coverage']}")  # noqa: S608
        cursor.execute(f"INSERT INTO {tables['coverage']} (commune_id, block, year, {tables['count']}) "
                       f"{_recomputed_sql()}")


def sqlite_triggers() -> list[tuple[str, str]]:
    """(name, definition) of the coverage triggers (SQLite), for a bulk load to drop and put back."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND name LIKE 'people\\_coverage\\_%' ESCAPE '\\' ORDER BY name")
        return cursor.fetchall()
