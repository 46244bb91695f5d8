"""The person pages, around the personas: officer, viewer above, neighbour, anonymous."""

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.people import services, testing
from apps.people.models import Person, SurveyRecord

YEAR = 2026


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def home(dang_kang):
    return testing.household(dang_kang, "H001")


@pytest.fixture
def pupil(commune_officer, home):
    person = services.create_person(commune_officer, home, code="02", full_name="Y Bih Niê", sex="F",
                                    birth_year=2015, ethnicity="12", relation="child",
                                    national_id="066215000123", disability="can_learn")
    services.record_survey(commune_officer, person, YEAR, enrolled_level="primary", enrolled_grade=5,
                           highest_grade_completed=4)
    return person


def _urls(person):
    return {
        "detail": reverse("people:person_detail", args=[person.pk]),
        "edit": reverse("people:person_edit", args=[person.pk]),
        "survey": reverse("people:person_survey_edit", args=[person.pk, YEAR]),
        "status": reverse("people:person_status", args=[person.pk]),
        "report": reverse("people:person_access_report", args=[person.pk]),
    }


# --- personas ------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_login_from_every_person_page(client, pupil):
    for url in [reverse("people:person_list"), reverse("people:person_create", args=[pupil.household_id]),
                *_urls(pupil).values()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def test_officer_reaches_every_person_page(client, commune_officer, pupil):
    client.force_login(commune_officer)
    for url in [reverse("people:person_list"), reverse("people:person_create", args=[pupil.household_id]),
                *_urls(pupil).values()]:
        assert client.get(url).status_code == 200, url


def test_neighbour_sees_no_person_of_dang_kang(client, neighbour_officer, pupil):
    client.force_login(neighbour_officer)
    listing = client.get(reverse("people:person_list"), {"year": YEAR})
    assert listing.status_code == 200
    assert "H001/02" not in listing.text and "Y Bih Niê" not in listing.text
    for url in [reverse("people:person_create", args=[pupil.household_id]), *_urls(pupil).values()]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Y Bih Niê" not in response.text


def test_viewer_above_reads_but_may_not_write(client, district_viewer, pupil):
    client.force_login(district_viewer)
    urls = _urls(pupil)
    assert client.get(urls["detail"]).status_code == 200
    for name in ("edit", "survey", "status", "report"):
        assert client.get(urls[name]).status_code == 403, name
    response = client.post(urls["survey"], {"status": "present", "enrolled_level": "primary",
                                            "enrolled_grade": 4})
    assert response.status_code == 403
    assert SurveyRecord.objects.get(person=pupil, year=YEAR).enrolled_grade == 5
    assert client.post(urls["status"], {"year": YEAR, "status": "deceased"}).status_code == 403


# --- personal data -------------------------------------------------------------------------------

def test_viewer_without_personal_data_sees_codes_only(client, district_viewer, pupil):
    client.force_login(district_viewer)
    listing = client.get(reverse("people:person_list"), {"year": YEAR})
    detail = client.get(_urls(pupil)["detail"])
    for page in (listing, detail):
        assert "H001/02" in page.text
        assert "Y Bih Niê" not in page.text
        assert "0123" not in page.text  # not even the masked national id
        assert "Ê-đê" not in page.text
        assert 'data-testid="codes-only"' in page.text
    assert "disabled, can learn" not in detail.text.lower() and "khuyết tật" not in detail.text.lower()


def test_viewer_cannot_search_by_name(client, district_viewer, pupil):
    client.force_login(district_viewer)
    assert "H001/02" not in client.get(reverse("people:person_list"), {"q": "Bih", "year": YEAR}).text
    assert "H001/02" in client.get(reverse("people:person_list"), {"q": "H001/02", "year": YEAR}).text
    assert "H001/02" in client.get(reverse("people:person_list"), {"q": "H001", "year": YEAR}).text


def test_officer_sees_names_and_a_masked_national_id_in_the_list(client, commune_officer, pupil):
    client.force_login(commune_officer)
    page = client.get(reverse("people:person_list"), {"year": YEAR, "q": "y bih"})
    assert "Y Bih Niê" in page.text
    assert "••••••••0123" in page.text and "066215000123" not in page.text
    detail = client.get(_urls(pupil)["detail"])
    assert "066215000123" in detail.text


def test_viewing_a_person_is_logged(client, commune_officer, district_viewer, pupil):
    client.force_login(commune_officer)
    client.get(_urls(pupil)["detail"])
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, model="people.Person",
                                      object_id=str(pupil.pk)).get()
    assert entry.user == commune_officer and entry.after == {"personal_data": True}
    assert "Y Bih" not in entry.object_repr  # the trail names the record by its codes
    client.force_login(district_viewer)
    client.get(_urls(pupil)["detail"])
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, object_id=str(pupil.pk),
                                     user=district_viewer).get().after == {"personal_data": False}


def test_a_list_showing_names_is_logged(client, commune_officer, pupil):
    client.force_login(commune_officer)
    client.get(reverse("people:person_list"), {"year": YEAR})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW, object_repr="person list")
    assert entry.after["persons"] == [pupil.pk]


def test_the_access_report_holds_everything_and_is_logged_as_an_export(client, commune_officer, pupil):
    client.force_login(commune_officer)
    client.get(_urls(pupil)["detail"])
    report = client.get(_urls(pupil)["report"])
    assert report.status_code == 200
    for text in ("Y Bih Niê", "066215000123", "Ê-đê", "H001", "2015", "dangkang"):
        assert text in report.text, text
    assert 'data-testid="accesses"' in report.text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=str(pupil.pk)).exists()


# --- filters and paging --------------------------------------------------------------------------

def test_filters_narrow_the_list(client, commune_officer, home, pupil):
    adult = services.create_person(commune_officer, home, code="01", full_name="Nguyễn Văn An", sex="M",
                                   birth_year=1980, ethnicity="01", relation="head")
    services.record_survey(commune_officer, adult, YEAR, primary_completed_year=1991)
    client.force_login(commune_officer)
    url = reverse("people:person_list")

    def codes(**params):
        page = client.get(url, {"year": YEAR, **params})
        assert page.status_code == 200
        return {code for code in ("H001/01", "H001/02") if code in page.text}

    assert codes() == {"H001/01", "H001/02"}
    assert codes(age="6-10") == set() and codes(age="11-14") == {"H001/02"}
    assert codes(age="36-60") == {"H001/01"}
    assert codes(sex="F") == {"H001/02"}
    assert codes(ethnicity="minority") == {"H001/02"} and codes(ethnicity="01") == {"H001/01"}
    assert codes(level="primary") == {"H001/02"} and codes(level="none") == {"H001/01"}
    assert codes(literacy="2") == {"H001/01"} and codes(literacy="1") == {"H001/02"}
    assert codes(commune=str(home.commune_id)) == {"H001/01", "H001/02"}
    assert codes(commune=str(home.commune_id), village=str(home.village_id)) == {"H001/01", "H001/02"}
    assert codes(status="moved_away") == set()


def test_the_list_pages_forward_and_back_without_counting_everything(client, commune_officer, home):
    for number in range(120):
        testing.person(home, f"{number:03d}", birth_year=1990, full_name=f"Người {number}")
    client.force_login(commune_officer)
    first = client.get(reverse("people:person_list"))
    assert 'data-count="120"' in first.text and "H001/049" in first.text and "H001/050" not in first.text
    persons = list(Person.objects.order_by("pk"))
    second = client.get(reverse("people:person_list"), {"after": persons[49].pk})
    assert "H001/050" in second.text and "H001/099" in second.text and "H001/049" not in second.text
    back = client.get(reverse("people:person_list"), {"before": persons[50].pk})
    assert "H001/000" in back.text and "H001/049" in back.text and "H001/050" not in back.text


def test_the_person_list_query_count_does_not_grow_with_the_page(client, commune_officer, home,
                                                                 django_assert_max_num_queries):
    for number in range(60):
        testing.person(home, f"{number:03d}", birth_year=2015, year=YEAR, full_name=f"Người {number}",
                       enrolled_level="primary", enrolled_grade=5)
    client.force_login(commune_officer)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("people:person_list"), {"year": YEAR})
    assert page.status_code == 200 and "H001/049" in page.text


# --- forms ---------------------------------------------------------------------------------------

def test_officer_registers_a_person_with_field_errors_first(client, commune_officer, home):
    client.force_login(commune_officer)
    url = reverse("people:person_create", args=[home.pk])
    data = {"code": "05", "full_name": "Lê Thị Hoa", "sex": "F", "birth_year": 1999,
            "birth_date": "2001-02-03", "ethnicity": "01", "relation": "wife", "clan": "Họ Lê"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "errorlist" in refused.text and not Person.objects.exists()
    data["birth_date"] = "1999-02-03"
    done = client.post(url, data)
    person = Person.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("people:person_detail", args=[person.pk])
    assert person.clan.name == "Họ Lê" and person.name_key == "lê thị hoa"


def test_officer_edits_a_person(client, commune_officer, pupil):
    client.force_login(commune_officer)
    data = {"code": "02", "full_name": "H'Bia Niê", "sex": "F", "birth_year": 2015, "ethnicity": "12",
            "relation": "child", "disability": "", "national_id": ""}
    assert client.post(_urls(pupil)["edit"], data).status_code == 302
    pupil.refresh_from_db()
    assert (pupil.full_name, pupil.national_id, pupil.disability) == ("H'Bia Niê", "", "")


def test_officer_records_a_years_facts_and_the_grade_is_checked(client, commune_officer, pupil):
    client.force_login(commune_officer)
    url = reverse("people:person_survey_edit", args=[pupil.pk, YEAR + 1])
    form = client.get(url)
    assert 'value="4"' in form.text  # a new year starts from the latest record
    refused = client.post(url, {"status": "present", "enrolled_level": "lower_secondary",
                                "enrolled_grade": 5, "highest_grade_completed": 5})
    assert refused.status_code == 200 and "errorlist" in refused.text
    assert client.post(url, {"status": "present", "enrolled_level": "lower_secondary", "enrolled_grade": 6,
                             "highest_grade_completed": 5, "primary_completed_year": YEAR + 1}
                       ).status_code == 302
    record = SurveyRecord.objects.get(person=pupil, year=YEAR + 1)
    assert (record.enrolled_level, record.enrolled_grade, record.primary_completed_year) == (
        "lower_secondary", 6, YEAR + 1)
    assert SurveyRecord.objects.get(person=pupil, year=YEAR).enrolled_grade == 5


def test_leave_action_records_the_status_without_deleting(client, commune_officer, pupil):
    client.force_login(commune_officer)
    response = client.post(_urls(pupil)["status"], {"year": YEAR, "status": "moved_away"})
    assert response.status_code == 302
    assert SurveyRecord.objects.get(person=pupil, year=YEAR).status == "moved_away"
    assert Person.objects.filter(pk=pupil.pk).exists()


def test_no_page_or_admin_action_deletes_a_person(client, admin_user_, pupil):
    from django.urls import get_resolver

    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert not [name for name in names if "delete" in name and "people" in name]
    client.force_login(admin_user_)
    response = client.post(reverse("admin:people_person_delete", args=[pupil.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Person.objects.filter(pk=pupil.pk).exists()


@pytest.mark.parametrize("limit", [1000, 2])
def test_an_age_band_matching_many_is_paged_in_id_order_with_the_same_persons(
    client, commune_officer, district_viewer, krong_bong, monkeypatch, limit
):
    """Above the count limit the page's keys are read in id order (``many``): same pages, same persons."""
    from apps.people import views_common

    monkeypatch.setattr(views_common, "COUNT_LIMIT", limit)
    monkeypatch.setattr(views_common, "PAGE_SIZE", 3)
    homes = [testing.household(krong_bong.new[code], "H1") for code in ("24454", "24481")]
    for index in range(12):
        testing.person(homes[index % 2], f"{index:02d}", birth_year=2012 + index % 4 if index % 3 else 1970,
                       year=YEAR, enrolled_level="lower_secondary" if index % 3 else "")
    for user in (commune_officer, district_viewer):
        client.force_login(user)
        expected = sorted(p.pk for p in services.get_persons_for_user(user) if 2012 <= p.birth_year <= 2015)
        seen, after, pages = [], None, 0
        while pages < 10:
            params = {"year": YEAR, "age": "11-14"}
            page = client.get(reverse("people:person_list"), {**params, **({"after": after} if after else {})}
                              ).context["page"]
            seen += [person.pk for person in page.items]
            pages += 1
            if not page.has_next:
                break
            after = page.next_after
        assert seen == expected and len(seen) == (4 if user == commune_officer else 8)
        assert pages == (2 if user == commune_officer else 3)
