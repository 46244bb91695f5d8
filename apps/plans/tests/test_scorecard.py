"""Scorecard arithmetic, ranking and scope."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.plans import services
from apps.plans.scorecard import scorecard

AS_OF = dt.date(2026, 11, 29)


@pytest.fixture
def records(cascade, orgs, krong_bong):
    dang_kang, hoa_son = krong_bong.new["24454"], krong_bong.new["24481"]
    doc = cascade["district"]

    def task(code, lead, unit, deadline, completed_on=None):
        return services.create_task(None, doc, code=code, title=code, unit=unit, lead=lead, deadline=deadline,
                                    completed_on=completed_on)

    dk = orgs["dangkang_assoc"]
    task("A", dk, dang_kang, dt.date(2026, 6, 30), dt.date(2026, 6, 30))  # on time
    task("B", dk, dang_kang, dt.date(2026, 6, 30), dt.date(2026, 7, 15))  # late
    task("C", dk, dang_kang, dt.date(2026, 9, 30))  # overdue
    task("D", dk, dang_kang, dt.date(2026, 12, 31))  # in progress: not scored
    task("E", dk, dang_kang, dt.date(2025, 9, 30))  # another year
    target = services.create_target(None, doc, code="M1", title="GĐHT", unit=dang_kang, organisation=dk,
                                    baseline=Decimal("0.6"), target_value=Decimal("0.7"),
                                    deadline=dt.date(2026, 10, 31))
    services.report_target_value(None, target, on=dt.date(2026, 10, 1), value=Decimal("0.72"))  # met
    visit = services.record_inspection(None, subject=dk, date=dt.date(2026, 8, 1), team="Đoàn kiểm tra huyện",
                                       findings="...", document=doc)
    follow = services.add_recommendation(None, visit, text="Bổ sung hồ sơ", deadline=dt.date(2026, 9, 1))
    services.add_recommendation(None, visit, text="Họp định kỳ")  # open
    services.complete_task(None, follow.follow_up, dt.date(2026, 8, 20))  # resolves the recommendation
    hs = orgs["hoason_assoc"]
    task("H1", hs, hoa_son, dt.date(2026, 3, 31), dt.date(2026, 3, 1))
    return {"dk": dk, "hs": hs}


def test_scorecard_arithmetic_and_ranking(records, district_viewer):
    rows = scorecard(district_viewer, 2026, as_of=AS_OF)
    by_name = {row.organisation.name: row for row in rows}
    dk = by_name["Hội Khuyến học xã Dang Kang"]
    # Tasks: A on time, B late, C overdue, D in progress, the follow-up KT… on time.
    assert (dk.tasks_on_time, dk.tasks_late, dk.tasks_overdue, dk.tasks_in_progress) == (2, 1, 1, 1)
    assert (dk.targets_met, dk.targets_missed) == (1, 0)
    assert (dk.recommendations_resolved, dk.recommendations_open) == (1, 1)
    # points = 2 + ½ + 1 + 1 = 4.5 of 7 items
    assert dk.score == Decimal("64.3")
    hs = by_name["Hội Khuyến học xã Hòa Sơn"]
    assert hs.score == Decimal("100.0")
    assert [(row.organisation.name, row.rank) for row in rows] == [
        ("Hội Khuyến học xã Hòa Sơn", 1), ("Hội Khuyến học xã Dang Kang", 2)]


def test_scorecard_is_scoped(records, neighbour_officer, roleless_user):
    assert [row.organisation.name for row in scorecard(neighbour_officer, 2026, as_of=AS_OF)] == [
        "Hội Khuyến học xã Hòa Sơn"]
    assert scorecard(roleless_user, 2026, as_of=AS_OF) == []


def test_equal_scores_share_a_rank(records, orgs, krong_bong, district_viewer, cascade):
    services.create_task(None, cascade["district"], code="P1", title="P1", unit=krong_bong.new["24454"],
                         lead=orgs["dangkang_pc"], deadline=dt.date(2026, 3, 31),
                         completed_on=dt.date(2026, 3, 1))
    rows = scorecard(district_viewer, 2026, as_of=AS_OF)
    assert [row.rank for row in rows] == [1, 1, 3]
