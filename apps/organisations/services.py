"""Services of the organisations registry: reading in scope, validating, writing.

Every write goes through a function here, which checks the user's "edit"
capability on the organisation's unit, owns its transaction and refuses bad input
with ``DomainError`` (each naming its field). The audit trail is written by the
model signals (``apps.accounts.audit``); organisations are never deleted, they
leave by ``active=False``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.organisations.models import Organisation, OrganisationKind, phone_validator
from apps.places.models import Unit, UnitKind
from apps.places.services import clean_name, normalise_name

# The fields a caller may set; ``active`` changes through ``deactivate_organisation``
# or ``update_organisation(active=True)``.
TEXT_FIELDS = ("short_name", "head_name", "head_title", "phone", "email", "address", "note")
EDITABLE_FIELDS = frozenset({"name", "kind", "unit", "parent", "active", *TEXT_FIELDS})
ORGANISATION_LEVELS = frozenset(
    {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.VILLAGE}
)
MAX_PARENT_DEPTH = 50  # far deeper than any real hierarchy; stops a corrupt loop


def get_organisations_for_user(user) -> QuerySet[Organisation]:
    """The organisations on the units ``user`` may see (active or not)."""
    return scope_for(user).filter(
        Organisation.objects.select_related("unit", "parent"), "unit"
    )


def get_organisation_for_user(user, pk: Any) -> Organisation:
    """One organisation the user may see; ``Http404`` when it is out of scope or unknown."""
    try:
        return get_organisations_for_user(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("No organisation matches the given query.") from None


def _text(value: Any) -> str:
    return clean_name(value if isinstance(value, str) else "" if value is None else str(value))


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise the text fields: NFC, single spaces, trimmed (the note keeps its lines)."""
    cleaned = dict(data)
    for field in ("name", *TEXT_FIELDS):
        if field == "note":
            cleaned[field] = (data.get(field) or "").strip()
        elif field in data or field == "name":
            cleaned[field] = _text(data.get(field))
    return cleaned


def _is_descendant_or_self(candidate: Organisation, instance: Organisation) -> bool:
    """True when ``candidate`` is ``instance`` or lies below it (following ``parent``)."""
    node: Organisation | None = candidate
    for _depth in range(MAX_PARENT_DEPTH):
        if node is None:
            return False
        if node.pk == instance.pk:
            return True
        node = node.parent
    return True  # a chain this deep is a loop already


def validate_organisation(data: dict[str, Any], *, instance: Organisation | None = None) -> list[DomainError]:
    """The reasons an organisation with ``data`` cannot be saved, each naming its field.

    ``data`` holds the fields of the model (``unit`` and ``parent`` as instances);
    for an update, pass the full resulting values and the ``instance``. The text
    fields are compared once normalised (NFC, single spaces). Empty when valid.
    """
    data = _clean_data(data)
    errors: list[DomainError] = []
    name = data.get("name", "")
    unit = data.get("unit")
    max_lengths = {f.name: f.max_length for f in Organisation._meta.concrete_fields if f.max_length}

    if not name:
        errors.append(DomainError(_("The name of the organisation is empty."), column="name"))
    if data.get("kind") not in OrganisationKind.values:
        errors.append(DomainError(
            _("Unknown type of organisation “%(kind)s”; use one of: %(kinds)s."),
            {"kind": data.get("kind") or "", "kinds": ", ".join(OrganisationKind.values)},
            column="kind",
        ))
    if not isinstance(unit, Unit):
        errors.append(DomainError(_("The organisation must belong to a unit."), column="unit"))
    elif unit.kind not in ORGANISATION_LEVELS:
        errors.append(DomainError(
            _("An organisation must belong to a province, a district, a commune or a village."),
            column="unit",
        ))
    for field in ("name", *TEXT_FIELDS):
        limit = max_lengths.get(field)
        if limit and len(data.get(field) or "") > limit:
            errors.append(DomainError(
                _("The field “%(field)s” is longer than %(max)s characters."),
                {"field": field, "max": limit}, column=field,
            ))
    if name and isinstance(unit, Unit) and unit.pk is not None:
        others = Organisation.objects.filter(unit=unit)
        if instance is not None and instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        key = normalise_name(name)
        if any(normalise_name(other) == key for other in others.values_list("name", flat=True)):
            errors.append(DomainError(
                _("The unit already has an organisation named “%(name)s”."),
                {"name": name}, column="name",
            ))
    parent = data.get("parent")
    if parent is not None:
        if not isinstance(parent, Organisation) or parent.pk is None:
            errors.append(DomainError(_("The parent organisation is unknown."), column="parent"))
        elif instance is not None and instance.pk is not None and _is_descendant_or_self(parent, instance):
            errors.append(DomainError(
                _("“%(parent)s” cannot be the parent: it is this organisation or one of its "
                  "sub-organisations."),
                {"parent": parent.name}, column="parent",
            ))
    if data.get("email"):
        try:
            validate_email(data["email"])
        except ValidationError:
            errors.append(DomainError(
                _("“%(email)s” is not a valid e-mail address."), {"email": data["email"]}, column="email",
            ))
    if data.get("phone"):
        try:
            phone_validator(data["phone"])
        except ValidationError:
            errors.append(DomainError(
                _("“%(phone)s” is not a valid telephone number: use 6 to 20 digits, spaces and + ( ) . -"),
                {"phone": data["phone"]}, column="phone",
            ))
    return errors


def _require_edit(user, unit: Unit) -> None:
    if not scope_for(user, roles.EDIT).covers(unit):
        raise PermissionDenied(_("You may not edit the organisations of this unit."))


def _save(organisation: Organisation) -> None:
    """Save, turning a lost race on the unique name into the same error as the validation."""
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise DomainError(
            _("The unit already has an organisation named “%(name)s”."),
            {"name": organisation.name}, column="name",
        ) from None


@transaction.atomic
def create_organisation(
    user,
    *,
    name: str,
    kind: str,
    unit: Unit,
    parent: Organisation | None = None,
    short_name: str = "",
    head_name: str = "",
    head_title: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    note: str = "",
    is_demo: bool = False,
) -> Organisation:
    """Register an organisation on ``unit``; the user needs the "edit" capability there.

    Raises ``PermissionDenied`` without it and ``DomainError`` on bad input.
    """
    if not isinstance(unit, Unit):
        raise DomainError(_("The organisation must belong to a unit."), column="unit")
    _require_edit(user, unit)
    data = _clean_data({
        "name": name, "kind": kind, "unit": unit, "parent": parent, "short_name": short_name,
        "head_name": head_name, "head_title": head_title, "phone": phone, "email": email,
        "address": address, "note": note,
    })
    errors = validate_organisation(data)
    if errors:
        raise errors[0]
    author = user if getattr(user, "pk", None) else None
    organisation = Organisation(**data, is_demo=is_demo, created_by=author, updated_by=author)
    _save(organisation)
    return organisation


@transaction.atomic
def update_organisation(user, organisation: Organisation, **changes: Any) -> Organisation:
    """Change fields of an organisation (``name``, ``kind``, ``unit``, ``parent``, ``active``, texts).

    The user needs the "edit" capability on its unit, and on the new unit when
    moving it. Raises ``TypeError`` for a field that cannot be changed,
    ``PermissionDenied`` and ``DomainError`` as ``create_organisation``.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"update_organisation() cannot change: {', '.join(sorted(unknown))}")
    _require_edit(user, organisation.unit)
    if "unit" in changes:
        if not isinstance(changes["unit"], Unit):
            raise DomainError(_("The organisation must belong to a unit."), column="unit")
        if changes["unit"].pk != organisation.unit_id:
            _require_edit(user, changes["unit"])
    current = {field: getattr(organisation, field) for field in EDITABLE_FIELDS}
    data = _clean_data({**current, **changes})
    errors = validate_organisation(data, instance=organisation)
    if errors:
        raise errors[0]
    for field, value in data.items():
        setattr(organisation, field, value)
    organisation.active = bool(data["active"])
    organisation.updated_by = user if getattr(user, "pk", None) else None
    _save(organisation)
    return organisation


@transaction.atomic
def deactivate_organisation(user, organisation: Organisation) -> Organisation:
    """Mark an organisation inactive (it stays in the registry and in its history)."""
    _require_edit(user, organisation.unit)
    if organisation.active:
        organisation.active = False
        organisation.updated_by = user if getattr(user, "pk", None) else None
        _save(organisation)
    return organisation
