"""``manage.py import_people FILE --year Y [--create-villages] [--dry-run]``: a person-registry file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.audit import audit_context
from apps.people.importing import import_people


class Command(BaseCommand):
    help = (
        "Import a person-registry file (CSV UTF-8 or XLSX, see person-registry-format.md) for the survey "
        "of --year: codes are read on the map of 30 September of that year. All rows, or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV or XLSX file.")
        parser.add_argument("--year", type=int, required=True, help="The survey year.")
        parser.add_argument("--create-villages", action="store_true",
                            help="Create the villages the file names that a commune lacks.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count; write nothing.")

    def handle(self, *args, file: Path, year: int, create_villages: bool, dry_run: bool, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if not 1900 <= year <= 2100:
            raise CommandError(f"Not a survey year: {year}")
        verbosity = options.get("verbosity", 1)

        def progress(done: int, total: int) -> None:
            if verbosity > 1:
                self.stderr.write(f"  {done}/{total} rows")

        with audit_context(source="manage.py import_people"):
            result = import_people(file, year=year, create_villages=create_villages, dry_run=dry_run,
                                   progress=progress)
        for warning in result.warnings:
            self.stderr.write(f"Cảnh báo / Warning — {warning.bilingual()}")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error.bilingual())
            hidden = result.error_count - len(result.errors)
            more = f" ({hidden} more not listed)" if hidden else ""
            raise CommandError(f"{file}: nothing imported, {result.error_count} errors{more}.")
        counts = result.counts
        self.stdout.write(
            f"{file.name} ({year}){' — dry run, nothing written' if dry_run else ''}: {result.rows} rows\n"
            f"  households: {counts.households_created} created, {counts.households_updated} updated\n"
            f"  persons: {counts.persons_created} created, {counts.persons_updated} updated, "
            f"{counts.persons_unchanged} unchanged\n"
            f"  survey records {year}: {counts.surveys_created} created, {counts.surveys_updated} updated, "
            f"{counts.surveys_unchanged} unchanged\n"
            f"  villages created: {counts.villages_created}; clans created: {counts.clans_created}; "
            f"warnings: {len(result.warnings)}"
        )
