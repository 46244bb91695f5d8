"""Applying validated rows chunk by chunk: look up what exists, then write only what changed.

For each chunk of rows the existing households, persons and survey records of
the year are read in a few set-wise queries, compared field by field, and the
differences written in batches (``sql.Writer``). Static facts go to ``Person``;
the year's facts to the ``SurveyRecord`` of that year only, so that an import
of year Y never changes another year (Thông tư 07/2016/TT-BGDĐT: one survey a
year). Nobody is deleted: a person leaves by status.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from operator import itemgetter

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from apps.people.importing.sql import Writer, columns_of
from apps.people.importing.validation import OPTIONAL_SOURCES, PERSON_FIELDS, SURVEY_FIELDS, ParsedRow
from apps.people.models import COPIED_FROM_PERSON, Clan, Household, Person, SurveyRecord

LOOKUP_BATCH = 500  # households per IN (...) list: far below SQLite's limit on query parameters
STORED_SURVEY = 3 + len(PERSON_FIELDS) + 2  # where a stored row's survey columns start
ANALYZE_AFTER = 10_000  # persons created from which PostgreSQL's statistics are refreshed

HOUSEHOLD_INSERT = ("id", "commune", "village", "code")
CLAN_INSERT = ("id", "commune", "name", "name_key")
PERSON_INSERT = ("id", "household", "commune", "village", "code", *PERSON_FIELDS, "clan")
PERSON_UPDATE = ("updated_at", "updated_by", *PERSON_FIELDS, "clan", "village")
# A survey record's id is left to the database: nothing refers to a new record during the import.
# Its copies of the person's facts (COPIED_FROM_PERSON) are written with it, from the row.
SURVEY_INSERT = ("person", "year", "commune", *SURVEY_FIELDS, *COPIED_FROM_PERSON)
_copied = itemgetter(*(PERSON_FIELDS.index(name) for name in COPIED_FROM_PERSON))
SURVEY_UPDATE = ("updated_at", "updated_by", "commune", *SURVEY_FIELDS)


@dataclass
class Counts:
    households_created: int = 0
    households_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0
    surveys_created: int = 0
    surveys_updated: int = 0
    surveys_unchanged: int = 0
    villages_created: int = 0
    clans_created: int = 0


def _batches(values: list, size: int = LOOKUP_BATCH) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class Applier:
    """Holds, for the communes of the file, their households and clans; writes chunk by chunk.

    In a dry run nothing is written: new records get negative stand-in ids so that
    the counts are those the real import would give.
    """

    def __init__(self, *, year: int, user, dry_run: bool, positions: dict[str, int], counts: Counts) -> None:
        self.year = year
        self.user_id = getattr(user, "pk", None)
        self.dry_run = dry_run
        self.counts = counts
        self.writer = Writer(timezone.now())
        self.households: dict[int, dict[str, list]] = {}  # commune → code → [id, village id]
        self.preexisting: set[int] = set()
        self.moved: list[int] = []
        self.clans: dict[int, dict[str, int]] = {}
        self.has_clan = "clan" in positions
        # Fields whose column the file lacks keep their stored value.
        self.person_kept = [i for i, name in enumerate(PERSON_FIELDS)
                            if name in OPTIONAL_SOURCES and OPTIONAL_SOURCES[name] not in positions]
        self.survey_kept = [i for i, name in enumerate(SURVEY_FIELDS)
                            if OPTIONAL_SOURCES[name] not in positions]
        self._fake = 0
        # New persons take their ids as they come (fake, negative ones in a dry run).
        self._person_ids = count(-1, -1) if dry_run else self.writer.ids(Person)
        quote = connection.ops.quote_name
        person_columns = ", ".join(quote(column) for column in columns_of(
            Person, ("id", "household", "code", *PERSON_FIELDS, "clan", "village")))
        survey_columns = ", ".join(quote(column) for column in columns_of(
            SurveyRecord, ("person", "id", "commune", *SURVEY_FIELDS)))
        # Two index lookups rather than a join, whose plan PostgreSQL may turn into a scan.
        # "year + 0": the records must be found through (person, year). Statistics taken before
        # the load say a new year has no records, so the planner would read the (year, …)
        # index and filter the persons: every chunk read all records of the year inserted so
        # far, and a commune's yearly file into a registry of a million fell to 2,700 rows/s.
        self._person_select = (f"SELECT {person_columns} FROM {quote(Person._meta.db_table)} "  # noqa: S608
                               f"WHERE {quote('household_id')} ")
        self._survey_select = (f"SELECT {survey_columns} FROM {quote(SurveyRecord._meta.db_table)} "  # noqa: S608
                               f"WHERE {quote('year')} + 0 = %s AND {quote('person_id')} ")

    def _ids(self, model, count: int) -> list[int]:
        if not self.dry_run:
            return self.writer.allocate(model, count)
        start = self._fake
        self._fake -= count
        return list(range(start - 1, start - count - 1, -1))

    def _record(self) -> dict:
        """The columns every new row shares: time stamps, author, not demo data."""
        now = self.writer.now
        return {"created_at": now, "updated_at": now, "created_by": self.user_id, "updated_by": self.user_id,
                "is_demo": False}

    # --- households and clans ----------------------------------------------------------

    def _commune(self, commune_id: int) -> dict[str, list]:
        households = self.households.get(commune_id)
        if households is None:
            households = {}
            for pk, code, village_id in Household.objects.filter(commune_id=commune_id).values_list(
                    "id", "code", "village_id").iterator(chunk_size=10_000):
                households[code] = [pk, village_id]
                self.preexisting.add(pk)
            self.households[commune_id] = households
            self.clans[commune_id] = dict(Clan.objects.filter(commune_id=commune_id)
                                          .values_list("name_key", "id"))
        return households

    def _households(self, rows: list[ParsedRow]) -> list[list]:
        """The [id, village id] of each row's household, creating and moving households."""
        found: list[list] = []
        new: list[tuple[int, str, list]] = []
        moved: list[list] = []
        cache = self.households
        for row in rows:
            households = cache.get(row.commune_id)
            if households is None:
                households = self._commune(row.commune_id)
            household = households.get(row.household_code)
            if household is None:
                household = [None, row.village_id]
                households[row.household_code] = household
                new.append((row.commune_id, row.household_code, household))
            elif household[1] != row.village_id:
                # The file's rows of one household agree on its village (validation).
                household[1] = row.village_id
                moved.append(household)
            found.append(household)
        for (_commune, _code, household), pk in zip(new, self._ids(Household, len(new)), strict=True):
            household[0] = pk
        self.counts.households_created += len(new)
        self.counts.households_updated += len(moved)
        if not self.dry_run:
            self.writer.insert(Household, HOUSEHOLD_INSERT, (
                (household[0], commune_id, household[1], code) for commune_id, code, household in new),
                {**self._record(), "address": ""})
            now = self.writer.now
            self.writer.update(Household, ("village", "updated_at", "updated_by"),
                               ((household[1], now, self.user_id, household[0]) for household in moved))
            self.moved.extend(household[0] for household in moved)
        return found

    def _clan_ids(self, rows: list[ParsedRow]) -> list[int | None]:
        new: dict[tuple[int, str], str] = {}
        for row in rows:
            if row.clan:
                key = row.clan.casefold()
                if key not in self.clans[row.commune_id] and (row.commune_id, key) not in new:
                    new[(row.commune_id, key)] = row.clan
        if new:
            ids = self._ids(Clan, len(new))
            for ((commune_id, key), _name), pk in zip(new.items(), ids, strict=True):
                self.clans[commune_id][key] = pk
            self.counts.clans_created += len(new)
            if not self.dry_run:
                self.writer.insert(Clan, CLAN_INSERT, (
                    (pk, commune_id, name, key)
                    for ((commune_id, key), name), pk in zip(new.items(), ids, strict=True)), self._record())
        return [self.clans[row.commune_id][row.clan.casefold()] if row.clan else None for row in rows]

    # --- persons and survey records ------------------------------------------------------

    def _query(self, cursor, select: str, ids: list[int], before: list) -> Iterator[tuple]:
        """Rows of ``select`` ending "id in ``ids``": an array on PostgreSQL, batches on SQLite."""
        if connection.vendor == "postgresql":
            cursor.execute(f"{select} = ANY(%s)", [*before, ids])
            yield from cursor.fetchall()
            return
        for batch in _batches(ids):
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(batch))})", [*before, *batch])
            yield from cursor.fetchall()

    def _existing(self, household_ids: list[int]) -> dict[tuple[int, str], tuple]:
        """Stored persons of these households by (household, code), each with its survey record of the year.

        A row is the person's columns then, from ``STORED_SURVEY``, the survey
        record's id, commune and facts (or ``None`` without a record). Raw queries,
        without the ORM's per-value preparation: the drivers return dates and
        booleans as Python values (Django registers SQLite's converters).
        """
        with connection.cursor() as cursor:
            persons = {(values[1], values[2]): values
                       for values in self._query(cursor, self._person_select, household_ids, [])}
            surveys = {values[0]: values[1:] for values in self._query(
                cursor, self._survey_select, [values[0] for values in persons.values()], [self.year])}
        missing = (None,) * (2 + len(SURVEY_FIELDS))
        return {key: values + surveys.get(values[0], missing) for key, values in persons.items()}

    @staticmethod
    def _merge(new: tuple, stored: tuple, kept: list[int]) -> tuple:
        if not kept:
            return new
        merged = list(new)
        for index in kept:
            merged[index] = stored[index]
        return tuple(merged)

    def apply(self, rows: list[ParsedRow]) -> None:
        """Write one chunk of valid rows."""
        if not rows:
            return
        households = self._households(rows)
        clan_ids = self._clan_ids(rows) if self.has_clan else [None] * len(rows)
        lookup = sorted({household[0] for household in households if household[0] in self.preexisting})
        stored_persons = self._existing(lookup) if lookup else {}
        counts = self.counts
        year = self.year
        person_ids = self._person_ids
        new_persons: list[tuple] = []  # PERSON_INSERT
        new_surveys: list[tuple] = []  # SURVEY_INSERT
        person_updates: list[tuple] = []
        survey_updates: list[tuple] = []
        now, user_id = self.writer.now, self.user_id
        for row, household, clan_id in zip(rows, households, clan_ids, strict=True):
            household_id, village_id = household
            stored = stored_persons.get((household_id, row.person_code)) if stored_persons else None
            if stored is None:
                person_id = next(person_ids)
                new_persons.append((person_id, household_id, row.commune_id, village_id, row.person_code,
                                    *row.person, clan_id))
                new_surveys.append((person_id, year, row.commune_id, *row.survey, *_copied(row.person)))
                continue
            person_id = stored[0]
            stored_person = stored[3:STORED_SURVEY]
            person = self._merge(row.person, stored_person, self.person_kept)
            if not self.has_clan:
                clan_id = stored_person[-2]
            values = (*person, clan_id, village_id)
            if values == stored_person:
                counts.persons_unchanged += 1
            else:
                counts.persons_updated += 1
                person_updates.append((now, user_id, *values, person_id))
            survey_id = stored[STORED_SURVEY]
            if survey_id is None:
                new_surveys.append((person_id, year, row.commune_id, *row.survey, *_copied(person)))
                continue
            stored_survey = stored[STORED_SURVEY + 1:]  # commune, SURVEY_FIELDS
            survey = (row.commune_id, *self._merge(row.survey, stored_survey[1:], self.survey_kept))
            if survey == stored_survey:
                counts.surveys_unchanged += 1
            else:
                counts.surveys_updated += 1
                survey_updates.append((now, user_id, *survey, survey_id))
        counts.persons_created += len(new_persons)
        counts.surveys_created += len(new_surveys)
        if self.dry_run:
            return
        record = self._record()
        self.writer.insert(Person, PERSON_INSERT, new_persons, record)
        self.writer.update(Person, PERSON_UPDATE, person_updates)
        self.writer.insert(SurveyRecord, SURVEY_INSERT, new_surveys, record)
        self.writer.update(SurveyRecord, SURVEY_UPDATE, survey_updates)

    def finish(self) -> None:
        """Members of moved households that the file did not name follow their household's village.

        After a large load, PostgreSQL's statistics still describe the tables before
        it: refresh them, or the next import's lookups are planned as scans.
        """
        if self.dry_run:
            return
        village = Household.objects.filter(pk=OuterRef("household_id")).values("village_id")[:1]
        for batch in _batches(self.moved):
            Person.objects.filter(household_id__in=batch).update(village_id=Subquery(village))
        if connection.vendor == "postgresql" and self.counts.persons_created >= ANALYZE_AFTER:
            with connection.cursor() as cursor:
                for model in (Household, Person, SurveyRecord):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
