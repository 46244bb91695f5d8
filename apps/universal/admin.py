from __future__ import annotations

from django.contrib import admin

from apps.universal.models import Attestation, EvidenceFile


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    list_display = ["commune", "year", "condition_id", "met", "attested_by", "attested_at"]
    list_filter = ["year", "met"]
    search_fields = ["commune__name", "commune__code", "condition_id"]
    raw_id_fields = ["commune", "evidence"]
    readonly_fields = ["attested_by", "attested_at"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    """Evidence files are kept as uploaded: readable here, never changed or deleted."""

    list_display = ["original_name", "commune", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "commune__name", "sha256"]
    readonly_fields = ["commune", "file", "original_name", "size", "sha256", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
