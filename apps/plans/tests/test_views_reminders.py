"""The reminders the background worker produced are shown to the officer they concern, and marked read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.plans.models import Notification
from apps.plans.reminders import send_reminders
from apps.plans.tests.test_views_common import client_for, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_officer_sees_his_reminders_and_marks_them_read(commune_officer, neighbour_officer, world):
    send_reminders(today=dt.date(2026, 11, 29), days_before_deadline=30)
    client = client_for(commune_officer)
    page = client.get(reverse("plans:notifications"))
    codes = {item.reminder.task.code for item, _text in page.context["items"]}
    assert codes == {"T4.24454", "T5.24454"}  # due on 15/12, and overdue since 31/10
    assert page.context["unread"] == 2
    assert "T5.24454" in page.content.decode()
    index = client.get(reverse("plans:index"))
    assert index.context["unread"] == 2
    theirs = client_for(neighbour_officer).get(reverse("plans:notifications"))
    assert {item.reminder.task.code for item, _text in theirs.context["items"]} == set()
    assert client.post(reverse("plans:notifications_read")).status_code == 302
    assert not Notification.objects.filter(user=commune_officer, read_at__isnull=True).exists()


def test_reminders_are_paged(commune_officer, world, monkeypatch):
    from apps.plans import views_reports

    monkeypatch.setattr(views_reports, "PAGE_SIZE", 1)
    send_reminders(today=dt.date(2026, 11, 29), days_before_deadline=30)
    client = client_for(commune_officer)
    first = client.get(reverse("plans:notifications"))
    assert len(first.context["items"]) == 1 and first.context["unread"] == 2
    assert 'class="pagination"' in first.content.decode()
    second = client.get(reverse("plans:notifications"), {"page": 2})
    codes = {item.reminder.task.code for page in (first, second) for item, _text in page.context["items"]}
    assert codes == {"T4.24454", "T5.24454"}
