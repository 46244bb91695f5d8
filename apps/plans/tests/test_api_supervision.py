"""Writes of the plans API beyond tasks: target values, visits and recommendations, the obstacle log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.plans.models import Obstacle, Recommendation, TargetReport
from apps.plans.tests.test_views_common import client_for, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans"


def _post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def test_commune_officer_reports_a_target_value(commune_officer, neighbour_officer, world):
    url = f"{URL}/targets/{world['target'].pk}/reports"
    response = _post(client_for(commune_officer), url, {"on": "2026-11-20", "value": "0.71"})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "met" and response.json()["value"] == 0.71
    assert _post(client_for(neighbour_officer), url, {"on": "2026-11-20", "value": 0.9}).status_code == 404
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    refused = _post(client_for(commune_officer), url, {"on": future, "value": 0.9})
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == "on"
    assert TargetReport.objects.filter(target=world["target"]).count() == 2


def test_visit_with_a_recommendation_that_becomes_a_task(commune_officer, neighbour_officer, world):
    client = client_for(commune_officer)
    orgs = world["orgs"]
    visit = _post(client, f"{URL}/inspections", {
        "kind": "supervision", "subject_id": orgs["dangkang_assoc"].pk, "date": "2026-11-02",
        "team": "Đoàn giám sát huyện", "document_id": world["plan"].pk,
    })
    assert visit.status_code == 201, visit.content
    visit_id = visit.json()["id"]
    added = _post(client, f"{URL}/inspections/{visit_id}/recommendations",
                  {"text": "Cập nhật sổ hội viên", "deadline": "2026-12-20"})
    assert added.status_code == 201 and added.json()["follow_up_id"] is not None
    resolved = _post(client, f"{URL}/recommendations/{added.json()['id']}/resolve", {"on": "2026-11-25"})
    assert resolved.json()["resolved_on"] == "2026-11-25"
    neighbour = client_for(neighbour_officer)
    foreign = _post(neighbour, f"{URL}/inspections", {"subject_id": orgs["dangkang_assoc"].pk,
                                                       "date": "2026-11-02", "team": "X"})
    assert foreign.status_code == 400 and foreign.json()["detail"][0]["field"] == "subject_id"
    assert _post(neighbour, f"{URL}/inspections/{visit_id}/recommendations", {"text": "X"}).status_code == 404
    assert Recommendation.objects.count() == 1


def test_obstacle_raised_escalated_resolved(commune_officer, district_viewer, world):
    client = client_for(commune_officer)
    orgs = world["orgs"]
    raised = _post(client, f"{URL}/obstacles", {"raised_by_id": orgs["dangkang_assoc"].pk,
                                                 "raised_on": "2026-11-03", "description": "Thiếu kinh phí",
                                                 "task_id": world["dk_open"].pk})
    assert raised.status_code == 201, raised.content
    obstacle_id = raised.json()["id"]
    sideways = _post(client, f"{URL}/obstacles/{obstacle_id}/escalate",
                     {"to_id": orgs["hoason_pc"].pk, "on": "2026-11-04"})
    assert sideways.status_code == 400 and sideways.json()["detail"][0]["field"] == "to_id"
    up = _post(client, f"{URL}/obstacles/{obstacle_id}/escalate", {"to_id": orgs["district_pc"].pk,
                                                                     "on": "2026-11-04"})
    assert up.status_code == 200 and up.json()["escalated_to_id"] == orgs["district_pc"].pk
    early = _post(client, f"{URL}/obstacles/{obstacle_id}/resolve", {"on": "2026-11-01"})
    assert early.status_code == 400 and early.json()["detail"][0]["field"] == "on"
    assert _post(client_for(district_viewer), f"{URL}/obstacles/{obstacle_id}/resolve",
                 {"on": "2026-11-20"}).status_code == 403
    done = _post(client, f"{URL}/obstacles/{obstacle_id}/resolve",
                 {"on": "2026-11-20", "resolution": "Đã cấp"})
    assert done.status_code == 200 and done.json()["resolved_on"] == "2026-11-20"
    assert Obstacle.objects.get().resolution == "Đã cấp"
