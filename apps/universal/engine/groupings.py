"""Districts and provinces judged from their communes' levels (NĐ 20 Điều 6, 9–11, 14–16, 20–21).

A district meets a standard at a level when at least the rule set's district
share of its communes meets it; a province when the province share of its
districts does. Since 1 July 2025 there are no districts and the province
aggregates its communes directly, with the province share (pcgd-xmc.md).

The communes of a grouping are those under it on the year's map (in force on
the survey date, 30 September) together with any computed commune under it;
a commune without survey records that year meets no level. A district without
communes (the island districts) is left out of its province. When the engine
was asked for some communes only, a grouping is returned only if all its
communes were asked for, so that a partial district never passes for a district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q

from apps.places.models import REFORM_DATE, Unit, UnitKind
from apps.places.services import survey_date
from apps.universal.engine.levels import highest_levels
from apps.universal.engine.results import CommuneResult, GroupingResult
from apps.universal.rules import Level, RuleSet, Share, Standard


@dataclass(frozen=True)
class Member:
    pk: int
    parent_id: int | None
    path: str


def meeting_counts(rule_set: RuleSet, levels: Iterable[dict[str, int]]) -> dict[str, dict[int, int]]:
    """standard → level → how many of the given units reached at least that level."""
    counts = {sid: {level.level: 0 for level in standard.levels}
              for sid, standard in rule_set.standards.items()}
    for reached in levels:
        for sid, top in reached.items():
            for level in range(1, top + 1):
                counts[sid][level] += 1
    return counts


def levels_by_share(rule_set: RuleSet, meeting: dict[str, dict[int, int]], total: int,
                    share_of: str) -> dict[str, int]:
    """Levels of a grouping whose ``meeting`` units out of ``total`` meet each level (exact shares)."""

    def met(standard: Standard, level: Level) -> bool:
        share: Share = getattr(level, share_of)
        return total > 0 and Fraction(meeting[standard.id][level.level], total) >= share.share

    return highest_levels(rule_set, met)


def group(rule_set: RuleSet, unit: Unit, kind: str, members: list[int],
          results: dict[int, CommuneResult]) -> GroupingResult:
    """Judge any grouping of communes (a district, a province since 2025, the old Krông Bông…)."""
    zero = dict.fromkeys(rule_set.standards, 0)
    meeting = meeting_counts(rule_set, (results[pk].levels if pk in results else zero for pk in members))
    return GroupingResult(
        unit=unit, kind=kind, communes=len(members), meeting=meeting,
        levels=levels_by_share(rule_set, meeting, len(members), kind),
        communes_computed=sum(1 for pk in members if pk in results),
    )


def _prefix_q(paths: Iterable[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def _province_of(unit: Unit) -> Unit | None:
    node = unit.parent
    while node is not None and node.kind != UnitKind.PROVINCE:
        node = node.parent
    return node


def build_groupings(year: int, rule_set: RuleSet, communes: list[CommuneResult],
                    requested: set[int] | None = None) -> list[GroupingResult]:
    """The districts (before the reform) and provinces above the computed communes."""
    on = survey_date(year)
    before_reform = on < REFORM_DATE
    results = {result.unit.pk: result for result in communes}
    districts: dict[int, Unit] = {}
    provinces: dict[int, Unit] = {}
    for result in communes:
        parent = result.unit.parent
        if before_reform and parent is not None and parent.kind == UnitKind.DISTRICT:
            districts[parent.pk] = parent
        province = _province_of(result.unit)
        if province is not None:
            provinces[province.pk] = province
    if not provinces and not districts:
        return []
    scope = _prefix_q([province.path for province in provinces.values()]
                      + [district.path for district in districts.values()])
    members = {pk: Member(pk, parent_id, path) for pk, parent_id, path in
               Unit.objects.in_force(on).filter(scope, kind=UnitKind.COMMUNE).order_by()
               .values_list("pk", "parent_id", "path")}
    members.update({result.unit.pk: Member(result.unit.pk, result.unit.parent_id, result.unit.path)
                    for result in communes})

    def complete(pks: list[int]) -> bool:
        return requested is None or set(pks) <= requested

    groupings: list[GroupingResult] = []
    for district in sorted(districts.values(), key=lambda unit: unit.code):
        pks = [member.pk for member in members.values() if member.parent_id == district.pk]
        if complete(pks):
            groupings.append(group(rule_set, district, "district", pks, results))
    for province in sorted(provinces.values(), key=lambda unit: unit.code):
        pks = [member.pk for member in members.values() if member.path.startswith(province.path)]
        if not complete(pks):
            continue
        if before_reform:
            groupings.append(_province_of_districts(rule_set, province, on, members, results))
        else:
            groupings.append(group(rule_set, province, "province", pks, results))
    return groupings


def _province_of_districts(rule_set: RuleSet, province: Unit, on: dt.date, members: dict[int, Member],
                           results: dict[int, CommuneResult]) -> GroupingResult:
    """Before 1 July 2025: the province share applies to its districts (those with communes)."""
    district_ids = set(Unit.objects.in_force(on)
                       .filter(kind=UnitKind.DISTRICT, path__startswith=province.path).order_by()
                       .values_list("pk", flat=True))
    under = [member for member in members.values() if member.path.startswith(province.path)]
    district_ids |= {member.parent_id for member in under if member.parent_id != province.pk}
    district_levels = []
    for district_id in district_ids:
        pks = [member.pk for member in under if member.parent_id == district_id]
        if pks:  # a district without communes has nothing to judge
            district_levels.append(group(rule_set, province, "district", pks, results).levels)
    districts_meeting = meeting_counts(rule_set, district_levels)
    pks = [member.pk for member in under]
    zero = dict.fromkeys(rule_set.standards, 0)
    return GroupingResult(
        unit=province, kind="province", communes=len(pks),
        meeting=meeting_counts(rule_set, (results[pk].levels if pk in results else zero for pk in pks)),
        levels=levels_by_share(rule_set, districts_meeting, len(district_levels), "province"),
        communes_computed=sum(1 for pk in pks if pk in results),
        districts=len(district_levels), districts_meeting=districts_meeting,
    )
