"""The registry readings a rule set names, as filters on survey records (``people.SurveyRecord``).

Birth year and disability are read from the record's copies of the person's
(``people.models.COPIED_FROM_PERSON``), so that no filter needs the persons table.

One definition serves the aggregate counts and the lists of persons behind a
rate (``members``), so that a list always adds up to its number. The readings
follow pcgd-xmc.md ("Reading the registry"; the individual standards of NĐ 20
Điều 6, 9, 14 and 19):

- completed primary: ``primary_completed_year`` given or ``highest_grade_completed`` ≥ 5;
- literate at level 2: completed primary, or XMC stage 2; level 1: highest grade
  ≥ 3, or XMC stage 1 (or level 2).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from apps.people.models import EnrolledLevel
from apps.universal.rules import AgeBand, AllOf, AnyOf, Atom, Expr, Indicator, Not, RuleSet


def completed_primary() -> Q:
    return Q(primary_completed_year__isnull=False) | Q(highest_grade_completed__gte=5)


def literate_level2() -> Q:
    return completed_primary() | Q(literacy_stage_completed=2)


def literate_level1() -> Q:
    return Q(highest_grade_completed__gte=3) | Q(literacy_stage_completed__in=[1, 2]) | literate_level2()


ATOMS: dict[str, Callable[[], Q]] = {
    "enrolled_preschool": lambda: Q(enrolled_level=EnrolledLevel.PRESCHOOL),
    "completed_preschool": lambda: Q(preschool_completed=True),
    "enrolled_grade1_or_above": lambda: Q(enrolled_level__in=[
        EnrolledLevel.PRIMARY, EnrolledLevel.LOWER_SECONDARY, EnrolledLevel.UPPER_SECONDARY,
        EnrolledLevel.CONTINUING_UPPER,
    ]),
    "enrolled_primary": lambda: Q(enrolled_level=EnrolledLevel.PRIMARY),
    "completed_primary": completed_primary,
    "holds_lower_secondary_diploma": lambda: Q(lower_secondary_graduated_year__isnull=False),
    "studying_upper_secondary_or_vocational": lambda: Q(enrolled_level__in=[
        EnrolledLevel.UPPER_SECONDARY, EnrolledLevel.CONTINUING_UPPER, EnrolledLevel.VOCATIONAL,
    ]),
    "literate_level1": literate_level1,
    "literate_level2": literate_level2,
}


def to_q(expr: Expr) -> Q:
    """A condition of the rule set as a filter on survey records."""
    if isinstance(expr, Atom):
        return ATOMS[expr.name]()
    if isinstance(expr, AnyOf | AllOf):
        combined = to_q(expr.items[0])
        for item in expr.items[1:]:
            combined = combined | to_q(item) if isinstance(expr, AnyOf) else combined & to_q(item)
        return combined
    if isinstance(expr, Not):
        return ~to_q(expr.item)
    raise TypeError(f"Not a condition: {expr!r}")


def ages_q(band: AgeBand, year: int) -> Q:
    """Age = survey year − birth year (pcgd-xmc.md): a band of birth years."""
    first, last = band.birth_years(year)
    return Q(birth_year__gte=first, birth_year__lte=last)


def counted_q(rule_set: RuleSet, year: int) -> Q:
    """The records of the year that count at all: present people, without the excluded disabilities."""
    condition = Q(year=year, status__in=rule_set.counted_statuses)
    if rule_set.excluded_disabilities:
        condition &= ~Q(disability__in=rule_set.excluded_disabilities)
    return condition


def cohort_q(indicator: Indicator, year: int, special_difficulty: bool) -> Q:
    cohort = indicator.cohort
    condition = ages_q(cohort.band(special_difficulty), year)
    if cohort.where is not None:
        condition &= to_q(cohort.where)
    return condition


def numerator_q(indicator: Indicator, year: int, special_difficulty: bool) -> Q:
    return cohort_q(indicator, year, special_difficulty) & to_q(indicator.counted_when)
