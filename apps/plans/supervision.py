"""Inspections, supervision visits, recommendations and the obstacle log (requirement R4).

"Thường xuyên theo dõi, đôn đốc, kiểm tra, chỉ đạo giải quyết kịp thời các khó khăn
vướng mắc" (Kế hoạch 145-KH/HU): a visit records its team, the organisation visited,
the date and the findings; each recommendation becomes a follow-up task of the
visited organisation, and is resolved when that task is completed (or by hand).
Obstacles are raised by an organisation, escalated to a higher one, resolved on a date.
Every function here is re-exported by ``apps.plans.services``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.organisations.models import Organisation
from apps.plans.common import author, clean_text, not_future, require_plans
from apps.plans.models import Document, Inspection, InspectionKind, Obstacle, Recommendation, Task


@transaction.atomic
def record_inspection(user, *, subject: Organisation, date: dt.date, team: str, findings: str = "",
                      kind: str = InspectionKind.INSPECTION, document: Document | None = None,
                      is_demo: bool = False) -> Inspection:
    """Record an inspection or supervision visit of ``subject`` (on the subject's unit)."""
    require_plans(user, subject.unit)
    if kind not in InspectionKind.values:
        raise DomainError(_("The type must be “inspection” or “supervision”."), column="kind")
    if not (team or "").strip():
        raise DomainError(_("Name the team that carried out the visit."), column="team")
    not_future(date, "date")
    return Inspection.objects.create(
        kind=kind, document=document, team=team.strip(), subject=subject, unit=subject.unit, date=date,
        findings=(findings or "").strip(), is_demo=is_demo, created_by=author(user), updated_by=author(user),
    )


@transaction.atomic
def add_recommendation(user, inspection: Inspection, *, text: str, deadline: dt.date | None = None,
                       code: str = "", lead: Organisation | None = None,
                       is_demo: bool = False) -> Recommendation:
    """A recommendation of a visit; with a ``deadline`` it becomes a follow-up task of the document.

    The follow-up task is led by ``lead`` (by default the visited organisation), on
    the visited organisation's unit, coded ``code`` (by default ``KT<inspection>-<n>``).
    """
    from apps.plans.services import create_task

    require_plans(user, inspection.unit)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("The recommendation is empty."), column="text")
    follow_up: Task | None = None
    if deadline is not None:
        if inspection.document is None:
            raise DomainError(_("A follow-up task needs the inspection to name the document it checks."),
                              column="document")
        number = inspection.recommendations.count() + 1
        follow_up = create_task(
            user, inspection.document, code=code or f"KT{inspection.pk}-{number}",
            title=clean_text(text)[:500], unit=inspection.unit, lead=lead or inspection.subject,
            deadline=deadline, is_demo=is_demo,
        )
    return Recommendation.objects.create(inspection=inspection, text=text, follow_up=follow_up,
                                         is_demo=is_demo, created_by=author(user), updated_by=author(user))


@transaction.atomic
def resolve_recommendation(user, recommendation: Recommendation, on: dt.date) -> Recommendation:
    require_plans(user, recommendation.inspection.unit)
    not_future(on, "resolved_on")
    recommendation.resolved_on = on
    recommendation.updated_by = author(user)
    recommendation.save(update_fields=["resolved_on", "updated_by", "updated_at"])
    return recommendation


@transaction.atomic
def raise_obstacle(user, *, raised_by: Organisation, description: str, raised_on: dt.date,
                   task: Task | None = None, is_demo: bool = False) -> Obstacle:
    require_plans(user, raised_by.unit)
    if not (description or "").strip():
        raise DomainError(_("Describe the difficulty."), column="description")
    not_future(raised_on, "raised_on")
    return Obstacle.objects.create(raised_by=raised_by, unit=raised_by.unit, task=task,
                                   description=description.strip(), raised_on=raised_on, is_demo=is_demo,
                                   created_by=author(user), updated_by=author(user))


@transaction.atomic
def escalate_obstacle(user, obstacle: Obstacle, *, to: Organisation, on: dt.date) -> Obstacle:
    """Pass an obstacle to a higher body (the district People's Committee, the province's …)."""
    require_plans(user, obstacle.unit)
    not_future(on, "escalated_on")
    if on < obstacle.raised_on:
        raise DomainError(_("An obstacle cannot be escalated before it was raised."), column="escalated_on")
    obstacle.escalated_to, obstacle.escalated_on = to, on
    obstacle.updated_by = author(user)
    obstacle.save(update_fields=["escalated_to", "escalated_on", "updated_by", "updated_at"])
    return obstacle


@transaction.atomic
def resolve_obstacle(user, obstacle: Obstacle, *, on: dt.date, resolution: str = "") -> Obstacle:
    """Close an obstacle: the user needs PLANS where it was raised or where it was escalated to."""
    if obstacle.escalated_to is not None and user is not None:
        from apps.plans.common import can_edit

        if not can_edit(user, obstacle.unit):
            require_plans(user, obstacle.escalated_to.unit)
    else:
        require_plans(user, obstacle.unit)
    not_future(on, "resolved_on")
    if on < obstacle.raised_on:
        raise DomainError(_("An obstacle cannot be resolved before it was raised."), column="resolved_on")
    obstacle.resolved_on, obstacle.resolution = on, (resolution or "").strip()
    obstacle.updated_by = author(user)
    obstacle.save(update_fields=["resolved_on", "resolution", "updated_by", "updated_at"])
    return obstacle
