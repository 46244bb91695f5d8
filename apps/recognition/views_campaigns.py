"""Campaign pages: open, register (one subject or a village's households), score, decide, reopen.

Reads go through the scoped helpers of ``apps.recognition.services`` (404 out of
scope); every write is a service call, which checks the RECOGNITION capability
(403) and refuses bad input or a locked campaign with a ``DomainError`` shown to the user.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import audit
from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.places.models import Unit, UnitKind
from apps.recognition import services
from apps.recognition.forms import CampaignForm, DecisionForm, ReopenForm, VillageForm
from apps.recognition.models import (
    TITLE_SUBJECT,
    TITLES_WITHOUT_CAMPAIGN,
    Campaign,
    Registration,
    SubjectKind,
    Title,
)
from apps.recognition.views_subjects import candidates, labelled, resolve, sees_names

PAGE_SIZE = 100


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign in the user's scope (404 otherwise) that the user may run (403 otherwise)."""
    campaign = services.get_campaign_for_user(request.user, pk)
    if not services.can_manage(request.user, campaign.commune):
        raise PermissionDenied(_("You may not run learning-model campaigns in this unit."))
    return campaign


def _back(campaign: Campaign) -> HttpResponse:
    return redirect("recognition:campaign", campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if not form.fields["commune"].queryset.exists():
        raise PermissionDenied(_("You may not run learning-model campaigns."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.open_campaign(
                request.user,
                title=data["title"],
                year=data["year"],
                commune=data["commune"],
                criteria_set=data["criteria_set"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The campaign was opened."))
            return _back(campaign)
    return render(request, "recognition/campaign_form.html", {
        "form": form, "titles_without_campaign": sorted(TITLES_WITHOUT_CAMPAIGN.items()),
    })


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = services.get_campaign_for_user(request.user, pk)
    registrations = services.get_registrations_for_user(request.user, campaign)
    status = request.GET.get("status", "")
    if status in Registration.Status.values:
        registrations = registrations.filter(status=status)
    # The villages of a commune's campaign, to narrow the list to one (a district or province campaign
    # registers bodies, not villages). Village names are not personal data.
    villages = (list(Unit.objects.filter(parent=campaign.commune, kind=UnitKind.VILLAGE).order_by("name"))
                if campaign.commune.kind == UnitKind.COMMUNE else [])
    village = next((v for v in villages if str(v.pk) == request.GET.get("village", "")), None)
    if village is not None:
        registrations = registrations.filter(unit__path__startswith=village.path)
    page = Paginator(registrations.order_by("unit__path", "household__code", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = dict(
        services.get_registrations_for_user(request.user, campaign)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    manage = services.can_manage(request.user, campaign.commune)
    kind = TITLE_SUBJECT[campaign.title]
    return render(
        request,
        "recognition/campaign.html",
        {
            "campaign": campaign,
            "set": campaign.criteria_set,
            "page": page,
            "rows": labelled(page.object_list, request.user, campaign.commune),
            "counts": [(value, label, counts.get(value, 0)) for value, label in Registration.Status.choices],
            "total": sum(counts.values()),
            "status": status,
            "villages": villages,
            "village": village,
            "can_manage": manage,
            "editable": manage and not campaign.locked,
            "village_form": VillageForm(commune=campaign.commune) if kind == SubjectKind.HOUSEHOLD else None,
            "reopen_form": ReopenForm() if manage and campaign.locked else None,
            "decisions": campaign.decisions.order_by("date", "number"),
            "subject_kind": SubjectKind(kind).label,
            "is_gdht": campaign.title == Title.GDHT,
        },
    )


@login_required
def subject_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Subjects to register: households and persons by code (or name, with personal data), others by name."""
    campaign = _managed_campaign(request, pk)
    text = request.GET.get("q", "")
    found = candidates(campaign, request.user, text)
    kind = TITLE_SUBJECT[campaign.title]
    if (
        found
        and kind in (SubjectKind.HOUSEHOLD, SubjectKind.PERSON)
        and sees_names(request.user, campaign.commune)
    ):
        audit.record_access(
            AuditEntry.Action.VIEW,
            description="recognition subject search",
            unit_path=campaign.commune.path,
            details={"campaign": campaign.pk, "q": text[:50]},
        )
    field = f"{'subject_unit' if kind in (SubjectKind.VILLAGE, SubjectKind.COMMUNE) else kind}_id"
    registered = set(campaign.registrations.values_list(field, flat=True))
    # HTMX (live search as one types) gets only the results; a plain GET the whole page.
    template = "recognition/_subject_results.html" if request.headers.get("HX-Request") else (
        "recognition/subject_search.html")
    response = render(
        request,
        template,
        {
            "campaign": campaign,
            "q": text,
            "results": [(subject, shown, subject.pk in registered) for _kind, subject, shown in found],
            "subject_kind": SubjectKind(kind).label,
            "needs_text": kind in (SubjectKind.HOUSEHOLD, SubjectKind.PERSON),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    subject = resolve(campaign, request.user, request.POST.get("subject"))
    if subject is None:
        messages.error(request, _("Choose a subject of your units."))
        return _back(campaign)
    try:
        registration = services.register(campaign, subject, request.user)
    except DomainError as error:
        messages.error(request, error.localized())
        return _back(campaign)
    messages.success(request, _("Registered."))
    return redirect("recognition:registration", registration.pk)


@login_required
@require_POST
def register_village(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    form = VillageForm(request.POST, commune=campaign.commune)
    if not form.is_valid():
        messages.error(request, _("Choose a village of %(commune)s.") % {"commune": campaign.commune.name})
        return _back(campaign)
    try:
        count = services.register_village_households(campaign, form.cleaned_data["village"], request.user)
    except DomainError as error:
        messages.error(request, error.localized())
    else:
        messages.success(request, _("%(count)s households were registered.") % {"count": count})
    return _back(campaign)


@login_required
@require_POST
def autoscore(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    try:
        result = services.autoscore_campaign(campaign, request.user)
    except DomainError as error:
        messages.error(request, error.localized())
    else:
        messages.success(
            request,
            _("%(scores)s scores were computed from the registry for %(registrations)s registrations.")
            % result,
        )
    return _back(campaign)


def _decision_candidates(request: HttpRequest, campaign: Campaign) -> list[tuple[int, str]]:
    """Approved registrations that do not fail the set: those a decision may list."""
    approved = (
        services.get_registrations_for_user(request.user, campaign)
        .filter(status=Registration.Status.APPROVED)
        .exclude(passed=False)
        .order_by("unit__path", "household__code", "pk")
    )
    return [
        (
            registration.pk,
            f"{shown} — {registration.total_points if registration.total_points is not None else '—'}",
        )
        for registration, shown in labelled(approved, request.user, campaign.commune)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The recognition decision: number, date, signer and the recognised list; it locks the campaign."""
    campaign = _managed_campaign(request, pk)
    if campaign.locked:
        messages.error(
            request, _("The campaign is decided and locked; reopen it with a reason before changing it.")
        )
        return _back(campaign)
    form = DecisionForm(request.POST or None, candidates=_decision_candidates(request, campaign))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decide(
                campaign,
                request.user,
                number=data["number"],
                date=data["date"],
                signer=data["signer"],
                signer_title=data["signer_title"],
                registrations=[int(pk) for pk in data["registrations"]],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Decision %(number)s was issued; the campaign is locked.") % {"number": decision.number},
            )
            return _back(campaign)
    return render(request, "recognition/decision_form.html", {"campaign": campaign, "form": form})


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    form = ReopenForm(request.POST)
    try:
        services.reopen(campaign, request.user, form.data.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.localized())
    else:
        messages.success(request, _("The campaign was reopened."))
    return _back(campaign)


@login_required
def public_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The published list of a decided campaign (household names only for users who may see them)."""
    campaign = services.get_campaign_for_user(request.user, pk)
    rows = labelled(services.public_list(campaign), request.user, campaign.commune)
    if (
        rows
        and sees_names(request.user, campaign.commune)
        and campaign.title in (Title.GDHT, Title.CDHT_CONG_DAN)
    ):
        audit.record_access(
            AuditEntry.Action.VIEW,
            description="recognition public list",
            unit_path=campaign.commune.path,
            details={"campaign": campaign.pk},
        )
    return render(
        request,
        "recognition/public_list.html",
        {
            "campaign": campaign,
            "rows": rows,
            "decisions": campaign.decisions.order_by("date", "number"),
            "names_shown": sees_names(request.user, campaign.commune),
        },
    )
