import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from apps.accounts.models import AuditEntry
from apps.core.demo import NEW_COMMUNES, POPULATION_EVENT, load_demo, load_population
from apps.metrics import services as metrics
from apps.metrics.registry import METRICS, Value, register
from apps.people import testing
from apps.people.models import Household, Person, SurveyRecord
from apps.places.models import CommuneFlag, Unit

pytestmark = pytest.mark.django_db

HOUSEHOLDS_METRIC = "test.demo_households"
if HOUSEHOLDS_METRIC not in METRICS:
    @register(HOUSEHOLDS_METRIC, "households", depends_on=("people.Household",))
    def _households(period: str) -> dict[int, Value]:
        rows = Household.objects.values("commune").annotate(n=Count("id"))
        return {row["commune"]: Value(num=row["n"]) for row in rows}


@pytest.fixture
def demo(krong_bong):
    load_demo()
    return krong_bong


def _snapshot() -> list[tuple]:
    return list(
        Person.objects.order_by("commune__code", "household__code", "code").values_list(
            "commune__code", "household__code", "code", "full_name", "sex", "birth_year", "birth_date",
            "ethnicity", "relation", "disability", "national_id",
        )
    )


def _rate(records, cohort: Q, condition: Q) -> float:
    counts = records.filter(cohort).aggregate(den=Count("id"), num=Count("id", filter=condition))
    return counts["num"] / counts["den"]


def test_the_population_has_the_requested_size_in_the_villages_of_the_five_communes(demo):
    result = load_population(3000, seed=7)
    assert result.action == "generated" and result.counts.persons == 3000
    assert Person.objects.count() == 3000
    assert set(Person.objects.values_list("commune__code", flat=True)) == set(NEW_COMMUNES)
    assert not Person.objects.exclude(village__parent_id=F("commune_id")).exists()
    assert not Person.objects.exclude(household__village_id=F("village_id")).exists()
    assert not Person.objects.filter(is_demo=False).exists()
    assert not Household.objects.filter(is_demo=False).exists()
    assert not SurveyRecord.objects.filter(is_demo=False).exists()
    assert set(SurveyRecord.objects.values_list("year", flat=True)) == {2025, 2026}
    villages = Unit.objects.filter(kind="village", parent__code="24454", parent__structure="2025")
    assert 10 <= villages.count() <= 20


def test_the_same_seed_gives_the_same_people_and_another_seed_replaces_them(demo):
    load_population(2000, seed=7)
    first = _snapshot()
    replaced = load_population(2000, seed=8)
    assert replaced.action == "replaced" and replaced.removed == 2000
    assert Person.objects.count() == 2000
    assert _snapshot() != first
    load_population(2000, seed=7)
    assert _snapshot() == first


def test_a_second_run_with_the_same_arguments_changes_nothing(demo):
    load_population(2000, seed=7)
    highest = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    again = load_population(2000, seed=7)
    assert again.action == "kept"
    assert Person.objects.order_by("-pk").values_list("pk", flat=True).first() == highest
    assert AuditEntry.objects.filter(action="command", object_repr=POPULATION_EVENT).count() == 1


def test_replacing_the_population_keeps_real_records(demo):
    real = testing.person(testing.household(demo.new["24454"], "H900"), "01", birth_year=1980, year=2026)
    load_population(1000, seed=1)
    load_population(1200, seed=2)
    assert Person.objects.filter(pk=real.pk, is_demo=False).exists()
    assert Person.objects.filter(is_demo=True).count() == 1200


def test_the_population_looks_like_rural_krong_bong_with_a_few_defects_on_purpose(demo):
    result = load_population(10000, seed=2026)
    persons = Person.objects.all()
    total = persons.count()
    minors = persons.filter(birth_year__gt=2026 - 18).count() / total
    assert 0.28 < minors < 0.45  # many children and young adults
    shares = dict(persons.values_list("ethnicity").annotate(n=Count("id")))
    assert 0.45 < shares["01"] / total < 0.7  # Kinh majority
    assert {"12", "20", "08", "09", "02", "07"} <= set(shares)  # Ê Đê, M'Nông, Mông, Dao, Tày, Nùng
    heads = Household.objects.annotate(heads=Count("members", filter=Q(members__relation="head")))
    assert heads.filter(heads=1).count() / heads.count() > 0.98
    assert heads.filter(heads=0).exists() and heads.filter(heads=2).exists()
    assert 0.005 < persons.exclude(disability="").count() / total < 0.02
    assert persons.filter(disability="cannot_learn").exists()
    statuses = set(SurveyRecord.objects.filter(year=2026).values_list("status", flat=True))
    assert statuses == {"present", "moved_away", "deceased"}
    assert not persons.exclude(national_id="").exclude(national_id__startswith="000").exists()
    assert result.counts.defects["household without a head"] > 0


def test_communes_reach_different_pcgd_levels(demo):
    load_population(10000, seed=2026)
    present = SurveyRecord.objects.filter(year=2026, status="present").exclude(
        person__disability="cannot_learn")
    youths = Q(person__birth_year__gte=2026 - 18, person__birth_year__lte=2026 - 15)
    diploma = Q(lower_secondary_graduated_year__isnull=False)
    rates = {code: _rate(present.filter(commune__code=code), youths, diploma) for code in NEW_COMMUNES}
    assert rates["24448"] > 0.9 and rates["24454"] > 0.9  # Krông Bông, Dang Kang
    assert rates["24478"] < 0.8  # Cư Pui: low 15–18 lower-secondary diploma rate
    adults = Q(person__birth_year__gte=2026 - 60, person__birth_year__lte=2026 - 15)
    literate = Q(primary_completed_year__isnull=False) | Q(literacy_stage_completed=2)
    minorities = present.exclude(person__ethnicity="01")
    assert _rate(minorities.filter(commune__code="24478"), adults, literate) < 0.85  # Cư Pui's gap
    assert _rate(present.filter(commune__code="24448"), adults, literate) > 0.9


def test_the_demo_flags_only_its_own_commune_and_never_overrides_a_real_flag(krong_bong):
    yang_mao = krong_bong.new["24484"]
    CommuneFlag.objects.create(unit=yang_mao, year=2025, special_difficulty=False, source="QĐ test")
    load_demo()
    flags = {flag.year: flag for flag in CommuneFlag.objects.filter(unit=yang_mao)}
    assert not flags[2025].is_demo and not flags[2025].special_difficulty
    assert flags[2026].is_demo and flags[2026].special_difficulty
    assert "demo" in flags[2026].source
    assert CommuneFlag.objects.count() == 2


def test_loading_the_population_writes_one_audit_entry_and_marks_metrics_stale(demo):
    metrics.values(HOUSEHOLDS_METRIC, 2026)
    before = AuditEntry.objects.count()
    load_population(1000, seed=3)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(object_repr=POPULATION_EVENT)
    assert entry.after["persons"] == 1000 and entry.after["seed"] == 3
    assert metrics.status(HOUSEHOLDS_METRIC, 2026).stale


def test_the_command_says_the_flag_is_demo_data_and_is_idempotent(krong_bong, capsys):
    call_command("demo", persons=500, seed=1)
    out = capsys.readouterr().out
    assert "Demo flag (not an official decision): Xã Yang Mao 2026" in out
    assert "Synthetic population (seed 1): 500 persons" in out
    call_command("demo", persons=500, seed=1)
    assert "already loaded" in capsys.readouterr().out
    assert Person.objects.count() == 500
