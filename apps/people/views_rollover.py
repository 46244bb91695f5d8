"""The roll-over page: a commune officer previews the next year's records, then confirms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.people import rollover, services
from apps.people.forms import RolloverForm
from apps.places.models import Unit, UnitKind


def _editable_communes(user):
    """Communes of today's map: one merged away by the 2025 reform has no next year to roll into."""
    return (scope_for(user, EDIT).units().in_force(timezone.localdate()).filter(kind=UnitKind.COMMUNE)
            .order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def rollover_view(request: HttpRequest) -> HttpResponse:
    """GET with ``commune`` and ``from_year``: the preview; POST: the roll-over itself."""
    communes = _editable_communes(request.user)
    if scope_for(request.user, EDIT).is_empty:
        raise PermissionDenied(_("You may not change the population registry."))
    years = services.survey_years()
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = RolloverForm(data, communes=communes, years=years)
    if data is not None and not form.is_valid() and "commune" in form.errors:
        value = data.get("commune", "")
        if value.isdigit() and Unit.objects.filter(pk=int(value)).exists():
            raise PermissionDenied(_("You may not change the population registry of this unit."))
    result = None
    if form.is_bound and form.is_valid():
        commune, from_year = form.cleaned_data["commune"], form.cleaned_data["from_year"]
        try:
            if request.method == "POST":
                result = rollover.roll_over(commune, from_year, user=request.user)
                messages.success(request, _("%(count)d survey records of %(year)s were created.")
                                 % {"count": result.created, "year": result.to_year})
                return redirect(f"{request.path}?commune={commune.pk}&from_year={from_year}")
            result = rollover.preview(commune, from_year, user=request.user)
        except DomainError as error:
            form.add_error(None, error.localized())
    return render(request, "people/rollover.html", {"form": form, "result": result})
