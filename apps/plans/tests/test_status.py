"""Task status as of a date, at its edges, in the database and in Python; target status rules."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.plans import services
from apps.plans import status as rules
from apps.plans.models import Task

DEADLINE = dt.date(2026, 6, 30)


@pytest.fixture
def make_task(cascade, orgs, krong_bong):
    def make(code, deadline=DEADLINE, completed_on=None):
        return services.create_task(None, cascade["commune"], code=code, title=code,
                                    unit=krong_bong.new["24454"], lead=orgs["dangkang_pc"], deadline=deadline,
                                    completed_on=completed_on)
    return make


CASES = [
    # (completed_on, as_of, expected)
    (DEADLINE, DEADLINE, rules.DONE_ON_TIME),  # completed on the deadline day: on time
    (dt.date(2026, 6, 20), dt.date(2026, 7, 1), rules.DONE_ON_TIME),
    (dt.date(2026, 7, 1), dt.date(2026, 7, 1), rules.DONE_LATE),
    (dt.date(2026, 7, 1), dt.date(2026, 6, 29), rules.IN_PROGRESS),  # completed after the as-of date
    (dt.date(2026, 7, 10), dt.date(2026, 7, 5), rules.OVERDUE),  # not done yet on 5/7, deadline passed
    (None, DEADLINE, rules.IN_PROGRESS),  # deadline today, not done
    (None, dt.date(2026, 7, 1), rules.OVERDUE),
    (None, dt.date(2026, 1, 1), rules.IN_PROGRESS),
]


@pytest.mark.parametrize(("completed_on", "as_of", "expected"), CASES)
def test_task_status_at_the_edges_in_the_database_and_in_python(make_task, completed_on, as_of, expected):
    task = make_task("T1", completed_on=completed_on)
    annotated = rules.with_status(Task.objects.filter(pk=task.pk), as_of).get()
    assert annotated.status == expected
    assert rules.task_status(DEADLINE, completed_on, as_of) == expected


def test_no_deadline_is_never_overdue(make_task):
    task = make_task("T1", deadline=None)
    annotated = rules.with_status(Task.objects.filter(pk=task.pk), dt.date(2030, 1, 1)).get()
    assert annotated.status == rules.IN_PROGRESS


def test_counts_per_status_and_overdue_first(make_task, commune_officer):
    make_task("A", completed_on=dt.date(2026, 6, 1))
    make_task("B", completed_on=dt.date(2026, 7, 2))
    make_task("C")
    make_task("D", deadline=dt.date(2026, 12, 31))
    as_of = dt.date(2026, 7, 15)
    assert rules.status_counts(Task.objects.all(), as_of) == {
        "done_on_time": 1, "done_late": 1, "in_progress": 1, "overdue": 1}
    assert [task.code for task in services.tasks_as_of(commune_officer, as_of)] == ["C", "D", "B", "A"]


START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def status(value, as_of, baseline="0.6", target="0.7", direction="increase"):
    return rules.target_status(value=None if value is None else Decimal(value), baseline=Decimal(baseline),
                               target=Decimal(target), direction=direction, start=START, deadline=END,
                               as_of=as_of)


def test_target_met_when_value_reaches_it_even_early():
    assert status("0.7", dt.date(2026, 3, 1)) == rules.MET


def test_target_missed_after_the_deadline_not_on_it():
    assert status("0.69", END) == rules.AT_RISK  # deadline today: still in its period
    assert status("0.69", END + dt.timedelta(days=1)) == rules.MISSED


def test_target_on_track_on_the_straight_line_and_at_risk_below_it():
    midyear = dt.date(2026, 7, 2)  # 182 of 364 days: expected 0.65
    assert rules.expected_value(Decimal("0.6"), Decimal("0.7"), START, END, midyear) == Decimal("0.65")
    assert status("0.65", midyear) == rules.ON_TRACK
    assert status("0.6499", midyear) == rules.AT_RISK


def test_target_without_a_value_is_at_risk():
    assert status(None, dt.date(2026, 2, 1)) == rules.AT_RISK


def test_decreasing_target():
    def falling(value):  # from 10% to 4%: 7% expected at midyear
        return status(value, dt.date(2026, 7, 2), baseline="0.10", target="0.04", direction="decrease")

    assert falling("0.0701") == rules.AT_RISK
    assert falling("0.07") == rules.ON_TRACK
    assert falling("0.04") == rules.MET


def test_target_progress_reads_the_last_report_before_the_as_of_date(cascade, krong_bong):
    target = services.create_target(None, cascade["commune"], code="M1", title="Gia đình học tập",
                                    unit=krong_bong.new["24454"], baseline=Decimal("0.6"),
                                    baseline_on=START, target_value=Decimal("0.7"), deadline=END)
    services.report_target_value(None, target, on=dt.date(2026, 3, 1), value=Decimal("0.62"))
    services.report_target_value(None, target, on=dt.date(2026, 9, 1), value=Decimal("0.71"))
    [row] = services.target_progress([target], dt.date(2026, 7, 2))
    assert (row.value, row.source, row.status, row.percent) == (Decimal("0.62"), "report", rules.AT_RISK, 20)
    [row] = services.target_progress([target], dt.date(2026, 9, 2))
    assert (row.status, row.percent) == (rules.MET, 100)
