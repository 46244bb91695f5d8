import pytest
from django.urls import reverse

from apps.accounts.models import RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def treasurer(krong_bong, django_user_model):
    user = django_user_model.objects.create_user("thuquy", password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role="fund_treasurer", unit=krong_bong.new["24454"])
    return user


def test_the_registry_menu_offers_imports_only_to_those_who_may_import(client, commune_officer, treasurer):
    import_url = reverse("people:import_start")
    client.force_login(commune_officer)
    assert import_url in client.get(reverse("people:household_list")).content.decode()
    client.force_login(treasurer)
    response = client.get(reverse("people:household_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert import_url not in page and reverse("people:rollover") not in page
    assert client.get(import_url).status_code == 403


def test_the_plans_menu_offers_the_import_only_with_the_plans_capability(client, commune_officer, treasurer):
    import_url = reverse("plans:import")
    client.force_login(commune_officer)
    assert import_url in client.get(reverse("plans:index")).content.decode()
    client.force_login(treasurer)
    response = client.get(reverse("plans:index"))
    assert response.status_code == 200 and import_url not in response.content.decode()
