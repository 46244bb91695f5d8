"""Fetch-and-authorise helpers shared by the PCGD–XMC pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import EDIT, PERSONAL_DATA, VIEW
from apps.accounts.scope import scope_for
from apps.places.models import Unit, UnitKind
from apps.universal.attestation import FIRST_YEAR
from apps.universal.reports.selection import year_date


def default_year() -> int:
    return timezone.localdate().year


def survey_years() -> list[int]:
    """The years a user can choose, newest first: back to the first year a rule set covers."""
    from apps.universal.rules import all_rule_sets

    first = min((rule_set.valid_from.year for rule_set in all_rule_sets()), default=default_year())
    return list(range(default_year(), max(first, FIRST_YEAR) - 1, -1))


def year_from(request: HttpRequest, name: str = "year") -> int:
    """``?year=`` when it is a survey year the system covers, else the current year."""
    value = request.GET.get(name, "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= default_year() + 1:
        return int(value)
    return default_year()


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= default_year() + 1:
        raise Http404("No survey year matches the given query.")
    return year


def get_unit(pk: int) -> Unit:
    return get_object_or_404(Unit.objects.select_related("parent__parent"), pk=pk)


def get_commune_for_user(user, pk: int, year: int | None = None, *, capability: str = VIEW) -> Unit:
    """A commune the user may see (or, with ``capability``, act on), on the year's map if given."""
    commune = get_unit(pk)
    if not scope_for(user, capability).covers(commune):
        if capability == EDIT:
            raise PermissionDenied(_("You may not change the records of this unit."))
        raise PermissionDenied(_("You do not have access to this unit."))
    if commune.kind != UnitKind.COMMUNE:
        raise Http404("No commune matches the given query.")
    if year is not None and not commune.in_force_on(year_date(year)):
        raise PermissionDenied(_("This unit is not on the map of the chosen year."))
    return commune


def sees_personal_data(user, unit: Unit) -> bool:
    return scope_for(user, PERSONAL_DATA).covers(unit)


def can_edit(user, unit: Unit) -> bool:
    return scope_for(user, EDIT).covers(unit)
