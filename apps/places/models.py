"""Administrative units on Vietnam's two maps, and the links between them.

Before 1 July 2025: province → district → commune (63 provinces, 696 districts,
10,035 communes; the national list has 10,040 bottom rows because five island
districts — Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo — have no commune).
Since 1 July 2025 (Nghị quyết 202/2025/QH15 and the resolutions on the arrangement
of commune-level units): province → commune, 34 provinces and 3,321
communes. Villages (thôn, buôn, bản, tổ dân phố) sit under a commune on either
map and are created by users.

Commune codes were reused by the reform (24454 is Xã Cư KTy before and Xã Dang
Kang after), so a code means nothing without a date: see ``services.resolve``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import RegistryRecord

REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_END = dt.date(2025, 6, 30)


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")
    VILLAGE = "village", _("village")


class Structure(models.TextChoices):
    LEGACY = "legacy", _("before 1 July 2025 (63 provinces)")
    REFORM_2025 = "2025", _("from 1 July 2025 (34 provinces)")


VILLAGE_TYPES = ["thôn", "buôn", "bản", "ấp", "làng", "sóc", "plei", "tổ dân phố", "khu phố", "khối"]


class UnitQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> UnitQuerySet:
        """Units whose validity interval contains the date ``on``."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)


class Unit(RegistryRecord):
    """An administrative unit (đơn vị hành chính) or a village, valid for an interval."""

    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("level"), max_length=16, choices=UnitKind.choices)
    division_type = models.CharField(
        _("type"), max_length=40, help_text=_("For example: tỉnh, huyện, xã, phường, thôn, buôn.")
    )
    structure = models.CharField(_("map"), max_length=8, choices=Structure.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("/N/66/24454/"): a subtree is one indexed prefix
    # match, which is how every scoped query reaches the units it may read.
    path = models.CharField(max_length=255, unique=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Normalised name (NFC, case-folded, single spaces) that keeps village names
    # unique inside a commune whatever their spelling.
    name_key = models.CharField(max_length=200, editable=False, db_index=True)

    objects = UnitQuerySet.as_manager()

    unit_field = "self_unit"

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["structure", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "kind", "code"],
                condition=~Q(kind="village"),
                name="unit_code_unique_per_map",
            ),
            models.UniqueConstraint(
                fields=["parent", "code"],
                condition=Q(kind="village"),
                name="village_code_unique_in_commune",
            ),
            models.UniqueConstraint(
                fields=["parent", "name_key"],
                condition=Q(kind="village"),
                name="village_name_unique_in_commune",
            ),
        ]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def self_unit(self) -> Unit:
        return self

    @property
    def is_village(self) -> bool:
        return self.kind == UnitKind.VILLAGE

    def in_force_on(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    def ancestors(self) -> list[Unit]:
        """Parents from the top of the map down to the direct parent."""
        chain: list[Unit] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class UnitLink(models.Model):
    """A predecessor → successor link of the 2025 reform (merged or divided unit)."""

    class Kind(models.TextChoices):
        MERGED = "merged", _("merged whole into")
        DIVIDED = "divided", _("divided, partly into")

    predecessor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="successor_links", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="predecessor_links", verbose_name=_("successor")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    is_default = models.BooleanField(
        _("main successor"),
        default=True,
        help_text=_("For a divided unit: the successor that receives its records by default."),
    )
    effective_on = models.DateField(_("effective on"), default=REFORM_DATE)

    class Meta:
        verbose_name = _("link between units")
        verbose_name_plural = _("links between units")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class CommuneFlag(RegistryRecord):
    """Whether a commune is a commune with special difficulties (xã đặc biệt khó khăn) in a year.

    The list is set by the Prime Minister's decisions on communes of ethnic-minority
    and mountainous areas (for example QĐ 861/QĐ-TTg of 4/6/2021 for 2021–2025);
    several PCGD–XMC and recognition thresholds are lower for these communes.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="flags", verbose_name=_("commune")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    special_difficulty = models.BooleanField(_("commune with special difficulties"))
    source = models.CharField(
        _("source document"), max_length=200, blank=True, help_text=_("Decision number and date.")
    )

    class Meta:
        verbose_name = _("commune flag")
        verbose_name_plural = _("commune flags")
        ordering = ["unit__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="commune_flag_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
