"""Reminders before a task's deadline and when it is overdue (R4: "thường xuyên theo dõi, đôn đốc").

``send_reminders(today)`` finds, set-wise, the open tasks whose deadline falls within
``PLANS_REMINDER_DAYS`` days (setting, default 7) and the open tasks past their
deadline, and for each one not reminded yet for that deadline:

1. writes a ``Reminder`` row (unique per task, kind and deadline: each reminder is
   sent once, even if two workers run at the same time; a new deadline means a new
   reminder);
2. notifies in the interface (``Notification``) every user holding the PLANS
   capability on a unit role that covers the task's unit (system administrators are
   not flooded);
3. e-mails those users and the lead organisation's address through Django's e-mail
   backend (the console in the demo), after the transaction commits.

It runs in the background worker: ``apps.plans.tasks.send_plan_reminders``, enqueued
daily by ``manage.py plans remind`` (cron) — or at once with ``--now``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _g

from apps.accounts import roles
from apps.accounts.models import RoleAssignment
from apps.accounts.scope import coverage_paths
from apps.plans.models import Notification, Reminder, ReminderKind, Task

logger = logging.getLogger(__name__)
DEFAULT_DAYS_BEFORE = 7


def days_before() -> int:
    return int(getattr(settings, "PLANS_REMINDER_DAYS", DEFAULT_DAYS_BEFORE))


def due_reminders(today: dt.date, days: int) -> list[tuple[Task, str]]:
    """The (task, kind) pairs to remind on ``today``: two queries, whatever the number of tasks."""
    open_tasks = Task.objects.filter(completed_on__isnull=True, deadline__isnull=False).select_related(
        "lead", "unit", "document")

    def not_sent(tasks: QuerySet, kind: str) -> QuerySet:
        sent = Reminder.objects.filter(task=OuterRef("pk"), kind=kind, deadline=OuterRef("deadline"))
        return tasks.exclude(Exists(sent))

    soon = not_sent(open_tasks.filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=days)),
                    ReminderKind.BEFORE_DEADLINE)
    late = not_sent(open_tasks.filter(deadline__lt=today), ReminderKind.OVERDUE)
    return [(task, ReminderKind.BEFORE_DEADLINE) for task in soon.order_by("deadline", "pk")] + [
        (task, ReminderKind.OVERDUE) for task in late.order_by("deadline", "pk")
    ]


def _plans_officers() -> list[tuple[int, str, tuple[str, ...]]]:
    """(user id, e-mail, covered paths) of every active user with PLANS on a unit role."""
    codes = [role.code for role in roles.ROLES.values()
             if roles.PLANS in role.capabilities and not role.is_global]
    officers = []
    assignments = RoleAssignment.objects.filter(role__in=codes, unit__isnull=False, user__is_active=True)
    for assignment in assignments.select_related("unit", "user"):
        officers.append((assignment.user_id, assignment.user.email, coverage_paths(assignment.unit)))
    return officers


def _message(task: Task, kind: str) -> tuple[str, str]:
    params = {"code": task.code, "title": task.title, "number": task.document.number,
              "deadline": task.deadline.strftime("%d/%m/%Y"), "lead": task.lead.name}
    if kind == ReminderKind.OVERDUE:
        subject = _g("Overdue task %(code)s of %(number)s") % params
        body = _g("The task %(code)s “%(title)s” of %(number)s, led by %(lead)s, was due on %(deadline)s "
                  "and is not reported done.") % params
    else:
        subject = _g("Task %(code)s of %(number)s is due on %(deadline)s") % params
        body = _g("The task %(code)s “%(title)s” of %(number)s, led by %(lead)s, is due on "
                  "%(deadline)s.") % params
    return subject, body


def _send(subject: str, body: str, recipients: list[str]) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # the reminder stays logged and shown in the interface; the mail server is down
        logger.exception("Could not e-mail the reminder %r to %s", subject, recipients)


def send_reminders(today: dt.date | None = None, days_before_deadline: int | None = None) -> list[Reminder]:
    """Send the reminders due on ``today`` (default: today), each once; returns those sent now."""
    today = today or timezone.localdate()
    days = days_before() if days_before_deadline is None else days_before_deadline
    due = due_reminders(today, days)
    if not due:
        return []
    officers = _plans_officers()
    emails = dict(get_user_model().objects.filter(pk__in={o[0] for o in officers}).values_list("pk", "email"))
    sent: list[Reminder] = []
    for task, kind in due:
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(task=task, kind=kind, deadline=task.deadline)
            if not created:  # another worker sent it meanwhile
                continue
            users = sorted({user_id for user_id, _email, paths in officers
                            if any(task.unit.path.startswith(path) for path in paths)})
            Notification.objects.bulk_create(
                [Notification(user_id=user_id, reminder=reminder) for user_id in users],
                ignore_conflicts=True)
            recipients = sorted({emails.get(user_id) for user_id in users if emails.get(user_id)}
                                | ({task.lead.email} if task.lead.email else set()))
            reminder.recipients = ", ".join(recipients)
            reminder.save(update_fields=["recipients"])
            if recipients:
                with translation.override(settings.LANGUAGE_CODE):
                    subject, body = _message(task, kind)
                transaction.on_commit(lambda s=subject, b=body, r=recipients: _send(s, b, r))
            sent.append(reminder)
    return sent


def notifications_for(user, *, unread_only: bool = True) -> QuerySet[Notification]:
    """The reminders shown to ``user`` in the interface, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    notifications = Notification.objects.filter(user=user).select_related(
        "reminder__task__document", "reminder__task__lead", "reminder__task__unit")
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def mark_read(user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them without ids); returns how many."""
    notifications = notifications_for(user)
    if notification_ids is not None:
        notifications = notifications.filter(pk__in=notification_ids)
    return notifications.update(read_at=timezone.now())


def message_of(notification: Notification) -> str:
    """The text of a notification in the current language (for the interface)."""
    return _message(notification.reminder.task, notification.reminder.kind)[1]
