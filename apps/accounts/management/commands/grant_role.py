"""Give a user a role on a unit from the command line (deployments, scripts)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.accounts.audit import audit_context
from apps.accounts.models import RoleAssignment
from apps.accounts.roles import ROLES, get_role
from apps.core.errors import DomainError
from apps.places.services import resolve


class Command(BaseCommand):
    help = "Give USER the role ROLE on the unit with code CODE in the map in force on --on (default today)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("--unit", help="unit code (province, district, commune or village)")
        parser.add_argument("--level", default=None,
                            help="level of the unit code: province, district, commune (default: the role's)")
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None,
                            help="date whose map resolves the code, YYYY-MM-DD (default: today)")

    @transaction.atomic
    def handle(self, *args, username: str, role: str, unit: str | None, level: str | None, on, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}” / No user “{username}”.")
        definition = get_role(role)
        target = None
        if not definition.is_global:
            if not unit:
                raise CommandError("Vai trò này cần --unit / This role needs --unit.")
            kinds = [level] if level else sorted(definition.levels)
            on = on or timezone.localdate()
            for kind in kinds:
                try:
                    target = resolve(unit, on, kind)
                    break
                except DomainError as error:
                    last_error = error
            if target is None:
                raise CommandError(last_error.bilingual())
        assignment = RoleAssignment(user=user, role=role, unit=target)
        try:
            assignment.full_clean(exclude=["created_by", "updated_by"])
        except ValidationError as error:
            raise CommandError("; ".join(m for ms in error.message_dict.values() for m in ms)) from error
        with audit_context(actor="manage.py grant_role", source="manage.py grant_role"):
            assignment.save()
        self.stdout.write(f"{username}: {definition.label} — {target or 'toàn quốc / everywhere'}")
