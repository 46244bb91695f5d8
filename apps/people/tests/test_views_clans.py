"""The clan pages and API, around the personas: officer, viewer above, neighbour, roleless, anonymous."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.people import testing
from apps.people.models import Clan, Person

YEAR = 2026


clan_of, member = testing.clan, testing.clan_member


@pytest.fixture
def nguyen(dang_kang):
    """Clan Nguyễn of Dang Kang: three members present in 2026 in two households, one moved away."""
    clan = clan_of(dang_kang, "Nguyễn")
    h1, h2 = testing.household(dang_kang, "H001"), testing.household(dang_kang, "H002")
    member(h1, "01", clan, birth_year=1980, full_name="Nguyễn Văn An", highest_grade_completed=9)
    member(h1, "02", clan, birth_year=2016, full_name="Nguyễn Thị Bé", enrolled_level="primary",
           enrolled_grade=5)
    member(h2, "01", clan, birth_year=1975, full_name="Nguyễn Văn Cường")
    member(h2, "02", clan, birth_year=1999, full_name="Nguyễn Văn Đi", status="moved_away")
    return clan


@pytest.fixture
def neighbour_clan(krong_bong):
    clan = clan_of(krong_bong.new["24481"], "Trần")
    member(testing.household(krong_bong.new["24481"], "H001"), "01", clan, birth_year=1990,
           full_name="Trần Văn Hòa")
    return clan


def _urls(clan: Clan) -> dict[str, str]:
    return {
        "detail": reverse("people:clan_detail", args=[clan.pk]),
        "edit": reverse("people:clan_edit", args=[clan.pk]),
        "merge": reverse("people:clan_merge", args=[clan.pk]),
    }


def _table(page, testid: str) -> str:
    return page.text.split(f'data-testid="{testid}"')[1].split("</table>")[0]


def test_anonymous_is_sent_to_login_from_every_clan_page(client, nguyen):
    for url in [reverse("people:clan_list"), reverse("people:clan_create"), *_urls(nguyen).values()]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url


def test_officer_lists_the_clans_of_the_commune_with_members_and_households(client, commune_officer, nguyen,
                                                                          neighbour_clan):
    client.force_login(commune_officer)
    page = client.get(reverse("people:clan_list"), {"year": YEAR})
    assert page.status_code == 200
    rows = _table(page, "clans")
    assert "Nguyễn" in rows and "Trần" not in rows
    assert "<td>Xã Dang Kang</td><td>3</td><td>2</td>" in rows
    assert reverse("people:clan_create") in page.text


def test_officer_sees_the_members_by_name_and_the_figures(client, commune_officer, nguyen):
    client.force_login(commune_officer)
    page = client.get(_urls(nguyen)["detail"], {"year": YEAR})
    assert page.status_code == 200
    members = _table(page, "members")
    assert "Nguyễn Thị Bé" in members and "Nguyễn Văn Đi" in members
    person = Person.objects.get(full_name="Nguyễn Thị Bé")
    assert reverse("people:person_detail", args=[person.pk]) in members
    assert reverse("people:household_detail", args=[person.household_id]) in members
    assert 'data-testid="members-count">3<' in page.text and 'data-testid="households-count">2<' in page.text
    bands = _table(page, "bands")
    assert "<td>6-10</td><td>1</td><td>1</td><td>0</td>" in bands
    assert "<td>36-60</td><td>2</td><td>0</td><td>2</td>" in bands
    assert reverse("people:clan_edit", args=[nguyen.pk]) in page.text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW, model="people.Clan",
                                   object_id=str(nguyen.pk))
    assert sorted(entry.after["persons"]) == sorted(nguyen.members.values_list("pk", flat=True))


def test_person_page_links_to_the_clan(client, commune_officer, nguyen):
    client.force_login(commune_officer)
    person = nguyen.members.first()
    page = client.get(reverse("people:person_detail", args=[person.pk]))
    assert f'href="{_urls(nguyen)["detail"]}" data-testid="clan-link"' in page.text


def test_a_village_head_sees_the_clan_name_but_no_link_to_the_communes_clan_page(client, nguyen):
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    person = nguyen.members.first()
    head = get_user_model().objects.create_user("truongthon")
    RoleAssignment.objects.create(user=head, role="village_head", unit=person.village)
    client.force_login(head)
    page = client.get(reverse("people:person_detail", args=[person.pk]))
    assert page.status_code == 200 and "Nguyễn" in page.text and 'data-testid="clan-link"' not in page.text
    assert client.get(_urls(nguyen)["detail"]).status_code == 404


def test_the_person_form_offers_the_communes_clans_to_those_who_may_see_them(client, commune_officer, nguyen):
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    person = nguyen.members.first()
    client.force_login(commune_officer)
    form = client.get(reverse("people:person_edit", args=[person.pk])).text
    assert 'list="clan-names"' in form and '<option value="Nguyễn">' in form
    head = get_user_model().objects.create_user("truongthon2")
    RoleAssignment.objects.create(user=head, role="village_head", unit=person.village)
    client.force_login(head)
    form = client.get(reverse("people:person_edit", args=[person.pk])).text
    assert 'data-testid="person-form"' in form and "clan-names" not in form


def test_viewer_above_sees_the_counts_but_not_who_belongs_to_the_clan(client, district_viewer, nguyen,
                                                                       neighbour_clan):
    client.force_login(district_viewer)
    listing = client.get(reverse("people:clan_list"))
    assert "Nguyễn" in listing.text and "Trần" in listing.text
    page = client.get(_urls(nguyen)["detail"], {"year": YEAR})
    assert page.status_code == 200
    assert 'data-testid="counts-only"' in page.text and 'data-testid="members"' not in page.text
    assert "Nguyễn Văn An" not in page.text and "H001" not in page.text
    assert 'data-testid="members-count">3<' in page.text
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, model="people.Clan").exists()
    assert reverse("people:clan_edit", args=[nguyen.pk]) not in page.text
    for url in (_urls(nguyen)["edit"], _urls(nguyen)["merge"], reverse("people:clan_create")):
        assert client.get(url).status_code == 403, url
    assert client.post(_urls(nguyen)["edit"], {"name": "Lê"}).status_code == 403


def test_neighbour_sees_no_clan_of_dang_kang(client, neighbour_officer, nguyen, neighbour_clan):
    client.force_login(neighbour_officer)
    listing = client.get(reverse("people:clan_list"))
    assert "Trần" in listing.text and "Nguyễn" not in _table(listing, "clans")
    for url in _urls(nguyen).values():
        assert client.get(url).status_code == 404, url
    merge = client.post(_urls(nguyen)["merge"], {"into": neighbour_clan.pk, "confirm": "on"})
    assert merge.status_code == 404
    response = client.post(reverse("people:clan_create"), {"commune": nguyen.commune_id, "name": "Lê"})
    assert response.status_code == 200 and not Clan.objects.filter(name="Lê").exists()


def test_roleless_user_sees_nothing(client, roleless_user, nguyen):
    client.force_login(roleless_user)
    listing = client.get(reverse("people:clan_list"))
    assert listing.status_code == 200 and "Nguyễn" not in _table(listing, "clans")
    assert client.get(_urls(nguyen)["detail"]).status_code == 404
    assert client.get(reverse("people:clan_create")).status_code == 403


def test_search_ignores_diacritics_and_the_commune_filter_narrows(client, district_viewer, nguyen,
                                                                  neighbour_clan, dang_kang):
    clan_of(dang_kang, "Lê")
    client.force_login(district_viewer)
    rows = _table(client.get(reverse("people:clan_list"), {"q": "nguyen"}), "clans")
    assert "Nguyễn" in rows and "Lê" not in rows and "Trần" not in rows
    rows = _table(client.get(reverse("people:clan_list"), {"q": "TRAN"}), "clans")
    assert "Trần" in rows and "Nguyễn" not in rows
    rows = _table(client.get(reverse("people:clan_list"), {"commune": dang_kang.pk}), "clans")
    assert "Nguyễn" in rows and "Lê" in rows and "Trần" not in rows


def test_officer_registers_a_clan_and_a_duplicate_name_is_refused_on_the_form(client, commune_officer,
                                                                             dang_kang, nguyen):
    client.force_login(commune_officer)
    url = reverse("people:clan_create")
    assert client.get(url, {"commune": dang_kang.pk}).status_code == 200
    response = client.post(url, {"commune": dang_kang.pk, "name": "Họ Lê"})
    clan = Clan.objects.get(name="Họ Lê")
    assert response.status_code == 302 and response["Location"] == _urls(clan)["detail"]
    refused = client.post(url, {"commune": dang_kang.pk, "name": "NGUYỄN"})
    assert refused.status_code == 200
    errors = refused.text.split('id="id_name_error"')[1].split("</ul>")[0]
    assert "Xã Dang Kang" in errors and "“Nguyễn”" in errors  # in the page's language
    assert Clan.objects.filter(commune=dang_kang).count() == 2


def test_officer_renames_a_clan(client, commune_officer, nguyen):
    client.force_login(commune_officer)
    response = client.post(_urls(nguyen)["edit"], {"name": "Họ Nguyễn"})
    assert response.status_code == 302
    nguyen.refresh_from_db()
    assert nguyen.name == "Họ Nguyễn" and nguyen.members.count() == 4


def test_officer_merges_a_duplicate_clan(client, commune_officer, nguyen, dang_kang, neighbour_clan):
    duplicate = clan_of(dang_kang, "Nguyen")
    member(testing.household(dang_kang, "H003"), "01", duplicate, birth_year=1960)
    client.force_login(commune_officer)
    form = client.get(_urls(duplicate)["merge"])
    assert form.status_code == 200 and "Trần" not in form.text  # only clans of the same commune
    assert client.post(_urls(duplicate)["merge"], {"into": nguyen.pk}).status_code == 200  # not confirmed
    assert Clan.objects.filter(pk=duplicate.pk).exists()
    response = client.post(_urls(duplicate)["merge"], {"into": nguyen.pk, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == _urls(nguyen)["detail"]
    assert not Clan.objects.filter(pk=duplicate.pk).exists() and nguyen.members.count() == 5


def test_clan_list_queries_do_not_grow_with_the_clans_shown(client, commune_officer, dang_kang):
    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("people:clan_list"), {"year": YEAR})
        assert page.status_code == 200
        return len(queries)

    client.force_login(commune_officer)
    for number in range(3):
        member(testing.household(dang_kang, f"A{number}"), "01", clan_of(dang_kang, f"Họ A{number}"),
               birth_year=1980)
    few = measure()
    for number in range(55):
        member(testing.household(dang_kang, f"B{number}"), "01", clan_of(dang_kang, f"Họ B{number:02d}"),
               birth_year=1980)
    many = measure()
    assert many == few <= 25  # the scope of three capabilities, the session: constant
    page = client.get(reverse("people:clan_list"), {"year": YEAR})
    assert "Họ B46" in page.text and "Họ B47" not in page.text  # 3 + 47 = the first 50 by name
    assert "Họ B47" in client.get(reverse("people:clan_list"), {"year": YEAR, "page": 2}).text


def test_clan_page_query_count_is_bounded(client, commune_officer, nguyen, dang_kang,
                                          django_assert_max_num_queries):
    home = testing.household(dang_kang, "H010")
    for number in range(40):
        member(home, f"{number:02d}", nguyen, birth_year=1950 + number)
    client.force_login(commune_officer)
    with django_assert_max_num_queries(30):
        assert client.get(_urls(nguyen)["detail"], {"year": YEAR}).status_code == 200


# --- API ------------------------------------------------------------------------------------------

def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_lists_the_clans_in_scope_with_their_counts(commune_officer, district_viewer, neighbour_officer,
                                                        roleless_user, nguyen, neighbour_clan):
    body = api(commune_officer).get("/api/v1/clans", {"year": YEAR}).json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["id"], row["name"], row["members"], row["households"], row["year"]) == (
        nguyen.pk, "Nguyễn", 3, 2, YEAR)
    assert row["commune_code"] == "24454"
    assert {row["id"] for row in api(district_viewer).get("/api/v1/clans").json()["items"]} == {
        nguyen.pk, neighbour_clan.pk}
    assert [row["id"] for row in api(neighbour_officer).get("/api/v1/clans").json()["items"]] == [
        neighbour_clan.pk]
    assert api(roleless_user).get("/api/v1/clans").json() == {"items": [], "count": 0}
    assert Client().get("/api/v1/clans").status_code == 401


def test_api_searches_and_filters_by_commune(district_viewer, nguyen, neighbour_clan, dang_kang):
    client = api(district_viewer)
    assert [row["id"] for row in client.get("/api/v1/clans", {"q": "nguyen"}).json()["items"]] == [nguyen.pk]
    items = client.get("/api/v1/clans", {"commune": neighbour_clan.commune_id}).json()["items"]
    assert [row["id"] for row in items] == [neighbour_clan.pk]


def test_api_refuses_a_commune_the_caller_cannot_see(neighbour_officer, nguyen):
    response = api(neighbour_officer).get("/api/v1/clans", {"commune": nguyen.commune_id})
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == "commune"


def test_api_gives_a_clan_with_its_figures_and_no_members(district_viewer, neighbour_officer, nguyen):
    response = api(district_viewer).get(f"/api/v1/clans/{nguyen.pk}", {"year": YEAR})
    assert response.status_code == 200
    body = response.json()
    assert (body["members"], body["households"], body["registered_persons"]) == (3, 2, 4)
    bands = {band["band"]: band for band in body["age_bands"]}
    assert bands["6-10"] == {"band": "6-10", "members": 1, "enrolled": 1, "not_enrolled": 0}
    assert body["literacy"]["counted"] == 2 and body["literacy"]["literate_level1"] == 1
    assert body["literacy"]["literate_level1_percent"] == 50.0 and body["titles"] == []
    assert "Nguyễn Văn" not in response.text
    assert api(neighbour_officer).get(f"/api/v1/clans/{nguyen.pk}").status_code == 404
    assert Client().get(f"/api/v1/clans/{nguyen.pk}").status_code == 401
