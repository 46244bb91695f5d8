"""The checklist of non-quantitative PCGD–XMC conditions and the commune's attestations.

Nghị định 20/2014/NĐ-CP and Thông tư 07/2016/TT-BGDĐT ask each standard and level
for conditions that no registry can count (teachers, school network, classrooms,
records). The list lives in a data file (``rulesets/conditions-*.json``, with the
article of each condition and its validity); a commune ticks each condition once
a year and keeps the evidence. The attested conditions are shown beside the
rate-based level and never change it (pcgd-xmc.md, "Commune thresholds").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, ImportFailed
from apps.places.models import Unit, UnitKind
from apps.places.services import survey_date
from apps.universal.models import Attestation, EvidenceFile, validate_evidence

RULESETS_DIR = Path(__file__).resolve().parent / "rulesets"
GENERAL = "all"  # conditions of every standard (the records of the commune)
FIRST_YEAR = 2000

# The standards in the order of the official forms, with their highest level
# (NĐ 20/2014: preschool for 5-year-olds has one level, literacy two).
STANDARDS: dict[str, int] = {"mn5": 1, "primary": 3, "lower_secondary": 3, "literacy": 2}
STANDARD_LABELS: dict[str, Promise] = {
    "mn5": _("Preschool education for 5-year-olds"),
    "primary": _("Primary education"),
    "lower_secondary": _("Lower-secondary education"),
    "literacy": _("Literacy"),
    GENERAL: _("Every standard"),
}


@dataclass(frozen=True)
class Condition:
    """One condition of the checklist, as the data file states it."""

    id: str
    standard: str
    levels: tuple[int, ...]
    document: str
    article: str
    vi: str
    en: str
    note: str = ""

    @property
    def text(self) -> str:
        """The wording in the language of the request (Vietnamese unless English is asked)."""
        return self.en if (translation.get_language() or "vi").startswith("en") else self.vi

    def applies_to(self, standard: str, level: int) -> bool:
        return self.standard in (standard, GENERAL) and level in self.levels


@dataclass(frozen=True)
class Checklist:
    """A versioned list of conditions (one data file)."""

    id: str
    valid_from: dt.date
    valid_to: dt.date | None
    documents: tuple[dict, ...]
    note: str
    conditions: tuple[Condition, ...]

    def get(self, condition_id: str) -> Condition | None:
        return next((c for c in self.conditions if c.id == condition_id), None)

    def in_force_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def _read(path: Path) -> Checklist:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Checklist(
        id=data["id"],
        valid_from=dt.date.fromisoformat(data["valid_from"]),
        valid_to=dt.date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
        documents=tuple(data.get("documents", ())),
        note=data.get("note", ""),
        conditions=tuple(
            Condition(
                id=item["id"], standard=item["standard"], levels=tuple(item["levels"]),
                document=item["document"], article=item["article"], vi=item["vi"], en=item["en"],
                note=item.get("note", ""),
            )
            for item in data["conditions"]
        ),
    )


@cache
def all_checklists() -> tuple[Checklist, ...]:
    return tuple(_read(path) for path in sorted(RULESETS_DIR.glob("conditions-*.json")))


def checklist_for(year: int) -> Checklist:
    """The checklist in force on the survey date of ``year``."""
    on = survey_date(year)
    for checklist in all_checklists():
        if checklist.in_force_on(on):
            return checklist
    raise DomainError(_("No checklist of conditions is in force in %(year)s."), {"year": year},
                      column="year")


@dataclass
class ConditionStatus:
    condition: Condition
    attestation: Attestation | None

    @property
    def met(self) -> bool:
        return self.attestation is not None and self.attestation.met


@dataclass
class StandardChecklist:
    """The conditions of one standard and the highest level whose conditions are all attested."""

    standard: str
    label: Promise
    max_level: int
    items: list[ConditionStatus] = field(default_factory=list)
    general: list[ConditionStatus] = field(default_factory=list)

    @property
    def attested_level(self) -> int:
        """0, or the highest level L such that every condition of the levels 1..L is met."""
        reached = 0
        for level in range(1, self.max_level + 1):
            needed = [s for s in self.items + self.general if level in s.condition.levels]
            if not all(status.met for status in needed):
                break
            reached = level
        return reached


def checklist_status(commune: Unit, year: int) -> tuple[list[StandardChecklist], list[ConditionStatus]]:
    """Per standard, the conditions with their attestation; and the general conditions."""
    checklist = checklist_for(year)
    found = Attestation.objects.filter(commune=commune, year=year).select_related("attested_by", "evidence")
    attested = {a.condition_id: a for a in found}
    general = [ConditionStatus(c, attested.get(c.id)) for c in checklist.conditions
               if c.standard == GENERAL]
    standards = []
    for standard, max_level in STANDARDS.items():
        items = [ConditionStatus(c, attested.get(c.id)) for c in checklist.conditions
                 if c.standard == standard]
        standards.append(StandardChecklist(standard, STANDARD_LABELS[standard], max_level, items, general))
    return standards, general


def attested_levels(communes: list[Unit], year: int) -> dict[int, dict[str, int]]:
    """``{commune id: {standard: attested level}}`` for many communes in one query."""
    checklist = checklist_for(year)
    met: dict[int, set[str]] = {c.pk: set() for c in communes}
    for commune_id, condition_id in Attestation.objects.filter(
        commune__in=communes, year=year, met=True
    ).values_list("commune_id", "condition_id"):
        met[commune_id].add(condition_id)
    result: dict[int, dict[str, int]] = {}
    for commune_id, ids in met.items():
        result[commune_id] = {}
        for standard, max_level in STANDARDS.items():
            reached = 0
            for level in range(1, max_level + 1):
                needed = [c.id for c in checklist.conditions if c.applies_to(standard, level)]
                if not all(condition_id in ids for condition_id in needed):
                    break
                reached = level
            result[commune_id][standard] = reached
    return result


@dataclass(frozen=True)
class Entry:
    """What the checklist page (or the API) sends for one condition."""

    condition_id: str
    met: bool
    note: str = ""
    evidence: UploadedFile | None = None


def check_commune_year(commune: Unit, year: int) -> None:
    """A checklist belongs to a commune in force on the survey date of its year."""
    if commune.kind != UnitKind.COMMUNE:
        raise DomainError(_("Conditions are attested by a commune."), column="commune")
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise DomainError(_("The year %(year)s is outside the years a survey can cover."),
                          {"year": year}, column="year")
    if not commune.in_force_on(survey_date(year)):
        raise DomainError(
            _("%(commune)s is not in force on %(date)s; attest with the commune of that year's map."),
            {"commune": commune.name, "date": survey_date(year).strftime("%d/%m/%Y")}, column="year",
        )


def _validate(entries: list[Entry], checklist: Checklist) -> list[DomainError]:
    errors: list[DomainError] = []
    seen: set[str] = set()
    for row, entry in enumerate(entries, start=1):
        if checklist.get(entry.condition_id) is None:
            errors.append(DomainError(_("The checklist has no condition “%(id)s”."),
                                      {"id": entry.condition_id}, row=row, column="condition_id"))
        elif entry.condition_id in seen:
            errors.append(DomainError(_("The condition “%(id)s” is given twice."),
                                      {"id": entry.condition_id}, row=row, column="condition_id"))
        seen.add(entry.condition_id)
        if entry.evidence is not None:
            try:
                validate_evidence(entry.evidence)
            except ValidationError as error:
                errors.append(DomainError(error.message, error.params or {}, row=row, column="evidence"))
        if len(entry.note) > 2000:
            errors.append(DomainError(_("The note is longer than 2,000 characters."), row=row,
                                      column="note"))
    return errors


def store_evidence(commune: Unit, upload: UploadedFile, *, user) -> EvidenceFile:
    """Keep an uploaded (and validated) evidence file, with its size and SHA-256."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "evidence").rsplit("/", 1)[-1][:200]
    return EvidenceFile.objects.create(commune=commune, file=upload, original_name=name, size=upload.size,
                                       sha256=digest.hexdigest(), uploaded_by=user)


def save_checklist(commune: Unit, year: int, entries: list[Entry], *, user) -> list[Attestation]:
    """Record the commune's attestations of a year, all or nothing.

    Needs the "edit" capability on the commune. Unchanged conditions (same answer,
    same note, no new file) keep their attestation, so that who attested and when
    stays true. A new file replaces the evidence; the earlier file is kept and the
    audit trail records which one was attached when.
    """
    if not scope_for(user, EDIT).covers(commune):
        raise PermissionDenied(_("You may not change the records of this unit."))
    check_commune_year(commune, year)
    checklist = checklist_for(year)
    errors = _validate(entries, checklist)
    if errors:
        raise ImportFailed(errors)
    now = timezone.now()
    saved: list[Attestation] = []
    with transaction.atomic():
        existing = {a.condition_id: a for a in
                    Attestation.objects.select_for_update().filter(commune=commune, year=year)}
        for entry in entries:
            attestation = existing.get(entry.condition_id)
            note = entry.note.strip()
            if attestation is not None and attestation.met == entry.met and attestation.note == note \
                    and entry.evidence is None:
                continue
            if attestation is None and not entry.met and not note and entry.evidence is None:
                continue  # nothing to state: the condition stays "not attested"
            if attestation is None:
                attestation = Attestation(commune=commune, year=year, condition_id=entry.condition_id,
                                          created_by=user)
            attestation.met = entry.met
            attestation.note = note
            if entry.evidence is not None:
                attestation.evidence = store_evidence(commune, entry.evidence, user=user)
            attestation.attested_by = user
            attestation.attested_at = now
            attestation.updated_by = user
            attestation.save()
            saved.append(attestation)
    return saved
