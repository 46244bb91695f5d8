"""The PCGD–XMC rule sets: the shipped file, validity by survey date, refusal of malformed files."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from fractions import Fraction

import pytest

from apps.universal.engine.conditions import ATOMS
from apps.universal.rules import (
    KNOWN_CONDITIONS,
    RULESET_DIR,
    AgeBand,
    RuleSetError,
    all_rule_sets,
    get_rule_set,
    load_rule_set,
    parse_rule_set,
    rule_set_for,
)

SHIPPED = RULESET_DIR / "nd20-2014.json"


def shipped_data() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def refusal(data) -> RuleSetError:
    with pytest.raises(RuleSetError) as caught:
        parse_rule_set(data, "broken.json")
    return caught.value


def test_the_decree_20_rule_set_is_valid_from_15_may_2014_without_end():
    rule_set = get_rule_set("nd20-2014")
    assert rule_set.valid_from == dt.date(2014, 5, 15)
    assert rule_set.valid_to is None
    numbers = {document.number for document in rule_set.documents}
    assert {"20/2014/NĐ-CP", "07/2016/TT-BGDĐT", "35/2017/TT-BGDĐT"} <= numbers


def test_the_rule_set_of_a_year_is_the_one_valid_on_its_survey_date():
    assert rule_set_for(2014).id == "nd20-2014"
    assert rule_set_for(2026).id == "nd20-2014"


def test_a_year_before_any_rule_set_is_refused_in_both_languages():
    with pytest.raises(RuleSetError) as caught:
        rule_set_for(2013)
    assert "30/09/2013" in caught.value.english
    assert caught.value.vietnamese
    assert "2013" in caught.value.bilingual()


def test_thresholds_are_exact_fractions():
    primary = get_rule_set("nd20-2014").standards["primary"]
    entry = {condition.indicator: condition for condition in primary.levels[2].conditions}
    assert entry["primary_entry"].normal == Fraction(49, 50)
    assert entry["primary_complete_11"].special_difficulty == Fraction(4, 5)
    assert entry["primary_rest_11_in_school"].normal == 1


def test_special_difficulty_narrows_the_literacy_age_bands_not_the_percentage():
    rule_set = get_rule_set("nd20-2014")
    literacy1 = rule_set.indicators["literacy1_15_35"].cohort
    literacy2 = rule_set.indicators["literacy2_15_60"].cohort
    assert literacy1.band(False) == AgeBand(15, 35) and literacy1.band(True) == AgeBand(15, 25)
    assert literacy2.band(False) == AgeBand(15, 60) and literacy2.band(True) == AgeBand(15, 35)
    level1 = rule_set.standards["literacy"].levels[0].conditions[0]
    assert level1.normal == level1.special_difficulty == Fraction(9, 10)
    assert rule_set.indicators["mn5_attend"].cohort.band(True) == AgeBand(5, 5)


def test_lower_secondary_level_1_requires_primary_1_and_literacy_1_evaluated_first():
    rule_set = get_rule_set("nd20-2014")
    requires = {(r.standard, r.level) for r in rule_set.standards["lower_secondary"].levels[0].requires}
    assert requires == {("primary", 1), ("literacy", 1)}
    order = rule_set.evaluation_order
    assert order.index("lower_secondary") > order.index("primary")
    assert order.index("lower_secondary") > order.index("literacy")
    assert list(rule_set.standards) == ["mn5", "primary", "lower_secondary", "literacy"]
    assert [standard.top_level for standard in rule_set.standards.values()] == [1, 3, 3, 2]


def test_unverified_district_and_province_shares_are_marked():
    standards = get_rule_set("nd20-2014").standards
    primary3 = standards["primary"].levels[2]
    lower2 = standards["lower_secondary"].levels[1]
    assert not primary3.district.verified and not primary3.province.verified
    assert lower2.district.share == Fraction(95, 100) and not lower2.district.verified
    assert standards["lower_secondary"].levels[2].district.share == 1
    assert standards["literacy"].levels[0].province.share == Fraction(9, 10)
    assert standards["mn5"].levels[0].district.verified


def test_every_operational_choice_is_stated_with_its_source():
    rule_set = get_rule_set("nd20-2014")
    assert rule_set.operational["age"].value == "survey_year_minus_birth_year"
    assert rule_set.counted_statuses == ("present",)
    assert rule_set.excluded_disabilities == ("cannot_learn",)
    assert rule_set.operational["empty_cohort"].value == "meets"
    assert rule_set.operational["comparison"].value == "exact_fraction"
    assert all(choice.source and choice.text for choice in rule_set.operational.values())


def test_every_condition_a_rule_set_may_name_is_implemented_by_the_engine():
    assert set(ATOMS) == KNOWN_CONDITIONS


def test_the_attested_checklists_are_not_read_as_rule_sets():
    assert [rule_set.id for rule_set in all_rule_sets()] == ["nd20-2014"]


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["standards"][1]["levels"][0]["conditions"][0].update(normal=0.9),
     "standards[1].levels[0].conditions[0].normal"),
    (lambda d: d["standards"][1]["levels"][0]["conditions"][0].update(normal=120),
     "standards[1].levels[0].conditions[0].normal"),
    (lambda d: d["standards"][0]["levels"][0]["conditions"][0].update(indicator="mn4_attend"),
     "standards[0].levels[0].conditions[0].indicator"),
    (lambda d: d["indicators"][0].update(counted_when="enrolled_somewhere"), "indicators[0].counted_when"),
    (lambda d: d["indicators"][5]["cohort"].update(where={"nor": "completed_primary"}),
     "indicators[5].cohort.where"),
    (lambda d: d["indicators"][8]["cohort"].update(ages=[35, 15]), "indicators[8].cohort.ages"),
    (lambda d: d["standards"][1]["levels"][1].update(level=3), "standards[1].levels[1].level"),
    (lambda d: d["standards"][2]["levels"][0]["requires"][0].update(level=4),
     "standards[2].levels[0].requires[0]"),
    (lambda d: d["indicators"][0]["source"].update(document="nd99"), "indicators[0].source.document"),
    (lambda d: d["operational"]["empty_cohort"].update(value="fails"), "operational.empty_cohort.value"),
    (lambda d: d["operational"].pop("age"), "operational"),
    (lambda d: d.update(valid_to="2010-01-01"), "valid_to"),
    (lambda d: d.update(valid_from="15/05/2014"), "valid_from"),
    (lambda d: d["standards"][1]["levels"][0].pop("district"), "standards[1].levels[0]"),
])
def test_a_malformed_rule_set_is_refused_naming_the_place(change, where):
    data = copy.deepcopy(shipped_data())
    change(data)
    error = refusal(data)
    assert where in error.english
    assert "broken.json" in error.english
    assert error.vietnamese


def test_standards_that_require_each_other_in_a_circle_are_refused():
    data = copy.deepcopy(shipped_data())
    data["standards"][1]["levels"][0]["requires"] = [{"standard": "lower_secondary", "level": 1}]
    assert "circle" in refusal(data).english


def test_a_file_that_is_not_json_is_refused_with_its_name(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"broken\.json"):
        load_rule_set(broken)


def test_a_pending_amendment_is_a_new_file_valid_from_its_date(tmp_path):
    shutil.copy(SHIPPED, tmp_path / "nd20-2014.json")
    amendment = copy.deepcopy(shipped_data())
    amendment.update(id="xmc-15-62", valid_from="2027-01-01")
    amendment["indicators"][9]["cohort"]["ages"] = [15, 62]
    (tmp_path / "xmc-15-62.json").write_text(json.dumps(amendment, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "conditions-xmc.json").write_text("{}", encoding="utf-8")
    rule_sets = all_rule_sets(tmp_path)
    assert rule_set_for(2026, rule_sets).id == "nd20-2014"
    assert rule_set_for(2027, rule_sets).id == "xmc-15-62"
    assert rule_set_for(2027, rule_sets).indicators["literacy2_15_60"].cohort.ages == AgeBand(15, 62)


def test_two_rule_sets_starting_the_same_day_are_refused(tmp_path):
    shutil.copy(SHIPPED, tmp_path / "nd20-2014.json")
    twin = shipped_data()
    twin["id"] = "twin"
    (tmp_path / "twin.json").write_text(json.dumps(twin), encoding="utf-8")
    with pytest.raises(RuleSetError, match="both start on 15/05/2014"):
        all_rule_sets(tmp_path)
