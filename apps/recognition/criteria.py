"""Criteria sets as plain data: validation of a set file and the pass-rule engine.

A set is judged in one of three ways (recognition.md, "Three ways a criteria set
judges"), all expressed as data:

- ``points``: total ≥ ``total_min``; every criterion ≥ ``criterion_min`` (or its own
  ``min_points``); every indicator ≥ ``indicator_min`` (or its own ``min_points``);
  every item named in ``required`` at its maximum. Công dân học tập (QĐ
  324/QĐ-KHVN): ``total_min: 80, indicator_min: 5``.
- ``bands``: the minimums above, then the first band (highest first) whose
  minimum the total reaches (TT 22/2020/TT-BGDĐT: Tốt ≥ 85, Khá ≥ 70, Trung bình ≥ 50).
- ``levels``: indicators met or not; level N is reached when every indicator of
  level ≤ N is met (TT 24/2023, TT 25/2023/TT-BGDĐT).

Nothing here touches the database: ``SetSpec`` is built from a file
(``spec_from_data``) or from the stored set (``sets_io.spec_of``), and ``judge``
is a pure function of a spec and the scores, so that every edge is tested
directly and a judgement is reproducible from its inputs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError

JUDGINGS = ("points", "bands", "levels")
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")
SET_CODE_RE = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
SET_KEYS = {
    "code",
    "title",
    "name",
    "document",
    "valid_from",
    "valid_to",
    "unit",
    "judging",
    "total_points",
    "pass_rule",
    "is_illustrative",
    "notes",
    "criteria",
}
DOCUMENT_KEYS = {"number", "issuer", "date", "title"}
PASS_RULE_KEYS = {"total_min", "criterion_min", "indicator_min", "required", "bands"}
CRITERION_KEYS = {"code", "name", "max_points", "min_points", "indicators"}
INDICATOR_KEYS = {"code", "name", "max_points", "min_points", "scoring", "level", "known", "params"}


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    max_points: int | None
    scoring: str = "evaluator"  # or "computed:<rule>"
    min_points: int | None = None
    level: int | None = None
    known: bool = True
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def rule(self) -> str:
        return self.scoring.partition(":")[2] if self.scoring.startswith("computed:") else ""


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name: str
    max_points: int | None
    indicators: tuple[IndicatorSpec, ...]
    min_points: int | None = None


@dataclass(frozen=True)
class PassRule:
    total_min: int | None = None
    criterion_min: int | None = None
    indicator_min: int | None = None
    required: tuple[str, ...] = ()
    bands: tuple[tuple[str, int], ...] = ()  # (name, minimum), highest first

    @property
    def is_empty(self) -> bool:
        return (
            self.total_min is None
            and self.criterion_min is None
            and self.indicator_min is None
            and not self.required
            and not self.bands
        )


@dataclass(frozen=True)
class SetSpec:
    code: str
    title: str
    name: str
    document_number: str
    judging: str
    total_points: int | None
    criteria: tuple[CriterionSpec, ...]
    pass_rule: PassRule = PassRule()
    document_issuer: str = ""
    document_date: dt.date | None = None
    document_title: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    unit_code: str | None = None
    is_illustrative: bool = False
    notes: str = ""

    @property
    def indicators(self) -> list[IndicatorSpec]:
        return [indicator for criterion in self.criteria for indicator in criterion.indicators]

    @property
    def has_all_maxima(self) -> bool:
        """Whether every criterion and indicator has its maximum (a set judged by levels needs none)."""
        if self.judging == "levels":
            return True
        return all(c.max_points is not None for c in self.criteria) and all(
            i.max_points is not None for i in self.indicators
        )

    def indicator(self, code: str) -> IndicatorSpec:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)


# ---------------------------------------------------------------- reading and validating a file


class _Reader:
    """Collects every error of a set file, each naming where it is (``criteria[1].indicators[0].code``)."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def error(self, where: str, message, params: dict[str, Any] | None = None) -> None:
        self.errors.append(DomainError(message, params or {}, column=where))

    def text(self, data: dict, key: str, where: str, *, required: bool = False, max_length: int = 500) -> str:
        value = data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str | int):
            self.error(where, _("This field must be text."))
            return ""
        value = str(value).strip()
        if required and not value:
            self.error(where, _("This field is required."))
        if len(value) > max_length:
            self.error(where, _("This field is longer than %(max)s characters."), {"max": max_length})
        return value

    def integer(self, data: dict, key: str, where: str, *, required: bool = False) -> int | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(where, _("This field is required."))
            return None
        # Points are whole numbers: a float or "7.5" is refused rather than rounded.
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
            self.error(where, _("“%(value)s” is not a whole number of 0 or more."), {"value": value})
            return None
        return int(str(value).strip())

    def date(self, data: dict, key: str, where: str) -> dt.date | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.error(where, _("“%(value)s” is not a date (YYYY-MM-DD)."), {"value": value})
            return None

    def boolean(self, data: dict, key: str, where: str, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(where, _("This field must be true or false."))
            return default
        return value

    def keys(self, data: dict, allowed: set[str], where: str) -> None:
        """Refuse unknown keys: a misspelt key (or a YAML comma splitting a name) must not pass silently."""
        for key in data:
            if key not in allowed:
                place = f"{where}.{key}" if where else str(key)
                self.error(place, _("Unknown field “%(key)s”."), {"key": key})

    def item_code(self, data: dict, allowed: set[str], where: str) -> str:
        """The code of a criterion or indicator, after refusing the item's unknown keys."""
        self.keys(data, allowed, where)
        code = self.text(data, "code", f"{where}.code", required=True, max_length=20)
        if code and not CODE_RE.match(code):
            self.error(
                f"{where}.code", _("“%(code)s” is not a valid code (letters, digits, . _ -)."), {"code": code}
            )
        return code

    def mapping(self, value: Any, where: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(where, _("This field must be a mapping of names to values."))
            return {}
        return value


def _indicator(reader: _Reader, data: Any, where: str, known_rules: set[str] | None) -> IndicatorSpec | None:
    if not isinstance(data, dict):
        reader.error(where, _("An indicator must be a mapping with a code, a name and its points."))
        return None
    code = reader.item_code(data, INDICATOR_KEYS, where)
    scoring = reader.text(data, "scoring", f"{where}.scoring", max_length=80) or "evaluator"
    if scoring != "evaluator":
        kind, _colon, rule = scoring.partition(":")
        if kind != "computed" or not rule:
            reader.error(
                f"{where}.scoring",
                _("Scoring is “evaluator” or “computed:<rule>”, not “%(value)s”."),
                {"value": scoring},
            )
        elif known_rules is not None and rule not in known_rules:
            reader.error(
                f"{where}.scoring",
                _("Unknown computed rule “%(rule)s”; known rules: %(rules)s."),
                {"rule": rule, "rules": ", ".join(sorted(known_rules))},
            )
    spec = IndicatorSpec(
        code=code,
        name=reader.text(data, "name", f"{where}.name", required=True, max_length=1000),
        max_points=reader.integer(data, "max_points", f"{where}.max_points"),
        scoring=scoring,
        min_points=reader.integer(data, "min_points", f"{where}.min_points"),
        level=reader.integer(data, "level", f"{where}.level"),
        known=reader.boolean(data, "known", f"{where}.known", default=True),
        params=reader.mapping(data.get("params"), f"{where}.params"),
    )
    if spec.min_points is not None and spec.max_points is not None and spec.min_points > spec.max_points:
        reader.error(
            f"{where}.min_points",
            _("The minimum (%(min)s) is above the maximum (%(max)s)."),
            {"min": spec.min_points, "max": spec.max_points},
        )
    return spec


def _criterion(reader: _Reader, data: Any, where: str, known_rules: set[str] | None) -> CriterionSpec | None:
    if not isinstance(data, dict):
        reader.error(where, _("A criterion must be a mapping with a code, a name and its indicators."))
        return None
    code = reader.item_code(data, CRITERION_KEYS, where)
    raw = data.get("indicators")
    if not isinstance(raw, list) or not raw:
        reader.error(f"{where}.indicators", _("A criterion needs at least one indicator."))
        raw = []
    indicators = [
        _indicator(reader, item, f"{where}.indicators[{i}]", known_rules) for i, item in enumerate(raw)
    ]
    return CriterionSpec(
        code=code,
        name=reader.text(data, "name", f"{where}.name", required=True),
        max_points=reader.integer(data, "max_points", f"{where}.max_points"),
        min_points=reader.integer(data, "min_points", f"{where}.min_points"),
        indicators=tuple(item for item in indicators if item is not None),
    )


def _pass_rule(reader: _Reader, data: Any) -> PassRule:
    data = reader.mapping(data, "pass_rule")
    reader.keys(data, PASS_RULE_KEYS, "pass_rule")
    required = data.get("required") or []
    if not isinstance(required, list) or not all(isinstance(item, str | int) for item in required):
        reader.error("pass_rule.required", _("The required items are a list of item codes."))
        required = []
    bands: list[tuple[str, int]] = []
    raw_bands = data.get("bands") or []
    if not isinstance(raw_bands, list):
        reader.error("pass_rule.bands", _("The bands are a list of names with their minimum points."))
        raw_bands = []
    for i, band in enumerate(raw_bands):
        where = f"pass_rule.bands[{i}]"
        if not isinstance(band, dict):
            reader.error(where, _("A band is a mapping with a name and its minimum points."))
            continue
        name = reader.text(band, "name", f"{where}.name", required=True, max_length=50)
        minimum = reader.integer(band, "min", f"{where}.min", required=True)
        if name and minimum is not None:
            bands.append((name, minimum))
    return PassRule(
        total_min=reader.integer(data, "total_min", "pass_rule.total_min"),
        criterion_min=reader.integer(data, "criterion_min", "pass_rule.criterion_min"),
        indicator_min=reader.integer(data, "indicator_min", "pass_rule.indicator_min"),
        required=tuple(str(item) for item in required),
        bands=tuple(bands),
    )


def _check_points(reader: _Reader, spec: SetSpec) -> None:
    """Maxima add up: indicators to their criterion, criteria to the total.

    An item whose wording was not obtained (``known: false``) may leave its maximum
    empty (recognition.md: nothing is invented); the known maxima must then stay
    within their total, and the set cannot run a campaign until it is completed.
    """
    if spec.total_points is None:
        reader.error("total_points", _("A set judged by points needs its total points."))
    criteria_sum, all_given = 0, True
    for i, criterion in enumerate(spec.criteria):
        placeholder = all(not indicator.known for indicator in criterion.indicators)
        indicator_sum, indicators_given = 0, True
        for j, indicator in enumerate(criterion.indicators):
            if indicator.max_points is None:
                indicators_given = False
                if indicator.known:
                    reader.error(
                        f"criteria[{i}].indicators[{j}].max_points",
                        _("Indicator %(code)s needs its maximum points."),
                        {"code": indicator.code},
                    )
                continue
            indicator_sum += indicator.max_points
        if criterion.max_points is None:
            all_given = False
            if not placeholder:
                reader.error(
                    f"criteria[{i}].max_points",
                    _("Criterion %(code)s needs its maximum points."),
                    {"code": criterion.code},
                )
            continue
        criteria_sum += criterion.max_points
        over = indicator_sum > criterion.max_points
        if indicator_sum != criterion.max_points and (indicators_given or over):
            reader.error(
                f"criteria[{i}].max_points",
                _("The indicators of criterion %(code)s add up to %(sum)s points, not %(max)s."),
                {"code": criterion.code, "sum": indicator_sum, "max": criterion.max_points},
            )
        if criterion.min_points is not None and criterion.min_points > criterion.max_points:
            reader.error(
                f"criteria[{i}].min_points",
                _("The minimum (%(min)s) is above the maximum (%(max)s)."),
                {"min": criterion.min_points, "max": criterion.max_points},
            )
    if (
        spec.total_points is not None
        and criteria_sum != spec.total_points
        and (all_given or criteria_sum > spec.total_points)
    ):
        reader.error(
            "total_points",
            _("The criteria add up to %(sum)s points, not the total of %(total)s."),
            {"sum": criteria_sum, "total": spec.total_points},
        )
    rule = spec.pass_rule
    if rule.total_min is not None and spec.total_points is not None and rule.total_min > spec.total_points:
        reader.error(
            "pass_rule.total_min",
            _("The pass mark (%(min)s) is above the total (%(total)s)."),
            {"min": rule.total_min, "total": spec.total_points},
        )
    for i, (name, minimum) in enumerate(rule.bands):
        if spec.total_points is not None and minimum > spec.total_points:
            reader.error(
                f"pass_rule.bands[{i}].min", _("The band “%(name)s” starts above the total."), {"name": name}
            )
        if i and minimum >= rule.bands[i - 1][1]:
            reader.error(
                f"pass_rule.bands[{i}].min",
                _("The bands must be listed from the highest minimum to the lowest."),
            )


def spec_from_data(
    data: Any, *, known_rules: set[str] | None = None, titles: set[str] | None = None
) -> SetSpec:
    """Read and validate a set file's content; raises ``ImportFailed``-style ``SetInvalid`` with every error.

    Refused: a set whose maxima do not add up to its total (or a criterion's
    indicators to the criterion), a pass rule naming an unknown item, a duplicate
    code, a minimum above its maximum, an unknown computed rule or title.
    """
    from apps.core.errors import ImportFailed

    reader = _Reader()
    if not isinstance(data, dict):
        raise ImportFailed([DomainError(_("A criteria set file holds one mapping (an object)."))])
    reader.keys(data, SET_KEYS, "")
    document = reader.mapping(data.get("document"), "document")
    reader.keys(document, DOCUMENT_KEYS, "document")
    code = reader.text(data, "code", "code", required=True, max_length=80)
    if code and not SET_CODE_RE.match(code):
        reader.error("code", _("“%(code)s” is not a valid code (letters, digits, - and _)."), {"code": code})
    title = reader.text(data, "title", "title", required=True, max_length=20)
    if title and titles is not None and title not in titles:
        reader.error(
            "title",
            _("Unknown title “%(title)s”; known titles: %(titles)s."),
            {"title": title, "titles": ", ".join(sorted(titles))},
        )
    judging = reader.text(data, "judging", "judging") or "points"
    if judging not in JUDGINGS:
        reader.error(
            "judging",
            _("Judging is one of %(choices)s, not “%(value)s”."),
            {"choices": ", ".join(JUDGINGS), "value": judging},
        )
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        reader.error("criteria", _("A criteria set needs at least one criterion."))
        raw_criteria = []
    criteria = [
        _criterion(reader, item, f"criteria[{i}]", known_rules) for i, item in enumerate(raw_criteria)
    ]
    unit_code = reader.text(data, "unit", "unit", max_length=32) or None
    spec = SetSpec(
        code=code,
        title=title,
        name=reader.text(data, "name", "name", required=True, max_length=255),
        document_number=reader.text(document, "number", "document.number", required=True, max_length=100),
        document_issuer=reader.text(document, "issuer", "document.issuer", max_length=200),
        document_date=reader.date(document, "date", "document.date"),
        document_title=reader.text(document, "title", "document.title"),
        valid_from=reader.date(data, "valid_from", "valid_from"),
        valid_to=reader.date(data, "valid_to", "valid_to"),
        unit_code=unit_code,
        judging=judging,
        total_points=reader.integer(data, "total_points", "total_points"),
        pass_rule=_pass_rule(reader, data.get("pass_rule")),
        criteria=tuple(item for item in criteria if item is not None),
        is_illustrative=reader.boolean(data, "is_illustrative", "is_illustrative"),
        notes=reader.text(data, "notes", "notes", max_length=10000),
    )
    if spec.valid_from and spec.valid_to and spec.valid_to < spec.valid_from:
        reader.error("valid_to", _("The set ends before it starts."))
    seen: set[str] = set()
    for i, criterion in enumerate(spec.criteria):
        for where, item_code in [(f"criteria[{i}].code", criterion.code)] + [
            (f"criteria[{i}].indicators[{j}].code", ind.code) for j, ind in enumerate(criterion.indicators)
        ]:
            if item_code and item_code in seen:
                reader.error(where, _("The code “%(code)s” is used twice in the set."), {"code": item_code})
            seen.add(item_code)
    for item in spec.pass_rule.required:
        if item not in seen:
            reader.error(
                "pass_rule.required",
                _("The pass rule names “%(code)s”, which is not an item of the set."),
                {"code": item},
            )
    if judging in ("points", "bands"):
        _check_points(reader, spec)
        if judging == "bands" and not spec.pass_rule.bands:
            reader.error("pass_rule.bands", _("A set judged by bands needs its bands."))
    elif judging == "levels":
        for i, criterion in enumerate(spec.criteria):
            for j, indicator in enumerate(criterion.indicators):
                if not indicator.level:
                    reader.error(
                        f"criteria[{i}].indicators[{j}].level",
                        _("Indicator %(code)s needs its level (1, 2, …)."),
                        {"code": indicator.code},
                    )
    if reader.errors:
        raise ImportFailed(reader.errors)
    return spec


# ---------------------------------------------------------------- judging


@dataclass
class Judgement:
    """The outcome of a pass rule on a registration's scores, with its reasons.

    ``passed`` is None while some indicator is unscored, or when the set has no
    pass rule at all (its pass mark was not obtained: the commune decides).
    ``failures`` lists what kept the subject from passing, each as data the
    interface renders ("criterion 2: 15 < 20").
    """

    complete: bool
    total: int
    passed: bool | None
    result: str = ""
    missing: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "complete": self.complete,
            "total": self.total,
            "passed": self.passed,
            "result": self.result,
            "missing": self.missing,
            "failures": self.failures,
        }


def _failure(item: str, rule: str, value: int, threshold: int) -> dict[str, Any]:
    return {"item": item, "rule": rule, "value": value, "threshold": threshold}


def judge(
    spec: SetSpec, points: dict[str, int | None], met: dict[str, bool | None] | None = None
) -> Judgement:
    """Apply the set's pass rule to the points (and, for levels, the met flags) by indicator code.

    Thresholds are inclusive ("≥"): a total equal to the pass mark passes.
    """
    met = met or {}
    if spec.judging == "levels":
        return _judge_levels(spec, points, met)
    missing = [ind.code for ind in spec.indicators if points.get(ind.code) is None]
    total = sum(points.get(ind.code) or 0 for ind in spec.indicators)
    rule = spec.pass_rule
    failures: list[dict[str, Any]] = []
    if rule.total_min is not None and total < rule.total_min:
        failures.append(_failure("total", "total_min", total, rule.total_min))
    for criterion in spec.criteria:
        minimum = criterion.min_points if criterion.min_points is not None else rule.criterion_min
        value = sum(points.get(ind.code) or 0 for ind in criterion.indicators)
        if minimum is not None and value < minimum:
            failures.append(_failure(criterion.code, "criterion_min", value, minimum))
        if criterion.code in rule.required and value < (criterion.max_points or 0):
            failures.append(_failure(criterion.code, "required", value, criterion.max_points or 0))
        for indicator in criterion.indicators:
            value = points.get(indicator.code) or 0
            minimum = indicator.min_points if indicator.min_points is not None else rule.indicator_min
            if minimum is not None and value < minimum:
                failures.append(_failure(indicator.code, "indicator_min", value, minimum))
            if indicator.code in rule.required and value < (indicator.max_points or 0):
                failures.append(_failure(indicator.code, "required", value, indicator.max_points or 0))
    result = ""
    if spec.judging == "bands":
        result = next((name for name, minimum in rule.bands if total >= minimum), "")
    complete = not missing
    if not complete:
        passed = None
    elif spec.judging == "bands":
        passed = bool(result) and not failures
    elif rule.is_empty:
        passed = None
    else:
        passed = not failures
    return Judgement(complete, total, passed, result, missing, failures)


def _judge_levels(spec: SetSpec, points: dict[str, int | None], met: dict[str, bool | None]) -> Judgement:
    def is_met(indicator: IndicatorSpec) -> bool | None:
        if met.get(indicator.code) is not None:
            return met[indicator.code]
        value = points.get(indicator.code)
        if value is None:
            return None
        # An indicator with points is met at its minimum (or its maximum when it has no minimum).
        threshold = indicator.min_points if indicator.min_points is not None else (indicator.max_points or 1)
        return value >= threshold

    flags = {ind.code: is_met(ind) for ind in spec.indicators}
    missing = [code for code, flag in flags.items() if flag is None]
    levels = sorted({ind.level or 1 for ind in spec.indicators})
    reached = 0
    failures: list[dict[str, Any]] = []
    for level in levels:
        unmet = [
            ind.code for ind in spec.indicators if (ind.level or 1) <= level and flags[ind.code] is not True
        ]
        if unmet:
            failures = [_failure(code, "level", 0, level) for code in unmet if flags[code] is False]
            break
        reached = level
    total = sum(points.get(ind.code) or 0 for ind in spec.indicators)
    complete = not missing
    passed = reached > 0 if (complete or reached) else None
    return Judgement(complete, total, passed, str(reached) if reached else "", missing, failures)
