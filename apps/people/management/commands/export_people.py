"""``manage.py export_people FILE --year Y [--unit CODE]``: the person registry in its import format."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.audit import audit_context
from apps.core.errors import DomainError
from apps.people.exporting import export_people
from apps.places import services
from apps.places.models import Unit, UnitKind

KINDS = (UnitKind.COMMUNE, UnitKind.DISTRICT, UnitKind.PROVINCE, UnitKind.VILLAGE)


def resolve_unit(code: str, year: int) -> Unit:
    """The unit of any level bearing ``code`` on 30 September of ``year``."""
    on = services.survey_date(year)
    for kind in KINDS:
        try:
            return services.resolve(code, on, kind)
        except DomainError:
            continue
    raise CommandError(f"No unit has the code {code} on {on:%d/%m/%Y}.")


class Command(BaseCommand):
    help = ("Export the people having a survey record of --year (all, or the subtree of --unit) to a "
            "CSV or XLSX file (by its extension), in the format import_people reads.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The file to write: .csv or .xlsx.")
        parser.add_argument("--year", type=int, required=True, help="The survey year.")
        parser.add_argument("--unit", default="", metavar="CODE",
                            help="Code of a province, district, commune or village on 30/9 of --year.")

    def handle(self, *args, file: Path, year: int, unit: str, **options) -> None:
        file_format = file.suffix.lower().lstrip(".")
        if file_format not in ("csv", "xlsx"):
            raise CommandError("The file name must end with .csv or .xlsx.")
        units = [resolve_unit(unit.strip(), year)] if unit else None
        with audit_context(source="manage.py export_people"):
            count = export_people(file, year=year, units=units, format=file_format)
        where = f" of {units[0].name} ({units[0].code})" if units else ""
        self.stdout.write(f"{file}: {count} persons{where}, survey {year}.")
