"""What the PCGD–XMC engine returns: per commune and per grouping, for one survey year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from apps.places.models import Unit
from apps.universal.rules import RuleSet


@dataclass(frozen=True)
class IndicatorValue:
    """The members of a cohort (``den``) and those counted (``num``)."""

    num: int = 0
    den: int = 0

    @property
    def rate(self) -> Fraction | None:
        """The exact rate; None for an empty cohort."""
        return Fraction(self.num, self.den) if self.den else None

    @property
    def is_empty(self) -> bool:
        return self.den == 0

    def meets(self, threshold: Fraction) -> bool:
        """Compared exactly; an empty cohort meets (nothing to universalise, pcgd-xmc.md)."""
        return self.den == 0 or Fraction(self.num, self.den) >= threshold

    def __add__(self, other: IndicatorValue) -> IndicatorValue:
        return IndicatorValue(self.num + other.num, self.den + other.den)


@dataclass(frozen=True)
class Unmet:
    """A condition of a level not reached: ``rate`` < ``threshold``."""

    standard: str
    level: int
    indicator: str
    rate: Fraction | None
    threshold: Fraction


@dataclass(frozen=True)
class Blocked:
    """A level whose own rates may be met but that lacks a level it requires."""

    standard: str
    level: int
    requires_standard: str
    requires_level: int


# splits[indicator]["sex"]["M"|"F"], ["group"]["kinh"|"minority"], ["ethnicity"][code]
Splits = dict[str, dict[str, dict[str, IndicatorValue]]]


@dataclass
class CommuneResult:
    unit: Unit
    special_difficulty: bool
    indicators: dict[str, IndicatorValue]
    levels: dict[str, int]
    unmet: list[Unmet]
    splits: Splits = field(default_factory=dict)
    blocked: list[Blocked] = field(default_factory=list)


@dataclass
class GroupingResult:
    """A district or a province judged from its communes (or, before 2025, a province from its districts).

    ``communes`` counts every commune of the unit on the year's map, computed or
    not; ``meeting[standard][level]`` the communes meeting it. For a province
    before the reform, ``districts`` and ``districts_meeting`` are what its levels
    were judged on.
    """

    unit: Unit
    kind: Literal["district", "province"]
    communes: int
    meeting: dict[str, dict[int, int]]
    levels: dict[str, int]
    communes_computed: int = 0
    districts: int | None = None
    districts_meeting: dict[str, dict[int, int]] | None = None


@dataclass
class YearResult:
    """A survey year's communes and groupings.

    ``computed_at`` and ``recomputing`` say how fresh figures read from the
    metrics cache are (``engine.cached.cached_year``): the oldest time the rows
    read were computed, and whether the data changed since and the figures are
    being recomputed. A result of ``compute_year`` has just been computed:
    ``computed_at`` is None.
    """

    year: int
    rule_set: RuleSet
    communes: list[CommuneResult]
    groupings: list[GroupingResult]
    computed_at: dt.datetime | None = None
    recomputing: bool = False

    def commune(self, unit: Unit | int) -> CommuneResult | None:
        pk = unit if isinstance(unit, int) else unit.pk
        return next((result for result in self.communes if result.unit.pk == pk), None)

    def grouping(self, unit: Unit | int) -> GroupingResult | None:
        pk = unit if isinstance(unit, int) else unit.pk
        return next((result for result in self.groupings if result.unit.pk == pk), None)
