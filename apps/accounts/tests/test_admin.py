import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_system_admin_opens_the_role_pages(client, admin_user_, commune_officer):
    client.force_login(admin_user_)
    for url in ["/admin/", "/admin/accounts/roleassignment/add/",
                f"/admin/auth/user/{commune_officer.pk}/change/", "/admin/accounts/auditentry/",
                "/admin/places/unit/?q=Dang"]:
        assert client.get(url).status_code == 200, url


def test_staff_without_the_admin_role_is_refused(client, commune_officer):
    get_user_model().objects.filter(pk=commune_officer.pk).update(is_staff=True)
    client.force_login(commune_officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_audit_entries_are_read_only_in_admin(client, admin_user_, krong_bong):
    from apps.places import services

    services.create_village(krong_bong.new["24454"], "Thôn A")
    client.force_login(admin_user_)
    from apps.accounts.models import AuditEntry

    entry = AuditEntry.objects.first()
    assert client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
