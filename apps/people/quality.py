"""Data-quality rules over one commune's survey records of one year.

Each rule is one set-wise query (no loop over persons) that returns the records
it doubts, with the rule id and an explanation in Vietnamese and English. Rules
warn, they never block: a 16-year-old in grade 4 exists in the mountains, and
only the commune officer can say whether the record is wrong.

The usual age of a grade follows the Education Law 2019 (Luật Giáo dục 43/2019/QH14,
Art. 29): grade 1 at 6, so a pupil's usual grade is age − 5, with age counted as
the survey year minus the year of birth, as the PCGD forms count cohorts
(pcgd-xmc.md). Completion years and "completed primary" are read as in
pcgd-xmc.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Abs
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.core.errors import in_language
from apps.people.models import LEVEL_GRADES, EnrolledLevel, Relation, Status, SurveyRecord
from apps.people.services import primary_completed_q
from apps.places.models import Unit

DEFAULT_LIMIT = 200
# Usual ages of each level, inclusive; outside them the enrolment is doubted.
LEVEL_AGES: dict[str, tuple[int, int]] = {
    EnrolledLevel.PRESCHOOL: (0, 6),
    EnrolledLevel.PRIMARY: (6, 14),
    EnrolledLevel.LOWER_SECONDARY: (10, 18),
    EnrolledLevel.UPPER_SECONDARY: (14, 22),
    EnrolledLevel.CONTINUING_UPPER: (15, 60),
    EnrolledLevel.VOCATIONAL: (14, 60),
}
GRADE_GAP = 3
EARLIEST_PRIMARY_AGE = 9
EARLIEST_LOWER_SECONDARY_AGE = 13
YOUNGEST_ENROLLED = 3
OLDEST_PRESCHOOLER = 8
OLDEST_PLAUSIBLE = 110

PERSON_VALUES = ("person_id", "person__code", "person__full_name", "person__household_id",
                 "person__household__code", "person__birth_year")


@dataclass
class Finding:
    """One doubtful record: the rule, the person or household, and why."""

    rule: str
    message: Promise | str
    params: dict[str, Any]
    household_id: int
    household_code: str
    person_id: int | None = None
    person_code: str = ""
    full_name: str = ""

    @property
    def vietnamese(self) -> str:
        return in_language(self.message, "vi", self.params)

    @property
    def english(self) -> str:
        return in_language(self.message, "en", self.params)

    def localized(self) -> str:
        from django.utils import translation

        return in_language(self.message, translation.get_language() or "vi", self.params)


@dataclass(frozen=True)
class Rule:
    id: str
    title: Promise
    query: Callable[[Unit, int], QuerySet]
    explain: Callable[[dict, int], tuple[Promise, dict[str, Any]]]
    per_household: bool = False


@dataclass
class RuleResult:
    rule: Rule
    count: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.count > len(self.findings)


def _records(commune: Unit, year: int, *, present: bool = True) -> QuerySet[SurveyRecord]:
    """The commune's records of the year (present people only, unless ``present`` is false)."""
    records = SurveyRecord.objects.filter(commune=commune, year=year)
    if present:
        records = records.filter(status=Status.PRESENT)
    return records.annotate(age=ExpressionWrapper(Value(year) - F("person__birth_year"),
                                                  output_field=IntegerField()))


# --- the rules --------------------------------------------------------------------------------

def _age_grade(commune: Unit, year: int) -> QuerySet:
    return (_records(commune, year).filter(enrolled_grade__isnull=False)
            .annotate(gap=Abs(ExpressionWrapper(F("enrolled_grade") - F("age") + Value(5),
                                                output_field=IntegerField())))
            .filter(gap__gt=GRADE_GAP))


def _explain_age_grade(row: dict, year: int):
    return (_("In grade %(grade)s at age %(age)s; the usual grade at that age is %(usual)s."),
            {"grade": row["enrolled_grade"], "age": row["age"], "usual": row["age"] - 5})


def _level_age(commune: Unit, year: int) -> QuerySet:
    outside = Q(pk__in=[])
    for level, (low, high) in LEVEL_AGES.items():
        outside |= Q(enrolled_level=level) & (Q(age__lt=low) | Q(age__gt=high))
    return _records(commune, year).filter(outside)


def _explain_level_age(row: dict, year: int):
    low, high = LEVEL_AGES[row["enrolled_level"]]
    return (_("Enrolled in %(level)s at age %(age)s; the usual ages are %(low)s to %(high)s."),
            {"level": EnrolledLevel(row["enrolled_level"]).label, "age": row["age"], "low": low,
             "high": high})


def _early_completion(commune: Unit, year: int) -> QuerySet:
    return _records(commune, year, present=False).filter(
        Q(primary_completed_year__lt=F("person__birth_year") + EARLIEST_PRIMARY_AGE,
          primary_completed_year__gt=F("person__birth_year"))
        | Q(lower_secondary_graduated_year__lt=F("person__birth_year") + EARLIEST_LOWER_SECONDARY_AGE,
            lower_secondary_graduated_year__gt=F("person__birth_year"))
    )


def _explain_early_completion(row: dict, year: int):
    birth = row["person__birth_year"]
    primary = row["primary_completed_year"]
    if primary is not None and birth < primary < birth + EARLIEST_PRIMARY_AGE:
        return (_("Primary recorded as completed in %(year)s, at age %(age)s (before %(limit)s)."),
                {"year": primary, "age": primary - birth, "limit": EARLIEST_PRIMARY_AGE})
    lower = row["lower_secondary_graduated_year"]
    return (_("Lower-secondary diploma recorded in %(year)s, at age %(age)s (before %(limit)s)."),
            {"year": lower, "age": lower - birth, "limit": EARLIEST_LOWER_SECONDARY_AGE})


def _completion_years(commune: Unit, year: int) -> QuerySet:
    return _records(commune, year, present=False).filter(
        Q(primary_completed_year__lte=F("person__birth_year")) | Q(primary_completed_year__gt=year)
        | Q(lower_secondary_graduated_year__lte=F("person__birth_year"))
        | Q(lower_secondary_graduated_year__gt=year)
    )


def _explain_completion_years(row: dict, year: int):
    birth = row["person__birth_year"]
    for column, value in (("primary_completed_year", row["primary_completed_year"]),
                          ("lower_secondary_graduated_year", row["lower_secondary_graduated_year"])):
        if value is not None and value <= birth:
            return (_("The completion year %(value)s (%(column)s) is not after the year of birth %(birth)s."),
                    {"value": value, "column": column, "birth": birth})
        if value is not None and value > year:
            return (_("The completion year %(value)s (%(column)s) is after the survey year %(year)s."),
                    {"value": value, "column": column, "year": year})
    return _("A completion year is impossible."), {}


def _household_head(commune: Unit, year: int) -> QuerySet:
    """Households whose present members of the year do not include exactly one head.

    Grouped from the year's records (one scan), so that households with nobody
    present that year (all moved away, or not surveyed) are not reported.
    """
    return (_records(commune, year).order_by()
            .values("person__household_id", "person__household__code")
            .annotate(present=Count("id"), heads=Count("id", filter=Q(person__relation=Relation.HEAD)))
            .exclude(heads=1))


def _explain_household_head(row: dict, year: int):
    return (_("The household has %(heads)s heads among its %(present)s present members; it needs one."),
            {"heads": row["heads"], "present": row["present"]})


def _duplicates(commune: Unit, year: int) -> QuerySet:
    """Same normalised name and year of birth, and the same birth date where both are known.

    Window counts over (name, year of birth): one sort of the commune's records,
    where a correlated look-up per person took a minute at 40,000 persons.
    """
    name_and_year = [F("person__name_key"), F("person__birth_year")]
    undated = Case(When(person__birth_date__isnull=True, then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    return (_records(commune, year)
            .annotate(namesakes=Window(Count("id"), partition_by=name_and_year),
                      same_date=Window(Count("id"), partition_by=[*name_and_year, F("person__birth_date")]),
                      undated=Window(Sum(undated), partition_by=name_and_year))
            .filter(Q(person__birth_date__isnull=True, namesakes__gt=1)
                    | Q(person__birth_date__isnull=False, same_date__gt=1)
                    | Q(person__birth_date__isnull=False, undated__gt=0))
            .order_by("person__name_key", "person__household__code", "person__code"))


def _explain_duplicates(row: dict, year: int):
    return (_("Another person of the commune has the same name and year of birth (%(birth)s): "
              "probably recorded twice."), {"birth": row["person__birth_year"]})


def _literacy_redundant(commune: Unit, year: int) -> QuerySet:
    return _records(commune, year).filter(literacy_stage_completed__isnull=False).filter(
        primary_completed_q())


def _explain_literacy_redundant(row: dict, year: int):
    return (_("Literacy stage %(stage)s is recorded for someone who completed primary: it adds nothing."),
            {"stage": row["literacy_stage_completed"]})


def _completion_vs_highest(commune: Unit, year: int) -> QuerySet:
    return _records(commune, year).filter(
        Q(primary_completed_year__isnull=False, highest_grade_completed__lt=5)
        | Q(lower_secondary_graduated_year__isnull=False, highest_grade_completed__lt=9)
    )


def _explain_completion_vs_highest(row: dict, year: int):
    if row["lower_secondary_graduated_year"] is not None and row["highest_grade_completed"] < 9:
        return (_("Holds the lower-secondary diploma but the highest grade completed is %(highest)s."),
                {"highest": row["highest_grade_completed"]})
    return (_("Completed grade 5 (primary) but the highest grade completed is %(highest)s, which reads as "
              "not literate."), {"highest": row["highest_grade_completed"]})


def _grade_level(commune: Unit, year: int) -> QuerySet:
    wrong = Q(enrolled_grade__isnull=False) & ~Q(enrolled_level__in=list(LEVEL_GRADES))
    for level, grades in LEVEL_GRADES.items():
        wrong |= Q(enrolled_level=level) & (Q(enrolled_grade__isnull=True) | Q(enrolled_grade__lt=grades[0])
                                            | Q(enrolled_grade__gt=grades[-1]))
    return _records(commune, year).filter(wrong)


def _explain_grade_level(row: dict, year: int):
    level = row["enrolled_level"]
    label = EnrolledLevel(level).label if level in EnrolledLevel.values else level
    return (_("Grade %(grade)s does not match the level “%(level)s”."),
            {"grade": row["enrolled_grade"] if row["enrolled_grade"] is not None else "∅", "level": label})


def _under_three_enrolled(commune: Unit, year: int) -> QuerySet:
    return _records(commune, year).exclude(enrolled_level="").filter(age__lt=YOUNGEST_ENROLLED)


def _explain_under_three(row: dict, year: int):
    return (_("Recorded as enrolled at age %(age)s; the survey counts enrolment from age 3."),
            {"age": row["age"]})


def _preschool_overage(commune: Unit, year: int) -> QuerySet:
    return _records(commune, year).filter(enrolled_level=EnrolledLevel.PRESCHOOL).filter(
        Q(preschool_completed=True) | Q(age__gt=OLDEST_PRESCHOOLER))


def _explain_preschool_overage(row: dict, year: int):
    if row["preschool_completed"]:
        return (_("Still in preschool at age %(age)s although the preschool programme is recorded as "
                  "completed."), {"age": row["age"]})
    return _("Still in preschool at age %(age)s."), {"age": row["age"]}


def _too_old(commune: Unit, year: int) -> QuerySet:
    return _records(commune, year).filter(age__gt=OLDEST_PLAUSIBLE)


def _explain_too_old(row: dict, year: int):
    return (_("Present at age %(age)s: check the year of birth, or record the death."), {"age": row["age"]})


def _missing_record(commune: Unit, year: int) -> QuerySet:
    this_year = SurveyRecord.objects.filter(person_id=OuterRef("person_id"), year=year)
    return _records(commune, year - 1).exclude(Exists(this_year))


def _explain_missing_record(row: dict, year: int):
    return (_("Present in %(last)s but no survey record for %(year)s."), {"last": year - 1, "year": year})


RULES: list[Rule] = [
    Rule("age_grade", _("Grade far from the age"), _age_grade, _explain_age_grade),
    Rule("level_age", _("Level of schooling unusual for the age"), _level_age, _explain_level_age),
    Rule("grade_level", _("Grade contradicts the level"), _grade_level, _explain_grade_level),
    Rule("early_completion", _("Completion at an implausibly young age"), _early_completion,
         _explain_early_completion),
    Rule("completion_years", _("Completion year before birth or after the survey"), _completion_years,
         _explain_completion_years),
    Rule("completion_vs_highest", _("Completion contradicts the highest grade completed"),
         _completion_vs_highest, _explain_completion_vs_highest),
    Rule("literacy_redundant", _("Literacy stage recorded for a primary completer"), _literacy_redundant,
         _explain_literacy_redundant),
    Rule("household_head", _("Household without exactly one head"), _household_head,
         _explain_household_head, per_household=True),
    Rule("duplicates", _("Probable duplicates"), _duplicates, _explain_duplicates),
    Rule("under_three_enrolled", _("Child under 3 enrolled"), _under_three_enrolled, _explain_under_three),
    Rule("preschool_overage", _("Preschool pupil too old or already a completer"), _preschool_overage,
         _explain_preschool_overage),
    Rule("too_old", _("Present person over 110"), _too_old, _explain_too_old),
    Rule("missing_record", _("Present last year, no record this year"), _missing_record,
         _explain_missing_record),
]
RULES_BY_ID = {rule.id: rule for rule in RULES}


def _findings(rule: Rule, rows: list[dict], year: int) -> list[Finding]:
    findings = []
    if rule.per_household:
        for row in rows:
            message, params = rule.explain(row, year)
            findings.append(Finding(rule.id, message, params, household_id=row["person__household_id"],
                                    household_code=row["person__household__code"]))
        return findings
    for row in rows:
        message, params = rule.explain(row, year)
        findings.append(Finding(
            rule.id, message, params, household_id=row["person__household_id"],
            household_code=row["person__household__code"], person_id=row["person_id"],
            person_code=row["person__code"], full_name=row["person__full_name"],
        ))
    return findings


def run_rule(rule: Rule, commune: Unit, year: int, *, limit: int = DEFAULT_LIMIT) -> RuleResult:
    """One rule over a commune's year: how many records it doubts and the first ``limit`` of them."""
    queryset = rule.query(commune, year)
    count = queryset.count()
    if not count:
        return RuleResult(rule, 0)
    if rule.per_household:
        rows = queryset.order_by("person__household__code")[:limit]
    else:
        rows = queryset.values(
            *PERSON_VALUES, "age", "enrolled_level", "enrolled_grade", "preschool_completed",
            "primary_completed_year", "lower_secondary_graduated_year", "highest_grade_completed",
            "literacy_stage_completed",
        )
        if not queryset.query.order_by:
            rows = rows.order_by("person__household__code", "person__code")
        rows = rows[:limit]
    return RuleResult(rule, count, _findings(rule, list(rows), year))


def check(commune: Unit, year: int, *, limit: int = DEFAULT_LIMIT, rules: list[str] | None = None,
          ) -> list[RuleResult]:
    """Every rule (or those named) over the commune's records of ``year``; about two queries a rule."""
    chosen = [RULES_BY_ID[rule_id] for rule_id in rules] if rules else RULES
    return [run_rule(rule, commune, year, limit=limit) for rule in chosen]
