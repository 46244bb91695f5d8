"""Sign-in, password, personal API tokens and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import tokens
from apps.accounts.forms import AuditSearchForm, TokenForm
from apps.accounts.history import audit_log_for_user, search_audit_log, values_visible
from apps.accounts.models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    entries = audit_log_for_user(request.user)
    if form.is_valid():
        entries = search_audit_log(request.user, **form.search_arguments())
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"form": form, "page": page})


@login_required
def audit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(audit_log_for_user(request.user), pk=pk)
    return render(request, "accounts/audit_entry.html",
                  {"entry": entry, "values_visible": values_visible(request.user, entry)})


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = tokens.create_token(request.user, form.cleaned_data["name"],
                                              days=form.cleaned_data["days"])
        form = TokenForm()
    user_tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html",
                  {"form": form, "tokens": user_tokens, "new_key": new_key, "now": timezone.now()})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(request.user, token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    return render(request, "registration/locked.html", status=429)
