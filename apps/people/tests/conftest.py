"""Fixtures shared by the registry's tests (the personas and the map are in the root conftest.py)."""

import pytest


@pytest.fixture
def dang_kang(krong_bong):
    """Xã Dang Kang on the 2025 map, where ``commune_officer`` works."""
    return krong_bong.new["24454"]
