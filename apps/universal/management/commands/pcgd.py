"""``manage.py pcgd``: PCGD–XMC rates, levels and groupings of a survey year, as JSON or a workbook.

    manage.py pcgd --year 2026 --format json                  # every commune with survey records
    manage.py pcgd --year 2024 --format json --unit 653       # the communes of a (legacy) district
    manage.py pcgd --year 2026 --format xlsx --output pcgd.xlsx

The JSON is the object of pcgd-xmc.md ("Output of manage.py pcgd"): ``year``,
``rule_set`` and ``units`` (communes, then districts and provinces).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.places.models import Unit, UnitKind
from apps.places.services import resolve, survey_date
from apps.universal.engine import compute_year, to_json
from apps.universal.engine.workbook import write_workbook


def unit_on(code: str, year: int) -> Unit:
    """The province, district or commune bearing ``code`` on the survey date of ``year``."""
    on = survey_date(year)
    found = []
    for kind in (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE):
        try:
            found.append(resolve(code, on, kind))
        except DomainError:
            continue
    if len(found) == 1:
        return found[0]
    if not found:
        raise DomainError(gettext_lazy("No administrative unit has the code “%(code)s” on %(date)s."),
                          {"code": code, "date": on.strftime("%d/%m/%Y")})
    raise DomainError(gettext_lazy("The code “%(code)s” is ambiguous on %(date)s: several units bear it."),
                      {"code": code, "date": on.strftime("%d/%m/%Y")})


class Command(BaseCommand):
    help = ("PCGD–XMC (universal education and literacy) rates, levels and groupings of a survey year, "
            "computed from the population registry.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The survey year (30 September).")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--unit", metavar="CODE",
                            help="Only the communes under this province, district or commune "
                                 "(its code on 30 September of the year).")
        parser.add_argument("--output", type=Path, metavar="FILE",
                            help="Write to this file (JSON: standard output when absent; "
                                 "xlsx: pcgd-<year>.xlsx when absent).")

    def handle(self, *args, year: int, format: str, unit: str | None, output: Path | None,
               **options) -> None:
        try:
            communes = None
            if unit:
                chosen = unit_on(unit, year)
                communes = (Unit.objects.in_force(survey_date(year))
                            .filter(kind=UnitKind.COMMUNE, path__startswith=chosen.path))
            result = compute_year(year, communes=communes)
        except DomainError as error:
            raise CommandError(error.bilingual()) from error
        if format == "json":
            text = json.dumps(to_json(result), ensure_ascii=False, indent=2)
            if output is None:
                self.stdout.write(text)
            else:
                output.write_text(text + "\n", encoding="utf-8")
            return
        output = output or Path(f"pcgd-{year}.xlsx")
        write_workbook(result, output)
        self.stdout.write(_("Wrote %(communes)s communes and %(groupings)s districts and provinces to "
                            "%(file)s.") % {"communes": len(result.communes),
                                           "groupings": len(result.groupings), "file": output})
