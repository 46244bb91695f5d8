"""Fixtures of the recognition tests: a small complete set, a Dang Kang campaign and its officers."""

from __future__ import annotations

import copy

import pytest

from apps.people import testing as people
from apps.recognition import services
from apps.recognition.models import Title

YEAR = 2026

# A small complete set in the file format (not an official text): two computed items, two evaluator items.
SMALL_SET = {
    "code": "gdht-test",
    "title": "gdht",
    "name": "Gia đình học tập (bộ thử)",
    "document": {"number": "TEST/2026", "issuer": "Test"},
    "judging": "points",
    "total_points": 40,
    "pass_rule": {
        "total_min": 30,
        "criterion_min": None,
        "indicator_min": None,
        "required": ["1a"],
        "bands": [],
    },
    "is_illustrative": True,
    "criteria": [
        {
            "code": "1",
            "name": "Việc học của trẻ em",
            "max_points": 20,
            "indicators": [
                {"code": "1a", "name": "Trẻ em đi học", "max_points": 10, "scoring": "computed:gdht_1a"},
                {"code": "1b", "name": "Kết quả học tập", "max_points": 10},
            ],
        },
        {
            "code": "2",
            "name": "Việc học của người lớn",
            "max_points": 20,
            "indicators": [
                {"code": "2a", "name": "Biết chữ", "max_points": 10, "scoring": "computed:gdht_2a"},
                {"code": "2b", "name": "Học một nội dung", "max_points": 10},
            ],
        },
    ],
}


@pytest.fixture
def small_set_data():
    return copy.deepcopy(SMALL_SET)


@pytest.fixture
def criteria_set(db):
    return services.load_criteria_set(copy.deepcopy(SMALL_SET))


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def association_officer(krong_bong):
    """Association officer of Dang Kang: the checker of the commune officer's scores."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    user = get_user_model().objects.create_user("hoikh", password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role="association_officer", unit=krong_bong.new["24454"])
    return user


@pytest.fixture
def campaign(criteria_set, dang_kang, commune_officer):
    return services.open_campaign(
        commune_officer, title=Title.GDHT, year=YEAR, commune=dang_kang, criteria_set=criteria_set
    )


@pytest.fixture
def village(dang_kang):
    return people.village(dang_kang, "Thôn 1")


def family(commune, code: str, village_name: str = "Thôn 1", *, child_enrolled: bool = True):
    """A literate adult of 35 and a child of 10, enrolled in grade 4 or not."""
    home = people.household(commune, code, village_name)
    people.person(home, "01", birth_year=YEAR - 35, year=YEAR, highest_grade_completed=12)
    people.person(
        home,
        "02",
        birth_year=YEAR - 10,
        year=YEAR,
        enrolled_level="primary" if child_enrolled else "",
        enrolled_grade=4 if child_enrolled else None,
        highest_grade_completed=3,
    )
    return home
