import pytest
from django.test import Client

from apps.accounts.models import AuditEntry
from apps.core.testing import client_for
from apps.people import testing
from apps.people.models import Clan, Household, Person, SurveyRecord

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, data: dict):
    return getattr(client, method)(url, data, content_type="application/json")


def fields(response) -> set[str]:
    return {item["field"] for item in response.json()["detail"]}


@pytest.fixture
def registry(krong_bong):
    """A household of Dang Kang with a head surveyed in 2026, and one of Hòa Sơn."""
    home = testing.household(krong_bong.new["24454"], "H001")
    home.address = "Thôn 1, Dang Kang"
    home.save()
    head = testing.person(home, "01", birth_year=1980, year=2026, full_name="Y Bhin Niê", ethnicity="12",
                          relation="head", highest_grade_completed=9, lower_secondary_graduated_year=1995)
    head.national_id = "000080123456"
    head.save()
    neighbour = testing.person(testing.household(krong_bong.new["24481"], "H001"), "01", birth_year=1990,
                               year=2026, full_name="Nguyễn Văn Hòa", relation="head")
    return krong_bong, home, head, neighbour


def test_anonymous_gets_401(registry):
    _map, home, head, _neighbour = registry
    anonymous = Client()
    assert anonymous.get("/api/v1/households").status_code == 401
    assert anonymous.get(f"/api/v1/persons/{head.pk}").status_code == 401
    assert anonymous.get(f"/api/v1/persons/{head.pk}/surveys/2026").status_code == 401
    assert send(anonymous, "post", "/api/v1/households", {"village_id": home.village_id, "code": "X"}
                ).status_code == 401


def test_the_commune_officer_lists_the_households_of_the_commune_with_personal_data(registry,
                                                                                   commune_officer):
    _map, home, _head, _neighbour = registry
    response = client_for(commune_officer).get("/api/v1/households")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["items"][0]
    assert row["id"] == home.pk and row["members"] == 1 and row["personal"] is True
    assert row["address"] == "Thôn 1, Dang Kang" and row["head_name"] == "Y Bhin Niê"
    assert AuditEntry.objects.filter(action="view", object_repr="household list (API)").exists()


def test_the_district_viewer_sees_codes_without_personal_data(registry, district_viewer):
    _map, home, head, _neighbour = registry
    client = client_for(district_viewer)
    households = client.get("/api/v1/households").json()["items"]
    assert {row["id"] for row in households} == {home.pk, _neighbour.household_id}
    assert all(row["address"] is None and row["head_name"] is None for row in households)
    person = client.get(f"/api/v1/persons/{head.pk}").json()
    assert person["personal"] is False and person["birth_year"] == 1980
    assert person["full_name"] is None and person["ethnicity"] is None and person["national_id"] is None
    assert not AuditEntry.objects.filter(action="view", object_repr="household list (API)").exists()


def test_the_neighbour_officer_sees_nothing_of_dang_kang(registry, neighbour_officer):
    _map, home, head, neighbour = registry
    client = client_for(neighbour_officer)
    assert [row["id"] for row in client.get("/api/v1/households").json()["items"]] == [neighbour.household_id]
    assert [row["id"] for row in client.get("/api/v1/persons").json()["items"]] == [neighbour.pk]
    assert client.get(f"/api/v1/households/{home.pk}").status_code == 404
    assert client.get(f"/api/v1/persons/{head.pk}").status_code == 404
    assert client.get(f"/api/v1/persons/{head.pk}/surveys/2026").status_code == 404
    assert send(client, "patch", f"/api/v1/persons/{head.pk}", {"full_name": "X"}).status_code == 404
    assert send(client, "put", f"/api/v1/persons/{head.pk}/surveys/2026", {}).status_code == 404
    refused = client.get(f"/api/v1/persons?village={home.village_id}")
    assert refused.status_code == 400 and fields(refused) == {"village"}


def test_a_role_less_user_sees_an_empty_registry(registry, roleless_user):
    client = client_for(roleless_user)
    assert client.get("/api/v1/persons").json() == {"items": [], "count": 0}
    assert client.get("/api/v1/households").json() == {"items": [], "count": 0}


def test_the_commune_officer_registers_a_household_and_a_person(registry, commune_officer):
    _map, home, _head, _neighbour = registry
    client = client_for(commune_officer)
    created = send(client, "post", "/api/v1/households",
                   {"village_id": home.village_id, "code": "H002", "address": "Thôn 1"})
    assert created.status_code == 201, created.content
    household = Household.objects.get(pk=created.json()["id"])
    assert household.commune_id == home.commune_id and household.created_by == commune_officer
    person = send(client, "post", "/api/v1/persons", {
        "household_id": household.pk, "code": "01", "full_name": "H'Hen Êban", "sex": "F",
        "birth_year": 1992, "birth_date": "1992-03-04", "ethnicity": "Ê Đê", "relation": "head",
        "clan": "Êban", "national_id": "000192000001",
    })
    assert person.status_code == 201, person.content
    body = person.json()
    assert body["ethnicity"] == "12" and body["clan"] == "Êban" and body["national_id"] == "000192000001"
    assert Clan.objects.filter(commune=home.commune, name="Êban").exists()
    assert AuditEntry.objects.filter(model="people.Person", object_id=str(body["id"]),
                                     action="create").exists()
    listed = client.get(f"/api/v1/persons?village={home.village_id}&q=H'Hen").json()["items"]
    assert [row["national_id"] for row in listed] == ["••••••••0001"]


def test_refused_input_names_the_field_in_both_languages(registry, commune_officer, krong_bong):
    _map, home, _head, _neighbour = registry
    client = client_for(commune_officer)
    duplicate = send(client, "post", "/api/v1/households", {"village_id": home.village_id, "code": "H001"})
    assert duplicate.status_code == 400 and fields(duplicate) == {"code"}
    item = duplicate.json()["detail"][0]
    assert "H001" in item["message_en"] and "H001" in item["message_vi"]
    hoa_son_village = testing.village(krong_bong.new["24481"])
    unreachable = send(client, "post", "/api/v1/households", {"village_id": hoa_son_village.pk, "code": "X"})
    assert unreachable.status_code == 400 and fields(unreachable) == {"village_id"}
    wrong_date = send(client, "post", "/api/v1/persons", {
        "household_id": home.pk, "code": "02", "full_name": "A", "sex": "M", "birth_year": 2000,
        "birth_date": "2001-01-01", "ethnicity": "Kinh",
    })
    assert wrong_date.status_code == 400 and fields(wrong_date) == {"birth_date"}
    wrong_shape = send(client, "post", "/api/v1/persons", {
        "household_id": home.pk, "code": "02", "full_name": "A", "sex": "X", "birth_year": 2000,
        "ethnicity": "Kinh",
    })
    assert wrong_shape.status_code == 422 and fields(wrong_shape) == {"sex"}
    assert not Person.objects.filter(code="02").exists()


def test_a_viewer_may_read_but_not_write(registry, district_viewer):
    _map, home, head, _neighbour = registry
    client = client_for(district_viewer)
    assert send(client, "post", "/api/v1/households", {"village_id": home.village_id, "code": "H9"}
                ).status_code == 403
    assert send(client, "patch", f"/api/v1/households/{home.pk}", {"address": "X"}).status_code == 403
    assert send(client, "patch", f"/api/v1/persons/{head.pk}", {"full_name": "X"}).status_code == 403
    assert send(client, "put", f"/api/v1/persons/{head.pk}/surveys/2026", {}).status_code == 403


def test_the_officer_corrects_a_person_and_a_household(registry, commune_officer):
    _map, home, head, _neighbour = registry
    client = client_for(commune_officer)
    changed = send(client, "patch", f"/api/v1/persons/{head.pk}",
                   {"full_name": "Y Bhin Êban", "clan": "Êban"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["full_name"] == "Y Bhin Êban" and changed.json()["clan"] == "Êban"
    head.refresh_from_db()
    assert head.name_key == "y bhin êban" and head.updated_by == commune_officer
    moved = testing.village(home.commune, "Buôn 2")
    response = send(client, "patch", f"/api/v1/households/{home.pk}", {"village_id": moved.pk})
    assert response.status_code == 200 and response.json()["village_id"] == moved.pk
    assert Person.objects.get(pk=head.pk).village_id == moved.pk
    assert send(client, "patch", f"/api/v1/persons/{head.pk}", {"sex": None}).status_code == 400


def test_a_person_detail_shows_the_full_national_id_and_is_logged(registry, commune_officer):
    _map, _home, head, _neighbour = registry
    body = client_for(commune_officer).get(f"/api/v1/persons/{head.pk}").json()
    assert body["national_id"] == "000080123456" and body["ethnicity_name"] == "Ê-đê"
    entry = AuditEntry.objects.get(action="view", model="people.Person", object_id=str(head.pk))
    assert entry.user == commune_officer and entry.after == {"personal_data": True}


def test_persons_come_with_the_record_of_the_year_asked_for(registry, commune_officer):
    client = client_for(commune_officer)
    row = client.get("/api/v1/persons?year=2026").json()["items"][0]
    assert row["survey"]["year"] == 2026 and row["survey"]["literacy_level"] == 2
    assert client.get("/api/v1/persons?year=2025").json()["items"][0]["survey"] is None
    assert client.get("/api/v1/persons").json()["items"][0]["survey"] is None


def test_names_are_searched_only_where_personal_data_may_be_seen(registry, commune_officer, district_viewer):
    assert client_for(commune_officer).get("/api/v1/persons?q=y bhin").json()["count"] == 1
    assert client_for(district_viewer).get("/api/v1/persons?q=y bhin").json()["count"] == 0
    assert client_for(district_viewer).get("/api/v1/persons?q=H001").json()["count"] == 2


def test_the_survey_of_a_year_is_recorded_whole_and_a_person_leaves_by_status(registry, commune_officer):
    _map, _home, head, _neighbour = registry
    client = client_for(commune_officer)
    url = f"/api/v1/persons/{head.pk}/surveys"
    created = send(client, "put", f"{url}/2025", {"highest_grade_completed": 9,
                                                   "lower_secondary_graduated_year": 1995})
    assert created.status_code == 201, created.content
    left = send(client, "put", f"{url}/2026", {"status": "moved_away", "highest_grade_completed": 9})
    assert left.status_code == 200 and left.json()["status"] == "moved_away"
    record = SurveyRecord.objects.get(person=head, year=2026)
    assert record.lower_secondary_graduated_year is None  # PUT replaces the whole record
    assert client.get(f"{url}/2025").json()["lower_secondary_graduated_year"] == 1995
    assert client.get(f"{url}/2024").status_code == 404
    contradiction = send(client, "put", f"{url}/2026", {"enrolled_level": "primary", "enrolled_grade": 7})
    assert contradiction.status_code == 400 and fields(contradiction) == {"enrolled_grade"}


def test_there_is_no_delete(registry, commune_officer):
    _map, home, head, _neighbour = registry
    client = client_for(commune_officer)
    assert client.delete(f"/api/v1/persons/{head.pk}").status_code == 405
    assert client.delete(f"/api/v1/households/{home.pk}").status_code == 405
    assert Person.objects.filter(pk=head.pk).exists()


def test_lists_are_paginated(registry, admin_user_):
    client = client_for(admin_user_)
    first = client.get("/api/v1/persons?page_size=1").json()
    second = client.get("/api/v1/persons?page_size=1&page=2").json()
    assert first["count"] == second["count"] == 2
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert client.get("/api/v1/persons?page_size=501").status_code == 422
