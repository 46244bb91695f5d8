"""Criteria sets as data: refusals with every error, the pass rules at their edges, files round-trip."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.errors import ImportFailed
from apps.recognition import services, sets_io
from apps.recognition.criteria import CriterionSpec, IndicatorSpec, PassRule, SetSpec, judge
from apps.recognition.models import CriteriaSet
from apps.recognition.tests.conftest import SMALL_SET


def _columns(error: ImportFailed) -> list[str]:
    return [e.column for e in error.errors]


def _refused(data) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        sets_io.validate(data)
    return caught.value


def test_maxima_that_do_not_add_up_are_refused(small_set_data):
    small_set_data["total_points"] = 50
    small_set_data["criteria"][0]["indicators"][1]["max_points"] = 9
    error = _refused(small_set_data)
    assert _columns(error) == ["criteria[0].max_points", "total_points"]
    assert "add up to 19 points, not 20" in error.errors[0].english


def test_a_pass_rule_naming_an_unknown_item_is_refused(small_set_data):
    small_set_data["pass_rule"]["required"] = ["1a", "9z"]
    error = _refused(small_set_data)
    assert _columns(error) == ["pass_rule.required"]
    assert "“9z”" in error.errors[0].english


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (
            lambda d: d["criteria"][0]["indicators"][0].update(scoring="computed:guess"),
            "criteria[0].indicators[0].scoring",
        ),
        (
            lambda d: d["criteria"][0]["indicators"][1].update(max_points=7.5),
            "criteria[0].indicators[1].max_points",
        ),
        (lambda d: d["criteria"][1]["indicators"][0].update(code="1a"), "criteria[1].indicators[0].code"),
        (lambda d: d.update(title="gdhtx"), "title"),
        (
            lambda d: d["criteria"][0]["indicators"][1].update(min_points=11),
            "criteria[0].indicators[1].min_points",
        ),
        (
            lambda d: d["criteria"][0]["indicators"][1].update(lễ_phép=None),
            "criteria[0].indicators[1].lễ_phép",
        ),
        (lambda d: d["pass_rule"].update(total_min=41), "pass_rule.total_min"),
        (lambda d: d["document"].update(number=""), "document.number"),
    ],
)
def test_bad_sets_are_refused_naming_the_place(small_set_data, change, column):
    change(small_set_data)
    assert column in _columns(_refused(small_set_data))


def test_nothing_is_written_when_a_set_is_refused(db, small_set_data):
    small_set_data["total_points"] = 41
    with pytest.raises(ImportFailed):
        services.load_criteria_set(small_set_data)
    assert not CriteriaSet.objects.exists()


def test_export_then_import_is_lossless(criteria_set):
    exported = services.export_criteria_set(criteria_set, "json")
    data = json.loads(exported)
    assert sets_io.validate(data) == sets_io.spec_of(criteria_set)
    data["code"] = "gdht-test-2"
    again = services.load_criteria_set(data)
    assert services.export_criteria_set(again, "json") == exported.replace("gdht-test", "gdht-test-2", 1)


def test_every_shipped_set_loads_and_says_what_is_missing(db):
    from apps.recognition.management.commands.recognition import load_shipped

    codes = load_shipped()
    assert set(codes) == {
        "gdht-qd448-2015",
        "cdht-cong-dan-qd324-2023",
        "dvht-tt22-2020",
        "dvht-tt24-2023",
        "cdht-xa-tt25-2023",
    }
    assert load_shipped() == []
    gdht = CriteriaSet.objects.get(code="gdht-qd448-2015")
    assert not gdht.is_illustrative and not gdht.is_complete
    assert set(gdht.indicators.filter(method="computed").values_list("code", "rule")) == {
        ("1a", "gdht_1a"),
        ("2a", "gdht_2a"),
    }
    citizen = sets_io.spec_of(CriteriaSet.objects.get(code="cdht-cong-dan-qd324-2023"))
    assert (citizen.pass_rule.total_min, citizen.pass_rule.indicator_min) == (80, 5)
    assert not citizen.has_all_maxima


def test_the_illustrative_demo_set_says_so(db, krong_bong):
    path = sets_io.SETS_DIR / "demo" / "gdht-krong-bong-minh-hoa.yaml"
    criteria_set = services.load_criteria_set(sets_io.parse_text(path.read_bytes(), path.name))
    assert criteria_set.is_illustrative and "minh hoạ" in str(criteria_set)
    assert criteria_set.unit == krong_bong.province


def test_the_command_imports_and_exports(db, tmp_path: Path):
    source = tmp_path / "set.json"
    source.write_text(json.dumps(SMALL_SET, ensure_ascii=False), encoding="utf-8")
    call_command("recognition", "import-set", str(source), stdout=StringIO())
    out = StringIO()
    call_command("recognition", "export-set", "gdht-test", "--format", "yaml", stdout=out)
    assert sets_io.validate(sets_io.parse_text(out.getvalue())).code == "gdht-test"
    with pytest.raises(CommandError, match="already exists"):
        call_command("recognition", "import-set", str(source), stdout=StringIO())


def test_a_commune_officer_cannot_load_a_national_set(commune_officer, small_set_data):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.load_criteria_set(small_set_data, commune_officer)


# ---------------------------------------------------------------- pass rules at their edges


NO_RULE = PassRule()


def _spec(judging="points", rule=NO_RULE, **criterion_min) -> SetSpec:
    criteria = (
        CriterionSpec(
            "1",
            "A",
            20,
            (IndicatorSpec("1a", "a", 10), IndicatorSpec("1b", "b", 10)),
            min_points=criterion_min.get("c1"),
        ),
        CriterionSpec("2", "B", 80, (IndicatorSpec("2a", "c", 40), IndicatorSpec("2b", "d", 40))),
    )
    return SetSpec("s", "cdht_cong_dan", "s", "n", judging, 100, criteria, rule)


CITIZEN = PassRule(total_min=80, indicator_min=5)


@pytest.mark.parametrize(
    ("points", "passed"),
    [
        ({"1a": 5, "1b": 5, "2a": 35, "2b": 35}, True),  # exactly 80, no indicator below 5
        ({"1a": 5, "1b": 4, "2a": 36, "2b": 35}, False),  # 80, one indicator at 4
        ({"1a": 5, "1b": 5, "2a": 35, "2b": 34}, False),  # 79
        ({"1a": 10, "1b": 10, "2a": 40, "2b": 40}, True),
    ],
)
def test_the_learning_citizen_rule_at_its_edges(points, passed):
    assert judge(_spec(rule=CITIZEN), points).passed is passed


def test_the_failures_explain_the_refusal():
    judgement = judge(_spec(rule=CITIZEN), {"1a": 5, "1b": 4, "2a": 35, "2b": 35})
    assert judgement.failures == [
        {"item": "total", "rule": "total_min", "value": 79, "threshold": 80},
        {"item": "1b", "rule": "indicator_min", "value": 4, "threshold": 5},
    ]


def test_a_missing_score_leaves_the_judgement_open():
    judgement = judge(_spec(rule=CITIZEN), {"1a": 10, "1b": 10, "2a": 40})
    assert (judgement.complete, judgement.passed, judgement.missing) == (False, None, ["2b"])


def test_a_criterion_minimum_applies_at_its_edge():
    spec = _spec(rule=PassRule(criterion_min=10))
    assert judge(spec, {"1a": 5, "1b": 5, "2a": 40, "2b": 40}).passed is True
    assert judge(spec, {"1a": 5, "1b": 4, "2a": 40, "2b": 40}).passed is False
    own = _spec(rule=PassRule(criterion_min=10), c1=15)  # the criterion's own minimum wins
    assert judge(own, {"1a": 7, "1b": 7, "2a": 40, "2b": 40}).failures[0]["threshold"] == 15


def test_a_required_item_must_be_at_its_maximum():
    spec = _spec(rule=PassRule(required=("1a",)))
    assert judge(spec, {"1a": 10, "1b": 0, "2a": 0, "2b": 0}).passed is True
    assert judge(spec, {"1a": 9, "1b": 10, "2a": 40, "2b": 40}).passed is False


def test_a_set_without_pass_rule_leaves_the_decision_to_the_commune():
    assert judge(_spec(), {"1a": 0, "1b": 0, "2a": 0, "2b": 0}).passed is None


def test_bands_at_their_edges():
    spec = _spec("bands", PassRule(bands=(("Tốt", 85), ("Khá", 70), ("Trung bình", 50))))
    cases = {85: "Tốt", 84: "Khá", 70: "Khá", 69: "Trung bình", 50: "Trung bình", 49: ""}
    for total, band in cases.items():
        judgement = judge(spec, {"1a": 0, "1b": 0, "2a": min(total, 40), "2b": max(total - 40, 0)})
        assert (judgement.result, judgement.passed) == (band, bool(band)), total


def test_levels_need_every_lower_level():
    criteria = (
        CriterionSpec(
            "1",
            "A",
            None,
            (IndicatorSpec("1.1", "a", None, level=1), IndicatorSpec("1.2", "b", None, level=2)),
        ),
    )
    spec = SetSpec("l", "cdht_xa", "l", "n", "levels", None, criteria)
    assert judge(spec, {}, {"1.1": True, "1.2": True}).result == "2"
    assert judge(spec, {}, {"1.1": True, "1.2": False}).result == "1"
    judgement = judge(spec, {}, {"1.1": False, "1.2": True})
    assert (judgement.result, judgement.passed) == ("", False)


def test_a_complete_set_is_equal_to_its_copy():
    assert sets_io.validate(copy.deepcopy(SMALL_SET)) == sets_io.validate(copy.deepcopy(SMALL_SET))
