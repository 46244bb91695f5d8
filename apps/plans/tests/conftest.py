"""Fixtures of the plans tests: organisations of Krông Bông and a small cascade of documents."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.organisations.models import Organisation, OrganisationKind
from apps.plans.models import Document, DocumentKind


@pytest.fixture
def orgs(krong_bong):
    """The People's Committee and the association of the district, Dang Kang and Hòa Sơn."""
    def make(unit, name, kind):
        return Organisation.objects.create(unit=unit, name=name, kind=kind)

    return {
        "district_pc": make(krong_bong.district, "Ủy ban nhân dân huyện Krông Bông",
                            OrganisationKind.PEOPLES_COMMITTEE),
        "district_party": make(krong_bong.district, "Huyện ủy Krông Bông", OrganisationKind.PARTY_COMMITTEE),
        "dangkang_pc": make(krong_bong.new["24454"], "Ủy ban nhân dân xã Dang Kang",
                            OrganisationKind.PEOPLES_COMMITTEE),
        "dangkang_assoc": make(krong_bong.new["24454"], "Hội Khuyến học xã Dang Kang",
                               OrganisationKind.ASSOCIATION),
        "hoason_pc": make(krong_bong.new["24481"], "Ủy ban nhân dân xã Hòa Sơn",
                          OrganisationKind.PEOPLES_COMMITTEE),
        "hoason_assoc": make(krong_bong.new["24481"], "Hội Khuyến học xã Hòa Sơn",
                             OrganisationKind.ASSOCIATION),
    }


@pytest.fixture
def cascade(krong_bong, orgs):
    """Chỉ thị 11 (central) → 122-KH/TU (province) → 145-KH/HU (district) → a Dang Kang plan."""
    directive = Document.objects.create(number="11-CT/TW", kind=DocumentKind.DIRECTIVE,
                                        title="Chỉ thị 11-CT/TW", date=dt.date(2007, 4, 13))
    province = Document.objects.create(number="122-KH/TU", kind=DocumentKind.PLAN, title="Kế hoạch 122",
                                       date=dt.date(2019, 7, 9), parent=directive,
                                       unit=krong_bong.legacy_province)
    district = Document.objects.create(number="145-KH/HU", kind=DocumentKind.PLAN, title="Kế hoạch 145",
                                       parent=province, unit=krong_bong.district)
    commune = Document.objects.create(number="01-KH/UBND-DK", kind=DocumentKind.PLAN,
                                      title="Kế hoạch xã Dang Kang", date=dt.date(2026, 1, 5),
                                      parent=district,
                                      unit=krong_bong.new["24454"])
    neighbour = Document.objects.create(number="01-KH/UBND-HS", kind=DocumentKind.PLAN,
                                        title="Kế hoạch xã Hòa Sơn", date=dt.date(2026, 1, 5),
                                      parent=district,
                                        unit=krong_bong.new["24481"])
    return {"directive": directive, "province": province, "district": district, "commune": commune,
            "neighbour": neighbour}


@pytest.fixture
def district_officer(krong_bong):
    """An officer of the former Huyện Krông Bông: PLANS on the district and the communes below it."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    user = get_user_model().objects.create_user("krongbong_officer", password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role="district_officer", unit=krong_bong.district)
    return user
