"""``manage.py report_jobs``: the background report jobs from the command line.

    manage.py report_jobs purge [--days N]

``purge`` deletes the jobs started more than N days ago (``report_jobs.KEEP_DAYS`` by
default) with their files, and the report files no job names that are as old. The
worker does the same after each job; run it from cron where reports are rare.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core import report_jobs


class Command(BaseCommand):
    help = "Delete the old background report jobs and their files."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        purge = actions.add_parser("purge", help="Delete the jobs older than --days days with their files.")
        purge.add_argument("--days", type=int, default=report_jobs.KEEP_DAYS,
                           help=f"Keep the jobs of the last N days (default {report_jobs.KEEP_DAYS}).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            raise CommandError("--days cannot be negative.")
        deleted = report_jobs.purge_jobs(options["days"])
        self.stdout.write(f"Deleted {deleted} report job(s) older than {options['days']} day(s).")
