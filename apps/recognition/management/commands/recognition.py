"""``manage.py recognition``: automatic scores, criteria-set files.

    manage.py recognition autoscore --title gdht --year 2026 --format json [--unit 24454] [--user dangkang]
    manage.py recognition autoscore --title cdht_thon --year 2026 [--set CODE] [--unit …] [--user …]
    manage.py recognition autoscore --title cdht_cong_dan --year 2026 [--unit …] [--user …]
    manage.py recognition import-set FILE [--replace]        # YAML or JSON
    manage.py recognition export-set ID_OR_CODE [--format yaml|json] [--output FILE]
    manage.py recognition load-shipped                       # the sets of apps/recognition/sets/ (idempotent)

``autoscore`` prints one JSON object: ``year``, ``title`` and ``households``
(``commune_code``, ``household_code``, ``criteria`` {"1a": {"met", "members"},
"2a": {…}}), for the households with a member surveyed that year, under the
unit's code on 30 September of the year (a pre-2025 district covers the
communes formed from it). With ``--user`` the output is limited to what that
user may see (``scope_for``); without it the command line sees everything.
``cdht_thon`` prints ``villages`` (the share of households recognised "Gia đình
học tập" against the threshold of the set), ``cdht_cong_dan`` prints ``persons``
(QĐ 324's rule on the evaluators' points); the shapes are in docs/recognition.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from apps.accounts.scope import coverage_paths, scope_for
from apps.core.errors import DomainError, ImportFailed
from apps.places.models import Unit, UnitKind
from apps.recognition import services, sets_io
from apps.recognition.autoscore import (
    citizens_report,
    households_report,
    households_with_survey,
    villages_report,
)
from apps.recognition.models import CriteriaSet, Registration, Title
from apps.universal.management.commands.pcgd import unit_on


def load_shipped() -> list[str]:
    """Load the shipped sets not loaded yet (by code); returns the codes loaded."""
    loaded = []
    for path in sets_io.shipped_files():
        spec = sets_io.read_file(path)
        if not CriteriaSet.objects.filter(code=spec.code).exists():
            services.load_criteria_set(sets_io.parse_text(path.read_bytes(), path.name))
            loaded.append(spec.code)
    return loaded


class Command(BaseCommand):
    help = "Learning-model titles: automatic scores from the registry, criteria-set files."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        autoscore = sub.add_parser("autoscore", help="Scores computed from the registry, as JSON.")
        autoscore.add_argument("--title", required=True,
                               choices=[Title.GDHT, Title.CDHT_THON, Title.CDHT_CONG_DAN])
        autoscore.add_argument("--set", dest="set_code", metavar="CODE",
                               help="cdht_thon: the criteria set whose threshold applies (default: the set "
                                    "of each commune's campaign of the year).")
        autoscore.add_argument("--year", type=int, required=True, help="The survey year.")
        autoscore.add_argument("--format", choices=["json"], default="json")
        autoscore.add_argument(
            "--unit", metavar="CODE", help="Only under this province, district or commune."
        )
        autoscore.add_argument("--user", metavar="USERNAME", help="Only what this user may see.")
        import_set = sub.add_parser("import-set", help="Load a criteria set from a YAML or JSON file.")
        import_set.add_argument("file", type=Path)
        import_set.add_argument(
            "--replace",
            action="store_true",
            help="Replace the set with the same code (refused once a campaign uses it).",
        )
        export_set = sub.add_parser("export-set", help="Write a criteria set as YAML or JSON.")
        export_set.add_argument("set", metavar="ID_OR_CODE")
        export_set.add_argument("--format", choices=["yaml", "json"], default="yaml")
        export_set.add_argument("--output", type=Path, metavar="FILE")
        sub.add_parser("load-shipped", help="Load the criteria sets shipped with the system.")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action.replace('-', '_')}")(**options)
        except ImportFailed as error:
            raise CommandError("\n".join(e.bilingual() for e in error.errors)) from error
        except DomainError as error:
            raise CommandError(error.bilingual()) from error

    def _autoscore(self, *, title: str, year: int, unit: str | None, user: str | None,
                   set_code: str | None = None, **options) -> None:
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user named {user!r}.")
        prefixes = coverage_paths(unit_on(unit, year)) if unit else None

        def under(field: str) -> Q:
            if prefixes is None:
                return Q()
            condition = Q(pk__in=[])
            for prefix in prefixes:
                condition |= Q(**{f"{field}__startswith": prefix})
            return condition

        if title == Title.CDHT_THON:
            if set_code and not CriteriaSet.objects.filter(code=set_code).exists():
                raise CommandError(f"No criteria set {set_code!r}.")
            villages = (Unit.objects.filter(kind=UnitKind.VILLAGE).in_force(dt.date(year, 12, 31))
                        .filter(under("path")))
            if account is not None:
                villages = scope_for(account).filter(villages, unit_field=None)
            report = villages_report(year, villages, set_code)
        elif title == Title.CDHT_CONG_DAN:
            registrations = Registration.objects.filter(campaign__title=Title.CDHT_CONG_DAN).filter(
                under("unit__path"))
            if account is not None:
                registrations = scope_for(account).filter(registrations, "unit")
            report = citizens_report(year, registrations)
        else:
            households = households_with_survey(year, under("commune__path"))
            if account is not None:
                households = scope_for(account).filter(households, "village")
            report = households_report(year, households)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    def _import_set(self, *, file: Path, replace: bool, **options) -> None:
        if not file.exists():
            raise CommandError(f"No file {file}.")
        criteria_set = services.load_criteria_set(
            sets_io.parse_text(file.read_bytes(), file.name), replace=replace
        )
        self.stdout.write(f"{criteria_set.pk} {criteria_set.code}")

    def _export_set(self, *, set: str, format: str, output: Path | None, **options) -> None:
        lookup = Q(code=set) | (Q(pk=int(set)) if set.isdigit() else Q())
        criteria_set = CriteriaSet.objects.filter(lookup).first()
        if criteria_set is None:
            raise CommandError(f"No criteria set {set!r}.")
        text = services.export_criteria_set(criteria_set, format)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")

    def _load_shipped(self, **options) -> None:
        for code in load_shipped():
            self.stdout.write(code)
