"""Abstract base models shared by every registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class RegistryRecord(TimeStampedModel):
    """A fact someone declared or recorded: who recorded it and whether it is demo data.

    Every subclass is audited (see ``apps.accounts.audit``); ``unit_field`` names
    the field holding its administrative unit, so that its history is scoped like
    the record itself.
    """

    unit_field = "unit"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Illustrative record loaded by the demo, not real data."),
    )

    class Meta:
        abstract = True

    @property
    def audit_unit(self):
        return getattr(self, self.unit_field)
