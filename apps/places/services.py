"""Services of the places app: resolving codes on a date, villages, commune flags.

Every write goes through a function here, which owns its transaction; the audit
trail is written by the model signals (``apps.accounts.audit``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.places.models import Structure, Unit, UnitKind

SESSION_MAP_DATE = "map_date"


def normalise_name(name: str) -> str:
    """NFC, single spaces, case-folded: the key that keeps village names unique."""
    text = unicodedata.normalize("NFC", name or "")
    return re.sub(r"\s+", " ", text).strip().casefold()


def clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "")).strip()


def survey_date(year: int) -> dt.date:
    """The date whose map resolves the codes of a survey year: 30 September of that year."""
    return dt.date(year, 9, 30)


def structure_on(on: dt.date) -> str:
    from apps.places.models import REFORM_DATE

    return Structure.REFORM_2025 if on >= REFORM_DATE else Structure.LEGACY


def resolve(code: str, on: dt.date, kind: str = UnitKind.COMMUNE) -> Unit:
    """The unit of a kind that bears ``code`` in the structure in force on ``on``.

    Raises ``DomainError`` when no unit or more than one unit matches.
    """
    code = (code or "").strip()
    matches = list(Unit.objects.in_force(on).filter(kind=kind, code=code)[:2])
    if not matches:
        raise DomainError(
            _("No %(kind)s has the code “%(code)s” on %(date)s."),
            {"kind": UnitKind(kind).label, "code": code, "date": on.strftime("%d/%m/%Y")},
        )
    if len(matches) > 1:
        raise DomainError(
            _("The code “%(code)s” is ambiguous on %(date)s: several units bear it."),
            {"code": code, "date": on.strftime("%d/%m/%Y")},
        )
    return matches[0]


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def map_date_from_request(request: HttpRequest) -> dt.date:
    """The date whose map the user is looking at: ``?on=``, ``?year=``, the session, or today.

    A year means its survey date (30 September), as for every yearly figure.
    """
    on = parse_date(request.GET.get("on"))
    year = request.GET.get("year", "")
    if on is None and year.isdigit() and 1990 <= int(year) <= 2100:
        on = survey_date(int(year))
    session = getattr(request, "session", None)
    if on is not None:
        if session is not None:
            session[SESSION_MAP_DATE] = on.isoformat()
        return on
    if session is not None and (stored := parse_date(session.get(SESSION_MAP_DATE))):
        return stored
    return timezone.localdate()


def _require_commune(commune: Unit) -> None:
    if commune.kind != UnitKind.COMMUNE:
        raise DomainError(_("Villages can only be created inside a commune."))


def next_village_code(commune: Unit) -> str:
    """``<commune code>-NNN``, one above the highest number the commune's villages use."""
    prefix = f"{commune.code}-"
    numbers = [
        int(code[len(prefix):])
        for code in Unit.objects.filter(
            parent=commune, kind=UnitKind.VILLAGE, code__startswith=prefix
        ).values_list("code", flat=True)
        if code[len(prefix):].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


VILLAGE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


def validate_village(
    commune: Unit, name: str, division_type: str, code: str = "", *, instance: Unit | None = None
) -> list[DomainError]:
    """The reasons a village cannot be saved, each naming its field; empty when valid."""
    from apps.places.models import VILLAGE_TYPES

    errors: list[DomainError] = []
    if not clean_name(name):
        errors.append(DomainError(_("The village name is empty."), column="name"))
    elif len(clean_name(name)) > 200:
        errors.append(DomainError(_("The village name is longer than 200 characters."), column="name"))
    else:
        same_name = Unit.objects.filter(
            parent=commune, kind=UnitKind.VILLAGE, name_key=normalise_name(name)
        )
        if instance is not None:
            same_name = same_name.exclude(pk=instance.pk)
        if same_name.exists():
            errors.append(DomainError(
                _("The commune already has a village named “%(name)s”."),
                {"name": clean_name(name)}, column="name",
            ))
    if division_type not in VILLAGE_TYPES:
        errors.append(DomainError(
            _("Unknown village type “%(type)s”; use one of: %(types)s."),
            {"type": division_type, "types": ", ".join(VILLAGE_TYPES)}, column="type",
        ))
    if code and instance is None:
        if not VILLAGE_CODE.match(code):
            errors.append(DomainError(
                _("The village code “%(code)s” may hold only letters, digits, “.”, “-” and “_”."),
                {"code": code}, column="code",
            ))
        elif Unit.objects.filter(parent=commune, kind=UnitKind.VILLAGE, code=code).exists():
            errors.append(DomainError(
                _("The commune already has a village with the code “%(code)s”."),
                {"code": code}, column="code",
            ))
    return errors


def _build_village(commune: Unit, name: str, division_type: str, code: str, user, is_demo: bool) -> Unit:
    code = code or next_village_code(commune)
    return Unit(
        code=code,
        name=clean_name(name),
        name_key=normalise_name(name),
        kind=UnitKind.VILLAGE,
        division_type=division_type,
        structure=commune.structure,
        parent=commune,
        path=f"{commune.path}{code}/",
        valid_from=commune.valid_from,
        valid_to=commune.valid_to,
        created_by=user if getattr(user, "pk", None) else None,
        updated_by=user if getattr(user, "pk", None) else None,
        is_demo=is_demo,
    )


@transaction.atomic
def create_village(
    commune: Unit, name: str, division_type: str = "thôn", code: str = "", *, user=None,
    is_demo: bool = False,
) -> Unit:
    """Create a village (thôn, buôn, bản, tổ dân phố) inside a commune."""
    _require_commune(commune)
    code = (code or "").strip()
    errors = validate_village(commune, name, division_type, code)
    if errors:
        raise errors[0]
    village = _build_village(commune, name, division_type, code, user, is_demo)
    village.save()
    return village


@transaction.atomic
def update_village(village: Unit, name: str, division_type: str, *, user=None) -> Unit:
    """Rename a village or change its type; its code (and so its path) never changes."""
    errors = validate_village(village.parent, name, division_type, instance=village)
    if errors:
        raise errors[0]
    village.name = clean_name(name)
    village.name_key = normalise_name(name)
    village.division_type = division_type
    village.updated_by = user if getattr(user, "pk", None) else None
    village.save()
    return village
