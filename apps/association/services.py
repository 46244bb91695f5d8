"""Services of the association: reading in scope, validating, writing branches and members.

Every write goes through a function here, which checks the ASSOCIATION
capability on the branch's unit, owns its transaction and refuses bad input with
``DomainError`` naming its field. The audit trail is written by the model signals
(``apps.accounts.audit``); branches are never deleted (they are dissolved on a
date), members of a year may be removed (a wrong entry in a list, not money).

Reading: branches and their figures are visible wherever the user may view the
unit; the names of members only where the user holds PERSONAL_DATA or ASSOCIATION
on the branch's unit (Luật 91/2025/QH15, NĐ 356/2025/NĐ-CP: names are personal data).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.association.models import (
    KIND_OF_ORGANISATION,
    Branch,
    BranchKind,
    ConsentPurpose,
    Member,
    MemberConsent,
    ReportedCount,
    required_purposes,
)
from apps.core.errors import DomainError, ImportFailed
from apps.organisations.models import Organisation, OrganisationKind
from apps.people.models import Person
from apps.places.models import Unit, UnitKind
from apps.places.services import clean_name, normalise_name

FIRST_YEAR = 1996  # Hội Khuyến học Việt Nam was founded on 2 October 1996
EDITABLE_FIELDS = frozenset({"name", "committee", "founded_on", "head_name", "note"})
TEXT_LIMITS = {"name": 255, "head_name": 150, "note": 5000, "dissolution_reason": 300}


# --- reading, scoped -------------------------------------------------------------------------

def get_branches_for_user(user) -> QuerySet[Branch]:
    """The branches on the units ``user`` may see (dissolved ones too)."""
    return scope_for(user).filter(
        Branch.objects.select_related("unit", "village", "organisation", "committee__unit"), "unit"
    )


def get_branch_for_user(user, pk: Any) -> Branch:
    """One branch the user may see; ``Http404`` when it is out of scope or unknown."""
    try:
        return get_branches_for_user(user).get(pk=pk)
    except (Branch.DoesNotExist, ValueError, TypeError):
        raise Http404("No branch matches the given query.") from None


def get_members_for_user(user) -> QuerySet[Member]:
    return scope_for(user).filter(Member.objects.select_related("branch__unit", "person__household"),
                                  "branch__unit")


def get_member_for_user(user, pk: Any) -> Member:
    try:
        return get_members_for_user(user).get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404("No member matches the given query.") from None


def can_manage(user, unit: Unit) -> bool:
    return scope_for(user, roles.ASSOCIATION).covers(unit)


def can_see_names(user, unit: Unit) -> bool:
    """Members' names: PERSONAL_DATA or ASSOCIATION on the unit (personal-data.md)."""
    return scope_for(user, roles.PERSONAL_DATA).covers(unit) or can_manage(user, unit)


def _ancestor_paths(path: str) -> list[str]:
    """"/N/66/24454/x/" → ["/N/66/24454/x/", "/N/66/24454/", "/N/66/"], nearest first."""
    parts = [part for part in path.strip("/").split("/") if part]
    return [f"/{'/'.join(parts[:end])}/" for end in range(len(parts), 1, -1)]


def committees_above(unit: Unit) -> QuerySet[Organisation]:
    """The active association committees on the unit or above it, nearest first."""
    paths = _ancestor_paths(unit.path)
    committees = Organisation.objects.filter(
        kind=OrganisationKind.ASSOCIATION, active=True, unit__path__in=paths
    ).select_related("unit")
    return committees.order_by("-unit__path", "name")


def committee_of(unit: Unit) -> Organisation | None:
    """The association committee of the unit itself (a commune's Hội Khuyến học), if registered."""
    return (Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION, active=True, unit=unit)
            .order_by("name").first())


def branch_years(branch: Branch, today: dt.date | None = None) -> list[int]:
    """The years a branch existed, newest first (for the year selector)."""
    today = today or timezone.localdate()
    first = branch.founded_on.year if branch.founded_on else today.year - 5
    last = branch.dissolved_on.year if branch.dissolved_on else today.year
    return list(range(max(last, first), max(first, FIRST_YEAR) - 1, -1))


# --- validation ------------------------------------------------------------------------------

def _text(value: Any) -> str:
    return clean_name(value if isinstance(value, str) else "" if value is None else str(value))


def _check_length(field: str, value: str) -> None:
    limit = TEXT_LIMITS.get(field)
    if limit and len(value) > limit:
        raise DomainError(_("The field “%(field)s” is longer than %(max)s characters."),
                          {"field": field, "max": limit}, column=field)


def _check_date(field: str, value: Any, today: dt.date) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise DomainError(_("“%(value)s” is not a date (YYYY-MM-DD)."), {"value": value},
                              column=field) from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise DomainError(_("“%(value)s” is not a date (YYYY-MM-DD)."), {"value": value}, column=field)
    if value > today:
        raise DomainError(_("The date %(date)s is in the future."), {"date": value.strftime("%d/%m/%Y")},
                          column=field)
    return value


def _whole(value: Any) -> int | None:
    """An int, or the digits of a string; None for anything else (a bool, a float, "1.5")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def check_year(year: Any, today: dt.date | None = None) -> int:
    """A year of membership: from 1996 (the association's founding) to next year."""
    today = today or timezone.localdate()
    if (whole := _whole(year)) is None:
        raise DomainError(_("“%(value)s” is not a year."), {"value": year}, column="year")
    year = whole
    if not FIRST_YEAR <= year <= today.year + 1:
        raise DomainError(_("The year must lie between %(first)s and %(last)s."),
                          {"first": FIRST_YEAR, "last": today.year + 1}, column="year")
    return year


def _require_manage(user, unit: Unit) -> None:
    if not can_manage(user, unit):
        raise PermissionDenied(_("You may not manage the association branches of this unit."))


def _author(user):
    return user if getattr(user, "pk", None) else None


def _place(village: Unit | None, organisation: Organisation | None) -> tuple[Unit, str]:
    """The branch's unit and type from its village or organisation; refuses anything else."""
    if (village is None) == (organisation is None):
        raise DomainError(_("A branch is either in a village or in an organisation: choose one."),
                          column="village")
    if village is not None:
        if not isinstance(village, Unit) or village.kind != UnitKind.VILLAGE:
            raise DomainError(_("A village branch must be in a village (thôn, buôn, tổ dân phố)."),
                              column="village")
        return village, BranchKind.VILLAGE
    if not isinstance(organisation, Organisation) or organisation.pk is None:
        raise DomainError(_("The organisation is unknown."), column="organisation")
    if organisation.kind == OrganisationKind.ASSOCIATION:
        raise DomainError(_("The association committee itself cannot host a branch."),
                          column="organisation")
    if not organisation.active:
        raise DomainError(_("The organisation “%(name)s” is inactive."), {"name": organisation.name},
                          column="organisation")
    return organisation.unit, KIND_OF_ORGANISATION.get(organisation.kind, BranchKind.OTHER)


def _check_committee(committee: Organisation | None, unit: Unit) -> Organisation:
    if committee is None:
        committee = committees_above(unit).first()
        if committee is None:
            raise DomainError(
                _("No association committee is registered on this unit or above it: register the "
                  "Hội Khuyến học as an organisation of type “Learning promotion association” first."),
                column="committee",
            )
        return committee
    if (not isinstance(committee, Organisation) or committee.kind != OrganisationKind.ASSOCIATION
            or not committee.active):
        raise DomainError(_("The committee must be an active learning promotion association."),
                          column="committee")
    if not unit.path.startswith(committee.unit.path):
        raise DomainError(_("The committee “%(name)s” does not cover the unit of the branch."),
                          {"name": committee.name}, column="committee")
    return committee


def _check_unique_place(branch: Branch, today: dt.date) -> None:
    """One branch at a time in a village or an organisation (a dissolved one may be replaced)."""
    others = Branch.objects.filter(dissolved_on__isnull=True)
    if branch.village_id:
        others = others.filter(village_id=branch.village_id)
    else:
        others = others.filter(organisation_id=branch.organisation_id)
    if branch.pk:
        others = others.exclude(pk=branch.pk)
    other = others.first()
    if other is not None:
        raise DomainError(_("“%(name)s” is already an active branch there; dissolve it first."),
                          {"name": other.name}, column="village" if branch.village_id else "organisation")


def _default_name(village: Unit | None, organisation: Organisation | None) -> str:
    # Names are data, in Vietnamese, as the association writes them.
    if village is not None:
        return f"Chi hội khuyến học {village.name}"
    return f"Ban khuyến học {organisation.name}" if organisation is not None else ""


# --- branches --------------------------------------------------------------------------------

@transaction.atomic
def create_branch(
    user,
    *,
    village: Unit | None = None,
    organisation: Organisation | None = None,
    name: str = "",
    committee: Organisation | None = None,
    founded_on: dt.date | str | None = None,
    head_name: str = "",
    note: str = "",
    is_demo: bool = False,
    today: dt.date | None = None,
) -> Branch:
    """Found a branch in a village or an organisation (Kế hoạch 145-KH/HU: "nhất là ở thôn, buôn, TDP").

    The committee defaults to the nearest association committee above the unit.
    Raises ``PermissionDenied`` without ASSOCIATION on the unit, ``DomainError`` on bad input.
    """
    today = today or timezone.localdate()
    unit, kind = _place(village, organisation)
    _require_manage(user, unit)
    name = _text(name) or _default_name(village, organisation)
    for field, value in (("name", name), ("head_name", _text(head_name)), ("note", note or "")):
        _check_length(field, value)
    branch = Branch(
        name=name, kind=kind, village=village, organisation=organisation, unit=unit,
        committee=_check_committee(committee, unit),
        founded_on=_check_date("founded_on", founded_on, today),
        head_name=_text(head_name), note=(note or "").strip(), is_demo=is_demo,
        created_by=_author(user), updated_by=_author(user),
    )
    _check_unique_place(branch, today)
    branch.save()
    return branch


@transaction.atomic
def update_branch(user, branch: Branch, *, today: dt.date | None = None, **changes: Any) -> Branch:
    """Change the name, committee, founding date, head or note of a branch.

    Its village or organisation never changes: a branch that moves is dissolved
    and another founded, so that the figures of past years stay what they were.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"update_branch() cannot change: {', '.join(sorted(unknown))}")
    today = today or timezone.localdate()
    _require_manage(user, branch.unit)
    if "name" in changes:
        name = _text(changes["name"])
        if not name:
            raise DomainError(_("The name of the branch is empty."), column="name")
        _check_length("name", name)
        branch.name = name
    if "head_name" in changes:
        branch.head_name = _text(changes["head_name"])
        _check_length("head_name", branch.head_name)
    if "note" in changes:
        branch.note = (changes["note"] or "").strip()
        _check_length("note", branch.note)
    if "committee" in changes:
        branch.committee = _check_committee(changes["committee"], branch.unit)
    if "founded_on" in changes:
        branch.founded_on = _check_date("founded_on", changes["founded_on"], today)
        if branch.founded_on and branch.dissolved_on and branch.founded_on > branch.dissolved_on:
            raise DomainError(_("The branch cannot be founded after it was dissolved."), column="founded_on")
    branch.updated_by = _author(user)
    branch.save()
    return branch


@transaction.atomic
def dissolve_branch(user, branch: Branch, *, on: dt.date | str | None = None, reason: str = "",
                    today: dt.date | None = None) -> Branch:
    """Record the dissolution of a branch on a date (today by default); it stays in the registry."""
    today = today or timezone.localdate()
    _require_manage(user, branch.unit)
    if branch.dissolved_on is not None:
        raise DomainError(_("The branch was already dissolved on %(date)s."),
                          {"date": branch.dissolved_on.strftime("%d/%m/%Y")}, column="dissolved_on")
    on = _check_date("dissolved_on", on, today) or today
    if branch.founded_on and on < branch.founded_on:
        raise DomainError(_("The branch cannot be dissolved before it was founded (%(date)s)."),
                          {"date": branch.founded_on.strftime("%d/%m/%Y")}, column="dissolved_on")
    reason = _text(reason)
    _check_length("dissolution_reason", reason)
    branch.dissolved_on, branch.dissolution_reason = on, reason
    branch.updated_by = _author(user)
    branch.save()
    return branch


# --- members ---------------------------------------------------------------------------------

def _check_branch_year(branch: Branch, year: int) -> None:
    """Members are recorded only for a year in which the branch existed."""
    if branch.founded_on and branch.founded_on.year > year:
        raise DomainError(_("The branch was founded in %(founded)s, after %(year)s."),
                          {"founded": branch.founded_on.year, "year": year}, column="year")
    if branch.dissolved_on and branch.dissolved_on.year < year:
        raise DomainError(_("The branch was dissolved in %(dissolved)s, before %(year)s."),
                          {"dissolved": branch.dissolved_on.year, "year": year}, column="year")


def _lock_branch(branch: Branch) -> None:
    """Serialise the writers of one branch's lists (a list and a count exclude each other)."""
    list(Branch.objects.select_for_update().filter(pk=branch.pk).values_list("pk", flat=True))


def _refuse_if_counted(branch: Branch, year: int) -> None:
    if ReportedCount.objects.filter(branch=branch, year=year).exists():
        raise DomainError(
            _("The branch reported a number of members for %(year)s instead of a list; remove the "
              "number before listing members."), {"year": year}, column="year",
        )


def _member(branch: Branch, year: int, person: Person | None, full_name: str, joined_on, note: str,
            today: dt.date, user, is_demo: bool) -> Member:
    """A validated, unsaved member; raises ``DomainError`` naming the field."""
    if person is not None:
        if not isinstance(person, Person) or person.pk is None:
            raise DomainError(_("The person is unknown."), column="person")
        full_name = ""
    else:
        full_name = _text(full_name)
        if not full_name:
            raise DomainError(_("Give the member's name or choose a person of the registry."),
                              column="full_name")
        if len(full_name) > 150:
            raise DomainError(_("The field “%(field)s” is longer than %(max)s characters."),
                              {"field": "full_name", "max": 150}, column="full_name")
    note = _text(note)
    if len(note) > 300:
        raise DomainError(_("The field “%(field)s” is longer than %(max)s characters."),
                          {"field": "note", "max": 300}, column="note")
    return Member(branch=branch, year=year, person=person, full_name=full_name,
                  name_key=normalise_name(full_name), joined_on=_check_date("joined_on", joined_on, today),
                  note=note, is_demo=is_demo, created_by=_author(user), updated_by=_author(user))


def _duplicate(member: Member) -> DomainError | None:
    others = Member.objects.filter(branch=member.branch, year=member.year)
    if member.person_id:
        if others.filter(person_id=member.person_id).exists():
            return DomainError(_("This person is already a member of the branch in %(year)s."),
                               {"year": member.year}, column="person")
    elif others.filter(person__isnull=True, name_key=member.name_key).exists():
        return DomainError(_("“%(name)s” is already a member of the branch in %(year)s."),
                           {"name": member.full_name, "year": member.year}, column="full_name")
    return None



# --- consent ---------------------------------------------------------------------------------
# The association is a social organisation: it keeps named members for its own purposes only
# with their consent, per purpose, recorded with its date and evidence, never pre-ticked
# (Luật 91/2025/QH15, NĐ 356/2025/NĐ-CP; shared/domain/personal-data.md). A member without it
# is refused; a member whose consent is withdrawn stays counted but is no longer named.

EVIDENCE_LIMIT = 300


@dataclass(frozen=True)
class ConsentGiven:
    """A consent as the officer records it: the purpose, the date it was given, the evidence kept."""

    purpose: str
    given_on: dt.date | str | None
    evidence: str


def consents_for(person_linked: bool, given_on: dt.date | str | None, evidence: str) -> list[ConsentGiven]:
    """The consents a member needs (every required purpose) given on one date with one evidence."""
    return [ConsentGiven(purpose, given_on, evidence) for purpose in required_purposes(person_linked)]


def _purpose_label(purpose: str) -> str:
    return str(ConsentPurpose(purpose).label) if purpose in ConsentPurpose.values else purpose


def _check_purpose(purpose: str) -> None:
    if purpose not in ConsentPurpose.values:
        raise DomainError(_("“%(value)s” is not a purpose of consent (%(known)s)."),
                          {"value": purpose, "known": ", ".join(ConsentPurpose.values)},
                          column="consent_purposes")


def _check_consent(consent: ConsentGiven, today: dt.date) -> ConsentGiven:
    """One consent checked: a known purpose, a date given and not in the future, the evidence named."""
    _check_purpose(consent.purpose)
    given_on = _check_date("consent_given_on", consent.given_on, today)
    if given_on is None:
        raise DomainError(_("Give the date the member gave their consent."), column="consent_given_on")
    evidence = _text(consent.evidence)
    if not evidence:
        raise DomainError(_("Say what shows the consent (a signed form, a minute of a meeting)."),
                          column="consent_evidence")
    if len(evidence) > EVIDENCE_LIMIT:
        raise DomainError(_("The field “%(field)s” is longer than %(max)s characters."),
                          {"field": "consent_evidence", "max": EVIDENCE_LIMIT}, column="consent_evidence")
    return ConsentGiven(consent.purpose, given_on, evidence)


def _check_consents(consents: Iterable[ConsentGiven], person_linked: bool, today: dt.date
                    ) -> list[ConsentGiven]:
    """Validated consents covering every required purpose; a repeated or missing purpose is refused."""
    checked: dict[str, ConsentGiven] = {}
    for consent in consents:
        if consent.purpose in checked:
            raise DomainError(_("The consent to “%(purpose)s” is given twice."),
                              {"purpose": _purpose_label(consent.purpose)}, column="consent_purposes")
        checked[consent.purpose] = _check_consent(consent, today)
    for purpose in required_purposes(person_linked):
        if purpose not in checked:
            raise DomainError(
                _("The member's consent to “%(purpose)s” is not recorded: a named member is listed only "
                  "with a consent recorded for each purpose."),
                {"purpose": _purpose_label(purpose)}, column="consent_purposes",
            )
    return list(checked.values())


def _save_consents(member: Member, consents: Sequence[ConsentGiven], user) -> None:
    # save() one by one (two at most): every consent gets its own audit entry.
    for consent in consents:
        MemberConsent.objects.create(member=member, purpose=consent.purpose, given_on=consent.given_on,
                                     evidence=consent.evidence, is_demo=member.is_demo,
                                     created_by=_author(user), updated_by=_author(user))


def _same_member(member: Member) -> QuerySet[Member]:
    """The rows of one member in the branch across the years (same person, or same name)."""
    rows = Member.objects.filter(branch_id=member.branch_id)
    if member.person_id:
        return rows.filter(person_id=member.person_id)
    return rows.filter(person__isnull=True, name_key=member.name_key)


@transaction.atomic
def record_consent(user, member: Member, consent: ConsentGiven, *, today: dt.date | None = None
                   ) -> MemberConsent:
    """Record a consent for a member already listed (one listed before consents were recorded,
    or who consents again after a withdrawal)."""
    today = today or timezone.localdate()
    _require_manage(user, member.branch.unit)
    _check_purpose(consent.purpose)
    if consent.purpose == ConsentPurpose.REGISTRY_LINK and not member.person_id:
        raise DomainError(_("This member is not linked to the person registry."), column="consent_purposes")
    if member.consents.filter(purpose=consent.purpose, withdrawn_on__isnull=True).exists():
        raise DomainError(_("The consent to “%(purpose)s” is already recorded."),
                          {"purpose": _purpose_label(consent.purpose)}, column="consent_purposes")
    checked = _check_consent(consent, today)
    row = MemberConsent(member=member, purpose=checked.purpose, given_on=checked.given_on,
                        evidence=checked.evidence, is_demo=member.is_demo,
                        created_by=_author(user), updated_by=_author(user))
    row.save()
    return row


@transaction.atomic
def withdraw_consent(user, member: Member, purpose: str, *, on: dt.date | str | None = None,
                     evidence: str = "", today: dt.date | None = None) -> int:
    """Record that the member withdrew a consent (Luật 91/2025/QH15 Art. 4: the right to withdraw).

    Applies to the member's rows of every year in the branch. The rows stay (the
    branch's counts of past years are facts), but the member is no longer named in
    any list. Returns the number of consents withdrawn.
    """
    today = today or timezone.localdate()
    _require_manage(user, member.branch.unit)
    _check_purpose(purpose)
    on = _check_date("withdrawn_on", on, today) or today
    evidence = _text(evidence)
    if not evidence:
        raise DomainError(_("Say what shows the withdrawal (a letter, a request noted on a date)."),
                          column="withdrawal_evidence")
    if len(evidence) > EVIDENCE_LIMIT:
        raise DomainError(_("The field “%(field)s” is longer than %(max)s characters."),
                          {"field": "withdrawal_evidence", "max": EVIDENCE_LIMIT},
                          column="withdrawal_evidence")
    active = MemberConsent.objects.filter(member__in=_same_member(member), purpose=purpose,
                                          withdrawn_on__isnull=True).select_related("member__branch__unit")
    if not active.exists():
        raise DomainError(_("No consent to “%(purpose)s” is in force for this member."),
                          {"purpose": _purpose_label(purpose)}, column="consent_purposes")
    withdrawn = 0
    now = timezone.now()
    for consent in active.select_for_update(of=("self",)):
        if consent.given_on > on:
            raise DomainError(_("The consent was given on %(date)s, after the withdrawal."),
                              {"date": consent.given_on.strftime("%d/%m/%Y")}, column="withdrawn_on")
        consent.withdrawn_on, consent.withdrawal_evidence = on, evidence
        consent.withdrawn_by, consent.withdrawn_at, consent.updated_by = _author(user), now, _author(user)
        consent.save()  # one by one: each withdrawal in the audit trail
        withdrawn += 1
    return withdrawn


def named(members: Iterable[Member]) -> list[Member]:
    """The members whose identity may be shown: every required consent in force."""
    return [member for member in members if member.consent_state == "given"]


@transaction.atomic
def add_member(
    user,
    branch: Branch,
    year: int,
    *,
    person: Person | None = None,
    full_name: str = "",
    joined_on: dt.date | str | None = None,
    note: str = "",
    consents: Sequence[ConsentGiven] = (),
    is_demo: bool = False,
    today: dt.date | None = None,
) -> Member:
    """List a member of a branch for a year: a person of the registry, or a name only.

    The person must be one the user may see. A person may belong to several
    branches (counted once in totals); twice in one branch and year is refused.
    ``consents`` must cover every required purpose (``required_purposes``): a
    member without a recorded consent is refused (see the consent section).
    """
    today = today or timezone.localdate()
    _require_manage(user, branch.unit)
    year = check_year(year, today)
    _check_branch_year(branch, year)
    if person is not None and not scope_for(user).filter(Person.objects.filter(pk=person.pk),
                                                        "village").exists():
        raise DomainError(_("No person you may see has the id %(id)s."), {"id": person.pk}, column="person")
    _lock_branch(branch)
    _refuse_if_counted(branch, year)
    member = _member(branch, year, person, full_name, joined_on, note, today, user, is_demo)
    checked = _check_consents(consents, person is not None, today)
    if (error := _duplicate(member)) is not None:
        raise error
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        error = _duplicate(member) or DomainError(_("The member could not be saved."), column="person")
        raise error from None
    _save_consents(member, checked, user)
    return member


@transaction.atomic
def remove_member(user, member: Member) -> None:
    """Take a wrongly listed member off a year's list (the trail keeps the deleted row)."""
    _require_manage(user, member.branch.unit)
    member.delete()


@transaction.atomic
def set_reported_count(user, branch: Branch, year: int, count: int | None, *, note: str = "",
                       is_demo: bool = False, today: dt.date | None = None) -> ReportedCount | None:
    """Record how many members a branch without a list reports for a year; ``None`` removes it."""
    today = today or timezone.localdate()
    _require_manage(user, branch.unit)
    year = check_year(year, today)
    _check_branch_year(branch, year)
    _lock_branch(branch)
    existing = ReportedCount.objects.filter(branch=branch, year=year).first()
    if count is None or count == "":
        if existing is not None:
            existing.delete()
        return None
    if isinstance(count, int) and not isinstance(count, bool) and count < 0:
        raise DomainError(_("The number of members cannot be negative."), column="count")
    if (whole := _whole(count)) is None:
        raise DomainError(_("The number of members must be a whole number."), column="count")
    count = whole
    if count < 0:
        raise DomainError(_("The number of members cannot be negative."), column="count")
    if Member.objects.filter(branch=branch, year=year).exists():
        raise DomainError(
            _("The branch lists its members for %(year)s; a reported number would count them twice."),
            {"year": year}, column="count",
        )
    note = _text(note)
    if len(note) > 300:
        raise DomainError(_("The field “%(field)s” is longer than %(max)s characters."),
                          {"field": "note", "max": 300}, column="note")
    if existing is None:
        existing = ReportedCount(branch=branch, year=year, created_by=_author(user), is_demo=is_demo)
    existing.count, existing.note, existing.updated_by = count, note, _author(user)
    existing.save()
    return existing


@transaction.atomic
def copy_members(user, branch: Branch, year: int, *, today: dt.date | None = None) -> int:
    """Carry the previous year's list (or reported number) into ``year``; returns the members copied.

    Members already listed in ``year`` stay; persons of the registry no longer
    present in the survey of ``year`` (moved away, deceased) are not carried over,
    nor members without every required consent in force.
    """
    today = today or timezone.localdate()
    _require_manage(user, branch.unit)
    year = check_year(year, today)
    _check_branch_year(branch, year)
    _lock_branch(branch)
    previous = Member.objects.filter(branch=branch, year=year - 1)
    if not previous.exists():
        last = ReportedCount.objects.filter(branch=branch, year=year - 1).first()
        if last is None:
            raise DomainError(_("The branch has no members recorded for %(year)s."), {"year": year - 1},
                              column="year")
        if Member.objects.filter(branch=branch, year=year).exists() or \
                ReportedCount.objects.filter(branch=branch, year=year).exists():
            return 0
        ReportedCount.objects.create(branch=branch, year=year, count=last.count, note=last.note,
                                     created_by=_author(user), updated_by=_author(user))
        return 0
    _refuse_if_counted(branch, year)
    from apps.people.models import Status, SurveyRecord

    gone = SurveyRecord.objects.filter(year=year).exclude(status=Status.PRESENT).values("person_id")
    current = Member.objects.filter(branch=branch, year=year)
    carried = (previous.exclude(person_id__in=gone)
               .exclude(Q(person__isnull=False) & Q(person_id__in=current.filter(person__isnull=False)
                                                     .values("person_id")))
               .exclude(Q(person__isnull=True) & Q(name_key__in=current.filter(person__isnull=True)
                                                   .values("name_key"))))
    author = _author(user)
    created = 0
    # save() one by one, not bulk_create: every new member gets its own audit entry. Only members
    # whose consents are in force are carried, with those consents (a consent lasts until withdrawn).
    for old in named(carried.prefetch_related("consents").order_by("pk")):
        new = Member.objects.create(branch=branch, year=year, person_id=old.person_id,
                                    full_name=old.full_name, name_key=old.name_key, joined_on=old.joined_on,
                                    note=old.note, is_demo=old.is_demo, created_by=author, updated_by=author)
        _save_consents(new, [ConsentGiven(c.purpose, c.given_on, c.evidence)
                             for c in old.consents.all() if c.withdrawn_on is None], user)
        created += 1
    return created


# --- import ----------------------------------------------------------------------------------

IMPORT_COLUMNS = ("full_name", "person_code", "joined_on", "note", "consent_purposes", "consent_given_on",
                  "consent_evidence")


Code = tuple[str, str]  # (household code, person code)


def _persons_by_code(user, branch: Branch, codes: set[Code]) -> dict[Code, list[Person]]:
    """(household code, person code) → the persons in the user's scope bearing it, in one query.

    Household codes are unique inside a commune: the branch's commune is searched first.
    """
    if not codes:
        return {}
    persons = scope_for(user).filter(Person.objects.select_related("household"), "village").filter(
        household__code__in={household for household, _code in codes})
    commune = branch.unit.parent if branch.unit.kind == UnitKind.VILLAGE else branch.unit
    found: dict[tuple[str, str], list[Person]] = {}
    for person in persons.filter(commune=commune) if commune.kind == UnitKind.COMMUNE else persons:
        key = (person.household.code, person.code)
        if key in codes:
            found.setdefault(key, []).append(person)
    return found


def _import_row(row: dict[str, str], number: int, persons: dict, seen: set, branch: Branch, year: int,
                today: dt.date, user) -> Member:
    code = _text(row.get("person_code"))
    person = None
    if code:
        household, _slash, own = code.rpartition("/")
        matches = persons.get((household.strip(), own.strip()), []) if household else []
        if len(matches) != 1:
            raise DomainError(_("No single person you may see has the code “%(code)s”."), {"code": code},
                              row=number, column="person_code")
        person = matches[0]
    try:
        member = _member(branch, year, person, row.get("full_name") or "", row.get("joined_on") or None,
                         row.get("note") or "", today, user, False)
        purposes = [p for p in re.split(r"[;\s]+", _text(row.get("consent_purposes"))) if p]
        member._consents = _check_consents(
            [ConsentGiven(p, row.get("consent_given_on") or None, row.get("consent_evidence") or "")
             for p in purposes], person is not None, today)
    except DomainError as error:
        error.row = number
        raise
    key = ("person", member.person_id) if member.person_id else ("name", member.name_key)
    if key in seen:
        raise DomainError(_("The member appears twice in the file."), row=number,
                          column="person_code" if person else "full_name")
    seen.add(key)
    if (error := _duplicate(member)) is not None:
        error.row = number
        raise error
    return member


@transaction.atomic
def import_members(user, branch: Branch, year: int, text: str, *, today: dt.date | None = None) -> int:
    """Add the members of a CSV file (columns ``full_name``, ``person_code`` as "H001/02", ``joined_on``,
    ``note``, and the consent: ``consent_purposes`` as "membership;registry_link", ``consent_given_on``,
    ``consent_evidence``) to a branch's list of a year; all or nothing. A row without every required
    consent is an error like any other.

    Every row is checked; ``ImportFailed`` carries every error with its row (the header is
    row 1) and column, and nothing is written. Returns the number of members added.
    """
    today = today or timezone.localdate()
    _require_manage(user, branch.unit)
    year = check_year(year, today)
    _check_branch_year(branch, year)
    _lock_branch(branch)
    _refuse_if_counted(branch, year)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    if "full_name" not in header and "person_code" not in header:
        raise DomainError(_("The file needs a header row with the columns %(columns)s."),
                          {"columns": ", ".join(IMPORT_COLUMNS)}, row=1)
    reader.fieldnames = header
    rows = list(reader)
    codes = set()
    for row in rows:
        household, _slash, own = _text(row.get("person_code")).rpartition("/")
        if household:
            codes.add((household.strip(), own.strip()))
    persons = _persons_by_code(user, branch, codes)
    members, errors, seen = [], [], set()
    for number, row in enumerate(rows, start=2):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        try:
            members.append(_import_row(row, number, persons, seen, branch, year, today, user))
        except DomainError as error:
            errors.append(error)
    if errors:
        raise ImportFailed(errors)
    for member in members:
        member.save()  # one by one: every member gets its audit entry
        _save_consents(member, member._consents, user)
    return len(members)
