"""A commune's villages from a CSV: validated whole, written whole or not at all."""

import io
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from apps.core.errors import DomainError, ImportFailed
from apps.places import services
from apps.places.models import Unit
from apps.places.village_import import import_villages

pytestmark = pytest.mark.django_db


def villages(commune: Unit) -> list[tuple[str, str, str]]:
    return sorted(commune.children.filter(kind="village").values_list("code", "name", "division_type"))


def rows_and_columns(caught: pytest.ExceptionInfo) -> list[tuple[int | None, str | None]]:
    return [(error.row, error.column) for error in caught.value.errors]


def test_good_file_creates_every_village(krong_bong):
    dang_kang = krong_bong.new["24454"]
    user = get_user_model().objects.create_user("canbo", password="demo-pass-123")
    text = "name,type,code\nBuôn Cư KTy,buôn,CK\nThôn 1,,\nTổ dân phố 2,Tổ Dân Phố,\n"

    result = import_villages(dang_kang, text, user=user)

    assert [v.name for v in result.created] == ["Buôn Cư KTy", "Thôn 1", "Tổ dân phố 2"]
    # Numbered by services.next_village_code; a village's own code takes no number.
    assert villages(dang_kang) == [
        ("24454-001", "Thôn 1", "thôn"),
        ("24454-002", "Tổ dân phố 2", "tổ dân phố"),
        ("CK", "Buôn Cư KTy", "buôn"),
    ]
    buon = result.created[0]
    assert (buon.path, buon.structure, buon.valid_from) == ("/N/66/24454/CK/", "2025", dang_kang.valid_from)
    assert buon.created_by == user


def test_code_column_is_optional_and_bom_semicolons_nfd_are_accepted(krong_bong):
    commune = krong_bong.legacy["24454"]
    decomposed = unicodedata.normalize("NFD", "Buôn Ea Kroa")
    text = f"\ufeffName;Type\r\n  {decomposed}  ;Buôn\r\n;\r\nThôn  Hai;thôn\r\n"

    result = import_villages(commune, text.encode("utf-8"))

    assert villages(commune) == [("24454-001", "Buôn Ea Kroa", "buôn"), ("24454-002", "Thôn Hai", "thôn")]
    assert result.created[0].name == unicodedata.normalize("NFC", "Buôn Ea Kroa")
    assert result.created[0].path == "/L/66/653/24454/24454-001/"


def test_numbering_never_takes_a_code_the_file_asks_for(krong_bong):
    commune = krong_bong.new["24481"]

    import_villages(commune, "name,type,code\nThôn A,thôn,\nThôn B,thôn,24481-001\n")

    assert villages(commune) == [("24481-001", "Thôn B", "thôn"), ("24481-002", "Thôn A", "thôn")]


def test_reads_a_path_and_an_open_file(krong_bong, tmp_path):
    path = tmp_path / "thon.csv"
    path.write_text("name,type\nThôn 1,thôn\n", encoding="utf-8")

    import_villages(krong_bong.new["24454"], path)
    with path.open(encoding="utf-8") as handle:
        import_villages(krong_bong.new["24481"], handle)

    assert Unit.objects.filter(kind="village").count() == 2


def test_bad_file_reports_every_error_and_writes_nothing(krong_bong):
    commune = krong_bong.new["24454"]
    services.create_village(commune, "Thôn Cũ", code="OLD")
    text = "\n".join([
        "name,type,code",
        "Thôn Mới,thôn,NEW",       # 2: fine
        ",thôn,",                  # 3: empty name
        "Thôn Lạ,xóm,",            # 4: unknown type
        "Thôn Dấu,thôn,a b",       # 5: code with a space
        "THÔN  CŨ,thôn,",          # 6: the commune already has it (any spelling)
        "Thôn Khác,thôn,OLD",      # 7: the commune already has the code
        "thôn mới,thôn,",          # 8: the same name as row 2
        "Thôn Ba,thôn,NEW",        # 9: the same code as row 2
        f"{'x' * 201},thôn,",      # 10: too long
        "Thôn Bốn,thôn,,extra",    # 11: more values than the header
    ]) + "\n"

    with pytest.raises(ImportFailed) as caught:
        import_villages(commune, text)

    assert rows_and_columns(caught) == [
        (3, "name"), (4, "type"), (5, "code"), (6, "name"), (7, "code"), (8, "name"), (9, "code"),
        (10, "name"), (11, None),
    ]
    assert "row 2" in caught.value.errors[5].english
    assert villages(commune) == [("OLD", "Thôn Cũ", "thôn")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name\nThôn 1\n", [(1, "type")]),
        ("name,type,note\nThôn 1,thôn,\n", [(1, "note")]),
        ("name,type\n", [(2, None)]),
        ("", [(1, None)]),
        (b"name,type\nTh\xf4n 1,th\xf4n\n", [(None, None)]),
    ],
    ids=["missing-column", "unknown-column", "no-rows", "empty", "not-utf8"],
)
def test_malformed_files(krong_bong, text, expected):
    with pytest.raises(ImportFailed) as caught:
        import_villages(krong_bong.new["24454"], text)

    assert rows_and_columns(caught) == expected


def test_only_a_commune_takes_villages(krong_bong):
    with pytest.raises(DomainError):
        import_villages(krong_bong.district, "name,type\nThôn 1,thôn\n")

    assert not Unit.objects.filter(kind="village").exists()


def test_import_is_atomic_when_a_write_fails(krong_bong, monkeypatch):
    original = services.create_village
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "create_village", failing)

    with pytest.raises(RuntimeError):
        import_villages(krong_bong.new["24454"], "name,type\nThôn 1,thôn\nThôn 2,thôn\n")

    assert not Unit.objects.filter(kind="village").exists()


@pytest.mark.parametrize(
    ("on", "commune_name"),
    [("2024-09-30", "Xã Cư KTy"), ("2025-06-30", "Xã Cư KTy"), ("2025-07-01", "Xã Dang Kang")],
)
def test_command_resolves_the_code_on_the_date(krong_bong, tmp_path, on, commune_name):
    path = tmp_path / "thon.csv"
    path.write_text("name,type\nThôn 1,thôn\n", encoding="utf-8")
    out = io.StringIO()

    call_command("import_villages", "24454", str(path), "--on", on, stdout=out)

    village = Unit.objects.get(kind="village")
    assert village.parent.name == commune_name
    assert f"{commune_name} (24454" in out.getvalue()
    assert "1 villages created" in out.getvalue()


def test_command_fails_with_every_error(krong_bong, tmp_path):
    path = tmp_path / "thon.csv"
    path.write_text("name,type\n,thôn\nThôn 2,xóm\n", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("import_villages", "24454", str(path), "--on", "2025-09-30")

    message = str(caught.value)
    assert "nothing imported (2 errors)" in message
    assert "Dòng 2, cột name" in message and "Row 3, column type" in message
    assert not Unit.objects.filter(kind="village").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99999", "thon.csv", "--on", "2025-09-30"], "99999"),
        (["24451", "thon.csv", "--on", "2025-09-30"], "24451"),  # no longer a code in 2025
        (["24454", "none.csv"], "No such file"),
        (["24454", "thon.csv", "--on", "30/09/2025"], "Not a date"),
    ],
)
def test_command_refuses(krong_bong, tmp_path, monkeypatch, args, message):
    (tmp_path / "thon.csv").write_text("name,type\nThôn 1,thôn\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match=message):
        call_command("import_villages", *args)

    assert not Unit.objects.filter(kind="village").exists()
