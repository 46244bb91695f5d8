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
