"""A second import updates by key, per survey year, and never deletes anyone."""

import pytest

from apps.people import testing
from apps.people.importing import COLUMN_NAMES, import_people
from apps.people.models import Household, Person, SurveyRecord

GOOD = {
    "commune_code": "24454", "village": "Thôn 1", "household_code": "H1", "person_code": "01",
    "full_name": "Nguyễn Thị Hoa", "relation": "chủ hộ", "sex": "Nữ", "birth_date": "1980",
    "ethnicity": "Kinh", "enrolled_level": "", "highest_grade_completed": "9", "clan": "Nguyễn",
}


def csv_of(*rows: dict, columns=COLUMN_NAMES) -> bytes:
    lines = [",".join(columns)] + [",".join(row.get(column, "") for column in columns) for row in rows]
    return "\n".join(lines).encode("utf-8")


def row(**changes) -> dict:
    return {**GOOD, **changes}


FAMILY = [row(), row(person_code="02", full_name="Trần Văn Nam", relation="con", sex="Nam",
                     birth_date="14/02/2015", enrolled_level="tiểu học", enrolled_grade="5",
                     highest_grade_completed="4")]


@pytest.fixture
def dang_kang(krong_bong):
    commune = krong_bong.new["24454"]
    testing.village(commune, "Thôn 1")
    testing.village(commune, "Thôn 2")
    return commune


def test_changing_one_value_updates_only_that_person(dang_kang):
    import_people(csv_of(*FAMILY), year=2026)
    changed = [FAMILY[0], {**FAMILY[1], "full_name": "Trần Văn Nam Anh"}]
    result = import_people(csv_of(*changed), year=2026)
    counts = result.counts
    assert (counts.persons_updated, counts.persons_unchanged, counts.surveys_unchanged) == (1, 1, 2)
    assert Person.objects.get(code="02").full_name == "Trần Văn Nam Anh"


def test_changing_a_yearly_fact_updates_only_the_survey_record(dang_kang):
    import_people(csv_of(*FAMILY), year=2026)
    result = import_people(csv_of(FAMILY[0], {**FAMILY[1], "enrolled_grade": "4"}), year=2026)
    assert (result.counts.persons_unchanged, result.counts.surveys_updated) == (2, 1)
    assert SurveyRecord.objects.get(person__code="02").enrolled_grade == 4


def test_importing_another_year_leaves_this_years_records_alone(dang_kang):
    import_people(csv_of(*FAMILY), year=2026)
    before = list(SurveyRecord.objects.filter(year=2026).values())
    earlier = [FAMILY[0], {**FAMILY[1], "enrolled_grade": "4", "highest_grade_completed": "3"}]
    result = import_people(csv_of(*earlier), year=2025)
    assert result.ok
    assert (result.counts.persons_unchanged, result.counts.surveys_created) == (2, 2)
    assert list(SurveyRecord.objects.filter(year=2026).values()) == before
    assert SurveyRecord.objects.get(year=2025, person__code="02").enrolled_grade == 4
    assert SurveyRecord.objects.get(year=2026, person__code="02").enrolled_grade == 5


def test_the_same_code_means_cu_kty_in_2024_and_dang_kang_in_2026(krong_bong):
    data = csv_of(row(village="Buôn Ea Kung"))
    assert import_people(data, year=2024, create_villages=True).ok
    assert import_people(data, year=2026, create_villages=True).ok
    communes = {household.commune for household in Household.objects.all()}
    assert communes == {krong_bong.legacy["24454"], krong_bong.new["24454"]}
    assert krong_bong.legacy["24454"].name == "Xã Cư KTy"
    assert SurveyRecord.objects.get(year=2024).commune == krong_bong.legacy["24454"]
    assert SurveyRecord.objects.get(year=2026).commune == krong_bong.new["24454"]


def test_people_missing_from_a_later_file_are_kept(dang_kang):
    import_people(csv_of(*FAMILY), year=2026)
    result = import_people(csv_of(FAMILY[0]), year=2026)
    assert result.counts.persons_unchanged == 1
    assert Person.objects.count() == 2


def test_a_column_absent_from_the_file_keeps_the_stored_values(dang_kang):
    import_people(csv_of(row(national_id="066180001234", disability="có khả năng học")), year=2026)
    columns = [column for column in COLUMN_NAMES if column not in ("national_id", "disability", "clan")]
    result = import_people(csv_of(row(), columns=columns), year=2026)
    assert result.counts.persons_unchanged == 1
    person = Person.objects.get()
    assert (person.national_id, person.disability, person.clan.name) == (
        "066180001234", "can_learn", "Nguyễn")


def test_an_empty_optional_cell_clears_the_stored_value(dang_kang):
    import_people(csv_of(row(national_id="066180001234")), year=2026)
    assert import_people(csv_of(row(national_id="")), year=2026).counts.persons_updated == 1
    assert Person.objects.get().national_id == ""


def test_a_household_moved_to_another_village_takes_all_its_members(dang_kang):
    import_people(csv_of(*FAMILY), year=2026)
    result = import_people(csv_of(row(village="Thôn 2")), year=2026)
    assert (result.counts.households_updated, result.counts.persons_updated) == (1, 1)
    village = Household.objects.get().village
    assert village.name == "Thôn 2"
    assert set(Person.objects.values_list("village", flat=True)) == {village.pk}


def test_new_members_join_an_existing_household(dang_kang):
    import_people(csv_of(FAMILY[0]), year=2026)
    result = import_people(csv_of(FAMILY[1]), year=2026)
    assert (result.counts.households_created, result.counts.persons_created) == (0, 1)
    assert Household.objects.get().members.count() == 2


def test_updates_are_stamped_with_the_user(dang_kang, commune_officer):
    import_people(csv_of(row()), year=2026, user=commune_officer)
    person = Person.objects.get()
    assert person.created_by == commune_officer and person.updated_by == commune_officer
    assert SurveyRecord.objects.get().created_by == commune_officer
