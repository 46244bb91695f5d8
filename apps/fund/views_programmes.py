"""Pages of the fund's programmes (scholarships, awards, support) and their disbursements.

A disbursement is proposed by one user and approved by another (maker–checker, the
services refuse the proposer and the page says why), then paid by a posting. The
beneficiary list of a programme shows full names only to users with PERSONAL_DATA or
FUND on the unit; others read initials, as on the public statement.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.fund import ledger, programmes, services
from apps.fund.forms import (
    ConsentForm,
    DisbursementForm,
    PayForm,
    ProgrammeEditForm,
    ProgrammeForm,
    RejectionForm,
)
from apps.fund.models import Disbursement, DisbursementStatus, Method
from apps.fund.statement import initials
from apps.fund.views import can_post, chosen_person, fail, fund_for, search_persons


@login_required
@require_http_methods(["GET", "POST"])
def programme_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The programmes with what each has proposed, approved and paid; a form to add one."""
    fund = fund_for(request, pk)
    posting = can_post(request, fund)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST":
        if not posting:
            raise PermissionDenied(_("You may not post to this fund."))
        if form.is_valid():
            try:
                programme = services.create_programme(request.user, fund, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The programme was created."))
                return redirect("fund:programme", fund.pk, programme.pk)
    paid = Q(disbursements__status=DisbursementStatus.PAID)
    programmes = (services.programmes_for(request.user).filter(fund=fund)
                  .annotate(beneficiaries=Count("disbursements", filter=paid),
                            paid_total=Coalesce(Sum("disbursements__amount", filter=paid), 0),
                            waiting=Count("disbursements", filter=Q(
                                disbursements__status__in=[DisbursementStatus.PROPOSED,
                                                           DisbursementStatus.APPROVED])))
                  .order_by("-year", "name"))
    return render(request, "fund/programmes.html", {"fund": fund, "programmes": programmes, "form": form,
                                                    "can_post": posting})


def _programme(request: HttpRequest, pk: int, programme_pk: int):
    fund = fund_for(request, pk)
    programme = get_object_or_404(services.programmes_for(request.user).filter(fund=fund), pk=programme_pk)
    return fund, programme


@login_required
@require_http_methods(["GET", "POST"])
def programme_detail(request: HttpRequest, pk: int, programme_pk: int) -> HttpResponse:
    """A programme, its criteria, its beneficiaries and the form proposing a disbursement."""
    fund, programme = _programme(request, pk, programme_pk)
    posting = can_post(request, fund)
    personal = services.sees_personal_data(request.user, fund)
    initial = {"amount": programme.standard_amount or ""}
    form = DisbursementForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not posting:
            raise PermissionDenied(_("You may not post to this fund."))
        if form.is_valid():
            data = form.cleaned_data
            person = chosen_person(request, fund, "beneficiary_person")
            if data["beneficiary_person"] and person is None:
                form.add_error("beneficiary_name", _("Choose a person of the fund's unit."))
            else:
                try:
                    services.propose_disbursement(
                        request.user, programme, amount=data["amount"], beneficiary_person=person,
                        beneficiary_name=data["beneficiary_name"], method=data["method"], note=data["note"])
                except DomainError as error:
                    add_domain_error(form, error)
                else:
                    messages.success(request, _("The disbursement was proposed; another person must "
                                                "approve it."))
                    return redirect("fund:programme", fund.pk, programme.pk)
    disbursements = (programme.disbursements.select_related("proposed_by", "approved_by", "entry")
                     .order_by("status", "pk"))
    rows = [(item, item.beneficiary_name if personal else initials(item.beneficiary_name))
            for item in disbursements]
    query = request.GET.get("q", "")
    return render(request, "fund/programme.html", {
        "fund": fund, "programme": programme, "rows": rows, "form": form, "can_post": posting,
        "q": query, "persons": search_persons(request, fund, query),
        "chosen": chosen_person(request, fund, "beneficiary_person"),
        "available": ledger.available(fund, programme.purpose),
        "paid_total": sum(item.amount for item, _name in rows if item.status == DisbursementStatus.PAID),
        "pay_form": PayForm(), "reject_form": RejectionForm(), "statuses": DisbursementStatus,
        "user_pk": request.user.pk,
    })


def _disbursement(request: HttpRequest, pk: int) -> Disbursement:
    """A disbursement the user may act on: 404 out of scope, 403 without the FUND capability."""
    disbursement = get_object_or_404(services.disbursements_for(request.user), pk=pk)
    if not can_post(request, disbursement.programme.fund):
        raise PermissionDenied(_("You may not post to this fund."))
    return disbursement


def _back(disbursement: Disbursement) -> HttpResponse:
    return redirect("fund:programme", disbursement.programme.fund_id, disbursement.programme_id)


@login_required
@require_POST
def disbursement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The checker's step; the proposer is refused with the reason."""
    disbursement = _disbursement(request, pk)
    try:
        services.approve_disbursement(request.user, disbursement)
    except DomainError as error:
        fail(request, error)
    else:
        messages.success(request, _("The disbursement was approved."))
    return _back(disbursement)


@login_required
@require_POST
def disbursement_reject(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = _disbursement(request, pk)
    try:
        services.reject_disbursement(request.user, disbursement, request.POST.get("reason", ""))
    except DomainError as error:
        fail(request, error)
    else:
        messages.success(request, _("The disbursement was rejected."))
    return _back(disbursement)


@login_required
@require_POST
def disbursement_pay(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = _disbursement(request, pk)
    form = PayForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Give the date of payment (YYYY-MM-DD)."), column="date")
        services.pay_disbursement(request.user, disbursement, date=form.cleaned_data["date"])
    except DomainError as error:
        fail(request, error)
    else:
        messages.success(request, _("The disbursement was paid (%(method)s).")
                         % {"method": Method(disbursement.method).label})
    return _back(disbursement)


@login_required
def programme_beneficiaries(request: HttpRequest, pk: int, programme_pk: int) -> HttpResponse:
    """The beneficiary list of a programme (paid disbursements), printable from the browser."""
    fund, programme = _programme(request, pk, programme_pk)
    personal = services.sees_personal_data(request.user, fund)
    paid = (programme.disbursements.filter(status=DisbursementStatus.PAID).select_related("entry")
            .order_by("beneficiary_name", "pk"))
    rows = [(item, item.beneficiary_name if personal else initials(item.beneficiary_name)) for item in paid]
    return render(request, "fund/beneficiaries.html", {
        "fund": fund, "programme": programme, "rows": rows,
        "total": sum(item.amount for item, _name in rows),
    })



@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int, programme_pk: int) -> HttpResponse:
    """Edit a programme's criteria, restriction, standard amount, decision and activity."""
    fund, programme = _programme(request, pk, programme_pk)
    if not can_post(request, fund):
        raise PermissionDenied(_("You may not post to this fund."))
    initial = {"criteria": programme.criteria, "purpose": programme.purpose, "decision": programme.decision,
               "standard_amount": programme.standard_amount or "", "active": programme.active}
    form = ProgrammeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["standard_amount"] = data["standard_amount"] or ""
        try:
            programmes.update_programme(request.user, programme, **data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("fund:programme", fund.pk, programme.pk)
    return render(request, "fund/programme_edit.html", {"fund": fund, "programme": programme, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def disbursement_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the beneficiary's (or guardian's) consent per purpose, or its withdrawal."""
    disbursement = _disbursement(request, pk)
    form = ConsentForm(request.POST or None, initial={"given_by": disbursement.consent_given_by})
    if request.method == "POST":
        try:
            if "withdraw" in request.POST:
                programmes.withdraw_consent(request.user, disbursement)
                messages.success(request, _("The withdrawal of the consent was recorded."))
                return _back(disbursement)
            if form.is_valid():
                programmes.record_consent(request.user, disbursement, **form.cleaned_data)
                messages.success(request, _("The consent was recorded."))
                return _back(disbursement)
        except DomainError as error:
            add_domain_error(form, error)
    disbursement.refresh_from_db()
    return render(request, "fund/consent.html", {
        "fund": disbursement.programme.fund, "item": disbursement, "form": form,
    })
