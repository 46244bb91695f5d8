"""Property: the engine's SQL agrees with a plain-Python reading of pcgd-xmc.md on random registries.

The reference below is written from the domain document alone (its tables of
indicators, thresholds and levels), not from the rule set file or the engine,
so that a mistake in either shows up as a difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction as F

from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from apps.people.models import Person, SurveyRecord
from apps.people.testing import household
from apps.places.models import CommuneFlag
from apps.universal.engine import compute_year

YEAR = 2026
UPPER = ("upper_secondary", "continuing_upper", "vocational")
GRADE1_OR_ABOVE = ("primary", "lower_secondary", "upper_secondary", "continuing_upper")


@dataclass(frozen=True)
class Row:
    commune: int
    sex: str
    ethnicity: str
    disability: str
    status: str
    age: int
    level: str
    preschool: bool
    primary_year: int | None
    diploma_year: int | None
    grade: int | None
    stage: int | None


rows = st.builds(
    Row,
    commune=st.integers(0, 1),
    sex=st.sampled_from(["M", "F"]),
    ethnicity=st.sampled_from(["01", "01", "12", "20"]),
    disability=st.sampled_from(["", "", "", "can_learn", "cannot_learn"]),
    status=st.sampled_from(["present", "present", "present", "moved_away", "deceased"]),
    age=st.sampled_from([4, 5, 5, 6, 6, 7, 11, 11, 14, 14, 15, 18, 19, 25, 26, 35, 36, 60, 61]),
    level=st.sampled_from(["", "preschool", "primary", "lower_secondary", "upper_secondary",
                           "continuing_upper", "vocational", "other"]),
    preschool=st.booleans(),
    # Values at the edges of the readings (grade 3 and 5, stage 1 and 2), absence more often.
    primary_year=st.sampled_from([None, None, None, 2020]),
    diploma_year=st.sampled_from([None, None, 2024]),
    grade=st.sampled_from([None, None, 0, 2, 3, 3, 4, 5, 5, 9, 12]),
    stage=st.sampled_from([None, None, None, 1, 2]),
)


# ----------------------------------------------------------------------------- the reference

def completed_primary(r: Row) -> bool:
    return r.primary_year is not None or (r.grade is not None and r.grade >= 5)


def literate2(r: Row) -> bool:
    return completed_primary(r) or r.stage == 2


def literate1(r: Row) -> bool:
    return (r.grade is not None and r.grade >= 3) or r.stage in (1, 2) or literate2(r)


def reference_indicators(special: bool):
    """id → (in the cohort, counted) as the indicator table of pcgd-xmc.md reads."""
    return {
        "mn5_attend": (lambda r: r.age == 5, lambda r: r.level == "preschool"),
        "mn5_complete": (lambda r: r.age == 6, lambda r: r.preschool),
        "primary_entry": (lambda r: r.age == 6, lambda r: r.level in GRADE1_OR_ABOVE or completed_primary(r)),
        "primary_complete_14": (lambda r: r.age == 14, completed_primary),
        "primary_complete_11": (lambda r: r.age == 11, completed_primary),
        "primary_rest_11_in_school": (lambda r: r.age == 11 and not completed_primary(r),
                                      lambda r: r.level == "primary"),
        "lower_secondary_15_18": (lambda r: 15 <= r.age <= 18, lambda r: r.diploma_year is not None),
        "upper_secondary_15_18": (lambda r: 15 <= r.age <= 18, lambda r: r.level in UPPER),
        "literacy1_15_35": (lambda r: 15 <= r.age <= (25 if special else 35), literate1),
        "literacy2_15_60": (lambda r: 15 <= r.age <= (35 if special else 60), literate2),
    }


def reference_counts(people: list[Row], special: bool) -> dict[str, tuple[int, int]]:
    counted_people = [r for r in people if r.status == "present" and r.disability != "cannot_learn"]
    counts = {}
    for indicator, (in_cohort, counted) in reference_indicators(special).items():
        members = [r for r in counted_people if in_cohort(r)]
        counts[indicator] = (sum(1 for r in members if counted(r)), len(members))
    return counts


def reference_levels(counts: dict[str, tuple[int, int]], special: bool) -> dict[str, int]:
    def ok(indicator: str, normal: int, difficult: int) -> bool:
        num, den = counts[indicator]
        return den == 0 or F(num, den) >= F(difficult if special else normal, 100)

    mn5 = int(ok("mn5_attend", 95, 90) and ok("mn5_complete", 85, 80))
    primary = 0
    if ok("primary_entry", 90, 90) and ok("primary_complete_14", 80, 70):
        primary = 1
        rest = ok("primary_rest_11_in_school", 100, 100)
        if ok("primary_entry", 95, 95) and ok("primary_complete_11", 80, 70) and rest:
            primary = 2
            if ok("primary_entry", 98, 98) and ok("primary_complete_11", 90, 80):
                primary = 3
    literacy = 0
    if ok("literacy1_15_35", 90, 90):
        literacy = 2 if ok("literacy2_15_60", 90, 90) else 1
    lower = 0
    if primary >= 1 and literacy >= 1 and ok("lower_secondary_15_18", 80, 70):
        lower = 1
        if ok("lower_secondary_15_18", 90, 80):
            lower = 2
            if ok("lower_secondary_15_18", 95, 90) and ok("upper_secondary_15_18", 80, 70):
                lower = 3
    return {"mn5": mn5, "primary": primary, "lower_secondary": lower, "literacy": literacy}


# ----------------------------------------------------------------------------- the property

def store(communes, people: list[Row]) -> None:
    homes = [household(commune, "H-PROP") for commune in communes]
    persons = Person.objects.bulk_create([
        Person(household=homes[r.commune], commune=communes[r.commune], village=homes[r.commune].village,
               code=f"P{index:05d}", full_name="Nguyễn Văn A", name_key="nguyễn văn a", sex=r.sex,
               birth_year=YEAR - r.age, ethnicity=r.ethnicity, disability=r.disability)
        for index, r in enumerate(people)
    ])
    SurveyRecord.objects.bulk_create([
        SurveyRecord(person=member, year=YEAR, commune=communes[r.commune], status=r.status,
                     enrolled_level=r.level, preschool_completed=r.preschool,
                     primary_completed_year=r.primary_year,
                     lower_secondary_graduated_year=r.diploma_year, highest_grade_completed=r.grade,
                     literacy_stage_completed=r.stage)
        for member, r in zip(persons, people, strict=True)
    ])


# No shrinking: each step rebuilds a registry in the database, and the generated
# example (printed on failure) is small enough to read.
@settings(max_examples=50, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(people=st.lists(rows, min_size=20, max_size=60),
       flags=st.tuples(st.sampled_from([None, True, False]), st.sampled_from([None, True, False])))
def test_the_sql_engine_agrees_with_a_plain_python_reading_of_the_rules(krong_bong, people, flags):
    communes = [krong_bong.new["24454"], krong_bong.new["24481"]]
    with transaction.atomic():
        for commune, flag in zip(communes, flags, strict=True):
            if flag is not None:
                CommuneFlag.objects.create(unit=commune, year=YEAR, special_difficulty=flag)
        store(communes, people)
        result = compute_year(YEAR)
        transaction.set_rollback(True)
    computed = {commune.unit.pk: commune for commune in result.communes}
    assert set(computed) == {communes[r.commune].pk for r in people}
    for index, commune in enumerate(communes):
        if commune.pk not in computed:
            continue
        special = flags[index] is True
        mine = [r for r in people if r.commune == index]
        got = computed[commune.pk]
        counts = reference_counts(mine, special)
        assert got.special_difficulty is special
        assert {k: (v.num, v.den) for k, v in got.indicators.items()} == counts
        assert got.levels == reference_levels(counts, special)
        for sex in ("M", "F"):
            expected = reference_counts([r for r in mine if r.sex == sex], special)
            assert {k: (s["sex"][sex].num, s["sex"][sex].den) for k, s in got.splits.items()} == expected
        for code in {r.ethnicity for r in mine}:
            expected = reference_counts([r for r in mine if r.ethnicity == code], special)
            if code not in got.splits["mn5_attend"]["ethnicity"]:  # nobody of the group in any cohort
                assert set(expected.values()) == {(0, 0)}
                continue
            assert {k: (s["ethnicity"][code].num, s["ethnicity"][code].den)
                    for k, s in got.splits.items()} == expected
        minority = reference_counts([r for r in mine if r.ethnicity != "01"], special)
        assert {k: (s["group"]["minority"].num, s["group"]["minority"].den)
                for k, s in got.splits.items()} == minority
