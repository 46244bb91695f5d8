"""The workflow of learning-model titles: every read in scope and every write, as named functions.

Contract for pages, API and commands (call these; never write the models directly):

Reading (scoped by ``scope_for(user)``, failing closed; ``Http404`` out of scope):
    get_criteria_sets_for_user(user) -> QuerySet[CriteriaSet]      national sets + provinces in scope
    get_criteria_set_for_user(user, pk) -> CriteriaSet
    get_campaigns_for_user(user) -> QuerySet[Campaign]
    get_campaign_for_user(user, pk) -> Campaign
    get_registrations_for_user(user, campaign=None) -> QuerySet[Registration]
    get_registration_for_user(user, pk) -> Registration
    get_decisions_for_user(user) -> QuerySet[Decision]
    can_manage(user, unit) -> bool                                    the RECOGNITION capability there
    public_list(campaign) -> QuerySet[Registration]                   the recognised subjects

Writing (each owns its transaction; bad input → ``DomainError`` with a
Vietnamese/English message naming the field; no capability → ``PermissionDenied``;
any write on a decided, locked campaign → ``DomainError`` until ``reopen``):
    load_criteria_set(data, user=None, *, replace=False, is_demo=False) -> CriteriaSet
        ``data`` is the parsed file (``sets_io.parse_text``); every error at once
        in ``ImportFailed.errors``. A national set needs a system administrator
        (``user=None`` is the command line); a provincial set, RECOGNITION on the province.
    export_criteria_set(criteria_set, fmt="yaml"|"json") -> str
    open_campaign(user, *, title, year, commune, criteria_set, is_demo=False) -> Campaign
    register(campaign, subject, user, *, is_demo=False) -> Registration
        subject: a Household, Clan, village Unit, Organisation or Person of the commune.
    register_village_households(campaign, village, user, *, is_demo=False) -> int   (newly registered)
    autoscore_campaign(campaign, user) -> dict     computed indicators of every registration
    record_scores(registration, scores, user, *, self_assessment=False, notes=None, evidence=())
        scores: {indicator code: points (int) or met (bool, sets judged by levels)};
        evidence: uploaded files (Django ``File`` objects), checked by ``add_evidence``.
    add_evidence(registration, upload, user, *, indicator_code=None) -> EvidenceFile
    approve(registration, user) -> Registration      refuses the user who scored it (maker–checker)
    decide(campaign, user, *, number, date, signer, registrations, signer_title="") -> Decision   (locks)
    reopen(campaign, user, reason) -> Campaign

Registration status: registered → scored (every indicator has points) → approved
→ recognised (listed by a decision). Scoring an approved registration again
sends it back to "scored". ``Registration.result_detail`` holds the judgement
(``criteria.Judgement.as_dict``: total, passed, band or level, missing items,
failures such as {"item": "2", "rule": "criterion_min", "value": 15, "threshold": 20}).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.accounts.audit import record_command
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, ImportFailed
from apps.metrics.services import data_changed
from apps.organisations.models import Organisation
from apps.people.models import Clan, Household, Person
from apps.places.models import Unit, UnitKind
from apps.recognition import sets_io
from apps.recognition.autoscore import RULES
from apps.recognition.criteria import judge
from apps.recognition.models import (
    CAMPAIGN_UNIT_KINDS,
    SUBJECT_FIELD,
    TITLE_SUBJECT,
    TITLES_WITHOUT_CAMPAIGN,
    Campaign,
    CriteriaSet,
    Decision,
    EvidenceFile,
    Indicator,
    Method,
    Registration,
    Score,
    SubjectKind,
    Title,
)

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# Accepted evidence: the extension and the file's first bytes must agree (a renamed
# executable is refused), and the stored name is random (apps.recognition.models.evidence_path).
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


# ---------------------------------------------------------------- reading


def can_manage(user, unit: Unit) -> bool:
    """Whether ``user`` may run campaigns on ``unit`` (the RECOGNITION capability)."""
    return scope_for(user, roles.RECOGNITION).covers(unit)


def get_criteria_sets_for_user(user) -> QuerySet[CriteriaSet]:
    """National sets and the sets of provinces above or inside the user's scope; none without a role."""
    scope = scope_for(user)
    sets = CriteriaSet.objects.select_related("unit")
    if scope.is_empty:
        return sets.none()
    if scope.everything:
        return sets
    # Provincial sets are few: decide on their province's path in Python.
    provincial = [
        pk
        for pk, path in sets.filter(unit__isnull=False).values_list("pk", "unit__path")
        if scope.covers_path(path) or any(prefix.startswith(path) for prefix in scope.prefixes)
    ]
    return sets.filter(Q(unit__isnull=True) | Q(pk__in=provincial))


def get_criteria_set_for_user(user, pk: Any) -> CriteriaSet:
    try:
        return get_criteria_sets_for_user(user).get(pk=pk)
    except (CriteriaSet.DoesNotExist, ValueError, TypeError):
        raise Http404("No criteria set matches the given query.") from None


def get_campaigns_for_user(user) -> QuerySet[Campaign]:
    """Campaigns of the communes the user covers, and of the commune above a village head's village.

    A village head sees the campaign of their commune, but only their village's registrations
    (``get_registrations_for_user`` scopes those by unit).
    """
    scope = scope_for(user)
    campaigns = Campaign.objects.select_related("commune", "criteria_set")
    if scope.everything:
        return campaigns
    above = {prefix[: i + 1] for prefix in scope.prefixes for i, char in enumerate(prefix) if char == "/"}
    return campaigns.filter(scope.q("commune__path") | Q(commune__path__in=above))


def get_campaign_for_user(user, pk: Any) -> Campaign:
    try:
        return get_campaigns_for_user(user).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404("No campaign matches the given query.") from None


def get_registrations_for_user(user, campaign: Campaign | None = None) -> QuerySet[Registration]:
    registrations = Registration.objects.select_related(
        "campaign",
        "unit",
        "household",
        "clan",
        "subject_unit",
        "organisation",
        "person__household",
        "decision",
    )
    if campaign is not None:
        registrations = registrations.filter(campaign=campaign)
    return scope_for(user).filter(registrations, "unit")


def get_registration_for_user(user, pk: Any) -> Registration:
    try:
        return get_registrations_for_user(user).get(pk=pk)
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404("No registration matches the given query.") from None


def get_decisions_for_user(user) -> QuerySet[Decision]:
    return scope_for(user).filter(Decision.objects.select_related("campaign__commune"), "campaign__commune")


def public_list(campaign: Campaign) -> QuerySet[Registration]:
    """The subjects a decision of the campaign recognised (the published list)."""
    return (
        campaign.registrations.filter(status=Registration.Status.RECOGNISED)
        .select_related(
            "decision",
            "household",
            "clan",
            "subject_unit",
            "organisation",
            "person__household",
            "unit",
        )
        .order_by("unit__path", "pk")
    )


# ---------------------------------------------------------------- guards


def _author(user):
    return user if getattr(user, "pk", None) else None


def _require_recognition(user, unit: Unit) -> None:
    if not can_manage(user, unit):
        raise PermissionDenied(_("You may not run learning-model campaigns in this unit."))


def _locked_campaign(campaign: Campaign) -> Campaign:
    """The campaign re-read under a row lock; refused when decided and locked."""
    current = (
        Campaign.objects.select_for_update().select_related("commune", "criteria_set").get(pk=campaign.pk)
    )
    if current.locked:
        raise DomainError(
            _("The campaign %(campaign)s is decided and locked; reopen it with a reason before changing it."),
            {"campaign": str(current)},
        )
    return current


# ---------------------------------------------------------------- criteria sets


@transaction.atomic
def load_criteria_set(data: Any, user=None, *, replace: bool = False, is_demo: bool = False) -> CriteriaSet:
    """Validate a set file's content and store it; ``ImportFailed`` with every error, nothing written.

    Refused: maxima that do not add up to the total, a pass rule naming an
    unknown item, duplicate codes, an unknown computed rule or title (see
    ``criteria.spec_from_data``). ``user`` None is the command line (trusted).
    """
    spec = sets_io.validate(data)
    if user is not None:
        scope = scope_for(user, roles.RECOGNITION)
        if spec.unit_code is None:
            if not scope.everything:
                raise PermissionDenied(_("Only a system administrator may load a national criteria set."))
        else:
            province = sets_io._resolve_province(spec.unit_code)
            if not scope.covers(province):
                raise PermissionDenied(_("You may not load criteria sets for this province."))
    criteria_set = sets_io.store(spec, user=user, is_demo=is_demo, replace=replace)
    record_command(
        "recognition: criteria set loaded",
        unit_path=criteria_set.unit.path if criteria_set.unit_id else "",
        details={"code": criteria_set.code, "document": criteria_set.document_number, "replace": replace},
    )
    return criteria_set


def export_criteria_set(criteria_set: CriteriaSet, fmt: str = "yaml") -> str:
    """The set as a YAML or JSON file that ``load_criteria_set`` reads back unchanged."""
    return sets_io.dump(sets_io.spec_to_data(sets_io.spec_of(criteria_set)), fmt)


def set_valid_in_year(criteria_set: CriteriaSet, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (criteria_set.valid_from is None or criteria_set.valid_from <= end) and (
        criteria_set.valid_to is None or criteria_set.valid_to >= start
    )


# ---------------------------------------------------------------- campaigns and registrations


@transaction.atomic
def open_campaign(
    user, *, title: str, year: int, commune: Unit, criteria_set: CriteriaSet, is_demo: bool = False
) -> Campaign:
    """Open the campaign of ``title`` for ``commune`` and ``year`` on ``criteria_set``.

    ``commune`` is the unit running the campaign: a commune, or for "Đơn vị học
    tập cấp huyện, tỉnh" a district or a province (``CAMPAIGN_UNIT_KINDS``), in
    force during the year. Refused: a unit of another kind, a title that cannot
    run a campaign (``TITLES_WITHOUT_CAMPAIGN``, with the reason), a set of another
    title, of another province or not valid in the year, a second campaign of the
    same title, year and unit.
    """
    if title in TITLES_WITHOUT_CAMPAIGN:
        name, reason = TITLES_WITHOUT_CAMPAIGN[title]
        raise DomainError(_("“%(title)s” cannot run a campaign here: %(reason)s"),
                          {"title": name, "reason": reason}, column="title")
    if title not in Title.values:
        raise DomainError(_("Unknown title “%(title)s”."), {"title": title}, column="title")
    kinds = CAMPAIGN_UNIT_KINDS[title]
    if not isinstance(commune, Unit) or commune.kind not in kinds:
        if kinds == ("commune",):
            raise DomainError(_("A campaign for this title belongs to a commune."), column="commune")
        raise DomainError(_("A campaign for this title belongs to a district or a province."),
                          column="commune")
    _require_recognition(user, commune)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), column="year")
    if not (commune.in_force_on(dt.date(year, 1, 1)) or commune.in_force_on(dt.date(year, 12, 31))):
        raise DomainError(_("%(unit)s did not exist in %(year)s."), {"unit": commune.name, "year": year},
                          column="year")
    if criteria_set.title != title:
        raise DomainError(
            _("The criteria set “%(set)s” is for another title."),
            {"set": criteria_set.code},
            column="criteria_set",
        )
    if criteria_set.unit_id and not commune.path.startswith(criteria_set.unit.path):
        raise DomainError(
            _("The criteria set “%(set)s” belongs to another province."),
            {"set": criteria_set.code},
            column="criteria_set",
        )
    if not set_valid_in_year(criteria_set, year):
        raise DomainError(
            _("The criteria set “%(set)s” is not valid in %(year)s."),
            {"set": criteria_set.code, "year": year},
            column="criteria_set",
        )
    if not sets_io.spec_of(criteria_set).has_all_maxima:
        raise DomainError(
            _("The criteria set “%(set)s” lacks the maximum points of some items; load the complete set."),
            {"set": criteria_set.code},
            column="criteria_set",
        )
    if Campaign.objects.filter(title=title, year=year, commune=commune).exists():
        raise DomainError(
            _("%(unit)s already has a campaign for this title in %(year)s."),
            {"unit": commune.name, "year": year}, column="year",
        )
    return Campaign.objects.create(
        title=title,
        year=year,
        commune=commune,
        criteria_set=criteria_set,
        created_by=_author(user),
        updated_by=_author(user),
        is_demo=is_demo,
    )


def subject_kind_of(subject: Any) -> str | None:
    if isinstance(subject, Household):
        return SubjectKind.HOUSEHOLD
    if isinstance(subject, Clan):
        return SubjectKind.CLAN
    if isinstance(subject, Organisation):
        return SubjectKind.ORGANISATION
    if isinstance(subject, Person):
        return SubjectKind.PERSON
    if isinstance(subject, Unit):
        return SubjectKind.VILLAGE if subject.kind == UnitKind.VILLAGE else SubjectKind.COMMUNE
    return None


def _subject_unit(subject: Any, kind: str) -> Unit:
    """The unit that scopes the registration: the subject's village when it has one, else its own unit."""
    if kind in (SubjectKind.HOUSEHOLD, SubjectKind.PERSON):
        return subject.village
    if kind == SubjectKind.CLAN:
        return subject.commune
    if kind == SubjectKind.ORGANISATION:
        return subject.unit
    return subject


@transaction.atomic
def register(campaign: Campaign, subject: Any, user, *, is_demo: bool = False) -> Registration:
    """Register one subject (đăng ký) in the campaign: the kind of the title, inside the commune."""
    campaign = _locked_campaign(campaign)
    _require_recognition(user, campaign.commune)
    kind = subject_kind_of(subject)
    expected = TITLE_SUBJECT[campaign.title]
    if kind != expected:
        raise DomainError(
            _("The title “%(title)s” is awarded to a %(kind)s."),
            {"title": campaign.get_title_display(), "kind": SubjectKind(expected).label},
            column="subject",
        )
    unit = _subject_unit(subject, kind)
    if not unit.path.startswith(campaign.commune.path):
        raise DomainError(
            _("“%(subject)s” is not in %(commune)s."),
            {"subject": str(subject), "commune": campaign.commune.name},
            column="subject",
        )
    field = SUBJECT_FIELD[kind]
    if Registration.objects.filter(campaign=campaign, **{field: subject}).exists():
        raise DomainError(
            _("“%(subject)s” is already registered in this campaign."),
            {"subject": str(subject)},
            column="subject",
        )
    try:
        with transaction.atomic():
            return Registration.objects.create(
                campaign=campaign,
                unit=unit,
                **{field: subject},
                created_by=_author(user),
                updated_by=_author(user),
                is_demo=is_demo,
            )
    except IntegrityError:
        raise DomainError(
            _("“%(subject)s” is already registered in this campaign."),
            {"subject": str(subject)},
            column="subject",
        ) from None


@transaction.atomic
def register_village_households(campaign: Campaign, village: Unit, user, *, is_demo: bool = False) -> int:
    """Register every household of ``village`` not registered yet, in one insert; returns how many.

    Bulk writes bypass the model signals: one audit entry records the command.
    """
    campaign = _locked_campaign(campaign)
    _require_recognition(user, campaign.commune)
    if campaign.title != Title.GDHT:
        raise DomainError(
            _("Only households can be registered by village; this campaign is for %(title)s."),
            {"title": campaign.get_title_display()},
            column="village",
        )
    if (
        not isinstance(village, Unit)
        or village.kind != UnitKind.VILLAGE
        or village.parent_id != campaign.commune_id
    ):
        raise DomainError(
            _("Choose a village of %(commune)s."), {"commune": campaign.commune.name}, column="village"
        )
    households = list(
        Household.objects.filter(village=village)
        .exclude(
            pk__in=Registration.objects.filter(campaign=campaign, household__isnull=False).values(
                "household_id"
            )
        )
        .values_list("pk", flat=True)
    )
    author = _author(user)
    Registration.objects.bulk_create(
        [
            Registration(
                campaign=campaign,
                unit=village,
                household_id=pk,
                created_by=author,
                updated_by=author,
                is_demo=is_demo,
            )
            for pk in households
        ],
        batch_size=1000,
    )
    # The bulk insert bypasses the model signals that mark the roll-ups stale.
    data_changed("recognition.Registration")
    record_command(
        "recognition: households of a village registered",
        unit_path=village.path,
        details={"campaign": campaign.pk, "village": village.pk, "registered": len(households)},
    )
    return len(households)


# ---------------------------------------------------------------- scoring and judging


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    """Id lists small enough for any database's limit on query parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _rejudge(campaign: Campaign, registration_ids: Iterable[int] | None = None) -> int:
    """Recompute total, completeness and pass of the registrations from their scores (set-wise)."""
    spec = sets_io.spec_of(campaign.criteria_set)
    registrations = campaign.registrations.all()
    if registration_ids is not None:
        registrations = registrations.filter(pk__in=list(registration_ids))
    registrations = list(registrations)
    points: dict[int, dict[str, int | None]] = {r.pk: {} for r in registrations}
    met: dict[int, dict[str, bool | None]] = {r.pk: {} for r in registrations}
    for registration_id, code, value, flag in Score.objects.filter(
        registration__in=[r.pk for r in registrations]
    ).values_list("registration_id", "indicator__code", "points", "met"):
        points[registration_id][code] = value
        met[registration_id][code] = flag
    for registration in registrations:
        judgement = judge(spec, points[registration.pk], met[registration.pk])
        registration.total_points = judgement.total
        registration.complete = judgement.complete
        registration.passed = judgement.passed
        registration.result = judgement.result
        registration.result_detail = judgement.as_dict()
        if registration.status in (Registration.Status.REGISTERED, Registration.Status.SCORED):
            registration.status = (
                Registration.Status.SCORED if judgement.complete else Registration.Status.REGISTERED
            )
    # Registrations sharing a judgement (most do, before hand scoring) are written by one
    # UPDATE per judgement: Django's bulk_update of thousands of rows builds a CASE per row.
    groups: dict[str, list[Registration]] = defaultdict(list)
    for registration in registrations:
        key = json.dumps(
            [
                registration.total_points,
                registration.complete,
                registration.passed,
                registration.result,
                registration.result_detail,
                registration.status,
            ],
            sort_keys=True,
        )
        groups[key].append(registration)
    for members in groups.values():
        first = members[0]
        for chunk in _chunks([r.pk for r in members]):
            Registration.objects.filter(pk__in=chunk).update(
                total_points=first.total_points,
                complete=first.complete,
                passed=first.passed,
                result=first.result,
                result_detail=first.result_detail,
                status=first.status,
            )
    return len(registrations)


def _points_for(indicator: Indicator, met: bool | None) -> int | None:
    if met is None:
        return None
    return (indicator.max_points or 0) if met else 0


@transaction.atomic
def autoscore_campaign(campaign: Campaign, user) -> dict[str, int]:
    """Score every computed indicator of every registration from the registry, with its evidence.

    One computation per rule for the whole campaign (``autoscore.RULES``), then
    one bulk write of the scores and one of the registrations. Scores an evaluator
    entered on an undecided computed indicator are kept when the rule still cannot decide.
    """
    campaign = _locked_campaign(campaign)
    _require_recognition(user, campaign.commune)
    kind = TITLE_SUBJECT[campaign.title]
    field = SUBJECT_FIELD[kind]
    computed = list(campaign.criteria_set.indicators.filter(method=Method.COMPUTED))
    subjects = dict(campaign.registrations.values_list(f"{field}_id", "pk"))
    existing = {
        (s.registration_id, s.indicator_id): s
        for s in Score.objects.filter(registration__campaign=campaign, indicator__in=computed)
    }
    to_create: list[Score] = []
    to_update: list[Score] = []
    author = _author(user)
    for indicator in computed:
        rule = RULES[indicator.rule]
        if rule.subject != kind:
            continue
        outcomes = rule.compute(campaign.year, list(subjects), indicator.params or {})
        for subject_id, outcome in outcomes.items():
            registration_id = subjects[subject_id]
            score = existing.get((registration_id, indicator.pk))
            points = _points_for(indicator, outcome.met)
            if score is None:
                to_create.append(
                    Score(
                        registration_id=registration_id,
                        indicator=indicator,
                        points=points,
                        met=outcome.met,
                        computed=outcome.met is not None,
                        evidence=outcome.evidence,
                        created_by=author,
                        updated_by=author,
                        is_demo=campaign.is_demo,
                    )
                )
                continue
            if outcome.met is not None:
                score.points, score.computed = points, True
            elif score.computed:
                # The registry no longer decides: the evaluator enters the points.
                score.points = None
            score.met, score.evidence, score.updated_by = outcome.met, outcome.evidence, author
            to_update.append(score)
    # Changed scores are deleted and inserted again with their ids (one audit entry below
    # records the command): an UPDATE per score, or bulk_update's CASE per row, is far slower.
    table = connection.ops.quote_name(Score._meta.db_table)
    for chunk in _chunks([score.pk for score in to_update]):
        with connection.cursor() as cursor:
            # Raw DELETE: the audit's catch-all delete signal would fetch and log every row.
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608
    Score.objects.bulk_create(to_update + to_create, batch_size=1000)
    # The officer who ran the computation is the maker of registrations nobody scored by hand.
    campaign.registrations.filter(scored_by__isnull=True).update(scored_by=author, scored_at=timezone.now())
    judged = _rejudge(campaign)
    record_command(
        "recognition: campaign scored from the registry",
        unit_path=campaign.commune.path,
        details={"campaign": campaign.pk, "scores": len(to_create) + len(to_update), "registrations": judged},
    )
    return {"registrations": judged, "scores": len(to_create) + len(to_update)}


def _score_value(indicator: Indicator, value: Any, judging: str) -> tuple[int, bool | None]:
    """Points (and met flag) from an entered value; refuses anything outside 0..maximum."""
    if isinstance(value, bool):
        if indicator.max_points is not None and judging != "levels":
            raise DomainError(
                _("Indicator %(code)s is scored in points, not yes or no."),
                {"code": indicator.code},
                column=indicator.code,
            )
        return (indicator.max_points or 1) if value else 0, value
    if not isinstance(value, int):
        try:
            text = str(value).strip()
            if not text.isdigit():
                raise ValueError
            value = int(text)
        except (ValueError, TypeError):
            raise DomainError(
                _("The points of indicator %(code)s must be a whole number, not “%(value)s”."),
                {"code": indicator.code, "value": value},
                column=indicator.code,
            ) from None
    maximum = indicator.max_points if indicator.max_points is not None else 1
    if value < 0 or value > maximum:
        raise DomainError(
            _("Indicator %(code)s is scored from 0 to %(max)s, not %(value)s."),
            {"code": indicator.code, "max": maximum, "value": value},
            column=indicator.code,
        )
    met = None
    if judging == "levels":
        threshold = indicator.min_points if indicator.min_points is not None else maximum
        met = value >= threshold
    return value, met


@transaction.atomic
def record_scores(
    registration: Registration,
    scores: dict[str, Any],
    user,
    *,
    self_assessment: bool = False,
    notes: dict[str, str] | None = None,
    evidence: Iterable[Any] = (),
) -> Registration:
    """Enter the evaluator's (or, with ``self_assessment``, the subject's own) scores by indicator code.

    Refused, nothing written: an unknown code, points outside 0..maximum, a
    computed indicator the registry decided (correct the registry instead), a
    recognised registration, a locked campaign, evidence of a forbidden type or size.
    The reviewer's scores make the user the registration's scorer (the maker):
    someone else must approve it; an approved registration goes back to "scored".
    """
    campaign = _locked_campaign(registration.campaign)
    _require_recognition(user, registration.unit)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.RECOGNISED:
        raise DomainError(_("A recognised registration cannot be scored again."))
    indicators = {ind.code: ind for ind in campaign.criteria_set.indicators.all()}
    existing = {s.indicator_id: s for s in registration.scores.all()}
    notes = notes or {}
    author = _author(user)
    for code in list(scores) + [code for code in notes if code not in scores]:
        if code not in indicators:
            raise DomainError(_("The set has no indicator “%(code)s”."), {"code": code}, column=str(code))
    for code, value in scores.items():
        indicator = indicators[code]
        score = existing.get(indicator.pk)
        if (
            not self_assessment
            and indicator.method == Method.COMPUTED
            and score is not None
            and score.met is not None
        ):
            raise DomainError(
                _(
                    "Indicator %(code)s is computed from the registry; correct the registry and "
                    "score again instead of entering points."
                ),
                {"code": code},
                column=code,
            )
        if value is None:
            points, met = None, None
        else:
            points, met = _score_value(indicator, value, campaign.criteria_set.judging)
        if score is None:
            score = Score(
                registration=registration,
                indicator=indicator,
                created_by=author,
                is_demo=registration.is_demo,
            )
        if self_assessment:
            score.self_points = points
        else:
            score.points, score.computed = points, False
            if campaign.criteria_set.judging == "levels":
                score.met = met
        if code in notes:
            score.note = str(notes[code]).strip()
        score.updated_by = author
        score.save()
    for code, note in notes.items():
        if code not in scores:
            score = existing.get(indicators[code].pk)
            if score is not None:
                score.note = str(note).strip()
                score.updated_by = author
                score.save()
    for upload in evidence:
        _store_evidence(registration, upload, user)
    if not self_assessment and scores:
        registration.scored_by, registration.scored_at = author, timezone.now()
        if registration.status == Registration.Status.APPROVED:
            registration.status = Registration.Status.SCORED
            registration.approved_by = registration.approved_at = None
        registration.updated_by = author
        registration.save()
    _rejudge(campaign, [registration.pk])
    registration.refresh_from_db()
    return registration


def _store_evidence(
    registration: Registration, upload: Any, user, indicator: Indicator | None = None
) -> EvidenceFile:
    name = str(getattr(upload, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    size = getattr(upload, "size", None)
    if extension not in EVIDENCE_TYPES:
        raise DomainError(
            _("“%(name)s”: evidence must be a PDF, JPEG or PNG file."), {"name": name}, column="evidence"
        )
    if size is None or size > MAX_EVIDENCE_BYTES:
        raise DomainError(
            _("“%(name)s” is larger than %(max)s MB."),
            {"name": name, "max": MAX_EVIDENCE_BYTES // (1024 * 1024)},
            column="evidence",
        )
    if size == 0:
        raise DomainError(_("“%(name)s” is empty."), {"name": name}, column="evidence")
    content_type, signatures = EVIDENCE_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise DomainError(
            _("“%(name)s” is not really a %(type)s file."),
            {"name": name, "type": extension.upper()},
            column="evidence",
        )
    stored = f"{uuid.uuid4().hex}.{extension}"
    record = EvidenceFile(
        registration=registration,
        indicator=indicator,
        stored_name=stored,
        original_name=name[-255:],
        content_type=content_type,
        size=size,
        created_by=_author(user),
        updated_by=_author(user),
        is_demo=registration.is_demo,
    )
    record.file.save(stored, upload, save=False)
    record.save()
    return record


@transaction.atomic
def add_evidence(
    registration: Registration, upload: Any, user, *, indicator_code: str | None = None
) -> EvidenceFile:
    """Attach an evidence file (PDF, JPEG or PNG, at most 5 MB, content matching its extension)."""
    campaign = _locked_campaign(registration.campaign)
    _require_recognition(user, registration.unit)
    indicator = None
    if indicator_code:
        indicator = campaign.criteria_set.indicators.filter(code=indicator_code).first()
        if indicator is None:
            raise DomainError(
                _("The set has no indicator “%(code)s”."), {"code": indicator_code}, column="indicator"
            )
    return _store_evidence(registration, upload, user, indicator)


@transaction.atomic
def approve(registration: Registration, user) -> Registration:
    """Approve the scoring of a registration (review by the village or association).

    Maker–checker: the user who scored it cannot approve it. Refused while an
    indicator is unscored, and on a locked campaign.
    """
    _locked_campaign(registration.campaign)
    _require_recognition(user, registration.unit)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.RECOGNISED:
        raise DomainError(_("This registration is already recognised."))
    if not registration.complete:
        raise DomainError(
            _("Every indicator must be scored before approval; missing: %(codes)s."),
            {"codes": ", ".join(registration.result_detail.get("missing", []))},
        )
    if registration.scored_by_id is not None and registration.scored_by_id == getattr(user, "pk", None):
        raise DomainError(_("You scored this registration: someone else must approve it."))
    registration.status = Registration.Status.APPROVED
    registration.approved_by, registration.approved_at = _author(user), timezone.now()
    registration.updated_by = _author(user)
    registration.save()
    return registration


@transaction.atomic
def decide(
    campaign: Campaign,
    user,
    *,
    number: str,
    date: dt.date,
    signer: str,
    registrations: Iterable[Registration | int],
    signer_title: str = "",
    is_demo: bool = False,
) -> Decision:
    """Issue the recognition decision listing ``registrations``, and lock the campaign.

    Every listed registration must belong to the campaign, be approved and not
    fail the pass rule (a set without a pass mark leaves the judgement to the commune).
    """
    campaign = _locked_campaign(campaign)
    _require_recognition(user, campaign.commune)
    number, signer = (number or "").strip(), (signer or "").strip()
    if not number:
        raise DomainError(_("The decision needs its number."), column="number")
    if not signer:
        raise DomainError(_("The decision needs its signer."), column="signer")
    if not isinstance(date, dt.date):
        raise DomainError(_("The decision needs its date."), column="date")
    if date.year < campaign.year:
        raise DomainError(_("The decision cannot be dated before the campaign year."), column="date")
    ids = {item if isinstance(item, int) else item.pk for item in registrations}
    if not ids:
        raise DomainError(_("The decision must list at least one registration."), column="registrations")
    listed = list(Registration.objects.select_for_update().filter(pk__in=ids, campaign=campaign))
    if len(listed) != len(ids):
        raise DomainError(
            _("Some listed registrations do not belong to this campaign."), column="registrations"
        )
    for registration in listed:
        if registration.status != Registration.Status.APPROVED:
            raise DomainError(
                _("%(subject)s is not approved."),
                {"subject": registration.subject_label},
                column="registrations",
            )
        if registration.passed is False:
            raise DomainError(
                _("%(subject)s does not meet the criteria."),
                {"subject": registration.subject_label},
                column="registrations",
            )
    if campaign.decisions.filter(number=number).exists():
        raise DomainError(
            _("The campaign already has a decision numbered %(number)s."), {"number": number}, column="number"
        )
    author = _author(user)
    decision = Decision.objects.create(
        campaign=campaign,
        number=number,
        date=date,
        signer=signer,
        signer_title=(signer_title or "").strip(),
        created_by=author,
        updated_by=author,
        is_demo=is_demo,
    )
    for registration in listed:
        registration.status = Registration.Status.RECOGNISED
        registration.decision = decision
        registration.updated_by = author
        registration.save()
    campaign.status, campaign.locked, campaign.updated_by = Campaign.Status.DECIDED, True, author
    campaign.save()
    return decision


@transaction.atomic
def reopen(campaign: Campaign, user, reason: str) -> Campaign:
    """Unlock a decided campaign; the reason is required and kept (its decisions stay valid)."""
    campaign = Campaign.objects.select_for_update().select_related("commune").get(pk=campaign.pk)
    _require_recognition(user, campaign.commune)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the campaign is reopened."), column="reason")
    if not campaign.locked:
        raise DomainError(_("The campaign is not locked."))
    campaign.locked = False
    campaign.status = Campaign.Status.OPEN
    campaign.reopen_reason, campaign.reopened_at, campaign.reopened_by = reason, timezone.now(), _author(user)
    campaign.updated_by = _author(user)
    campaign.save()
    return campaign


__all__ = [
    "ImportFailed",
    "add_evidence",
    "approve",
    "autoscore_campaign",
    "can_manage",
    "decide",
    "export_criteria_set",
    "get_campaign_for_user",
    "get_campaigns_for_user",
    "get_criteria_set_for_user",
    "get_criteria_sets_for_user",
    "get_decisions_for_user",
    "get_registration_for_user",
    "get_registrations_for_user",
    "load_criteria_set",
    "open_campaign",
    "public_list",
    "record_scores",
    "register",
    "register_village_households",
    "reopen",
]
