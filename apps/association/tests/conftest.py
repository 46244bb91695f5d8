"""Fixtures of the association tests: committees, an association officer, villages and persons.

Page tests ask for English (the system speaks Vietnamese by default), as in
``apps/universal/tests/conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings

from apps.organisations.models import Organisation, OrganisationKind
from apps.people import testing as people
from apps.places.models import Unit

YEAR = 2026


@pytest.fixture(autouse=True)
def english_client(request):
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def dang_kang(krong_bong) -> Unit:
    return krong_bong.new["24454"]


@pytest.fixture
def hoa_son(krong_bong) -> Unit:
    return krong_bong.new["24481"]


def _organisation(unit: Unit, name: str, kind: str) -> Organisation:
    return Organisation.objects.create(unit=unit, name=name, kind=kind)


@pytest.fixture
def committee(dang_kang) -> Organisation:
    return _organisation(dang_kang, "Hội Khuyến học xã Dang Kang", OrganisationKind.ASSOCIATION)


@pytest.fixture
def hoa_son_committee(hoa_son) -> Organisation:
    return _organisation(hoa_son, "Hội Khuyến học xã Hòa Sơn", OrganisationKind.ASSOCIATION)


@pytest.fixture
def school(dang_kang) -> Organisation:
    return _organisation(dang_kang, "Trường Tiểu học Dang Kang", OrganisationKind.SCHOOL)


@pytest.fixture
def association_officer(dang_kang):
    """Officer of the Hội Khuyến học of Xã Dang Kang (ASSOCIATION, FUND, RECOGNITION, PLANS)."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    user = get_user_model().objects.create_user("hoikh", password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role="association_officer", unit=dang_kang)
    return user


@pytest.fixture
def hoa_son_association_officer(hoa_son):
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    user = get_user_model().objects.create_user("hoikh_hoason", password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role="association_officer", unit=hoa_son)
    return user


@dataclass
class Village:
    unit: Unit
    persons: list


@pytest.fixture
def villages(dang_kang, committee) -> list[Village]:
    """Three villages of Dang Kang: Thôn 1 with 4 present persons, Thôn 2 with 3 (one moved away), Buôn 1."""
    thon1 = people.household(dang_kang, "H001", "Thôn 1")
    thon2 = people.household(dang_kang, "H002", "Thôn 2")
    buon = people.household(dang_kang, "H003", "Buôn 1")
    first = [people.person(thon1, f"0{n}", birth_year=1970 + n, year=YEAR, full_name=f"Nguyễn Văn {n}")
             for n in range(1, 5)]
    second = [people.person(thon2, f"0{n}", birth_year=1980 + n, year=YEAR, full_name=f"Trần Thị {n}")
              for n in range(1, 3)]
    second.append(people.person(thon2, "03", birth_year=1990, year=YEAR, full_name="Lê Văn Đi",
                                status="moved_away"))
    return [Village(thon1.village, first), Village(thon2.village, second), Village(buon.village, [])]
