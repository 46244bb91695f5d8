from __future__ import annotations

from django.contrib import admin

from apps.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "head_name", "active", "is_demo"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name", "unit__name"]
    raw_id_fields = ["unit", "parent"]
