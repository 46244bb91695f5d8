"""Personal API tokens: created once in clear, stored as a hash, revoked, never shown again.

A token is sent as ``Authorization: Bearer kh_…`` and acts as its user, with the
user's roles and scope. Only the SHA-256 hash and the first characters (to tell
tokens apart in a list) are stored.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import ApiToken
from apps.accounts.scope import is_system_admin
from apps.core.errors import DomainError

HINT_LENGTH = 8
MAX_DAYS = 3660  # ten years: a token that long-lived should be replaced, not extended
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def create_token(user, name: str, *, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it and its clear key, which is not stored anywhere.

    ``days``: the token expires that many days from now; ``None`` for no expiry.
    """
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("The token needs a name."), column="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise DomainError(_("The token name is longer than 100 characters."), column="name")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise DomainError(
            _("A token lasts from 1 to %(max)s days."), {"max": MAX_DAYS}, column="days"
        )
    if not getattr(user, "pk", None) or not user.is_active:
        raise DomainError(_("Tokens can only be created for an active user."), column="user")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=ApiToken.hash_key(key),
        hint=key[:HINT_LENGTH],
        expires_at=timezone.now() + dt.timedelta(days=days) if days is not None else None,
    )
    return token, key


@transaction.atomic
def revoke_token(user, token: ApiToken) -> ApiToken:
    """Revoke a token; ``user`` must own it or be a system administrator. Idempotent."""
    if token.user_id != getattr(user, "pk", None) and not is_system_admin(user):
        raise PermissionDenied(_("You may only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def is_usable(token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Not revoked and not expired."""
    now = now or timezone.now()
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)


def authenticate_token(key: str | None):
    """The active user a clear key belongs to, or ``None`` (unknown, revoked, expired key).

    Records the time of use, at most once a minute per token, without an audit
    entry (``last_used_at`` is not audited).
    """
    if not key or not key.startswith(ApiToken.PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    )
    now = timezone.now()
    if token is None or not is_usable(token, now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
