"""``manage.py import_commune_flags FILE``: communes with special difficulties, year by year."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.audit import audit_context
from apps.core.errors import DomainError, ImportFailed
from apps.places.flags import import_commune_flags


class Command(BaseCommand):
    help = (
        "Import commune flags from a CSV UTF-8 file with the header "
        "commune_code,year,special_difficulty[,source] (có/không). Codes are read on the map "
        "in force on 30 September of the year. All rows are imported, or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file.")

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            with audit_context(source="manage.py import_commune_flags"):
                result = import_commune_flags(file)
        except ImportFailed as exc:
            raise CommandError(f"{file}: nothing imported ({len(exc.errors)} errors)\n{exc}") from exc
        except DomainError as exc:
            raise CommandError(exc.bilingual()) from exc
        self.stdout.write(
            f"Commune flags: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
