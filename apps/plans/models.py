"""Documents, targets, tasks and supervision: how a directive becomes work that gets done.

A national directive (chỉ thị) becomes a provincial plan (kế hoạch), a district
plan, then commune plans (requirement R1: Chỉ thị 11-CT/TW → Kết luận 49-KL/TW →
Kế hoạch 122-KH/TU → Kế hoạch 145-KH/HU); each carries targets (chỉ tiêu) and
tasks (nhiệm vụ) for named organisations whose heads answer for them in the annual
evaluation (R2, R3). Supervision (kiểm tra, giám sát), recommendations that become
follow-up tasks and the obstacle log (khó khăn, vướng mắc) follow R4.

Statuses are not stored: they follow from the dates, as of any date
(``apps.plans.status``). Writes go through ``apps.plans.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import RegistryRecord
from apps.universal.models import validate_evidence


class DocumentKind(models.TextChoices):
    DIRECTIVE = "directive", _("Directive")  # chỉ thị
    CONCLUSION = "conclusion", _("Conclusion")  # kết luận
    RESOLUTION = "resolution", _("Resolution")  # nghị quyết
    PLAN = "plan", _("Plan")  # kế hoạch
    DECISION = "decision", _("Decision")  # quyết định
    SCHEME = "scheme", _("Scheme")  # đề án
    LETTER = "letter", _("Official letter")  # công văn


class Document(RegistryRecord):
    """A party or state document of the cascade; ``unit`` empty for a central (national) document.

    The number is unique in the system (numbers carry the issuer's suffix: 145-KH/HU
    of a district party committee, 122-KH/TU of a province's): imports update a
    document by its number.
    """

    number = models.CharField(_("number"), max_length=60, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=DocumentKind.choices)
    issuer_name = models.CharField(_("issued by"), max_length=255, blank=True)
    issuer = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="issued_documents", verbose_name=_("issuing organisation"),
    )
    date = models.DateField(_("date of issue"), null=True, blank=True,
                            help_text=_("Leave empty when the date is not known."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    text = models.TextField(_("full text"), blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("implements"), help_text=_("The document this one carries out."),
    )
    unit = models.ForeignKey(
        "places.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_documents",
        verbose_name=_("unit"), help_text=_("Empty for a central (national) document."),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["date", "number"]

    def __str__(self) -> str:
        return self.number


class DocumentAttachment(RegistryRecord):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments",
                                 verbose_name=_("document"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to="plans/documents/%Y/", max_length=255,
                            validators=[validate_evidence])

    unit_field = "audit_document_unit"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title or self.file.name

    @property
    def audit_document_unit(self):
        return self.document.unit


class Direction(models.TextChoices):
    INCREASE = "increase", _("at least the target (higher is better)")
    DECREASE = "decrease", _("at most the target (lower is better)")


class Target(RegistryRecord):
    """A target (chỉ tiêu) of a document for a unit, read from a metric or reported by hand."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="targets",
                                 verbose_name=_("document"))
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="plan_targets",
                             verbose_name=_("unit"))
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=500)
    metric = models.CharField(
        _("metric"), max_length=100, blank=True,
        help_text=_("Name of a metric of the registry; empty when the value is reported by hand."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="plan_targets", verbose_name=_("responsible organisation"),
    )
    accountable_head = models.CharField(_("accountable head"), max_length=200, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4, null=True, blank=True)
    baseline_on = models.DateField(
        _("baseline date"), null=True, blank=True,
        help_text=_("Date of the baseline; by default the document's date."),
    )
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=4)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices,
                                 default=Direction.INCREASE)
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["document", "code"]
        constraints = [models.UniqueConstraint(fields=["document", "code"], name="target_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class TargetReport(RegistryRecord):
    """A value of a target reported by hand on a date (when no metric computes it)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports",
                               verbose_name=_("target"))
    on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    note = models.TextField(_("note"), blank=True)

    unit_field = "audit_target_unit"

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["target", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.target.code} {self.on}: {self.value}"

    @property
    def audit_target_unit(self):
        return self.target.unit


class Recurrence(models.TextChoices):
    NONE = "", _("once")
    YEARLY = "yearly", _("every year")
    QUARTERLY = "quarterly", _("every quarter")


class Task(RegistryRecord):
    """A task (nhiệm vụ) of a document, led by an organisation, due on a deadline.

    Sub-tasks (``parent``) carry the task down to lower units (a district task
    becomes one task per commune) and hold the occurrences of a recurring task
    (yearly or quarterly reports), each with its own deadline.
    """

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="tasks",
                                 verbose_name=_("document"))
    code = models.CharField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="plan_tasks",
                             verbose_name=_("unit"))
    lead = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                             related_name="led_tasks", verbose_name=_("lead organisation"))
    coordinating = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="coordinated_tasks",
        verbose_name=_("coordinating organisations"),
    )
    accountable_head = models.CharField(_("accountable head"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=10, choices=Recurrence.choices,
                                  blank=True, default=Recurrence.NONE)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="subtasks", verbose_name=_("parent task"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "code"]
        constraints = [models.UniqueConstraint(fields=["document", "code"], name="task_code_unique")]
        indexes = [models.Index(fields=["deadline"]), models.Index(fields=["completed_on"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgressUpdate(RegistryRecord):
    """A progress report on a task: what was done by a date, how far, with evidence."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("task"))
    on = models.DateField(_("date"))
    text = models.TextField(_("report"))
    percent = models.PositiveSmallIntegerField(_("percent done"), null=True, blank=True)
    attachment = models.FileField(_("attachment"), upload_to="plans/progress/%Y/", max_length=255,
                                  blank=True, validators=[validate_evidence])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("reported by"))

    unit_field = "audit_task_unit"

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["task", "-on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__isnull=True) | Q(percent__lte=100),
                                   name="progress_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.on}"

    @property
    def audit_task_unit(self):
        return self.task.unit


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")  # kiểm tra
    SUPERVISION = "supervision", _("Supervision visit")  # giám sát


class Inspection(RegistryRecord):
    """An inspection or supervision visit of an organisation, with its findings."""

    kind = models.CharField(_("type"), max_length=12, choices=InspectionKind.choices,
                            default=InspectionKind.INSPECTION)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="inspections", verbose_name=_("document"))
    team = models.TextField(_("team"), help_text=_("Members of the team and the body that sent it."))
    subject = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                related_name="inspections", verbose_name=_("inspected organisation"))
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="plan_inspections",
                             verbose_name=_("unit"))
    date = models.DateField(_("date"))
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        verbose_name = _("inspection or supervision visit")
        verbose_name_plural = _("inspections and supervision visits")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} {self.date}"


class Recommendation(RegistryRecord):
    """A recommendation of an inspection; it becomes a follow-up task of the inspected organisation."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations",
                                   verbose_name=_("inspection"))
    text = models.TextField(_("recommendation"))
    follow_up = models.OneToOneField(Task, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="recommendation", verbose_name=_("follow-up task"))
    resolved_on = models.DateField(
        _("resolved on"), null=True, blank=True,
        help_text=_("Empty while open; the completion of its follow-up task resolves it too."),
    )

    unit_field = "audit_inspection_unit"

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def audit_inspection_unit(self):
        return self.inspection.unit


class Obstacle(RegistryRecord):
    """A difficulty (khó khăn, vướng mắc) raised by an organisation, escalated, resolved on a date."""

    raised_by = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                  related_name="raised_obstacles", verbose_name=_("raised by"))
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="plan_obstacles",
                             verbose_name=_("unit"))
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT, related_name="obstacles",
                             verbose_name=_("task"))
    raised_on = models.DateField(_("raised on"))
    description = models.TextField(_("description"))
    escalated_to = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="escalated_obstacles", verbose_name=_("escalated to"),
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        ordering = ["-raised_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before_deadline", _("deadline approaching")
    OVERDUE = "overdue", _("overdue")


class Reminder(models.Model):
    """The log of reminders sent: one per task, kind and deadline, so that each is sent once."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("task"))
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    deadline = models.DateField(_("deadline"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.TextField(_("e-mail recipients"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "deadline"], name="reminder_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.kind} {self.deadline}"


class Notification(models.Model):
    """A reminder shown in the interface to one user until read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="plan_notifications", verbose_name=_("user"))
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="notifications",
                                 verbose_name=_("reminder"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "reminder"], name="notification_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.reminder}"
