"""The annual report of learning-model titles: registered and recognised per title and unit, against targets.

The province reports, per title, the number registered and the number recognised
before 15 December (CV 6782/BGDĐT-GDTX, recognition.md "Annual reporting"). Each
row also gives the subjects of the unit, the share holding the title, and the
target of the programme in force (``targets.yaml``: QĐ 281/QĐ-TTg to 2020 with
its ĐBKK variants, QĐ 387/QĐ-TTg by 2025, QĐ 677/QĐ-TTg for learning citizens).

The figures are the metrics of ``apps.recognition.metrics`` (one number, one
definition), read through ``apps.metrics.services.values`` and so limited to the
units the user may see. The interface renders the rows and exports them as XLSX.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml
from django.http import Http404

from apps.accounts.scope import scope_for
from apps.metrics.services import values
from apps.places.models import CommuneFlag, Unit, UnitKind
from apps.recognition.metrics import SHARE_TITLES, UNIT_KINDS
from apps.recognition.models import Title

TARGETS_FILE = Path(__file__).resolve().parent / "targets.yaml"
DUE = (12, 15)  # 15 December of the report year


@dataclass(frozen=True)
class Target:
    title: str
    share: Fraction
    document: str
    deadline: int
    special_difficulty_share: Fraction | None = None
    note: str = ""

    def for_commune(self, special_difficulty: bool) -> Fraction:
        if special_difficulty and self.special_difficulty_share is not None:
            return self.special_difficulty_share
        return self.share


@functools.cache
def all_targets() -> tuple[Target, ...]:
    data = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Target(
            title=item["title"],
            share=Fraction(item["share"]),
            document=programme["document"],
            deadline=int(programme["deadline"]),
            special_difficulty_share=Fraction(item["special_difficulty_share"])
            if item.get("special_difficulty_share")
            else None,
            note=item.get("note", ""),
        )
        for programme in data
        for item in programme["targets"]
    )


def target_for(title: str, year: int) -> Target | None:
    """The target whose deadline is the first at or after ``year``; else the latest one (deadline passed)."""
    candidates = sorted((t for t in all_targets() if t.title == title), key=lambda t: t.deadline)
    if not candidates:
        return None
    return next((t for t in candidates if t.deadline >= year), candidates[-1])


@dataclass(frozen=True)
class Row:
    unit: Unit
    title: str
    registered: int
    recognised: int
    subjects: int
    target: Target | None
    special_difficulty: bool

    @property
    def title_label(self) -> str:
        return Title(self.title).label

    @property
    def share(self) -> Fraction | None:
        """Share of the unit's subjects holding the title; None when the unit has none."""
        return Fraction(self.recognised, self.subjects) if self.subjects else None

    @property
    def target_share(self) -> Fraction | None:
        return self.target.for_commune(self.special_difficulty) if self.target else None

    @property
    def target_met(self) -> bool | None:
        """Compared exactly, as fractions (never after rounding)."""
        if self.share is None or self.target_share is None:
            return None
        return self.share >= self.target_share

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_code": self.unit.code,
            "unit_name": self.unit.name,
            "unit_kind": self.unit.kind,
            "title": self.title,
            "registered": self.registered,
            "recognised": self.recognised,
            "subjects": self.subjects,
            "share": float(self.share) if self.share is not None else None,
            "target": float(self.target_share) if self.target_share is not None else None,
            "target_document": self.target.document if self.target else None,
            "target_deadline": self.target.deadline if self.target else None,
            "special_difficulty": self.special_difficulty,
            "target_met": self.target_met,
        }


def report_units(user, unit: Unit) -> list[Unit]:
    """The unit and the units directly below it that the user may see; ``Http404`` out of scope."""
    scope = scope_for(user)
    if not scope.covers(unit):
        raise Http404("No unit matches the given query.")
    children = scope.filter(Unit.objects.filter(parent=unit, kind__in=UNIT_KINDS), unit_field=None)
    return [unit, *children.order_by("code", "name")]


def annual_report(user, unit: Unit, year: int) -> list[Row]:
    """Rows per unit (the unit, then its children) and title, for the user's scope and the year.

    Queries: the units, the commune flags, and two cached metric reads per title
    (computed once per year when never asked for).
    """
    units = report_units(user, unit)
    ids = [u.pk for u in units]
    flags = dict(
        CommuneFlag.objects.filter(year=year, unit_id__in=ids).values_list("unit_id", "special_difficulty")
    )
    rows = []
    for title in SHARE_TITLES:
        share = values(f"recognition.share.{title}", year, units=ids, user=user)
        counts = values(f"recognition.recognised.{title}", year, units=ids, user=user)
        target = target_for(title, year)
        for item in units:
            shared, counted = share.get(item.pk), counts.get(item.pk)
            rows.append(
                Row(
                    unit=item,
                    title=title,
                    registered=(counted.den or 0) if counted else 0,
                    recognised=(counted.num or 0) if counted else 0,
                    subjects=(shared.den or 0) if shared else 0,
                    target=target,
                    special_difficulty=item.kind == UnitKind.COMMUNE and flags.get(item.pk, False),
                )
            )
    return rows


def due_date(year: int):
    import datetime as dt

    return dt.date(year, *DUE)
