"""``manage.py check_registry [--repair]``: what the database keeps for the registry is right.

The survey records' copies of their person's facts (``people.copies``) and the survey
coverage per block of person ids (``people.coverage``).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.metrics.services import data_changed
from apps.people import copies, coverage


class Command(BaseCommand):
    help = ("Check that every survey record's copies of its person's facts are equal to the person's, "
            "and that the survey coverage counts are those of the tables.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repair", action="store_true",
                            help="Copy the persons' facts onto the records that differ.")

    def handle(self, *args, repair: bool = False, **options) -> None:
        missing = copies.missing_triggers()
        if missing:
            self.stderr.write(f"Missing triggers: {', '.join(missing)} (run the people migrations again).")
        wrong = copies.mismatched_records().count()
        if wrong and repair:
            with transaction.atomic():
                fixed = copies.repair()
                data_changed("people.SurveyRecord")
            self.stdout.write(f"Repaired {fixed} survey records.")
            wrong = copies.mismatched_records().count()
        self.stdout.write(f"Survey records whose copies differ from their person: {wrong}.")
        counts = len(coverage.mismatches())
        if counts and repair:
            with transaction.atomic():
                coverage.rebuild()
            counts = len(coverage.mismatches())
        self.stdout.write(f"Survey coverage counts that differ from the tables: {counts}.")
        if missing or wrong or counts:
            raise CommandError("The survey records' copies of their person's facts are not right.")
