"""``manage.py rollover --from-year Y [--to-year Z] [--unit CODE] [--dry-run]``.

Creates the next survey year's records of everyone present in year Y (see
``apps.people.rollover``); without ``--unit``, for the whole country.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.audit import audit_context
from apps.core.errors import DomainError
from apps.people import rollover
from apps.places.models import UnitKind
from apps.places.services import resolve, survey_date


class Command(BaseCommand):
    help = (
        "Roll the population registry over from a survey year to the next: grades move up, "
        "completions carry over, existing records are never overwritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from-year", type=int, required=True, help="The survey year rolled over.")
        parser.add_argument("--to-year", type=int, default=None, help="Default: the year after.")
        parser.add_argument("--unit", default="", metavar="CODE",
                            help="A commune, district or province code on the map of the from-year "
                                 "(default: every unit).")
        parser.add_argument("--dry-run", action="store_true", help="Count only, write nothing.")

    def handle(self, *args, from_year: int, to_year: int | None, unit: str, dry_run: bool,
               **options) -> None:
        units = None
        if unit:
            units = self._resolve(unit, from_year)
        try:
            with audit_context(actor="manage.py rollover", source="manage.py rollover"):
                run = rollover.preview if dry_run else rollover.roll_over
                result = run(units, from_year, to_year)
        except DomainError as exc:
            raise CommandError(exc.bilingual()) from exc
        where = f"{units.name} ({units.code})" if units is not None else "all units"
        verb = "would create" if dry_run else "created"
        self.stdout.write(f"{where}: {result.from_year} → {result.to_year}: {verb} {result.created} records.")
        for key, value in result.as_dict().items():
            if key not in ("from_year", "to_year", "dry_run"):
                self.stdout.write(f"  {key}: {value}")

    def _resolve(self, code: str, year: int):
        on = survey_date(year)
        for kind in (UnitKind.COMMUNE, UnitKind.DISTRICT, UnitKind.PROVINCE):
            try:
                return resolve(code, on, kind)
            except DomainError:
                continue
        raise CommandError(f"No commune, district or province has the code {code!r} on {on:%d/%m/%Y}.")
