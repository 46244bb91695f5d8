"""Pages of the plans app around the personas: Dang Kang reports on its task, Hòa Sơn sees none of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.plans.models import ProgressUpdate, Task
from apps.plans.tests.test_views_common import client_for, english_client, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_anonymous_is_sent_to_the_login_page(world):
    for url in (reverse("plans:index"), reverse("plans:task", args=[world["dk_open"].pk]),
                reverse("plans:scorecard"), reverse("plans:import")):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_index_shows_the_cascade_as_a_tree(commune_officer, world):
    response = client_for(commune_officer).get(reverse("plans:index"))
    assert response.status_code == 200
    tree = response.content.decode()
    # Nested lists: the directive contains the province's plan, which contains Kế hoạch 145.
    positions = [tree.index(number) for number in ("11-CT/TW", "122-KH/TU", "145-KH/HU", "01-KH/UBND-DK")]
    assert positions == sorted(positions)
    assert "01-KH/UBND-HS" not in tree


def test_commune_officer_sees_the_plan_with_only_his_tasks(commune_officer, world):
    response = client_for(commune_officer).get(reverse("plans:document", args=[world["plan"].pk]),
                                               {"as_of": "2026-11-29"})
    assert response.status_code == 200
    codes = [task.code for task in response.context["tasks"]]
    assert codes == ["T5.24454", "T4.24454"]  # overdue first
    assert [row.target.code for row in response.context["targets"]] == ["GDHT.24454"]
    body = response.content.decode()
    assert "<meter" in body and "T4.24481" not in body and 'style="' not in body


def test_neighbour_sees_the_district_plan_but_gets_404_on_dang_kang_task(neighbour_officer, world):
    client = client_for(neighbour_officer)
    plan = client.get(reverse("plans:document", args=[world["plan"].pk]))
    assert plan.status_code == 200
    assert [task.code for task in plan.context["tasks"]] == ["T4.24481"]
    assert client.get(reverse("plans:task", args=[world["dk_open"].pk])).status_code == 404
    post = client.post(reverse("plans:task_progress", args=[world["dk_open"].pk]),
                       {"on": "2026-11-01", "text": "Không được phép"})
    assert post.status_code == 404
    assert client.get(reverse("plans:document", args=[world["cascade"]["commune"].pk])).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_commune_officer_reports_progress_with_an_attachment(commune_officer, world):
    task = world["dk_open"]
    response = client_for(commune_officer).post(reverse("plans:task_progress", args=[task.pk]), {
        "on": "2026-11-20", "text": "Đã kiện toàn 3 chi hội", "percent": "60",
        "attachment": SimpleUploadedFile("bien-ban.png", PNG, content_type="image/png"),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    update = ProgressUpdate.objects.get(task=task)
    assert update.percent == 60 and update.by == commune_officer and update.attachment
    page = client_for(commune_officer).get(reverse("plans:task", args=[task.pk]))
    assert '<progress max="100" value="60">' in page.content.decode()
    download = client_for(commune_officer).get(reverse("plans:progress_attachment", args=[update.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_commune_officer_completes_his_task_and_its_status_changes(commune_officer, world):
    task = world["dk_overdue"]
    client = client_for(commune_officer)
    response = client.post(reverse("plans:task_complete", args=[task.pk]), {"on": "2026-11-10"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.completed_on == dt.date(2026, 11, 10)
    page = client.get(reverse("plans:task", args=[task.pk]), {"as_of": "2026-11-29"})
    assert page.context["status"] == "done_late"


def test_completion_in_the_future_is_refused_on_the_field(commune_officer, world):
    task = world["dk_open"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(commune_officer).post(reverse("plans:task_complete", args=[task.pk]),
                                                {"on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "on" in response.context["complete_form"].errors
    task.refresh_from_db()
    assert task.completed_on is None


def test_district_viewer_reads_but_may_not_write(district_viewer, world):
    client = client_for(district_viewer)
    task = world["dk_open"]
    page = client.get(reverse("plans:task", args=[task.pk]))
    assert page.status_code == 200 and "progress_form" not in page.context
    complete = client.post(reverse("plans:task_complete", args=[task.pk]), {"on": "2026-11-01"})
    assert complete.status_code == 403
    assert client.post(reverse("plans:task_progress", args=[task.pk]),
                       {"on": "2026-11-01", "text": "x"}).status_code == 403
    assert client.get(reverse("plans:import")).status_code == 403
    task.refresh_from_db()
    assert task.completed_on is None


def test_task_list_filters_by_status_as_of_a_date(district_viewer, world):
    client = client_for(district_viewer)
    response = client.get(reverse("plans:tasks"), {"as_of": "2026-11-29", "status": "overdue"})
    assert [task.code for task in response.context["page"]] == ["T5.24454"]
    earlier = client.get(reverse("plans:tasks"), {"as_of": "2026-10-01", "status": "overdue"})
    assert list(earlier.context["page"]) == []
    summary = dict((value, count) for value, _label, count in response.context["summary"])
    assert summary == {"overdue": 1, "in_progress": 2, "done_late": 0, "done_on_time": 1}
    grouped = client.get(reverse("plans:tasks"), {"as_of": "2026-11-29", "group": "organisation"})
    assert [task.lead.name for task in grouped.context["page"]] == sorted(
        task.lead.name for task in grouped.context["page"])


def test_subtasks_are_listed_on_the_district_task(district_viewer, world):
    page = client_for(district_viewer).get(reverse("plans:task", args=[world["district_task"].pk]))
    assert sorted(task.code for task in page.context["subtasks"]) == ["T4.24454", "T4.24481"]


def test_timeline_groups_the_year_by_month(commune_officer, world):
    response = client_for(commune_officer).get(reverse("plans:timeline"), {"year": "2026"})
    assert response.status_code == 200
    entries = [(entry["kind"], entry["item"]) for entry in response.context["entries"]]
    codes = [item.code if kind == "task" else item.target.code for kind, item in entries]
    assert codes == ["T5.24454", "T4.24454", "GDHT.24454"]  # 31/10, 15/12, then the target on 31/12
    assert "Month 10" in response.content.decode()


def test_supervision_visit_recommendation_becomes_a_follow_up_task(commune_officer, world):
    client = client_for(commune_officer)
    orgs = world["orgs"]
    response = client.post(reverse("plans:inspections"), {
        "kind": "supervision", "subject": orgs["dangkang_assoc"].pk, "date": "2026-11-02",
        "team": "Đoàn giám sát Hội Khuyến học huyện", "findings": "Sổ sách chưa cập nhật",
        "document": world["plan"].pk,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    visit_url = response["Location"]
    added = client.post(visit_url, {"text": "Cập nhật sổ hội viên", "deadline": "2026-12-20"})
    assert added.status_code == 302
    follow_up = Task.objects.get(recommendation__text="Cập nhật sổ hội viên")
    assert follow_up.lead == orgs["dangkang_assoc"] and follow_up.deadline == dt.date(2026, 12, 20)
    page = client.get(visit_url)
    assert follow_up.code in page.content.decode()


def test_obstacle_is_raised_escalated_and_resolved(commune_officer, neighbour_officer, world):
    client = client_for(commune_officer)
    orgs = world["orgs"]
    raised = client.post(reverse("plans:obstacles"), {
        "raised_by": orgs["dangkang_assoc"].pk, "raised_on": "2026-11-03", "description": "Thiếu kinh phí",
    })
    assert raised.status_code == 302
    url = raised["Location"]
    obstacle_id = int(url.rstrip("/").rsplit("/", 1)[-1])
    page = client.get(url)
    choices = [org.name for org in page.context["escalate_form"].fields["to"].queryset]
    assert "Ủy ban nhân dân huyện Krông Bông" in choices and "Ủy ban nhân dân xã Hòa Sơn" not in choices
    escalated = client.post(reverse("plans:obstacle_escalate", args=[obstacle_id]),
                            {"to": orgs["district_pc"].pk, "on": "2026-11-05"})
    assert escalated.status_code == 302
    assert client_for(neighbour_officer).get(url).status_code == 404
    resolved = client.post(reverse("plans:obstacle_resolve", args=[obstacle_id]),
                           {"on": "2026-11-20", "resolution": "Huyện cấp bổ sung"})
    assert resolved.status_code == 302
    assert "20/11/2026" in client.get(url).content.decode()


def test_scorecard_page_ranks_the_organisations_in_scope(district_viewer, neighbour_officer, world):
    response = client_for(district_viewer).get(reverse("plans:scorecard"), {"year": "2026",
                                                                            "as_of": "2026-11-29"})
    names = [row.organisation.name for row in response.context["rows"]]
    assert names[0] == "Hội Khuyến học xã Hòa Sơn"  # one task, on time: 100
    assert "Hội Khuyến học xã Dang Kang" in names
    mine = client_for(neighbour_officer).get(reverse("plans:scorecard"), {"year": "2026"})
    assert [row.organisation.name for row in mine.context["rows"]] == ["Hội Khuyến học xã Hòa Sơn"]


def test_scorecard_of_a_unit_outside_the_scope_is_404(neighbour_officer, world):
    response = client_for(neighbour_officer).get(reverse("plans:scorecard"),
                                                 {"year": "2026", "unit": world["dang_kang"].pk})
    assert response.status_code == 404


def test_commune_officer_reports_a_target_value_by_hand(commune_officer, neighbour_officer, world):
    target = world["target"]
    client = client_for(commune_officer)
    response = client.post(reverse("plans:target", args=[target.pk]),
                           {"on": "2026-11-20", "value": "0.71", "note": "Rà soát cuối năm"})
    assert response.status_code == 302
    page = client.get(reverse("plans:target", args=[target.pk]), {"as_of": "2026-11-29"})
    assert page.context["row"].status == "met" and page.context["row"].percent == 100
    assert client_for(neighbour_officer).get(reverse("plans:target", args=[target.pk])).status_code == 404


def test_district_viewer_may_not_report_a_target_value(district_viewer, world):
    url = reverse("plans:target", args=[world["target"].pk])
    client = client_for(district_viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"on": "2026-11-20", "value": "0.71"}).status_code == 403


def test_an_organisation_scorecard_lists_what_it_counts(district_viewer, neighbour_officer, world):
    association = world["orgs"]["dangkang_assoc"]
    url = reverse("plans:scorecard_organisation", args=[2026, association.pk])
    page = client_for(district_viewer).get(url, {"as_of": "2026-11-29"})
    assert page.status_code == 200
    row = page.context["row"]
    assert (row.tasks_overdue, row.tasks_in_progress) == (1, 1)
    assert sorted(task.code for task in page.context["tasks"]) == ["T4.24454", "T5.24454"]
    assert [item.target.code for item in page.context["targets"]] == ["GDHT.24454"]
    assert client_for(neighbour_officer).get(url).status_code == 404


def test_an_organisation_scorecard_shows_its_rank_in_the_table_it_came_from(district_viewer, world):
    association = world["orgs"]["dangkang_assoc"]
    url = reverse("plans:scorecard_organisation", args=[2026, association.pk])
    client = client_for(district_viewer)
    page = client.get(url, {"as_of": "2026-11-29"})
    # Hòa Sơn's association finished its task on time (100); Dang Kang's has one overdue (0).
    assert (page.context["row"].rank, page.context["ranked"]) == (2, 2)
    assert "2 of 2" in page.content.decode()
    table = client.get(reverse("plans:scorecard"), {"year": 2026, "as_of": "2026-11-29"})
    assert {row.organisation.pk: row.rank for row in table.context["rows"]}[association.pk] == 2
    alone = client.get(url, {"as_of": "2026-11-29", "unit": world["dang_kang"].pk})
    assert (alone.context["row"].rank, alone.context["ranked"]) == (1, 1)
