"""``manage.py plans status --as-of YYYY-MM-DD [--format json|text] [--document NUMBER]`` and
``manage.py plans remind [--today YYYY-MM-DD] [--days N] [--now]``.

The command line sees the whole database (it runs as the system); pages and API
scope the same data through ``apps.plans.services``.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.plans import status as rules
from apps.plans.models import Task


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


def status_report(as_of: dt.date, document: str | None = None) -> dict:
    """``as_of``, every task with its status and a count per status (the whole database)."""
    tasks = Task.objects.select_related("document", "lead", "unit", "parent")
    if document:
        tasks = tasks.filter(document__number=document)
    annotated = rules.with_status(tasks, as_of).order_by("document__number", "code")
    rows = [
        {
            "code": task.code,
            "status": task.status,
            "document": task.document.number,
            "title": task.title,
            "lead": task.lead.name,
            "unit": task.unit.code,
            "unit_name": task.unit.name,
            "parent": task.parent.code if task.parent_id else None,
            "deadline": task.deadline.isoformat() if task.deadline else None,
            "completed_on": task.completed_on.isoformat() if task.completed_on else None,
        }
        for task in annotated
    ]
    return {"as_of": as_of.isoformat(), "tasks": rows, "summary": rules.status_counts(tasks, as_of)}


class Command(BaseCommand):
    help = "Plans: task status as of a date (status), reminders before and after deadlines (remind)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="The status of every task as of a date.")
        status.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today).")
        status.add_argument("--format", choices=["json", "text"], default="text")
        status.add_argument("--document", help="Only the tasks of this document number.")
        remind = sub.add_parser("remind", help="Send the reminders due today (each once).")
        remind.add_argument("--today", help="YYYY-MM-DD (default: today).")
        remind.add_argument("--days", type=int, default=None, help="Days before the deadline (default: 7).")
        remind.add_argument("--now", action="store_true",
                            help="Send here and now instead of handing the work to the background worker.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "status":
            as_of = _date(options["as_of"]) if options.get("as_of") else timezone.localdate()
            report = status_report(as_of, options.get("document"))
            if options["format"] == "json":
                self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
                return
            for row in report["tasks"]:
                self.stdout.write(f"{row['document']:<16} {row['code']:<20} {row['status']:<13} "
                                  f"{row['deadline'] or '-':<10} {row['lead']}")
            self.stdout.write("  ".join(f"{key}: {value}" for key, value in report["summary"].items()))
        elif action == "remind":
            today = _date(options["today"]).isoformat() if options.get("today") else None
            if not options.get("now"):
                from apps.plans.tasks import send_plan_reminders

                result = send_plan_reminders.enqueue(today, options.get("days"))
                self.stdout.write(f"reminders enqueued for the worker: {result.id}")
                return
            from apps.plans.reminders import send_reminders

            sent = send_reminders(_date(today) if today else None, options.get("days"))
            self.stdout.write(f"reminders sent: {len(sent)}")
            for reminder in sent:
                self.stdout.write(f"  {reminder.task.document.number} {reminder.task.code} {reminder.kind}")
