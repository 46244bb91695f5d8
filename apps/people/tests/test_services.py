"""Services of the population registry, around the personas of conftest.py."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError
from apps.people import services, testing
from apps.people.models import Household, Person, SurveyRecord


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def thon_1(dang_kang):
    return testing.village(dang_kang, "Thôn 1")


@pytest.fixture
def home(commune_officer, dang_kang, thon_1):
    return services.create_household(commune_officer, commune=dang_kang, village=thon_1, code="H001",
                                     address="12 Đường Lê Lợi")


@pytest.fixture
def child(commune_officer, home):
    return services.create_person(commune_officer, home, code="03", full_name="Y  Bih  Niê", sex="F",
                                  birth_year=2015, ethnicity="Ê Đê", relation="child")


def _person(user, household, code="01", **extra):
    values = {"full_name": "Nguyễn Văn An", "sex": "M", "birth_year": 1980, "ethnicity": "01",
              "relation": "head"}
    values.update(extra)
    return services.create_person(user, household, code=code, **values)


# --- households ----------------------------------------------------------------------------------

def test_commune_officer_registers_a_household_and_it_is_audited(commune_officer, home):
    home.refresh_from_db()
    assert home.created_by == commune_officer
    entry = AuditEntry.objects.get(model="people.Household", object_id=str(home.pk))
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.unit_path == home.village.path


def test_household_code_is_unique_in_the_commune(commune_officer, home, dang_kang):
    other = testing.village(dang_kang, "Buôn Tơng")
    with pytest.raises(DomainError) as caught:
        services.create_household(commune_officer, commune=dang_kang, village=other, code="H001")
    assert caught.value.column == "household_code"
    assert Household.objects.count() == 1


def test_household_village_must_be_in_its_commune(commune_officer, krong_bong, dang_kang):
    elsewhere = testing.village(krong_bong.legacy["24454"], "Thôn Cũ")
    with pytest.raises(DomainError) as caught:
        services.create_household(commune_officer, commune=dang_kang, village=elsewhere, code="H9")
    assert caught.value.column == "village"
    assert "Thôn Cũ" in caught.value.english


def test_neighbour_and_viewer_may_not_register_households(neighbour_officer, district_viewer, dang_kang,
                                                          thon_1):
    for user in (neighbour_officer, district_viewer):
        with pytest.raises(PermissionDenied):
            services.create_household(user, commune=dang_kang, village=thon_1, code="H002")
    assert not Household.objects.exists()


def test_moving_a_household_moves_its_members(commune_officer, home, dang_kang):
    member = _person(commune_officer, home)
    other = testing.village(dang_kang, "Buôn Tơng")
    services.update_household(commune_officer, home, village=other, address="")
    member.refresh_from_db()
    assert member.village == other
    assert home.address == ""


def test_update_household_refuses_unknown_fields(commune_officer, home, dang_kang):
    with pytest.raises(TypeError):
        services.update_household(commune_officer, home, commune=dang_kang)


# --- persons -------------------------------------------------------------------------------------

def test_person_takes_the_households_places_and_a_normalised_name_key(child, home):
    assert child.commune_id == home.commune_id
    assert child.village_id == home.village_id
    assert child.full_name == "Y Bih Niê"
    assert child.name_key == "y bih niê"
    assert child.ethnicity == "12"  # Ê-đê, given by an alias


def test_decomposed_vietnamese_is_stored_composed(commune_officer, home):
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Hoa"
    person = _person(commune_officer, home, code="02", full_name=decomposed, sex="F")
    assert person.full_name == "Nguyễn Thị Hoa"


@pytest.mark.parametrize(("change", "column"), [
    ({"ethnicity": "Martian"}, "ethnicity"),
    ({"birth_date": dt.date(1981, 5, 1)}, "birth_date"),
    ({"birth_year": 1700}, "birth_date"),
    ({"national_id": "12345"}, "national_id"),
    ({"sex": "X"}, "sex"),
    ({"full_name": "   "}, "full_name"),
    ({"relation": "cousin"}, "relation"),
    ({"disability": "maybe"}, "disability"),
])
def test_bad_person_facts_name_their_column(commune_officer, home, change, column):
    with pytest.raises(DomainError) as caught:
        _person(commune_officer, home, **change)
    assert caught.value.column == column
    assert caught.value.vietnamese and caught.value.english
    assert not Person.objects.exists()


def test_person_code_is_unique_in_the_household(commune_officer, home, child):
    with pytest.raises(DomainError) as caught:
        _person(commune_officer, home, code="03")
    assert caught.value.column == "person_code"


def test_update_person_renames_and_rekeys(commune_officer, child):
    services.update_person(commune_officer, child, full_name="H'Bia Niê", national_id="066215000123")
    child.refresh_from_db()
    assert child.name_key == "h'bia niê"
    assert child.masked_national_id.endswith("0123")
    assert AuditEntry.objects.filter(model="people.Person", object_id=str(child.pk),
                                     action=AuditEntry.Action.UPDATE).exists()


def test_clan_of_another_commune_is_refused(commune_officer, home, krong_bong):
    foreign = services.clan_named(commune_officer, krong_bong.legacy["24451"], "Họ Niê")
    with pytest.raises(DomainError) as caught:
        _person(commune_officer, home, clan=foreign)
    assert caught.value.column == "clan"


def test_clan_named_finds_the_same_clan_whatever_the_spelling(commune_officer, dang_kang):
    first = services.clan_named(commune_officer, dang_kang, "Họ  Nguyễn")
    assert services.clan_named(commune_officer, dang_kang, "họ nguyễn") == first
    assert services.clan_named(commune_officer, dang_kang, "") is None


# --- reading in scope ----------------------------------------------------------------------------

def test_neighbour_sees_no_person_of_dang_kang(neighbour_officer, child):
    assert not services.get_persons_for_user(neighbour_officer).exists()
    assert not services.get_households_for_user(neighbour_officer).exists()
    with pytest.raises(Http404):
        services.get_person_for_user(neighbour_officer, child.pk)
    with pytest.raises(Http404):
        services.get_household_for_user(neighbour_officer, child.household_id)


def test_district_viewer_sees_persons_but_not_their_personal_data(district_viewer, child):
    assert services.get_person_for_user(district_viewer, child.pk) == child
    assert not services.can_see_personal_data(district_viewer, child.village)


def test_commune_officer_sees_personal_data(commune_officer, child):
    assert services.can_see_personal_data(commune_officer, child.village)


def test_roleless_user_sees_nothing(roleless_user, child):
    assert not services.get_persons_for_user(roleless_user).exists()


# --- survey records ------------------------------------------------------------------------------

def test_record_survey_creates_then_updates_only_that_year(commune_officer, child):
    services.record_survey(commune_officer, child, 2025, enrolled_level="primary", enrolled_grade=4,
                           highest_grade_completed=3)
    services.record_survey(commune_officer, child, 2026, enrolled_level="primary", enrolled_grade=5,
                           highest_grade_completed=4)
    services.record_survey(commune_officer, child, 2026, enrolled_grade=4)  # repeats grade 4
    old = SurveyRecord.objects.get(person=child, year=2025)
    new = SurveyRecord.objects.get(person=child, year=2026)
    assert (old.enrolled_grade, old.highest_grade_completed) == (4, 3)
    assert (new.enrolled_level, new.enrolled_grade, new.highest_grade_completed) == ("primary", 4, 4)
    assert new.commune_id == child.commune_id


@pytest.mark.parametrize(("facts", "column"), [
    ({"enrolled_level": "primary", "enrolled_grade": 7}, "enrolled_grade"),
    ({"enrolled_level": "lower_secondary"}, "enrolled_grade"),
    ({"enrolled_level": "preschool", "enrolled_grade": 1}, "enrolled_grade"),
    ({"enrolled_level": "university"}, "enrolled_level"),
    ({"primary_completed_year": 2027}, "primary_completed_year"),
    ({"primary_completed_year": 2014}, "primary_completed_year"),
    ({"primary_completed_year": 2025, "lower_secondary_graduated_year": 2024},
     "lower_secondary_graduated_year"),
    ({"highest_grade_completed": 13}, "highest_grade_completed"),
    ({"literacy_stage_completed": 3}, "literacy_stage_completed"),
    ({"status": "emigrated"}, "status"),
])
def test_impossible_survey_facts_name_their_column(commune_officer, child, facts, column):
    with pytest.raises(DomainError) as caught:
        services.record_survey(commune_officer, child, 2026, **facts)
    assert caught.value.column == column
    assert not SurveyRecord.objects.exists()


def test_a_survey_year_before_birth_is_refused(commune_officer, child):
    with pytest.raises(DomainError) as caught:
        services.record_survey(commune_officer, child, 2010)
    assert caught.value.column == "year"


def test_viewer_may_not_record_a_survey(district_viewer, child):
    with pytest.raises(PermissionDenied):
        services.record_survey(district_viewer, child, 2026, enrolled_level="primary", enrolled_grade=5)


def test_leaving_creates_the_years_record_with_the_completions(commune_officer, home):
    adult = _person(commune_officer, home, birth_year=1990)
    services.record_survey(commune_officer, adult, 2025, primary_completed_year=2001,
                           highest_grade_completed=9, lower_secondary_graduated_year=2005)
    record = services.set_status(commune_officer, adult, 2026, "moved_away")
    assert record.year == 2026 and record.status == "moved_away"
    assert (record.primary_completed_year, record.lower_secondary_graduated_year) == (2001, 2005)
    assert Person.objects.filter(pk=adult.pk).exists()
    assert SurveyRecord.objects.get(person=adult, year=2025).status == "present"


def test_leaving_ends_the_enrolment(commune_officer, child):
    services.record_survey(commune_officer, child, 2026, enrolled_level="primary", enrolled_grade=5)
    record = services.set_status(commune_officer, child, 2026, "deceased")
    assert (record.status, record.enrolled_level, record.enrolled_grade) == ("deceased", "", None)


def test_unknown_status_is_refused(commune_officer, child):
    with pytest.raises(DomainError) as caught:
        services.set_status(commune_officer, child, 2026, "vanished")
    assert caught.value.column == "status"


def test_no_service_deletes_anything():
    assert not [name for name in dir(services) if "delete" in name.lower() or "remove" in name.lower()]


def test_survey_years_are_listed_newest_first(commune_officer, child):
    assert services.survey_years() == []
    for year in (2024, 2026, 2025):
        services.record_survey(commune_officer, child, year)
    assert services.survey_years() == [2026, 2025, 2024]


# --- filters ------------------------------------------------------------------------------------

def test_literacy_levels_follow_pcgd_xmc(commune_officer, home):
    cases = {"04": ({"highest_grade_completed": 2}, 0), "05": ({"highest_grade_completed": 3}, 1),
             "06": ({"literacy_stage_completed": 2}, 2), "07": ({"primary_completed_year": 2000}, 2),
             "08": ({"literacy_stage_completed": 1}, 1)}
    for code, (facts, _level) in cases.items():
        person = _person(commune_officer, home, code=code, birth_year=1985)
        services.record_survey(commune_officer, person, 2026, **facts)
    persons = services.get_persons_for_user(commune_officer)
    for level in (0, 1, 2):
        found = {p.code for p in services.filter_persons(commune_officer, persons, year=2026, literacy=level)}
        assert found == {code for code, (_facts, lv) in cases.items() if lv == level}
    for record in SurveyRecord.objects.select_related("person"):
        assert services.literacy_level(record) == cases[record.person.code][1]


def test_age_band_counts_age_as_year_minus_birth_year(commune_officer, home):
    for code, birth in (("10", 2011), ("11", 2012), ("12", 2015)):
        _person(commune_officer, home, code=code, birth_year=birth)
    persons = services.get_persons_for_user(commune_officer)
    found = {p.code for p in services.filter_persons(commune_officer, persons, year=2026, age="11-14")}
    assert found == {"11", "12"}  # 15 is out; 14 and 11 are in


def test_the_filters_find_the_same_persons_for_every_persona(
    krong_bong, commune_officer, district_viewer, neighbour_officer, province_viewer, admin_user_,
    roleless_user,
):
    """The filters narrow to the scope's communes (for the indexes): it must not change the answer."""
    for commune in (krong_bong.new["24454"], krong_bong.new["24481"]):
        home = testing.household(commune, "H1")
        for code, birth in (("01", 1980), ("02", 2012), ("03", 2014)):
            testing.person(home, code, birth_year=birth, year=2026)
    for user in (commune_officer, district_viewer, neighbour_officer, province_viewer, admin_user_,
                 roleless_user):
        persons = services.get_persons_for_user(user)
        expected = {p.pk for p in persons if 11 <= 2026 - p.birth_year <= 14}
        found = set(services.filter_persons(user, persons, year=2026, age="11-14")
                    .values_list("pk", flat=True))
        assert found == expected
        assert len(found) == {"dangkang": 2, "hoason": 2, "nobody": 0}.get(user.username, 4), user.username
        everyone = set(services.filter_persons(user, persons, year=2026).values_list("pk", flat=True))
        assert everyone == {p.pk for p in persons}
        assert len(everyone) == {"dangkang": 3, "hoason": 3, "nobody": 0}.get(user.username, 6)


def test_name_search_reaches_only_where_names_may_be_seen(commune_officer, district_viewer, child):
    officer = services.filter_persons(commune_officer, services.get_persons_for_user(commune_officer),
                                      year=2026, q="bih")
    assert list(officer) == [child]
    viewer = services.filter_persons(district_viewer, services.get_persons_for_user(district_viewer),
                                     year=2026, q="bih")
    assert not viewer.exists()
    by_code = services.filter_persons(district_viewer, services.get_persons_for_user(district_viewer),
                                      year=2026, q="H001")
    assert list(by_code) == [child]


def test_status_none_finds_persons_without_a_record(commune_officer, home, child):
    adult = _person(commune_officer, home)
    services.record_survey(commune_officer, adult, 2026)
    persons = services.get_persons_for_user(commune_officer)
    assert list(services.filter_persons(commune_officer, persons, year=2026, status="none")) == [child]
    assert list(services.filter_persons(commune_officer, persons, year=2026, status="present")) == [adult]


def test_ethnicity_filter_separates_kinh_and_minorities(commune_officer, home, child):
    adult = _person(commune_officer, home)
    persons = services.get_persons_for_user(commune_officer)
    assert list(services.filter_persons(commune_officer, persons, year=2026, ethnicity="kinh")) == [adult]
    assert list(services.filter_persons(commune_officer, persons, year=2026, ethnicity="minority")) == [child]


def test_search_by_household_and_person_code_or_national_id(commune_officer, district_viewer, home, child):
    services.update_person(commune_officer, child, national_id="066215000123")
    _person(commune_officer, home, code="01")

    def found(user, text):
        persons = services.get_persons_for_user(user)
        return {p.code for p in services.filter_persons(user, persons, year=2026, q=text)}

    assert found(commune_officer, "H001/03") == {"03"}
    assert found(commune_officer, "H001") == {"01", "03"}
    assert found(commune_officer, "066215000123") == {"03"}
    assert found(district_viewer, "066215000123") == set()  # the id would reveal who it is
    assert found(commune_officer, "niê") == {"03"}  # a word inside the name
    assert found(commune_officer, "iê") == set()  # not the middle of a word
