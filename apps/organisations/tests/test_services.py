import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError
from apps.organisations import services
from apps.organisations.models import Organisation, OrganisationKind


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def committee(commune_officer, dang_kang):
    return services.create_organisation(
        commune_officer, name="UBND xã Dang Kang", kind=OrganisationKind.PEOPLES_COMMITTEE, unit=dang_kang
    )


def test_commune_officer_creates_an_organisation_in_dang_kang(commune_officer, dang_kang):
    organisation = services.create_organisation(
        commune_officer, name="  Trường  Tiểu học\u00a0Dang Kang ", kind="school", unit=dang_kang,
        phone="0262 3 123 456", email="th.dangkang@example.vn",
    )
    organisation.refresh_from_db()
    assert organisation.name == "Trường Tiểu học Dang Kang"
    assert organisation.created_by == commune_officer
    assert organisation.updated_by == commune_officer
    assert organisation.active


def test_name_is_nfc_normalised(commune_officer, dang_kang):
    decomposed = "Tru\u031bo\u031b\u0300ng Ma\u0302\u0300m non"  # "Trường Mầm non", decomposed
    organisation = services.create_organisation(commune_officer, name=decomposed, kind="school",
                                                unit=dang_kang)
    assert organisation.name == "Trường Mầm non"


def test_officer_may_create_in_a_legacy_commune_merged_into_theirs(commune_officer, krong_bong):
    organisation = services.create_organisation(
        commune_officer, name="Trường THCS Cư KTy", kind="school", unit=krong_bong.legacy["24454"]
    )
    assert organisation.pk


def test_neighbour_may_not_create_in_dang_kang(neighbour_officer, dang_kang):
    with pytest.raises(PermissionDenied):
        services.create_organisation(neighbour_officer, name="Hội Khuyến học", kind="learning_association",
                                     unit=dang_kang)
    assert not Organisation.objects.exists()


def test_viewer_may_not_edit(district_viewer, committee, dang_kang):
    with pytest.raises(PermissionDenied):
        services.create_organisation(district_viewer, name="Hội Nông dân", kind="mass_organisation",
                                     unit=dang_kang)
    with pytest.raises(PermissionDenied):
        services.update_organisation(district_viewer, committee, head_name="Nguyễn Văn A")
    with pytest.raises(PermissionDenied):
        services.deactivate_organisation(district_viewer, committee)


def test_roleless_user_may_not_create(roleless_user, dang_kang):
    with pytest.raises(PermissionDenied):
        services.create_organisation(roleless_user, name="X", kind="other", unit=dang_kang)


def test_duplicate_name_in_the_unit_names_the_field(commune_officer, committee, dang_kang):
    with pytest.raises(DomainError) as caught:
        services.create_organisation(commune_officer, name="ubnd  XÃ dang kang", kind="other",
                                     unit=dang_kang)
    assert caught.value.column == "name"
    assert "UBND" in caught.value.english or "ubnd" in caught.value.english
    assert caught.value.as_dict()["message_vi"]


def test_same_name_in_another_unit_is_allowed(commune_officer, committee, krong_bong):
    other = services.create_organisation(
        commune_officer, name="UBND xã Dang Kang", kind="peoples_committee", unit=krong_bong.legacy["24451"]
    )
    assert other.pk != committee.pk


def test_parent_cycle_is_refused(commune_officer, committee, dang_kang):
    office = services.create_organisation(commune_officer, name="Văn phòng HĐND và UBND", kind="agency",
                                          unit=dang_kang, parent=committee)
    desk = services.create_organisation(commune_officer, name="Bộ phận một cửa", kind="agency",
                                        unit=dang_kang, parent=office)
    with pytest.raises(DomainError) as caught:
        services.update_organisation(commune_officer, committee, parent=desk)
    assert caught.value.column == "parent"
    with pytest.raises(DomainError) as caught:
        services.update_organisation(commune_officer, committee, parent=committee)
    assert caught.value.column == "parent"
    committee.refresh_from_db()
    assert committee.parent is None


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"name": "   "}, "name"),
        ({"kind": "bakery"}, "kind"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"short_name": "x" * 101}, "short_name"),
    ],
)
def test_bad_input_names_the_field(commune_officer, dang_kang, changes, column):
    values = {"name": "Đoàn Thanh niên", "kind": "mass_organisation", "unit": dang_kang, **changes}
    errors = services.validate_organisation(values)
    assert [error.column for error in errors] == [column]
    with pytest.raises(DomainError) as caught:
        services.create_organisation(commune_officer, **values)
    assert caught.value.column == column


def test_unit_is_required():
    errors = services.validate_organisation({"name": "Chi hội", "kind": "other", "unit": None})
    assert [error.column for error in errors] == ["unit"]


def test_update_writes_an_audit_entry_with_before_and_after(commune_officer, committee):
    services.update_organisation(commune_officer, committee, head_name="Y Khiêm Niê", head_title="Chủ tịch")
    entry = AuditEntry.objects.filter(
        model="organisations.Organisation", object_id=str(committee.pk), action=AuditEntry.Action.UPDATE
    ).get()
    assert entry.before["head_name"] == ""
    assert entry.after["head_name"] == "Y Khiêm Niê"
    assert ("head_title", "", "Chủ tịch") in entry.changed_fields()
    assert entry.unit_path == committee.unit.path


def test_update_refuses_unknown_fields(commune_officer, committee):
    with pytest.raises(TypeError):
        services.update_organisation(commune_officer, committee, is_demo=True)


def test_moving_needs_edit_on_the_new_unit(commune_officer, committee, krong_bong):
    with pytest.raises(PermissionDenied):
        services.update_organisation(commune_officer, committee, unit=krong_bong.new["24481"])
    moved = services.update_organisation(commune_officer, committee, unit=krong_bong.legacy["24451"])
    assert moved.unit == krong_bong.legacy["24451"]


def test_deactivate_keeps_the_record(commune_officer, committee):
    services.deactivate_organisation(commune_officer, committee)
    committee.refresh_from_db()
    assert committee.active is False
    assert Organisation.objects.filter(pk=committee.pk).exists()
    entry = AuditEntry.objects.filter(object_id=str(committee.pk), action="update").get()
    assert entry.after["active"] is False
    reactivated = services.update_organisation(commune_officer, committee, active=True)
    assert reactivated.active is True


def test_reading_is_scoped(commune_officer, neighbour_officer, district_viewer, committee):
    assert list(services.get_organisations_for_user(commune_officer)) == [committee]
    assert list(services.get_organisations_for_user(district_viewer)) == [committee]
    assert not services.get_organisations_for_user(neighbour_officer).exists()
    assert services.get_organisation_for_user(district_viewer, committee.pk) == committee
    with pytest.raises(Http404):
        services.get_organisation_for_user(neighbour_officer, committee.pk)
    with pytest.raises(Http404):
        services.get_organisation_for_user(commune_officer, "not-a-number")
