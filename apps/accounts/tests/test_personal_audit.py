"""The audit trail names people by codes and shows their values only with personal-data rights."""

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEntry, RoleAssignment
from apps.people import testing

pytestmark = pytest.mark.django_db


def test_person_changes_are_named_by_codes_and_hidden_from_a_viewer(
    client, commune_officer, district_viewer, krong_bong
):
    home = testing.household(krong_bong.new["24454"], "H009")
    person = testing.person(home, "03", birth_year=1990, full_name="Y Bih Niê")
    entry = AuditEntry.objects.get(model="people.Person", object_id=str(person.pk))
    assert entry.object_repr == "H009/03"

    client.force_login(district_viewer)
    page = client.get(reverse("accounts:audit_entry", args=[entry.pk]))
    assert page.status_code == 200
    assert "Y Bih Niê" not in page.text

    client.force_login(commune_officer)
    assert "Y Bih Niê" in client.get(reverse("accounts:audit_entry", args=[entry.pk])).text


def test_a_village_change_stays_visible_to_a_viewer(client, district_viewer, krong_bong):
    from apps.places import services

    village = services.create_village(krong_bong.new["24454"], "Thôn Mới")
    entry = AuditEntry.objects.get(model="places.Unit", object_id=str(village.pk))
    client.force_login(district_viewer)
    assert "Thôn Mới" in client.get(reverse("accounts:audit_entry", args=[entry.pk])).text
    assert RoleAssignment.objects.filter(user=district_viewer).exists()
