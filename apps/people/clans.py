"""Clans (dòng họ) of the population registry: reading them in scope, their learning figures,
and the writes on them (register, rename, merge).

A clan belongs to a commune (``Clan.commune``, unique by ``name_key`` inside it) and is
scoped by it, as the learning-title registrations of a clan are (``recognition``): a role
must cover the commune to see the clan. Its members are the persons whose ``clan`` it is;
who belongs to which clan is personal data (Luật 91/2025/QH15, NĐ 356/2025/NĐ-CP), so members
are listed only where the user holds the "personal data" capability on their village. The
clan's name and its counts are not: "Dòng họ học tập" is a public title (QĐ 448/QĐ-KHVN;
targets of QĐ 387/QĐ-TTg), awarded to a named clan.

The learning figures of a survey year read the year's survey records, set-wise:

- members: persons of the clan whose record of the year says *present* (the roll-over gives
  no later record to those who moved away or died);
- members by age band (``services.AGE_BANDS``), enrolled somewhere or not;
- the literate share of those aged 15–60, with the literacy conditions and the counting rules
  (who counts: present, without the disabilities that rule out learning) of the PCGD–XMC rule
  set in force that year (NĐ 20/2014/NĐ-CP, Điều 20–21; ``apps.universal.engine.conditions``),
  not a second definition;
- the households of the clan registered and recognised as "Gia đình học tập" (QĐ 448) in the
  campaigns of the year, and the clan's own "Dòng họ học tập" registrations.

This module, not ``services``, imports the universal and recognition apps: the registry's
services stay free of the apps built on top of them.

Writes check the "edit" capability on the clan's commune and are audited by the model signals,
except the members moved by a merge (one ``UPDATE``), which get one summary entry. A clan with
members is never deleted (``Person.clan`` is ``PROTECT``): two clans of a commune are merged,
then the emptied one is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, NotSupportedError, transaction
from django.db.models import CharField, Count, F, Func, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import audit
from apps.accounts.models import AuditEntry
from apps.accounts.roles import PERSONAL_DATA
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.metrics.services import data_changed
from apps.people.models import Clan, Person, Status, SurveyRecord
from apps.people.services import AGE_BANDS, age_band_q, can_edit
from apps.places.models import Unit, UnitKind
from apps.places.services import clean_name, normalise_name
from apps.recognition.models import Registration, Title
from apps.universal.engine.conditions import ages_q, counted_q, literate_level1, literate_level2
from apps.universal.rules import AgeBand, RuleSet, RuleSetError, rule_set_for

NAME_MAX_LENGTH = 100
LITERACY_AGES = AgeBand(15, 60)

# --- accent-insensitive search ------------------------------------------------------------------

# Vietnamese letters with diacritics (lower case: ``name_key`` is case-folded) and their bare
# letters; the combining marks are dropped, for keys stored decomposed (NFD).
_ACCENTED = ("àáảãạăằắẳẵặâầấẩẫậ" "èéẻẽẹêềếểễệ" "ìíỉĩị" "òóỏõọôồốổỗộơờớởỡợ" "ùúủũụưừứửữự" "ỳýỷỹỵ" "đ")
_BARE = "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"
_MARKS = "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"
_FOLD_TABLE = str.maketrans(_ACCENTED, _BARE, _MARKS)


def fold(text: str) -> str:
    """A name without case or Vietnamese diacritics ("Họ Nguyễn" → "họ nguyen" → "ho nguyen")."""
    return normalise_name(text).translate(_FOLD_TABLE)


def _fold_key(value: str | None) -> str | None:
    """``fold`` of a stored key (already case-folded), as SQLite's ``kh_fold`` function."""
    return None if value is None else value.translate(_FOLD_TABLE)


class Folded(Func):
    """``fold`` computed by the database, with the same table, so that a search needs no new column.

    PostgreSQL: one ``TRANSLATE`` (characters without a counterpart are dropped). SQLite has no
    ``TRANSLATE``, and 75 nested ``REPLACE``s overflow its parser: the table is applied by a
    function registered on the connection (``kh_fold``). Clans are tens per commune, so a scan
    of those in scope costs little; an indexed folded column would need a migration of ``Clan``.
    """

    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"TRANSLATE({sql}, %s, %s)", [*params, _ACCENTED + _MARKS, _BARE]

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("kh_fold", 1, _fold_key, deterministic=True)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"kh_fold({sql})", params

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("Folded names are computed on PostgreSQL and SQLite only.")


def search_q(text: str) -> Q:
    """Clans whose name has a word starting with ``text``, whatever its case and diacritics
    (to be applied to a queryset carrying the ``folded`` alias, see ``search``)."""
    key = fold(text)
    return Q(folded__startswith=key) | Q(folded__contains=f" {key}")


def search(clans: QuerySet[Clan], text: str) -> QuerySet[Clan]:
    text = clean_name(text)
    if not text:
        return clans
    return clans.alias(folded=Folded(F("name_key"))).filter(search_q(text))


# --- reading, scoped ----------------------------------------------------------------------------

def get_clans_for_user(user) -> QuerySet[Clan]:
    """The clans of the communes ``user`` may see."""
    return scope_for(user).filter(Clan.objects.select_related("commune"), "commune")


def get_clan_for_user(user, pk: Any) -> Clan:
    """One clan in the user's scope; ``Http404`` otherwise (its existence is not revealed)."""
    try:
        return get_clans_for_user(user).get(pk=pk)
    except (Clan.DoesNotExist, ValueError, TypeError):
        raise Http404("No clan matches the given query.") from None


def members_for_user(user, clan: Clan) -> QuerySet[Person]:
    """The clan's members the user may see by name: those of the villages where the user holds
    the "personal data" capability (listing them elsewhere would reveal their clan)."""
    personal = scope_for(user, PERSONAL_DATA)
    return personal.filter(Person.objects.select_related("household", "village"), "village").filter(clan=clan)


@dataclass(frozen=True)
class ClanCounts:
    members: int = 0  # present in the survey year
    households: int = 0  # with at least one present member


def clan_counts(clan_ids: list[int], year: int) -> dict[int, ClanCounts]:
    """Members present in ``year`` and their households, for many clans in one grouped query."""
    rows = (SurveyRecord.objects.filter(year=year, status=Status.PRESENT, person__clan_id__in=clan_ids)
            .order_by().values("person__clan_id")
            .annotate(members=Count("person_id"), households=Count("person__household_id", distinct=True))
            .values_list("person__clan_id", "members", "households"))
    return {clan_id: ClanCounts(members, households) for clan_id, members, households in rows}


# --- learning figures -------------------------------------------------------------------------

@dataclass(frozen=True)
class BandFigures:
    band: str
    members: int
    enrolled: int

    @property
    def not_enrolled(self) -> int:
        return self.members - self.enrolled


@dataclass(frozen=True)
class LiteracyFigures:
    """Members aged 15–60 counted by the rule set (``counted``), and those literate."""

    rule_set: str
    counted: int
    level1: int  # literate at level 1 or above
    level2: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def level1_share(self) -> float | None:
        return self._share(self.level1, self.counted)

    @property
    def level2_share(self) -> float | None:
        return self._share(self.level2, self.counted)


@dataclass(frozen=True)
class TitleRecord:
    """One "Dòng họ học tập" registration of the clan."""

    year: int
    status: str
    status_label: str
    result: str
    passed: bool | None


@dataclass
class ClanFigures:
    year: int
    members: int = 0
    households: int = 0
    registered: int = 0  # persons linked to the clan, whatever their status or year
    bands: list[BandFigures] = field(default_factory=list)
    literacy: LiteracyFigures | None = None  # None: no PCGD–XMC rule set is valid that year
    families_registered: int = 0  # households of the clan in the year's "Gia đình học tập" campaigns
    families_recognised: int = 0
    titles: list[TitleRecord] = field(default_factory=list)


def _rule_set(year: int) -> RuleSet | None:
    try:
        return rule_set_for(year)
    except RuleSetError:
        return None


def clan_figures(user, clan: Clan, year: int) -> ClanFigures:
    """The clan's learning figures of a survey year: one aggregate over its members' records,
    one over the learning-family registrations of their households, one list of its titles."""
    present = Q(status=Status.PRESENT)
    aggregates: dict[str, Count] = {
        "members": Count("pk", filter=present),
        "households": Count("person__household_id", filter=present, distinct=True),
    }
    for index, band in enumerate(AGE_BANDS):
        in_band = present & age_band_q(band, year)
        aggregates[f"band{index}"] = Count("pk", filter=in_band)
        aggregates[f"band{index}_enrolled"] = Count("pk", filter=in_band & ~Q(enrolled_level=""))
    rule_set = _rule_set(year)
    if rule_set is not None:
        cohort = counted_q(rule_set, year) & ages_q(LITERACY_AGES, year)
        aggregates["cohort"] = Count("pk", filter=cohort)
        aggregates["literate1"] = Count("pk", filter=cohort & literate_level1())
        aggregates["literate2"] = Count("pk", filter=cohort & literate_level2())
    totals = SurveyRecord.objects.filter(year=year, person__clan=clan).aggregate(**aggregates)
    figures = ClanFigures(
        year=year, members=totals["members"], households=totals["households"],
        registered=Person.objects.filter(clan=clan).count(),
        bands=[BandFigures(band, totals[f"band{index}"], totals[f"band{index}_enrolled"])
               for index, band in enumerate(AGE_BANDS)],
    )
    if rule_set is not None:
        figures.literacy = LiteracyFigures(rule_set.id, totals["cohort"], totals["literate1"],
                                           totals["literate2"])
    registrations = scope_for(user).filter(Registration.objects.all(), "unit")
    homes = (SurveyRecord.objects.filter(year=year, person__clan=clan, status=Status.PRESENT)
             .values("person__household_id"))
    families = (registrations.filter(campaign__title=Title.GDHT, campaign__year=year, household_id__in=homes)
                .aggregate(registered=Count("household_id", distinct=True),
                           recognised=Count("household_id", distinct=True,
                                            filter=Q(status=Registration.Status.RECOGNISED))))
    figures.families_registered, figures.families_recognised = families["registered"], families["recognised"]
    titles = (registrations.filter(clan=clan, campaign__title=Title.DHHT).select_related("campaign")
              .order_by("-campaign__year"))
    figures.titles = [TitleRecord(row.campaign.year, row.status, str(row.get_status_display()), row.result,
                                  row.passed) for row in titles]
    return figures


# --- writing ------------------------------------------------------------------------------------

def _require_edit(user, commune: Unit) -> None:
    if not can_edit(user, commune):
        raise PermissionDenied(_("You may not change the population registry of this unit."))


def _author(user):
    return user if getattr(user, "pk", None) else None


def validate_clan(commune: Any, name: str, *, instance: Clan | None = None) -> list[DomainError]:
    """The reasons a clan cannot be saved under ``name``; empty when valid.

    Names are unique inside the commune up to case and spacing (``name_key``, the key the
    imports match the file's clan column on); "Lê" and "Lế" stay two clans.
    """
    errors: list[DomainError] = []
    if not isinstance(commune, Unit) or commune.kind != UnitKind.COMMUNE:
        errors.append(DomainError(_("A clan belongs to a commune."), column="commune"))
    if not name:
        errors.append(DomainError(_("The clan name is empty."), column="name"))
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(DomainError(_("The clan name is longer than 100 characters."), column="name"))
    elif isinstance(commune, Unit):
        others = Clan.objects.filter(commune=commune, name_key=normalise_name(name))
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        existing = others.first()
        if existing is not None:
            errors.append(DomainError(_("%(commune)s already has the clan “%(name)s”."),
                                      {"commune": commune.name, "name": existing.name}, column="name"))
    return errors


def _save(clan: Clan) -> None:
    try:
        with transaction.atomic():
            clan.save()
    except IntegrityError:  # registered by someone else meanwhile
        raise DomainError(_("%(commune)s already has the clan “%(name)s”."),
                          {"commune": clan.commune.name, "name": clan.name}, column="name") from None


@transaction.atomic
def create_clan(user, *, commune: Unit, name: str, is_demo: bool = False) -> Clan:
    """Register a clan (dòng họ) of a commune; its name is unique inside the commune."""
    if isinstance(commune, Unit):
        _require_edit(user, commune)
    name = clean_name(name)
    errors = validate_clan(commune, name)
    if errors:
        raise errors[0]
    author = _author(user)
    clan = Clan(commune=commune, name=name, name_key=normalise_name(name), is_demo=is_demo,
                created_by=author, updated_by=author)
    _save(clan)
    return clan


@transaction.atomic
def rename_clan(user, clan: Clan, *, name: str) -> Clan:
    """Correct a clan's name (its members follow: they point to the clan, not to its name)."""
    _require_edit(user, clan.commune)
    name = clean_name(name)
    errors = validate_clan(clan.commune, name, instance=clan)
    if errors:
        raise errors[0]
    clan.name, clan.name_key, clan.updated_by = name, normalise_name(name), _author(user)
    _save(clan)
    return clan


@dataclass(frozen=True)
class MergeResult:
    into: Clan
    moved: int  # members moved from the removed clan


@transaction.atomic
def merge_clans(user, source: Clan, into: Clan) -> MergeResult:
    """Move every member of ``source`` to ``into`` (a clan of the same commune), then remove
    ``source``, now empty: how a clan registered twice (two spellings, two imports) is made one.

    Refused when ``source`` holds learning-title registrations: a judgement points to it
    (``Registration.clan`` is ``PROTECT``) and is not rewritten here; merge the other way.
    """
    if source.pk == into.pk:
        raise DomainError(_("A clan cannot be merged into itself."), column="into")
    if source.commune_id != into.commune_id:
        raise DomainError(_("Only two clans of the same commune can be merged."), column="into")
    _require_edit(user, source.commune)
    # Both rows locked: a person assigned to ``source`` meanwhile would block its removal.
    list(Clan.objects.select_for_update().filter(pk__in=[source.pk, into.pk]).order_by("pk"))
    held = Registration.objects.filter(clan=source).count()
    if held:
        raise DomainError(
            _("The clan “%(name)s” has %(count)s learning-title registrations: merge “%(other)s” into it "
              "instead."),
            {"name": source.name, "count": held, "other": into.name}, column="into",
        )
    members = Person.objects.filter(clan=source)
    moved = list(members.order_by("pk").values_list("pk", flat=True))
    # One UPDATE rather than one save per member (a clan may hold thousands): the signals do not
    # run, so one summary entry names the persons moved; the removal below is audited as usual.
    members.update(clan=into, updated_by=_author(user), updated_at=timezone.now())
    audit.write_entry(
        AuditEntry.Action.COMMAND, object_repr=f"merge clan {source.pk} into clan {into.pk}",
        unit_path=source.commune.path, user=_author(user),
        after={"from": {"id": source.pk, "name": source.name},
               "into": {"id": into.pk, "name": into.name}, "persons": moved},
    )
    source.delete()
    if moved:
        data_changed("people.Person")
    return MergeResult(into, len(moved))
