"""Public disclosure pages, without login, under ``/fund/public/`` (NĐ 93/2019/NĐ-CP Art. 38.4):
the funds that published a statement, their published statements (page and PDF) and the
donor honour roll of a year.

These views deliberately do not call ``scope_for``: the reader is anyone. They read only
through ``apps.fund.public`` (published periods) and the public version of
``apps.fund.statement`` (``personal=False``, ``published_only=True``), and show nothing else:
no ledger, no receipts, no drafts. They are GET-only and cheap to repeat: a published
statement does not change (its period is closed). The HTML pages carry the site's shell, whose
language form holds a CSRF token, so they are cacheable by the browser only (``private``); the
PDF, the costly part, is ``public``, rendered once per content (kept in the cache under a
digest of what it shows) and answered 304 to a repeated request with the same ETag. The
digest includes the names as shown, so a withdrawn consent yields a new PDF at once rather
than a stale one.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, quote_etag
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from apps.fund import pdf, public
from apps.fund import statement as disclosure
from apps.fund.models import Fund, Period
from apps.fund.views_disclosure import quarter_label

MAX_AGE = 300  # seconds: the lists change when a statement is published, the rest hardly ever
PDF_CACHE_SECONDS = 24 * 3600


@require_safe
@cache_control(private=True, max_age=MAX_AGE)
def index(request: HttpRequest) -> HttpResponse:
    """The funds that have published at least one statement."""
    return render(request, "fund/public/index.html", {"funds": public.public_funds()})


@require_safe
@cache_control(private=True, max_age=MAX_AGE)
def fund_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A fund's published statements and the years of its honour roll."""
    fund = public.public_fund(pk)
    periods = public.published_periods().filter(fund=fund).order_by("-start")
    return render(request, "fund/public/fund.html", {
        "fund": fund, "rows": [(period, quarter_label(period)) for period in periods],
        "years": public.public_years(fund),
    })


def _published_statement(pk: int, period_pk: int) -> tuple[Fund, Period, disclosure.Statement]:
    fund = public.public_fund(pk)
    period = public.public_period(fund, period_pk)
    return fund, period, disclosure.statement(fund, period.start, period.end, personal=False)


@require_safe
@cache_control(private=True, max_age=MAX_AGE)
def statement_page(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """The public statement of a published period."""
    fund, period, result = _published_statement(pk, period_pk)
    return render(request, "fund/public/statement.html", {
        "fund": fund, "period": period, "statement": result, "label": quarter_label(period),
        "years": public.public_years(fund),
    })


def _digest(period: Period, result: disclosure.Statement, label: str) -> str:
    """What the PDF shows, hashed: equal digests give equal PDFs."""
    shown = (period.pk, period.published_at.isoformat(), label, result.fund.name, result.fund.holder.name,
             result.fund.unit.name, result.opening, result.closing, result.receipts, result.payments,
             result.reversals, sorted(result.by_restriction.items()))
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


@require_safe
def statement_pdf(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """The PDF of a published statement (the existing public renderer), rendered once per content."""
    fund, period, result = _published_statement(pk, period_pk)
    label = quarter_label(period)
    digest = _digest(period, result, label)
    etag = quote_etag(digest)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        key = f"fund:public-pdf:{digest}"
        content = cache.get(key)
        if content is None:
            content = pdf.statement_pdf(result, label=label, closed=True, period=period)
            cache.set(key, content, PDF_CACHE_SECONDS)
        response = HttpResponse(content, content_type="application/pdf")
        name = f"cong-khai-thu-chi-{fund.code}-{result.start:%Y%m%d}-{result.end:%Y%m%d}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
@cache_control(private=True, max_age=MAX_AGE)
def honour_roll(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The honour roll of a year, counting only gifts in published periods."""
    fund = public.public_fund(pk)
    years = public.public_years(fund)
    if year not in years:
        raise Http404("Nothing published for this year.")
    return render(request, "fund/public/honour.html", {
        "fund": fund, "year": year, "years": years,
        "rows": disclosure.honour_roll(fund, year, published_only=True),
        "levels": fund.honour_levels.order_by("-minimum"),
    })
