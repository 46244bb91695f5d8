"""Export in exactly the import format: exported and imported again, nothing changes."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from apps.accounts.models import AuditEntry
from apps.people.exporting import export_people
from apps.people.importing import COLUMN_NAMES, import_people
from apps.people.models import Person

SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"


@pytest.fixture
def sample(krong_bong):
    result = import_people(SAMPLE, year=2026, create_villages=True)
    assert result.ok
    return result


def unchanged(result) -> bool:
    counts = result.counts
    return result.ok and not any([
        counts.households_created, counts.households_updated, counts.persons_created, counts.persons_updated,
        counts.surveys_created, counts.surveys_updated, counts.villages_created, counts.clans_created])


def test_export_then_import_changes_nothing(sample):
    Person.objects.filter(code="01").update(national_id="066090001234")
    before = list(Person.objects.order_by("pk").values())
    target = io.StringIO()
    assert export_people(target, year=2026) == 60
    result = import_people(target.getvalue().encode("utf-8"), year=2026)
    assert unchanged(result), result.summary()
    assert result.counts.persons_unchanged == 60 and result.counts.surveys_unchanged == 60
    assert list(Person.objects.order_by("pk").values()) == before


def test_the_export_writes_the_first_spellings_and_the_official_names(sample):
    target = io.StringIO()
    export_people(target, year=2026)
    lines = target.getvalue().lstrip("\ufeff").splitlines()
    assert lines[0] == ",".join(COLUMN_NAMES)
    by_person = {tuple(line.split(",")[2:4]): line.split(",") for line in lines[1:]}
    child = by_person[("H0000002", "02")]
    assert child[:13] == ["24454", "Thôn 1", "H0000002", "02", "Võ Phúc Mai", "con", "Nữ", "03/07/2014",
                          "Kinh", "", "có mặt", "THCS", "7"]
    head = by_person[("H0000003", "01")]
    assert (head[7], head[8]) == ("2003", "Mnông")


def test_an_xlsx_export_imports_back_unchanged(sample, tmp_path):
    target = tmp_path / "people.xlsx"
    assert export_people(target, year=2026, format="xlsx") == 60
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert sheet[0] == COLUMN_NAMES and len(sheet) == 61
    assert unchanged(import_people(target, year=2026))


def test_the_export_of_a_unit_holds_only_its_subtree(sample, krong_bong):
    target = io.StringIO()
    count = export_people(target, year=2026, units=[krong_bong.new["24454"]])
    lines = target.getvalue().splitlines()[1:]
    assert count == len(lines) == Person.objects.filter(commune=krong_bong.new["24454"]).count()
    assert all(line.startswith("24454,") for line in lines)


def test_the_export_of_another_year_is_empty(sample):
    target = io.StringIO()
    assert export_people(target, year=2025) == 0


def test_a_user_exports_only_where_they_may_see_personal_data(sample, commune_officer, neighbour_officer,
                                                             district_viewer):
    assert export_people(io.StringIO(), year=2026, user=commune_officer) == Person.objects.filter(
        commune__code="24454").count()
    assert export_people(io.StringIO(), year=2026, user=neighbour_officer) == 0
    assert export_people(io.StringIO(), year=2026, user=district_viewer) == 0


def test_an_export_is_logged_in_the_audit_trail(sample, commune_officer, krong_bong):
    export_people(io.StringIO(), year=2026, units=[krong_bong.new["24454"]], user=commune_officer)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == commune_officer
    assert entry.unit_path == krong_bong.new["24454"].path
    assert entry.after["year"] == 2026 and entry.after["rows"] > 0


def test_the_command_exports_a_unit_by_its_code_on_the_survey_date(sample, tmp_path, krong_bong):
    target = tmp_path / "dang-kang.csv"
    out = io.StringIO()
    call_command("export_people", str(target), "--year", "2026", "--unit", "24454", stdout=out)
    assert "Xã Dang Kang" in out.getvalue()
    assert unchanged(import_people(target, year=2026))
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
