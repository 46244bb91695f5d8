"""The PCGD–XMC results read from the metrics cache: equal to the engine's, fresh or marked stale.

``engine.cached_year`` rebuilds the engine's ``YearResult`` from the cached
``pcgd.*`` metrics; the pages, the API and the downloads read it. The property
below compares it with ``compute_year`` on random registries; the page tests
follow a change of the registry from the stale note to the recomputed figures.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from apps.metrics import services
from apps.metrics.models import MetricPeriod, MetricValue
from apps.people.models import SurveyRecord
from apps.places.models import CommuneFlag
from apps.universal import metrics
from apps.universal.engine import cached_year, compute_year
from apps.universal.tests.test_engine_property import rows as registry_rows
from apps.universal.tests.test_engine_property import store
from apps.universal.tests.test_views_index import rows as page_rows
from apps.universal.tests.test_views_support import (
    YEAR,
    build_dang_kang,
    build_hoa_son,
    build_legacy_2024,
    cohort,
    flag,
)

INDEX = reverse("universal:index")


@pytest.fixture(autouse=True)
def nothing_kept():
    """No engine result kept by the metrics module from another test's registry."""
    metrics.forget()
    yield
    metrics.forget()


@pytest.fixture
def registry(krong_bong):
    build_dang_kang(krong_bong.new["24454"])
    build_hoa_son(krong_bong.new["24481"])
    build_legacy_2024(krong_bong)
    flag(krong_bong.new["24481"])
    flag(krong_bong.legacy["24451"], 2024)
    return krong_bong


def assert_same(cached, computed) -> None:
    """Equal as the engine's dataclasses compare, splits in the engine's order of keys."""
    assert cached.year == computed.year and cached.rule_set == computed.rule_set
    assert cached.communes == computed.communes
    assert cached.groupings == computed.groupings
    for mine, theirs in zip(cached.communes, computed.communes, strict=True):
        for indicator, splits in theirs.splits.items():
            assert {axis: list(keys) for axis, keys in mine.splits[indicator].items()} == \
                   {axis: list(keys) for axis, keys in splits.items()}


def forget_cache() -> None:
    MetricValue.objects.all().delete()
    MetricPeriod.objects.all().delete()
    metrics.forget()


# ----------------------------------------------------------------------------- equal to the engine

def test_the_cached_year_equals_the_engine_on_the_map_after_the_reform(registry):
    computed = compute_year(YEAR)
    cached = cached_year(YEAR)
    assert_same(cached, computed)
    assert [c.unit.code for c in cached.communes] == ["24454", "24481"]
    assert cached.commune(registry.new["24481"]).special_difficulty is True
    assert [(g.kind, g.unit.code, g.communes_computed) for g in cached.groupings] == [("province", "66", 2)]
    assert cached.commune(registry.new["24454"]).unmet  # primary level 3 lacks primary_entry


def test_the_cached_year_equals_the_engine_before_the_reform_with_districts(registry):
    computed = compute_year(2024)
    assert [g.kind for g in computed.groupings] == ["district", "province"]
    assert_same(cached_year(2024), computed)


@pytest.mark.parametrize("year, codes", [
    (YEAR, ["24454"]),
    (YEAR, ["24454", "24481", "24448", "24478", "24484"]),  # every commune of the province here
    (2024, ["24451"]),
])
def test_the_cached_year_of_some_communes_equals_the_engine(registry, year, codes):
    units = registry.new if year == YEAR else registry.legacy
    asked = [units[code] for code in codes]
    assert_same(cached_year(year, communes=asked), compute_year(year, communes=asked))


def test_a_commune_without_survey_records_is_left_out_as_the_engine_leaves_it(registry):
    without = registry.new["24448"]
    asked = [registry.new[code] for code in ("24454", "24481", "24448", "24478", "24484")]
    cached = cached_year(YEAR, communes=asked)
    assert cached.commune(without) is None and compute_year(YEAR, communes=asked).commune(without) is None
    province = cached.grouping(registry.province)
    assert (province.communes, province.communes_computed) == (5, 2)
    alone = cached_year(YEAR, communes=[without])
    assert alone.communes == alone.groupings == [] and compute_year(YEAR, communes=[without]).communes == []


# No shrinking: each step rebuilds a registry in the database.
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(people=st.lists(registry_rows, min_size=10, max_size=50),
       flags=st.tuples(st.sampled_from([None, True, False]), st.sampled_from([None, True, False])))
def test_on_random_registries_the_cached_year_equals_the_engine(krong_bong, people, flags):
    communes = [krong_bong.new["24454"], krong_bong.new["24481"]]
    with transaction.atomic():
        forget_cache()
        for commune, special in zip(communes, flags, strict=True):
            if special is not None:
                CommuneFlag.objects.create(unit=commune, year=YEAR, special_difficulty=special)
        store(communes, people)
        cached, computed = cached_year(YEAR), compute_year(YEAR)
        one = cached_year(YEAR, communes=communes[1:]), compute_year(YEAR, communes=communes[1:])
        transaction.set_rollback(True)
    assert_same(cached, computed)
    assert_same(*one)


# ----------------------------------------------------------------------------- reading the cache

def test_the_first_read_computes_the_year_once_and_later_reads_compute_nothing(registry, monkeypatch):
    calls = []
    real = metrics.compute_year
    monkeypatch.setattr(metrics, "compute_year", lambda year, **kw: calls.append(year) or real(year, **kw))
    first = cached_year(YEAR)
    assert calls == [YEAR]
    assert first.computed_at is not None and first.recomputing is False
    again = cached_year(YEAR)
    assert calls == [YEAR] and again.computed_at == first.computed_at


def test_computed_at_is_the_oldest_computation_among_the_rows_read(registry):
    cached_year(YEAR)
    older = timezone.now() - dt.timedelta(hours=3)
    MetricValue.objects.filter(metric="pcgd.literacy1_15_35").update(computed_at=older)
    assert cached_year(YEAR).computed_at == older


def test_rows_computed_under_another_rule_set_are_recomputed(registry):
    cached_year(YEAR)
    rows = MetricValue.objects.filter(metric="pcgd.mn5_attend", period=str(YEAR))
    for row in rows:
        row.data = {**row.data, "rule_set": "an-older-rule-set"}
        row.save()
    assert_same(cached_year(YEAR), compute_year(YEAR))
    assert {row.data["rule_set"] for row in rows.all()} == {"nd20-2014"}


def test_a_commune_missing_from_one_metric_is_left_out_until_the_metrics_agree(registry):
    dang_kang = registry.new["24454"]
    cached_year(YEAR)
    MetricValue.objects.filter(metric="pcgd.primary_entry", unit=dang_kang).delete()
    cached = cached_year(YEAR)
    assert cached.commune(dang_kang) is None
    assert cached.grouping(registry.province).communes_computed == 1


# ----------------------------------------------------------------------------- pages after a change

def levels(response, code: str) -> list[str]:
    return re.findall(r"level (\d/\d)", page_rows(response, "communes")[code])


def test_a_change_shows_the_stale_note_then_the_recomputed_figures(
    client, registry, neighbour_officer, django_capture_on_commit_callbacks
):
    client.force_login(neighbour_officer)
    before = client.get(INDEX, {"year": YEAR})
    html = before.content.decode()
    assert levels(before, "24481")[0] == "0/1"  # 5 of the 10 five-year-olds attend preschool
    assert re.search(r'data-testid="computed-at">Figures computed at \d\d:\d\d \d\d/\d\d/\d{4}', html)
    assert 'data-testid="recomputing"' not in html
    with django_capture_on_commit_callbacks() as callbacks:
        for record in SurveyRecord.objects.filter(commune=registry.new["24481"], year=YEAR,
                                                  birth_year=YEAR - 5, enrolled_level=""):
            record.enrolled_level = "preschool"
            record.save()
    stale = client.get(INDEX, {"year": YEAR})
    assert levels(stale, "24481")[0] == "0/1"
    assert 'data-testid="recomputing"' in stale.content.decode()
    for callback in callbacks:  # enqueues the background task, run at once by the test settings
        callback()
    fresh = client.get(INDEX, {"year": YEAR})
    assert levels(fresh, "24481")[0] == "1/1"
    assert 'data-testid="recomputing"' not in fresh.content.decode()


def test_a_bulk_writer_marks_the_commune_page_stale_through_data_changed(
    client, registry, commune_officer, django_capture_on_commit_callbacks
):
    dang_kang = registry.new["24454"]
    url = reverse("universal:commune", args=[dang_kang.pk, YEAR])
    client.force_login(commune_officer)
    assert 'data-testid="computed-at"' in client.get(url).content.decode()
    cohort(dang_kang, YEAR, 20, age=6, home="H777")  # 20 six-year-olds not in school: bulk, no signal
    assert 'data-testid="recomputing"' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.data_changed("people.SurveyRecord", [YEAR])
        stale = client.get(url).content.decode()
    entry = r">29</a>\s*</td>\s*<td><a [^>]*>{}</a>"  # primary_entry: counted, cohort
    assert 'data-testid="recomputing"' in stale and re.search(entry.format(30), stale)
    fresh = client.get(url).content.decode()
    assert 'data-testid="recomputing"' not in fresh and re.search(entry.format(50), fresh)


def test_the_pages_and_the_api_do_not_compute_when_the_cache_is_fresh(
    client, registry, district_viewer, monkeypatch
):
    client.force_login(district_viewer)
    dang_kang = registry.new["24454"]
    urls = [(INDEX, {"year": YEAR}), (INDEX, {"year": 2024}),
            (reverse("universal:commune", args=[dang_kang.pk, YEAR]), {}),
            (reverse("universal:compare", args=[dang_kang.pk]), {"first": 2025, "second": YEAR}),
            (f"/api/v1/pcgd/{YEAR}", {}), (f"/api/v1/pcgd/{YEAR}/communes/{dang_kang.pk}", {})]
    for url, params in urls:  # the first reads compute the years
        assert client.get(url, params).status_code == 200

    def refuse(*args, **kwargs):
        raise AssertionError("the engine was asked to compute")

    for module in ("apps.universal.engine", "apps.universal.engine.compute", "apps.universal.metrics"):
        monkeypatch.setattr(f"{module}.compute_year", refuse)
    for url, params in urls:
        response = client.get(url, params)
        assert response.status_code == 200, url
    assert levels(client.get(INDEX, {"year": YEAR}), "24454") == ["1/1", "2/3", "2/3", "2/2"]


def test_the_index_page_reads_the_cache_in_as_many_queries_for_two_communes_as_for_five(
    client, registry, district_viewer
):
    client.force_login(district_viewer)

    def queries_of_the_page() -> tuple[int, object]:
        client.get(INDEX, {"year": YEAR})  # the cache is fresh after this one
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            response = client.get(INDEX, {"year": YEAR})
        return len(queries), response

    two, response = queries_of_the_page()
    assert len([r for r in page_rows(response, "communes").values() if "level" in r]) == 2
    for code in ("24448", "24478", "24484"):
        cohort(registry.new[code], YEAR, 3, age=5, enrolled_level="preschool", home="H700")
    services.data_changed("people.SurveyRecord", [YEAR])
    services.recompute_stale()
    five, response = queries_of_the_page()
    assert len([r for r in page_rows(response, "communes").values() if "level" in r]) == 5
    assert two == five <= 24


def test_the_comparison_says_when_each_year_was_computed(client, registry, commune_officer):
    client.force_login(commune_officer)
    cohort(registry.new["24454"], 2025, 10, age=5)
    url = reverse("universal:compare", args=[registry.new["24454"].pk])
    html = client.get(url, {"first": 2025, "second": YEAR}).content.decode()
    assert re.findall(r'data-testid="computed-at">(\d{4}): Figures computed at', html) == ["2025", "2026"]
