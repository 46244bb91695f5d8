"""Kế hoạch 145-KH/HU is loaded from its file; Dang Kang reports its task done; the scorecard moves."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2026
ASSOCIATION = "Hội Khuyến học xã Dang Kang"


def _score_cell(page, field: str) -> str:
    row = f"[data-testid=scorecard] tr[data-organisation='{ASSOCIATION}']"
    return page.inner_text(f"{row} [data-field={field}]")


# ``demo``: the Krông Bông organisations and users, without the modules' demo data: the plan is imported here.
def test_import_the_plan_report_a_task_done_and_see_the_scorecard_change(
    page, live_server, demo
):
    from apps.plans.demo import DEMO_FILE

    # The system administrator uploads the plan file (it names central documents too).
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/plans/import/")
    page.set_input_files("[data-testid=import-form] input[type=file]", str(DEMO_FILE))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_selector("[data-testid=import-result]")
    assert "145-KH/HU" in page.inner_text("[data-testid=import-result]")
    page.goto(f"{live_server.url}/plans/")
    tree = page.inner_text("[data-testid=document-tree]")
    assert tree.index("11-CT/TW") < tree.index("49-KL/TW") < tree.index("122-KH/TU") < tree.index("145-KH/HU")
    page.context.clear_cookies()

    # The commune officer of Dang Kang: his task is overdue on the scorecard.
    login(page, live_server, "dangkang")
    page.goto(f"{live_server.url}/plans/scorecard/?year={YEAR}")
    overdue_before = int(_score_cell(page, "tasks_overdue"))
    late_before = int(_score_cell(page, "tasks_late"))
    score_before = _score_cell(page, "score")
    assert overdue_before >= 1

    page.goto(f"{live_server.url}/plans/tasks/?status=overdue")
    page.click("[data-testid=tasks] tr[data-code='T4.24454'] a")
    page.wait_for_url(re.compile(r"/plans/tasks/\d+/$"))
    assert page.get_attribute("[data-testid=task-status] [data-status]", "data-status") == "overdue"
    form = page.locator("[data-testid=progress-form]")
    form.locator("textarea[name=text]").fill("Đã kiện toàn ban chấp hành và các chi hội thôn, buôn.")
    form.locator("input[name=percent]").fill("100")
    form.locator("input[name=completed]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=updates] li:has-text('chi hội thôn, buôn')")
    assert page.get_attribute("[data-testid=task-status] [data-status]", "data-status") == "done_late"

    page.goto(f"{live_server.url}/plans/scorecard/?year={YEAR}")
    assert int(_score_cell(page, "tasks_overdue")) == overdue_before - 1
    assert int(_score_cell(page, "tasks_late")) == late_before + 1
    assert _score_cell(page, "score") != score_before

    response = page.request.get(f"{live_server.url}/plans/scorecard/{YEAR}.pdf")
    assert response.status == 200 and response.body()[:5] == b"%PDF-"


def test_district_officer_writes_a_task_by_hand_and_cascades_it_to_the_communes(page, live_server, demo):
    from apps.organisations.models import Organisation

    district = demo.district
    lead = Organisation.objects.filter(unit=district, active=True).order_by("pk").first()
    assert lead is not None
    login(page, live_server, "krongbong")
    page.goto(f"{live_server.url}/plans/documents/new/")
    form = page.locator("[data-testid=document-form]")
    form.locator("input[name=number]").fill("20-KH/UBND")
    form.locator("select[name=kind]").select_option("plan")
    form.locator("input[name=title]").fill("Kế hoạch triển khai xây dựng xã hội học tập năm 2027")
    form.locator("select[name=unit]").select_option(str(district.pk))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plans/documents/\d+/$"))

    page.click("[data-testid=add-task]")
    form = page.locator("[data-testid=task-form]")
    form.locator("input[name=code]").fill("T1")
    form.locator("input[name=title]").fill("Kiện toàn Hội Khuyến học các xã")
    form.locator("select[name=unit]").select_option(str(district.pk))
    form.locator("select[name=lead]").select_option(str(lead.pk))
    form.locator("input[name=deadline]").fill("2026-12-31")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plans/tasks/\d+/$"))

    page.click("[data-testid=cascade-task]")
    options = page.locator("[data-testid=cascade-options]")
    options.locator("select[name=lead_kind]").select_option("learning_association")
    options.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=cascade-preview]")
    communes = page.locator("[data-testid=cascade-preview] tbody tr[data-commune]").count()
    assert communes >= 2
    page.click("[data-testid=cascade-confirm] button[type=submit]")
    page.wait_for_selector("[data-testid=subtasks]")
    assert page.locator("[data-testid=subtasks] tbody tr[data-code]").count() == communes
    assert "T1.24454" in page.inner_text("[data-testid=subtasks]")
