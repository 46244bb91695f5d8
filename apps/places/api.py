"""The API of administrative units and villages: ``/api/v1/units…`` and ``/api/v1/villages…``.

Every list and object is restricted to the caller's scope
(``apps.accounts.scope.scope_for``): a unit outside it answers 404, as if it did
not exist. Writes need the "edit" capability on the commune (403 without it) and
go through ``apps.places.services``.

The error schemas shared by the API's routers are defined here too.
"""


import datetime as dt
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.places import services
from apps.places.models import Unit, UnitKind, UnitLink

MAX_PAGE_SIZE = 500

Level = Literal["province", "district", "commune", "village"]


class ErrorItem(Schema):
    """One refused field: which one, and why in Vietnamese and English."""

    field: str | None = Field(None, description="The field refused, when the error names one.")
    message_vi: str
    message_en: str


class InputErrors(Schema):
    """400 (refused by a rule) or 422 (not the expected shape): the list of errors."""

    detail: list[ErrorItem]


class Message(Schema):
    """401, 403 and 404: a short message."""

    detail: str


READ_ERRORS = {401: Message, 404: Message}
WRITE_ERRORS = {400: InputErrors, 401: Message, 403: Message, 404: Message, 422: InputErrors}


def paginated():
    """Page-number pagination: ``?page=`` and ``?page_size=`` (default PAGE_SIZE, at most 500)."""
    return paginate(PageNumberPagination, page_size=settings.PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)


class UnitOut(Schema):
    """An administrative unit or a village, valid from ``valid_from`` to ``valid_to`` (inclusive)."""

    id: int
    code: str = Field(description="The national code; reused by the 2025 reform, so read it with a date.")
    name: str
    kind: Level
    division_type: str = Field(description="For example: tỉnh, huyện, xã, phường, thôn, buôn.")
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    latitude: float | None
    longitude: float | None
    predecessors: list[str] = Field(
        description="Codes of the units merged or divided into this one (2025 reform), in force the "
                    "day before the reform."
    )

    @staticmethod
    def resolve_parent_code(unit: Unit) -> str | None:
        return unit.parent.code if unit.parent_id else None

    @staticmethod
    def resolve_predecessors(unit: Unit) -> list[str]:
        return [link.predecessor.code for link in unit.predecessor_links.all()]


class UnitFilters(Schema):
    on: dt.date | None = Field(None, description="The date of the map (YYYY-MM-DD); default today.")
    level: Level | None = None
    parent: str | None = Field(
        None, description="Code of the parent unit, resolved on the same date (any level but village)."
    )
    parent_id: int | None = Field(None, description="Id of the parent unit.")


class ChildrenFilters(Schema):
    on: dt.date | None = Field(
        None,
        description="The date of the map; default today, or the unit's last day if it is no longer in force.",
    )


class VillageIn(Schema):
    name: str
    type: str = Field(description="thôn, buôn, bản, ấp, làng, sóc, plei, tổ dân phố, khu phố or khối.")
    code: str = Field("", description="Default: the commune's code and a number (24454-001).")


class VillagePatch(Schema):
    name: str | None = None
    type: str | None = None


router = Router(tags=["units"])


def _units(request: HttpRequest) -> QuerySet[Unit]:
    """The units the caller may see, ready to serialise without further queries."""
    links = UnitLink.objects.select_related("predecessor").order_by("predecessor__code")
    return (
        scope_for(request.auth).units()
        .select_related("parent")
        .prefetch_related(Prefetch("predecessor_links", queryset=links))
        .order_by("path")
    )


def _visible_unit(request: HttpRequest, unit_id: int) -> Unit:
    return get_object_or_404(_units(request), pk=unit_id)


def _require_edit(request: HttpRequest, unit: Unit) -> None:
    if not scope_for(request.auth, roles.EDIT).covers(unit):
        raise PermissionDenied(_("You may not edit this unit."))


def resolve_parent(code: str, on: dt.date) -> Unit:
    """The province, district or commune bearing ``code`` on ``on``; ``DomainError`` otherwise."""
    code = code.strip()
    matches = list(
        Unit.objects.in_force(on).filter(code=code).exclude(kind=UnitKind.VILLAGE).order_by("pk")[:2]
    )
    date = on.strftime("%d/%m/%Y")
    if not matches:
        raise DomainError(
            _("No unit has the code “%(code)s” on %(date)s."), {"code": code, "date": date}, column="parent"
        )
    if len(matches) > 1:
        raise DomainError(
            _("The code “%(code)s” is ambiguous on %(date)s: several units bear it."),
            {"code": code, "date": date}, column="parent",
        )
    return matches[0]


@router.get("/units", response={200: list[UnitOut], **READ_ERRORS, 400: InputErrors})
@paginated()
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> QuerySet[Unit]:
    """The units in force on a date that the caller may see, with their predecessors."""
    on = filters.on or timezone.localdate()
    units = _units(request).in_force(on)
    if filters.level:
        units = units.filter(kind=filters.level)
    if filters.parent:
        units = units.filter(parent=resolve_parent(filters.parent, on))
    if filters.parent_id is not None:
        units = units.filter(parent_id=filters.parent_id)
    return units


@router.get("/units/{unit_id}", response={200: UnitOut, **READ_ERRORS})
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    """One unit, whatever its dates; 404 when the caller may not see it."""
    return _visible_unit(request, unit_id)


@router.get("/units/{unit_id}/children", response={200: list[UnitOut], **READ_ERRORS})
@paginated()
def list_children(request: HttpRequest, unit_id: int, filters: Query[ChildrenFilters]) -> QuerySet[Unit]:
    """The units directly under a unit, in force on a date, that the caller may see."""
    unit = _visible_unit(request, unit_id)
    on = filters.on
    if on is None:
        today = timezone.localdate()
        on = today if unit.in_force_on(today) or unit.valid_to is None else unit.valid_to
    return _units(request).in_force(on).filter(parent=unit)


@router.get("/units/{commune_id}/villages", response={200: list[UnitOut], **READ_ERRORS})
@paginated()
def list_villages(request: HttpRequest, commune_id: int) -> QuerySet[Unit]:
    """The villages (thôn, buôn, bản, tổ dân phố…) of a commune."""
    commune = _visible_unit(request, commune_id)
    return _units(request).filter(parent=commune, kind=UnitKind.VILLAGE)


@router.post("/units/{commune_id}/villages", response={201: UnitOut, **WRITE_ERRORS})
def create_village(request: HttpRequest, commune_id: int, payload: VillageIn) -> Status:
    """Create a village in a commune; needs the "edit" capability on the commune."""
    commune = _visible_unit(request, commune_id)
    _require_edit(request, commune)
    village = services.create_village(commune, payload.name, payload.type, payload.code, user=request.auth)
    return Status(201, _visible_unit(request, village.pk))


@router.patch("/villages/{village_id}", response={200: UnitOut, **WRITE_ERRORS})
def update_village(request: HttpRequest, village_id: int, payload: VillagePatch) -> Unit:
    """Rename a village or change its type (its code never changes)."""
    village = get_object_or_404(_units(request), pk=village_id, kind=UnitKind.VILLAGE)
    _require_edit(request, village)
    services.update_village(
        village,
        payload.name if payload.name is not None else village.name,
        payload.type if payload.type is not None else village.division_type,
        user=request.auth,
    )
    return _visible_unit(request, village.pk)
