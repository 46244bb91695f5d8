"""Criteria-set files (YAML or JSON): parse, store, read back as a spec, export.

The file format is the one of the shipped sets in ``apps/recognition/sets/``::

    code: gdht-qd448-2015
    title: gdht
    name: Gia đình học tập
    document: {number: 448/QĐ-KHVN, issuer: Hội Khuyến học Việt Nam, date: 2015-12-01, title: …}
    valid_from: 2016-01-01
    valid_to: null
    unit: null                  # a province code for a provincial set
    judging: points             # points | bands | levels
    total_points: 100
    pass_rule: {total_min: 80, criterion_min: null, indicator_min: 5, required: [1a], bands: []}
    is_illustrative: false
    notes: …
    criteria:
      - code: "1"
        name: …
        max_points: 30
        indicators:
          - {code: 1a, name: …, max_points: 10, scoring: "computed:gdht_1a", known: true}

Export → import is lossless (``export_data(load(data)) == data`` up to defaults).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, ImportFailed
from apps.recognition.criteria import CriterionSpec, IndicatorSpec, PassRule, SetSpec, spec_from_data
from apps.recognition.models import CriteriaSet, Criterion, Indicator, Method, Title

SETS_DIR = Path(__file__).resolve().parent / "sets"
MAX_FILE_BYTES = 1_000_000


def known_rules() -> set[str]:
    from apps.recognition.autoscore import RULES

    return set(RULES)


def parse_text(text: str | bytes, filename: str = "") -> Any:
    """The content of a YAML or JSON file (JSON is YAML, but its errors read better as JSON)."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise DomainError(_("The file is larger than %(max)s bytes."), {"max": MAX_FILE_BYTES})
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(_("The file is not UTF-8 text.")) from None
    try:
        if filename.lower().endswith(".json"):
            return json.loads(text)
        return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise DomainError(
            _("The file cannot be read as YAML or JSON: %(error)s"), {"error": str(error)}
        ) from None


def validate(data: Any) -> SetSpec:
    """The spec of a set file's content; ``ImportFailed`` with every error otherwise."""
    return spec_from_data(data, known_rules=known_rules(), titles=set(Title.values))


def shipped_files() -> list[Path]:
    return sorted(SETS_DIR.glob("*.yaml"))


def read_file(path: Path) -> SetSpec:
    return validate(parse_text(path.read_bytes(), path.name))


# ---------------------------------------------------------------- database


def _resolve_province(code: str | None):
    if not code:
        return None
    from apps.places.models import Unit, UnitKind

    units = list(
        Unit.objects.filter(kind=UnitKind.PROVINCE, code=code).order_by(F("valid_from").desc(nulls_last=True))
    )
    if not units:
        raise ImportFailed(
            [DomainError(_("No province has the code “%(code)s”."), {"code": code}, column="unit")]
        )
    # A code reused across the two maps: the province in force now (the 2025 map) wins.
    return units[0]


def store(spec: SetSpec, *, user=None, is_demo: bool = False, replace: bool = False) -> CriteriaSet:
    """Write a validated spec (in the caller's transaction). An existing code is refused unless ``replace``.

    Replacing a set already used by a campaign is refused: the judgements made on it
    must stay reproducible (publish a new version under a new code instead).
    """
    existing = CriteriaSet.objects.filter(code=spec.code).first()
    if existing is not None:
        if not replace:
            raise ImportFailed(
                [
                    DomainError(
                        _("A criteria set with the code “%(code)s” already exists."),
                        {"code": spec.code},
                        column="code",
                    )
                ]
            )
        if existing.campaigns.exists():
            raise ImportFailed(
                [
                    DomainError(
                        _(
                            "The criteria set “%(code)s” is used by a campaign and cannot be replaced; "
                            "load the new version under a new code."
                        ),
                        {"code": spec.code},
                        column="code",
                    )
                ]
            )
    author = user if getattr(user, "pk", None) else None
    rule = spec.pass_rule
    fields = {
        "title": spec.title,
        "name": spec.name,
        "document_number": spec.document_number,
        "document_issuer": spec.document_issuer,
        "document_date": spec.document_date,
        "document_title": spec.document_title,
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "unit": _resolve_province(spec.unit_code),
        "judging": spec.judging,
        "total_points": spec.total_points,
        "pass_total": rule.total_min,
        "pass_criterion_min": rule.criterion_min,
        "pass_indicator_min": rule.indicator_min,
        "required_items": list(rule.required),
        "bands": [{"name": name, "min": minimum} for name, minimum in rule.bands],
        "is_illustrative": spec.is_illustrative,
        "notes": spec.notes,
        "updated_by": author,
    }
    if existing is not None:
        existing.criteria.all().delete()
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.save()
        criteria_set = existing
    else:
        criteria_set = CriteriaSet.objects.create(
            code=spec.code, created_by=author, is_demo=is_demo, **fields
        )
    for order, criterion_spec in enumerate(spec.criteria, start=1):
        criterion = Criterion.objects.create(
            criteria_set=criteria_set,
            code=criterion_spec.code,
            name=criterion_spec.name,
            max_points=criterion_spec.max_points,
            min_points=criterion_spec.min_points,
            order=order,
        )
        Indicator.objects.bulk_create(
            [
                Indicator(
                    criteria_set=criteria_set,
                    criterion=criterion,
                    code=ind.code,
                    name=ind.name,
                    max_points=ind.max_points,
                    min_points=ind.min_points,
                    method=Method.COMPUTED if ind.rule else Method.EVALUATOR,
                    rule=ind.rule,
                    params=ind.params,
                    level=ind.level,
                    known=ind.known,
                    order=position,
                )
                for position, ind in enumerate(criterion_spec.indicators, start=1)
            ]
        )
    return criteria_set


def spec_of(criteria_set: CriteriaSet) -> SetSpec:
    """The stored set as a spec (two queries: criteria, indicators)."""
    indicators: dict[int, list[IndicatorSpec]] = {}
    for ind in Indicator.objects.filter(criteria_set=criteria_set).order_by("criterion_id", "order", "code"):
        indicators.setdefault(ind.criterion_id, []).append(
            IndicatorSpec(
                code=ind.code,
                name=ind.name,
                max_points=ind.max_points,
                scoring=ind.scoring,
                min_points=ind.min_points,
                level=ind.level,
                known=ind.known,
                params=ind.params or {},
            )
        )
    criteria = tuple(
        CriterionSpec(
            code=c.code,
            name=c.name,
            max_points=c.max_points,
            min_points=c.min_points,
            indicators=tuple(indicators.get(c.pk, [])),
        )
        for c in Criterion.objects.filter(criteria_set=criteria_set).order_by("order", "code")
    )
    return SetSpec(
        code=criteria_set.code,
        title=criteria_set.title,
        name=criteria_set.name,
        document_number=criteria_set.document_number,
        document_issuer=criteria_set.document_issuer,
        document_date=criteria_set.document_date,
        document_title=criteria_set.document_title,
        valid_from=criteria_set.valid_from,
        valid_to=criteria_set.valid_to,
        unit_code=criteria_set.unit.code if criteria_set.unit_id else None,
        judging=criteria_set.judging,
        total_points=criteria_set.total_points,
        criteria=criteria,
        pass_rule=PassRule(
            total_min=criteria_set.pass_total,
            criterion_min=criteria_set.pass_criterion_min,
            indicator_min=criteria_set.pass_indicator_min,
            required=tuple(criteria_set.required_items or ()),
            bands=tuple((band["name"], band["min"]) for band in criteria_set.bands or ()),
        ),
        is_illustrative=criteria_set.is_illustrative,
        notes=criteria_set.notes,
    )


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _drop_empty(data: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in keep or value not in (None, "", [], {})}


def spec_to_data(spec: SetSpec) -> dict[str, Any]:
    """The file content of a spec, in the order of the format above."""
    rule = spec.pass_rule
    return {
        "code": spec.code,
        "title": spec.title,
        "name": spec.name,
        "document": _drop_empty(
            {
                "number": spec.document_number,
                "issuer": spec.document_issuer,
                "date": _date(spec.document_date),
                "title": spec.document_title,
            }
        ),
        "valid_from": _date(spec.valid_from),
        "valid_to": _date(spec.valid_to),
        "unit": spec.unit_code,
        "judging": spec.judging,
        "total_points": spec.total_points,
        "pass_rule": {
            "total_min": rule.total_min,
            "criterion_min": rule.criterion_min,
            "indicator_min": rule.indicator_min,
            "required": list(rule.required),
            "bands": [{"name": n, "min": m} for n, m in rule.bands],
        },
        "is_illustrative": spec.is_illustrative,
        "notes": spec.notes,
        "criteria": [
            _drop_empty(
                {
                    "code": criterion.code,
                    "name": criterion.name,
                    "max_points": criterion.max_points,
                    "min_points": criterion.min_points,
                    "indicators": [
                        _drop_empty(
                            {
                                "code": ind.code,
                                "name": ind.name,
                                "max_points": ind.max_points,
                                "min_points": ind.min_points,
                                "scoring": ind.scoring,
                                "level": ind.level,
                                "known": ind.known,
                                "params": ind.params,
                            },
                            keep=("known",),
                        )
                        for ind in criterion.indicators
                    ],
                }
            )
            for criterion in spec.criteria
        ],
    }


def dump(data: dict[str, Any], fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
