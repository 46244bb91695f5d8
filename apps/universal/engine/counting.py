"""The counts behind every PCGD–XMC rate: one aggregate query for all communes of a year.

Survey records of the year are grouped by commune, sex and ethnicity, with two
conditional counts per indicator (cohort, and counted among the cohort), and a
second pair for the cohorts that ĐBKK communes count on another age band
(literacy, NĐ 20 Điều 20–21). Everything above (totals, splits by sex, by Kinh /
minorities and by ethnic group, the choice of band) sums these few grouped rows
in Python: at most communes × 2 × 54 of them, never one per person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, F, Q, QuerySet

from apps.people.ethnicities import is_minority
from apps.people.importing.sql import tuned_connection
from apps.people.models import Sex, SurveyRecord
from apps.universal.engine.conditions import ages_q, cohort_q, counted_q, numerator_q
from apps.universal.engine.results import IndicatorValue, Splits
from apps.universal.rules import RuleSet

KINH_GROUP = "kinh"
MINORITY_GROUP = "minority"


@dataclass(frozen=True)
class Variant:
    """One cohort reading of an indicator: the normal band or the ĐBKK band."""

    indicator: str
    special_difficulty: bool


def variants(rule_set: RuleSet) -> list[Variant]:
    found = []
    for indicator in rule_set.indicators.values():
        found.append(Variant(indicator.id, False))
        if indicator.cohort.special_difficulty_ages is not None:
            found.append(Variant(indicator.id, True))
    return found


@dataclass
class GroupRow:
    sex: str
    ethnicity: str
    values: dict[Variant, IndicatorValue]


@dataclass(frozen=True)
class Column:
    """Where a variant's counts are in a row of the aggregate query."""

    variant: Variant
    den: str
    num: str


def counts_queryset(rule_set: RuleSet, year: int, commune_filter: Q | None = None
                    ) -> tuple[QuerySet, list[Column]]:
    """The aggregate query and where each variant's cohort and counted members are in its rows.

    Cohorts read alike by several indicators (the 6-year-olds, the 15–18-year-olds)
    are counted once. The query reads the survey records alone: sex, birth year,
    ethnicity and disability are the record's copies of the person's, and the
    index ``survey_year_commune_group`` (year, commune, sex, ethnicity, then every
    column read here) hands the year's records to the GROUP BY in its order; SQLite
    answers from the index without reading the table. On SQLite the age prefilter
    reads ``birth_year + 0``: on the plain column the planner skip-scans the index
    for the birth-year range and sorts for the GROUP BY (twice as slow); PostgreSQL
    keeps the plain column, whose statistics choose its parallel scan.
    """
    records = SurveyRecord.objects.filter(counted_q(rule_set, year))
    if connections[records.db].vendor == "sqlite":
        first, last = rule_set.age_range.birth_years(year)
        records = (records.alias(birth_key=F("birth_year") + 0)
                   .filter(birth_key__gte=first, birth_key__lte=last))
    else:
        records = records.filter(ages_q(rule_set.age_range, year))
    if commune_filter is not None:
        records = records.filter(commune_filter)
    annotations: dict[str, Count] = {}
    cohorts: dict[tuple, str] = {}
    columns = []
    for index, variant in enumerate(variants(rule_set)):
        indicator, special = rule_set.indicators[variant.indicator], variant.special_difficulty
        key = (indicator.cohort.band(special), indicator.cohort.where)
        if key not in cohorts:
            cohorts[key] = f"d{index}"
            annotations[cohorts[key]] = Count("pk", filter=cohort_q(indicator, year, special))
        annotations[f"n{index}"] = Count("pk", filter=numerator_q(indicator, year, special))
        columns.append(Column(variant, cohorts[key], f"n{index}"))
    rows = (records.order_by().values("commune_id", "sex", "ethnicity")
            .annotate(**annotations))
    return rows, columns


def grouped_counts(rule_set: RuleSet, year: int, commune_filter: Q | None = None
                   ) -> dict[int, list[GroupRow]]:
    """commune id → its rows (one per sex and ethnicity present), in one query."""
    queryset, columns = counts_queryset(rule_set, year, commune_filter)
    with tuned_connection():  # SQLite: the index read at once stays in the page cache
        rows = list(queryset)
    found: dict[int, list[GroupRow]] = defaultdict(list)
    for row in rows:
        values = {column.variant: IndicatorValue(row[column.num], row[column.den]) for column in columns}
        found[row["commune_id"]].append(GroupRow(row["sex"], row["ethnicity"], values))
    return found


def commune_values(rule_set: RuleSet, rows: list[GroupRow], special_difficulty: bool
                   ) -> tuple[dict[str, IndicatorValue], Splits]:
    """Totals and splits of one commune, each indicator read on the band its ĐBKK flag selects."""
    totals: dict[str, IndicatorValue] = {}
    splits: Splits = {}
    ethnicities = sorted({row.ethnicity for row in rows})
    for indicator in rule_set.indicators.values():
        variant = Variant(indicator.id,
                          special_difficulty and indicator.cohort.special_difficulty_ages is not None)
        by_sex = {str(sex): IndicatorValue() for sex in Sex.values}
        by_group = {KINH_GROUP: IndicatorValue(), MINORITY_GROUP: IndicatorValue()}
        by_ethnicity = {code: IndicatorValue() for code in ethnicities}
        total = IndicatorValue()
        for row in rows:
            value = row.values[variant]
            total += value
            by_sex[row.sex] = by_sex.get(row.sex, IndicatorValue()) + value
            group = MINORITY_GROUP if is_minority(row.ethnicity) else KINH_GROUP
            by_group[group] += value
            by_ethnicity[row.ethnicity] += value
        totals[indicator.id] = total
        splits[indicator.id] = {"sex": by_sex, "group": by_group, "ethnicity": by_ethnicity}
    return totals, splits
