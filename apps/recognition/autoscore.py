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


def _thresholds(year: int, commune_ids: Iterable[int], set_code: str | None) -> dict[int, tuple[str, str]]:
    """commune id → (set code, min_share) of the ``cdht_thon_gdht_share`` indicator that judges it.

    With ``set_code``, that set for every commune; else the set of the commune's "Cộng đồng học
    tập" campaign of the year. A commune without one (or a set without ``min_share``) is absent:
    its villages get the share and ``met: null`` (QĐ 448's threshold was not obtained). One query.
    """
    from apps.recognition.models import Campaign, Indicator, Title

    indicators = Indicator.objects.filter(rule="cdht_thon_gdht_share")
    if set_code:
        found = indicators.filter(criteria_set__code=set_code).values_list("params", flat=True).first()
        share = (found or {}).get("min_share")
        return {pk: (set_code, str(share)) for pk in commune_ids} if share not in (None, "") else {}
    rows = (Campaign.objects.filter(title=Title.CDHT_THON, year=year, commune_id__in=list(commune_ids))
            .filter(criteria_set__indicators__rule="cdht_thon_gdht_share")
            .values_list("commune_id", "criteria_set__code", "criteria_set__indicators__params"))
    return {commune: (code, str(params["min_share"])) for commune, code, params in rows
            if (params or {}).get("min_share") not in (None, "")}


def villages_report(year: int, villages: QuerySet, set_code: str | None = None) -> dict[str, Any]:
    """The JSON of ``manage.py recognition autoscore --title cdht_thon``: per village, its households
    recognised "Gia đình học tập" in ``year`` against the threshold of its set.

    ``villages``: a queryset of village units. One object: ``year``, ``title`` and ``villages``
    (``commune_code``, ``village_code``, ``village_name``, ``households``, ``recognised``, ``share``
    (recognised / households rounded to 4 places, null without households), ``min_share`` (a
    string, null when no set gives one), ``set`` (its code or null), ``met`` (null without a
    threshold or households)). Queries: the villages, the thresholds, two for the counts.
    """
    listed = list(villages.select_related("parent").order_by("parent__code", "code")
                  .values_list("pk", "parent_id", "parent__code", "code", "name"))
    thresholds = _thresholds(year, {row[1] for row in listed}, set_code)
    by_threshold: dict[str | None, list[int]] = {}
    for pk, commune_id, *_rest in listed:
        by_threshold.setdefault(thresholds.get(commune_id, (None, None))[1], []).append(pk)
    outcomes: dict[int, Outcome] = {}
    for share, ids in by_threshold.items():  # one computation per distinct threshold (a few at most)
        outcomes.update(cdht_thon_gdht_share(year, ids, {"min_share": share}))
    rows = []
    for pk, commune_id, commune_code, code, name in listed:
        evidence = outcomes[pk].evidence
        households, recognised = evidence["households"], evidence["recognised"]
        rows.append({
            "commune_code": commune_code, "village_code": code, "village_name": name,
            "households": households, "recognised": recognised,
            "share": round(recognised / households, 4) if households else None,
            # The threshold as the set writes it ("0.7"), not as the fraction compared ("7/10").
            "min_share": thresholds.get(commune_id, (None, None))[1],
            "set": thresholds.get(commune_id, (None, None))[0],
            "met": outcomes[pk].met,
        })
    return {"year": year, "title": "cdht_thon", "villages": rows}


def citizens_report(year: int, registrations: QuerySet) -> dict[str, Any]:
    """The JSON of ``manage.py recognition autoscore --title cdht_cong_dan``: QĐ 324's rule (at least
    80 points and no indicator below 5, as the set's pass rule says) applied to the persons registered
    in a "Công dân học tập" campaign of ``year``.

    Nothing of QĐ 324 is computed from the registry (its indicators were not obtained): the points are
    the evaluators'; this reads the stored judgement and the lowest indicator. One object: ``year``,
    ``title`` and ``persons`` (``commune_code``, ``household_code``, ``person_code``, ``set``,
    ``total_points``, ``total_min``, ``indicator_min``, ``lowest_indicator`` {"code", "points"} or
    null, ``complete``, ``met`` (null until every indicator is scored), ``failures``). Two queries.
    """
    from apps.recognition.models import Score

    listed = list(
        registrations.filter(campaign__year=year, person__isnull=False)
        .order_by("campaign__commune__code", "person__household__code", "person__code")
        .values("pk", "campaign__commune__code", "person__household__code", "person__code",
                "campaign__criteria_set__code", "campaign__criteria_set__pass_total",
                "campaign__criteria_set__pass_indicator_min", "total_points", "complete", "passed",
                "result_detail")
    )
    lowest: dict[int, tuple[str, int]] = {}
    scores = (Score.objects.filter(registration_id__in=[row["pk"] for row in listed], points__isnull=False)
              .order_by("registration_id", "points", "indicator__code")
              .values_list("registration_id", "indicator__code", "points"))
    for registration_id, code, points in scores:
        lowest.setdefault(registration_id, (code, points))
    persons = []
    for row in listed:
        low = lowest.get(row["pk"])
        persons.append({
            "commune_code": row["campaign__commune__code"],
            "household_code": row["person__household__code"],
            "person_code": row["person__code"],
            "set": row["campaign__criteria_set__code"],
            "total_points": row["total_points"],
            "total_min": row["campaign__criteria_set__pass_total"],
            "indicator_min": row["campaign__criteria_set__pass_indicator_min"],
            "lowest_indicator": {"code": low[0], "points": low[1]} if low else None,
            "complete": row["complete"],
            "met": row["passed"] if row["complete"] else None,
            "failures": (row["result_detail"] or {}).get("failures", []),
        })
    return {"year": year, "title": "cdht_cong_dan", "persons": persons}
