"""Pages of disclosure: periods and their closing, the statement of receipts and payments
(công khai thu chi) as a page and a PDF, and the donor honour roll (tôn vinh).

NĐ 93/2019/NĐ-CP Art. 38.4 asks a statement every quarter and every year; the periods of
the ledger are calendar quarters, and the year's statement spans its four. What is
published follows the personal-data rules of ``apps.fund.statement``: persons are named
only with their consent, beneficiaries by initials. Users with PERSONAL_DATA or FUND may
read the page with full names (``?names=1``); the PDF, made to be posted, is always the
public version.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.fund import pdf, services
from apps.fund import statement as disclosure
from apps.fund.forms import ClosePeriodForm, HonourLevelForm
from apps.fund.models import Fund, Period
from apps.fund.views import can_post, fail, fund_for, fund_for_posting


@login_required
def period_list(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_for(request, pk)
    periods = fund.periods.select_related("closed_by", "published_by").order_by("-start")
    years = sorted({period.start.year for period in periods}, reverse=True)
    last_quarter_end = _last_ended_quarter_end()
    return render(request, "fund/periods.html", {
        "fund": fund, "periods": periods, "years": years, "can_post": can_post(request, fund),
        "form": ClosePeriodForm(initial={"day": last_quarter_end}),
    })


def _last_ended_quarter_end() -> dt.date:
    today = timezone.localdate()
    first_month = 3 * ((today.month - 1) // 3) + 1
    return dt.date(today.year, first_month, 1) - dt.timedelta(days=1)


@login_required
@require_POST
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the quarter containing the day given: nothing more is posted into it."""
    fund = fund_for_posting(request, pk)
    form = ClosePeriodForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Give a day of the period to close (YYYY-MM-DD)."), column="day")
        period = services.close_period(request.user, fund, form.cleaned_data["day"])
    except DomainError as error:
        fail(request, error)
        return redirect("fund:periods", fund.pk)
    messages.success(request, _("The period %(start)s–%(end)s was closed.")
                     % {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")})
    return redirect("fund:statement", fund.pk, period.pk)


def quarter_label(period: Period) -> str:
    return f"Quý {(period.start.month - 1) // 3 + 1} năm {period.start.year}"


def _span(request: HttpRequest, fund: Fund, *, period_pk: int | None = None, year: int | None = None):
    """(start, end, closed, label, period or None) of a quarter of the fund or of a year."""
    if period_pk is not None:
        period = get_object_or_404(Period.objects.select_related("published_by"), fund=fund, pk=period_pk)
        return period.start, period.end, period.is_closed, quarter_label(period), period
    if year is None or not 1990 <= year <= 2100:
        raise Http404("No such year.")
    periods = list(fund.periods.filter(start__year=year))
    closed = len(periods) == 4 and all(period.is_closed for period in periods)
    return dt.date(year, 1, 1), dt.date(year, 12, 31), closed, f"Năm {year}", None


def _statement(request: HttpRequest, fund: Fund, personal: bool, **span):
    start, end, closed, label, period = _span(request, fund, **span)
    return disclosure.statement(fund, start, end, personal=personal), closed, label, period


@login_required
def statement_page(request: HttpRequest, pk: int, period_pk: int | None = None,
                   year: int | None = None) -> HttpResponse:
    """The statement of receipts and payments of a quarter or a year (công khai thu chi)."""
    fund = fund_for(request, pk)
    may_name = services.sees_personal_data(request.user, fund)
    personal = may_name and request.GET.get("names") == "1"
    result, closed, label, period = _statement(request, fund, personal, period_pk=period_pk, year=year)
    return render(request, "fund/statement.html", {
        "fund": fund, "statement": result, "closed": closed, "label": label, "personal": personal,
        "may_name": may_name, "period_pk": period_pk, "year": year, "period": period,
        "can_post": can_post(request, fund),
    })


@login_required
def statement_pdf(request: HttpRequest, pk: int, period_pk: int | None = None,
                  year: int | None = None) -> HttpResponse:
    """The public statement as a PDF to post (persons named only with consent)."""
    fund = fund_for(request, pk)
    result, closed, label, period = _statement(request, fund, False, period_pk=period_pk, year=year)
    response = HttpResponse(pdf.statement_pdf(result, label=label, closed=closed, period=period),
                            content_type="application/pdf")
    name = f"cong-khai-thu-chi-{fund.code}-{result.start:%Y%m%d}-{result.end:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_POST
def period_publish(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Publish the statement of a closed period; it stays published."""
    fund = fund_for_posting(request, pk)
    period = get_object_or_404(Period, fund=fund, pk=period_pk)
    try:
        services.publish_period(request.user, period)
    except DomainError as error:
        fail(request, error)
    else:
        messages.success(request, _("The statement was published."))
    return redirect("fund:statement", fund.pk, period.pk)


@login_required
def published(request: HttpRequest, pk: int) -> HttpResponse:
    """The published statements of the fund (the public version: persons named with consent)."""
    fund = fund_for(request, pk)
    periods = (fund.periods.filter(published_at__isnull=False).select_related("published_by")
               .order_by("-start"))
    return render(request, "fund/published.html", {
        "fund": fund, "rows": [(period, quarter_label(period)) for period in periods],
    })


# --- the honour roll ---------------------------------------------------------------------------

def _year(request: HttpRequest) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    return int(value) if value.isdigit() and 1990 <= int(value) <= 2100 else timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
def honour_roll(request: HttpRequest, pk: int) -> HttpResponse:
    """The donors honoured in a year at the association's levels; FUND users set the levels."""
    fund = fund_for(request, pk)
    posting = can_post(request, fund)
    form = HonourLevelForm(request.POST or None)
    year = _year(request)
    if request.method == "POST":
        if not posting:
            raise PermissionDenied(_("You may not post to this fund."))
        if form.is_valid():
            try:
                services.set_honour_level(request.user, fund, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The honour level was saved."))
                return redirect(f"{request.path}?year={year}")
    years = sorted({day.year for day in fund.donations.dates("date", "year")} | {year}, reverse=True)
    return render(request, "fund/honour.html", {
        "fund": fund, "year": year, "years": years, "rows": disclosure.honour_roll(fund, year),
        "levels": fund.honour_levels.order_by("-minimum"), "form": form, "can_post": posting,
    })
