"""Pages of other expenses (management costs among them) and of transfers between cash and bank.

The rules are in ``apps.fund.expenses`` (the cap of NĐ 93/2019 Art. 37.2); these pages fetch
the fund in the user's scope (404 outside it) and post with FUND on its unit (403 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core.errors import DomainError
from apps.core.forms import add_domain_error
from apps.fund import expenses
from apps.fund.forms import ExpenseForm, TransferForm
from apps.fund.views import can_post, fund_for, fund_for_posting


@login_required
@require_http_methods(["GET", "POST"])
def expense_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The fund's other expenses with this year's cap on management costs; FUND users post one."""
    fund = fund_for(request, pk)
    posting = can_post(request, fund)
    form = ExpenseForm(request.POST or None, initial={"management_cost": False})
    if request.method == "POST":
        if not posting:
            raise PermissionDenied(_("You may not post to this fund."))
        if form.is_valid():
            try:
                expenses.post_expense(request.user, fund, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The expense was posted."))
                return redirect("fund:expenses", fund.pk)
    rows = fund.expenses.select_related("entry__reversed_by").order_by("-date", "-pk")[:200]
    return render(request, "fund/expenses.html", {
        "fund": fund, "rows": rows, "form": form, "can_post": posting,
        "cap": expenses.cap_status(fund, timezone.localdate().year),
    })


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Deposit cash in the bank or withdraw it, keeping the money's restriction."""
    fund = fund_for_posting(request, pk)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expenses.transfer(request.user, fund, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The transfer was posted."))
            return redirect("fund:ledger", fund.pk)
    return render(request, "fund/transfer.html", {"fund": fund, "form": form})
