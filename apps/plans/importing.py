"""Importing a plan from a structured file (YAML or JSON of the same shape; ``docs/plans.md``).

::

    on: 2026-01-01                 # the date whose map resolves unit codes (default: today)
    documents: [...]               # optional: documents above, created or updated first, in order
    document: {number: "145-KH/HU", kind: plan, issuer: "...", date: null, title: "...",
               parent: "122-KH/TU", unit: "653", on: 2019-07-09, issuer_organisation: "..."}
    targets: [{code: M1, title: "...", unit: "24454", metric: "...", baseline: 0.6,
               target: 0.7, deadline: 2026-12-31, lead: "...", reports: [{on, value}]}]
    tasks: [{code: T1, title: "...", lead: "Hội Khuyến học xã Dang Kang", unit: "24454",
             deadline: 2026-06-30, completed_on: 2026-06-20, subtasks: [...],
             cascade: true, recurrence: yearly, until: 2030-12-31, progress: [{on, text, percent}]}]

All or nothing: every item is checked, every error is reported with its path
(``tasks[2].subtasks[1].lead``, counted from 1) and field, and nothing is written
unless the whole file is valid. Importing the same file again updates the document
(by number), its targets and tasks (by code) and adds no duplicate.

Unit codes by length: 2 digits a province, 3 a district, 5 a commune. A district
code means the district of the map before 1/7/2025 even when ``on`` is later (the
level was abolished), so that a district plan of 2019–2025 keeps its district
while its commune tasks name the 2025 communes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, ImportFailed
from apps.organisations.models import Organisation, OrganisationKind
from apps.places.models import LEGACY_END, Unit, UnitKind
from apps.places.services import normalise_name, resolve
from apps.plans import services
from apps.plans.models import Document, ProgressUpdate, Target, TargetReport, Task

KIND_BY_LENGTH = {2: UnitKind.PROVINCE, 3: UnitKind.DISTRICT, 5: UnitKind.COMMUNE}
# The kind of an organisation created by --create-organisations, from the start of its name.
KIND_BY_NAME = [
    ("hội khuyến học", OrganisationKind.ASSOCIATION),
    ("ủy ban nhân dân", OrganisationKind.PEOPLES_COMMITTEE),
    ("ubnd", OrganisationKind.PEOPLES_COMMITTEE),
    ("hội đồng nhân dân", OrganisationKind.PEOPLES_COUNCIL),
    ("ủy ban mặt trận", OrganisationKind.FATHERLAND_FRONT),
    ("mặt trận", OrganisationKind.FATHERLAND_FRONT),
    ("đảng ủy", OrganisationKind.PARTY_COMMITTEE),
    ("huyện ủy", OrganisationKind.PARTY_COMMITTEE),
    ("tỉnh ủy", OrganisationKind.PARTY_COMMITTEE),
    ("ban thường vụ", OrganisationKind.PARTY_COMMITTEE),
    ("trung tâm học tập cộng đồng", OrganisationKind.LEARNING_CENTRE),
    ("trường", OrganisationKind.SCHOOL),
    ("phòng", OrganisationKind.AGENCY),
    ("sở", OrganisationKind.AGENCY),
    ("hội", OrganisationKind.MASS_ORGANISATION),
    ("đoàn", OrganisationKind.MASS_ORGANISATION),
]


@dataclass
class ImportResult:
    document: Document
    created: dict[str, int] = field(default_factory=lambda: {"documents": 0, "targets": 0, "tasks": 0,
                                                             "organisations": 0, "reports": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"documents": 0, "targets": 0, "tasks": 0})


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. YAML 1.1 reads the key ``on:`` (and yes/no/off) as a boolean."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _read(source: Any) -> Any:
    """A path, bytes, a text, or an open file; YAML (JSON is read as YAML)."""
    if isinstance(source, Path):
        text = source.read_text(encoding="utf-8-sig")
    elif isinstance(source, bytes):
        text = source.decode("utf-8-sig")
    elif isinstance(source, str):
        text = source
    elif isinstance(source, io.IOBase) or hasattr(source, "read"):
        data = source.read()
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    else:
        raise TypeError(f"Cannot read a plan from {type(source).__name__}")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ImportFailed([DomainError(_("The file is not valid YAML or JSON: %(error)s"),
                                        {"error": str(getattr(error, "problem", error))},
                                        row=mark.line + 1 if mark else None)]) from None


def _denied(error: PermissionDenied):
    """The (lazy, translatable) message of a refusal of the services."""
    return error.args[0] if error.args else _("You may not change the plans, targets and tasks of this unit.")


class _Importer:
    def __init__(self, data: Any, *, user, create_organisations: bool, is_demo: bool) -> None:
        self.data = data
        self.user = user
        self.create_organisations = create_organisations
        self.is_demo = is_demo
        self.errors: list[DomainError] = []
        self.on = timezone.localdate()
        self.units: dict[str, Unit] = {}
        self.result: ImportResult | None = None
        self.codes: set[str] = set()

    # --- errors and values ----------------------------------------------------------------

    def fail(self, path: str, error: DomainError) -> None:
        column = f"{path}.{error.column}" if error.column and path else (error.column or path)
        self.errors.append(DomainError(error.message, error.params, column=column))

    def refuse(self, path: str, message, params: dict | None = None) -> None:
        self.errors.append(DomainError(message, params or {}, column=path))

    def attempt(self, path: str, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a service call; its refusal becomes an error at ``path`` (and the result None)."""
        try:
            return action(*args, **kwargs)
        except DomainError as error:
            self.fail(path, error)
        except PermissionDenied as error:
            self.refuse(path, _denied(error))
        return None

    def date(self, value: Any, path: str) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.refuse(path, _("“%(value)s” is not a date (YYYY-MM-DD)."), {"value": value})
            return None

    def number(self, value: Any, path: str) -> Decimal | None:
        if value is None or value == "":
            return None
        try:
            return Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.refuse(path, _("“%(value)s” is not a number."), {"value": value})
            return None

    def unit(self, code: Any, path: str) -> Unit | None:
        code = str(code or "").strip()
        if not code:
            self.refuse(path, _("The unit code is missing."))
            return None
        if code in self.units:
            return self.units[code]
        kind = KIND_BY_LENGTH.get(len(code))
        if kind is None or not code.isdigit():
            self.refuse(path, _("“%(code)s” is not a unit code (2 digits for a province, 3 for a district, "
                                "5 for a commune)."), {"code": code})
            return None
        on = min(self.on, LEGACY_END) if kind == UnitKind.DISTRICT else self.on
        try:
            unit = resolve(code, on, kind)
        except DomainError as error:
            self.fail(path, error)
            return None
        self.units[code] = unit
        return unit

    def organisation(self, name: Any, unit: Unit | None, path: str) -> Organisation | None:
        """An organisation by name: on ``unit`` first, else the only one of that name anywhere."""
        name = " ".join(str(name or "").split())
        if not name:
            self.refuse(path, _("A task needs a lead organisation."))
            return None
        key = normalise_name(name)
        # Names are stored NFC-cleaned by the organisation services; compare case-insensitively.
        candidates = [org for org in Organisation.objects.filter(name__iexact=name).select_related("unit")
                      if normalise_name(org.name) == key]
        local = [org for org in candidates if unit is not None and org.unit_id == unit.pk]
        if local:
            return local[0]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            self.refuse(path, _("Several organisations are named “%(name)s”; name the one on the task's "
                                "unit."), {"name": name})
            return None
        if self.create_organisations and unit is not None:
            return self.new_organisation(name, unit)
        self.refuse(path, _("Unknown organisation “%(name)s” (use --create-organisations to create it on the "
                            "task's unit)."), {"name": name})
        return None

    def new_organisation(self, name: str, unit: Unit) -> Organisation:
        from apps.organisations.services import create_organisation

        lowered = name.casefold()
        kind = next((kind for start, kind in KIND_BY_NAME if lowered.startswith(start)),
                    OrganisationKind.OTHER)
        if self.user is None:
            organisation = Organisation.objects.create(name=name, kind=kind, unit=unit, is_demo=self.is_demo)
        else:
            organisation = create_organisation(self.user, name=name, kind=kind, unit=unit,
                                               is_demo=self.is_demo)
        self.result.created["organisations"] += 1
        return organisation

    # --- documents ----------------------------------------------------------------------------

    def document(self, item: Any, path: str) -> Document | None:
        if not isinstance(item, dict):
            self.refuse(path, _("A document must be a mapping of fields (number, kind, title, …)."))
            return None
        number = " ".join(str(item.get("number") or "").split())
        if not number:
            self.refuse(f"{path}.number", _("The document has no number."))
            return None
        fields: dict[str, Any] = {
            "kind": str(item.get("kind") or "").strip(),
            "title": item.get("title") or "",
            "summary": (item.get("summary") or "").strip(),
            "text": (item.get("text") or "").strip(),
            "issuer_name": item.get("issuer") or "",
        }
        for name in ("date", "valid_from", "valid_to"):
            fields[name] = self.date(item.get(name), f"{path}.{name}")
        fields["unit"] = None
        if item.get("unit"):
            # A document may name its own map date (a 2019 provincial plan: the province of 2019).
            on = self.date(item.get("on"), f"{path}.on") if item.get("on") else None
            saved, self.on = self.on, on or self.on
            cached, self.units = self.units, {}
            try:
                fields["unit"] = self.unit(item["unit"], f"{path}.unit")
            finally:
                self.on, self.units = saved, cached
        organisation = " ".join(str(item.get("issuer_organisation") or "").split())
        fields["issuer"] = None
        if organisation:
            fields["issuer"] = self.organisation(organisation, fields["unit"], f"{path}.issuer_organisation")
        parent_number = " ".join(str(item.get("parent") or "").split())
        fields["parent"] = None
        if parent_number:
            fields["parent"] = Document.objects.filter(number=parent_number).first()
            if fields["parent"] is None:
                self.refuse(f"{path}.parent", _("Unknown parent document “%(number)s”."),
                            {"number": parent_number})
                return None
        existing = Document.objects.filter(number=number).first()
        if (existing is not None and path != "document" and self.user is not None
                and not services.can_edit(self.user, existing.unit)):
            return existing  # a document above, registered already: referenced, left as its owners keep it
        if existing is None:
            self.result.created["documents"] += 1
            return self.attempt(path, services.create_document, self.user, number=number,
                                is_demo=self.is_demo, **fields)
        self.result.updated["documents"] += 1
        return self.attempt(path, services.update_document, self.user, existing, **fields)

    # --- targets --------------------------------------------------------------------------------

    def target(self, document: Document, item: Any, path: str) -> None:
        if not isinstance(item, dict):
            self.refuse(path, _("A target must be a mapping of fields (code, title, unit, target, …)."))
            return
        code = " ".join(str(item.get("code") or "").split())
        unit = self.unit(item.get("unit"), f"{path}.unit")
        fields: dict[str, Any] = {
            "title": item.get("title") or "",
            "metric": str(item.get("metric") or "").strip(),
            "baseline": self.number(item.get("baseline"), f"{path}.baseline"),
            "baseline_on": self.date(item.get("baseline_on"), f"{path}.baseline_on"),
            "target_value": self.number(item.get("target"), f"{path}.target"),
            "direction": str(item.get("direction") or "increase").strip(),
            "deadline": self.date(item.get("deadline"), f"{path}.deadline"),
            "accountable_head": " ".join(str(item.get("head") or "").split()),
        }
        if item.get("lead"):
            fields["organisation"] = self.organisation(item["lead"], unit, f"{path}.lead")
        if unit is None or ("lead" in item and fields.get("organisation") is None):
            return
        if not code:
            self.refuse(f"{path}.code", _("The target has no code."))
            return
        if ("target", code) in self.codes:
            self.refuse(f"{path}.code", _("The code “%(code)s” appears twice in the file."), {"code": code})
            return
        self.codes.add(("target", code))
        existing = Target.objects.filter(document=document, code=code).first()
        if existing is None:
            target = self.attempt(path, services.create_target, self.user, document, code=code, unit=unit,
                                  is_demo=self.is_demo, **fields)
        else:
            target = self.attempt(path, services.update_target, self.user, existing, unit=unit, **fields)
        if target is None:
            return
        (self.result.created if existing is None else self.result.updated)["targets"] += 1
        for index, report in enumerate(item.get("reports") or [], start=1):
            where = f"{path}.reports[{index}]"
            on = self.date((report or {}).get("on"), f"{where}.on")
            value = self.number((report or {}).get("value"), f"{where}.value")
            if on is None or value is None:
                self.refuse(where, _("A reported value needs a date (on) and a value."))
                continue
            if TargetReport.objects.filter(target=target, on=on, value=value).exists():
                continue
            if self.attempt(where, services.report_target_value, self.user, target, on=on, value=value,
                            note=str(report.get("note") or ""), is_demo=self.is_demo):
                self.result.created["reports"] += 1

    # --- tasks ------------------------------------------------------------------------------------

    def task(self, document: Document, item: Any, path: str, parent: Task | None) -> None:
        if not isinstance(item, dict):
            self.refuse(path, _("A task must be a mapping of fields (code, title, lead, unit, deadline, …)."))
            return
        code = " ".join(str(item.get("code") or "").split())
        unit = self.unit(item.get("unit") or (parent.unit.code if parent else ""), f"{path}.unit")
        lead = self.organisation(item.get("lead"), unit, f"{path}.lead") if unit is not None else None
        coordinating = []
        for index, name in enumerate(item.get("coordinating") or [], start=1):
            organisation = self.organisation(name, unit, f"{path}.coordinating[{index}]")
            if organisation is not None:
                coordinating.append(organisation)
        fields: dict[str, Any] = {
            "title": item.get("title") or "",
            "description": (item.get("description") or "").strip(),
            "accountable_head": " ".join(str(item.get("head") or "").split()),
            "deadline": self.date(item.get("deadline"), f"{path}.deadline"),
            "completed_on": self.date(item.get("completed_on"), f"{path}.completed_on"),
            "recurrence": str(item.get("recurrence") or "").strip(),
            "parent": parent,
        }
        until = self.date(item.get("until"), f"{path}.until")
        if unit is None or lead is None:
            return
        if not code:
            self.refuse(f"{path}.code", _("The task has no code."))
            return
        if ("task", code) in self.codes:
            self.refuse(f"{path}.code", _("The code “%(code)s” appears twice in the file: a task cannot be "
                                          "its own sub-task, nor appear in two places of the cascade."),
                        {"code": code})
            return
        self.codes.add(("task", code))
        existing = Task.objects.filter(document=document, code=code).first()
        cascade = item.get("cascade")
        options = cascade if isinstance(cascade, dict) else {}
        cascade_deadline = self.date(options.get("deadline"), f"{path}.cascade.deadline")

        def save() -> Task:
            if existing is None:
                task = services.create_task(self.user, document, code=code, unit=unit, lead=lead,
                                            coordinating=coordinating, is_demo=self.is_demo, **fields)
            else:
                task = services.update_task(self.user, existing, unit=unit, lead=lead,
                                            coordinating=coordinating, **fields)
            before = task.subtasks.count()
            if task.recurrence:
                services.schedule_task(self.user, task, until=until)
            if cascade:
                services.cascade_task(self.user, task, on=self.on, lead_kind=options.get("lead_kind"),
                                      deadline=cascade_deadline)
            self.result.created["tasks"] += task.subtasks.count() - before
            return task

        task = self.attempt(path, save)
        if task is None:
            return
        (self.result.created if existing is None else self.result.updated)["tasks"] += 1
        for index, report in enumerate(item.get("progress") or [], start=1):
            self.progress(task, report, f"{path}.progress[{index}]")
        for index, sub in enumerate(item.get("subtasks") or [], start=1):
            self.task(document, sub, f"{path}.subtasks[{index}]", task)

    def progress(self, task: Task, report: Any, path: str) -> None:
        if not isinstance(report, dict):
            self.refuse(path, _("A progress report must be a mapping (on, text, percent)."))
            return
        on = self.date(report.get("on"), f"{path}.on")
        text = (report.get("text") or "").strip()
        if on is None:
            self.refuse(f"{path}.on", _("A progress report needs a date."))
            return
        if ProgressUpdate.objects.filter(task=task, on=on, text=text).exists():
            return
        percent = report.get("percent")
        if percent not in (None, "") and not str(percent).strip().isdigit():
            self.refuse(f"{path}.percent", _("“%(value)s” is not a number."), {"value": percent})
            return
        if self.attempt(path, services.report_progress, self.user, task, on=on, text=text,
                        percent=int(percent) if percent not in (None, "") else None, is_demo=self.is_demo):
            self.result.created["reports"] += 1

    # --- the file ------------------------------------------------------------------------------------

    def run(self) -> ImportResult:
        data = self.data
        if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
            raise ImportFailed([DomainError(
                _("The file must be a mapping with a “document”, and optionally “on”, “documents”, “targets” "
                  "and “tasks”."), column="document")])
        on = self.date(data.get("on"), "on")
        if self.errors:
            raise ImportFailed(self.errors)
        self.on = on or self.on
        self.result = ImportResult(document=Document())  # replaced below
        for index, item in enumerate(data.get("documents") or [], start=1):
            self.document(item, f"documents[{index}]")
        document = self.document(data["document"], "document")
        if document is None:
            raise ImportFailed(self.errors)
        self.result.document = document
        for name in ("targets", "tasks"):
            if data.get(name) is not None and not isinstance(data[name], list):
                self.refuse(name, _("“%(name)s” must be a list."), {"name": name})
        for index, item in enumerate(data.get("targets") or [], start=1):
            self.target(document, item, f"targets[{index}]")
        for index, item in enumerate(data.get("tasks") or [], start=1):
            self.task(document, item, f"tasks[{index}]", None)
        if self.errors:
            raise ImportFailed(self.errors)
        return self.result


def import_plan(source: Any, *, user=None, create_organisations: bool = False,
                is_demo: bool = False) -> ImportResult:
    """Import a plan file (path, bytes, text or file); all or nothing.

    ``user`` None: the system (command line, demo); otherwise the user needs the
    PLANS capability on every unit the file writes to (refused like any other error,
    at its path). Documents above (``documents:``) that exist already and that the
    user may not change are referenced as they are.
    Raises ``ImportFailed`` carrying every error, each naming its path and field.
    """
    data = _read(source)
    with transaction.atomic():
        return _Importer(data, user=user, create_organisations=create_organisations, is_demo=is_demo).run()
