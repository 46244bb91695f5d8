"""``manage.py pcgd``: JSON on standard output, a unit's communes, the workbook."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from apps.universal.tests.test_engine_support import flag, people


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("pcgd", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def registry(krong_bong):
    """Both maps: two legacy communes in 2024, two 2025 communes in 2026 (one ĐBKK)."""
    people(krong_bong.legacy["24454"], 2024, 10, age=5, enrolled_level="preschool")
    people(krong_bong.legacy["24481"], 2024, 10, age=5)
    people(krong_bong.new["24454"], 2026, 19, age=5, enrolled_level="preschool")
    people(krong_bong.new["24454"], 2026, 1, age=5)
    people(krong_bong.new["24454"], 2026, 1, age=20)  # illiterate: literacy and lower-secondary unmet
    people(krong_bong.new["24484"], 2026, 9, age=20, highest_grade_completed=9)
    people(krong_bong.new["24484"], 2026, 1, age=20)
    flag(krong_bong.new["24484"], 2026)
    return krong_bong


def test_the_json_of_a_year_is_one_object_on_standard_output(registry):
    data = json.loads(run("--year", "2026", "--format", "json"))
    assert (data["year"], data["rule_set"]) == (2026, "nd20-2014")
    assert [(unit["code"], unit["kind"]) for unit in data["units"]] == [
        ("24454", "commune"), ("24484", "commune"), ("66", "province")]
    dang_kang, yang_mao, _province = data["units"]
    assert dang_kang["indicators"]["mn5_attend"] == {"num": 19, "den": 20, "rate": 0.95}
    assert yang_mao["special_difficulty"] is True
    assert yang_mao["indicators"]["literacy1_15_35"]["rate"] == 0.9


def test_a_unit_code_is_resolved_on_the_survey_date_of_the_year(registry):
    legacy = json.loads(run("--year", "2024", "--unit", "24454"))
    assert [(unit["code"], unit["name"]) for unit in legacy["units"]] == [("24454", "Xã Cư KTy")]
    current = json.loads(run("--year", "2026", "--unit", "24454"))
    assert [(unit["code"], unit["name"]) for unit in current["units"]] == [("24454", "Xã Dang Kang")]


def test_a_legacy_district_gives_its_communes_and_itself(registry):
    data = json.loads(run("--year", "2024", "--unit", "653"))
    assert [(unit["code"], unit["kind"]) for unit in data["units"]] == [
        ("24454", "commune"), ("24481", "commune"), ("653", "district"), ("66", "province")]
    district = data["units"][2]
    assert (district["communes"], district["meeting"]["mn5"]) == (13, {"1": 1})


def test_an_unknown_unit_is_refused_naming_the_code_and_the_date(registry):
    with pytest.raises(CommandError) as caught:
        run("--year", "2026", "--unit", "653")  # no district on the 2025 map
    assert "653" in str(caught.value) and "30/09/2026" in str(caught.value)


def test_the_json_can_be_written_to_a_file(registry, tmp_path):
    target = tmp_path / "pcgd.json"
    assert run("--year", "2026", "--output", str(target)) == ""
    assert json.loads(target.read_text(encoding="utf-8"))["year"] == 2026


def test_the_workbook_has_a_sheet_of_communes_and_one_of_groupings(registry, tmp_path):
    target = tmp_path / "pcgd.xlsx"
    message = run("--year", "2026", "--format", "xlsx", "--output", str(target))
    assert str(target) in message
    workbook = load_workbook(target)
    communes, groupings = workbook.worksheets
    headers = [cell.value for cell in communes[1]]
    assert "Tỷ lệ trẻ em 5 tuổi đến lớp" in headers
    assert "Phổ cập giáo dục trung học cơ sở" in [cell.value for cell in communes[2]]
    rows = list(communes.iter_rows(min_row=3, values_only=True))
    assert [row[:2] for row in rows] == [("24454", "Xã Dang Kang"), ("24484", "Xã Yang Mao")]
    assert rows[0][3:6] == (19, 20, 0.95)
    unmet = rows[0][-1]
    assert "Xóa mù chữ" in unmet and "Tỷ lệ người 15–35 tuổi đạt chuẩn biết chữ mức độ 1" in unmet
    assert "0,00% < 90,00%" in unmet  # Vietnamese decimal comma
    assert rows[1][-1] is None
    grouping_rows = list(groupings.iter_rows(min_row=3, values_only=True))
    assert [row[:4] for row in grouping_rows] == [("66", "Tỉnh Đắk Lắk", "tỉnh", 5)]


def test_the_workbook_is_named_after_the_year_by_default(registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("--year", "2026", "--format", "xlsx")
    assert (tmp_path / "pcgd-2026.xlsx").exists()
