"""The khuyến học association on the ground: branches and their members per year (R9).

The association committee (Hội Khuyến học) of a province, a district (before
1 July 2025) or a commune is an ``organisations.Organisation`` of kind
``learning_association``: it is an organisation like any other (head, address,
tasks assigned to it, the fund it holds), so this app adds no model of its own
for it. A branch (chi hội in a village, ban khuyến học in an agency, enterprise,
school, hospital or armed-forces unit) belongs to the committee whose unit
contains it.

Members are recorded per year (the association counts its members every year):
named, linked to ``people.Person`` when they live in the registry, or by name
alone; or, for a branch that keeps no list, as a count it reports. A person who
belongs to several branches is counted once in every total (``metrics``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import RegistryRecord
from apps.organisations.models import OrganisationKind


class BranchKind(models.TextChoices):
    """Where a branch lives: a village (chi hội) or a kind of organisation (ban khuyến học)."""

    VILLAGE = "village", _("Village branch")
    AGENCY = "agency", _("Branch in an agency")
    ENTERPRISE = "enterprise", _("Branch in an enterprise")
    SCHOOL = "school", _("Branch in a school")
    HOSPITAL = "hospital", _("Branch in a hospital or health centre")
    ARMED_FORCES = "armed_forces", _("Branch in an armed-forces unit")
    OTHER = "other", _("Branch in another organisation")


# The branch's type follows its organisation's kind (Kế hoạch 145-KH/HU names agencies,
# enterprises, schools, hospitals and the armed forces); everything else is "other".
KIND_OF_ORGANISATION: dict[str, str] = {
    OrganisationKind.AGENCY: BranchKind.AGENCY,
    OrganisationKind.PEOPLES_COMMITTEE: BranchKind.AGENCY,
    OrganisationKind.PEOPLES_COUNCIL: BranchKind.AGENCY,
    OrganisationKind.PARTY_COMMITTEE: BranchKind.AGENCY,
    OrganisationKind.FATHERLAND_FRONT: BranchKind.AGENCY,
    OrganisationKind.MASS_ORGANISATION: BranchKind.AGENCY,
    OrganisationKind.ENTERPRISE: BranchKind.ENTERPRISE,
    OrganisationKind.COOPERATIVE: BranchKind.ENTERPRISE,
    OrganisationKind.SCHOOL: BranchKind.SCHOOL,
    OrganisationKind.LEARNING_CENTRE: BranchKind.SCHOOL,
    OrganisationKind.HOSPITAL: BranchKind.HOSPITAL,
    OrganisationKind.ARMED_FORCES: BranchKind.ARMED_FORCES,
}


def year_end(year: int) -> dt.date:
    """The date a year's figures describe: 31 December (the association reports per calendar year)."""
    return dt.date(year, 12, 31)


class BranchQuerySet(models.QuerySet):
    def active_on(self, on: dt.date) -> BranchQuerySet:
        """Branches founded on or before ``on`` (or with no known date) and not dissolved by then."""
        return self.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=on)).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on)
        )

    def active_in(self, year: int) -> BranchQuerySet:
        return self.active_on(year_end(year))


class Branch(RegistryRecord):
    """A branch of the association: chi hội in a village or ban khuyến học in an organisation.

    Exactly one of ``village`` and ``organisation`` is set; ``unit`` repeats the
    village (or the organisation's unit) so that every scoped query and every
    figure is one indexed path prefix. Branches are never deleted: they are
    dissolved on a date.
    """

    name = models.CharField(_("name"), max_length=255)
    committee = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="association_branches",
        verbose_name=_("association committee"),
    )
    kind = models.CharField(_("type"), max_length=16, choices=BranchKind.choices, editable=False)
    village = models.ForeignKey(
        "places.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="association_branches",
        verbose_name=_("village"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="hosted_association_branches", verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"), editable=False,
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    dissolution_reason = models.CharField(_("reason for dissolution"), max_length=300, blank=True)
    head_name = models.CharField(_("head of the branch"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("association branch")
        verbose_name_plural = _("association branches")
        ordering = ["unit__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(village__isnull=False) & Q(organisation__isnull=True))
                | (Q(village__isnull=True) & Q(organisation__isnull=False)),
                name="branch_in_village_or_organisation",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="branch_dissolved_after_founded",
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None

    def active_on(self, on: dt.date) -> bool:
        return (self.founded_on is None or self.founded_on <= on) and (
            self.dissolved_on is None or self.dissolved_on > on
        )


class Member(RegistryRecord):
    """A member (hội viên) of a branch in a year: a person of the registry, or a name only.

    The audit trail names a member by branch, year and row id, never by name
    (names are personal data, shown only to PERSONAL_DATA or ASSOCIATION roles).
    """

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="members",
                               verbose_name=_("branch"))
    year = models.PositiveSmallIntegerField(_("year"))
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="association_members",
        verbose_name=_("person of the registry"),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True,
                                 help_text=_("For a member who is not in the person registry."))
    name_key = models.CharField(max_length=150, editable=False, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    unit_field = "branch_unit"

    class Meta:
        verbose_name = _("association member")
        verbose_name_plural = _("association members")
        ordering = ["branch", "year", "name_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(full_name=""), name="member_person_or_name",
            ),
            models.UniqueConstraint(fields=["branch", "year", "person"], condition=Q(person__isnull=False),
                                    name="member_person_once_per_branch_year"),
            models.UniqueConstraint(fields=["branch", "year", "name_key"], condition=Q(person__isnull=True),
                                    name="member_name_once_per_branch_year"),
        ]
        indexes = [models.Index(fields=["year", "branch"])]

    def __str__(self) -> str:
        return self.audit_repr

    @property
    def branch_unit(self):
        return self.branch.unit

    @property
    def audit_repr(self) -> str:
        return f"{self.branch.name} {self.year} #{self.pk or '—'}"

    @property
    def display_name(self) -> str:
        return self.person.full_name if self.person_id else self.full_name

    @property
    def consent_state(self) -> str:
        """"given" when every required purpose has an active consent, "withdrawn" when one was
        withdrawn, else "missing" (members listed before consents were recorded).

        Reads ``consents`` (prefetch it for a list). Only "given" shows the member's identity.
        """
        consents = list(self.consents.all())
        active = {consent.purpose for consent in consents if consent.withdrawn_on is None}
        if all(purpose in active for purpose in required_purposes(self.person_id is not None)):
            return "given"
        return "withdrawn" if any(consent.withdrawn_on for consent in consents) else "missing"


class ReportedCount(RegistryRecord):
    """How many members a branch that keeps no list reports for a year."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="reported_counts",
                               verbose_name=_("branch"))
    year = models.PositiveSmallIntegerField(_("year"))
    count = models.PositiveIntegerField(_("number of members"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    unit_field = "branch_unit"

    class Meta:
        verbose_name = _("reported number of members")
        verbose_name_plural = _("reported numbers of members")
        ordering = ["branch", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="reported_count_once_per_branch_year"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}: {self.count}"

    @property
    def branch_unit(self):
        return self.branch.unit


class ConsentPurpose(models.TextChoices):
    """What the association does with a member's data, each needing its own consent.

    The association is a social organisation, not a state body: data it keeps
    for its own purposes needs the person's consent, given per purpose, recorded,
    never pre-ticked (Luật 91/2025/QH15 Art. 9, NĐ 356/2025/NĐ-CP; personal-data.md).
    """

    MEMBERSHIP = "membership", _("Keeping the member's name on the branch's list of members")
    REGISTRY_LINK = "registry_link", _("Linking the membership to the member's record in the person registry")


def required_purposes(person_linked: bool) -> tuple[str, ...]:
    """The purposes a member must have consented to: the list, and the registry link for a registry person."""
    if person_linked:
        return (ConsentPurpose.MEMBERSHIP, ConsentPurpose.REGISTRY_LINK)
    return (ConsentPurpose.MEMBERSHIP,)


class MemberConsent(RegistryRecord):
    """A member's consent to one purpose: when it was given, on what evidence, who recorded it.

    ``created_by``/``created_at`` say who recorded it and when. A withdrawal is
    recorded on the same row (date, evidence, who, when); the row is never
    deleted, so the trail shows what was consented to when. A consent given
    again after a withdrawal is a new row.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents",
                               verbose_name=_("member"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("consent given on"))
    evidence = models.CharField(
        _("evidence of the consent"), max_length=300,
        help_text=_("For example: the signed form of 12/03/2026 kept by the branch."),
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_evidence = models.CharField(_("evidence of the withdrawal"), max_length=300, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawal recorded at"), null=True, blank=True)

    unit_field = "member_unit"

    class Meta:
        verbose_name = _("member's consent")
        verbose_name_plural = _("members' consents")
        ordering = ["member", "purpose", "given_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "purpose"], condition=Q(withdrawn_on__isnull=True),
                                    name="member_consent_active_once_per_purpose"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="member_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.audit_repr} {self.purpose}"

    @property
    def member_unit(self):
        return self.member.branch.unit

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None
