"""Pages of the fund: the funds a user covers, a fund, donations and pledges, receipts, the ledger.

Every page fetches the fund through ``services.get_fund_for_user`` (404 outside the
user's scope); writing needs the FUND capability on the fund's unit (403 otherwise),
and the services check it again. Donors' and beneficiaries' names are shown only to
users with PERSONAL_DATA or FUND on the unit (``services.sees_personal_data``); the
others read them as the public statement does (Luật 91/2025/QH15, personal data).
Programmes and disbursements are in ``views_programmes``, periods, the statement and
the honour roll in ``views_disclosure``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts import audit, roles
from apps.accounts.models import AuditEntry
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.fund import pdf, services
from apps.fund import statement as disclosure
from apps.fund.forms import DonationForm, PledgeForm, PledgePaymentForm, ReversalForm, bilingual
from apps.fund.models import (
    CHART,
    IN_KIND,
    MONEY_ACCOUNTS,
    PLEDGES,
    Donation,
    DonorKind,
    EntryKind,
    EntryLine,
    Fund,
    JournalEntry,
    Pledge,
)
from apps.fund.receipts import receipt_for
from apps.people.models import Person
from apps.places.services import clean_name, normalise_name

SEARCH_LIMIT = 20
PAGE_SIZE = 50
ACCOUNT_NAMES = {code: name for code, name, _kind in CHART}


# --- fetch and authorise -----------------------------------------------------------------------

def fund_for(request: HttpRequest, pk: int) -> Fund:
    """The fund if the user may see it; 404 otherwise (unknown and out of scope look alike)."""
    return services.get_fund_for_user(request.user, pk)


def can_post(request: HttpRequest, fund: Fund) -> bool:
    return scope_for(request.user, roles.FUND).covers(fund.unit)


def fund_for_posting(request: HttpRequest, pk: int) -> Fund:
    """The fund if the user may post to it: 404 out of scope, 403 with only the right to read."""
    fund = fund_for(request, pk)
    if not can_post(request, fund):
        raise PermissionDenied(_("You may not post to this fund."))
    return fund


def fail(request: HttpRequest, error: DomainError) -> None:
    """A refusal of a one-button action, shown in both languages."""
    messages.error(request, bilingual(error))


# --- reading -----------------------------------------------------------------------------------

def fund_balances(funds: QuerySet[Fund]) -> dict[int, dict[str, Any]]:
    """Money, gifts in kind and pledges per fund and per restriction, in one grouped query."""
    rows = (EntryLine.objects.filter(entry__fund__in=funds,
                                     account__code__in=(*MONEY_ACCOUNTS, IN_KIND, PLEDGES))
            .values("entry__fund", "account__code", "restriction")
            .annotate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0)))
    result: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"money": 0, "in_kind": 0, "pledges": 0, "restrictions": defaultdict(int)})
    for row in rows:
        figures = result[row["entry__fund"]]
        amount = row["d"] - row["c"]
        if row["account__code"] in MONEY_ACCOUNTS:
            figures["money"] += amount
            figures["restrictions"][row["restriction"]] += amount
        elif row["account__code"] == IN_KIND:
            figures["in_kind"] += amount
        else:
            figures["pledges"] += amount
    for figures in result.values():
        figures["restrictions"] = sorted(figures["restrictions"].items())
    return result


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The funds of the units the user covers, with what each holds per restriction."""
    funds = services.funds_for(request.user).order_by("unit__path", "code")
    balances = fund_balances(funds)
    empty = {"money": 0, "in_kind": 0, "pledges": 0, "restrictions": []}
    rows = [(fund, balances.get(fund.pk, empty)) for fund in funds]
    return render(request, "fund/index.html", {
        "rows": rows, "total": sum(figures["money"] for _fund, figures in rows),
    })


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_for(request, pk)
    personal = services.sees_personal_data(request.user, fund)
    donations = list(fund.donations.select_related("entry").order_by("-date", "-pk")[:10])
    return render(request, "fund/detail.html", {
        "fund": fund,
        "balances": disclosure.balances(fund),
        "totals": disclosure.totals(fund),
        "donations": [(donation, disclosure.donor_label(donation, personal)) for donation in donations],
        "entries": fund.entries.order_by("-date", "-pk")[:10],
        "programmes": fund.programmes.order_by("-year", "name")[:20],
        "periods": fund.periods.order_by("-start")[:8],
        "can_post": can_post(request, fund),
    })


# --- donations and pledges ---------------------------------------------------------------------

def search_persons(request: HttpRequest, fund: Fund, text: str) -> list[Person]:
    """Persons of the fund's unit matching ``text`` (a name, or "household/person" codes), for
    the users who may see donors' and beneficiaries' names; the search is in the access log."""
    text = clean_name(text)
    if len(text) < 2 or not services.sees_personal_data(request.user, fund):
        return []
    persons = scope_for(request.user).filter(Person.objects.select_related("household", "village"), "village")
    persons = persons.filter(village__path__startswith=fund.unit.path)
    if "/" in text:
        household, _slash, code = text.rpartition("/")
        persons = persons.filter(household__code=household.strip(), code=code.strip())
    else:
        key = normalise_name(text)
        persons = persons.filter(Q(name_key__startswith=key) | Q(name_key__contains=f" {key}"))
    found = list(persons.order_by("name_key", "pk")[:SEARCH_LIMIT])
    if found:
        audit.record_access(AuditEntry.Action.VIEW, description="fund person search",
                            unit_path=fund.unit.path, details={"persons": [p.pk for p in found]})
    return found


def chosen_person(request: HttpRequest, fund: Fund, field: str) -> Person | None:
    pk = request.POST.get(field) or request.GET.get(field)
    if not (pk and str(pk).isdigit()):
        return None
    persons = scope_for(request.user).filter(Person.objects.all(), "village")
    return persons.filter(pk=int(pk), village__path__startswith=fund.unit.path).first()


def _donor_form_page(request: HttpRequest, fund: Fund, form, template: str, **extra) -> HttpResponse:
    query = request.GET.get("q", "")
    return render(request, template, {
        "fund": fund, "form": form, "q": query, "persons": search_persons(request, fund, query),
        "chosen": chosen_person(request, fund, "donor_person"), **extra,
    })


@login_required
@require_http_methods(["GET", "POST"])
def donation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a donation and issue its receipt (NĐ 93/2019 Art. 31.1.b: each gift by donor)."""
    fund = fund_for_posting(request, pk)
    initial: dict[str, Any] = {}
    if request.GET.get("donor_person"):
        initial = {"donor_kind": DonorKind.PERSON, "donor_person": request.GET["donor_person"]}
    form = DonationForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.post_donation(request.user, fund, **form.arguments())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The donation was recorded with receipt %(number)s.")
                             % {"number": donation.receipt_number})
            return redirect("fund:receipt", fund.pk, donation.pk)
    return _donor_form_page(request, fund, form, "fund/donation_form.html")


@login_required
def donation_list(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_for(request, pk)
    personal = services.sees_personal_data(request.user, fund)
    donations = (services.donations_for(request.user).filter(fund=fund)
                 .select_related("entry__reversed_by").order_by("-receipt_year", "-receipt_seq"))
    page = Paginator(donations, PAGE_SIZE).get_page(request.GET.get("page"))
    # What is still owed, as ``services.pledge_outstanding`` reads it, for every pledge at once.
    pledges = (fund.pledges.annotate(
        paid=Coalesce(Sum("payments__amount", filter=Q(payments__entry__reversed_by__isnull=True)), 0),
        cancelled=Exists(JournalEntry.objects.filter(reverses=OuterRef("entry"))))
        .order_by("-date", "-pk"))
    return render(request, "fund/donations.html", {
        "fund": fund, "page": page,
        "rows": [(donation, disclosure.donor_label(donation, personal)) for donation in page],
        "pledges": [(pledge, pledge.donor_name if personal or pledge.donor_kind == DonorKind.ORGANISATION
                     else disclosure.UNNAMED_VI, 0 if pledge.cancelled else pledge.amount - pledge.paid)
                    for pledge in pledges],
        "can_post": can_post(request, fund),
    })


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_for_posting(request, pk)
    form = PledgeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_pledge(request.user, fund, **form.arguments())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The pledge was recorded."))
            return redirect("fund:donations", fund.pk)
    return _donor_form_page(request, fund, form, "fund/pledge_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def pledge_pay(request: HttpRequest, pk: int, pledge_pk: int) -> HttpResponse:
    fund = fund_for_posting(request, pk)
    pledge = get_object_or_404(Pledge, fund=fund, pk=pledge_pk)
    owed = services.pledge_outstanding(pledge)
    form = PledgePaymentForm(request.POST or None, initial={"amount": owed or ""})
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.pay_pledge(request.user, pledge, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The payment was recorded with receipt %(number)s.")
                             % {"number": donation.receipt_number})
            return redirect("fund:receipt", fund.pk, donation.pk)
    return render(request, "fund/pledge_pay.html", {"fund": fund, "pledge": pledge, "owed": owed,
                                                    "form": form})


# --- receipts ----------------------------------------------------------------------------------

def _donation(request: HttpRequest, fund: Fund, donation_pk: int) -> Donation:
    return get_object_or_404(services.donations_for(request.user).filter(fund=fund)
                             .select_related("fund__holder", "fund__unit", "entry__posted_by"),
                             pk=donation_pk)


@login_required
def receipt(request: HttpRequest, pk: int, donation_pk: int) -> HttpResponse:
    fund = fund_for(request, pk)
    donation = _donation(request, fund, donation_pk)
    return render(request, "fund/receipt.html", {
        "fund": fund, "donation": donation,
        "receipt": receipt_for(donation, personal=services.sees_personal_data(request.user, fund)),
    })


@login_required
def receipt_pdf(request: HttpRequest, pk: int, donation_pk: int) -> HttpResponse:
    """The printable receipt, in Vietnamese, with the national heading and the amount in words."""
    fund = fund_for(request, pk)
    donation = _donation(request, fund, donation_pk)
    personal = services.sees_personal_data(request.user, fund)
    with translation.override("vi"):  # a document handed to the donor: the method's label in Vietnamese
        data = receipt_for(donation, personal=personal)
    if personal and donation.donor_kind == DonorKind.PERSON:
        audit.record_access(AuditEntry.Action.EXPORT, donation, description=f"receipt {data.number}",
                            unit_path=fund.unit.path)
    response = HttpResponse(pdf.receipt_pdf(data), content_type="application/pdf")
    name = f"bien-nhan-{fund.code}-{data.number.replace('/', '-')}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- the ledger --------------------------------------------------------------------------------

@login_required
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """Every entry with its lines, newest first; a mistake is reversed, never edited."""
    fund = fund_for(request, pk)
    entries = (fund.entries.select_related("posted_by", "reversed_by", "donation")
               .prefetch_related(Prefetch("lines", queryset=EntryLine.objects.select_related("account")))
               .order_by("-date", "-pk"))
    kind = request.GET.get("kind", "")
    if kind in EntryKind.values:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "fund/ledger.html", {
        "fund": fund, "page": page, "kinds": EntryKind.choices, "kind": kind,
        "accounts": ACCOUNT_NAMES, "can_post": can_post(request, fund),
    })


@login_required
@require_http_methods(["GET", "POST"])
def entry_reverse(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    fund = fund_for_posting(request, pk)
    entry = get_object_or_404(JournalEntry.objects.prefetch_related("lines__account"), fund=fund,
                              pk=entry_pk)
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.reverse_entry(entry, form.cleaned_data["reason"], request.user,
                                              date=form.cleaned_data["date"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Entry #%(id)s was reversed by entry #%(reversal)s.")
                             % {"id": entry.pk, "reversal": reversal.pk})
            return redirect("fund:ledger", fund.pk)
    return render(request, "fund/reverse.html", {"fund": fund, "entry": entry, "form": form,
                                                 "accounts": ACCOUNT_NAMES})
