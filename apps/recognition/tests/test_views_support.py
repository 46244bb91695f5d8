"""Builders and fixtures shared by the page, API, certificate and export tests (no test here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from apps.people import testing as people
from apps.recognition import services
from apps.recognition.models import Registration
from apps.recognition.tests.conftest import YEAR

HEAD = "Y Blốk Niê"


def family(commune, code: str, *, head: str = HEAD, child_enrolled: bool = True, village: str = "Thôn 1"):
    """A household of Dang Kang: a literate head of 40 and a child of 10 (enrolled or not)."""
    home = people.household(commune, code, village)
    people.person(home, "01", birth_year=YEAR - 40, year=YEAR, highest_grade_completed=9, full_name=head,
                  relation="head")
    people.person(
        home, "02", birth_year=YEAR - 10, year=YEAR, full_name="H'Hen Niê",
        enrolled_level="primary" if child_enrolled else "", enrolled_grade=4 if child_enrolled else None,
        highest_grade_completed=3,
    )
    return home


def scored_campaign(campaign, dang_kang, officer, checker, *, codes=("H001", "H002")):
    """Households registered by village, scored from the registry and by hand, approved by the checker."""
    for number, code in enumerate(codes):
        family(dang_kang, code, head=f"{HEAD} {number}")
    village = people.village(dang_kang, "Thôn 1")
    services.register_village_households(campaign, village, officer)
    services.autoscore_campaign(campaign, officer)
    for registration in campaign.registrations.all():
        services.record_scores(registration, {"1b": 8, "2b": 7}, officer)
        services.approve(registration, checker)
    return list(campaign.registrations.order_by("household__code"))


def decided_campaign(campaign, dang_kang, officer, checker):
    registrations = scored_campaign(campaign, dang_kang, officer, checker)
    services.decide(campaign, officer, number="12/QĐ-UBND", date=dt.date(YEAR, 11, 20),
                    signer="Nguyễn Văn Chủ", signer_title="Chủ tịch", registrations=registrations)
    return Registration.objects.filter(campaign=campaign).order_by("household__code")


@pytest.fixture(autouse=True)
def english_interface(request):
    """Imported by the page tests: their client asks for English (the labels they read)."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
