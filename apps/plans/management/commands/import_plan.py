"""``manage.py import_plan FILE [--create-organisations]``: a plan file (YAML or JSON, docs/plans.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.audit import audit_context
from apps.core.errors import ImportFailed
from apps.plans.importing import import_plan


class Command(BaseCommand):
    help = (
        "Import a plan (document, targets, tasks with sub-tasks) from a YAML or JSON file. All or nothing; "
        "importing the same file again updates it without duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The YAML or JSON file.")
        parser.add_argument("--create-organisations", action="store_true",
                            help="Create the lead organisations the file names that do not exist, "
                                 "on the task's unit.")

    def handle(self, *args, file: Path, create_organisations: bool, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            with audit_context(source="manage.py import_plan"):
                result = import_plan(file, create_organisations=create_organisations)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error.bilingual())
            raise CommandError(f"{file}: nothing imported, {len(failure.errors)} errors.") from None
        created, updated = result.created, result.updated
        self.stdout.write(
            f"{file.name}: {result.document.number}\n"
            f"  documents: {created['documents']} created, {updated['documents']} updated\n"
            f"  targets: {created['targets']} created, {updated['targets']} updated\n"
            f"  tasks: {created['tasks']} created, {updated['tasks']} updated\n"
            f"  organisations created: {created['organisations']}; reports added: {created['reports']}"
        )
