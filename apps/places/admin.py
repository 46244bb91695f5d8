from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.places.models import CommuneFlag, Unit, UnitLink


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "structure", "parent", "valid_from", "valid_to", "is_demo"]
    list_filter = ["structure", "kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "code", "kind", "structure", "parent"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Units of the national lists come from load_places; villages from their pages.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(UnitLink)
class UnitLinkAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "is_default", "effective_on"]
    list_filter = ["kind"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__code", "successor__code"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(CommuneFlag)
class CommuneFlagAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "special_difficulty", "source"]
    list_filter = ["year", "special_difficulty"]
    search_fields = ["unit__name", "unit__code"]
    raw_id_fields = ["unit"]
