"""The PCGD–XMC indicators as metrics: one engine computation serves the ten metrics of a period."""

from __future__ import annotations

import pytest

from apps.metrics.registry import METRICS, Value
from apps.people.models import SurveyRecord
from apps.universal import metrics
from apps.universal.rules import get_rule_set
from apps.universal.tests.test_engine_support import people

YEAR = 2026


@pytest.fixture
def counted_calls(monkeypatch):
    metrics.forget()
    calls = []
    real = metrics.compute_year

    def counting(year, **kwargs):
        calls.append(year)
        return real(year, **kwargs)

    monkeypatch.setattr(metrics, "compute_year", counting)
    yield calls
    metrics.forget()


def test_every_indicator_is_a_registered_metric_reading_the_registry():
    for indicator in get_rule_set("nd20-2014").indicators:
        metric = METRICS[f"pcgd.{indicator}"]
        assert set(metric.depends_on) == {"people.SurveyRecord", "people.Person", "places.CommuneFlag"}
        assert str(metric.label)


def test_a_metric_gives_each_commune_its_value_and_splits(krong_bong, counted_calls):
    commune = krong_bong.new["24454"]
    people(commune, YEAR, 3, age=5, sex="F", ethnicity="12", enrolled_level="preschool")
    people(commune, YEAR, 1, age=5, sex="M")
    values = METRICS["pcgd.mn5_attend"].compute(str(YEAR))
    value = values[commune.pk]
    assert isinstance(value, Value) and (value.num, value.den) == (3, 4)
    assert value.data["splits"]["sex"]["F"] == {"num": 3, "den": 3, "rate": 1.0}
    assert value.data["splits"]["group"]["minority"]["num"] == 3
    assert value.data["rule_set"] == "nd20-2014" and value.data["special_difficulty"] is False


def test_the_ten_metrics_of_a_period_compute_the_engine_once(krong_bong, counted_calls):
    people(krong_bong.new["24454"], YEAR, 2, age=5)
    names = [name for name in METRICS if name.startswith("pcgd.")]
    assert len(names) == 10
    for name in names:
        METRICS[name].compute(str(YEAR))
    assert counted_calls == [YEAR]
    METRICS[names[0]].compute(str(YEAR))  # a second pass computes again
    assert counted_calls == [YEAR, YEAR]


def test_a_saved_survey_record_drops_the_kept_result(krong_bong, counted_calls):
    commune = krong_bong.new["24454"]
    member = people(commune, YEAR, 1, age=5)[0]
    assert METRICS["pcgd.mn5_attend"].compute(str(YEAR))[commune.pk].num == 0
    record = SurveyRecord.objects.get(person=member, year=YEAR)
    record.enrolled_level = "preschool"
    record.save()
    assert METRICS["pcgd.mn5_complete"].compute(str(YEAR))  # computed again, not served
    assert counted_calls == [YEAR, YEAR]


def test_a_result_is_not_served_once_the_metric_that_computed_it_is_stale_again(krong_bong, counted_calls):
    from apps.metrics.models import MetricPeriod

    people(krong_bong.new["24454"], YEAR, 1, age=5)
    METRICS["pcgd.mn5_attend"].compute(str(YEAR))
    MetricPeriod.objects.create(metric="pcgd.mn5_attend", period=str(YEAR), stale=True)
    METRICS["pcgd.mn5_complete"].compute(str(YEAR))
    assert counted_calls == [YEAR, YEAR]
