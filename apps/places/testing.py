"""A small, real slice of both maps for tests: Huyện Krông Bông (Đắk Lắk) before and after 2025.

Codes and names are those of the national lists (legacy: vietnamadminunits;
2025: the National Statistics Office list), so tests exercise the code reuse of
the reform (24454 is Xã Cư KTy before and Xã Dang Kang after).
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.places.models import LEGACY_END, REFORM_DATE, Structure, Unit, UnitKind, UnitLink

LEGACY_COMMUNES = [
    ("24448", "Thị trấn Krông Kmar", "thị trấn"),
    ("24451", "Xã Dang Kang", "xã"),
    ("24454", "Xã Cư KTy", "xã"),
    ("24457", "Xã Hòa Thành", "xã"),
    ("24463", "Xã Hòa Phong", "xã"),
    ("24466", "Xã Hòa Lễ", "xã"),
    ("24469", "Xã Yang Reh", "xã"),
    ("24472", "Xã Ea Trul", "xã"),
    ("24475", "Xã Khuê Ngọc Điền", "xã"),
    ("24478", "Xã Cư Pui", "xã"),
    ("24481", "Xã Hòa Sơn", "xã"),
    ("24484", "Xã Cư Drăm", "xã"),
    ("24487", "Xã Yang Mao", "xã"),
]
# New commune (2025 code) ← legacy communes merged into it (legacy codes).
NEW_COMMUNES = [
    ("24448", "Xã Krông Bông", ["24448", "24466", "24475"]),
    ("24454", "Xã Dang Kang", ["24451", "24454", "24457"]),
    ("24478", "Xã Cư Pui", ["24463", "24478"]),
    ("24481", "Xã Hòa Sơn", ["24469", "24472", "24481"]),
    ("24484", "Xã Yang Mao", ["24484", "24487"]),
]


@dataclass
class KrongBong:
    legacy_province: Unit
    district: Unit
    legacy: dict[str, Unit]  # legacy communes by code
    province: Unit
    new: dict[str, Unit]  # 2025 communes by code


def _unit(code, name, kind, division_type, structure, parent=None, **extra) -> Unit:
    prefix = "/L/" if structure == Structure.LEGACY else "/N/"
    path = f"{parent.path}{code}/" if parent else f"{prefix}{code}/"
    valid = {"valid_to": LEGACY_END} if structure == Structure.LEGACY else {"valid_from": REFORM_DATE}
    return Unit.objects.create(
        code=code, name=name, name_key=name.casefold(), kind=kind, division_type=division_type,
        structure=structure, parent=parent, path=path, **valid, **extra,
    )


def build_krong_bong(with_phu_yen: bool = True) -> KrongBong:
    """Both maps of Krông Bông, the 2025 province of Đắk Lắk and its predecessors."""
    legacy_province = _unit("66", "Tỉnh Đắk Lắk", UnitKind.PROVINCE, "tỉnh", Structure.LEGACY)
    district = _unit("653", "Huyện Krông Bông", UnitKind.DISTRICT, "huyện", Structure.LEGACY,
                     legacy_province)
    legacy = {
        code: _unit(code, name, UnitKind.COMMUNE, kind, Structure.LEGACY, district)
        for code, name, kind in LEGACY_COMMUNES
    }
    province = _unit("66", "Tỉnh Đắk Lắk", UnitKind.PROVINCE, "tỉnh", Structure.REFORM_2025)
    UnitLink.objects.create(predecessor=legacy_province, successor=province, kind=UnitLink.Kind.MERGED)
    if with_phu_yen:
        phu_yen = _unit("54", "Tỉnh Phú Yên", UnitKind.PROVINCE, "tỉnh", Structure.LEGACY)
        UnitLink.objects.create(predecessor=phu_yen, successor=province, kind=UnitLink.Kind.MERGED)
    new = {}
    for code, name, sources in NEW_COMMUNES:
        new[code] = _unit(code, name, UnitKind.COMMUNE, "xã", Structure.REFORM_2025, province)
        for source in sources:
            UnitLink.objects.create(predecessor=legacy[source], successor=new[code],
                                    kind=UnitLink.Kind.MERGED)
    return KrongBong(legacy_province, district, legacy, province, new)
