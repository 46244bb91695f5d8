"""Fixtures of the fund: association committees, funds and the people who run them."""

from __future__ import annotations

import pytest

from apps.organisations.models import Organisation, OrganisationKind


def _user(username: str, role: str, unit):
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    user = get_user_model().objects.create_user(username, password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def committee(unit, name: str) -> Organisation:
    return Organisation.objects.get_or_create(unit=unit, name=name,
                                              defaults={"kind": OrganisationKind.ASSOCIATION})[0]


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def fund(dang_kang):
    from apps.fund import services

    committee(dang_kang, "Hội Khuyến học xã Dang Kang")
    return services.create_fund(None, code="DK", name="Quỹ khuyến học xã Dang Kang", unit=dang_kang)


@pytest.fixture
def hoa_son_fund(krong_bong):
    from apps.fund import services

    unit = krong_bong.new["24481"]
    committee(unit, "Hội Khuyến học xã Hòa Sơn")
    return services.create_fund(None, code="HS", name="Quỹ khuyến học xã Hòa Sơn", unit=unit)


@pytest.fixture
def treasurer(dang_kang):
    """Fund treasurer of Xã Dang Kang (FUND only)."""
    return _user("thuquy", "fund_treasurer", dang_kang)


@pytest.fixture
def association_officer(dang_kang):
    """Association officer of Xã Dang Kang (FUND among others): the checker."""
    return _user("hoikh", "association_officer", dang_kang)


@pytest.fixture
def neighbour_treasurer(krong_bong):
    """Fund treasurer of Xã Hòa Sơn: must neither see nor post to Dang Kang's fund."""
    return _user("thuquyhs", "fund_treasurer", krong_bong.new["24481"])
