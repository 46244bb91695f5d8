"""Admin of the plans app (the pages are the working interface; the admin is for repairs)."""

from django.contrib import admin

from apps.plans.models import (
    Document,
    DocumentAttachment,
    Inspection,
    Notification,
    Obstacle,
    ProgressUpdate,
    Recommendation,
    Reminder,
    Target,
    TargetReport,
    Task,
)


class AttachmentInline(admin.TabularInline):
    model = DocumentAttachment
    extra = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "date", "title", "unit", "parent", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("number", "title", "issuer_name")
    raw_id_fields = ("unit", "issuer", "parent")
    inlines = [AttachmentInline]


class TargetReportInline(admin.TabularInline):
    model = TargetReport
    extra = 0


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "document", "unit", "metric", "baseline", "target_value", "deadline")
    search_fields = ("code", "title")
    raw_id_fields = ("document", "unit", "organisation")
    inlines = [TargetReportInline]


class ProgressInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    raw_id_fields = ("by",)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "document", "unit", "lead", "deadline", "completed_on")
    list_filter = ("recurrence", "is_demo")
    search_fields = ("code", "title")
    raw_id_fields = ("document", "unit", "lead", "parent", "coordinating")
    inlines = [ProgressInline]


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    raw_id_fields = ("follow_up",)


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("kind", "subject", "date", "unit")
    raw_id_fields = ("document", "subject", "unit")
    inlines = [RecommendationInline]


@admin.register(Obstacle)
class ObstacleAdmin(admin.ModelAdmin):
    list_display = ("raised_by", "raised_on", "escalated_to", "resolved_on")
    raw_id_fields = ("raised_by", "unit", "task", "escalated_to")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("task", "kind", "deadline", "sent_at")
    readonly_fields = ("task", "kind", "deadline", "sent_at", "recipients")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "reminder", "created_at", "read_at")
    raw_id_fields = ("user", "reminder")
