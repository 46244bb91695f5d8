"""The workbook of refused rows: the file's own columns and every error of each row, bilingual."""

import io

import pytest
from python_calamine import CalamineWorkbook

from apps.people import testing
from apps.people.importing import ERROR_COLUMN, import_people, invalid_rows_bytes, write_invalid_rows

HEADER = "mã xã,village,household_code,person_code,full_name,sex,birth_date,ethnicity"
GOOD = "24454,Thôn 1,H1,01,Nguyễn Văn An,Nam,1990,Kinh"


@pytest.fixture
def dang_kang(krong_bong):
    testing.village(krong_bong.new["24454"], "Thôn 1")
    return krong_bong.new["24454"]


def rows_of(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_the_workbook_holds_the_refused_rows_with_their_errors(dang_kang):
    text = "\n".join([HEADER, GOOD, "24454,Thôn 1,H1,02,Nguyễn Văn Bình,?,31/02/2001,Kinh",
                      "24454,Thôn 9,H2,01,Lê Thị Cúc,Nữ,2000,Kinh"])
    result = import_people(text.encode(), year=2026)
    sheet = rows_of(invalid_rows_bytes(result))
    assert sheet[0] == [*HEADER.split(","), ERROR_COLUMN]
    assert [line[:8] for line in sheet[1:]] == [
        "24454,Thôn 1,H1,02,Nguyễn Văn Bình,?,31/02/2001,Kinh".split(","),
        "24454,Thôn 9,H2,01,Lê Thị Cúc,Nữ,2000,Kinh".split(","),
    ]
    first_errors = sheet[1][8].splitlines()
    assert len(first_errors) == 2
    assert first_errors[0].startswith("Dòng 3, cột sex: ") and "Row 3, column sex: " in first_errors[0]
    assert "birth_date" in first_errors[1]
    assert "Thôn 9" in sheet[2][8]


def test_the_workbook_can_be_written_to_a_path(dang_kang, tmp_path):
    result = import_people(f"{HEADER}\n24454,Thôn 1,H1,01,A,?,1990,Kinh".encode(), year=2026)
    target = tmp_path / "errors.xlsx"
    assert write_invalid_rows(result, target) == 1
    assert len(rows_of(target.read_bytes())) == 2


def test_a_header_error_leaves_a_workbook_with_the_error_only(dang_kang):
    result = import_people(b"commune_code,village\n24454,Thon 1", year=2026)
    sheet = rows_of(invalid_rows_bytes(result))
    assert sheet[0][-1] == ERROR_COLUMN
    assert "household_code" in sheet[1][-1]
