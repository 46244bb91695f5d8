"""Login, locking, the audit log and its scope."""

import pytest
from django.test import override_settings
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.places import services

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese_by_default(client):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert 'lang="vi"' in page.text
    assert "Đăng nhập" in page.text


def test_login_page_switches_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login"))
    assert 'lang="en"' in page.text
    assert "Log in" in page.text


def test_login_and_logout_are_audited(client, commune_officer):
    response = client.post(reverse("accounts:login"), {"username": "dangkang", "password": "demo-pass-123"})
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    actions = list(AuditEntry.objects.filter(user=commune_officer).values_list("action", flat=True))
    assert sorted(actions) == ["login", "logout"]


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account(client, commune_officer):
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "dangkang", "password": "wrong"})
    locked = client.post(reverse("accounts:login"), {"username": "dangkang", "password": "demo-pass-123"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed").count() >= 3


def test_security_headers_are_sent(client):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


def test_audit_log_shows_changes_of_the_scope_only(client, commune_officer, neighbour_officer, krong_bong):
    services.create_village(krong_bong.new["24454"], "Thôn Dang Kang 1")
    services.create_village(krong_bong.new["24481"], "Thôn Hòa Sơn 1")
    client.force_login(commune_officer)
    log = client.get(reverse("accounts:audit"))
    assert "Thôn Dang Kang 1" in log.text
    assert "Thôn Hòa Sơn 1" not in log.text
    other = AuditEntry.objects.get(object_repr="Thôn Hòa Sơn 1")
    assert client.get(reverse("accounts:audit_entry", args=[other.pk])).status_code == 404


def test_audit_log_search_filters_by_text(client, commune_officer, krong_bong):
    services.create_village(krong_bong.new["24454"], "Thôn A")
    services.create_village(krong_bong.new["24454"], "Thôn B")
    client.force_login(commune_officer)
    log = client.get(reverse("accounts:audit"), {"text": "Thôn B"})
    assert "Thôn B" in log.text
    assert "Thôn A" not in log.text


def test_audit_entries_cannot_be_changed_or_deleted(krong_bong):
    from django.core.exceptions import ValidationError

    services.create_village(krong_bong.new["24454"], "Thôn A")
    entry = AuditEntry.objects.get(object_repr="Thôn A")
    entry.object_repr = "forged"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_an_update_records_before_and_after(krong_bong):
    village = services.create_village(krong_bong.new["24454"], "Thôn A")
    services.update_village(village, "Thôn A mới", "thôn")
    entry = AuditEntry.objects.get(action="update", object_id=str(village.pk))
    assert entry.before["name"] == "Thôn A"
    assert entry.after["name"] == "Thôn A mới"
    assert ("name", "Thôn A", "Thôn A mới") in entry.changed_fields()


def test_password_change_page_works(client, commune_officer):
    client.force_login(commune_officer)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "demo-pass-123",
        "new_password1": "Khuyen-hoc-2026!",
        "new_password2": "Khuyen-hoc-2026!",
    })
    assert response.status_code == 302
    commune_officer.refresh_from_db()
    assert commune_officer.check_password("Khuyen-hoc-2026!")


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client):
    page = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert 'lang="vi"' in page.text
