"""Abstract base models shared by every registry, and the background report job."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
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


def report_file_path(instance: ReportJob, filename: str) -> str:
    """A random name under ``reports/``: the stored file can be neither guessed nor linked to its unit."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"reports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class ReportJob(models.Model):
    """A report built by the background worker, kept for its owner to download (``apps.core.report_jobs``).

    Large reports (a province's PCGD–XMC report) take too long to render within a
    request: the page starts a job, polls its state and offers the file when done.
    A job is a transient artefact, not a record: it is deleted with its user or unit,
    and with its file once older than ``report_jobs.KEEP_DAYS``.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(_("kind of report"), max_length=50)
    unit = models.ForeignKey(
        "places.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=10)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    file = models.FileField(_("file"), upload_to=report_file_path, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="core_reportjob_user_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)

    @property
    def build_seconds(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds())
