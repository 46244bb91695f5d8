"""``manage.py load_places``: both national maps of administrative units and the 2025 links."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.audit import audit_context
from apps.core.errors import DomainError, ImportFailed
from apps.places.loading import load_places, report_lines


class Command(BaseCommand):
    help = (
        "Load the map before 1 July 2025 (63 provinces) and the official map from 1 July 2025 "
        "(34 provinces) with the links between them. Idempotent; never deletes a unit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", metavar="CODE",
                            help="A 2025 province code: load only it and its pre-2025 provinces.")
        parser.add_argument("--official-csv", metavar="FILE", type=Path,
                            help="A corrected official 2025 list (CSV UTF-8: province_code,"
                                 "province_name,commune_code,commune_name,division_type).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, province: str | None, official_csv: Path | None, dry_run: bool,
               **options) -> None:
        if official_csv is not None and not official_csv.is_file():
            raise CommandError(f"No such file: {official_csv}")
        try:
            with audit_context(source="manage.py load_places"):
                result = load_places(province=province, official_csv=official_csv, dry_run=dry_run)
        except ImportFailed as exc:
            raise CommandError(f"{official_csv}:\n{exc}") from exc
        except DomainError as exc:
            raise CommandError(exc.bilingual()) from exc
        for line in report_lines(result):
            self.stdout.write(line)
