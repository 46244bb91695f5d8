"""The household pages, around the personas: officer, viewer above, neighbour, anonymous."""

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.people import services, testing
from apps.people.models import Household

YEAR = 2026


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def home(dang_kang):
    home = testing.household(dang_kang, "H001")
    home.address = "12 Đường Lê Lợi"
    home.save()
    return home


@pytest.fixture
def members(home):
    head = testing.person(home, "01", birth_year=1980, year=YEAR - 1, relation="head",
                          full_name="Nguyễn Văn An", primary_completed_year=1991, highest_grade_completed=9)
    child = testing.person(home, "02", birth_year=2015, year=YEAR - 1, relation="child",
                           full_name="Nguyễn Thị Bé", enrolled_level="primary", enrolled_grade=4)
    testing.person(home, "03", birth_year=2021, year=YEAR, relation="child", full_name="Nguyễn Văn Út",
                   enrolled_level="preschool")
    from apps.people.models import SurveyRecord

    SurveyRecord.objects.create(person=head, year=YEAR, commune=home.commune, primary_completed_year=1991,
                                highest_grade_completed=9)
    SurveyRecord.objects.create(person=child, year=YEAR, commune=home.commune, enrolled_level="primary",
                                enrolled_grade=5)
    return head, child


def _urls(home):
    return {
        "detail": reverse("people:household_detail", args=[home.pk]),
        "edit": reverse("people:household_edit", args=[home.pk]),
    }


def test_anonymous_is_sent_to_login_from_every_household_page(client, home):
    for url in [reverse("people:household_list"), reverse("people:household_create"), *_urls(home).values()]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url


def test_officer_sees_members_with_the_year_and_the_years_side_by_side(client, commune_officer, home,
                                                                      members):
    client.force_login(commune_officer)
    page = client.get(_urls(home)["detail"], {"year": YEAR})
    assert page.status_code == 200
    assert "Nguyễn Thị Bé" in page.text and "12 Đường Lê Lợi" in page.text
    assert 'data-testid="compare"' in page.text
    compare = page.text.split('data-testid="compare"')[1]
    assert f"<th>{YEAR}</th><th>{YEAR - 1}</th>" in compare
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, model="people.Household",
                                     object_id=str(home.pk)).exists()


def test_viewer_above_sees_the_household_by_codes(client, district_viewer, home, members):
    client.force_login(district_viewer)
    page = client.get(_urls(home)["detail"], {"year": YEAR})
    assert page.status_code == 200
    assert "Nguyễn" not in page.text and "Lê Lợi" not in page.text
    assert 'data-testid="codes-only"' in page.text
    listing = client.get(reverse("people:household_list"))
    assert "H001" in listing.text and "Nguyễn Văn An" not in listing.text
    assert client.get(_urls(home)["edit"]).status_code == 403
    assert client.get(reverse("people:household_create")).status_code == 403
    assert client.get(reverse("people:person_create", args=[home.pk])).status_code == 403


def test_neighbour_sees_no_household_of_dang_kang(client, neighbour_officer, home, members):
    client.force_login(neighbour_officer)
    assert "H001" not in client.get(reverse("people:household_list")).text
    for url in _urls(home).values():
        assert client.get(url).status_code == 404, url
    response = client.get(reverse("people:household_create"), {"commune": home.commune_id})
    assert response.status_code == 403


def test_officer_lists_households_with_their_head_and_size(client, commune_officer, home, members):
    client.force_login(commune_officer)
    page = client.get(reverse("people:household_list"), {"commune": home.commune_id})
    assert page.status_code == 200
    row = page.text.split('data-testid="households"')[1]
    assert "Nguyễn Văn An" in row and "<td>3</td>" in row


def test_household_list_query_count_is_bounded(client, commune_officer, dang_kang,
                                               django_assert_max_num_queries):
    for number in range(60):
        home = testing.household(dang_kang, f"H{number:03d}")
        testing.person(home, "01", birth_year=1980, relation="head", full_name=f"Chủ hộ {number}")
    client.force_login(commune_officer)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("people:household_list"))
    assert "H049" in page.text and "H050" not in page.text


def test_household_page_query_count_is_bounded(client, commune_officer, home, members,
                                               django_assert_max_num_queries):
    for number in range(4, 20):
        testing.person(home, f"{number:02d}", birth_year=2000, year=YEAR, full_name=f"Người {number}")
    client.force_login(commune_officer)
    with django_assert_max_num_queries(25):
        assert client.get(_urls(home)["detail"]).status_code == 200


def test_officer_registers_a_household_after_choosing_the_commune(client, commune_officer, dang_kang):
    village = testing.village(dang_kang, "Buôn Tơng")
    client.force_login(commune_officer)
    url = reverse("people:household_create")
    chooser = client.get(url)
    assert 'data-testid="choose-commune"' in chooser.text and "Xã Dang Kang" in chooser.text
    form = client.get(url, {"commune": dang_kang.pk})
    assert "Buôn Tơng" in form.text
    response = client.post(f"{url}?commune={dang_kang.pk}", {"village": village.pk, "code": " H777 ",
                                                             "address": ""})
    household = Household.objects.get()
    assert response.status_code == 302
    assert (household.code, household.commune, household.village) == ("H777", dang_kang, village)


def test_a_duplicate_household_code_is_shown_on_its_field(client, commune_officer, dang_kang, home):
    client.force_login(commune_officer)
    url = f"{reverse('people:household_create')}?commune={dang_kang.pk}"
    response = client.post(url, {"village": home.village_id, "code": "H001"})
    assert response.status_code == 200 and "errorlist" in response.text
    assert "H001" in response.text.split("errorlist")[1][:300]
    assert Household.objects.count() == 1


def test_officer_moves_a_household_to_another_village(client, commune_officer, dang_kang, home, members):
    other = testing.village(dang_kang, "Buôn Tơng")
    client.force_login(commune_officer)
    response = client.post(_urls(home)["edit"], {"village": other.pk, "code": "H001", "address": "Buôn Tơng"})
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.village == other
    assert {member.village_id for member in home.members.all()} == {other.pk}


def test_households_are_never_deleted(client, admin_user_, home):
    client.force_login(admin_user_)
    response = client.post(reverse("admin:people_household_delete", args=[home.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Household.objects.filter(pk=home.pk).exists()
    assert not [name for name in dir(services) if "delete" in name]
