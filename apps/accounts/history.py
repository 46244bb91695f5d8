"""Reading the audit trail, scoped like the records it describes."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model, Q, QuerySet

from apps.accounts.models import AuditEntry
from apps.accounts.roles import PERSONAL_DATA
from apps.accounts.scope import scope_for


def audit_log_for_user(user) -> QuerySet[AuditEntry]:
    """Entries on units of the user's scope; entries without a unit only for system administrators."""
    scope = scope_for(user)
    entries = AuditEntry.objects.select_related("user")
    if scope.everything:
        return entries
    if scope.is_empty:
        return entries.none()
    return entries.filter(scope.q("unit_path"))


# Records whose field values are personal data (Luật 91/2025/QH15): their before/after
# values are shown only to users holding PERSONAL_DATA on the entry's unit.
PERSONAL_MODELS = {"people.Person", "people.SurveyRecord", "people.Household", "people.Clan",
                   "association.Member", "fund.Donation", "fund.Pledge", "fund.Disbursement",
                   "recognition.Registration", "recognition.EvidenceFile"}


def values_visible(user, entry: AuditEntry) -> bool:
    if entry.model not in PERSONAL_MODELS:
        return True
    return scope_for(user, PERSONAL_DATA).covers_path(entry.unit_path or "/")


def history_for(user, record: Model) -> QuerySet[AuditEntry]:
    return audit_log_for_user(user).filter(model=record._meta.label, object_id=str(record.pk))


def search_audit_log(
    user,
    *,
    text: str = "",
    model: str = "",
    action: str = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    entries = audit_log_for_user(user)
    if text:
        entries = entries.filter(Q(object_repr__icontains=text) | Q(source__icontains=text)
                                 | Q(request_id=text))
    if model:
        entries = entries.filter(model=model)
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor__icontains=actor)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries
