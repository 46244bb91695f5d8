"""The API of learning-model titles: ``/api/v1/recognition/…``.

Criteria sets (list, get, import), campaigns (list, open, get, autoscore,
reopen), registrations (list, register one, register a village's households,
get with scores, enter scores, approve) and decisions (list, issue). Reading is
limited to the caller's scope (404 outside it); every write goes through
``apps.recognition.services``, which checks the RECOGNITION capability (403) and
refuses bad input or a locked campaign (400, naming the field). Households and
persons are identified by codes, never by name: the API does not carry names.
"""

import datetime as dt
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from apps.core.errors import DomainError, ImportFailed
from apps.places.api import READ_ERRORS, WRITE_ERRORS, paginated
from apps.places.models import Unit
from apps.recognition import services, sets_io
from apps.recognition.models import (
    SUBJECT_FIELD,
    TITLE_SUBJECT,
    Campaign,
    CriteriaSet,
    Decision,
    Registration,
    Title,
)
from apps.recognition.views_subjects import resolve

TitleCode = Literal[tuple(Title.values)]  # type: ignore[valid-type]
RegistrationStatus = Literal[tuple(Registration.Status.values)]  # type: ignore[valid-type]

router = Router(tags=["recognition"])


# ---------------------------------------------------------------- schemas


class IndicatorOut(Schema):
    code: str
    name: str
    max_points: int | None
    min_points: int | None
    scoring: str = Field(
        description="`evaluator`, or `computed:<rule>` for an item scored from the registry."
    )
    level: int | None
    known: bool = Field(description="False for an item of the document whose wording was not obtained.")


class CriterionOut(Schema):
    code: str
    name: str
    max_points: int | None
    min_points: int | None
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(criterion) -> list:
        return list(criterion.indicators.all())


class SetOut(Schema):
    id: int
    code: str
    title: TitleCode
    name: str
    document_number: str
    document_issuer: str
    document_date: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    province_code: str | None = Field(description="Empty for a national set.")
    judging: str
    total_points: int | None
    is_illustrative: bool = Field(description="Made for the demonstration (minh hoạ); not the official text.")
    active: bool

    @staticmethod
    def resolve_province_code(criteria_set: CriteriaSet) -> str | None:
        return criteria_set.unit.code if criteria_set.unit_id else None


class SetDetailOut(SetOut):
    document_title: str
    pass_total: int | None
    pass_criterion_min: int | None
    pass_indicator_min: int | None
    required_items: list[str]
    bands: list[dict[str, Any]]
    notes: str
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(criteria_set: CriteriaSet) -> list:
        return list(criteria_set.criteria.prefetch_related("indicators").order_by("order", "code"))


class SetImportIn(Schema):
    content: str = Field(description="The set file's text, in the format of the exported sets.")
    format: Literal["yaml", "json"] = "yaml"
    replace: bool = Field(
        False, description="Replace the set with the same code (refused once a campaign uses it)."
    )


class CampaignOut(Schema):
    id: int
    title: TitleCode
    year: int
    commune_id: int
    commune_code: str
    commune_name: str
    criteria_set_id: int
    criteria_set_illustrative: bool
    status: str
    locked: bool
    reopen_reason: str
    registered: int
    recognised: int

    @staticmethod
    def resolve_commune_code(campaign: Campaign) -> str:
        return campaign.commune.code

    @staticmethod
    def resolve_commune_name(campaign: Campaign) -> str:
        return campaign.commune.name

    @staticmethod
    def resolve_criteria_set_illustrative(campaign: Campaign) -> bool:
        return campaign.criteria_set.is_illustrative

    @staticmethod
    def resolve_registered(campaign: Campaign) -> int:
        value = getattr(campaign, "registered", None)
        return campaign.registrations.count() if value is None else value

    @staticmethod
    def resolve_recognised(campaign: Campaign) -> int:
        value = getattr(campaign, "recognised", None)
        if value is None:
            value = campaign.registrations.filter(status=Registration.Status.RECOGNISED).count()
        return value


class CampaignIn(Schema):
    title: TitleCode
    year: int
    commune_id: int = Field(..., description="The unit running the campaign: a commune; for "
                                             "dvht_huyen_tinh a district (years up to 2025) or a province.")
    criteria_set_id: int


class CampaignFilters(Schema):
    year: int | None = None
    title: TitleCode | None = None
    commune_id: int | None = None


class ReopenIn(Schema):
    reason: str


class AutoscoreOut(Schema):
    registrations: int
    scores: int


class RegistrationOut(Schema):
    id: int
    campaign_id: int
    unit_id: int
    unit_name: str
    subject_kind: str
    subject_id: int
    subject_label: str = Field(description="Codes for households and persons (names are personal data).")
    status: RegistrationStatus
    total_points: int | None
    complete: bool
    passed: bool | None
    result: str
    result_detail: dict[str, Any]
    scored_by: str | None
    approved_by: str | None
    decision_id: int | None

    @staticmethod
    def resolve_unit_name(registration: Registration) -> str:
        return registration.unit.name

    @staticmethod
    def resolve_subject_kind(registration: Registration) -> str:
        return str(TITLE_SUBJECT[registration.campaign.title])

    @staticmethod
    def resolve_subject_id(registration: Registration) -> int:
        return getattr(registration, f"{SUBJECT_FIELD[TITLE_SUBJECT[registration.campaign.title]]}_id")

    @staticmethod
    def resolve_subject_label(registration: Registration) -> str:
        return str(registration.subject_label)

    @staticmethod
    def resolve_scored_by(registration: Registration) -> str | None:
        return registration.scored_by.get_username() if registration.scored_by_id else None

    @staticmethod
    def resolve_approved_by(registration: Registration) -> str | None:
        return registration.approved_by.get_username() if registration.approved_by_id else None


class ScoreOut(Schema):
    indicator: str
    points: int | None
    self_points: int | None
    met: bool | None
    computed: bool
    evidence: dict[str, Any] = Field(description="What a computed score used: members (by code) and values.")
    note: str

    @staticmethod
    def resolve_indicator(score) -> str:
        return score.indicator.code


class RegistrationDetailOut(RegistrationOut):
    scores: list[ScoreOut]
    evidence_files: list[str]

    @staticmethod
    def resolve_scores(registration: Registration) -> list:
        return list(registration.scores.select_related("indicator"))

    @staticmethod
    def resolve_evidence_files(registration: Registration) -> list[str]:
        return list(registration.evidence_files.values_list("original_name", flat=True))


class RegistrationIn(Schema):
    subject_id: int = Field(
        description="The household, clan, village, organisation or person (by the title)."
    )


class VillageIn(Schema):
    village_id: int


class BulkOut(Schema):
    registered: int


class RegistrationFilters(Schema):
    status: RegistrationStatus | None = None


class ScoresIn(Schema):
    scores: dict[str, int | bool | None] = Field(
        default_factory=dict, description="Points by indicator code (yes/no for a set judged by levels)."
    )
    notes: dict[str, str] = Field(default_factory=dict)
    self_assessment: bool = Field(False, description="The subject's own scores, not the reviewer's.")


class DecisionOut(Schema):
    id: int
    campaign_id: int
    number: str
    date: dt.date
    signer: str
    signer_title: str
    registration_ids: list[int]

    @staticmethod
    def resolve_registration_ids(decision: Decision) -> list[int]:
        return sorted(registration.pk for registration in decision.registrations.all())


class DecisionIn(Schema):
    number: str
    date: dt.date
    signer: str
    signer_title: str = ""
    registration_ids: list[int]


# ---------------------------------------------------------------- helpers


def _import_errors(failed: ImportFailed) -> dict[str, Any]:
    return {
        "detail": [
            {"field": error.column, "message_vi": error.vietnamese, "message_en": error.english}
            for error in failed.errors
        ]
    }


def _campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    return services.get_campaigns_for_user(request.auth).annotate(
        registered=Count("registrations"),
        recognised=Count("registrations", filter=Q(registrations__status=Registration.Status.RECOGNISED)),
    )


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    services.get_campaign_for_user(request.auth, campaign_id)
    return _campaigns(request).get(pk=campaign_id)


def _registrations(request: HttpRequest, campaign: Campaign | None = None) -> QuerySet[Registration]:
    return services.get_registrations_for_user(request.auth, campaign).select_related(
        "scored_by", "approved_by"
    )


def _registration(request: HttpRequest, registration_id: int) -> Registration:
    services.get_registration_for_user(request.auth, registration_id)
    return _registrations(request).get(pk=registration_id)


def _visible(queryset: QuerySet, pk: int, column: str, what: str) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise DomainError(
            _("No %(what)s you may see has the id %(id)s."), {"what": what, "id": pk}, column=column
        )
    return found


# ---------------------------------------------------------------- criteria sets


@router.get("/recognition/sets", response={200: list[SetOut], **READ_ERRORS})
@paginated()
def list_sets(request: HttpRequest, title: TitleCode | None = None) -> QuerySet[CriteriaSet]:
    """National sets and the sets of provinces in the caller's scope."""
    sets = services.get_criteria_sets_for_user(request.auth)
    if title:
        sets = sets.filter(title=title)
    return sets.order_by("title", "code")


@router.get("/recognition/sets/{set_id}", response={200: SetDetailOut, **READ_ERRORS})
def get_set(request: HttpRequest, set_id: int) -> CriteriaSet:
    """A set with its document, pass rule, criteria and indicators."""
    return services.get_criteria_set_for_user(request.auth, set_id)


@router.post("/recognition/sets", response={201: SetDetailOut, **WRITE_ERRORS})
def import_set(request: HttpRequest, payload: SetImportIn) -> Status:
    """Load a set file (YAML or JSON): every error at once (400), nothing written unless all is valid.

    A national set needs a system administrator; a provincial set, the RECOGNITION capability there.
    """
    data = sets_io.parse_text(payload.content.encode("utf-8"), f"set.{payload.format}")
    try:
        criteria_set = services.load_criteria_set(data, request.auth, replace=payload.replace)
    except ImportFailed as failed:
        return Status(400, _import_errors(failed))
    return Status(201, services.get_criteria_set_for_user(request.auth, criteria_set.pk))


# ---------------------------------------------------------------- campaigns


@router.get("/recognition/campaigns", response={200: list[CampaignOut], **READ_ERRORS})
@paginated()
def list_campaigns(request: HttpRequest, filters: Query[CampaignFilters]) -> QuerySet[Campaign]:
    campaigns = _campaigns(request)
    if filters.year is not None:
        campaigns = campaigns.filter(year=filters.year)
    if filters.title:
        campaigns = campaigns.filter(title=filters.title)
    if filters.commune_id is not None:
        campaigns = campaigns.filter(commune_id=filters.commune_id)
    return campaigns.order_by("-year", "commune__code", "title", "pk")


@router.post("/recognition/campaigns", response={201: CampaignOut, **WRITE_ERRORS})
def open_campaign(request: HttpRequest, payload: CampaignIn) -> Status:
    """Open the campaign of a title for a unit (a commune; a district or province for
    dvht_huyen_tinh) and a year; needs RECOGNITION on the unit."""
    commune = _visible(Unit.objects.all(), payload.commune_id, "commune_id", "commune")
    criteria_set = _visible(
        services.get_criteria_sets_for_user(request.auth),
        payload.criteria_set_id,
        "criteria_set_id",
        "criteria set",
    )
    campaign = services.open_campaign(
        request.auth, title=payload.title, year=payload.year, commune=commune, criteria_set=criteria_set
    )
    return Status(201, _campaign(request, campaign.pk))


@router.get("/recognition/campaigns/{campaign_id}", response={200: CampaignOut, **READ_ERRORS})
def get_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return _campaign(request, campaign_id)


@router.post("/recognition/campaigns/{campaign_id}/autoscore", response={200: AutoscoreOut, **WRITE_ERRORS})
def autoscore(request: HttpRequest, campaign_id: int) -> dict[str, int]:
    """Score every computed indicator of every registration from the registry, with its evidence."""
    return services.autoscore_campaign(
        services.get_campaign_for_user(request.auth, campaign_id), request.auth
    )


@router.post("/recognition/campaigns/{campaign_id}/reopen", response={200: CampaignOut, **WRITE_ERRORS})
def reopen(request: HttpRequest, campaign_id: int, payload: ReopenIn) -> Campaign:
    """Unlock a decided campaign; the reason is required and kept."""
    services.reopen(services.get_campaign_for_user(request.auth, campaign_id), request.auth, payload.reason)
    return _campaign(request, campaign_id)


# ---------------------------------------------------------------- registrations


@router.get(
    "/recognition/campaigns/{campaign_id}/registrations", response={200: list[RegistrationOut], **READ_ERRORS}
)
@paginated()
def list_registrations(
    request: HttpRequest, campaign_id: int, filters: Query[RegistrationFilters]
) -> QuerySet[Registration]:
    registrations = _registrations(request, services.get_campaign_for_user(request.auth, campaign_id))
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    return registrations.order_by("unit__path", "pk")


@router.post(
    "/recognition/campaigns/{campaign_id}/registrations", response={201: RegistrationOut, **WRITE_ERRORS}
)
def register(request: HttpRequest, campaign_id: int, payload: RegistrationIn) -> Status:
    """Register one subject of the campaign's kind (a household for "Gia đình học tập", …)."""
    campaign = services.get_campaign_for_user(request.auth, campaign_id)
    subject = resolve(campaign, request.auth, payload.subject_id)
    if subject is None:
        raise DomainError(
            _("No subject you may see has the id %(id)s."), {"id": payload.subject_id}, column="subject_id"
        )
    registration = services.register(campaign, subject, request.auth)
    return Status(201, _registration(request, registration.pk))


@router.post(
    "/recognition/campaigns/{campaign_id}/registrations/bulk", response={200: BulkOut, **WRITE_ERRORS}
)
def register_village(request: HttpRequest, campaign_id: int, payload: VillageIn) -> dict[str, int]:
    """Register every household of a village of the commune not registered yet; returns how many."""
    campaign = services.get_campaign_for_user(request.auth, campaign_id)
    village = _visible(Unit.objects.all(), payload.village_id, "village_id", "village")
    return {"registered": services.register_village_households(campaign, village, request.auth)}


@router.get(
    "/recognition/registrations/{registration_id}", response={200: RegistrationDetailOut, **READ_ERRORS}
)
def get_registration(request: HttpRequest, registration_id: int) -> Registration:
    """A registration with its scores and the evidence of the computed ones."""
    return _registration(request, registration_id)


@router.post(
    "/recognition/registrations/{registration_id}/scores",
    response={200: RegistrationDetailOut, **WRITE_ERRORS},
)
def record_scores(request: HttpRequest, registration_id: int, payload: ScoresIn) -> Registration:
    """Enter the reviewer's (or the subject's own) points by indicator code; all or nothing.

    The reviewer becomes the registration's scorer: someone else must approve it.
    """
    registration = services.get_registration_for_user(request.auth, registration_id)
    services.record_scores(
        registration,
        payload.scores,
        request.auth,
        notes=payload.notes,
        self_assessment=payload.self_assessment,
    )
    return _registration(request, registration_id)


@router.post(
    "/recognition/registrations/{registration_id}/approve", response={200: RegistrationOut, **WRITE_ERRORS}
)
def approve(request: HttpRequest, registration_id: int) -> Registration:
    """Approve the scoring (maker–checker: refused to the user who scored it)."""
    services.approve(services.get_registration_for_user(request.auth, registration_id), request.auth)
    return _registration(request, registration_id)


# ---------------------------------------------------------------- decisions


@router.get("/recognition/decisions", response={200: list[DecisionOut], **READ_ERRORS})
@paginated()
def list_decisions(request: HttpRequest, year: int | None = None) -> QuerySet[Decision]:
    decisions = services.get_decisions_for_user(request.auth).prefetch_related("registrations")
    if year is not None:
        decisions = decisions.filter(campaign__year=year)
    return decisions.order_by("-date", "number", "pk")


@router.post("/recognition/campaigns/{campaign_id}/decisions", response={201: DecisionOut, **WRITE_ERRORS})
def decide(request: HttpRequest, campaign_id: int, payload: DecisionIn) -> Status:
    """Issue the recognition decision listing approved registrations; it locks the campaign."""
    campaign = services.get_campaign_for_user(request.auth, campaign_id)
    decision = services.decide(
        campaign,
        request.auth,
        number=payload.number,
        date=payload.date,
        signer=payload.signer,
        signer_title=payload.signer_title,
        registrations=payload.registration_ids,
    )
    return Status(201, decision)
