"""Admin of learning-model titles: read-only, because every write goes through ``services``.

Criteria sets change by loading a file (``manage.py recognition import-set`` or the
editor of the interface); campaigns, scores and decisions through the workflow,
which checks maker–checker and the lock of decided campaigns.
"""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.recognition.models import (
    Campaign,
    CriteriaSet,
    Criterion,
    Decision,
    EvidenceFile,
    Indicator,
    Registration,
    Score,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["code", "name", "max_points", "min_points"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "document_number", "judging", "total_points", "is_illustrative", "unit"]
    list_filter = ["title", "judging", "is_illustrative"]
    search_fields = ["code", "name", "document_number"]
    inlines = [CriterionInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["criteria_set", "code", "name", "max_points", "method", "rule", "known"]
    list_filter = ["method", "known"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "commune", "criteria_set", "status", "locked", "is_demo"]
    list_filter = ["title", "year", "status"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "unit", "status", "total_points", "passed", "is_demo"]
    list_filter = ["status", "campaign__title", "campaign__year"]
    raw_id_fields = ["household", "clan", "subject_unit", "organisation", "person"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["registration", "indicator", "self_points", "points", "met", "computed"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["registration", "original_name", "content_type", "size"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "date", "signer", "campaign"]
