"""Create, list and revoke personal API tokens from the shell.

    manage.py api_token create USERNAME --name NAME [--days N]
    manage.py api_token list USERNAME
    manage.py api_token revoke ID
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.accounts import audit
from apps.accounts.models import ApiToken
from apps.accounts.tokens import create_token, is_usable, revoke_token
from apps.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke the personal API tokens of a user."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print its key once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument("--days", type=int, default=None, help="Expire after N days (default: never).")
        listing = actions.add_parser("list", help="List a user's tokens (never their keys).")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.audit_context(actor="manage.py api_token", source="command api_token"):
            getattr(self, f"_{options['action']}")(options)

    def _user(self, username: str):
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        try:
            token, key = create_token(user, options["name"], days=options["days"])
        except DomainError as error:
            raise CommandError(error.english) from None
        expiry = f"expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}" if token.expires_at \
            else "never expires"
        self.stdout.write(f"Token {token.pk} “{token.name}” for {user.get_username()}, {expiry}.")
        self.stdout.write("Key (shown only now, store it safely):")
        self.stdout.write(key)

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        tokens = ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        if not tokens:
            self.stdout.write(f"{user.get_username()} has no tokens.")
            return
        now = timezone.now()

        def when(value) -> str:
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "-"

        self.stdout.write(f"{'id':>5}  {'name':<30} {'starts with':<12} {'created':<16} "
                          f"{'last used':<16} {'expires':<16} status")
        for token in tokens:
            if token.revoked_at:
                status = "revoked"
            elif not is_usable(token, now):
                status = "expired"
            else:
                status = "active"
            self.stdout.write(
                f"{token.pk:>5}  {token.name[:30]:<30} {token.hint + '…':<12} {when(token.created_at):<16} "
                f"{when(token.last_used_at):<16} {when(token.expires_at):<16} {status}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"No token with id {options['id']}.")
        # The shell operator acts for the owner: revoking is always allowed to them.
        revoke_token(token.user, token)
        self.stdout.write(f"Token {token.pk} “{token.name}” of {token.user.get_username()} is revoked.")
