"""What a visitor without an account may read of the funds: published data only.

NĐ 93/2019/NĐ-CP Art. 38.4 asks the fund to disclose, every quarter and every year, its
donors, its beneficiaries and the use of the money; the association discloses a period by
publishing its statement (``services.publish_period``, only after the period is closed, so
the figures no longer change). These helpers are the only readers of the public pages
(``/fund/public/``): they do not go through ``scope_for`` because the reader is anyone, and
they therefore never return anything that is not tied to a published period. Names follow
the public version of ``apps.fund.statement`` (Luật 91/2025/QH15: persons only with consent,
beneficiaries by initials, anonymous gifts as "Nhà hảo tâm ẩn danh").
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from apps.fund.models import Fund, Period


def published_periods() -> QuerySet[Period]:
    return Period.objects.filter(published_at__isnull=False)


def public_funds() -> QuerySet[Fund]:
    """Funds with at least one published statement, with their holder and unit."""
    return (Fund.objects.filter(Exists(published_periods().filter(fund=OuterRef("pk"))))
            .select_related("holder", "unit").order_by("unit__path", "code"))


def public_fund(pk: int) -> Fund:
    """The fund if it has published something; 404 otherwise (an unpublished fund is not
    distinguishable from a missing one)."""
    fund = public_funds().filter(pk=pk).first()
    if fund is None:
        raise Http404("No such fund.")
    return fund


def public_period(fund: Fund, period_pk: int) -> Period:
    """A published period of the fund; a draft, open or closed-but-unpublished period is 404."""
    period = published_periods().filter(fund=fund, pk=period_pk).first()
    if period is None:
        raise Http404("No such published statement.")
    return period


def public_years(fund: Fund) -> list[int]:
    """Years with at least one published quarter, latest first: the honour rolls offered."""
    return sorted({day.year for day in published_periods().filter(fund=fund).dates("start", "year")},
                  reverse=True)
