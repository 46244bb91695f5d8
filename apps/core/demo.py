"""The Krông Bông demo: users, villages and organisations on both maps.

Units come from the national lists (``load_places``). Villages and organisations
created here are flagged ``is_demo`` and shown as demo data: their names are
generic or those of the public bodies every district has; no person's name,
telephone or e-mail is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.accounts.audit import audit_context
from apps.accounts.models import RoleAssignment
from apps.organisations.models import Organisation, OrganisationKind
from apps.places import services
from apps.places.models import Structure, Unit, UnitKind

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented password of the local demo
PROVINCE = "66"  # Tỉnh Đắk Lắk
LEGACY_DISTRICT = "653"  # Huyện Krông Bông (until 30/6/2025)
NEW_COMMUNES = ["24448", "24454", "24481", "24484", "24478"]  # since 1/7/2025


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    description: str


DEMO_USERS = [
    DemoUser("admin", "system_admin", "quản trị hệ thống / system administrator"),
    DemoUser("tinh", "province_viewer", "xem cấp tỉnh Đắk Lắk / province viewer, Đắk Lắk"),
    DemoUser("krongbong", "district_officer",
             "cán bộ huyện Krông Bông (trước 1/7/2025) / officer of the former Huyện Krông Bông"),
    DemoUser("dangkang", "commune_officer", "cán bộ xã Dang Kang / commune officer, Xã Dang Kang"),
    DemoUser("hoason", "commune_officer", "cán bộ xã Hòa Sơn / commune officer, Xã Hòa Sơn"),
]

COMMUNE_VILLAGES = [("Thôn 1", "thôn"), ("Thôn 2", "thôn"), ("Thôn 3", "thôn"), ("Buôn 1", "buôn")]
TOWN_VILLAGES = [("Tổ dân phố 1", "tổ dân phố"), ("Tổ dân phố 2", "tổ dân phố"), ("Thôn 1", "thôn")]


def _commune_organisations(short: str) -> list[tuple[str, str]]:
    return [
        (f"Đảng ủy xã {short}", OrganisationKind.PARTY_COMMITTEE),
        (f"Ủy ban nhân dân xã {short}", OrganisationKind.PEOPLES_COMMITTEE),
        (f"Ủy ban Mặt trận Tổ quốc Việt Nam xã {short}", OrganisationKind.FATHERLAND_FRONT),
        (f"Hội Khuyến học xã {short}", OrganisationKind.ASSOCIATION),
        (f"Trung tâm học tập cộng đồng xã {short}", OrganisationKind.LEARNING_CENTRE),
        (f"Trạm Y tế xã {short}", OrganisationKind.HOSPITAL),
    ]


DISTRICT_ORGANISATIONS = [
    ("Huyện ủy Krông Bông", OrganisationKind.PARTY_COMMITTEE),
    ("Ủy ban nhân dân huyện Krông Bông", OrganisationKind.PEOPLES_COMMITTEE),
    ("Hội Khuyến học huyện Krông Bông", OrganisationKind.ASSOCIATION),
    ("Phòng Giáo dục và Đào tạo huyện Krông Bông", OrganisationKind.AGENCY),
]
PROVINCE_ORGANISATIONS = [
    ("Tỉnh ủy Đắk Lắk", OrganisationKind.PARTY_COMMITTEE),
    ("Ủy ban nhân dân tỉnh Đắk Lắk", OrganisationKind.PEOPLES_COMMITTEE),
    ("Hội Khuyến học tỉnh Đắk Lắk", OrganisationKind.ASSOCIATION),
    ("Sở Giáo dục và Đào tạo tỉnh Đắk Lắk", OrganisationKind.AGENCY),
]


class PlacesMissing(Exception):
    pass


def _unit(structure: str, kind: str, code: str) -> Unit:
    try:
        return Unit.objects.get(structure=structure, kind=kind, code=code)
    except Unit.DoesNotExist:
        raise PlacesMissing(f"{kind} {code} ({structure}) is missing: run `manage.py load_places`.") from None


def _organisation(unit: Unit, name: str, kind: str, parent: Organisation | None) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        unit=unit, name=name, defaults={"kind": kind, "parent": parent, "is_demo": True},
    )
    return organisation


def _villages(commune: Unit, names: list[tuple[str, str]]) -> int:
    created = 0
    existing = set(commune.children.values_list("name_key", flat=True))
    for name, division_type in names:
        if services.normalise_name(name) not in existing:
            services.create_village(commune, name, division_type, is_demo=True)
            created += 1
    return created


def _users(units: dict[str, Unit | None]) -> None:
    User = get_user_model()
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(username=demo.username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.first_name = demo.username
            if demo.role == "system_admin":
                user.is_staff = user.is_superuser = True
            user.save()
        RoleAssignment.objects.get_or_create(user=user, role=demo.role, unit=units[demo.username],
                                             defaults={"is_demo": True})


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create (or complete) the demo; a second run changes nothing."""
    with audit_context(actor="demo", source="manage.py demo"):
        district = _unit(Structure.LEGACY, UnitKind.DISTRICT, LEGACY_DISTRICT)
        province = _unit(Structure.REFORM_2025, UnitKind.PROVINCE, PROVINCE)
        communes = [_unit(Structure.REFORM_2025, UnitKind.COMMUNE, code) for code in NEW_COMMUNES]
        villages = 0
        for commune in communes:
            villages += _villages(commune, TOWN_VILLAGES if commune.code == "24448" else COMMUNE_VILLAGES)
        for legacy in district.children.filter(kind=UnitKind.COMMUNE):
            villages += _villages(legacy, COMMUNE_VILLAGES[:2])

        before = Organisation.objects.filter(is_demo=True).count()
        top = {}
        for name, kind in PROVINCE_ORGANISATIONS:
            top[kind] = _organisation(province, name, kind, None)
        for name, kind in DISTRICT_ORGANISATIONS:
            _organisation(district, name, kind, top.get(kind))
        for commune in communes:
            short = commune.name.removeprefix("Xã ").removeprefix("Phường ")
            for name, kind in _commune_organisations(short):
                _organisation(commune, name, kind, top.get(kind))
        _users({
            "admin": None, "tinh": province, "krongbong": district,
            "dangkang": communes[1], "hoason": communes[2],
        })
        return {
            "villages": villages,
            "organisations": Organisation.objects.filter(is_demo=True).count() - before,
        }
