"""Writing through the plans API: documents, targets, tasks, the cascade and the import, by persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from apps.accounts.models import AuditEntry
from apps.organisations.models import Organisation, OrganisationKind
from apps.places.models import Unit
from apps.plans.models import Document, Target, Task
from apps.plans.tests.test_views_common import client_for, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans"


def _send(client: Client, method: str, url: str, data: dict | None = None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def _counts() -> tuple[int, int, int, int]:
    """Documents, targets, tasks and audited changes (logins of the test clients left out)."""
    changes = AuditEntry.objects.filter(action__in=["create", "update", "delete"]).count()
    return (Document.objects.count(), Target.objects.count(), Task.objects.count(), changes)


def _fields(response) -> list[str | None]:
    return [error["field"] for error in response.json()["detail"]]


def _task_body(world, **extra) -> dict:
    return {"code": "T9", "title": "Xây dựng mô hình gia đình học tập", "unit_id": world["dang_kang"].pk,
            "lead_id": world["orgs"]["dangkang_assoc"].pk, "deadline": "2026-12-20", **extra}


def _target_body(world, **extra) -> dict:
    return {"code": "M9", "title": "Tỷ lệ dòng họ học tập", "unit_id": world["dang_kang"].pk,
            "baseline": 0.4, "target_value": 0.5, "deadline": "2026-12-31", **extra}


# --- every write route, by persona ----------------------------------------------------------------


def _routes(world) -> list[tuple[str, str, dict]]:
    """(method, url, body) of each write on Dang Kang's records."""
    commune_doc, task, target = world["cascade"]["commune"], world["dk_open"], world["target"]
    return [
        ("patch", f"{URL}/documents/{commune_doc.pk}", {"summary": "Tóm tắt"}),
        ("post", f"{URL}/documents/{commune_doc.pk}/targets", _target_body(world)),
        ("patch", f"{URL}/targets/{target.pk}", {"target_value": 0.75}),
        ("post", f"{URL}/documents/{commune_doc.pk}/tasks", _task_body(world)),
        ("patch", f"{URL}/tasks/{task.pk}", {"accountable_head": "Chủ tịch Hội"}),
    ]


def test_anonymous_gets_401_on_every_write(world):
    routes = [*_routes(world), ("post", f"{URL}/documents", {"number": "X", "kind": "plan", "title": "X"}),
              ("get", f"{URL}/tasks/{world['district_task'].pk}/cascade-preview", None),
              ("post", f"{URL}/tasks/{world['district_task'].pk}/cascade", {}),
              ("post", f"{URL}/import", {"document": {"number": "X"}})]
    for method, url, body in routes:
        response = Client().get(url) if method == "get" else _send(Client(), method, url, body)
        assert response.status_code == 401, url


def test_neighbour_gets_404_on_dang_kang_records(neighbour_officer, world):
    before = _counts()
    for method, url, body in _routes(world):
        assert _send(client_for(neighbour_officer), method, url, body).status_code == 404, url
    assert _counts() == before


def test_district_viewer_gets_403_and_nothing_is_written(district_viewer, world):
    before = _counts()
    client = client_for(district_viewer)
    for method, url, body in _routes(world):
        assert _send(client, method, url, body).status_code == 403, url
    document = {"number": "02-KH/UBND-DK", "kind": "plan", "title": "Kế hoạch",
                "unit_id": world["dang_kang"].pk}
    created = _send(client, "post", f"{URL}/documents", document)
    assert created.status_code == 403
    assert _send(client, "post", f"{URL}/import", {"document": {"number": "X"}}).status_code == 403
    assert _counts() == before


def test_commune_officer_writes_on_his_commune(commune_officer, world):
    client = client_for(commune_officer)
    for method, url, body in _routes(world):
        response = _send(client, method, url, body)
        assert response.status_code in (200, 201), (url, response.json())
    assert Document.objects.get(pk=world["cascade"]["commune"].pk).summary == "Tóm tắt"
    assert str(Target.objects.get(pk=world["target"].pk).target_value) == "0.7500"
    task = Task.objects.get(document=world["cascade"]["commune"], code="T9")
    assert task.lead == world["orgs"]["dangkang_assoc"] and task.created_by == commune_officer
    assert AuditEntry.objects.filter(user=commune_officer, action="create", model__icontains="task").exists()


def test_commune_officer_creates_a_commune_document_under_the_district_plan(commune_officer, world):
    response = _send(client_for(commune_officer), "post", f"{URL}/documents", {
        "number": "02-KH/UBND-DK", "kind": "plan", "title": "Kế hoạch năm 2027", "date": "2026-11-20",
        "parent_id": world["plan"].pk, "unit_id": world["dang_kang"].pk})
    assert response.status_code == 201
    body = response.json()
    assert body["parent_id"] == world["plan"].pk and body["unit_id"] == world["dang_kang"].pk
    assert Document.objects.get(pk=body["id"]).created_by == commune_officer


def test_a_central_document_is_for_administrators(commune_officer, admin_user_, world):
    body = {"number": "99/QĐ-TTg", "kind": "decision", "title": "Quyết định"}
    assert _send(client_for(commune_officer), "post", f"{URL}/documents", body).status_code == 403
    assert _send(client_for(admin_user_), "post", f"{URL}/documents", body).status_code == 201


def test_task_defaults_to_the_parent_unit_and_keeps_coordinating(district_officer, world):
    client = client_for(district_officer)
    coordinating = world["orgs"]["dangkang_pc"].pk
    body = {"code": "T4.24454.1", "title": "Họp triển khai", "lead_id": world["orgs"]["dangkang_assoc"].pk,
            "parent_id": world["dk_open"].pk, "coordinating_ids": [coordinating], "deadline": "2026-12-01"}
    created = _send(client, "post", f"{URL}/documents/{world['plan'].pk}/tasks", body)
    assert created.status_code == 201, created.json()
    assert created.json()["unit_id"] == world["dang_kang"].pk
    assert created.json()["parent_id"] == world["dk_open"].pk
    task = Task.objects.get(pk=created.json()["id"])
    changed = _send(client, "patch", f"{URL}/tasks/{task.pk}", {"deadline": "2026-12-10"})
    assert changed.status_code == 200 and changed.json()["deadline"] == "2026-12-10"
    assert list(task.coordinating.values_list("pk", flat=True)) == [coordinating]


# --- bad input: refused on its field, nothing written -----------------------------------------------


def test_deadline_before_the_document_date_is_refused(commune_officer, world):
    client = client_for(commune_officer)
    commune_doc = world["cascade"]["commune"]  # dated 5/1/2026
    before = _counts()
    task = _send(client, "post", f"{URL}/documents/{commune_doc.pk}/tasks",
                 _task_body(world, deadline="2025-12-31"))
    target = _send(client, "post", f"{URL}/documents/{commune_doc.pk}/targets",
                   _target_body(world, deadline="2025-12-31"))
    assert task.status_code == target.status_code == 400
    assert _fields(task) == _fields(target) == ["deadline"]
    assert "2025" in task.json()["detail"][0]["message_en"] and task.json()["detail"][0]["message_vi"]
    assert _counts() == before


def test_a_cycle_in_the_cascade_is_refused_on_parent_id(district_officer, world):
    plan, commune_doc = world["plan"], world["cascade"]["commune"]  # 145-KH/HU → 01-KH/UBND-DK
    before = _counts()
    response = _send(client_for(district_officer), "patch", f"{URL}/documents/{plan.pk}",
                     {"parent_id": commune_doc.pk})
    assert response.status_code == 400 and _fields(response) == ["parent_id"]
    assert Document.objects.get(pk=plan.pk).parent_id == world["cascade"]["province"].pk
    assert _counts() == before


def test_an_unknown_or_missing_lead_is_refused(commune_officer, world):
    client = client_for(commune_officer)
    url = f"{URL}/documents/{world['cascade']['commune'].pk}/tasks"
    before = _counts()
    hidden = _send(client, "post", url, _task_body(world, lead_id=world["orgs"]["hoason_assoc"].pk))
    unknown = _send(client, "post", url, _task_body(world, lead_id=999999))
    missing = _send(client, "post", url, _task_body(world, lead_id=None))
    assert [hidden.status_code, unknown.status_code, missing.status_code] == [400, 400, 400]
    assert _fields(hidden) == _fields(unknown) == _fields(missing) == ["lead_id"]
    assert _counts() == before


def test_a_patch_cannot_empty_a_required_field(commune_officer, world):
    url = f"{URL}/tasks/{world['dk_open'].pk}"
    response = _send(client_for(commune_officer), "patch", url, {"title": None})
    assert response.status_code == 400 and _fields(response) == ["title"]
    no_unit = _send(client_for(commune_officer), "patch", url, {"unit_id": None})
    assert no_unit.status_code == 400 and _fields(no_unit) == ["unit_id"]


# --- cascade ----------------------------------------------------------------------------------------


def test_cascade_preview_writes_nothing_then_cascade_makes_the_subtasks(district_officer, world):
    client = client_for(district_officer)
    task = world["district_task"]  # T4, led by the district People's Committee; two sub-tasks already
    before = _counts()
    preview = client.get(f"{URL}/tasks/{task.pk}/cascade-preview", {"on": "2026-11-29"})
    assert preview.status_code == 200, preview.json()
    rows = {row["commune_code"]: row for row in preview.json()["rows"]}
    assert rows["24454"]["existing_id"] == world["dk_open"].pk
    assert preview.json()["kind"] == "peoples_committee"
    assert _counts() == before
    missing = [code for code, row in rows.items() if row["lead_id"] is None and row["existing_id"] is None]
    assert missing and preview.json()["can_confirm"] is False
    refused = _send(client, "post", f"{URL}/tasks/{task.pk}/cascade", {"on": "2026-11-29"})
    assert refused.status_code == 400 and _fields(refused) == ["kind"]  # the commune named, nothing written
    assert _counts() == before
    for code in missing:
        Organisation.objects.create(unit=Unit.objects.get(pk=rows[code]["commune_id"]),
                                    name=f"Ủy ban nhân dân {code}", kind=OrganisationKind.PEOPLES_COMMITTEE)
    response = _send(client, "post", f"{URL}/tasks/{task.pk}/cascade",
                     {"on": "2026-11-29", "deadline": "2026-12-20"})
    assert response.status_code == 200, response.json()
    made = {sub["code"]: sub for sub in response.json()}
    assert set(made) == {f"T4.{code}" for code in rows}
    assert {made[f"T4.{code}"]["deadline"] for code in missing} == {"2026-12-20"}
    assert made["T4.24454"]["id"] == world["dk_open"].pk  # the sub-task already there is kept


def test_cascade_of_a_commune_task_is_refused_and_hidden_from_the_neighbour(
        commune_officer, neighbour_officer, world):
    response = client_for(commune_officer).get(f"{URL}/tasks/{world['dk_open'].pk}/cascade-preview")
    assert response.status_code == 400 and _fields(response) == ["task_id"]
    assert client_for(commune_officer).get(f"{URL}/tasks/{world['district_task'].pk}/cascade-preview"
                                           ).status_code == 404
    assert _send(client_for(neighbour_officer), "post", f"{URL}/tasks/{world['dk_open'].pk}/cascade",
                 {}).status_code == 404


def test_district_viewer_may_not_preview_a_cascade(district_viewer, world):
    task = world["district_task"]
    assert client_for(district_viewer).get(f"{URL}/tasks/{task.pk}/cascade-preview").status_code == 403
    assert _send(client_for(district_viewer), "post", f"{URL}/tasks/{task.pk}/cascade", {}).status_code == 403


# --- import -----------------------------------------------------------------------------------------


def _plan(**task) -> dict:
    return {
        "on": "2026-01-01",
        "document": {"number": "03-KH/UBND-DK", "kind": "plan", "title": "Kế hoạch khuyến học 2026",
                     "date": "2026-01-10", "parent": "145-KH/HU", "unit": "24454"},
        "targets": [{"code": "M1", "title": "Tỷ lệ gia đình học tập", "unit": "24454", "baseline": 0.6,
                     "target": 0.7, "deadline": "2026-12-31"}],
        "tasks": [{"code": "T1", "title": "Tuyên truyền", "lead": "Hội Khuyến học xã Dang Kang",
                   "unit": "24454", "deadline": "2026-06-30", "completed_on": "2026-06-20", **task}],
    }


def test_commune_officer_imports_a_plan_of_his_commune(commune_officer, world):
    response = _send(client_for(commune_officer), "post", f"{URL}/import", _plan())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "03-KH/UBND-DK"
    assert (body["created"]["documents"], body["created"]["targets"], body["created"]["tasks"]) == (1, 1, 1)
    document = Document.objects.get(pk=body["document_id"])
    assert document.parent == world["plan"] and document.created_by == commune_officer
    again = _send(client_for(commune_officer), "post", f"{URL}/import", _plan())
    assert again.status_code == 201 and again.json()["updated"]["tasks"] == 1
    assert Task.objects.filter(document=document).count() == 1


def test_an_import_with_errors_writes_nothing_and_names_each_path(commune_officer, world):
    before = _counts()
    plan = _plan(deadline="2025-06-30", lead="Hội Không Có Thật")
    plan["tasks"].append({"code": "T2", "title": "Báo cáo", "lead": "Hội Khuyến học xã Dang Kang",
                          "unit": "24454", "deadline": "2025-12-31"})
    response = _send(client_for(commune_officer), "post", f"{URL}/import", plan)
    assert response.status_code == 400
    assert _fields(response) == ["tasks[1].lead", "tasks[2].deadline"]
    assert all(error["message_vi"] and error["message_en"] for error in response.json()["detail"])
    assert _counts() == before


def test_an_import_creates_unknown_leads_only_when_asked(commune_officer, world):
    plan = _plan(lead="Đoàn Thanh niên xã Dang Kang")
    refused = _send(client_for(commune_officer), "post", f"{URL}/import", plan)
    assert refused.status_code == 400 and _fields(refused) == ["tasks[1].lead"]
    created = _send(client_for(commune_officer), "post", f"{URL}/import?create_organisations=true", plan)
    assert created.status_code == 201 and created.json()["created"]["organisations"] == 1


def test_neighbour_import_on_dang_kang_is_refused_at_its_path(neighbour_officer, world):
    before = _counts()
    response = _send(client_for(neighbour_officer), "post", f"{URL}/import", _plan())
    assert response.status_code == 400
    assert "document" in _fields(response)
    assert _counts() == before


def test_an_import_without_a_document_is_422(commune_officer, world):
    response = _send(client_for(commune_officer), "post", f"{URL}/import", {"tasks": []})
    assert response.status_code == 422 and _fields(response) == ["document"]


def test_dates_in_the_body_are_checked(commune_officer, world):
    today = dt.date.today()
    response = _send(client_for(commune_officer), "patch", f"{URL}/tasks/{world['dk_open'].pk}",
                     {"completed_on": (today + dt.timedelta(days=30)).isoformat()})
    assert response.status_code == 400 and _fields(response) == ["completed_on"]
