"""The plans API around the personas: scoped reads, progress and completion, scorecard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.plans.models import ProgressUpdate
from apps.plans.scorecard import scorecard
from apps.plans.tests.test_views_common import AS_OF, client_for, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans"


def _post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def _numbers(nodes: list[dict]) -> list[str]:
    found = []
    for node in nodes:
        found.append(node["number"])
        found.extend(_numbers(node["children"]))
    return found


def test_anonymous_gets_401(world):
    assert Client().get(f"{URL}/documents").status_code == 401
    assert Client().get(f"{URL}/tasks").status_code == 401
    complete = _post(Client(), f"{URL}/tasks/{world['dk_open'].pk}/complete", {"on": "2026-11-01"})
    assert complete.status_code == 401


def test_document_tree_of_the_commune_holds_the_cascade_above(commune_officer, world):
    response = client_for(commune_officer).get(f"{URL}/documents")
    assert response.status_code == 200
    tree = response.json()
    assert [node["number"] for node in tree] == ["11-CT/TW"]
    assert _numbers(tree) == ["11-CT/TW", "122-KH/TU", "145-KH/HU", "01-KH/UBND-DK"]


def test_neighbour_reads_the_district_plan_but_not_dang_kang_tasks(neighbour_officer, world):
    client = client_for(neighbour_officer)
    assert client.get(f"{URL}/documents/{world['plan'].pk}").json()["number"] == "145-KH/HU"
    assert client.get(f"{URL}/documents/{world['cascade']['commune'].pk}").status_code == 404
    assert client.get(f"{URL}/tasks/{world['dk_open'].pk}").status_code == 404
    refused = _post(client, f"{URL}/tasks/{world['dk_open'].pk}/progress", {"on": "2026-11-01", "text": "x"})
    assert refused.status_code == 404
    codes = [task["code"] for task in client.get(f"{URL}/tasks").json()["items"]]
    assert codes == ["T4.24481"]


def test_tasks_with_status_as_of_a_date_overdue_first(district_viewer, world):
    client = client_for(district_viewer)
    body = client.get(f"{URL}/tasks", {"as_of": "2026-11-29"}).json()
    statuses = [(task["code"], task["status"]) for task in body["items"]]
    assert statuses[0] == ("T5.24454", "overdue")
    assert ("T4.24481", "done_on_time") in statuses
    before = client.get(f"{URL}/tasks", {"as_of": "2026-06-01", "status": "in_progress"}).json()
    assert {task["code"] for task in before["items"]} == {"T4", "T4.24454", "T4.24481", "T5.24454"}
    summary = client.get(f"{URL}/status", {"as_of": "2026-11-29"}).json()
    assert summary["summary"] == {"done_on_time": 1, "done_late": 0, "in_progress": 2, "overdue": 1}


def test_task_detail_lists_subtasks_and_updates(district_viewer, world):
    body = client_for(district_viewer).get(f"{URL}/tasks/{world['district_task'].pk}",
                                           {"as_of": "2026-11-29"}).json()
    assert body["code"] == "T4" and body["lead_name"] == "Ủy ban nhân dân huyện Krông Bông"
    assert sorted(sub["code"] for sub in body["subtasks"]) == ["T4.24454", "T4.24481"]


def test_commune_officer_reports_progress_and_completes(commune_officer, world):
    client = client_for(commune_officer)
    task = world["dk_overdue"]
    response = _post(client, f"{URL}/tasks/{task.pk}/progress",
                     {"on": "2026-11-05", "text": "Đã tuyên truyền 5 thôn", "percent": 70})
    assert response.status_code == 201, response.content
    assert response.json()["percent"] == 70 and response.json()["by"] == "dangkang"
    done = _post(client, f"{URL}/tasks/{task.pk}/complete", {"on": "2026-11-10"})
    assert done.status_code == 200
    assert done.json()["completed_on"] == "2026-11-10" and done.json()["status"] == "done_late"
    detail = client.get(f"{URL}/tasks/{task.pk}").json()
    assert [update["percent"] for update in detail["updates"]] == [70]


def test_completion_in_the_future_is_400_naming_the_field(commune_officer, world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _post(client_for(commune_officer), f"{URL}/tasks/{world['dk_open'].pk}/complete",
                     {"on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "on"


def test_district_viewer_may_not_write(district_viewer, world):
    client = client_for(district_viewer)
    task = world["dk_open"]
    progress = _post(client, f"{URL}/tasks/{task.pk}/progress", {"on": "2026-11-01", "text": "x"})
    assert progress.status_code == 403
    assert _post(client, f"{URL}/tasks/{task.pk}/complete", {"on": "2026-11-01"}).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_targets_carry_progress_and_status(commune_officer, world):
    body = client_for(commune_officer).get(f"{URL}/targets", {"as_of": "2026-11-29"}).json()
    (target,) = body["items"]
    assert target["code"] == "GDHT.24454" and target["value"] == 0.66 and target["source"] == "report"
    assert target["percent"] == 60 and target["status"] in ("on_track", "at_risk")


def test_scorecard_equals_the_domain(district_viewer, neighbour_officer, world):
    body = client_for(district_viewer).get(f"{URL}/scorecard/2026", {"as_of": AS_OF.isoformat()}).json()
    expected = scorecard(district_viewer, 2026, as_of=AS_OF)
    assert [(row["organisation_name"], row["score"], row["rank"]) for row in body["rows"]] == [
        (row.organisation.name, None if row.score is None else float(row.score), row.rank)
        for row in expected]
    mine = client_for(neighbour_officer).get(f"{URL}/scorecard/2026").json()
    assert [row["organisation_name"] for row in mine["rows"]] == ["Hội Khuyến học xã Hòa Sơn"]
    outside = client_for(neighbour_officer).get(f"{URL}/scorecard/2026", {"unit": world["dang_kang"].pk})
    assert outside.status_code == 404


def test_supervision_and_obstacles_are_scoped(commune_officer, neighbour_officer, world):
    from apps.plans import services

    orgs = world["orgs"]
    visit = services.record_inspection(None, subject=orgs["dangkang_assoc"], date=dt.date(2026, 10, 1),
                                       team="Đoàn kiểm tra", document=world["plan"])
    services.add_recommendation(None, visit, text="Bổ sung hồ sơ", deadline=dt.date(2026, 12, 1))
    services.raise_obstacle(None, raised_by=orgs["dangkang_assoc"], description="Thiếu kinh phí",
                            raised_on=dt.date(2026, 10, 2))
    mine = client_for(commune_officer)
    inspections = mine.get(f"{URL}/inspections").json()["items"]
    assert inspections[0]["recommendations"][0]["follow_up_id"] is not None
    assert len(mine.get(f"{URL}/obstacles", {"open": "true"}).json()["items"]) == 1
    theirs = client_for(neighbour_officer)
    assert theirs.get(f"{URL}/inspections").json()["items"] == []
    assert theirs.get(f"{URL}/inspections/{visit.pk}").status_code == 404
    assert theirs.get(f"{URL}/obstacles").json()["items"] == []
