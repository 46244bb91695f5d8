"""The persons behind a rate: the cohort (denominator) or those counted (numerator)."""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.people.models import Person, SurveyRecord
from apps.places.models import CommuneFlag, Unit
from apps.universal.engine.conditions import cohort_q, counted_q, numerator_q
from apps.universal.rules import RuleSet, RuleSetError, rule_set_for

Part = Literal["numerator", "denominator"]


def indicator_members(indicator: str, part: Part, year: int, commune: Unit, *,
                      rule_set: RuleSet | None = None) -> QuerySet[Person]:
    """The persons counted in ``part`` of ``indicator`` for ``commune`` in ``year``.

    The same filters as the aggregate counts (``engine.conditions``), so the
    list has exactly ``num`` or ``den`` persons; the ĐBKK band is chosen by the
    commune's flag of the year. The caller scopes and audits the list.
    """
    rule_set = rule_set or rule_set_for(year)
    if indicator not in rule_set.indicators:
        raise RuleSetError(_("The rule set %(rule_set)s has no indicator “%(name)s”."),
                           {"rule_set": rule_set.id, "name": indicator})
    if part not in ("numerator", "denominator"):
        raise ValueError(f"part must be 'numerator' or 'denominator', not {part!r}")
    special = CommuneFlag.objects.filter(unit=commune, year=year, special_difficulty=True).exists()
    definition = rule_set.indicators[indicator]
    condition = (numerator_q if part == "numerator" else cohort_q)(definition, year, special)
    records = SurveyRecord.objects.filter(counted_q(rule_set, year), condition, commune=commune)
    return Person.objects.filter(pk__in=records.values("person_id"))
