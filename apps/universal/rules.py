"""PCGD–XMC rule sets: versioned data files, read into a checked model.

A rule set is one JSON file in ``apps/universal/rulesets/`` holding what a
regulation fixes — the indicators with their age cohorts, the thresholds
(normal and for communes with special difficulties, "ĐBKK"), the standards and
their levels with what each level requires, the district and province shares —
with the document, article and validity each comes from, and the operational
choices of our reading (``/work/shared/domain/pcgd-xmc.md``). The first file is
``nd20-2014.json``: Nghị định 20/2014/NĐ-CP (Điều 6, 9–11, 14–16, 19–21) with
Thông tư 07/2016/TT-BGDĐT, valid from 15/5/2014.

An amendment (the draft literacy age band 15–62, universal preschool for ages
3–5) is a new file with its own ``valid_from``: ``rule_set_for(year)`` picks the
rule set valid on the survey date (30 September) of the year, the one starting
latest when several are, so that no code changes.

The attested checklists (``conditions-*.json``, the non-quantitative
conditions, read by ``apps.universal.attestation``) share the directory and are
not rule sets. A malformed rule set file is refused whole with an error naming the file and the place
inside it (``standards[1].levels[2].conditions[0].normal``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.people.models import Disability, Status
from apps.places.services import survey_date

RULESET_DIR = Path(__file__).resolve().parent / "rulesets"
FORMAT = 1

# The registry readings the engine implements (apps.universal.engine.conditions):
# a rule set may name these, and only these, in cohorts and counting conditions.
KNOWN_CONDITIONS = frozenset({
    "enrolled_preschool",
    "completed_preschool",
    "enrolled_grade1_or_above",
    "enrolled_primary",
    "completed_primary",
    "holds_lower_secondary_diploma",
    "studying_upper_secondary_or_vocational",
    "literate_level1",
    "literate_level2",
})

# Operational choices: the values the engine implements for each. The file must
# state every one of them, so that a reader of the data sees the whole rule.
SUPPORTED_CHOICES: dict[str, frozenset[str] | None] = {
    "age": frozenset({"survey_year_minus_birth_year"}),
    "counted_statuses": None,  # a list of person statuses, checked below
    "excluded_disabilities": None,  # a list of disability codes, checked below
    "empty_cohort": frozenset({"meets"}),
    "comparison": frozenset({"exact_fraction"}),
    "special_difficulty": frozenset({"commune_flag_of_the_year"}),
    "levels": frozenset({"cumulative_with_requirements"}),
    "grouping_communes": frozenset({"in_force_on_survey_date"}),
    "groupings": frozenset({"districts_before_reform"}),
}


class RuleSetError(DomainError):
    """A rule set file that cannot be used, or no rule set for a year."""


def localized(vietnamese: str, english: str) -> str:
    """The Vietnamese or English text of a rule set, in the active language."""
    language = translation.get_language() or "vi"
    return english if language.startswith("en") and english else vietnamese


# ----------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Source:
    document: str
    article: str = ""
    note: str = ""


@dataclass(frozen=True)
class Document:
    id: str
    number: str
    title_vi: str
    issuer: str
    signed: dt.date | None
    in_force: dt.date | None
    articles: str = ""


@dataclass(frozen=True)
class Choice:
    """An operational choice of our reading, with where it comes from."""

    id: str
    value: Any
    text: str
    source: str


@dataclass(frozen=True)
class Attested:
    """A condition a commune attests with evidence; it does not change the rate-based level."""

    id: str
    text: str
    source: Source


@dataclass(frozen=True)
class Atom:
    name: str


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class AllOf:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    item: Expr


Expr = Atom | AnyOf | AllOf | Not


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int

    def birth_years(self, year: int) -> tuple[int, int]:
        """The birth years of the band in survey year ``year`` (age = year − birth year)."""
        return year - self.high, year - self.low

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Cohort:
    ages: AgeBand
    special_difficulty_ages: AgeBand | None = None
    where: Expr | None = None

    def band(self, special_difficulty: bool) -> AgeBand:
        """ĐBKK narrows the band of some cohorts (literacy, NĐ 20 Điều 20–21), not the percentage."""
        if special_difficulty and self.special_difficulty_ages is not None:
            return self.special_difficulty_ages
        return self.ages


@dataclass(frozen=True)
class Indicator:
    id: str
    name_vi: str
    name_en: str
    cohort: Cohort
    counted_when: Expr
    source: Source
    note: str = ""

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)


@dataclass(frozen=True)
class Threshold:
    """A condition of a level: the rate of ``indicator`` is at least this fraction."""

    indicator: str
    normal: Fraction
    special_difficulty: Fraction

    def value(self, special_difficulty: bool) -> Fraction:
        return self.special_difficulty if special_difficulty else self.normal


@dataclass(frozen=True)
class Share:
    """The share of communes (district) or districts (province) that must meet a level."""

    share: Fraction
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class Requirement:
    standard: str
    level: int


@dataclass(frozen=True)
class Level:
    level: int
    conditions: tuple[Threshold, ...]
    requires: tuple[Requirement, ...]
    district: Share
    province: Share
    source: Source
    note: str = ""


@dataclass(frozen=True)
class Standard:
    id: str
    name_vi: str
    name_en: str
    levels: tuple[Level, ...]

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)

    @property
    def top_level(self) -> int:
        return len(self.levels)


@dataclass(frozen=True)
class RuleSet:
    id: str
    title_vi: str
    title_en: str
    valid_from: dt.date
    valid_to: dt.date | None
    documents: tuple[Document, ...]
    operational: dict[str, Choice]
    conditions: dict[str, str]  # registry reading → its text
    indicators: dict[str, Indicator]  # in file order
    standards: dict[str, Standard]  # in file order (the order of the output)
    evaluation_order: tuple[str, ...]  # standards after the ones they require
    attested: tuple[Attested, ...] = ()
    pending: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def title(self) -> str:
        return localized(self.title_vi, self.title_en)

    def applies_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def counted_statuses(self) -> tuple[str, ...]:
        return tuple(self.operational["counted_statuses"].value)

    @property
    def excluded_disabilities(self) -> tuple[str, ...]:
        return tuple(self.operational["excluded_disabilities"].value)

    @property
    def age_range(self) -> AgeBand:
        """The widest band any cohort reads: the rows outside it never count."""
        bands = [band for indicator in self.indicators.values()
                 for band in (indicator.cohort.ages, indicator.cohort.special_difficulty_ages) if band]
        return AgeBand(min(band.low for band in bands), max(band.high for band in bands))

    def __str__(self) -> str:
        return self.id


# ----------------------------------------------------------------------------- reading


class _Reader:
    """Reads one file, naming the place of every problem."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: Promise, path: str, **params: Any) -> RuleSetError:
        return RuleSetError(message, {"file": self.file, "path": path or "/", **params})

    def key(self, obj: dict, key: str, path: str, kind: type | tuple[type, ...], *,
            optional: bool = False, default: Any = None) -> Any:
        where = f"{path}.{key}" if path else key
        if key not in obj:
            if optional:
                return default
            raise self.fail(_("The rule set file %(file)s lacks “%(key)s” at %(path)s."), path, key=key)
        value = obj[key]
        if value is None and optional:
            return default
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            value_ok = False
        else:
            value_ok = isinstance(value, kind)
        if not value_ok:
            raise self.fail(
                _("In the rule set file %(file)s, %(path)s should be %(expected)s, not %(value)s."),
                where, expected=_type_name(kind), value=json.dumps(value, ensure_ascii=False)[:60],
            )
        return value

    def as_dict(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(
                _("In the rule set file %(file)s, %(path)s should be %(expected)s, not %(value)s."),
                path, expected=_("an object"), value=json.dumps(value, ensure_ascii=False)[:60],
            )
        return value

    def text(self, obj: dict, key: str, path: str, *, optional: bool = False) -> str:
        return self.key(obj, key, path, str, optional=optional, default="")

    def date(self, obj: dict, key: str, path: str, *, optional: bool = False) -> dt.date | None:
        value = self.key(obj, key, path, str, optional=optional)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(
                _("In the rule set file %(file)s, %(path)s should be a date (YYYY-MM-DD), not “%(value)s”."),
                f"{path}.{key}", value=value,
            ) from None

    def fraction(self, value: Any, path: str) -> Fraction:
        """A whole percent (95) or an exact fraction ("19/20"); never a float, never above 1."""
        result: Fraction | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            result = Fraction(value, 100)
        elif isinstance(value, str) and value.count("/") == 1:
            top, bottom = value.split("/")
            if top.strip().isdigit() and bottom.strip().isdigit() and int(bottom) > 0:
                result = Fraction(int(top), int(bottom))
        if result is None or not 0 <= result <= 1:
            raise self.fail(
                _("In the rule set file %(file)s, %(path)s should be a whole percent from 0 to 100 "
                  "or an exact fraction “a/b” at most 1, not %(value)s."),
                path, value=json.dumps(value, ensure_ascii=False),
            )
        return result

    def source(self, obj: dict, path: str, documents: set[str]) -> Source:
        raw = self.key(obj, "source", path, dict)
        where = f"{path}.source"
        document = self.text(raw, "document", where)
        if document not in documents:
            raise self.fail(_("In the rule set file %(file)s, %(path)s names an unknown document "
                              "“%(name)s”."), f"{where}.document", name=document)
        return Source(document, self.text(raw, "article", where, optional=True),
                      self.text(raw, "note", where, optional=True))

    def band(self, value: Any, path: str) -> AgeBand:
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(age, int) and not isinstance(age, bool) for age in value)
                or not 0 <= value[0] <= value[1] <= 150):
            raise self.fail(
                _("In the rule set file %(file)s, %(path)s should be an age band [youngest, oldest], "
                  "not %(value)s."), path, value=json.dumps(value, ensure_ascii=False),
            )
        return AgeBand(value[0], value[1])

    def expr(self, value: Any, path: str, declared: dict[str, str]) -> Expr:
        if isinstance(value, str):
            if value not in KNOWN_CONDITIONS or value not in declared:
                raise self.fail(_("In the rule set file %(file)s, %(path)s names an unknown condition "
                                  "“%(name)s”."), path, name=value)
            return Atom(value)
        if isinstance(value, dict) and len(value) == 1:
            (operator, operand), = value.items()
            if operator in ("any", "all") and isinstance(operand, list) and operand:
                items = tuple(self.expr(item, f"{path}.{operator}[{index}]", declared)
                              for index, item in enumerate(operand))
                return AnyOf(items) if operator == "any" else AllOf(items)
            if operator == "not":
                return Not(self.expr(operand, f"{path}.not", declared))
        raise self.fail(
            _("In the rule set file %(file)s, %(path)s should be a condition name or "
              "{\"any\": […]}, {\"all\": […]}, {\"not\": …}, not %(value)s."),
            path, value=json.dumps(value, ensure_ascii=False)[:60],
        )


def _type_name(kind: type | tuple[type, ...]) -> Promise:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if dict in kinds:
        return _("an object")
    if list in kinds:
        return _("a list")
    if bool in kinds:
        return _("true or false")
    if int in kinds:
        return _("a whole number")
    return _("a text")


def _documents(reader: _Reader, data: dict) -> tuple[Document, ...]:
    documents = []
    for index, raw in enumerate(reader.key(data, "documents", "", list)):
        path = f"documents[{index}]"
        raw = reader.as_dict(raw, path)
        documents.append(Document(
            reader.text(raw, "id", path), reader.text(raw, "number", path),
            reader.text(raw, "title_vi", path), reader.text(raw, "issuer", path, optional=True),
            reader.date(raw, "signed", path, optional=True),
            reader.date(raw, "in_force", path, optional=True),
            reader.text(raw, "articles", path, optional=True),
        ))
    _unique(reader, [document.id for document in documents], "documents")
    return tuple(documents)


def _unique(reader: _Reader, ids: Iterable[str], path: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            raise reader.fail(_("In the rule set file %(file)s, %(path)s repeats the id “%(name)s”."),
                              f"{path}[{index}].id", name=item)
        seen.add(item)


def _operational(reader: _Reader, data: dict) -> dict[str, Choice]:
    raw = reader.key(data, "operational", "", dict)
    choices = {}
    for key, allowed in SUPPORTED_CHOICES.items():
        path = f"operational.{key}"
        entry = reader.key(raw, key, "operational", dict)
        value = entry.get("value")
        if allowed is not None:
            ok = isinstance(value, str) and value in allowed
        elif key == "counted_statuses":
            ok = isinstance(value, list) and bool(value) and set(value) <= set(Status.values)
        else:
            ok = isinstance(value, list) and set(value) <= set(Disability.values) - {""}
        if not ok:
            raise reader.fail(_("In the rule set file %(file)s, the engine does not implement the value "
                                "%(value)s of %(path)s."), f"{path}.value",
                              value=json.dumps(value, ensure_ascii=False))
        choices[key] = Choice(key, value, reader.text(entry, "text", path),
                              reader.text(entry, "source", path))
    return choices


def _indicators(reader: _Reader, data: dict, documents: set[str],
                declared: dict[str, str]) -> dict[str, Indicator]:
    indicators: dict[str, Indicator] = {}
    raw_list = reader.key(data, "indicators", "", list)
    _unique(reader, [raw.get("id") for raw in raw_list if isinstance(raw, dict)], "indicators")
    for index, raw in enumerate(raw_list):
        path = f"indicators[{index}]"
        raw = reader.as_dict(raw, path)
        cohort_raw = reader.key(raw, "cohort", path, dict)
        cohort_path = f"{path}.cohort"
        special = cohort_raw.get("special_difficulty_ages")
        where = cohort_raw.get("where")
        cohort = Cohort(
            reader.band(cohort_raw.get("ages"), f"{cohort_path}.ages"),
            reader.band(special, f"{cohort_path}.special_difficulty_ages") if special is not None else None,
            reader.expr(where, f"{cohort_path}.where", declared) if where is not None else None,
        )
        if "counted_when" not in raw:
            raise reader.fail(_("The rule set file %(file)s lacks “%(key)s” at %(path)s."), path,
                              key="counted_when")
        indicator = Indicator(
            reader.text(raw, "id", path), reader.text(raw, "name_vi", path),
            reader.text(raw, "name_en", path), cohort,
            reader.expr(raw["counted_when"], f"{path}.counted_when", declared),
            reader.source(raw, path, documents), reader.text(raw, "note", path, optional=True),
        )
        indicators[indicator.id] = indicator
    if not indicators:
        raise reader.fail(_("The rule set file %(file)s lacks “%(key)s” at %(path)s."), "", key="indicators")
    return indicators


def _share(reader: _Reader, raw: dict, key: str, path: str) -> Share:
    entry = reader.key(raw, key, path, dict)
    where = f"{path}.{key}"
    return Share(reader.fraction(entry.get("share"), f"{where}.share"),
                 reader.key(entry, "verified", where, bool), reader.text(entry, "note", where, optional=True))


def _standards(reader: _Reader, data: dict, documents: set[str],
               indicators: dict[str, Indicator]) -> dict[str, Standard]:
    raw_list = reader.key(data, "standards", "", list)
    _unique(reader, [raw.get("id") for raw in raw_list if isinstance(raw, dict)], "standards")
    standards: dict[str, Standard] = {}
    for index, raw in enumerate(raw_list):
        path = f"standards[{index}]"
        raw = reader.as_dict(raw, path)
        levels = []
        for position, level_raw in enumerate(reader.key(raw, "levels", path, list)):
            where = f"{path}.levels[{position}]"
            level_raw = reader.as_dict(level_raw, where)
            number = reader.key(level_raw, "level", where, int)
            if number != position + 1:
                raise reader.fail(_("In the rule set file %(file)s, %(path)s should be level %(expected)s: "
                                    "levels are numbered 1, 2, 3 in order."), f"{where}.level",
                                  expected=position + 1)
            conditions = []
            for rank, condition in enumerate(reader.key(level_raw, "conditions", where, list)):
                at = f"{where}.conditions[{rank}]"
                condition = reader.as_dict(condition, at)
                indicator = reader.text(condition, "indicator", at)
                if indicator not in indicators:
                    raise reader.fail(_("In the rule set file %(file)s, %(path)s names an unknown indicator "
                                        "“%(name)s”."), f"{at}.indicator", name=indicator)
                conditions.append(Threshold(
                    indicator,
                    reader.fraction(condition.get("normal"), f"{at}.normal"),
                    reader.fraction(condition.get("special_difficulty"), f"{at}.special_difficulty"),
                ))
            requires = []
            for rank, requirement in enumerate(reader.key(level_raw, "requires", where, list)):
                at = f"{where}.requires[{rank}]"
                requirement = reader.as_dict(requirement, at)
                requires.append(Requirement(reader.text(requirement, "standard", at),
                                            reader.key(requirement, "level", at, int)))
            levels.append(Level(
                number, tuple(conditions), tuple(requires),
                _share(reader, level_raw, "district", where), _share(reader, level_raw, "province", where),
                reader.source(level_raw, where, documents),
                reader.text(level_raw, "note", where, optional=True),
            ))
        if not levels:
            raise reader.fail(_("The rule set file %(file)s lacks “%(key)s” at %(path)s."), path,
                              key="levels")
        standard = Standard(reader.text(raw, "id", path), reader.text(raw, "name_vi", path),
                            reader.text(raw, "name_en", path), tuple(levels))
        standards[standard.id] = standard
    for index, standard in enumerate(standards.values()):
        for level in standard.levels:
            for rank, requirement in enumerate(level.requires):
                other = standards.get(requirement.standard)
                if other is None or not 1 <= requirement.level <= other.top_level or other is standard:
                    raise reader.fail(
                        _("In the rule set file %(file)s, %(path)s requires a level that does not exist: "
                          "%(name)s."),
                        f"standards[{index}].levels[{level.level - 1}].requires[{rank}]",
                        name=f"{requirement.standard} {requirement.level}",
                    )
    return standards


def _evaluation_order(reader: _Reader, standards: dict[str, Standard]) -> tuple[str, ...]:
    """Standards after those they require; a cycle is refused."""
    needs = {sid: {req.standard for level in standard.levels for req in level.requires}
             for sid, standard in standards.items()}
    order: list[str] = []
    while len(order) < len(standards):
        ready = [sid for sid in standards if sid not in order and needs[sid] <= set(order)]
        if not ready:
            cycle = ", ".join(sid for sid in standards if sid not in order)
            raise reader.fail(_("In the rule set file %(file)s, the standards %(name)s require each other "
                                "in a circle."), "standards", name=cycle)
        order.extend(ready)
    return tuple(order)


def parse_rule_set(data: Any, file: str = "<data>", path: Path | None = None) -> RuleSet:
    """Check and read the content of a rule set file; ``RuleSetError`` names what is wrong."""
    reader = _Reader(file)
    if not isinstance(data, dict):
        raise reader.fail(_("In the rule set file %(file)s, %(path)s should be %(expected)s, not %(value)s."),
                          "", expected=_("an object"), value=type(data).__name__)
    version = reader.key(data, "format", "", int)
    if version != FORMAT:
        raise reader.fail(_("The rule set file %(file)s has format %(value)s; this version reads format "
                            "%(expected)s."), "format", value=version, expected=FORMAT)
    documents = _documents(reader, data)
    document_ids = {document.id for document in documents}
    valid_from = reader.date(data, "valid_from", "")
    valid_to = reader.date(data, "valid_to", "", optional=True)
    if valid_to is not None and valid_to < valid_from:
        raise reader.fail(_("In the rule set file %(file)s, %(path)s is before valid_from."), "valid_to")
    conditions_raw = reader.key(data, "conditions", "", dict)
    declared = {}
    for name, entry in conditions_raw.items():
        if name not in KNOWN_CONDITIONS:
            raise reader.fail(_("In the rule set file %(file)s, %(path)s names an unknown condition "
                                "“%(name)s”."), f"conditions.{name}", name=name)
        entry = reader.as_dict(entry, f"conditions.{name}")
        declared[name] = reader.text(entry, "text", f"conditions.{name}")
    indicators = _indicators(reader, data, document_ids, declared)
    standards = _standards(reader, data, document_ids, indicators)
    attested = []
    for index, entry in enumerate(reader.key(data, "attested", "", list, optional=True, default=[])):
        where = f"attested[{index}]"
        entry = reader.as_dict(entry, where)
        attested.append(Attested(reader.text(entry, "id", where), reader.text(entry, "text", where),
                                 reader.source(entry, where, document_ids)))
    pending = tuple(str(item) for item in reader.key(data, "pending", "", list, optional=True, default=[]))
    return RuleSet(
        id=reader.text(data, "id", ""), title_vi=reader.text(data, "title_vi", ""),
        title_en=reader.text(data, "title_en", ""), valid_from=valid_from, valid_to=valid_to,
        documents=documents, operational=_operational(reader, data), conditions=declared,
        indicators=indicators, standards=standards, evaluation_order=_evaluation_order(reader, standards),
        attested=tuple(attested), pending=pending, path=path,
    )


def load_rule_set(path: Path | str) -> RuleSet:
    """Read and check one rule set file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RuleSetError(_("The rule set file %(file)s is not valid JSON: %(error)s."),
                           {"file": path.name, "error": str(error)}) from None
    return parse_rule_set(data, path.name, path)


def check_rule_sets(rule_sets: list[RuleSet]) -> list[RuleSet]:
    """Refuse two files with one id, or two rule sets starting the same day (which would win?)."""
    by_id: dict[str, RuleSet] = {}
    by_start: dict[dt.date, RuleSet] = {}
    for rule_set in rule_sets:
        if rule_set.id in by_id:
            raise RuleSetError(_("Two rule set files have the id “%(name)s”."), {"name": rule_set.id})
        if rule_set.valid_from in by_start:
            raise RuleSetError(
                _("The rule sets %(first)s and %(second)s both start on %(date)s."),
                {"first": by_start[rule_set.valid_from].id, "second": rule_set.id,
                 "date": rule_set.valid_from.strftime("%d/%m/%Y")},
            )
        by_id[rule_set.id] = rule_set
        by_start[rule_set.valid_from] = rule_set
    return sorted(rule_sets, key=lambda rule_set: rule_set.valid_from)


def rule_set_files(directory: Path = RULESET_DIR) -> list[Path]:
    """The rule set files of the directory; ``conditions-*.json`` are the attested checklists."""
    return [path for path in sorted(directory.glob("*.json")) if not path.name.startswith("conditions-")]


@functools.cache
def all_rule_sets(directory: Path = RULESET_DIR) -> tuple[RuleSet, ...]:
    """Every rule set file of the directory, checked, oldest first (read once per process)."""
    return tuple(check_rule_sets([load_rule_set(path) for path in rule_set_files(directory)]))


def get_rule_set(rule_set_id: str) -> RuleSet:
    for rule_set in all_rule_sets():
        if rule_set.id == rule_set_id:
            return rule_set
    raise RuleSetError(_("There is no rule set “%(name)s”."), {"name": rule_set_id})


def rule_set_for(year: int, rule_sets: Iterable[RuleSet] | None = None) -> RuleSet:
    """The rule set valid on the survey date (30 September) of ``year``; the latest starting one wins."""
    on = survey_date(year)
    valid = [rule_set for rule_set in (all_rule_sets() if rule_sets is None else rule_sets)
             if rule_set.applies_on(on)]
    if not valid:
        raise RuleSetError(_("No PCGD–XMC rule set is valid on %(date)s (survey year %(year)s)."),
                           {"date": on.strftime("%d/%m/%Y"), "year": year})
    return max(valid, key=lambda rule_set: rule_set.valid_from)
