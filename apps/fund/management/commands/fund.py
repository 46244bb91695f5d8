"""``manage.py fund``: the khuyến học fund from the command line.

    manage.py fund create CODE --name NAME --unit CODE [--holder ID]
    manage.py fund donate --fund CODE --amount N --donor NAME [--date YYYY-MM-DD] [--purpose P]
                          [--method cash|bank] [--anonymous] [--consent]
    manage.py fund balance --fund CODE [--format json|text]
    manage.py fund ledger --fund CODE [--format json|text]
    manage.py fund verify [--fund CODE]
    manage.py fund reverse --entry ID --reason TEXT [--date YYYY-MM-DD]
    manage.py fund close-period --fund CODE --date YYYY-MM-DD

Amounts are whole đồng. ``--user USERNAME`` acts as that user, within their scope and
capabilities; without it the command acts as the system operator. Every posting runs
in an audit context (actor, source "manage.py fund <action>"), so it is in the trail.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from apps.accounts import roles
from apps.accounts.audit import audit_context, record_command
from apps.core.errors import DomainError
from apps.fund import services, statement, verify
from apps.fund.models import Fund, JournalEntry, Method
from apps.places.models import UnitKind
from apps.places.services import resolve


def _unit(code: str):
    today = timezone.localdate()
    for kind in (UnitKind.COMMUNE, UnitKind.PROVINCE, UnitKind.DISTRICT):
        try:
            return resolve(code, today, kind)
        except DomainError:
            continue
    raise CommandError(f"No commune, province or district has the code “{code}” today.")


def entry_json(entry: JournalEntry) -> dict[str, Any]:
    donation = getattr(entry, "donation", None)
    lines = [{"account": line.account.code, "debit": line.debit, "credit": line.credit,
              "restriction": line.restriction} for line in entry.lines.all()]
    data: dict[str, Any] = {
        "id": entry.pk, "date": entry.date.isoformat(), "kind": entry.kind, "memo": entry.memo,
        "amount": sum(line["debit"] for line in lines),
        "reverses": entry.reverses_id, "reason": entry.reason,
        "posted_by": entry.posted_by.get_username() if entry.posted_by else "",
        "posted_at": entry.posted_at.isoformat(), "lines": lines,
    }
    if donation is not None:
        data["receipt_number"] = donation.receipt_number
    return data


class Command(BaseCommand):
    help = "The khuyến học fund: create, donate, balance, ledger, verify, reverse, close-period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", dest="as_user", metavar="USERNAME",
                            help="Act as this user (their scope and capabilities); default: the operator.")
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a fund held by the unit's association committee.")
        create.add_argument("code")
        create.add_argument("--name", required=True)
        create.add_argument("--unit", required=True, metavar="CODE",
                            help="Code of the commune (today's map).")
        create.add_argument("--holder", type=int, metavar="ID", help="Organisation id of the committee.")

        donate = actions.add_parser("donate", help="Record a donation and issue its receipt.")
        donate.add_argument("--fund", required=True, metavar="CODE")
        donate.add_argument("--amount", required=True, help="Whole đồng, e.g. 500000 or 500.000.")
        donate.add_argument("--donor", default="", metavar="NAME")
        donate.add_argument("--anonymous", action="store_true")
        donate.add_argument("--consent", action="store_true", help="The donor may be named publicly.")
        donate.add_argument("--date", metavar="YYYY-MM-DD")
        donate.add_argument("--purpose", default="", help="Restricted purpose; empty: unrestricted.")
        donate.add_argument("--method", default=Method.CASH, choices=[Method.CASH, Method.BANK])

        for name in ("balance", "ledger"):
            sub = actions.add_parser(name, help=f"The fund's {name}.")
            sub.add_argument("--fund", required=True, metavar="CODE")
            sub.add_argument("--format", choices=["json", "text"], default="text")

        check = actions.add_parser("verify", help="Check the books; exit status 1 on any fault.")
        check.add_argument("--fund", metavar="CODE")

        reverse = actions.add_parser("reverse", help="Reverse an entry by a new one.")
        reverse.add_argument("--entry", type=int, required=True)
        reverse.add_argument("--reason", required=True)
        reverse.add_argument("--date", metavar="YYYY-MM-DD")

        close = actions.add_parser("close-period", help="Close the quarter containing a date.")
        close.add_argument("--fund", required=True, metavar="CODE")
        close.add_argument("--date", required=True, metavar="YYYY-MM-DD")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        user = self._user(options.pop("as_user", None))
        actor = {"user": user} if user else {"actor": "manage.py"}
        with audit_context(source=f"manage.py fund {action}", **actor):
            try:
                getattr(self, "do_" + action.replace("-", "_"))(user, **options)
            except DomainError as error:
                raise CommandError(error.bilingual()) from error
            except PermissionDenied as error:
                raise CommandError(str(error) or "Permission denied.") from error

    def _user(self, username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user “{username}”.") from None

    def _fund(self, user, code: str, capability: str = roles.VIEW) -> Fund:
        try:
            if user is None:
                return Fund.objects.select_related("unit", "holder").get(code=code)
            return services.get_fund_for_user(user, code, capability)
        except (Fund.DoesNotExist, Http404):
            raise CommandError(f"No fund “{code}”.") from None

    def do_create(self, user, *, code: str, name: str, unit: str, holder: int | None, **_: Any) -> None:
        from apps.organisations.models import Organisation

        chosen = Organisation.objects.filter(pk=holder).first() if holder else None
        if holder and chosen is None:
            raise CommandError(f"No organisation #{holder}.")
        fund = services.create_fund(user, code=code, name=name, unit=_unit(unit), holder=chosen)
        self.stdout.write(f"Fund {fund.code} created: {fund.name} ({fund.unit.name}, "
                          f"held by {fund.holder.name}).")

    def do_donate(self, user, *, fund: str, amount: str, donor: str, anonymous: bool, consent: bool,
                  date: str | None, purpose: str, method: str, **_: Any) -> None:
        chosen = self._fund(user, fund, roles.FUND)
        donation = services.post_donation(user, chosen, amount=amount, donor_name=donor, anonymous=anonymous,
                                          public_consent=consent, date=date, purpose=purpose, method=method)
        self.stdout.write(f"Receipt {donation.receipt_number}: {donation.amount} đồng, "
                          f"entry #{donation.entry_id}.")

    def do_balance(self, user, *, fund: str, format: str, **_: Any) -> None:
        chosen = self._fund(user, fund)
        figures = statement.totals(chosen)
        figures["by_restriction"] = statement.balances(chosen)["money"]
        if format == "json":
            self.stdout.write(json.dumps({"fund": chosen.code, **figures}, ensure_ascii=False, indent=2))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {value}")

    def do_ledger(self, user, *, fund: str, format: str, **_: Any) -> None:
        chosen = self._fund(user, fund)
        entries = (JournalEntry.objects.filter(fund=chosen).select_related("donation", "posted_by")
                   .prefetch_related("lines__account").order_by("date", "pk"))
        data = [entry_json(entry) for entry in entries]
        if format == "json":
            self.stdout.write(json.dumps({"fund": chosen.code, "entries": data}, ensure_ascii=False,
                                         indent=2))
            return
        for row in data:
            receipt = f" {row['receipt_number']}" if "receipt_number" in row else ""
            self.stdout.write(f"#{row['id']} {row['date']} {row['kind']}{receipt} {row['amount']} "
                              f"{row['memo']}")

    def do_verify(self, user, *, fund: str | None, **_: Any) -> None:
        chosen = self._fund(user, fund) if fund else None
        if chosen is None and user is not None and services.funds_for(user).count() != Fund.objects.count():
            raise CommandError("Verify all funds as the operator, or name a fund in your scope with --fund.")
        found = verify.faults(chosen)
        record_command("manage.py fund verify", unit_path=chosen.unit.path if chosen else "",
                       details={"fund": chosen.code if chosen else None, "faults": len(found)})
        for fault in found:
            self.stderr.write(fault)
        if found:
            raise CommandError(f"{len(found)} faults found.")
        count = JournalEntry.objects.filter(fund=chosen).count() if chosen else JournalEntry.objects.count()
        self.stdout.write(f"The books are sound: {count} entries checked.")

    def do_reverse(self, user, *, entry: int, reason: str, date: str | None, **_: Any) -> None:
        found = JournalEntry.objects.select_related("fund__unit").filter(pk=entry).first()
        if found is not None and user is not None and not services.funds_for(user).filter(pk=found.fund_id):
            found = None  # outside the user's scope: as if it did not exist
        if found is None:
            raise CommandError(f"No entry #{entry}.")
        reversal = services.reverse_entry(found, reason, user, date=date)
        self.stdout.write(f"Entry #{entry} reversed by entry #{reversal.pk}.")

    def do_close_period(self, user, *, fund: str, date: str, **_: Any) -> None:
        chosen = self._fund(user, fund, roles.FUND)
        period = services.close_period(user, chosen, date)
        self.stdout.write(f"Period {period.start.isoformat()} – {period.end.isoformat()} of {chosen.code} "
                          "closed.")
