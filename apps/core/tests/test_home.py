import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_user_without_role_is_told_so(client, roleless_user):
    client.force_login(roleless_user)
    page = client.get(reverse("home"))
    assert 'data-testid="no-role"' in page.text
    assert client.get(reverse("places:index")).status_code == 200


def test_home_lists_the_roles(client, commune_officer):
    client.force_login(commune_officer)
    page = client.get(reverse("home"))
    assert "Xã Dang Kang" in page.text


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302


def test_pages_load_no_asset_from_another_host(client, commune_officer):
    client.force_login(commune_officer)
    page = client.get(reverse("home")).text
    assert "https://" not in page.replace("https://www.gnu.org", "")
