"""The audit trail: every change to every registry record, with its request.

Changes are captured from model signals, so that no code path (page, API, command,
admin, background task) can change a record without leaving an entry. Bulk loads
that bypass signals (``load_places``) write one summary entry through
``record_command``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

from apps.accounts.models import ApiToken, AuditEntry
from apps.core.models import RegistryRecord

# Never copied into the trail: secrets and fields that change on every request.
EXCLUDED_FIELDS = {"password", "key_hash", "last_login", "updated_at", "last_used_at"}


@dataclass(frozen=True)
class AuditContext:
    user: Any = None
    actor: str = ""
    request_id: str = ""
    ip: str | None = None
    source: str = ""


_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "audit_context", default=AuditContext(actor="system", source="system")  # noqa: B039 (frozen)
)


def current() -> AuditContext:
    return _context.get()


@contextmanager
def audit_context(**values: Any) -> Iterator[AuditContext]:
    """Run a block with the given actor, request and source recorded on its changes."""
    ctx = replace(_context.get(), **values)
    if "user" in values and values["user"] is not None and "actor" not in values:
        ctx = replace(ctx, actor=values["user"].get_username())
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def set_user(user: Any) -> None:
    """Attach the authenticated user to the current request's context (token auth)."""
    _context.set(replace(_context.get(), user=user, actor=user.get_username()))


def new_request_id() -> str:
    return uuid.uuid4().hex


def is_audited(model: type[models.Model]) -> bool:
    return (
        issubclass(model, RegistryRecord)
        or model is get_user_model()
        or model is ApiToken
        or model._meta.label == "places.UnitLink"
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    return {
        field.attname: _json_value(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.name not in EXCLUDED_FIELDS and not field.primary_key
    }


def _repr(instance: models.Model) -> str:
    """How the trail names a record: ``audit_repr`` when personal (codes, not names)."""
    return str(getattr(instance, "audit_repr", None) or instance)


def _unit_path(instance: models.Model) -> str:
    unit_field = getattr(instance, "unit_field", None)
    if not unit_field:
        return ""
    unit = getattr(instance, unit_field, None)
    return getattr(unit, "path", "") or ""


def write_entry(
    action: str,
    *,
    model: str = "",
    object_id: str = "",
    object_repr: str = "",
    unit_path: str = "",
    before: dict | None = None,
    after: dict | None = None,
    user: Any = None,
) -> AuditEntry:
    ctx = current()
    if user is None:
        user = ctx.user if getattr(ctx.user, "pk", None) else None
    actor = user.get_username() if user is not None and user is not ctx.user else ctx.actor
    return AuditEntry.objects.create(
        user=user,
        actor=actor or (user.get_username() if user else ""),
        request_id=ctx.request_id,
        ip=ctx.ip,
        source=ctx.source[:200],
        action=action,
        model=model,
        object_id=object_id,
        object_repr=object_repr[:300],
        unit_path=unit_path,
        before=before,
        after=after,
    )


def record_command(description: str, *, unit_path: str = "", details: dict | None = None) -> AuditEntry:
    """One entry for a bulk operation that bypasses model signals."""
    return write_entry(
        AuditEntry.Action.COMMAND, object_repr=description, unit_path=unit_path, after=details
    )


def record_access(action: str, record: models.Model | None = None, *, description: str = "",
                  unit_path: str = "", details: dict | None = None) -> AuditEntry:
    """Who viewed or exported personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15).

    ``action`` is ``AuditEntry.Action.VIEW`` or ``EXPORT``; ``record`` the person or
    household seen, or ``None`` with a ``description`` for a list or an export.
    """
    if record is not None:
        return write_entry(action, model=record._meta.label, object_id=str(record.pk),
                           object_repr=description or str(record),
                           unit_path=unit_path or _unit_path(record), after=details)
    return write_entry(action, object_repr=description, unit_path=unit_path, after=details)


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    if raw or not is_audited(sender) or instance.pk is None:
        instance._audit_before = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or not is_audited(sender):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if before is not None and before == after:
        return
    write_entry(
        AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
        model=sender._meta.label,
        object_id=str(instance.pk),
        object_repr=_repr(instance),
        unit_path=_unit_path(instance),
        before=before,
        after=after,
    )


def _after_delete(sender, instance, **kwargs) -> None:
    if not is_audited(sender):
        return
    write_entry(
        AuditEntry.Action.DELETE,
        model=sender._meta.label,
        object_id=str(instance.pk),
        object_repr=_repr(instance),
        unit_path=_unit_path(instance),
        before=snapshot(instance),
    )


def _logged_in(sender, request, user, **kwargs) -> None:
    write_entry(AuditEntry.Action.LOGIN, model="auth.User", object_id=str(user.pk),
                object_repr=user.get_username(), user=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        write_entry(AuditEntry.Action.LOGOUT, model="auth.User", object_id=str(user.pk),
                    object_repr=user.get_username(), user=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    write_entry(AuditEntry.Action.LOGIN_FAILED, model="auth.User",
                object_repr=str(credentials.get("username", ""))[:150])


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid="audit_before_save")
    post_save.connect(_after_save, dispatch_uid="audit_after_save")
    post_delete.connect(_after_delete, dispatch_uid="audit_after_delete")
    user_logged_in.connect(_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
