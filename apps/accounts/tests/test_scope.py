from apps.accounts.scope import scope_for
from apps.places.models import Unit


def codes(scope, structure, kind="commune"):
    return sorted(scope.units().filter(structure=structure, kind=kind).values_list("code", flat=True))


def test_commune_officer_sees_new_commune_and_the_communes_merged_into_it(commune_officer, krong_bong):
    scope = scope_for(commune_officer)
    assert codes(scope, "2025") == ["24454"]
    assert codes(scope, "legacy") == ["24451", "24454", "24457"]


def test_neighbour_commune_sees_nothing_of_dang_kang(neighbour_officer, krong_bong):
    scope = scope_for(neighbour_officer)
    assert not scope.covers(krong_bong.new["24454"])
    assert not scope.covers(krong_bong.legacy["24454"])  # Cư KTy went to Dang Kang
    assert codes(scope, "legacy") == ["24469", "24472", "24481"]


def test_former_district_covers_its_communes_and_the_five_made_from_them(district_viewer, krong_bong):
    scope = scope_for(district_viewer)
    assert len(codes(scope, "legacy")) == 13
    assert codes(scope, "2025") == ["24448", "24454", "24478", "24481", "24484"]
    assert not scope.covers(krong_bong.province)


def test_province_viewer_covers_both_maps_of_the_province(province_viewer, krong_bong):
    scope = scope_for(province_viewer)
    assert scope.covers(krong_bong.district)
    assert scope.covers(krong_bong.legacy_province)
    assert Unit.objects.count() == scope.units().count()


def test_user_without_role_has_empty_scope(roleless_user, krong_bong):
    scope = scope_for(roleless_user)
    assert scope.is_empty
    assert scope.units().count() == 0


def test_anonymous_has_empty_scope(krong_bong):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser()).units().count() == 0


def test_viewer_has_no_edit_capability(district_viewer, krong_bong):
    assert scope_for(district_viewer, "edit").is_empty


def test_system_admin_sees_everything(admin_user_, krong_bong):
    assert scope_for(admin_user_).everything
