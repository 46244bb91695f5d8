"""Role assignments, personal API tokens and the audit trail."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import ROLE_CHOICES, get_role
from apps.core.models import RegistryRecord


class RoleAssignment(RegistryRecord):
    """A user holds a role on a unit (or, for a global role, everywhere)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES)
    unit = models.ForeignKey(
        "places.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments",
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(unit__isnull=True),
                name="global_role_unique",
            ),
        ]

    def __str__(self) -> str:
        role = get_role(self.role)
        return f"{self.user} — {role.label}" + (f" — {self.unit}" if self.unit_id else "")

    def clean(self) -> None:
        role = get_role(self.role)
        if role.is_global and self.unit_id:
            raise ValidationError({"unit": _("This role applies everywhere and takes no unit.")})
        if not role.is_global:
            if not self.unit_id:
                raise ValidationError({"unit": _("This role must be held on a unit.")})
            if self.unit.kind not in role.levels:
                raise ValidationError(
                    {"unit": _("This role cannot be held on a unit of this level.")}
                )


class ApiToken(models.Model):
    """A personal token for the API; only its hash is stored."""

    PREFIX = "kh_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    unit_field = None

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class AuditEntry(models.Model):
    """One change to one record: who, when, from which request, before and after.

    Append-only: the model refuses updates and deletes.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        COMMAND = "command", _("command")
        LOGIN = "login", _("logged in")
        LOGOUT = "logout", _("logged out")
        LOGIN_FAILED = "login_failed", _("failed login")
        VIEW = "view", _("viewed personal data")
        EXPORT = "export", _("exported")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("user"),
    )
    actor = models.CharField(_("by"), max_length=150, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    object_repr = models.CharField(_("description"), max_length=300, blank=True)
    # The unit's path, copied, so that the entry stays scoped even if the unit goes.
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("Audit entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit entries cannot be deleted."))

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
