"""One registration: its evaluation form, approval (maker–checker), evidence files and certificate.

Computed indicators are shown with their evidence (the household members and the
values the rule used); evaluator indicators are entered here with evidence files,
whose type and size ``services`` checks. The user who scored a registration sees
the approval button disabled, with the reason: someone else must approve it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import audit
from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError
from apps.people.models import Person
from apps.recognition import services
from apps.recognition.models import EvidenceFile, Indicator, Method, Registration, Score
from apps.recognition.views_subjects import labelled, sees_names

YES, NO = "yes", "no"


def failure_text(failure: dict[str, Any]) -> str:
    """A failure of the pass rule (``criteria.Judgement.failures``) as a sentence."""
    values = {key: failure.get(key) for key in ("item", "value", "threshold")}
    rule = failure.get("rule")
    if rule == "total_min":
        return _("Total %(value)s is below the pass mark %(threshold)s.") % values
    if rule == "criterion_min":
        return _("Criterion %(item)s has %(value)s points, below the minimum %(threshold)s.") % values
    if rule == "indicator_min":
        return _("Indicator %(item)s has %(value)s points, below the minimum %(threshold)s.") % values
    if rule == "required":
        return _("%(item)s is required at its maximum %(threshold)s and has %(value)s.") % values
    return _("%(item)s: %(value)s, below %(threshold)s.") % values


def _indicator_rows(registration: Registration, user) -> list[dict[str, Any]]:
    """Criteria with their indicators, scores and evidence (member names only with personal data)."""
    criteria_set = registration.campaign.criteria_set
    scores = {score.indicator_id: score for score in registration.scores.all()}
    indicators = list(
        Indicator.objects.filter(criteria_set=criteria_set)
        .select_related("criterion")
        .order_by("criterion__order", "criterion__code", "order", "code")
    )
    person_ids = {
        member.get("person_id")
        for score in scores.values()
        for member in (score.evidence or {}).get("members", [])
    }
    names: dict[int, str] = {}
    if person_ids and sees_names(user, registration.unit):
        names = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "full_name"))
    rows: list[dict[str, Any]] = []
    for indicator in indicators:
        score: Score | None = scores.get(indicator.pk)
        members = [
            {**member, "name": names.get(member.get("person_id"), "")}
            for member in ((score.evidence or {}).get("members", []) if score else [])
        ]
        decided = score is not None and score.computed and score.met is not None
        rows.append(
            {
                "indicator": indicator,
                "criterion": indicator.criterion,
                "score": score,
                "members": members,
                "evidence": {
                    k: v for k, v in ((score.evidence or {}) if score else {}).items() if k != "members"
                },
                # A computed indicator the registry decided is corrected in the registry, not here.
                "editable": not (indicator.method == Method.COMPUTED and decided),
                "yes_no": indicator.max_points is None,
            }
        )
    return rows


def _approval_block(registration: Registration, user, manage: bool) -> tuple[bool, str]:
    """Whether the approve button is enabled, and the reason when it is not."""
    if not manage:
        return False, _("You may not approve registrations in this unit.")
    if registration.campaign.locked:
        return False, _("The campaign is decided and locked.")
    if registration.status in (Registration.Status.APPROVED, Registration.Status.RECOGNISED):
        return False, _("Already approved.")
    if not registration.complete:
        return False, _("Every indicator must be scored before approval.")
    if registration.scored_by_id is not None and registration.scored_by_id == user.pk:
        return False, _("You scored this registration: someone else must approve it.")
    return True, ""


def _posted_scores(request: HttpRequest, rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    scores: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for row in rows:
        indicator, score = row["indicator"], row["score"]
        code = indicator.code
        if row["editable"]:
            value = request.POST.get(f"score_{code}", "").strip()
            if value in (YES, NO):
                scores[code] = value == YES
            elif value:
                scores[code] = value
        note = request.POST.get(f"note_{code}")
        if note is not None and note.strip() != (score.note if score else ""):
            notes[code] = note
    return scores, notes


def _next_to_score(user, registration: Registration) -> Registration | None:
    """The next registration of the campaign still waiting for scores, so that an evaluator goes on."""
    return (
        services.get_registrations_for_user(user, registration.campaign)
        .filter(status=Registration.Status.REGISTERED)
        .exclude(pk=registration.pk)
        .order_by("unit__path", "household__code", "pk")
        .first()
    )


def _save_scores(
    request: HttpRequest,
    registration: Registration,
    scores: dict[str, Any],
    notes: dict[str, str],
    uploads: list,
) -> None:
    """The scores and the files together: a refused file leaves the scores unsaved too.

    Files named for an indicator go through ``add_evidence`` (which records the
    indicator), the others with the scores through ``record_scores``.
    """
    indicator_code = request.POST.get("evidence_indicator", "").strip() or None
    with transaction.atomic():
        services.record_scores(
            registration,
            scores,
            request.user,
            notes=notes,
            evidence=() if indicator_code else uploads,
            self_assessment=bool(request.POST.get("self_assessment")),
        )
        if indicator_code:
            for upload in uploads:
                services.add_evidence(registration, upload, request.user, indicator_code=indicator_code)


@login_required
@require_http_methods(["GET", "POST"])
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = services.get_registration_for_user(request.user, pk)
    campaign = registration.campaign
    manage = services.can_manage(request.user, registration.unit)
    editable = manage and not campaign.locked and registration.status != Registration.Status.RECOGNISED
    rows = _indicator_rows(registration, request.user)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("This registration cannot be scored."))
        scores, notes = _posted_scores(request, rows)
        uploads = request.FILES.getlist("evidence")
        if not scores and not notes and not uploads:
            messages.error(request, _("Nothing to save: enter points, a note or a file."))
        else:
            try:
                _save_scores(request, registration, scores, notes, uploads)
            except DomainError as error:
                messages.error(request, error.localized())
            else:
                messages.success(request, _("The scores were saved."))
                return redirect("recognition:registration", registration.pk)
    registration.refresh_from_db()
    enabled, reason = _approval_block(registration, request.user, manage)
    shown = labelled([registration], request.user, registration.unit)[0][1]
    if registration.household_id and sees_names(request.user, registration.unit):
        audit.record_access(AuditEntry.Action.VIEW, registration.household, description=shown)
    return render(
        request,
        "recognition/registration.html",
        {
            "registration": registration,
            "campaign": campaign,
            "set": campaign.criteria_set,
            "label": shown,
            "rows": rows,
            "editable": editable,
            "can_manage": manage,
            "approve_enabled": enabled,
            "approve_reason": reason,
            "files": registration.evidence_files.select_related("indicator"),
            "detail": registration.result_detail or {},
            "next_to_score": _next_to_score(request.user, registration) if editable else None,
            "failures": [
                failure_text(item) for item in (registration.result_detail or {}).get("failures", [])
            ],
        },
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    registration = services.get_registration_for_user(request.user, pk)
    try:
        services.approve(registration, request.user)
    except DomainError as error:
        messages.error(request, error.localized())
    else:
        messages.success(request, _("The scoring was approved."))
    return redirect("recognition:registration", registration.pk)


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to users who may see its registration; served as an attachment, never inline."""
    record = EvidenceFile.objects.select_related("registration").filter(pk=pk).first()
    if record is None:
        raise Http404("No evidence file matches the given query.")
    services.get_registration_for_user(request.user, record.registration_id)
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate PDF of a recognised subject (names only for users who may see personal data)."""
    from apps.recognition.certificates import certificate_pdf

    registration = services.get_registration_for_user(request.user, pk)
    if registration.status != Registration.Status.RECOGNISED or registration.decision_id is None:
        raise Http404("Only a recognised subject has a certificate.")
    with_names = sees_names(request.user, registration.unit)
    pdf = certificate_pdf(registration, with_names=with_names)
    if with_names and (registration.household_id or registration.person_id):
        audit.record_access(
            AuditEntry.Action.EXPORT,
            registration.household or registration.person,
            description="recognition certificate",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="giay-chung-nhan-{registration.campaign.title}-{registration.campaign.year}-'
        f'{registration.pk}.pdf"'
    )
    return response
