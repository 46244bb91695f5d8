"""Pages of the organisation registry: list, detail, create, edit, deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.history import history_for
from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.organisations import services
from apps.organisations.forms import OrganisationFilterForm, OrganisationForm
from apps.places.access import get_unit_for_user
from apps.places.services import map_date_from_request

FIELDS = ["name", "short_name", "kind", "unit", "parent", "head_name", "head_title", "phone", "email",
          "address", "note"]


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = services.get_organisations_for_user(request.user)
    unit = None
    if form.is_valid():
        data = form.cleaned_data
        if not data["inactive"]:
            organisations = organisations.filter(active=True)
        if data["q"]:
            organisations = organisations.filter(
                Q(name__icontains=data["q"]) | Q(short_name__icontains=data["q"]))
        if data["kind"]:
            organisations = organisations.filter(kind=data["kind"])
        if data["unit"]:
            unit = get_unit_for_user(request.user, data["unit"])
            organisations = organisations.filter(unit__path__startswith=unit.path)
    else:
        organisations = organisations.filter(active=True)
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "organisations/list.html", {
        "form": form, "page": page, "unit": unit,
        "can_create": not scope_for(request.user, EDIT).is_empty,
    })


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = services.get_organisation_for_user(request.user, pk)
    return render(request, "organisations/detail.html", {
        "organisation": organisation,
        "children": organisation.children.select_related("unit").order_by("name"),
        "history": history_for(request.user, organisation)[:30],
        "can_edit": scope_for(request.user, EDIT).covers(organisation.unit),
    })


def _save(request: HttpRequest, form: OrganisationForm, organisation=None):
    data = {field: form.cleaned_data[field] for field in FIELDS}
    for key in FIELDS:
        if data[key] is None and key not in ("unit", "parent"):
            data[key] = ""
    if organisation is None:
        return services.create_organisation(request.user, **data)
    return services.update_organisation(request.user, organisation, **data)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    if scope_for(request.user, EDIT).is_empty:
        raise PermissionDenied(_("You may not register organisations."))
    initial = {"unit": request.GET.get("unit")}
    form = OrganisationForm(request.POST or None, initial=initial, user=request.user,
                            on=map_date_from_request(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = _save(request, form)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The organisation was registered."))
            return redirect("organisations:detail", organisation.pk)
    return render(request, "organisations/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = services.get_organisation_for_user(request.user, pk)
    if not scope_for(request.user, EDIT).covers(organisation.unit):
        raise PermissionDenied(_("You may not change this organisation."))
    initial = {field: getattr(organisation, field) for field in FIELDS}
    form = OrganisationForm(request.POST or None, initial=initial, user=request.user,
                            on=map_date_from_request(request))
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, form, organisation)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("organisations:detail", organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def organisation_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = services.get_organisation_for_user(request.user, pk)
    services.deactivate_organisation(request.user, organisation)
    messages.success(request, _("The organisation was marked inactive."))
    return redirect("organisations:detail", organisation.pk)
