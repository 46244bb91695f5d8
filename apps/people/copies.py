"""The survey records' copies of their person's facts (``models.COPIED_FROM_PERSON``): checks.

The database keeps the copies right (the triggers of migration 0003); these
functions prove it on a live database (``manage.py check_registry``) and in the
tests, and put the copies right again in one statement should a restore or a
hand-made SQL change have bypassed the triggers.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Q, QuerySet

from apps.people.models import COPIED_FROM_PERSON, Person, SurveyRecord

TRIGGERS = ("people_survey_copy_insert", "people_survey_copy_update", "people_person_copy_to_surveys",
            # the survey coverage's (``people.coverage``, migration 0004)
            "people_coverage_person_insert", "people_coverage_person_delete", "people_coverage_person_move",
            "people_coverage_survey_insert", "people_coverage_survey_delete", "people_coverage_survey_move")


def mismatched_records() -> QuerySet[SurveyRecord]:
    """Survey records whose copies differ from their person's values (empty when all is well)."""
    differs = Q(birth_year__isnull=True)
    for name in COPIED_FROM_PERSON:
        differs |= ~Q(**{name: F(f"person__{name}")})
    return SurveyRecord.objects.filter(differs)


def missing_triggers() -> list[str]:
    """The triggers that keep the copies and the coverage right and are absent from the database.

    On SQLite, a migration that rebuilds the people tables (Django copies a table to
    change it) drops their triggers: such a migration must create them again.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)", [list(TRIGGERS)])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in TRIGGERS if name not in present]


def repair() -> int:
    """Copy every person's facts onto its records again, set-wise; returns the records changed."""
    if not mismatched_records().exists():
        return 0
    quote = connection.ops.quote_name
    records, persons = quote(SurveyRecord._meta.db_table), quote(Person._meta.db_table)
    assignments = ", ".join(f"{quote(name)} = p.{quote(name)}" for name in COPIED_FROM_PERSON)
    differs = " OR ".join(f"{records}.{quote(name)} IS DISTINCT FROM p.{quote(name)}"
                          if connection.vendor == "postgresql"
                          else f"{records}.{quote(name)} IS NOT p.{quote(name)}"
                          for name in COPIED_FROM_PERSON)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {records} SET {assignments} FROM {persons} p "  # noqa: S608 (model tables)
                       f"WHERE p.id = {records}.person_id AND ({differs})")
        return cursor.rowcount
