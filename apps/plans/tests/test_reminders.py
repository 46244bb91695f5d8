"""Reminders before the deadline and when overdue: to the right people, on screen and by e-mail, once."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from apps.plans import reminders, services
from apps.plans.models import Notification, Reminder


@pytest.fixture
def tasks(cascade, orgs, krong_bong):
    orgs["dangkang_assoc"].email = "hkh.dangkang@example.vn"
    orgs["dangkang_assoc"].save()

    def make(code, deadline, unit, lead, completed_on=None):
        return services.create_task(None, cascade["district"], code=code, title=code, unit=unit, lead=lead,
                                    deadline=deadline, completed_on=completed_on)
    dang_kang, hoa_son = krong_bong.new["24454"], krong_bong.new["24481"]
    return {
        "soon": make("SOON", dt.date(2026, 12, 5), dang_kang, orgs["dangkang_assoc"]),
        "later": make("LATER", dt.date(2026, 12, 20), dang_kang, orgs["dangkang_assoc"]),
        "late": make("LATE", dt.date(2026, 11, 1), hoa_son, orgs["hoason_assoc"]),
        "done": make("DONE", dt.date(2026, 11, 1), dang_kang, orgs["dangkang_pc"], dt.date(2026, 10, 1)),
    }


TODAY = dt.date(2026, 11, 29)


def test_reminders_go_to_the_officers_of_the_unit_and_the_lead_once(
        tasks, commune_officer, neighbour_officer, district_viewer, django_capture_on_commit_callbacks):
    commune_officer.email = "dangkang@example.vn"
    commune_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders.send_reminders(TODAY)
    assert sorted((r.task.code, r.kind) for r in sent) == [("LATE", "overdue"), ("SOON", "before_deadline")]
    soon = Reminder.objects.get(task=tasks["soon"])
    assert set(soon.notifications.values_list("user__username", flat=True)) == {"dangkang"}
    late = Reminder.objects.get(task=tasks["late"])
    assert set(late.notifications.values_list("user__username", flat=True)) == {"hoason"}  # viewers get none
    assert len(mail.outbox) == 1  # Hòa Sơn has no e-mail address anywhere
    assert sorted(mail.outbox[0].to) == ["dangkang@example.vn", "hkh.dangkang@example.vn"]
    assert "SOON" in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(TODAY) == []
        assert reminders.send_reminders(TODAY + dt.timedelta(days=1)) == []
    assert len(mail.outbox) == 1 and Reminder.objects.count() == 2


def test_a_new_deadline_is_reminded_again(tasks, commune_officer):
    reminders.send_reminders(TODAY)
    services.update_task(None, tasks["soon"], deadline=dt.date(2026, 12, 1))
    assert [r.task.code for r in reminders.send_reminders(TODAY)] == ["SOON"]


def test_the_interface_lists_and_marks_read(tasks, commune_officer, neighbour_officer):
    reminders.send_reminders(TODAY)
    [notification] = reminders.notifications_for(commune_officer)
    assert "SOON" in reminders.message_of(notification)
    assert reminders.mark_read(commune_officer) == 1
    assert not reminders.notifications_for(commune_officer).exists()
    assert Notification.objects.filter(user=neighbour_officer, read_at__isnull=True).count() == 1


def test_the_command_hands_the_work_to_the_background_task(tasks, commune_officer):
    out = StringIO()
    # The test settings' task backend runs the enqueued task at once.
    call_command("plans", "remind", "--today", TODAY.isoformat(), stdout=out)
    assert "enqueued" in out.getvalue()
    assert Reminder.objects.count() == 2
    out = StringIO()
    call_command("plans", "remind", "--today", TODAY.isoformat(), "--now", stdout=out)
    assert "reminders sent: 0" in out.getvalue()
