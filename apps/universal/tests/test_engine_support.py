"""Builders of PCGD–XMC registries for the engine's tests: whole cohorts in two bulk inserts."""

from __future__ import annotations

import itertools

from apps.people.models import Person, SurveyRecord
from apps.people.testing import household
from apps.places.models import CommuneFlag, Unit

_codes = itertools.count(1)
PERSON_FIELDS = {"sex", "ethnicity", "disability"}


def people(commune: Unit, year: int, n: int, *, age: int | None = None, birth_year: int | None = None,
           home: str = "H-BULK", **fields) -> list[Person]:
    """``n`` persons of ``commune`` aged ``age`` in ``year``, each with a survey record of ``year``.

    Person fields (sex, ethnicity, disability) and survey fields (status,
    enrolled_level, primary_completed_year, …) are both given as keywords.
    """
    if n <= 0:
        return []
    person_fields = {key: value for key, value in fields.items() if key in PERSON_FIELDS}
    survey_fields = {key: value for key, value in fields.items() if key not in PERSON_FIELDS}
    person_fields.setdefault("sex", "M")
    person_fields.setdefault("ethnicity", "01")
    house = household(commune, home)
    persons = Person.objects.bulk_create([
        Person(household=house, commune=commune, village=house.village, code=f"P{next(_codes):07d}",
               full_name="Nguyễn Văn A", name_key="nguyễn văn a",
               birth_year=birth_year if birth_year is not None else year - age, **person_fields)
        for _ in range(n)
    ])
    SurveyRecord.objects.bulk_create([
        SurveyRecord(person=member, year=year, commune=commune, **survey_fields) for member in persons
    ])
    return persons


def cohort(commune: Unit, year: int, *, age: int, num: int, den: int, counted: dict,
           uncounted: dict | None = None, **common) -> None:
    """A cohort of ``den`` persons aged ``age`` of whom ``num`` have the ``counted`` fields."""
    people(commune, year, num, age=age, **counted, **common)
    people(commune, year, den - num, age=age, **(uncounted or {}), **common)


def flag(commune: Unit, year: int, special_difficulty: bool = True) -> CommuneFlag:
    return CommuneFlag.objects.create(unit=commune, year=year, special_difficulty=special_difficulty)


def test_cohort_builds_exactly_the_asked_numbers(krong_bong):
    commune = krong_bong.new["24454"]
    cohort(commune, 2026, age=5, num=3, den=7, counted={"enrolled_level": "preschool"})
    records = SurveyRecord.objects.filter(commune=commune, year=2026, person__birth_year=2021)
    assert records.count() == 7
    assert records.filter(enrolled_level="preschool").count() == 3
