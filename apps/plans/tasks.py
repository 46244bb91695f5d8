"""Background tasks of the plans app (``django.tasks``; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task
def send_plan_reminders(today: str | None = None, days_before: int | None = None) -> dict[str, int]:
    """Send the reminders due (``apps.plans.reminders.send_reminders``); ``today`` as YYYY-MM-DD."""
    import datetime as dt

    from apps.plans.reminders import send_reminders

    sent = send_reminders(dt.date.fromisoformat(today) if today else None, days_before)
    return {"sent": len(sent)}
