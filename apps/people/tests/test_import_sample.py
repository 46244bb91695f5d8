"""Importing the synthetic sample file (person-registry-format.md) and importing it again."""

import io
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from apps.accounts.models import AuditEntry
from apps.people.importing import import_people
from apps.people.models import Clan, Household, Person, SurveyRecord
from apps.places.models import Unit, UnitKind

SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"


def counts(result) -> dict:
    summary = result.summary()
    return {key: value for key, value in summary.items() if value}


@pytest.fixture
def imported(krong_bong):
    result = import_people(SAMPLE, year=2026, create_villages=True)
    assert result.ok, [error.bilingual() for error in result.errors]
    return result


def test_the_sample_creates_its_households_people_and_survey_records(imported, krong_bong):
    assert imported.applied
    assert counts(imported) == {"rows": 60, "households_created": 17, "persons_created": 60,
                                "surveys_created": 60, "villages_created": 2, "clans_created": 14}
    assert Person.objects.count() == 60
    assert SurveyRecord.objects.filter(year=2026).count() == 60
    communes = set(Household.objects.values_list("commune__code", "commune__structure"))
    assert communes == {("24448", "2025"), ("24454", "2025")}
    assert Unit.objects.filter(kind=UnitKind.VILLAGE, name="Thôn 1").count() == 2


def test_a_person_repeats_the_commune_and_village_of_the_household(imported):
    for person in Person.objects.select_related("household"):
        assert (person.commune_id, person.village_id) == (person.household.commune_id,
                                                          person.household.village_id)


def test_the_values_of_a_row_are_stored_as_codes(imported, krong_bong):
    person = Person.objects.get(household__code="H0000002", code="02")
    assert (person.full_name, person.relation, person.sex, person.birth_year, str(person.birth_date),
            person.ethnicity, person.clan.name) == (
        "Võ Phúc Mai", "child", "F", 2014, "2014-07-03", "01", "Võ")
    record = person.surveys.get(year=2026)
    assert (record.status, record.enrolled_level, record.enrolled_grade, record.preschool_completed,
            record.primary_completed_year, record.highest_grade_completed) == (
        "present", "lower_secondary", 7, True, 2025, 6)
    assert record.commune == krong_bong.new["24454"]
    only_year = Person.objects.get(household__code="H0000003", code="01")
    assert (only_year.birth_year, only_year.birth_date, only_year.ethnicity) == (2003, None, "20")
    assert only_year.surveys.get().literacy_stage_completed is None
    reader = Person.objects.get(household__code="H0000003", code="05")
    assert reader.surveys.get().literacy_stage_completed == 1


def test_clans_are_created_once_per_commune(imported, krong_bong):
    assert Clan.objects.filter(commune=krong_bong.new["24448"], name="Adrơng").count() == 1
    assert Clan.objects.values("commune", "name_key").distinct().count() == Clan.objects.count()


def test_a_second_import_of_the_same_file_changes_nothing(imported):
    before = list(Person.objects.order_by("pk").values())
    again = import_people(SAMPLE, year=2026)
    assert again.ok
    assert counts(again) == {"rows": 60, "persons_unchanged": 60, "surveys_unchanged": 60}
    assert list(Person.objects.order_by("pk").values()) == before


def test_an_import_writes_one_audit_entry_with_its_counts(krong_bong, commune_officer):
    AuditEntry.objects.all().delete()
    rows = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if ",24448," not in f",{line}"]
    result = import_people(io.BytesIO("\n".join(rows).encode()), year=2026, user=commune_officer,
                           create_villages=True, filename="dang-kang.csv")
    assert result.ok, [error.bilingual() for error in result.errors]
    commands = AuditEntry.objects.filter(action=AuditEntry.Action.COMMAND)
    assert commands.count() == 1
    entry = commands.get()
    assert entry.user == commune_officer
    assert entry.after["file"] == "dang-kang.csv" and entry.after["year"] == 2026
    assert entry.after["persons_created"] == result.counts.persons_created > 0
    assert entry.unit_path == krong_bong.new["24454"].path
    # The village created for the file is audited by its own signal; the people are not one by one.
    assert not AuditEntry.objects.filter(model="people.Person").exists()


def test_a_dry_run_counts_but_writes_nothing(krong_bong):
    result = import_people(SAMPLE, year=2026, create_villages=True, dry_run=True)
    assert result.ok and not result.applied
    assert counts(result) == {"rows": 60, "households_created": 17, "persons_created": 60,
                              "surveys_created": 60, "villages_created": 2, "clans_created": 14}
    assert not Person.objects.exists() and not Household.objects.exists()
    assert not Unit.objects.filter(kind=UnitKind.VILLAGE).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.COMMAND).exists()


def test_progress_is_reported_up_to_every_row(krong_bong):
    calls = []
    import_people(SAMPLE, year=2026, create_villages=True,
                  progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (60, 60)


def test_an_xlsx_file_imports_like_the_csv(krong_bong):
    workbook = Workbook()
    sheet = workbook.active
    for number, line in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines()):
        cells = line.split(",")
        if number:  # as a spreadsheet stores them: numbers and dates typed as such
            cells[0] = int(cells[0])
            cells[14] = int(cells[14]) if cells[14] else None
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_people(io.BytesIO(buffer.getvalue()), year=2026, create_villages=True)
    assert result.ok, [error.bilingual() for error in result.errors]
    assert result.counts.persons_created == 60
    again = import_people(SAMPLE, year=2026)
    assert again.counts.persons_unchanged == 60 and again.counts.surveys_unchanged == 60


def test_decomposed_vietnamese_matches_the_composed_values(krong_bong):
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("household_code,person_code,full_name", "mã hộ,mã nhân khẩu,HỌ VÀ TÊN")
    text = unicodedata.normalize("NFD", text)
    assert unicodedata.normalize("NFC", "Nữ") not in text and "tiểu học" not in text
    result = import_people(text.encode("utf-8"), year=2026, create_villages=True)
    assert result.ok, [error.bilingual() for error in result.errors]
    person = Person.objects.get(household__code="H0000002", code="02")
    assert person.full_name == unicodedata.normalize("NFC", "Võ Phúc Mai")
    assert person.sex == "F"
    assert person.surveys.get().enrolled_level == "lower_secondary"
    assert import_people(SAMPLE, year=2026).counts.persons_unchanged == 60


def test_a_semicolon_file_with_a_byte_order_mark_is_read(krong_bong):
    text = SAMPLE.read_text(encoding="utf-8").replace(",", ";")
    result = import_people(b"\xef\xbb\xbf" + text.encode("utf-8"), year=2026, create_villages=True)
    assert result.ok, [error.bilingual() for error in result.errors]
    assert result.counts.persons_created == 60


def test_a_string_is_read_as_the_text_of_the_file(krong_bong):
    result = import_people(SAMPLE.read_text(encoding="utf-8"), year=2026, create_villages=True)
    assert result.ok and result.counts.persons_created == 60
