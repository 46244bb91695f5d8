"""Communes with special difficulties: one flag, and a yearly CSV read on the year's map."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError, ImportFailed
from apps.places import flags
from apps.places.flags import import_commune_flags, parse_yes_no, set_commune_flag
from apps.places.models import CommuneFlag

pytestmark = pytest.mark.django_db

HEADER = "commune_code,year,special_difficulty"


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("canbo", password="demo-pass-123")


def rows_and_columns(caught: pytest.ExceptionInfo) -> list[tuple[int | None, str | None]]:
    return [(error.row, error.column) for error in caught.value.errors]


# --- One flag ------------------------------------------------------------------------


def test_set_flag_creates_then_updates(krong_bong, officer):
    dang_kang = krong_bong.new["24454"]

    flag = set_commune_flag(dang_kang, 2025, True, source="QĐ 861/QĐ-TTg", user=officer)

    assert (flag.unit, flag.year, flag.special_difficulty, flag.source) == (dang_kang, 2025, True,
                                                                            "QĐ 861/QĐ-TTg")
    assert flag.created_by == officer and flag.updated_by == officer
    again = set_commune_flag(dang_kang, 2025, False)
    assert again.pk == flag.pk
    assert again.special_difficulty is False
    assert again.updated_by is None
    assert CommuneFlag.objects.count() == 1
    assert AuditEntry.objects.filter(model="places.CommuneFlag").count() == 2


def test_setting_the_same_value_writes_no_audit_entry(krong_bong):
    set_commune_flag(krong_bong.new["24454"], 2025, True)
    set_commune_flag(krong_bong.new["24454"], 2025, True)

    assert AuditEntry.objects.filter(model="places.CommuneFlag").count() == 1


@pytest.mark.parametrize(
    ("unit", "year", "column"),
    [
        ("district", 2024, "commune_code"),
        ("province", 2025, "commune_code"),
        ("legacy", 1989, "year"),
        ("legacy", 2101, "year"),
        ("legacy", 2026, "year"),  # the legacy commune ended on 30/6/2025
        ("new", 2024, "year"),  # the new commune began on 1/7/2025
    ],
)
def test_set_flag_refuses(krong_bong, unit, year, column):
    target = {
        "district": krong_bong.district,
        "province": krong_bong.province,
        "legacy": krong_bong.legacy["24454"],
        "new": krong_bong.new["24454"],
    }[unit]

    with pytest.raises(DomainError) as caught:
        set_commune_flag(target, year, True)

    assert caught.value.column == column
    assert not CommuneFlag.objects.exists()


def test_both_maps_can_be_flagged_in_the_reform_year(krong_bong):
    set_commune_flag(krong_bong.legacy["24454"], 2025, True)
    set_commune_flag(krong_bong.new["24454"], 2025, False)

    assert CommuneFlag.objects.count() == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("có", True), ("Có", True), ("CO", True), ("1", True), ("Yes", True),
     ("không", False), ("KHÔNG", False), ("khong", False), ("0", False), ("no", False),
     ("", None), ("x", None), ("true", None), ("2", None)],
)
def test_parse_yes_no(value, expected):
    assert parse_yes_no(value) is expected


# --- The CSV import ------------------------------------------------------------------


def test_import_resolves_each_code_on_the_map_of_its_year(krong_bong, officer):
    text = f"{HEADER}\n24454,2024,có\n24454,2025,không\n24481,2023,co\n24481,2025,1\n"

    result = import_commune_flags(text, user=officer)

    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    by_key = {(f.unit_id, f.year): f.special_difficulty for f in CommuneFlag.objects.all()}
    assert by_key == {
        (krong_bong.legacy["24454"].pk, 2024): True,  # Xã Cư KTy
        (krong_bong.new["24454"].pk, 2025): False,  # Xã Dang Kang
        (krong_bong.legacy["24481"].pk, 2023): True,
        (krong_bong.new["24481"].pk, 2025): True,
    }
    assert set(CommuneFlag.objects.values_list("created_by", flat=True)) == {officer.pk}


def test_import_accepts_bom_spacing_source_and_any_column_order(krong_bong):
    text = ("\ufeffYear , Commune_Code,special_difficulty,source\r\n"
            " 2024 , 24454 , Yes , QĐ 861/QĐ-TTg \r\n\r\n,,,\r\n2024,24451,KHÔNG,\r\n")

    result = import_commune_flags(text.encode("utf-8"))

    assert result.created == 2
    flag = CommuneFlag.objects.get(unit=krong_bong.legacy["24454"])
    assert (flag.year, flag.special_difficulty, flag.source) == (2024, True, "QĐ 861/QĐ-TTg")


def test_import_reads_a_file_and_counts_updates(krong_bong, tmp_path):
    set_commune_flag(krong_bong.new["24454"], 2025, True)
    set_commune_flag(krong_bong.new["24481"], 2025, True)
    path = tmp_path / "flags.csv"
    path.write_text(f"{HEADER}\n24454,2025,không\n24481,2025,có\n24484,2025,có\n", encoding="utf-8")

    with path.open("rb") as handle:
        result = import_commune_flags(handle)

    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert [flag.unit.code for flag in result.flags] == ["24454", "24481", "24484"]


BAD_FLAGS = "\n".join([
    HEADER,
    "24454,2024,có",      # 2: fine
    "99999,2024,có",      # 3: no such commune
    "24451,2025,có",      # 4: 24451 is not a commune on the 2025 map
    "24454,1989,có",      # 5: year too early
    "24454,năm,có",       # 6: not a year
    "24454,2023,maybe",   # 7: not a yes/no value
    ",2023,có",           # 8: empty code
    "24454,2024,không",   # 9: same commune and year as row 2
    "24457,2024,có,x",    # 10: more values than the header
    "24457,,",            # 11: empty year and value
]) + "\n"


def test_bad_file_reports_every_error_and_writes_nothing(krong_bong):
    with pytest.raises(ImportFailed) as caught:
        import_commune_flags(BAD_FLAGS)

    assert rows_and_columns(caught) == [
        (3, "commune_code"), (4, "commune_code"), (5, "year"), (6, "year"),
        (7, "special_difficulty"), (8, "commune_code"), (9, "commune_code"), (10, None),
        (11, "year"), (11, "special_difficulty"),
    ]
    assert "row 2" in caught.value.errors[6].english
    assert not CommuneFlag.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("commune_code,year\n24454,2024\n", [(1, "special_difficulty")]),
        (f"{HEADER},note\n24454,2024,có,\n", [(1, "note")]),
        (f"{HEADER},year\n24454,2024,có,2024\n", [(1, "year")]),
        (f"{HEADER}\n", [(2, None)]),
        ("", [(1, None)]),
        (b"commune_code,year,special_difficulty\n24454,2024,c\xf3\n", [(None, None)]),
    ],
    ids=["missing-column", "unknown-column", "repeated-column", "no-rows", "empty", "not-utf8"],
)
def test_malformed_files(krong_bong, text, expected):
    with pytest.raises(ImportFailed) as caught:
        import_commune_flags(text)

    assert rows_and_columns(caught) == expected


def test_import_is_atomic_when_a_write_fails(krong_bong, monkeypatch):
    original = flags._apply
    calls = []

    def failing(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(*args)

    monkeypatch.setattr(flags, "_apply", failing)

    with pytest.raises(RuntimeError):
        import_commune_flags(f"{HEADER}\n24454,2024,có\n24457,2024,có\n")

    assert not CommuneFlag.objects.exists()


def test_command_prints_counts(krong_bong, tmp_path):
    path = tmp_path / "flags.csv"
    path.write_text(f"{HEADER}\n24454,2024,có\n24454,2025,không\n", encoding="utf-8")
    out = io.StringIO()

    call_command("import_commune_flags", str(path), stdout=out)

    assert "2 created, 0 updated, 0 unchanged" in out.getvalue()
    assert AuditEntry.objects.filter(model="places.CommuneFlag",
                                     source="manage.py import_commune_flags").count() == 2


def test_command_fails_with_every_error_in_both_languages(krong_bong, tmp_path):
    path = tmp_path / "flags.csv"
    path.write_text(BAD_FLAGS, encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("import_commune_flags", str(path))

    message = str(caught.value)
    assert "nothing imported (10 errors)" in message
    assert "Dòng 3, cột commune_code" in message and "Row 3, column commune_code" in message
    assert "Row 11, column special_difficulty" in message
    assert not CommuneFlag.objects.exists()


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_commune_flags", str(tmp_path / "none.csv"))
