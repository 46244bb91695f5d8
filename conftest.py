"""Shared fixtures: a slice of both maps (Krông Bông) and the personas of every scope test."""

import pytest


@pytest.fixture
def krong_bong(db):
    from apps.places.testing import build_krong_bong

    return build_krong_bong()


def _user_with_role(username: str, role: str, unit):
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    user = get_user_model().objects.create_user(username, password="demo-pass-123")
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def commune_officer(krong_bong):
    """Officer of the 2025 Xã Dang Kang."""
    return _user_with_role("dangkang", "commune_officer", krong_bong.new["24454"])


@pytest.fixture
def district_viewer(krong_bong):
    """Viewer of the former Huyện Krông Bông, above Dang Kang."""
    return _user_with_role("krongbong", "district_viewer", krong_bong.district)


@pytest.fixture
def neighbour_officer(krong_bong):
    """Officer of Xã Hòa Sơn, the neighbouring commune: must see nothing of Dang Kang."""
    return _user_with_role("hoason", "commune_officer", krong_bong.new["24481"])


@pytest.fixture
def province_viewer(krong_bong):
    return _user_with_role("tinh", "province_viewer", krong_bong.province)


@pytest.fixture
def roleless_user(db):
    return _user_with_role("nobody", "", None)


@pytest.fixture
def admin_user_(db):
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    user = get_user_model().objects.create_user("admin", password="demo-pass-123", is_staff=True)
    RoleAssignment.objects.create(user=user, role="system_admin")
    return user
