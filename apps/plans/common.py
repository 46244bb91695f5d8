"""Helpers shared by the services of the plans app: who may write, and small checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.places.models import Unit


def can_edit(user, unit: Unit | None) -> bool:
    """May ``user`` write plans records on ``unit`` (``None``: a central document, admins only)."""
    scope = scope_for(user, roles.PLANS)
    return scope.everything if unit is None else scope.covers(unit)


def require_plans(user, unit: Unit | None) -> None:
    """``PermissionDenied`` unless the user holds PLANS on ``unit``; ``user=None`` is the system."""
    if user is None:  # the command line, the demo and background tasks act as the system
        return
    if not can_edit(user, unit):
        raise PermissionDenied(_("You may not change the plans, targets and tasks of this unit."))


def author(user) -> Any:
    return user if getattr(user, "pk", None) else None


def clean_text(value: Any) -> str:
    """Single spaces, trimmed (titles, names)."""
    return " ".join(str(value or "").split())


def not_future(on: dt.date | None, column: str) -> None:
    if on is not None and on > timezone.localdate():
        raise DomainError(_("The date %(date)s is in the future."), {"date": on.strftime("%d/%m/%Y")},
                          column=column)
