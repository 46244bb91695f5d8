"""Small builders for tests of the registry (no fixtures files: readable, explicit)."""

from __future__ import annotations

from apps.people.models import Clan, Household, Person, SurveyRecord
from apps.places import services as places
from apps.places.models import Unit


def village(commune: Unit, name: str = "Thôn 1") -> Unit:
    found = commune.children.filter(name_key=places.normalise_name(name)).first()
    return found or places.create_village(commune, name)


def household(commune: Unit, code: str = "H001", village_name: str = "Thôn 1") -> Household:
    return Household.objects.get_or_create(
        commune=commune, code=code, defaults={"village": village(commune, village_name)}
    )[0]


def person(
    home: Household,
    code: str,
    *,
    birth_year: int,
    year: int | None = None,
    full_name: str = "Nguyễn Văn A",
    sex: str = "M",
    ethnicity: str = "01",
    disability: str = "",
    relation: str = "",
    **survey,
) -> Person:
    """A person of a household and, when ``year`` is given, their survey record of that year."""
    member = Person.objects.create(
        household=home, commune=home.commune, village=home.village, code=code, full_name=full_name,
        name_key=places.normalise_name(full_name), sex=sex, birth_year=birth_year,
        ethnicity=ethnicity, disability=disability, relation=relation,
    )
    if year is not None:
        SurveyRecord.objects.create(person=member, year=year, commune=home.commune, sex=sex,
                                    birth_year=birth_year, ethnicity=ethnicity, disability=disability,
                                    **survey)
    return member


def clan(commune: Unit, name: str) -> Clan:
    return Clan.objects.create(commune=commune, name=name, name_key=places.normalise_name(name))


def clan_member(home: Household, code: str, of: Clan, *, birth_year: int, year: int | None = 2026,
                **kwargs) -> Person:
    """A person of ``of`` (and their survey record of ``year``, 2026 unless told)."""
    member = person(home, code, birth_year=birth_year, year=year, **kwargs)
    member.clan = of
    member.save()
    return member
