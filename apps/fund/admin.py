"""Admin of the fund: read-only. Money is written only by ``apps.fund.services``."""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.fund.models import (
    Account,
    Disbursement,
    Donation,
    EntryLine,
    Fund,
    HonourLevel,
    JournalEntry,
    Period,
    Pledge,
    Programme,
)


class EntryLineInline(admin.TabularInline):
    model = EntryLine
    fields = ["account", "debit", "credit", "restriction"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "unit", "holder", "is_demo"]
    search_fields = ["code", "name"]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "fund", "date", "kind", "memo", "reverses", "posted_by", "posted_at"]
    list_filter = ["kind"]
    inlines = [EntryLineInline]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["fund", "code", "name", "kind", "balance"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["fund", "start", "end", "closed_at", "closed_by"]


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["fund", "receipt_year", "receipt_seq", "date", "amount", "method", "donor_kind"]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["fund", "date", "amount", "due_date", "donor_kind"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["fund", "year", "kind", "name", "purpose"]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ["pk", "programme", "amount", "status", "proposed_by", "approved_by"]
    list_filter = ["status"]


@admin.register(HonourLevel)
class HonourLevelAdmin(ReadOnlyAdmin):
    list_display = ["fund", "name", "minimum"]
