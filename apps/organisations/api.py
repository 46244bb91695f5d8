"""The API of the organisations registry: ``/api/v1/organisations…``.

Reading is restricted to the caller's scope (404 outside it); writing goes
through ``apps.organisations.services``, which checks the "edit" capability on
the unit (403) and refuses bad input (400, naming the field).
"""


import datetime as dt
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from apps.core.errors import DomainError, fields_renamed
from apps.organisations import services
from apps.organisations.models import Organisation, OrganisationKind
from apps.places.api import READ_ERRORS, WRITE_ERRORS, paginated
from apps.places.models import Unit

Kind = Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: Kind
    unit_id: int
    unit_code: str
    unit_name: str
    parent_id: int | None
    head_name: str
    head_title: str
    phone: str
    email: str
    address: str
    note: str
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_unit_code(organisation: Organisation) -> str:
        return organisation.unit.code

    @staticmethod
    def resolve_unit_name(organisation: Organisation) -> str:
        return organisation.unit.name


class OrganisationIn(Schema):
    name: str
    kind: Kind
    unit_id: int
    parent_id: int | None = None
    short_name: str = ""
    head_name: str = ""
    head_title: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    note: str = ""


class OrganisationPatch(Schema):
    """Only the fields sent are changed; ``"parent_id": null`` removes the parent."""

    name: str | None = None
    kind: Kind | None = None
    unit_id: int | None = None
    parent_id: int | None = None
    short_name: str | None = None
    head_name: str | None = None
    head_title: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    note: str | None = None
    active: bool | None = Field(None, description="false deactivates the organisation; true restores it.")


class OrganisationFilters(Schema):
    unit: int | None = Field(None, description="Id of the unit the organisations belong to.")
    kind: Kind | None = None
    q: str | None = Field(None, description="Part of the name or short name.")
    include_inactive: bool = Field(False, description="Also list the deactivated organisations.")


router = Router(tags=["organisations"])

# The services name the model's fields; the API's clients send these.
API_FIELDS = {"unit": "unit_id", "parent": "parent_id"}


def _unit(unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise DomainError(_("No unit has the id %(id)s."), {"id": unit_id}, column="unit_id")
    return unit


def _parent(request: HttpRequest, parent_id: int | None) -> Organisation | None:
    if parent_id is None:
        return None
    parent = services.get_organisations_for_user(request.auth).filter(pk=parent_id).first()
    if parent is None:
        raise DomainError(
            _("No organisation you may see has the id %(id)s."), {"id": parent_id}, column="parent_id"
        )
    return parent


def _changes(request: HttpRequest, payload: Schema) -> dict[str, Any]:
    """The payload as service arguments: ids turned into the unit and parent they name."""
    changes = payload.dict(exclude_unset=True)
    if "unit_id" in changes:
        unit_id = changes.pop("unit_id")
        if unit_id is None:
            raise DomainError(_("The organisation must belong to a unit."), column="unit_id")
        changes["unit"] = _unit(unit_id)
    if "parent_id" in changes:
        changes["parent"] = _parent(request, changes.pop("parent_id"))
    for field in ("name", "kind", "active", *services.TEXT_FIELDS):
        if field in changes and changes[field] is None:
            if field in services.TEXT_FIELDS:
                changes[field] = ""
            else:
                raise DomainError(_("The field “%(field)s” cannot be empty."), {"field": field}, column=field)
    return changes


@router.get("/organisations", response={200: list[OrganisationOut], **READ_ERRORS})
@paginated()
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> QuerySet[Organisation]:
    """The organisations the caller may see; active ones unless ``include_inactive``."""
    organisations = services.get_organisations_for_user(request.auth)
    if not filters.include_inactive:
        organisations = organisations.filter(active=True)
    if filters.unit is not None:
        organisations = organisations.filter(unit_id=filters.unit)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.q and filters.q.strip():
        text = filters.q.strip()
        organisations = organisations.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
    return organisations.order_by("unit__path", "kind", "name", "pk")


@router.post("/organisations", response={201: OrganisationOut, **WRITE_ERRORS})
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status:
    """Register an organisation; needs the "edit" capability on its unit."""
    with fields_renamed(API_FIELDS):
        organisation = services.create_organisation(request.auth, **_changes(request, payload))
    return Status(201, services.get_organisation_for_user(request.auth, organisation.pk))


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **READ_ERRORS})
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    """One organisation; 404 when the caller may not see it."""
    return services.get_organisation_for_user(request.auth, organisation_id)


@router.patch("/organisations/{organisation_id}", response={200: OrganisationOut, **WRITE_ERRORS})
def update_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> Organisation:
    """Change the fields sent; needs the "edit" capability on the unit (and the new unit)."""
    organisation = services.get_organisation_for_user(request.auth, organisation_id)
    with fields_renamed(API_FIELDS):
        services.update_organisation(request.auth, organisation, **_changes(request, payload))
    return services.get_organisation_for_user(request.auth, organisation.pk)

