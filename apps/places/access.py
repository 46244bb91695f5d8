"""Fetch-and-authorise helpers for units: every page reaches a unit through these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from apps.accounts.roles import EDIT, VIEW
from apps.accounts.scope import scope_for
from apps.places.models import Unit, UnitKind


def get_unit_for_user(user, pk: int, *, navigable: bool = False) -> Unit:
    """A unit the user may read; with ``navigable``, also a unit above the user's scope.

    Units above a user's scope are shown only as the way down to it (their
    children outside the scope stay hidden).
    """
    unit = get_object_or_404(Unit.objects.select_related("parent__parent__parent"), pk=pk)
    scope = scope_for(user, VIEW)
    if scope.covers(unit) or (navigable and scope.leads_to(unit)):
        return unit
    raise PermissionDenied(_("You do not have access to this unit."))


def get_unit_for_edit(user, pk: int, *, kind: str | None = None) -> Unit:
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    if not scope_for(user, EDIT).covers(unit):
        raise PermissionDenied(_("You may not change the records of this unit."))
    if kind is not None and unit.kind != kind:
        raise PermissionDenied(_("This page applies to a unit of another level."))
    return unit


def get_commune_for_edit(user, pk: int) -> Unit:
    return get_unit_for_edit(user, pk, kind=UnitKind.COMMUNE)
