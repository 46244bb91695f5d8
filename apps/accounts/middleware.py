"""Attach the request (user, address, id) to every audit entry written while serving it."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse

from apps.accounts import audit

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else audit.new_request_id()
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with audit.audit_context(
            user=user,
            actor=user.get_username() if user else "",
            request_id=request_id,
            ip=request.META.get("REMOTE_ADDR"),
            source=f"{request.method} {request.path}",
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
