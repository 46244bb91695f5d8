"""The registry of organisations on administrative units.

Party committees, People's Committees, the Fatherland Front and mass
organisations, the khuyến học association, schools, community learning centres,
hospitals, enterprises, agencies, armed-forces units, cooperatives. Later modules
assign tasks to them, recognise them as "Đơn vị học tập" and attach association
branches to them.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import RegistryRecord


class OrganisationKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    PEOPLES_COUNCIL = "peoples_council", _("People's Council")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
    ASSOCIATION = "learning_association", _("Learning promotion association")
    SCHOOL = "school", _("School")
    LEARNING_CENTRE = "learning_centre", _("Community learning centre")
    HOSPITAL = "hospital", _("Hospital or health centre")
    ENTERPRISE = "enterprise", _("Enterprise")
    AGENCY = "agency", _("Government agency")
    ARMED_FORCES = "armed_forces", _("Armed-forces unit")
    COOPERATIVE = "cooperative", _("Cooperative")
    OTHER = "other", _("Other organisation")


phone_validator = RegexValidator(
    r"^[0-9 +().-]{6,20}$", _("Enter a telephone number of digits, spaces and + ( ) . -")
)


class Organisation(RegistryRecord):
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices)
    unit = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("unit")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent organisation"),
    )
    head_name = models.CharField(_("head"), max_length=150, blank=True)
    head_title = models.CharField(_("head's title"), max_length=150, blank=True)
    phone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["unit__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="organisation_name_unique_in_unit")
        ]

    def __str__(self) -> str:
        return self.name
