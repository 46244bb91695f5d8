"""The services of the association: branches, members, reported counts, copying a year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from apps.accounts.models import AuditEntry
from apps.association import services
from apps.association.models import Branch, BranchKind, Member, ReportedCount
from apps.association.tests.helpers import NAME_CONSENT, PERSON_CONSENT
from apps.core.errors import DomainError
from apps.organisations.models import Organisation, OrganisationKind

YEAR = 2026
TODAY = dt.date(2026, 11, 29)


def test_a_village_branch_takes_the_commune_committee_and_a_default_name(association_officer, villages,
                                                                         committee):
    branch = services.create_branch(association_officer, village=villages[0].unit, founded_on="2020-10-02")
    assert branch.kind == BranchKind.VILLAGE
    assert branch.committee == committee
    assert branch.unit == villages[0].unit
    assert branch.name == "Chi hội khuyến học Thôn 1"
    assert branch.created_by == association_officer
    assert AuditEntry.objects.filter(model="association.Branch", object_id=str(branch.pk)).exists()


def test_an_organisation_branch_takes_its_type_from_the_organisation(association_officer, school, committee):
    branch = services.create_branch(association_officer, organisation=school, name="Ban khuyến học trường")
    assert branch.kind == BranchKind.SCHOOL
    assert branch.unit == school.unit


def test_a_branch_needs_a_village_or_an_organisation_not_both(association_officer, villages, school):
    with pytest.raises(DomainError) as error:
        services.create_branch(association_officer, village=villages[0].unit, organisation=school)
    assert error.value.column == "village"
    with pytest.raises(DomainError):
        services.create_branch(association_officer)


def test_a_commune_is_not_a_village(association_officer, dang_kang, committee):
    with pytest.raises(DomainError) as error:
        services.create_branch(association_officer, village=dang_kang)
    assert error.value.column == "village"
    assert "village" in error.value.english


def test_no_committee_no_branch(association_officer, dang_kang):
    from apps.people import testing as people

    village = people.village(dang_kang, "Thôn 9")
    with pytest.raises(DomainError) as error:
        services.create_branch(association_officer, village=village)
    assert error.value.column == "committee"
    assert error.value.vietnamese and error.value.english


def test_a_committee_of_another_commune_is_refused(association_officer, villages, hoa_son_committee):
    with pytest.raises(DomainError) as error:
        services.create_branch(association_officer, village=villages[0].unit, committee=hoa_son_committee)
    assert error.value.column == "committee"


def test_one_active_branch_per_village_until_it_is_dissolved(association_officer, villages):
    first = services.create_branch(association_officer, village=villages[0].unit, founded_on="2015-01-01")
    with pytest.raises(DomainError) as error:
        services.create_branch(association_officer, village=villages[0].unit)
    assert error.value.column == "village"
    services.dissolve_branch(association_officer, first, on="2025-06-30", reason="sáp nhập thôn", today=TODAY)
    second = services.create_branch(association_officer, village=villages[0].unit, founded_on="2025-07-01")
    assert Branch.objects.filter(village=villages[0].unit).count() == 2
    assert second.dissolved_on is None


def test_dates_in_the_future_and_dissolution_before_founding_are_refused(association_officer, villages):
    with pytest.raises(DomainError) as error:
        services.create_branch(association_officer, village=villages[0].unit, founded_on="2027-01-01",
                               today=TODAY)
    assert error.value.column == "founded_on"
    branch = services.create_branch(association_officer, village=villages[0].unit, founded_on="2020-01-01")
    with pytest.raises(DomainError) as error:
        services.dissolve_branch(association_officer, branch, on="2019-12-31", today=TODAY)
    assert error.value.column == "dissolved_on"
    with pytest.raises(DomainError):
        services.create_branch(association_officer, village=villages[1].unit, founded_on="31/12/2020")


def test_writes_need_the_association_capability(commune_officer, neighbour_officer,
                                                hoa_son_association_officer, villages):
    for user in (commune_officer, neighbour_officer, hoa_son_association_officer):
        with pytest.raises(PermissionDenied):
            services.create_branch(user, village=villages[0].unit)
    assert not Branch.objects.exists()


def test_update_changes_the_name_and_head_but_never_the_place(association_officer, villages):
    branch = services.create_branch(association_officer, village=villages[0].unit)
    services.update_branch(association_officer, branch, name="  Chi hội Thôn  1 ", head_name="Y Bhim")
    branch.refresh_from_db()
    assert branch.name == "Chi hội Thôn 1"
    assert branch.head_name == "Y Bhim"
    with pytest.raises(TypeError):
        services.update_branch(association_officer, branch, village=villages[1].unit)
    with pytest.raises(DomainError) as error:
        services.update_branch(association_officer, branch, name=" ")
    assert error.value.column == "name"


@pytest.fixture
def branch(association_officer, villages):
    return services.create_branch(association_officer, village=villages[0].unit, founded_on="2018-05-01")


def test_members_are_persons_of_the_registry_or_names(association_officer, branch, villages):
    person = villages[0].persons[0]
    linked = services.add_member(association_officer, branch, YEAR, person=person, consents=PERSON_CONSENT)
    named = services.add_member(association_officer, branch, YEAR, full_name="  Y  Moan Niê ",
                                consents=NAME_CONSENT)
    assert linked.display_name == person.full_name
    assert named.full_name == "Y Moan Niê"
    entry = AuditEntry.objects.get(model="association.Member", object_id=str(named.pk))
    assert "Moan" not in entry.object_repr  # the trail names a member by branch and year only


def test_a_person_is_listed_once_per_branch_and_year(association_officer, branch, villages):
    person = villages[0].persons[0]
    services.add_member(association_officer, branch, YEAR, person=person, consents=PERSON_CONSENT)
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, person=person, consents=PERSON_CONSENT)
    assert error.value.column == "person"
    services.add_member(association_officer, branch, YEAR - 1, person=person, consents=PERSON_CONSENT)
    services.add_member(association_officer, branch, YEAR, full_name="Y Moan", consents=NAME_CONSENT)
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, full_name="y moan", consents=NAME_CONSENT)
    assert error.value.column == "full_name"


def test_a_member_needs_a_name_and_a_plausible_year(association_officer, branch):
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, full_name="", consents=NAME_CONSENT)
    assert error.value.column == "full_name"
    for year in (1990, 2030, "abc", 2026.5, True):
        with pytest.raises(DomainError) as error:
            services.add_member(association_officer, branch, year, full_name="Y Moan", today=TODAY,
                                consents=NAME_CONSENT)
        assert error.value.column == "year"
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, 2017, full_name="Y Moan", consents=NAME_CONSENT)
    assert error.value.column == "year"  # founded in 2018


def test_a_person_out_of_scope_cannot_be_listed(association_officer, branch, hoa_son):
    from apps.people import testing as people

    stranger = people.person(people.household(hoa_son, "H900", "Thôn 5"), "01", birth_year=1980, year=YEAR)
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, person=stranger, consents=PERSON_CONSENT)
    assert error.value.column == "person"
    assert not Member.objects.exists()


def test_a_list_and_a_reported_count_exclude_each_other(association_officer, branch, villages):
    services.set_reported_count(association_officer, branch, YEAR, 40)
    with pytest.raises(DomainError) as error:
        services.add_member(association_officer, branch, YEAR, full_name="Y Moan", consents=NAME_CONSENT)
    assert error.value.column == "year"
    services.set_reported_count(association_officer, branch, YEAR, None)
    services.add_member(association_officer, branch, YEAR, full_name="Y Moan", consents=NAME_CONSENT)
    with pytest.raises(DomainError) as error:
        services.set_reported_count(association_officer, branch, YEAR, 40)
    assert error.value.column == "count"


def test_a_reported_count_is_a_whole_number(association_officer, branch):
    for bad in (-1, "1.5", 2.0, "x"):
        with pytest.raises(DomainError) as error:
            services.set_reported_count(association_officer, branch, YEAR, bad)
        assert error.value.column == "count"
    services.set_reported_count(association_officer, branch, YEAR, "25")
    services.set_reported_count(association_officer, branch, YEAR, 30, note="báo cáo quý IV")
    assert ReportedCount.objects.get(branch=branch, year=YEAR).count == 30


def test_removing_a_member_leaves_a_trail(association_officer, branch):
    member = services.add_member(association_officer, branch, YEAR, full_name="Y Moan", consents=NAME_CONSENT)
    pk = member.pk
    services.remove_member(association_officer, member)
    assert not Member.objects.exists()
    assert AuditEntry.objects.filter(model="association.Member", object_id=str(pk),
                                     action="delete").exists()


def test_copying_last_year_skips_who_left_and_who_is_listed(association_officer, branch, villages):
    stayed, left = villages[0].persons[0], villages[1].persons[2]  # moved away in YEAR's survey
    for person in (stayed, left, villages[0].persons[1]):
        services.add_member(association_officer, branch, YEAR - 1, person=person, consents=PERSON_CONSENT)
    services.add_member(association_officer, branch, YEAR - 1, full_name="Y Moan", consents=NAME_CONSENT)
    services.add_member(association_officer, branch, YEAR, person=villages[0].persons[1],
                        consents=PERSON_CONSENT)
    assert services.copy_members(association_officer, branch, YEAR) == 2  # stayed, Y Moan
    assert set(Member.objects.filter(year=YEAR).values_list("person_id", flat=True)) == {
        stayed.pk, villages[0].persons[1].pk, None}
    assert services.copy_members(association_officer, branch, YEAR) == 0  # idempotent


def test_copying_a_reported_count(association_officer, branch):
    services.set_reported_count(association_officer, branch, YEAR - 1, 12)
    services.copy_members(association_officer, branch, YEAR)
    assert ReportedCount.objects.get(branch=branch, year=YEAR).count == 12
    with pytest.raises(DomainError):
        services.copy_members(association_officer, branch, YEAR - 1)  # nothing in YEAR - 2


def test_committees_above_a_village_nearest_first(villages, committee, krong_bong):
    province = Organisation.objects.create(unit=krong_bong.province, name="Hội Khuyến học tỉnh Đắk Lắk",
                                           kind=OrganisationKind.ASSOCIATION)
    assert list(services.committees_above(villages[0].unit)) == [committee, province]
