import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.accounts.models import ApiToken, AuditEntry
from apps.accounts.tokens import authenticate_token, create_token, revoke_token
from apps.core.errors import DomainError


def test_create_returns_the_key_once_and_stores_only_its_hash(commune_officer):
    token, key = create_token(commune_officer, "  Báo cáo   tự động ", days=30)
    token.refresh_from_db()
    assert key.startswith("kh_") and len(key) > 40
    assert token.name == "Báo cáo tự động"
    assert token.key_hash == ApiToken.hash_key(key)
    assert token.hint == key[:8]
    assert key not in str(ApiToken.objects.values().get())
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)


def test_creation_is_audited_without_the_hash(commune_officer):
    token, _key = create_token(commune_officer, "sync")
    entry = AuditEntry.objects.get(model="accounts.ApiToken", object_id=str(token.pk))
    assert entry.action == "create"
    assert "key_hash" not in entry.after


@pytest.mark.parametrize(("name", "days", "column"), [("", None, "name"), ("x", 0, "days"),
                                                      ("x", -3, "days"), ("x" * 101, None, "name")])
def test_bad_input_is_refused(commune_officer, name, days, column):
    with pytest.raises(DomainError) as caught:
        create_token(commune_officer, name, days=days)
    assert caught.value.column == column


def test_authenticate(commune_officer):
    _token, key = create_token(commune_officer, "sync")
    assert authenticate_token(key) == commune_officer
    assert authenticate_token(key + "x") is None
    assert authenticate_token("") is None
    assert authenticate_token(None) is None
    assert authenticate_token("not-a-token") is None


def test_revoked_expired_and_inactive_do_not_authenticate(commune_officer):
    revoked, revoked_key = create_token(commune_officer, "old")
    revoke_token(commune_officer, revoked)
    assert authenticate_token(revoked_key) is None

    expired, expired_key = create_token(commune_officer, "short", days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert authenticate_token(expired_key) is None

    _token, key = create_token(commune_officer, "sync")
    commune_officer.is_active = False
    commune_officer.save()
    assert authenticate_token(key) is None


def test_last_used_is_recorded_at_most_once_a_minute(commune_officer, django_assert_num_queries):
    token, key = create_token(commune_officer, "sync")
    authenticate_token(key)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the look-up only, no update
        authenticate_token(key)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    authenticate_token(key)
    token.refresh_from_db()
    assert token.last_used_at > first
    assert not AuditEntry.objects.filter(model="accounts.ApiToken", action="update").exists()


def test_only_the_owner_or_an_administrator_revokes(commune_officer, neighbour_officer, admin_user_):
    token, _key = create_token(commune_officer, "sync")
    with pytest.raises(PermissionDenied):
        revoke_token(neighbour_officer, token)
    revoke_token(admin_user_, token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    when = token.revoked_at
    revoke_token(commune_officer, token)  # idempotent
    token.refresh_from_db()
    assert token.revoked_at == when


def test_command_create_list_revoke(commune_officer):
    out = StringIO()
    call_command("api_token", "create", "dangkang", "--name", "Đồng bộ", "--days", "7", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert authenticate_token(key) == commune_officer

    out = StringIO()
    call_command("api_token", "list", "dangkang", stdout=out)
    assert "Đồng bộ" in out.getvalue() and token.hint in out.getvalue() and "active" in out.getvalue()
    assert key not in out.getvalue()

    call_command("api_token", "revoke", str(token.pk), stdout=StringIO())
    assert authenticate_token(key) is None
    out = StringIO()
    call_command("api_token", "list", "dangkang", stdout=out)
    assert "revoked" in out.getvalue()
    assert AuditEntry.objects.filter(model="accounts.ApiToken", actor="manage.py api_token").count() == 2


def test_command_errors(commune_officer):
    with pytest.raises(CommandError):
        call_command("api_token", "create", "nobody-here", "--name", "x")
    with pytest.raises(CommandError):
        call_command("api_token", "create", "dangkang", "--name", " ")
    with pytest.raises(CommandError):
        call_command("api_token", "revoke", "999")
