"""Importing a plan file: shape of the issue, all or nothing, errors by path, re-import, commands."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.core.errors import ImportFailed
from apps.organisations.models import Organisation
from apps.plans.importing import import_plan
from apps.plans.models import Document, ProgressUpdate, Target, Task

PLAN = """
on: 2026-01-01
document: {number: "145-KH/HU", kind: plan, issuer: "Ban Thường vụ Huyện ủy Krông Bông",
           date: null, title: "Kế hoạch 145", parent: "122-KH/TU", unit: "653"}
targets:
  - {code: M1, title: "Tỷ lệ gia đình học tập", unit: "24454", baseline: 0.6, target: 0.7,
     deadline: 2026-12-31, reports: [{on: 2026-03-01, value: 0.64}]}
tasks:
  - code: T1
    title: "Kiện toàn Hội Khuyến học"
    lead: "Ủy ban nhân dân huyện Krông Bông"
    unit: "653"
    deadline: 2026-06-30
    subtasks:
      - {code: T1.1, title: "Dang Kang", lead: "Hội Khuyến học xã Dang Kang", unit: "24454",
         deadline: 2026-06-30, completed_on: 2026-06-20,
         progress: [{on: 2026-05-01, text: "Đã họp", percent: 50}]}
      - {code: T1.2, title: "Hòa Sơn", lead: "Hội Khuyến học xã Hòa Sơn", unit: "24481", deadline: 2026-06-30}
  - {code: T2, title: "Báo cáo năm", lead: "Ủy ban nhân dân huyện Krông Bông", unit: "653",
     recurrence: yearly, deadline: 2026-12-15, until: 2028-12-31}
  - {code: T3, title: "Từng xã", lead: "Ủy ban nhân dân huyện Krông Bông", unit: "653", deadline: 2026-09-30,
     cascade: {lead_kind: learning_association, deadline: 2026-10-31}}
"""


@pytest.fixture
def plan_file(tmp_path, cascade, krong_bong):
    for code in ("24448", "24478", "24484"):  # every commune has an association to take task T3
        commune = krong_bong.new[code]
        Organisation.objects.create(unit=commune, name=f"Hội Khuyến học {commune.name}",
                                    kind="learning_association")
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_plan_imports_with_targets_tasks_subtasks_occurrences_and_cascade(plan_file, krong_bong):
    result = import_plan(plan_file)
    document = result.document
    assert document.number == "145-KH/HU" and document.date is None
    assert document.unit == krong_bong.district and document.parent.number == "122-KH/TU"
    assert Target.objects.get(code="M1").unit == krong_bong.new["24454"]
    sub = Task.objects.get(code="T1.1")
    assert sub.parent.code == "T1" and sub.unit == krong_bong.new["24454"]
    assert sub.completed_on == dt.date(2026, 6, 20)
    assert ProgressUpdate.objects.get(task=sub).percent == 50
    assert list(Task.objects.filter(parent__code="T2").values_list("code", "deadline")) == [
        ("T2-2026", dt.date(2026, 12, 15)), ("T2-2027", dt.date(2027, 12, 15)),
        ("T2-2028", dt.date(2028, 12, 15))]
    cascaded = Task.objects.filter(parent__code="T3")
    assert sorted(t.unit.code for t in cascaded) == ["24448", "24454", "24478", "24481", "24484"]
    assert {(t.lead.kind, t.deadline) for t in cascaded} == {("learning_association", dt.date(2026, 10, 31))}


def test_reimporting_the_same_file_adds_nothing(plan_file):
    import_plan(plan_file)
    counts = (Document.objects.count(), Target.objects.count(), Task.objects.count(),
              ProgressUpdate.objects.count())
    result = import_plan(plan_file)
    assert (Document.objects.count(), Target.objects.count(), Task.objects.count(),
            ProgressUpdate.objects.count()) == counts
    assert result.updated["tasks"] >= 4 and result.created["tasks"] == 0


def _errors(text):
    with pytest.raises(ImportFailed) as failure:
        import_plan(text)
    return {error.column: error for error in failure.value.errors}


def test_errors_name_the_path_and_nothing_is_written(cascade):
    bad = PLAN.replace('lead: "Hội Khuyến học xã Hòa Sơn", ', "").replace(
        "completed_on: 2026-06-20", "completed_on: 2099-06-20").replace('unit: "24481"', 'unit: "99999"')
    before = Task.objects.count(), Document.objects.count()
    errors = _errors(bad)
    assert "tasks[1].subtasks[1].completed_on" in errors
    assert "tasks[1].subtasks[2].unit" in errors
    assert (Task.objects.count(), Document.objects.count()) == before
    assert "Cột tasks[1].subtasks[1].completed_on" in errors["tasks[1].subtasks[1].completed_on"].bilingual()


def test_task_without_lead_is_refused(cascade):
    errors = _errors(PLAN.replace('lead: "Hội Khuyến học xã Hòa Sơn", ', ""))
    assert "tasks[1].subtasks[2].lead" in errors


def test_deadline_before_the_document_date_is_refused(cascade):
    errors = _errors(PLAN.replace("date: null", "date: 2026-07-01"))
    assert "tasks[1].deadline" in errors
    assert "targets[1].deadline" not in errors


def test_cycle_in_the_cascade_is_refused(cascade):
    errors = _errors(PLAN.replace("code: T1.2,", "code: T1,"))
    assert "tasks[1].subtasks[2].code" in errors
    cyclic = PLAN.replace('parent: "122-KH/TU"', 'parent: "01-KH/UBND-DK"')
    errors = _errors(cyclic)
    assert "document.parent" in errors


def test_unknown_organisation_is_refused_unless_created(plan_file, krong_bong):
    text = PLAN.replace("Hội Khuyến học xã Hòa Sơn", "Trường Tiểu học Hòa Sơn")
    errors = _errors(text)
    assert "tasks[1].subtasks[2].lead" in errors
    import_plan(text, create_organisations=True)
    school = Organisation.objects.get(name="Trường Tiểu học Hòa Sơn")
    assert (school.unit, school.kind) == (krong_bong.new["24481"], "school")


def test_import_plan_command_and_status_json(plan_file):
    out = StringIO()
    call_command("import_plan", str(plan_file), stdout=out)
    assert "145-KH/HU" in out.getvalue()
    out = StringIO()
    call_command("plans", "status", "--as-of", "2026-07-01", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["as_of"] == "2026-07-01"
    by_code = {row["code"]: row["status"] for row in report["tasks"]}
    assert (by_code["T1.1"], by_code["T1"], by_code["T2-2026"]) == ("done_on_time", "overdue", "in_progress")
    assert sum(report["summary"].values()) == len(report["tasks"])
    assert set(report["summary"]) == {"done_on_time", "done_late", "in_progress", "overdue"}


def test_import_plan_command_reports_errors(tmp_path, cascade):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"document": {"number": "X", "kind": "plan", "title": "X"},
                                "tasks": [{"code": "T1", "title": "X", "unit": "24454"}]}), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), stderr=err)
    assert "tasks[1].lead" in err.getvalue()
    assert not Document.objects.filter(number="X").exists()


def test_an_officer_imports_for_their_units_and_references_the_documents_above(plan_file, krong_bong):
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    officer = get_user_model().objects.create_user("huyen")
    RoleAssignment.objects.create(user=officer, role="district_officer", unit=krong_bong.district)
    text = plan_file.read_text(encoding="utf-8").replace("document:", """documents:
  - {number: "11-CT/TW", kind: directive, title: "Chỉ thị 11", date: 2007-04-13}
document:""", 1)
    result = import_plan(text, user=officer)
    assert result.document.created_by is None and result.document.updated_by == officer
    assert Task.objects.get(code="T1.1").created_by == officer


def test_a_commune_officer_may_not_import_the_district_plan(plan_file, commune_officer):
    with pytest.raises(ImportFailed) as failure:
        import_plan(plan_file, user=commune_officer)
    assert [error.column for error in failure.value.errors] == ["document"]
