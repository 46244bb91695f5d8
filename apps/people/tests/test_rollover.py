"""The roll-over to the next survey year: the service, the command and the page."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError
from apps.people import rollover, testing
from apps.people.models import SurveyRecord

FROM, TO = 2025, 2026


@pytest.fixture
def dang_kang(krong_bong):
    return krong_bong.new["24454"]


@pytest.fixture
def family(dang_kang):
    """One household with a member at each transition, surveyed in 2025."""
    home = testing.household(dang_kang, "H001")
    people = {}

    def add(code, birth_year, **facts):
        people[code] = testing.person(home, code, birth_year=birth_year, year=FROM, full_name=f"Người {code}",
                                      **facts)

    add("head", 1980, relation="head", primary_completed_year=1991, lower_secondary_graduated_year=1995,
        highest_grade_completed=9)
    add("grade3", 2017, enrolled_level="primary", enrolled_grade=3, highest_grade_completed=2)
    add("grade5", 2015, enrolled_level="primary", enrolled_grade=5, highest_grade_completed=4)
    add("grade9", 2011, enrolled_level="lower_secondary", enrolled_grade=9, highest_grade_completed=8,
        primary_completed_year=2022)
    add("grade12", 2008, enrolled_level="upper_secondary", enrolled_grade=12, highest_grade_completed=11,
        primary_completed_year=2019, lower_secondary_graduated_year=2023)
    add("gdtx11", 2005, enrolled_level="continuing_upper", enrolled_grade=11, highest_grade_completed=10)
    add("pre5", 2020, enrolled_level="preschool")
    add("pre4", 2021, enrolled_level="preschool")
    add("learner", 1995, highest_grade_completed=2, literacy_stage_completed=1)
    add("gone", 1990, status="moved_away")
    add("dead", 1930, status="deceased")
    return people


def _record(person, year=TO):
    return SurveyRecord.objects.get(person=person, year=year)


def _facts(record):
    return (record.enrolled_level, record.enrolled_grade, record.highest_grade_completed)


def test_each_pupil_moves_up_one_grade(commune_officer, dang_kang, family):
    result = rollover.roll_over(dang_kang, FROM, user=commune_officer)
    assert _facts(_record(family["grade3"])) == ("primary", 4, 3)
    assert _facts(_record(family["gdtx11"])) == ("continuing_upper", 12, 11)
    assert result.created == 9 and result.moved_up == 2


def test_grade_5_completes_primary_and_enters_thcs(commune_officer, dang_kang, family):
    rollover.roll_over(dang_kang, FROM, user=commune_officer)
    record = _record(family["grade5"])
    assert _facts(record) == ("lower_secondary", 6, 5)
    assert record.primary_completed_year == TO
    assert _record(family["grade5"], FROM).primary_completed_year is None  # the past stays as it was


def test_grade_9_receives_the_diploma_and_enters_thpt(commune_officer, dang_kang, family):
    rollover.roll_over(dang_kang, FROM, user=commune_officer)
    record = _record(family["grade9"])
    assert _facts(record) == ("upper_secondary", 10, 9)
    assert (record.primary_completed_year, record.lower_secondary_graduated_year) == (2022, TO)


def test_grade_12_leaves_school(commune_officer, dang_kang, family):
    rollover.roll_over(dang_kang, FROM, user=commune_officer)
    record = _record(family["grade12"])
    assert _facts(record) == ("", None, 12)
    assert (record.primary_completed_year, record.lower_secondary_graduated_year) == (2019, 2023)


def test_preschool_five_year_olds_complete_and_enter_grade_1(commune_officer, dang_kang, family):
    result = rollover.roll_over(dang_kang, FROM, user=commune_officer)
    five = _record(family["pre5"])
    assert (five.enrolled_level, five.enrolled_grade, five.preschool_completed) == ("primary", 1, True)
    four = _record(family["pre4"])
    assert (four.enrolled_level, four.enrolled_grade, four.preschool_completed) == ("preschool", None, False)
    assert result.into_grade_1 == 1


def test_completions_and_literacy_carry_over(commune_officer, dang_kang, family):
    rollover.roll_over(dang_kang, FROM, user=commune_officer)
    head = _record(family["head"])
    assert (head.primary_completed_year, head.lower_secondary_graduated_year, head.highest_grade_completed) \
        == (1991, 1995, 9)
    learner = _record(family["learner"])
    assert (learner.literacy_stage_completed, learner.highest_grade_completed, learner.status) == (1, 2,
                                                                                                    "present")


def test_leavers_are_not_carried_forward(commune_officer, dang_kang, family):
    result = rollover.roll_over(dang_kang, FROM, user=commune_officer)
    assert not SurveyRecord.objects.filter(person__in=[family["gone"], family["dead"]], year=TO).exists()
    assert result.leavers == 2


def test_an_existing_record_of_the_next_year_is_never_overwritten(commune_officer, dang_kang, family):
    SurveyRecord.objects.create(person=family["grade3"], year=TO, commune=dang_kang, enrolled_level="primary",
                                enrolled_grade=3)  # repeating grade 3, entered by hand
    result = rollover.roll_over(dang_kang, FROM, user=commune_officer)
    assert _facts(_record(family["grade3"]))[:2] == ("primary", 3)
    assert result.already_recorded == 1 and result.created == 8
    again = rollover.roll_over(dang_kang, FROM, user=commune_officer)
    assert again.created == 0 and again.already_recorded == 9


def test_the_roll_over_writes_one_audit_entry_with_its_figures(commune_officer, dang_kang, family):
    before = AuditEntry.objects.count()
    rollover.roll_over(dang_kang, FROM, user=commune_officer)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == AuditEntry.Action.COMMAND
    assert entry.after["created"] == 9 and entry.unit_path == dang_kang.path


def test_the_records_are_attributed_to_the_officer(commune_officer, dang_kang, family):
    rollover.roll_over(dang_kang, FROM, user=commune_officer)
    assert set(SurveyRecord.objects.filter(year=TO).values_list("created_by", flat=True)) == {
        commune_officer.pk}


def test_preview_counts_the_same_and_writes_nothing(commune_officer, dang_kang, family):
    preview = rollover.preview(dang_kang, FROM, user=commune_officer)
    assert not SurveyRecord.objects.filter(year=TO).exists()
    done = rollover.roll_over(dang_kang, FROM, user=commune_officer)
    assert preview.dry_run and (preview.created, preview.primary_completed, preview.lower_secondary_graduated,
                                preview.left_school) == (done.created, 1, 1, 1)


def test_other_communes_are_not_rolled_over(commune_officer, dang_kang, krong_bong, family):
    elsewhere = testing.household(krong_bong.new["24481"], "H900")
    other = testing.person(elsewhere, "01", birth_year=2015, year=FROM, enrolled_level="primary",
                           enrolled_grade=5)
    rollover.roll_over(dang_kang, FROM, user=commune_officer)
    assert not SurveyRecord.objects.filter(person=other, year=TO).exists()


def test_neighbour_and_viewer_may_not_roll_dang_kang_over(neighbour_officer, district_viewer, dang_kang,
                                                          family):
    for user in (neighbour_officer, district_viewer):
        with pytest.raises(PermissionDenied):
            rollover.roll_over(dang_kang, FROM, user=user)
    assert not SurveyRecord.objects.filter(year=TO).exists()


def test_the_roll_over_goes_forward_only(commune_officer, dang_kang):
    with pytest.raises(DomainError) as caught:
        rollover.roll_over(dang_kang, FROM, FROM, user=commune_officer)
    assert caught.value.column == "to_year"


def test_a_commune_merged_away_is_left_out_and_reported(krong_bong):
    cu_kty = krong_bong.legacy["24454"]  # no longer in force on 30/09/2025
    home = testing.household(cu_kty, "H1")
    testing.person(home, "01", birth_year=2015, year=2024, enrolled_level="primary", enrolled_grade=4)
    result = rollover.roll_over(cu_kty, 2024)
    assert (result.created, result.outside_map) == (0, 1)
    assert not SurveyRecord.objects.filter(year=2025).exists()


# --- the command ---------------------------------------------------------------------------------

def test_the_command_rolls_a_unit_over(dang_kang, family):
    out = StringIO()
    call_command("rollover", "--from-year", str(FROM), "--unit", "24454", stdout=out)
    assert "created 9 records" in out.getvalue()
    assert SurveyRecord.objects.filter(year=TO).count() == 9
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COMMAND, actor="manage.py rollover").exists()


def test_the_command_dry_run_writes_nothing(dang_kang, family):
    out = StringIO()
    call_command("rollover", "--from-year", str(FROM), "--dry-run", stdout=out)
    assert "would create 9 records" in out.getvalue()
    assert not SurveyRecord.objects.filter(year=TO).exists()


# --- the page ------------------------------------------------------------------------------------

def test_officer_previews_then_confirms_on_the_page(client, commune_officer, dang_kang, family):
    client.force_login(commune_officer)
    url = reverse("people:rollover")
    preview = client.get(url, {"commune": dang_kang.pk, "from_year": FROM})
    assert preview.status_code == 200
    assert 'data-testid="to-create"><strong>9<' in preview.text
    assert not SurveyRecord.objects.filter(year=TO).exists()
    done = client.post(url, {"commune": dang_kang.pk, "from_year": FROM}, follow=True)
    assert done.status_code == 200
    assert SurveyRecord.objects.filter(year=TO).count() == 9


def test_viewer_is_refused_the_rollover_page(client, district_viewer, dang_kang, family):
    client.force_login(district_viewer)
    assert client.get(reverse("people:rollover")).status_code == 403
    assert client.post(reverse("people:rollover"), {"commune": dang_kang.pk, "from_year": FROM}
                       ).status_code == 403
    assert not SurveyRecord.objects.filter(year=TO).exists()


def test_neighbour_cannot_roll_dang_kang_over_from_the_page(client, neighbour_officer, dang_kang, family):
    client.force_login(neighbour_officer)
    response = client.post(reverse("people:rollover"), {"commune": dang_kang.pk, "from_year": FROM})
    assert response.status_code == 403
    assert not SurveyRecord.objects.filter(year=TO).exists()


def test_anonymous_is_sent_to_login_from_the_rollover_page(client):
    response = client.get(reverse("people:rollover"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_without_units_an_officer_rolls_over_only_their_scope(commune_officer, krong_bong, family):
    elsewhere = testing.household(krong_bong.new["24481"], "H900")
    other = testing.person(elsewhere, "01", birth_year=2015, year=FROM)
    result = rollover.roll_over(None, FROM, user=commune_officer)
    assert result.created == 9
    assert not SurveyRecord.objects.filter(person=other, year=TO).exists()
