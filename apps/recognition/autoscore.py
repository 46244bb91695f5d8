"""Scores computed from the registry, with the evidence they used, set-wise per commune.

Rules (named in criteria sets as ``scoring: "computed:<rule>"``):

``gdht_1a`` — "Gia đình học tập", QĐ 448/QĐ-KHVN criterion 1a: every present
member aged 5–14 who can learn is enrolled (any level), and every such member
aged 15–18 is enrolled or holds the THCS diploma.

``gdht_2a`` — criterion 2a: every present member aged 19–60 who can learn is
literate at level 1 or above.

Both read the survey record of the campaign year as pcgd-xmc.md does (the same
filters as the PCGD–XMC engine, ``apps.universal.engine.conditions``): age = year
− birth year; only members whose record says "present" count ("moved away" and
"deceased" do not); a member with a disability who cannot learn is left out;
literate at level 1 = highest grade ≥ 3, or XMC stage 1 or 2, or primary
completed. A household without any member in the age band meets the criterion
(nothing to check), and its evidence says so (an empty list).

``cdht_thon_gdht_share`` — village "Cộng đồng học tập": the share of the
village's households recognised "Gia đình học tập" in a decided campaign of the
same year. With ``params.min_share`` (e.g. ``"0.7"``) the indicator is met at
that share (compared exactly, as a fraction); without it the share is evidence
only and the evaluator enters the points (QĐ 448's threshold was not obtained).

Every rule reads a whole set of subjects in a few queries (one per rule and
commune), never one query per household.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from apps.people.models import Disability, Household, Status, SurveyRecord
from apps.universal.engine.conditions import literate_level1

CHILD_AGES = (5, 14)
YOUTH_AGES = (15, 18)
ADULT_AGES = (19, 60)


@dataclass(frozen=True)
class Outcome:
    """A computed indicator for one subject: met or not (None: undecided) and the evidence."""

    met: bool | None
    evidence: dict[str, Any]


@dataclass(frozen=True)
class Rule:
    subject: str  # SubjectKind value
    compute: Callable[[int, Iterable[int], dict[str, Any]], dict[int, Outcome]]
    description: str


def _member_rows(year: int, household_ids: Iterable[int], ages: tuple[int, int]) -> list[dict[str, Any]]:
    """The survey records of ``year`` of the households' members in the age band, in one query."""
    low, high = ages
    return list(
        SurveyRecord.objects.filter(
            year=year,
            person__household_id__in=list(household_ids),
            person__birth_year__gte=year - high,
            person__birth_year__lte=year - low,
        )
        .annotate(
            literate1=Case(
                When(literate_level1(), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("person__household_id", "person__code")
        .values(
            "person_id",
            "person__code",
            "person__household_id",
            "person__birth_year",
            "person__disability",
            "status",
            "enrolled_level",
            "lower_secondary_graduated_year",
            "highest_grade_completed",
            "literacy_stage_completed",
            "literate1",
        )
    )


def _member(row: dict[str, Any], year: int) -> dict[str, Any]:
    """A member's evidence: who, age, why counted or not. No name: codes suffice to check the registry."""
    counted = row["status"] == Status.PRESENT and row["person__disability"] != Disability.CANNOT_LEARN
    reason = ""
    if row["status"] != Status.PRESENT:
        reason = row["status"]
    elif not counted:
        reason = "cannot_learn"
    return {
        "person_id": row["person_id"],
        "person_code": row["person__code"],
        "age": year - row["person__birth_year"],
        "status": row["status"],
        "disability": row["person__disability"],
        "counted": counted,
        "reason": reason,
    }


def _households_outcome(
    rows: list[dict[str, Any]],
    household_ids: Iterable[int],
    year: int,
    judge_member: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> dict[int, Outcome]:
    members: dict[int, list[dict[str, Any]]] = {pk: [] for pk in household_ids}
    for row in rows:
        entry = _member(row, year)
        entry["ok"] = judge_member(row, entry) if entry["counted"] else None
        members.setdefault(row["person__household_id"], []).append(entry)
    return {
        pk: Outcome(all(m["ok"] for m in listed if m["counted"]), {"members": listed})
        for pk, listed in members.items()
    }


def gdht_1a(year: int, household_ids: Iterable[int], params: dict[str, Any]) -> dict[int, Outcome]:
    """QĐ 448 criterion 1a for each household (see the module docstring)."""
    ids = list(household_ids)
    rows = _member_rows(year, ids, (CHILD_AGES[0], YOUTH_AGES[1]))

    def ok(row: dict[str, Any], entry: dict[str, Any]) -> bool:
        enrolled = bool(row["enrolled_level"])
        diploma = row["lower_secondary_graduated_year"] is not None
        entry["enrolled_level"] = row["enrolled_level"]
        if entry["age"] >= YOUTH_AGES[0]:
            entry["lower_secondary_diploma"] = diploma
            return enrolled or diploma
        return enrolled

    return _households_outcome(rows, ids, year, ok)


def gdht_2a(year: int, household_ids: Iterable[int], params: dict[str, Any]) -> dict[int, Outcome]:
    """QĐ 448 criterion 2a for each household (see the module docstring)."""
    ids = list(household_ids)
    rows = _member_rows(year, ids, ADULT_AGES)

    def ok(row: dict[str, Any], entry: dict[str, Any]) -> bool:
        entry["highest_grade_completed"] = row["highest_grade_completed"]
        entry["literacy_stage_completed"] = row["literacy_stage_completed"]
        entry["literate_level1"] = row["literate1"]
        return row["literate1"]

    return _households_outcome(rows, ids, year, ok)


def _share(value: Any) -> Fraction | None:
    if value in (None, ""):
        return None
    return Fraction(str(value))


def cdht_thon_gdht_share(year: int, village_ids: Iterable[int], params: dict[str, Any]) -> dict[int, Outcome]:
    """The share of each village's households recognised "Gia đình học tập" in ``year`` (two queries)."""
    from apps.recognition.models import Registration, Title

    ids = list(village_ids)
    totals = dict(
        Household.objects.filter(village_id__in=ids)
        .order_by()
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
    )
    recognised = dict(
        Registration.objects.filter(
            campaign__title=Title.GDHT,
            campaign__year=year,
            status=Registration.Status.RECOGNISED,
            household__village_id__in=ids,
        )
        .order_by()
        .values("household__village_id")
        .annotate(n=Count("pk"))
        .values_list("household__village_id", "n")
    )
    threshold = _share(params.get("min_share"))
    outcomes = {}
    for pk in ids:
        num, den = recognised.get(pk, 0), totals.get(pk, 0)
        met = None if threshold is None or not den else Fraction(num, den) >= threshold
        outcomes[pk] = Outcome(
            met,
            {
                "households": den,
                "recognised": num,
                "min_share": str(threshold) if threshold is not None else None,
            },
        )
    return outcomes


RULES: dict[str, Rule] = {
    "gdht_1a": Rule(
        "household",
        gdht_1a,
        "Every present member aged 5–14 who can learn is enrolled; aged 15–18, enrolled or "
        "holding the THCS diploma.",
    ),
    "gdht_2a": Rule(
        "household", gdht_2a, "Every present member aged 19–60 who can learn is literate at level 1 or above."
    ),
    "cdht_thon_gdht_share": Rule(
        "village",
        cdht_thon_gdht_share,
        "Share of the village's households recognised “Gia đình học tập” in the year.",
    ),
}


def households_report(year: int, households: QuerySet[Household]) -> dict[str, Any]:
    """The JSON of ``manage.py recognition autoscore --title gdht`` for these households.

    One object: ``year``, ``title`` and ``households`` (``commune_code``,
    ``household_code``, ``criteria`` {"1a": {"met", "members"}, "2a": {…}}),
    ordered by commune and household code. Queries: the households, and one per rule.
    """
    listed = list(
        households.select_related("commune")
        .order_by("commune__code", "code")
        .values_list("pk", "commune__code", "code")
    )
    ids = [pk for pk, _commune, _code in listed]
    results = {code: RULES[f"gdht_{code}"].compute(year, ids, {}) for code in ("1a", "2a")}
    return {
        "year": year,
        "title": "gdht",
        "households": [
            {
                "commune_code": commune_code,
                "household_code": code,
                "criteria": {
                    criterion: {
                        "met": results[criterion][pk].met,
                        "members": results[criterion][pk].evidence["members"],
                    }
                    for criterion in ("1a", "2a")
                },
            }
            for pk, commune_code, code in listed
        ],
    }


def households_with_survey(year: int, scope_q: Q | None = None) -> QuerySet[Household]:
    """Households with at least one member surveyed in ``year`` (optionally filtered)."""
    households = Household.objects.filter(
        pk__in=SurveyRecord.objects.filter(year=year).values("person__household_id")
    )
    return households.filter(scope_q) if scope_q is not None else households
