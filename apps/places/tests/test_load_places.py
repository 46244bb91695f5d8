"""``load_places``: both national maps, the reform's links, the official-list CSV.

One test loads the whole country; the others load the 2025 province of Đắk Lắk
(code 66: the former Đắk Lắk and Phú Yên), which holds Huyện Krông Bông.
"""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError, ImportFailed
from apps.places import services
from apps.places.loading import (
    load_places,
    match_key,
    official_from_package,
    read_official_csv,
)
from apps.places.models import LEGACY_END, REFORM_DATE, Unit, UnitLink
from apps.places.testing import LEGACY_COMMUNES, NEW_COMMUNES

pytestmark = pytest.mark.django_db

SURVEY_2024 = dt.date(2024, 9, 30)
SURVEY_2025 = dt.date(2025, 9, 30)


def count(structure: str, kind: str) -> int:
    return Unit.objects.filter(structure=structure, kind=kind).count()


def predecessors(unit: Unit) -> list[tuple[str, str, str]]:
    return sorted(
        (link.predecessor.code, link.predecessor.name, link.predecessor.structure)
        for link in unit.predecessor_links.select_related("predecessor")
    )


def load_audit_entries() -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.COMMAND, object_repr="load_places").count()


@pytest.mark.slow
def test_whole_country_loads_both_maps_once():
    first = load_places()

    assert (count("legacy", "province"), count("legacy", "district"), count("legacy", "commune")) == (
        63, 696, 10035  # 10,040 rows in the source: 5 are island districts without communes
    )
    assert (count("2025", "province"), count("2025", "district"), count("2025", "commune")) == (34, 0, 3321)
    assert first.unmatched == []
    assert first.links.total("merged") + first.links.total("divided") == UnitLink.objects.count()
    assert not Unit.objects.filter(latitude__isnull=True).exists()

    hoa_son = Unit.objects.get(structure="2025", name="Xã Hòa Sơn", parent__code="66")
    assert hoa_son.code == "24481"  # the official code; vietnamadminunits says 24472
    assert services.resolve("24454", SURVEY_2024).name == "Xã Cư KTy"
    dang_kang = services.resolve("24454", SURVEY_2025)
    assert dang_kang.name == "Xã Dang Kang"
    assert dang_kang.path == "/N/66/24454/"
    assert predecessors(dang_kang) == [
        ("24451", "Xã Dang Kang", "legacy"),
        ("24454", "Xã Cư KTy", "legacy"),
        ("24457", "Xã Hòa Thành", "legacy"),
    ]
    con_dao = Unit.objects.get(structure="legacy", kind="district", name="Huyện Côn Đảo")
    assert not con_dao.children.exists()
    assert con_dao.successor_links.get().successor.division_type == "đặc khu"
    assert load_audit_entries() == 1

    second = load_places()

    assert not second.changed
    assert sum(second.units["legacy"].unchanged.values()) == 63 + 696 + 10035
    assert sum(second.units["2025"].unchanged.values()) == 34 + 3321
    assert load_audit_entries() == 1


def test_province_loads_krong_bong_before_and_after():
    result = load_places(province="66")

    assert result.unmatched == []
    legacy_province = Unit.objects.get(structure="legacy", kind="province", code="66")
    assert legacy_province.name == "Tỉnh Đắk Lắk"
    assert legacy_province.division_type == "tỉnh"
    assert legacy_province.valid_from is None and legacy_province.valid_to == LEGACY_END
    district = Unit.objects.get(structure="legacy", kind="district", code="653")
    assert (district.name, district.path, district.parent) == ("Huyện Krông Bông", "/L/66/653/",
                                                                legacy_province)
    communes = {u.code: u for u in district.children.all()}
    assert sorted((code, unit.name, unit.division_type) for code, unit in communes.items()) == sorted(
        LEGACY_COMMUNES
    )
    assert communes["24454"].path == "/L/66/653/24454/"
    assert communes["24454"].name_key == "xã cư kty"

    province = Unit.objects.get(structure="2025", kind="province", code="66")
    assert (province.name, province.path, province.valid_from, province.valid_to) == (
        "Tỉnh Đắk Lắk", "/N/66/", REFORM_DATE, None
    )
    assert sorted(link.predecessor.code for link in province.predecessor_links.all()) == ["54", "66"]
    assert not Unit.objects.filter(structure="legacy", kind="province").exclude(
        code__in=["54", "66"]).exists()
    for code, name, sources in NEW_COMMUNES:
        unit = Unit.objects.get(structure="2025", kind="commune", code=code)
        assert (unit.name, unit.parent, unit.path) == (name, province, f"/N/66/{code}/")
        assert unit.latitude and unit.longitude
        links = unit.predecessor_links.all()
        assert sorted(link.predecessor.code for link in links) == sorted(sources)
        assert {(link.kind, link.is_default, link.effective_on) for link in links} == {
            ("merged", True, REFORM_DATE)
        }


def test_divided_communes_have_one_default_successor():
    load_places(province="66")

    divided = UnitLink.objects.filter(kind="divided")
    assert divided.exists()
    by_predecessor: dict[int, list[bool]] = {}
    for link in divided:
        by_predecessor.setdefault(link.predecessor_id, []).append(link.is_default)
    assert all(sorted(flags) == [False, True] for flags in by_predecessor.values())
    ea_bhok = Unit.objects.get(structure="legacy", kind="commune", name="Xã Ea BHốk")
    assert {(link.successor.name, link.is_default) for link in ea_bhok.successor_links.all()} == {
        ("Xã Dray Bhăng", True), ("Xã Ea Ktur", False)
    }


def test_second_run_changes_nothing_and_writes_one_audit_entry():
    first = load_places(province="66")
    assert first.changed
    assert load_audit_entries() == 1
    before = list(Unit.objects.order_by("pk").values_list("pk", "path", "updated_at"))

    second = load_places(province="66")

    assert not second.changed
    assert second.units["2025"].unchanged == first.units["2025"].created
    assert second.links.unchanged == first.links.created
    assert list(Unit.objects.order_by("pk").values_list("pk", "path", "updated_at")) == before
    assert load_audit_entries() == 1


def test_a_spoilt_unit_and_link_are_corrected_and_extra_links_kept():
    load_places(province="66")
    dang_kang = Unit.objects.get(structure="2025", code="24454")
    Unit.objects.filter(pk=dang_kang.pk).update(name="Xã Dang Kan", latitude=None)
    UnitLink.objects.filter(successor=dang_kang).update(is_default=False)
    extra = UnitLink.objects.create(predecessor=Unit.objects.get(structure="legacy", code="24448"),
                                    successor=dang_kang, kind="divided", is_default=False)

    result = load_places(province="66")

    assert (result.units["2025"].updated["commune"], sum(result.links.updated.values())) == (1, 3)
    dang_kang.refresh_from_db()
    assert dang_kang.name == "Xã Dang Kang" and dang_kang.name_key == "xã dang kang"
    assert dang_kang.latitude is not None
    assert set(UnitLink.objects.filter(successor=dang_kang).values_list("is_default", flat=True)) == {
        True, False
    }
    assert UnitLink.objects.filter(pk=extra.pk).exists()  # not in the source, but never deleted
    assert load_audit_entries() == 2


def test_dry_run_writes_nothing():
    result = load_places(province="66", dry_run=True)

    assert sum(result.units["legacy"].created.values()) > 0
    assert not Unit.objects.exists()
    assert not UnitLink.objects.exists()
    assert load_audit_entries() == 0


def test_load_completes_the_fixture_and_keeps_villages(krong_bong):
    village = services.create_village(krong_bong.legacy["24454"], "Buôn Cư KTy")

    result = load_places(province="66")

    # The fixture's units are the same units (same ids), now with coordinates.
    assert result.units["2025"].updated["commune"] == 5
    assert Unit.objects.get(structure="2025", code="24454").pk == krong_bong.new["24454"].pk
    village.refresh_from_db()
    assert village.parent_id == krong_bong.legacy["24454"].pk
    assert village.path.startswith("/L/66/653/24454/")
    assert Unit.objects.filter(kind="village").count() == 1


def test_village_follows_its_commune_when_the_path_is_corrected(krong_bong):
    commune = krong_bong.legacy["24454"]
    Unit.objects.filter(pk=commune.pk).update(path="/L/66/999/24454/")
    commune.refresh_from_db()
    village = services.create_village(commune, "Buôn Cư KTy")
    assert village.path == "/L/66/999/24454/24454-001/"

    result = load_places(province="66")

    assert result.village_paths_moved == 1
    village.refresh_from_db()
    assert village.path == "/L/66/653/24454/24454-001/"


def test_unknown_province_is_refused():
    with pytest.raises(DomainError):
        load_places(province="99")
    with pytest.raises(CommandError, match="99"):
        call_command("load_places", "--province", "99")


def test_command_prints_counts():
    out = io.StringIO()

    call_command("load_places", "--province", "66", stdout=out)

    text = out.getvalue()
    assert "Map before 1 July 2025: 2 provinces, 24 districts, 286 communes" in text
    assert "Map from 1 July 2025: 1 province, 102 communes" in text
    assert "Links: 280 merged, 16 divided" in text
    assert "Unmatched: 0" in text
    assert "Elapsed:" in text


def test_match_key_equates_spellings():
    assert match_key("Xã Thuận Hoà") == match_key("xã  thuận hòa")
    assert match_key("Xã Sơn Thuỷ") == match_key("Xã Sơn Thủy")
    assert match_key("Xã Ea H’Leo") == match_key("Xã Ea H'Leo")
    assert match_key("Xã Chân Mây – Lăng Cô") == match_key("Xã Chân Mây - Lăng Cô")
    assert match_key("Phường Hoàn Kiếm") == "phường hoàn kiếm"  # a tone before a consonant stays
    assert match_key("Xã Hòa Sơn") != match_key("Xã Hòa Sơn 1")


# --- The official-list CSV -----------------------------------------------------------

HEADER = "province_code,province_name,commune_code,commune_name,division_type"


def official_csv(province_code: str = "66", replace: dict[str, tuple[str, str]] | None = None) -> str:
    """The package's official list of one province as CSV, with some codes/names replaced."""
    replace = replace or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    for province in official_from_package():
        if province.code != province_code:
            continue
        for commune in province.communes:
            code, name = replace.get(commune.code, (commune.code, commune.name))
            writer.writerow([province.code, province.name, code, name, commune.division_type])
    return out.getvalue()


def test_official_csv_replaces_the_package_list(tmp_path):
    # A later list gave Xã Hòa Sơn the code 24472; its name is spelled the old way here.
    path = tmp_path / "official.csv"
    path.write_text("\ufeff" + official_csv(replace={"24481": ("24472", "Xã Hoà Sơn")}), encoding="utf-8")

    result = load_places(province="66", official_csv=path)

    assert result.unmatched == []
    hoa_son = Unit.objects.get(structure="2025", kind="commune", code="24472")
    assert hoa_son.name == "Xã Hoà Sơn"
    assert hoa_son.latitude is not None  # coordinates matched whatever the tone placement
    assert sorted(link.predecessor.code for link in hoa_son.predecessor_links.all()) == [
        "24469", "24472", "24481"
    ]
    assert not Unit.objects.filter(structure="2025", code="24481").exists()


def test_official_csv_commune_unknown_to_the_sources_is_reported(tmp_path):
    path = tmp_path / "official.csv"
    path.write_text(official_csv(replace={"24481": ("24481", "Xã Hòa Sơn Mới")}), encoding="utf-8")

    result = load_places(province="66", official_csv=path)

    categories = sorted(item.category for item in result.unmatched)
    assert categories == [
        "2025 commune of vietnamadminunits not in the official list",
        *["link to an unknown 2025 unit"] * 3,
        "official commune without coordinates",
    ]
    new = Unit.objects.get(structure="2025", code="24481")
    assert new.name == "Xã Hòa Sơn Mới"
    assert new.latitude is None
    assert not new.predecessor_links.exists()  # never guessed


def test_official_csv_pads_codes_that_lost_their_zeros():
    text = f"{HEADER}\n1,Thành phố Hà Nội,70,Phường Hoàn Kiếm,Phường\n4,Cao Bằng,1501,Xã Đàm Thuỷ,xã\n"

    provinces = read_official_csv(text)

    assert [(p.code, p.name, p.division_type) for p in provinces] == [
        ("01", "Thành phố Hà Nội", "thành phố trung ương"), ("04", "Tỉnh Cao Bằng", "tỉnh")
    ]
    assert provinces[0].communes[0].code == "00070"
    assert provinces[0].communes[0].division_type == "phường"


BAD_OFFICIAL = "\n".join([
    HEADER,
    "66,Tỉnh Đắk Lắk,24454,Xã Dang Kang,xã",           # 2: fine
    "66,Tỉnh Đắk Lắk,,Xã Không Mã,xã",                 # 3: empty commune code
    "66,Tỉnh Đắk Lắk,24454,Xã Trùng Mã,xã",            # 4: duplicate commune code
    "66,Tỉnh Đắk Lắk,24455,Xã Lạ,thôn",                # 5: unknown division type
    "66,Tỉnh Đắc Lắc,24456,Xã Tên Tỉnh,xã",            # 6: the province is named otherwise in row 2
    "6x,Tỉnh Mới,24457,Xã Mã Tỉnh,xã",                 # 7: a province code that is not digits
    "66,Tỉnh Đắk Lắk,24458,,phường",                   # 8: empty commune name
    "66,Tỉnh Đắk Lắk,24459,Xã dang  kang,xã",          # 9: the same name twice in the province
    "66,Tỉnh Đắk Lắk,24460,Xã Thừa,xã,extra",          # 10: more values than the header
]) + "\n"


def test_bad_official_csv_reports_every_error_and_writes_nothing(tmp_path):
    load_places(province="66")
    units_before = Unit.objects.count()
    path = tmp_path / "bad.csv"
    path.write_text(BAD_OFFICIAL, encoding="utf-8")

    with pytest.raises(ImportFailed) as caught:
        load_places(province="66", official_csv=path)

    found = {(error.row, error.column) for error in caught.value.errors}
    assert found == {
        (10, None),
        (3, "commune_code"), (4, "commune_code"), (5, "division_type"), (6, "province_name"),
        (7, "province_code"), (8, "commune_name"), (9, "commune_name"),
    }
    assert Unit.objects.count() == units_before
    assert load_audit_entries() == 1


def test_bad_official_csv_fails_the_command_with_both_languages(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_OFFICIAL, encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("load_places", "--province", "66", "--official-csv", str(path))

    message = str(caught.value)
    assert "Dòng 4, cột commune_code" in message
    assert "Row 4, column commune_code" in message
    assert "Row 5, column division_type" in message
    assert not Unit.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("province_code,province_name,commune_code,commune_name\n66,Đắk Lắk,1,Xã A\n",
         {(1, "division_type")}),
        (f"{HEADER},note\n66,Đắk Lắk,1,Xã A,xã,\n", {(1, "note")}),
        (f"{HEADER}\n", {(2, None)}),
        ("", {(1, None)}),
        (HEADER.encode() + "\n66,Dak Lak,1,Xã Hòa,xã\n".encode("latin-1"), {(None, None)}),
    ],
    ids=["missing-column", "unknown-column", "no-rows", "empty", "not-utf8"],
)
def test_malformed_official_csv(content, expected):
    with pytest.raises(ImportFailed) as caught:
        read_official_csv(content)

    assert {(error.row, error.column) for error in caught.value.errors} == expected
