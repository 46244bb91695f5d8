"""The survey coverage per block of person ids, and the person filter "no record this year" it serves.

The counts are kept by database triggers whoever writes; the filter must give exactly
the persons without a record of the year (the plain anti-join), whatever the writes.
"""

import random
from pathlib import Path

import pytest
from django.db.models import Exists, OuterRef

from apps.people import coverage, rollover, services, testing
from apps.people.importing import import_people
from apps.people.importing import sql as import_sql
from apps.people.models import Person, SurveyCoverage, SurveyRecord

SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"


def _without_record(user, year: int, **filters) -> list[int]:
    persons = services.filter_persons(user, services.get_persons_for_user(user), year=year, status="none",
                                      **filters)
    return sorted(persons.values_list("pk", flat=True))


def _expected(user, year: int) -> list[int]:
    records = SurveyRecord.objects.filter(person=OuterRef("pk"), year=year)
    return sorted(services.get_persons_for_user(user).exclude(Exists(records)).values_list("pk", flat=True))


def test_the_counts_follow_inserts_moves_and_deletes(dang_kang, krong_bong):
    home = testing.household(dang_kang, "H001")
    first = testing.person(home, "01", birth_year=1980, year=2025)
    second = testing.person(home, "02", birth_year=1982)
    SurveyRecord.objects.create(person=second, year=2026, commune=dang_kang)
    assert coverage.mismatches() == []
    SurveyRecord.objects.filter(person=first).update(year=2026)
    SurveyRecord.objects.filter(person=second).update(person=first, year=2027)
    assert coverage.mismatches() == []
    hoa_son = krong_bong.new["24481"]
    Person.objects.filter(pk=first.pk).update(commune=hoa_son)
    assert coverage.mismatches() == []
    SurveyRecord.objects.filter(person=first).delete()
    Person.objects.filter(pk=second.pk).delete()
    assert coverage.mismatches() == []


@pytest.mark.parametrize("listed", [coverage.MAX_LISTED_BLOCKS, 0], ids=["listed", "by subquery"])
def test_the_filter_is_the_anti_join_for_every_persona(
        dang_kang, krong_bong, commune_officer, district_viewer, neighbour_officer, admin_user_, listed,
        monkeypatch):
    monkeypatch.setattr(coverage, "MAX_LISTED_BLOCKS", listed)
    rng = random.Random(7)
    for commune in (dang_kang, krong_bong.new["24481"]):
        for number in range(6):
            home = testing.household(commune, f"H{number:03d}", f"Thôn {number % 2 + 1}")
            for member in range(rng.randint(5, 30)):
                person = testing.person(home, f"{member:02d}", birth_year=rng.randint(1940, 2024))
                for year in (2025, 2026):
                    if rng.random() < 0.9:
                        SurveyRecord.objects.create(person=person, year=year, commune=commune)
    assert coverage.mismatches() == []
    for user in (commune_officer, district_viewer, neighbour_officer, admin_user_):
        for year in (2025, 2026, 2030):
            assert _without_record(user, year) == _expected(user, year)
    village = testing.village(dang_kang, "Thôn 2")
    assert set(_without_record(commune_officer, 2026, commune=dang_kang, village=village)) == set(
        Person.objects.filter(village=village).exclude(surveys__year=2026).values_list("pk", flat=True))


def test_the_import_the_roll_over_and_a_bulk_load_keep_the_counts(krong_bong, monkeypatch):
    monkeypatch.setattr(import_sql, "BULK_MIN_ROWS", 1)
    assert import_people(SAMPLE, year=2026, create_villages=True).ok  # a bulk load: counted once
    assert coverage.mismatches() == []
    rollover.roll_over(None, 2026)
    assert import_people(SAMPLE, year=2027).ok  # not bulk any more: counted by the triggers
    assert coverage.mismatches() == []


def test_rebuild_repairs_the_counts(dang_kang):
    testing.person(testing.household(dang_kang), "01", birth_year=1980, year=2026)
    SurveyCoverage.objects.all().delete()
    assert coverage.mismatches()
    coverage.rebuild()
    assert coverage.mismatches() == []
