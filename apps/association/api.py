"""The API of the association: ``/api/v1/association/…`` (branches, members, reported numbers, metrics).

Reading is restricted to the caller's scope (404 outside it); members' names
are given only to callers holding PERSONAL_DATA or ASSOCIATION on the branch's
unit (``null`` otherwise). Writing goes through ``apps.association.services``,
which checks the ASSOCIATION capability (403) and refuses bad input (400, naming
the field).
"""


import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from apps.accounts import audit
from apps.accounts.models import AuditEntry
from apps.accounts.scope import scope_for
from apps.association import metrics, services
from apps.association.models import Branch, BranchKind, ConsentPurpose, Member, MemberConsent, ReportedCount
from apps.core.errors import DomainError
from apps.metrics import services as metric_services
from apps.organisations.models import Organisation
from apps.people.models import Person
from apps.places.api import READ_ERRORS, WRITE_ERRORS, paginated
from apps.places.models import Unit

Kind = Literal[tuple(BranchKind.values)]  # type: ignore[valid-type]
MetricName = Literal[metrics.VILLAGE_SHARE, metrics.MEMBER_SHARE, metrics.ORGANISATION_BRANCHES]

ALL_METRICS = (metrics.VILLAGE_SHARE, metrics.MEMBER_SHARE, metrics.ORGANISATION_BRANCHES)

router = Router(tags=["association"])


class BranchOut(Schema):
    id: int
    name: str
    kind: Kind
    committee_id: int
    village_id: int | None
    organisation_id: int | None
    unit_id: int
    unit_code: str
    unit_name: str
    founded_on: dt.date | None
    dissolved_on: dt.date | None
    dissolution_reason: str
    head_name: str
    note: str
    is_demo: bool

    @staticmethod
    def resolve_unit_code(branch: Branch) -> str:
        return branch.unit.code

    @staticmethod
    def resolve_unit_name(branch: Branch) -> str:
        return branch.unit.name


class BranchIn(Schema):
    """A branch in a village (``village_id``) or in an organisation (``organisation_id``), not both."""

    village_id: int | None = None
    organisation_id: int | None = None
    name: str = Field("", description="Empty: a name made from the village's or organisation's.")
    committee_id: int | None = Field(None, description="Empty: the nearest association committee above.")
    founded_on: dt.date | None = None
    head_name: str = ""
    note: str = ""


class BranchPatch(Schema):
    """Only the fields sent are changed; ``dissolved_on`` records the dissolution (once)."""

    name: str | None = None
    committee_id: int | None = None
    founded_on: dt.date | None = None
    head_name: str | None = None
    note: str | None = None
    dissolved_on: dt.date | None = None
    dissolution_reason: str | None = None


class BranchFilters(Schema):
    unit: int | None = Field(None, description="Id of a unit: the branches on it and under it.")
    kind: Kind | None = None
    active_in: int | None = Field(None, description="Only the branches active on 31 December of this year.")
    include_dissolved: bool = Field(True, description="False leaves out the dissolved branches.")


ConsentState = Literal["given", "withdrawn", "missing"]
Purpose = Literal[tuple(ConsentPurpose.values)]  # type: ignore[valid-type]


class MemberOut(Schema):
    id: int
    branch_id: int
    year: int
    person_id: int | None = Field(None, description="null when the member's consent is not in force.")
    full_name: str | None = Field(None, description="null without personal-data or association rights, "
                                                    "or when the member's consent is not in force.")
    joined_on: dt.date | None
    note: str | None
    consent: ConsentState = Field(..., description="given: every required consent in force; withdrawn; "
                                                   "missing (listed before consents were recorded).")


class ConsentIn(Schema):
    """The member's consent to one purpose, with the date it was given and the evidence kept."""

    purpose: Purpose
    given_on: dt.date
    evidence: str = Field(..., description="What shows the consent: a signed form, a minute.")


class ConsentOut(Schema):
    id: int
    purpose: Purpose
    given_on: dt.date
    evidence: str
    recorded_by: str | None
    recorded_at: dt.datetime
    withdrawn_on: dt.date | None
    withdrawal_evidence: str
    withdrawn_by: str | None

    @staticmethod
    def resolve_recorded_by(consent: MemberConsent) -> str | None:
        return consent.created_by.username if consent.created_by_id else None

    @staticmethod
    def resolve_recorded_at(consent: MemberConsent) -> dt.datetime:
        return consent.created_at

    @staticmethod
    def resolve_withdrawn_by(consent: MemberConsent) -> str | None:
        return consent.withdrawn_by.username if consent.withdrawn_by_id else None


class WithdrawalIn(Schema):
    purpose: Purpose
    withdrawn_on: dt.date | None = Field(None, description="Empty: today.")
    evidence: str = Field(..., description="What shows the withdrawal: a letter, a request noted on a date.")


class MemberIn(Schema):
    """A person of the registry (``person_id``), or a name for someone who is not in it, with the
    member's consents: ``membership`` always, ``registry_link`` too for a person of the registry."""

    year: int
    person_id: int | None = None
    full_name: str = ""
    joined_on: dt.date | None = None
    note: str = ""
    consents: list[ConsentIn] = Field(default_factory=list)


class MembersOut(Schema):
    branch_id: int
    year: int
    reported_count: int | None = Field(None, description="The number a branch without a list reported.")
    members: list[MemberOut]


class ReportedCountIn(Schema):
    count: int | None = Field(..., description="null removes the reported number.")
    note: str = ""


class MetricOut(Schema):
    metric: str
    period: str
    unit_id: int
    unit_code: str
    unit_name: str
    unit_kind: str
    num: int | None
    den: int | None
    value: float | None
    data: dict
    computed_at: dt.datetime


def _unit(unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise DomainError(_("No unit has the id %(id)s."), {"id": unit_id}, column="village_id")
    return unit


def _organisation(request: HttpRequest, pk: int | None, column: str) -> Organisation | None:
    if pk is None:
        return None
    found = scope_for(request.auth).filter(Organisation.objects.select_related("unit"), "unit").filter(pk=pk)
    organisation = found.first()
    if organisation is None:
        # A committee above the caller's scope (the province's) is still a valid parent of a branch.
        organisation = Organisation.objects.select_related("unit").filter(
            pk=pk, kind="learning_association").first() if column == "committee_id" else None
    if organisation is None:
        raise DomainError(_("No organisation you may see has the id %(id)s."), {"id": pk}, column=column)
    return organisation


def _with_api_names(error: DomainError) -> DomainError:
    names = {"village": "village_id", "organisation": "organisation_id", "committee": "committee_id",
             "person": "person_id"}
    error.column = names.get(error.column or "", error.column)
    return error


@router.get("/association/branches", response={200: list[BranchOut], **READ_ERRORS})
@paginated()
def list_branches(request: HttpRequest, filters: Query[BranchFilters]) -> QuerySet[Branch]:
    """The branches the caller may see."""
    branches = services.get_branches_for_user(request.auth)
    if filters.unit is not None:
        unit = scope_for(request.auth).units().filter(pk=filters.unit).first()
        branches = branches.filter(unit__path__startswith=unit.path) if unit else branches.none()
    if filters.kind:
        branches = branches.filter(kind=filters.kind)
    if filters.active_in is not None:
        branches = branches.active_in(filters.active_in)
    if not filters.include_dissolved:
        branches = branches.filter(dissolved_on__isnull=True)
    return branches.order_by("unit__path", "name", "pk")


@router.post("/association/branches", response={201: BranchOut, **WRITE_ERRORS})
def create_branch(request: HttpRequest, payload: BranchIn) -> Status:
    """Found a branch; needs the ASSOCIATION capability on its unit."""
    try:
        village = None
        if payload.village_id is not None:
            village = _unit(payload.village_id)
            if not scope_for(request.auth).covers(village):
                raise DomainError(_("No unit has the id %(id)s."), {"id": payload.village_id},
                                  column="village_id")
        branch = services.create_branch(
            request.auth, village=village,
            organisation=_organisation(request, payload.organisation_id, "organisation_id"),
            committee=_organisation(request, payload.committee_id, "committee_id"),
            name=payload.name, founded_on=payload.founded_on, head_name=payload.head_name, note=payload.note,
        )
    except DomainError as error:
        raise _with_api_names(error) from None
    return Status(201, services.get_branch_for_user(request.auth, branch.pk))


@router.get("/association/branches/{branch_id}", response={200: BranchOut, **READ_ERRORS})
def get_branch(request: HttpRequest, branch_id: int) -> Branch:
    return services.get_branch_for_user(request.auth, branch_id)


@router.patch("/association/branches/{branch_id}", response={200: BranchOut, **WRITE_ERRORS})
def update_branch(request: HttpRequest, branch_id: int, payload: BranchPatch) -> Branch:
    """Change the fields sent; ``dissolved_on`` (with ``dissolution_reason``) dissolves the branch."""
    branch = services.get_branch_for_user(request.auth, branch_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    dissolved_on = changes.pop("dissolved_on", None)
    reason = changes.pop("dissolution_reason", None) or ""
    try:
        if "committee_id" in changes:
            changes["committee"] = _organisation(request, changes.pop("committee_id"), "committee_id")
        for field in ("head_name", "note"):
            if field in changes and changes[field] is None:
                changes[field] = ""
        if changes:
            services.update_branch(request.auth, branch, **changes)
        if dissolved_on is not None:
            services.dissolve_branch(request.auth, branch, on=dissolved_on, reason=reason)
    except DomainError as error:
        raise _with_api_names(error) from None
    return services.get_branch_for_user(request.auth, branch.pk)


def _member_out(member: Member, names: bool) -> dict[str, Any]:
    state = member.consent_state
    shown = state == "given"
    return {"id": member.pk, "branch_id": member.branch_id, "year": member.year,
            "person_id": member.person_id if shown else None,
            "full_name": member.display_name if names and shown else None,
            "joined_on": member.joined_on, "note": member.note if names and shown else None, "consent": state}


@router.get("/association/branches/{branch_id}/members", response={200: MembersOut, **READ_ERRORS})
def list_members(request: HttpRequest, branch_id: int, year: int) -> dict[str, Any]:
    """The members of a branch in a year, and the number it reported when it keeps no list."""
    branch = services.get_branch_for_user(request.auth, branch_id)
    year = services.check_year(year)
    names = services.can_see_names(request.auth, branch.unit)
    members = list(branch.members.filter(year=year).select_related("person").prefetch_related("consents")
                   .order_by("pk"))
    shown = [m.person_id for m in services.named(members) if m.person_id]
    if names and shown:
        audit.record_access(AuditEntry.Action.VIEW, description=f"association members {branch.pk} {year}",
                            unit_path=branch.unit.path, details={"persons": shown})
    reported = ReportedCount.objects.filter(branch=branch, year=year).values_list("count", flat=True).first()
    return {"branch_id": branch.pk, "year": year, "reported_count": reported,
            "members": [_member_out(member, names) for member in members]}


@router.post("/association/branches/{branch_id}/members", response={201: MemberOut, **WRITE_ERRORS})
def add_member(request: HttpRequest, branch_id: int, payload: MemberIn) -> Status:
    """List a member for a year; needs the ASSOCIATION capability on the branch's unit."""
    branch = services.get_branch_for_user(request.auth, branch_id)
    try:
        person = None
        if payload.person_id is not None:
            person = scope_for(request.auth).filter(Person.objects.all(), "village").filter(
                pk=payload.person_id).first()
            if person is None:
                raise DomainError(_("No person you may see has the id %(id)s."), {"id": payload.person_id},
                                  column="person_id")
        member = services.add_member(
            request.auth, branch, payload.year, person=person, full_name=payload.full_name,
            joined_on=payload.joined_on, note=payload.note,
            consents=[services.ConsentGiven(c.purpose, c.given_on, c.evidence) for c in payload.consents])
    except DomainError as error:
        raise _with_api_names(error) from None
    return Status(201, _member_out(member, True))


def _managed_member(request: HttpRequest, member_id: int) -> Member:
    member = services.get_member_for_user(request.auth, member_id)
    if not services.can_manage(request.auth, member.branch.unit):
        raise PermissionDenied(_("You may not manage the association branches of this unit."))
    return member


@router.get("/association/members/{member_id}/consents", response={200: list[ConsentOut], **READ_ERRORS})
def list_consents(request: HttpRequest, member_id: int) -> QuerySet[MemberConsent]:
    """A member's consents, in force and withdrawn (who recorded them, when, on what evidence);
    needs the ASSOCIATION capability on the branch's unit."""
    member = _managed_member(request, member_id)
    return member.consents.select_related("created_by", "withdrawn_by").order_by("given_on", "pk")


@router.post("/association/members/{member_id}/consents", response={201: ConsentOut, **WRITE_ERRORS})
def record_consent(request: HttpRequest, member_id: int, payload: ConsentIn) -> Status:
    """Record a consent for a member already listed (before consents were kept, or consenting again)."""
    member = _managed_member(request, member_id)
    given = services.ConsentGiven(payload.purpose, payload.given_on, payload.evidence)
    consent = services.record_consent(request.auth, member, given)
    return Status(201, consent)


@router.post("/association/members/{member_id}/consents/withdraw",
             response={200: list[ConsentOut], **WRITE_ERRORS})
def withdraw_consent(request: HttpRequest, member_id: int, payload: WithdrawalIn) -> QuerySet[MemberConsent]:
    """Record a withdrawal: the member's rows of every year in the branch stay counted, unnamed."""
    member = _managed_member(request, member_id)
    services.withdraw_consent(request.auth, member, payload.purpose, on=payload.withdrawn_on,
                              evidence=payload.evidence)
    return list_consents(request, member_id)


@router.delete("/association/members/{member_id}", response={204: None, **WRITE_ERRORS})
def remove_member(request: HttpRequest, member_id: int) -> Status:
    """Take a member off a year's list."""
    services.remove_member(request.auth, services.get_member_for_user(request.auth, member_id))
    return Status(204, None)


@router.put("/association/branches/{branch_id}/reported-counts/{year}", response={200: MembersOut,
                                                                                   **WRITE_ERRORS})
def set_reported_count(request: HttpRequest, branch_id: int, year: int, payload: ReportedCountIn
                       ) -> dict[str, Any]:
    """Record (or, with ``null``, remove) the number of members of a branch without a list."""
    branch = services.get_branch_for_user(request.auth, branch_id)
    services.set_reported_count(request.auth, branch, year, payload.count, note=payload.note)
    return list_members(request, branch_id, year)


@router.get("/association/metrics", response={200: list[MetricOut], **READ_ERRORS})
def list_metrics(request: HttpRequest, year: int, metric: MetricName | None = None,
                 unit: int | None = None) -> list[dict[str, Any]]:
    """The association's metrics for a year on the units the caller may see (``unit``: it and below)."""
    year = services.check_year(year)
    units = scope_for(request.auth).units()
    if unit is not None:
        base = units.filter(pk=unit).first()
        units = units.filter(path__startswith=base.path) if base else units.none()
    names = [metric] if metric else list(ALL_METRICS)
    rows = []
    for name in names:
        values = metric_services.values(name, year, units=units, user=request.auth)
        for value in sorted(values.values(), key=lambda row: row.unit.path):
            rows.append({"metric": name, "period": value.period, "unit_id": value.unit_id,
                         "unit_code": value.unit.code, "unit_name": value.unit.name,
                         "unit_kind": value.unit.kind, "num": value.num, "den": value.den,
                         "value": value.value, "data": value.data, "computed_at": value.computed_at})
    return rows
