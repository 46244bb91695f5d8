import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import RoleAssignment

pytestmark = pytest.mark.django_db


def test_grant_role_resolves_the_code_on_the_date(krong_bong, roleless_user):
    call_command("grant_role", "nobody", "commune_viewer", "--unit", "24454", "--on", "2024-09-30")
    assignment = RoleAssignment.objects.get(user=roleless_user)
    assert assignment.unit == krong_bong.legacy["24454"]  # Xã Cư KTy before the reform


def test_grant_role_refuses_an_unknown_code_and_a_wrong_level(krong_bong, roleless_user):
    with pytest.raises(CommandError, match="99999"):
        call_command("grant_role", "nobody", "commune_officer", "--unit", "99999")
    with pytest.raises(CommandError):
        call_command("grant_role", "nobody", "province_viewer", "--unit", "24454", "--level", "commune")
    assert not RoleAssignment.objects.exists()
