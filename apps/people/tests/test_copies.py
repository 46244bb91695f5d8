"""Survey records carry copies of their person's sex, birth year, ethnicity and disability.

Every writer keeps them equal to the person's values: the ORM, the services, the import
(raw SQL, including a bulk load), the roll-over, and a plain ``SurveyRecord.objects.create``
that gives none of them (the database triggers fill them).
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.people import copies, rollover, services, testing
from apps.people.importing import import_people
from apps.people.importing import sql as import_sql
from apps.people.models import COPIED_FROM_PERSON, Person, SurveyRecord

SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"


@pytest.fixture
def home(dang_kang):
    return testing.household(dang_kang, "H001")


def _copies(record: SurveyRecord) -> tuple:
    record.refresh_from_db()
    return tuple(getattr(record, name) for name in COPIED_FROM_PERSON)


def _facts(person: Person) -> tuple:
    person.refresh_from_db()
    return tuple(getattr(person, name) for name in COPIED_FROM_PERSON)


def test_the_triggers_are_installed(db):
    assert copies.missing_triggers() == []


def test_a_record_created_without_copies_takes_them_from_its_person(home):
    member = testing.person(home, "01", birth_year=2015, sex="F", ethnicity="12", disability="can_learn")
    record = SurveyRecord.objects.create(person=member, year=2026, commune=home.commune)
    assert _copies(record) == ("F", 2015, "12", "can_learn")
    assert not copies.mismatched_records().exists()


def test_a_change_of_the_person_reaches_every_year(commune_officer, home):
    member = testing.person(home, "01", birth_year=2015, year=2025)
    SurveyRecord.objects.create(person=member, year=2026, commune=home.commune)
    services.update_person(commune_officer, member, sex="F", birth_year=2014, ethnicity="Ê Đê",
                           disability="cannot_learn")
    assert {_copies(record) for record in member.surveys.all()} == {("F", 2014, "12", "cannot_learn")}
    # A raw UPDATE of the person (as the import writes) too.
    Person.objects.filter(pk=member.pk).update(birth_year=2013)
    assert {record.birth_year for record in member.surveys.all()} == {2013}
    assert not copies.mismatched_records().exists()


def test_a_record_saved_with_other_copies_takes_the_persons_again(home):
    member = testing.person(home, "01", birth_year=2015, year=2026)
    record = member.surveys.get()
    record.sex, record.birth_year = "F", 1990
    record.save()
    assert _copies(record) == _facts(member)
    other = testing.person(home, "02", birth_year=1980, sex="F", ethnicity="20")
    SurveyRecord.objects.filter(pk=record.pk).update(person=other)
    assert _copies(record) == ("F", 1980, "20", "")


def test_the_services_write_the_copies(commune_officer, home):
    member = services.create_person(commune_officer, home, code="01", full_name="Y Bih Niê", sex="F",
                                    birth_year=2015, ethnicity="Ê Đê", relation="head")
    record = services.record_survey(commune_officer, member, 2026, enrolled_level="primary",
                                    enrolled_grade=5)
    assert (record.sex, record.birth_year, record.ethnicity) == ("F", 2015, "12")
    services.set_status(commune_officer, member, 2027, "moved_away")
    assert not copies.mismatched_records().exists()


def test_the_import_and_the_roll_over_write_the_copies(krong_bong):
    assert import_people(SAMPLE, year=2026, create_villages=True).ok
    assert SurveyRecord.objects.filter(year=2026).exists()
    rollover.roll_over(None, 2026)
    assert SurveyRecord.objects.filter(year=2027).exists()
    assert not SurveyRecord.objects.filter(birth_year__isnull=True).exists()
    assert not copies.mismatched_records().exists()


def test_a_bulk_import_drops_and_rebuilds_indexes_and_keys(krong_bong, monkeypatch):
    def names() -> set[str]:
        """The indexes (and, on PostgreSQL, the constraints) of the registry's tables."""
        tables = ["people_household", "people_person", "people_surveyrecord"]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) UNION "
                               "SELECT conname FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])",
                               [tables, tables])
            else:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                               "(%s, %s, %s)", tables)
            return {row[0] for row in cursor.fetchall()}

    before = names()
    monkeypatch.setattr(import_sql, "BULK_MIN_ROWS", 1)
    assert import_sql.is_bulk(60)
    assert import_people(SAMPLE, year=2026, create_villages=True).ok
    assert names() == before
    assert copies.missing_triggers() == []
    assert not copies.mismatched_records().exists()
    assert not import_sql.is_bulk(60)  # the same file again: no more than twice the persons stored


def test_the_check_command_finds_and_repairs_copies_that_bypassed_the_triggers(home):
    member = testing.person(home, "01", birth_year=2015, year=2026)
    out = StringIO()
    call_command("check_registry", stdout=out)
    assert "differ from their person: 0." in out.getvalue()
    table = connection.ops.quote_name(SurveyRecord._meta.db_table)
    on_table = f" ON {table}" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(f"DROP TRIGGER people_survey_copy_update{on_table}")
        cursor.execute(f"UPDATE {table} SET birth_year = 1900 WHERE person_id = %s", [member.pk])  # noqa: S608
    assert copies.mismatched_records().count() == 1
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("check_registry", "--repair", stdout=out, stderr=err)
    assert "people_survey_copy_update" in err.getvalue()
    assert "Repaired 1 survey records." in out.getvalue()
    assert not copies.mismatched_records().exists()
