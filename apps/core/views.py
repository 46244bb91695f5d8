"""The start page and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.roles import get_role
from apps.accounts.scope import scope_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assignments = [
        (get_role(a.role), a.unit)
        for a in request.user.role_assignments.select_related("unit__parent").order_by("role")
    ]
    scope = scope_for(request.user)
    return render(request, "core/home.html", {
        "assignments": assignments,
        "scope": scope,
        "is_superuser": request.user.is_superuser,
    })


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
