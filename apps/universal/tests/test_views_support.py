"""Small registries on the Krông Bông slice for the tests of pages, API and reports.

Xã Dang Kang (2025 map) in 2026 is built so that its levels and its unmet
condition are known by heart: preschool 1, primary 2 (level 3 lacks
``primary_entry`` 29/30 = 96.67% < 98%), lower-secondary 2, literacy 2.
"""

from __future__ import annotations

import itertools

from apps.people.models import Person, SurveyRecord
from apps.people.testing import household, person
from apps.places.models import CommuneFlag, Unit

_codes = itertools.count(1)
PERSON_FIELDS = {"sex", "ethnicity", "disability", "full_name"}
YEAR = 2026


def cohort(commune: Unit, year: int, n: int, *, age: int, home: str = "H001", **fields) -> list[Person]:
    """``n`` persons aged ``age`` in ``year`` with a survey record of that year (two bulk inserts)."""
    person_fields = {key: value for key, value in fields.items() if key in PERSON_FIELDS}
    survey_fields = {key: value for key, value in fields.items() if key not in PERSON_FIELDS}
    person_fields.setdefault("sex", "M")
    person_fields.setdefault("ethnicity", "01")
    person_fields.setdefault("full_name", "Nguyễn Văn A")
    house = household(commune, home)
    members = Person.objects.bulk_create([
        Person(household=house, commune=commune, village=house.village, code=f"P{next(_codes):06d}",
               name_key=person_fields["full_name"].casefold(), birth_year=year - age, **person_fields)
        for _ in range(n)
    ])
    SurveyRecord.objects.bulk_create([SurveyRecord(person=m, year=year, commune=commune, **survey_fields)
                                      for m in members])
    return members


def build_dang_kang(commune: Unit, year: int = YEAR) -> None:
    """The Dang Kang registry of the module docstring (about 120 persons)."""
    cohort(commune, year, 10, age=5, enrolled_level="preschool")
    cohort(commune, year, 9, age=5, enrolled_level="preschool", sex="F", ethnicity="12")
    cohort(commune, year, 1, age=5, sex="F", ethnicity="12")  # 19/20 attend
    cohort(commune, year, 29, age=6, preschool_completed=True, enrolled_level="primary", enrolled_grade=1)
    cohort(commune, year, 1, age=6, preschool_completed=True)  # 29/30 enter grade 1
    cohort(commune, year, 9, age=11, primary_completed_year=year, enrolled_level="lower_secondary",
           enrolled_grade=6, highest_grade_completed=5)
    cohort(commune, year, 1, age=11, enrolled_level="primary", enrolled_grade=5, highest_grade_completed=4)
    cohort(commune, year, 10, age=14, primary_completed_year=year - 3, highest_grade_completed=8,
           enrolled_level="lower_secondary", enrolled_grade=9)
    cohort(commune, year, 8, age=16, primary_completed_year=year - 5, lower_secondary_graduated_year=year - 1,
           highest_grade_completed=10, enrolled_level="upper_secondary", enrolled_grade=11)
    cohort(commune, year, 1, age=16, primary_completed_year=year - 5, lower_secondary_graduated_year=year - 1,
           highest_grade_completed=9, ethnicity="12")
    cohort(commune, year, 1, age=16, primary_completed_year=year - 5, highest_grade_completed=8,
           sex="F")  # 9/10 hold the THCS diploma
    cohort(commune, year, 10, age=30, primary_completed_year=year - 19, highest_grade_completed=9)
    # Moved away: never counted.
    cohort(commune, year, 5, age=6, status="moved_away")


def named_child(commune: Unit, year: int = YEAR) -> Person:
    """A named 5-year-old of Dang Kang, attending preschool (for the lists of persons)."""
    return person(household(commune, "H900", "Buôn Ea Rớt"), "K01", birth_year=year - 5, year=year,
                  full_name="Y Bih Niê", sex="M", ethnicity="12", enrolled_level="preschool")


def build_hoa_son(commune: Unit, year: int = YEAR) -> None:
    """The neighbouring commune: half its 5-year-olds attend preschool."""
    cohort(commune, year, 5, age=5, enrolled_level="preschool", home="H500")
    cohort(commune, year, 5, age=5, home="H500", full_name="Trần Thị Lan", sex="F")


def build_legacy_2024(krong_bong) -> None:
    """Two legacy communes of Huyện Krông Bông in 2024 (before the reform)."""
    cohort(krong_bong.legacy["24451"], 2024, 10, age=5, enrolled_level="preschool")
    cohort(krong_bong.legacy["24454"], 2024, 10, age=5)


def flag(commune: Unit, year: int = YEAR, special_difficulty: bool = True) -> CommuneFlag:
    return CommuneFlag.objects.create(unit=commune, year=year, special_difficulty=special_difficulty)
