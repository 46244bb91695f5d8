import pytest
from django.contrib.auth import get_user_model

from apps.accounts.scope import scope_for
from apps.core.demo import DEMO_PASSWORD, load_demo
from apps.organisations.models import Organisation
from apps.places.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_loads_users_villages_and_organisations_once(krong_bong):
    first = load_demo()
    assert first["villages"] > 0 and first["organisations"] > 0 and first["flags"] == 2
    second = load_demo()
    assert second == {"villages": 0, "organisations": 0, "flags": 0}
    assert Unit.objects.filter(kind="village", is_demo=False).count() == 0
    assert not Organisation.objects.filter(is_demo=False).exists()


def test_demo_users_see_exactly_their_scope(krong_bong):
    load_demo()
    users = {user.username: user for user in get_user_model().objects.all()}
    assert sorted(users) == ["admin", "dangkang", "hoason", "hoikh", "krongbong", "thuquy", "tinh"]
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert scope_for(users["admin"]).everything
    dang_kang, hoa_son = krong_bong.new["24454"], krong_bong.new["24481"]
    assert scope_for(users["tinh"]).covers(krong_bong.district)
    assert scope_for(users["krongbong"]).covers(dang_kang)
    assert scope_for(users["dangkang"]).covers(krong_bong.legacy["24454"])  # Cư KTy
    assert not scope_for(users["dangkang"]).covers(hoa_son)
    assert not scope_for(users["hoason"]).covers(dang_kang)
    assert scope_for(users["hoason"]).covers(krong_bong.legacy["24472"])  # Ea Trul
    assert scope_for(users["thuquy"], "fund").covers(dang_kang)
    assert not scope_for(users["thuquy"], "fund").covers(hoa_son)
    assert not scope_for(users["thuquy"], "personal_data").covers(dang_kang)
    assert scope_for(users["hoikh"], "association").covers(dang_kang)
