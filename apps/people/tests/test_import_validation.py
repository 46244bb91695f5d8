"""Every refusal of the import names its row (the header is row 1) and its column, in both languages."""

import pytest

from apps.people import testing
from apps.people.importing import COLUMN_NAMES, import_people
from apps.people.models import Household, Person, SurveyRecord

YEAR = 2026

GOOD = {
    "commune_code": "24454", "village": "Thôn 1", "household_code": "H1", "person_code": "01",
    "full_name": "Y Moan Êban", "relation": "chủ hộ", "sex": "Nam", "birth_date": "05/06/1990",
    "ethnicity": "Ê Đê", "disability": "", "status": "", "enrolled_level": "", "enrolled_grade": "",
    "preschool_completed": "có", "primary_completed_year": "2001", "lower_secondary_graduated_year": "2005",
    "highest_grade_completed": "9", "literacy_stage_completed": "", "clan": "Êban",
    "national_id": "066090001234",
}


def csv_of(*rows: dict, columns=COLUMN_NAMES) -> bytes:
    lines = [",".join(columns)] + [",".join(row.get(column, "") for column in columns) for row in rows]
    return "\n".join(lines).encode("utf-8")


def row(**changes) -> dict:
    return {**GOOD, **changes}


@pytest.fixture
def dang_kang(krong_bong):
    commune = krong_bong.new["24454"]
    testing.village(commune, "Thôn 1")
    return commune


def errors_of(data: bytes, **options) -> list[tuple[int, str]]:
    result = import_people(data, year=options.pop("year", YEAR), **options)
    assert not result.ok
    for error in result.errors:
        assert error.vietnamese and error.english
    return [(error.row, error.column) for error in result.errors]


def test_a_good_row_is_accepted(dang_kang):
    result = import_people(csv_of(row()), year=YEAR)
    assert result.ok, [error.bilingual() for error in result.errors]
    person = Person.objects.get()
    assert (person.ethnicity, person.national_id, person.sex) == ("12", "066090001234", "M")


@pytest.mark.parametrize(("column", "value"), [
    ("sex", "X"),
    ("sex", ""),
    ("birth_date", "31/02/2020"),  # impossible
    ("birth_date", "2020-05-01"),  # not dd/mm/yyyy
    ("birth_date", "01/01/2099"),  # in the future
    ("birth_date", "1879"),  # before 1880
    ("birth_date", ""),
    ("ethnicity", "Kinhh"),
    ("ethnicity", "99"),
    ("relation", "anh"),
    ("disability", "nặng"),
    ("status", "vắng"),
    ("enrolled_level", "đại học"),
    ("enrolled_grade", "13"),
    ("enrolled_grade", "x"),
    ("highest_grade_completed", "13"),
    ("literacy_stage_completed", "3"),
    ("national_id", "12345"),
    ("national_id", "06609000123A"),
    ("preschool_completed", "rồi"),
    ("primary_completed_year", "1985"),  # before the birth
    ("lower_secondary_graduated_year", "2027"),  # after the survey year
    ("full_name", ""),
    ("household_code", "H" * 33),
    ("person_code", ""),
    ("village", "Thôn 99"),  # unknown in the commune
    ("commune_code", "99999"),
])
def test_a_bad_value_is_refused_with_its_row_and_column(dang_kang, column, value):
    data = csv_of(row(household_code="H0", person_code="01"), row(**{column: value}))
    assert errors_of(data) == [(3, column)]
    assert not Person.objects.exists()


@pytest.mark.parametrize(("level", "grade"), [("tiểu học", "6"), ("THCS", "5"), ("THPT", "9"),
                                              ("GDTX THPT", "4"), ("", "3"), ("mầm non", "1")])
def test_a_grade_contradicting_the_level_is_refused(dang_kang, level, grade):
    assert errors_of(csv_of(row(enrolled_level=level, enrolled_grade=grade))) == [(2, "enrolled_grade")]


@pytest.mark.parametrize(("level", "grade"), [("tiểu học", "1"), ("tiểu học", "5"), ("THCS", "6"),
                                              ("THPT", "12"), ("GDTX THPT", "10"), ("GDNN", "")])
def test_a_grade_fitting_its_level_is_accepted(dang_kang, level, grade):
    assert import_people(csv_of(row(enrolled_level=level, enrolled_grade=grade)), year=YEAR).ok


def test_values_are_read_whatever_their_case_and_spaces(dang_kang):
    data = csv_of(row(sex=" nữ ", relation="CHỦ HỘ", status="Có Mặt", enrolled_level="thcs",
                      enrolled_grade="8", ethnicity="12", preschool_completed="CÓ"))
    result = import_people(data, year=YEAR)
    assert result.ok, [error.bilingual() for error in result.errors]
    assert SurveyRecord.objects.get().enrolled_level == "lower_secondary"


def test_a_duplicate_key_in_the_file_names_the_first_row(dang_kang):
    result = import_people(csv_of(row(), row(relation="con"), row(person_code="02", relation="con")),
                           year=YEAR)
    assert [(error.row, error.column) for error in result.errors] == [(3, "person_code")]
    assert "row 2" in result.errors[0].english


def test_a_household_in_two_villages_is_refused(dang_kang):
    testing.village(dang_kang, "Thôn 2")
    data = csv_of(row(), row(person_code="02", relation="con", village="Thôn 2"))
    assert errors_of(data) == [(3, "village")]


def test_a_missing_required_column_is_an_error_of_the_header(dang_kang):
    columns = [column for column in COLUMN_NAMES if column != "sex"]
    assert errors_of(csv_of(row(), columns=columns)) == [(1, "sex")]


def test_an_unknown_column_is_an_error_of_the_header(dang_kang):
    data = csv_of(row(), columns=[*COLUMN_NAMES, "ghi chú"])
    assert errors_of(data) == [(1, "ghi chú")]


def test_a_row_longer_than_the_header_is_refused(dang_kang):
    data = csv_of(row()) + b",extra"
    assert errors_of(data) == [(2, None)]


def test_an_empty_file_is_refused(dang_kang):
    assert errors_of(b"") == [(1, None)]
    assert errors_of(",".join(COLUMN_NAMES).encode()) == [(2, None)]


def test_a_file_that_is_not_utf8_is_refused(dang_kang):
    data = csv_of(row(full_name="Nguyễn Văn A")).decode().encode("utf-16")
    assert not import_people(data, year=YEAR).ok


def test_the_vietnamese_headers_are_accepted(dang_kang):
    from apps.people.importing import COLUMNS

    columns = [column.vietnamese.upper() for column in COLUMNS]
    lines = [",".join(columns), ",".join(GOOD[column.name] for column in COLUMNS)]
    result = import_people("\n".join(lines).encode(), year=YEAR)
    assert result.ok, [error.bilingual() for error in result.errors]


def test_a_household_without_exactly_one_head_is_a_warning_only(dang_kang):
    data = csv_of(row(relation="con"), row(person_code="02", relation="vợ"),
                  row(household_code="H2"), row(household_code="H2", person_code="02"))
    result = import_people(data, year=YEAR)
    assert result.ok and result.applied
    assert sorted((warning.row, warning.column) for warning in result.warnings) == [(2, "relation"),
                                                                                    (4, "relation")]
    assert Person.objects.count() == 4


def test_one_bad_row_among_good_ones_writes_nothing(dang_kang):
    rows = [row(household_code=f"H{number}") for number in range(30)]
    rows[17] = row(household_code="H17", sex="?")
    result = import_people(csv_of(*rows), year=YEAR, create_villages=True)
    assert [(error.row, error.column) for error in result.errors] == [(19, "sex")]
    assert not result.applied
    assert not Household.objects.exists() and not Person.objects.exists()


def test_every_error_of_every_row_is_listed(dang_kang):
    data = csv_of(row(sex="?", birth_date="x"), row(person_code="02", ethnicity="?"))
    assert errors_of(data) == [(2, "sex"), (2, "birth_date"), (3, "ethnicity")]


def test_unknown_villages_are_created_when_asked(dang_kang):
    data = csv_of(row(village="Buôn Cuôr Đăng"))
    assert errors_of(data) == [(2, "village")]
    result = import_people(data, year=YEAR, create_villages=True)
    assert result.ok and result.counts.villages_created == 1
    village = Person.objects.get().village
    assert (village.parent, village.division_type, village.name) == (dang_kang, "buôn", "Buôn Cuôr Đăng")


def test_a_village_matches_whatever_its_case_and_spacing(dang_kang):
    assert import_people(csv_of(row(village="  thôn   1 ")), year=YEAR).ok


def test_a_user_may_import_only_communes_in_their_edit_scope(dang_kang, krong_bong, commune_officer):
    testing.village(krong_bong.new["24481"], "Thôn 1")
    data = csv_of(row(), row(commune_code="24481", household_code="H9"))
    result = import_people(data, year=YEAR, user=commune_officer)
    assert [(error.row, error.column) for error in result.errors] == [(3, "commune_code")]
    assert not Person.objects.exists()
    assert import_people(csv_of(row()), year=YEAR, user=commune_officer).ok


def test_a_viewer_may_import_nothing(dang_kang, district_viewer):
    assert errors_of(csv_of(row()), user=district_viewer) == [(2, "commune_code")]


def test_a_commune_code_is_read_on_the_map_of_the_survey_year(dang_kang, krong_bong):
    # 24484 on the legacy map is Xã Cư Drăm; 24457 (Hòa Thành) no longer exists in 2026.
    assert errors_of(csv_of(row(commune_code="24457")), year=2026) == [(2, "commune_code")]
    result = import_people(csv_of(row(commune_code="24457")), year=2024, create_villages=True)
    assert result.ok
    assert Household.objects.get().commune == krong_bong.legacy["24457"]


def test_leading_zeros_dropped_by_a_spreadsheet_are_restored(krong_bong):
    from apps.people.importing.validation import commune_code

    assert commune_code("70") == "00070"
    assert commune_code("24454") == "24454"
