"""``manage.py import_villages COMMUNE_CODE FILE``: a commune's villages from a CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.accounts.audit import audit_context
from apps.core.errors import DomainError, ImportFailed
from apps.places import services
from apps.places.loading import COMMUNE_CODE_WIDTH, normalise_code
from apps.places.village_import import import_villages


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = (
        "Create the villages of a commune from a CSV UTF-8 file with the header name,type[,code]. "
        "The commune code is read on the map in force on --on (default: today). All rows, or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("commune_code", help="The commune's code on the map of --on.")
        parser.add_argument("file", type=Path, help="The CSV file.")
        parser.add_argument("--on", type=_date, default=None, metavar="YYYY-MM-DD",
                            help="The date whose map resolves the code (default: today).")

    def handle(self, *args, commune_code: str, file: Path, on: dt.date | None, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        on = on or timezone.localdate()
        try:
            commune = services.resolve(normalise_code(commune_code, COMMUNE_CODE_WIDTH), on)
            with audit_context(source="manage.py import_villages"):
                result = import_villages(commune, file)
        except ImportFailed as exc:
            raise CommandError(f"{file}: nothing imported ({len(exc.errors)} errors)\n{exc}") from exc
        except DomainError as exc:
            raise CommandError(exc.bilingual()) from exc
        self.stdout.write(f"{commune.name} ({commune.code}, {commune.path}): "
                          f"{result.count} villages created.")
        for village in result.created:
            self.stdout.write(f"  {village.code}  {village.division_type}  {village.name}")
