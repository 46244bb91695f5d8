import datetime as dt

from django.test import Client
from django.utils import timezone

from apps.accounts.models import ApiToken, AuditEntry
from apps.accounts.tokens import create_token, revoke_token
from apps.places.models import Unit

URL = "/api/v1/units"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_anonymous_gets_401_with_a_json_body(krong_bong):
    response = Client().get(URL)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_authenticates_as_its_user(commune_officer):
    _token, key = create_token(commune_officer, "sync")
    response = Client().get(URL, {"on": "2025-09-30", "level": "commune"}, headers=bearer(key))
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == ["24454"]


def test_revoked_token_gets_401(commune_officer):
    token, key = create_token(commune_officer, "sync")
    revoke_token(commune_officer, token)
    assert Client().get(URL, headers=bearer(key)).status_code == 401


def test_expired_token_and_inactive_user_get_401(commune_officer):
    token, key = create_token(commune_officer, "sync", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert Client().get(URL, headers=bearer(key)).status_code == 401
    _token, key = create_token(commune_officer, "other")
    commune_officer.is_active = False
    commune_officer.save()
    assert Client().get(URL, headers=bearer(key)).status_code == 401


def test_wrong_key_or_scheme_gets_401(commune_officer):
    _token, key = create_token(commune_officer, "sync")
    assert Client().get(URL, headers=bearer(key[:-1])).status_code == 401
    assert Client().get(URL, headers={"Authorization": f"Token {key}"}).status_code == 401


def test_token_writes_need_no_csrf_and_are_audited_with_the_user(commune_officer, krong_bong):
    _token, key = create_token(commune_officer, "sync")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{URL}/{krong_bong.new['24454'].pk}/villages", {"name": "Buôn Ea Kal", "type": "buôn"},
        content_type="application/json", headers=bearer(key),
    )
    assert response.status_code == 201, response.content
    village = Unit.objects.get(pk=response.json()["id"])
    entry = AuditEntry.objects.get(model="places.Unit", object_id=str(village.pk))
    assert entry.user == commune_officer
    assert entry.actor == "dangkang"
    assert village.created_by == commune_officer


def test_token_of_a_viewer_may_not_write(district_viewer, krong_bong):
    _token, key = create_token(district_viewer, "read")
    response = Client().post(
        f"{URL}/{krong_bong.new['24454'].pk}/villages", {"name": "Thôn 1", "type": "thôn"},
        content_type="application/json", headers=bearer(key),
    )
    assert response.status_code == 403


def test_token_of_the_neighbour_sees_nothing_of_dang_kang(neighbour_officer, krong_bong):
    _token, key = create_token(neighbour_officer, "sync")
    response = Client().get(f"{URL}/{krong_bong.new['24454'].pk}", headers=bearer(key))
    assert response.status_code == 404


def test_logged_in_session_is_accepted(roleless_user):
    client = Client()
    client.force_login(roleless_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_anonymous_post_gets_401_not_a_csrf_error(krong_bong):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/organisations", {"name": "X", "kind": "other", "unit_id": krong_bong.province.pk},
        content_type="application/json",
    )
    assert response.status_code == 401
