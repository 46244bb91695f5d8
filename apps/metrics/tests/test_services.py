import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from apps.metrics import services
from apps.metrics.models import MetricPeriod, MetricValue
from apps.metrics.registry import Value, register
from apps.people import testing
from apps.people.models import SurveyRecord

pytestmark = pytest.mark.django_db

PRESENT = "test.present_persons"
CALLS: list[str] = []


@register(PRESENT, "present persons", depends_on=("people.SurveyRecord", "people.Person"))
def present_persons(period: str) -> dict[int, Value]:
    """Present persons per commune in the survey year: one aggregate query."""
    CALLS.append(period)
    rows = (
        SurveyRecord.objects.filter(year=int(period), status="present")
        .values("commune").annotate(n=Count("id"))
    )
    return {row["commune"]: Value(num=row["n"]) for row in rows}


@pytest.fixture
def people(krong_bong):
    """Two present persons in Dang Kang and one in Hòa Sơn, surveyed in 2026."""
    CALLS.clear()
    dang_kang, hoa_son = krong_bong.new["24454"], krong_bong.new["24481"]
    home = testing.household(dang_kang, "H001")
    testing.person(home, "01", birth_year=1980, year=2026)
    testing.person(home, "02", birth_year=2010, year=2026)
    testing.person(testing.household(hoa_son, "H001"), "01", birth_year=1990, year=2026)
    return krong_bong


def test_a_period_never_computed_is_computed_once_and_then_read_from_the_cache(people):
    first = services.values(PRESENT, 2026)
    assert {unit: row.num for unit, row in first.items()} == {
        people.new["24454"].pk: 2, people.new["24481"].pk: 1,
    }
    assert all(row.computed_at is not None for row in first.values())
    state = services.status(PRESENT, "2026")
    assert state.computed_at is not None and not state.stale and not state.computing
    second = services.values(PRESENT, "2026")
    assert CALLS == ["2026"]
    assert second[people.new["24454"].pk].computed_at == first[people.new["24454"].pk].computed_at


def test_units_restricts_the_answer(people):
    answer = services.values(PRESENT, 2026, units=[people.new["24481"]])
    assert list(answer) == [people.new["24481"].pk]


def test_a_changed_survey_record_marks_its_year_stale_and_the_task_recomputes_it(
    people, django_capture_on_commit_callbacks
):
    services.values(PRESENT, 2026)
    services.values(PRESENT, 2025)
    record = SurveyRecord.objects.filter(commune=people.new["24454"]).first()
    record.status = "moved_away"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record.save()
    assert services.status(PRESENT, 2026).stale
    assert not services.status(PRESENT, 2025).stale  # another year's figures did not change
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the immediate backend runs the task now
    state = services.status(PRESENT, 2026)
    assert not state.stale and not state.computing
    assert services.values(PRESENT, 2026)[people.new["24454"].pk].num == 1


def test_many_changes_in_one_transaction_enqueue_one_task(people, django_capture_on_commit_callbacks):
    services.values(PRESENT, 2026)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for record in SurveyRecord.objects.all():
            record.status = "deceased"
            record.save()
    assert len(callbacks) == 1
    assert services.values(PRESENT, 2026) == {}  # nobody is present any more
    assert CALLS == ["2026", "2026"]


def test_a_change_to_a_person_marks_every_computed_period_stale(people):
    services.values(PRESENT, 2026)
    services.values(PRESENT, 2025)
    assert services.data_changed("people.Person") == 2
    assert MetricPeriod.objects.filter(metric=PRESENT, stale=True).count() == 2


def test_data_changed_on_a_model_no_metric_reads_marks_nothing(people):
    services.values(PRESENT, 2026)
    assert services.data_changed("organisations.Organisation", [2026]) == 0
    assert not services.status(PRESENT, 2026).stale


def test_stale_values_stay_readable_until_recomputed(people):
    services.values(PRESENT, 2026)
    SurveyRecord.objects.update(status="deceased")  # a bulk write: no signal
    services.data_changed("people.SurveyRecord", ["2026"])
    assert services.values(PRESENT, 2026)[people.new["24454"].pk].num == 2  # the cached value
    assert services.recompute_stale() == [(PRESENT, "2026")]
    assert services.values(PRESENT, 2026) == {}


def test_recompute_replaces_the_rows_of_its_period_only(people):
    services.values(PRESENT, 2026)
    services.values(PRESENT, 2025)  # nobody was surveyed in 2025: no rows
    assert services.recompute(PRESENT, 2026) == 2
    assert MetricValue.objects.filter(metric=PRESENT, period="2026").count() == 2
    assert CALLS == ["2026", "2025", "2026"]


def test_an_officer_reads_the_values_of_the_units_in_their_scope_only(
    people, commune_officer, neighbour_officer, district_viewer, roleless_user
):
    dang_kang, hoa_son = people.new["24454"].pk, people.new["24481"].pk
    assert list(services.values(PRESENT, 2026, user=commune_officer)) == [dang_kang]
    assert list(services.values(PRESENT, 2026, user=neighbour_officer)) == [hoa_son]
    assert set(services.values(PRESENT, 2026, user=district_viewer)) == {dang_kang, hoa_son}
    assert services.values(PRESENT, 2026, user=roleless_user) == {}


ADULTS = "test.adults"


@register(ADULTS, "adults", depends_on=("people.Person",))
def adults(period: str) -> dict[int, Value]:
    CALLS.append(f"adults {period}")
    rows = (SurveyRecord.objects.filter(year=int(period), birth_year__lte=int(period) - 18)
            .values("commune").annotate(n=Count("id")))
    return {row["commune"]: Value(num=row["n"]) for row in rows}


def test_several_metrics_are_read_in_two_queries_once_computed(people, commune_officer,
                                                               django_assert_num_queries):
    both = services.values_of([PRESENT, ADULTS], 2026)
    assert CALLS == ["2026", "adults 2026"]
    dang_kang, hoa_son = people.new["24454"].pk, people.new["24481"].pk
    assert {name: {unit: row.num for unit, row in rows.items()} for name, rows in both.items()} == {
        PRESENT: {dang_kang: 2, hoa_son: 1}, ADULTS: {dang_kang: 1, hoa_son: 1}}
    with django_assert_num_queries(2):
        again = services.values_of([PRESENT, ADULTS], 2026, units=[dang_kang])
    assert {name: list(rows) for name, rows in again.items()} == {PRESENT: [dang_kang], ADULTS: [dang_kang]}
    assert CALLS == ["2026", "adults 2026"]
    mine = services.values_of([PRESENT, ADULTS], 2026, user=commune_officer)
    assert {name: list(rows) for name, rows in mine.items()} == {PRESENT: [dang_kang], ADULTS: [dang_kang]}


def test_an_unknown_metric_is_refused(people):
    with pytest.raises(KeyError):
        services.values("test.no_such_metric", 2026)


def test_the_command_lists_computes_and_recomputes_stale_periods(people, capsys):
    call_command("metrics", "compute", PRESENT, "--period", "2026")
    assert "2 units" in capsys.readouterr().out
    services.data_changed("people.SurveyRecord", [2026])
    call_command("metrics", "list")
    listing = capsys.readouterr().out
    assert PRESENT in listing and "2026: computed" in listing and "stale" in listing
    call_command("metrics", "recompute-stale")
    assert f"recomputed {PRESENT} 2026" in capsys.readouterr().out
    assert not services.status(PRESENT, 2026).stale
