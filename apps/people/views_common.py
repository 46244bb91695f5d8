"""Helpers shared by the registry pages: the survey year, unit choices, keyset pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.scope import scope_for
from apps.people.services import LIST_COUNT_LIMIT
from apps.places.models import Unit, UnitKind
from apps.places.services import survey_date

PAGE_SIZE = 50
# Lists show "1,000+" rather than counting a million rows on every page.
COUNT_LIMIT = LIST_COUNT_LIMIT


def selected_year(request: HttpRequest, years: list[int]) -> int:
    """``?year=`` when it is a plausible year, else the latest survey year, else this year."""
    value = request.GET.get("year", "")
    if value.isdigit() and 1990 <= int(value) <= 2100:
        return int(value)
    return years[0] if years else timezone.localdate().year


def year_choices(years: list[int], year: int) -> list[int]:
    return sorted({*years, year}, reverse=True)


def communes_in_scope(user, capability: str, year: int) -> QuerySet[Unit]:
    """The communes of the map in force on the year's survey date that ``user`` reaches."""
    return (scope_for(user, capability).units().in_force(survey_date(year))
            .filter(kind=UnitKind.COMMUNE).order_by("name"))


def unit_from(request: HttpRequest, key: str, allowed: QuerySet[Unit]) -> Unit | None:
    """The unit named by ``?key=<id>`` when it is among ``allowed``; None otherwise."""
    value = request.GET.get(key, "")
    if not value.isdigit():
        return None
    return allowed.filter(pk=int(value)).first()


@dataclass
class KeysetPage:
    """One page of a list ordered by primary key, with a bounded count."""

    items: list
    has_next: bool
    has_previous: bool
    count: int
    count_capped: bool

    @property
    def next_after(self) -> int | None:
        return self.items[-1].pk if self.items else None

    @property
    def previous_before(self) -> int | None:
        return self.items[0].pk if self.items else None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _rows_in_order(queryset: QuerySet, ordered: QuerySet, size: int) -> list:
    """The first ``size`` + 1 rows of ``ordered``: their keys first, then the rows of those keys.

    Asked at once, a page with a filter that matches widely (an age band) makes the
    database sort every match with all the columns of its joins before taking 51
    (0.45–0.55 s at a million persons); the keys alone come from an index, and the
    rows of 51 keys are read by primary key.
    """
    keys = list(ordered.values_list("pk", flat=True)[: size + 1])
    rows = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()} if keys else {}
    return [rows[key] for key in keys if key in rows]


def keyset_page(queryset: QuerySet, request: HttpRequest, size: int | None = None, *,
                many: QuerySet | None = None) -> KeysetPage:
    """``?after=<pk>`` or ``?before=<pk>``: an index range scan, never an OFFSET over millions.

    ``many``: the same rows, asked so that the database reads them in id order; its
    keys are used when the count shows more than COUNT_LIMIT matches, since the
    first ``size`` of them are then found early (and a few matches are cheaper to
    collect and sort through the filters' indexes).
    """
    size = size or PAGE_SIZE
    count = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    keys = many if many is not None and count > COUNT_LIMIT else queryset
    after, before = _int(request.GET.get("after")), _int(request.GET.get("before"))
    if before is not None:
        rows = _rows_in_order(queryset, keys.filter(pk__lt=before).order_by("-pk"), size)
        has_previous, has_next = len(rows) > size, True
        items = list(reversed(rows[:size]))
    else:
        ordered = keys.filter(pk__gt=after) if after is not None else keys
        rows = _rows_in_order(queryset, ordered.order_by("pk"), size)
        has_next, has_previous = len(rows) > size, after is not None
        items = rows[:size]
    return KeysetPage(items, has_next, has_previous, min(count, COUNT_LIMIT), count > COUNT_LIMIT)
