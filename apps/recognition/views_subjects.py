"""Who a registration is about, as the pages show it: names only to users who may see personal data.

Household and person names are personal data (Luật Bảo vệ dữ liệu cá nhân
91/2025/QH15): a user with the PERSONAL_DATA capability on the unit sees the
household head's name (households) or the person's name; anyone else sees codes
and the village. Clans, villages and organisations are shown by name to everyone
who may see the campaign.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.roles import PERSONAL_DATA, VIEW
from apps.accounts.scope import scope_for
from apps.organisations.models import Organisation
from apps.people.models import Clan, Household, Person, Relation
from apps.places.models import Unit, UnitKind
from apps.recognition.models import TITLE_SUBJECT, Campaign, Registration, SubjectKind

SEARCH_LIMIT = 30


def sees_names(user, unit: Unit) -> bool:
    return scope_for(user, PERSONAL_DATA).covers(unit)


def head_names(household_ids: Iterable[int]) -> dict[int, str]:
    """The head's full name of each household, in one query (households without a head are absent)."""
    rows = Person.objects.filter(household_id__in=list(household_ids), relation=Relation.HEAD).order_by(
        "code"
    )
    names: dict[int, str] = {}
    for household_id, name in rows.values_list("household_id", "full_name"):
        names.setdefault(household_id, name)
    return names


def label(registration: Registration, names: dict[int, str] | None) -> str:
    """The subject's label; ``names`` (household id → head name) is None when names must stay hidden."""
    if registration.household_id:
        code = registration.household.code
        if names is not None and registration.household_id in names:
            return _("Household of %(name)s (%(code)s)") % {
                "name": names[registration.household_id],
                "code": code,
            }
        return _("Household %(code)s") % {"code": code}
    if registration.person_id:
        person = registration.person
        code = f"{person.household.code}/{person.code}"
        if names is not None:
            return f"{person.full_name} ({code})"
        return _("Person %(code)s") % {"code": code}
    return str(registration.subject)


def labelled(registrations: Iterable[Registration], user, unit: Unit) -> list[tuple[Registration, str]]:
    """Registrations with their labels (names when the user may see them), with one extra query."""
    registrations = list(registrations)
    names = None
    if sees_names(user, unit):
        names = head_names(r.household_id for r in registrations if r.household_id)
    return [(registration, label(registration, names)) for registration in registrations]


def candidates(campaign: Campaign, user, text: str) -> list[tuple[str, Any, str]]:
    """Subjects of the campaign's kind in its commune matching ``text``: (kind, subject, label).

    Households and persons are found by code, and by name only for users who may see
    names; villages, clans and organisations by name (all of them when ``text`` is empty).
    """
    kind = TITLE_SUBJECT[campaign.title]
    commune = campaign.commune
    text = (text or "").strip()
    names = sees_names(user, commune)
    scope = scope_for(user, VIEW)
    found: list[tuple[str, Any, str]] = []
    if kind == SubjectKind.HOUSEHOLD:
        if not text:
            return []
        households: QuerySet[Household] = scope.filter(
            Household.objects.filter(village__path__startswith=commune.path), "village"
        ).select_related("village")
        condition = Q(code__istartswith=text)
        if names:
            condition |= Q(members__relation=Relation.HEAD, members__full_name__icontains=text)
        households = households.filter(condition).distinct().order_by("code")[:SEARCH_LIMIT]
        heads = head_names(h.pk for h in households) if names else {}
        for household in households:
            head = heads.get(household.pk)
            shown = f"{head} ({household.code})" if head else household.code
            found.append((kind, household, f"{shown} · {household.village.name}"))
    elif kind == SubjectKind.PERSON:
        if not text:
            return []
        persons = scope.filter(
            Person.objects.filter(village__path__startswith=commune.path), "village"
        ).select_related("household", "village")
        condition = Q(code__istartswith=text) | Q(household__code__istartswith=text)
        if names:
            condition |= Q(full_name__icontains=text)
        for person in persons.filter(condition).order_by("household__code", "code")[:SEARCH_LIMIT]:
            code = f"{person.household.code}/{person.code}"
            shown = f"{person.full_name} ({code}, {person.birth_year})" if names else code
            found.append((kind, person, f"{shown} · {person.village.name}"))
    elif kind == SubjectKind.VILLAGE:
        villages = Unit.objects.filter(parent=commune, kind=UnitKind.VILLAGE, name__icontains=text)
        found = [(kind, village, village.name) for village in villages.order_by("name")[: SEARCH_LIMIT * 4]]
    elif kind == SubjectKind.CLAN:
        clans = Clan.objects.filter(commune=commune, name__icontains=text).order_by("name")
        found = [(kind, clan, clan.name) for clan in clans[: SEARCH_LIMIT * 4]]
    elif kind == SubjectKind.ORGANISATION:
        organisations = Organisation.objects.filter(
            unit__path__startswith=commune.path, active=True, name__icontains=text
        ).select_related("unit")
        found = [
            (kind, organisation, f"{organisation.name} · {organisation.unit.name}")
            for organisation in organisations.order_by("name")[: SEARCH_LIMIT * 4]
        ]
    elif kind == SubjectKind.COMMUNE:
        found = [(kind, commune, commune.name)]
    return found


def resolve(campaign: Campaign, user, pk: Any) -> Any:
    """The subject of the campaign's kind with this id that the user may see; None otherwise."""
    kind = TITLE_SUBJECT[campaign.title]
    scope = scope_for(user, VIEW)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if kind == SubjectKind.HOUSEHOLD:
        return scope.filter(Household.objects.select_related("village"), "village").filter(pk=pk).first()
    if kind == SubjectKind.PERSON:
        return scope.filter(Person.objects.select_related("village"), "village").filter(pk=pk).first()
    if kind == SubjectKind.CLAN:
        return scope.filter(Clan.objects.select_related("commune"), "commune").filter(pk=pk).first()
    if kind == SubjectKind.ORGANISATION:
        return scope.filter(Organisation.objects.select_related("unit"), "unit").filter(pk=pk).first()
    return scope.filter(Unit.objects.all(), unit_field=None).filter(pk=pk).first()
