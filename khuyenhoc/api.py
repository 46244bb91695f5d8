"""The REST API, ``/api/v1/`` (django-ninja): authentication, error responses, routers.

Callers authenticate with a personal token (``Authorization: Bearer kh_…``, see
``apps.accounts.tokens``) or with the session of a logged-in user; for a session,
unsafe methods need the CSRF token (``X-CSRFToken``), as for the pages. Tokens are
tried first, so that a request carrying one never depends on a session cookie.
Everything the caller reads or writes is limited by their roles, exactly as on
the pages (``apps.accounts.scope``).

Errors are JSON: 401/403/404 ``{"detail": "…"}``; refused input 400 (a rule of
the registry) or 422 (not the expected shape)
``{"detail": [{"field": …, "message_vi": …, "message_en": …}]}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from apps.accounts import audit
from apps.accounts.tokens import authenticate_token
from apps.association.api import router as association_router
from apps.core.errors import DomainError
from apps.fund.api import router as fund_router
from apps.organisations.api import router as organisations_router
from apps.people.api import router as people_router
from apps.people.api_import import router as people_import_router
from apps.places.api import router as places_router
from apps.plans.api import router as plans_router
from apps.recognition.api import router as recognition_router
from apps.universal.api import router as universal_router


class SessionAuth(NinjaSessionAuth):
    """``ninja.security.django_auth``, checking CSRF only once a session user is logged in.

    Without a logged-in user the session cannot authenticate anyway; skipping the
    CSRF check then lets an anonymous POST get the same 401 as an anonymous GET.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


class TokenAuth(HttpBearer):
    """A personal API token; its user is recorded on the audit entries of the request."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is None:
            return None
        request.user = user
        audit.set_user(user)
        return user


# Response descriptions fixed here (RFC 9110 reason phrases) rather than read from
# Python's http.client, which renamed 422 in 3.13: the committed schema must not
# depend on the interpreter that generated it.
RESPONSE_DESCRIPTIONS = {
    200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Content",
}


class KhuyenHocAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if int(status) in RESPONSE_DESCRIPTIONS:
                        response["description"] = RESPONSE_DESCRIPTIONS[int(status)]
        return schema


api = KhuyenHocAPI(
    title="Khuyến học API",
    version="1",
    description=(
        "The registries of Khuyến học, limited to the caller's roles. Authenticate with a personal "
        "token (`Authorization: Bearer kh_…`) or a logged-in session (unsafe methods then need "
        "`X-CSRFToken`)."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    auth=[TokenAuth(), SessionAuth()],
)
api.add_router("", places_router)
api.add_router("", organisations_router)
api.add_router("", people_router)
api.add_router("", people_import_router)
api.add_router("", universal_router)
api.add_router("", recognition_router)
api.add_router("", plans_router)
api.add_router("", association_router)
api.add_router("", fund_router)


def _errors(request: HttpRequest, errors: list[DomainError], status: int) -> HttpResponse:
    detail = [
        {"field": error.column, "message_vi": error.vietnamese, "message_en": error.english}
        for error in errors
    ]
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A rule of the registry refused the input: 400, naming the field."""
    return _errors(request, [exc], 400)


def _field(location: tuple | list) -> str:
    """``["body", "payload", "name"]`` → ``name``; ``["query", "on"]`` → ``on``."""
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[2:] or parts[1:]
    else:
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The request does not have the expected shape: 422, one entry per field."""
    errors = [
        DomainError(
            _("Invalid value: %(reason)s"), {"reason": error.get("msg", "")},
            column=_field(error.get("loc", ())) or None,
        )
        for error in exc.errors
    ]
    return _errors(request, errors, 422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Errors raised by ninja itself; an unreadable body (400) gets the shape of refused input."""
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        error = DomainError(_("The request body is not valid JSON."), column="body")
        return _errors(request, [error], 400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """No valid token or session: 401."""
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """The caller may see the object but not do this to it: 403."""
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Unknown, or outside the caller's scope (the two are not told apart): 404."""
    return api.create_response(request, {"detail": "Not Found"}, status=404)
