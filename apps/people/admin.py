"""The registry in the administration: look-up only, for system administrators.

Registry records are written through ``apps.people.services`` (pages, imports,
roll-over), which validate them and keep the derived columns (``name_key``, the
person's commune and village) in step; the administration only shows them.
People leave by a status, so nothing here deletes either.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.people.models import Clan, Household, ImportJob, Person, SurveyRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False  # no COUNT(*) over millions of persons

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Clan)
class ClanAdmin(ReadOnlyAdmin):
    list_display = ["name", "commune", "is_demo"]
    search_fields = ["name", "commune__name", "commune__code"]
    raw_id_fields = ["commune"]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["code", "commune", "village", "is_demo"]
    search_fields = ["code", "commune__code"]
    raw_id_fields = ["commune", "village"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["code", "household", "full_name", "sex", "birth_year", "commune", "is_demo"]
    list_filter = ["sex"]
    search_fields = ["code", "household__code", "name_key"]
    raw_id_fields = ["household", "clan"]


@admin.register(SurveyRecord)
class SurveyRecordAdmin(ReadOnlyAdmin):
    list_display = ["person", "year", "status", "enrolled_level", "enrolled_grade", "commune"]
    list_filter = ["year", "status", "enrolled_level"]
    raw_id_fields = ["person"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["filename", "year", "user", "state", "rows_total", "error_count", "created_at"]
    list_filter = ["state", "year"]
