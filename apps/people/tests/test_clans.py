"""Clans (dòng họ): scope, search, counts and learning figures, register / rename / merge."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import Http404

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError
from apps.people import clans, testing
from apps.people.models import Clan, Person
from apps.recognition import services as recognition
from apps.recognition.models import Registration, Title

YEAR = 2026


clan_of, member = testing.clan, testing.clan_member


@pytest.fixture
def registry(dang_kang, krong_bong):
    """Clan Nguyễn of Dang Kang: seven persons, five present in 2026 in three households."""
    nguyen = clan_of(dang_kang, "Nguyễn")
    h1, h2 = testing.household(dang_kang, "H001"), testing.household(dang_kang, "H002")
    h3, h4 = testing.household(dang_kang, "H003", "Thôn 2"), testing.household(dang_kang, "H004")
    member(h1, "01", nguyen, birth_year=1980, highest_grade_completed=9)  # 46, literate level 2
    member(h1, "02", nguyen, birth_year=2016, enrolled_level="primary", enrolled_grade=5,
           highest_grade_completed=4)  # 10, enrolled
    member(h1, "03", nguyen, birth_year=2010, highest_grade_completed=3)  # 16, not enrolled, level 1
    member(h2, "01", nguyen, birth_year=1970)  # 56, not literate
    member(h2, "02", nguyen, birth_year=1990, status="moved_away")
    member(h3, "01", nguyen, birth_year=1985, disability="cannot_learn")  # 41, left out of literacy
    member(h4, "01", nguyen, birth_year=2000, year=YEAR - 1)  # no record of 2026
    testing.person(h4, "02", birth_year=2001, year=YEAR)  # no clan
    neighbour = clan_of(krong_bong.new["24481"], "Nguyễn")
    member(testing.household(krong_bong.new["24481"], "H001"), "01", neighbour, birth_year=1990)
    return nguyen, neighbour


def test_scope_officer_and_viewer_see_the_clan_the_neighbour_and_roleless_do_not(
        registry, commune_officer, district_viewer, neighbour_officer, roleless_user):
    nguyen, neighbour = registry
    assert list(clans.get_clans_for_user(commune_officer)) == [nguyen]
    assert set(clans.get_clans_for_user(district_viewer)) == {nguyen, neighbour}
    assert list(clans.get_clans_for_user(neighbour_officer)) == [neighbour]
    assert not clans.get_clans_for_user(roleless_user).exists()
    for user in (neighbour_officer, roleless_user):
        with pytest.raises(Http404):
            clans.get_clan_for_user(user, nguyen.pk)


def test_members_are_listed_only_where_personal_data_may_be_seen(registry, commune_officer, district_viewer):
    nguyen, _neighbour = registry
    assert clans.members_for_user(commune_officer, nguyen).count() == 7
    assert not clans.members_for_user(district_viewer, nguyen).exists()


def test_counts_are_the_members_present_in_the_year_and_their_households(registry, dang_kang):
    nguyen, neighbour = registry
    empty = clan_of(dang_kang, "Lê")
    counts = clans.clan_counts([nguyen.pk, neighbour.pk, empty.pk], YEAR)
    assert counts[nguyen.pk] == clans.ClanCounts(members=5, households=3)
    assert counts[neighbour.pk] == clans.ClanCounts(members=1, households=1)
    assert empty.pk not in counts
    assert clans.clan_counts([nguyen.pk], YEAR - 1)[nguyen.pk] == clans.ClanCounts(1, 1)


def test_figures_by_age_band_and_literacy_follow_the_rule_set(registry, commune_officer):
    nguyen, _neighbour = registry
    figures = clans.clan_figures(commune_officer, nguyen, YEAR)
    assert (figures.members, figures.households, figures.registered) == (5, 3, 7)
    bands = {band.band: (band.members, band.enrolled, band.not_enrolled) for band in figures.bands}
    assert bands == {"0-5": (0, 0, 0), "6-10": (1, 1, 0), "11-14": (0, 0, 0), "15-18": (1, 0, 1),
                     "19-35": (0, 0, 0), "36-60": (3, 0, 3), "60+": (0, 0, 0)}
    literacy = figures.literacy
    # 15–60: the head (level 2), the 16-year-old (level 1), the 56-year-old (neither); the member who
    # cannot learn is left out as the rule set leaves them out.
    assert (literacy.rule_set, literacy.counted, literacy.level1, literacy.level2) == ("nd20-2014", 3, 2, 1)
    assert (literacy.level1_share, literacy.level2_share) == (66.7, 33.3)


def test_literacy_is_not_computed_for_a_year_without_a_rule_set(registry, commune_officer):
    nguyen, _neighbour = registry
    figures = clans.clan_figures(commune_officer, nguyen, 1995)
    assert figures.literacy is None and figures.members == 0


def _criteria_set(title: str):
    return recognition.load_criteria_set({
        "code": f"{title}-test", "title": title, "name": "Bộ thử", "document": {"number": "TEST/2026",
                                                                                 "issuer": "Test"},
        "judging": "points", "total_points": 10, "is_illustrative": True,
        "pass_rule": {"total_min": 5, "criterion_min": None, "indicator_min": None, "required": [],
                      "bands": []},
        "criteria": [{"code": "1", "name": "Tiêu chí", "max_points": 10,
                      "indicators": [{"code": "1a", "name": "Chỉ số", "max_points": 10}]}],
    })


def _campaign(user, commune, title: str):
    return recognition.open_campaign(user, title=title, year=YEAR, commune=commune,
                                     criteria_set=_criteria_set(title))


def test_figures_count_the_learning_families_and_list_the_clan_titles(registry, commune_officer, dang_kang,
                                                                      district_viewer, neighbour_officer):
    nguyen, _neighbour = registry
    families = _campaign(commune_officer, dang_kang, Title.GDHT)
    h1, h2, h4 = (testing.household(dang_kang, code) for code in ("H001", "H002", "H004"))
    Registration.objects.create(campaign=families, unit=h1.village, household=h1,
                                status=Registration.Status.RECOGNISED)
    Registration.objects.create(campaign=families, unit=h2.village, household=h2)
    # H004's only clan member has no record of 2026: not a household of the clan that year.
    Registration.objects.create(campaign=families, unit=h4.village, household=h4,
                                status=Registration.Status.RECOGNISED)
    Registration.objects.create(campaign=_campaign(commune_officer, dang_kang, Title.DHHT), unit=dang_kang,
                                clan=nguyen, status=Registration.Status.RECOGNISED, result="Đạt", passed=True)
    figures = clans.clan_figures(commune_officer, nguyen, YEAR)
    assert (figures.families_registered, figures.families_recognised) == (2, 1)
    assert [(title.year, title.status, title.result) for title in figures.titles] == [
        (YEAR, "recognised", "Đạt")]
    assert clans.clan_figures(district_viewer, nguyen, YEAR).families_recognised == 1
    # Registrations are scoped like the clan: a user who does not see them counts none.
    assert clans.clan_figures(neighbour_officer, nguyen, YEAR).titles == []


# --- search ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "found"), [
    ("nguyen", {"Nguyễn", "Họ Nguyễn Đình"}),
    ("NGUYỄN", {"Nguyễn", "Họ Nguyễn Đình"}),
    ("dinh", {"Họ Nguyễn Đình"}),
    ("ho nguyen", {"Họ Nguyễn Đình"}),
    ("le", {"Lê", "Lễ"}),
    ("lễ", {"Lê", "Lễ"}),
    ("guyen", set()),
    ("  ", {"Nguyễn", "Họ Nguyễn Đình", "Lê", "Lễ"}),
])
def test_search_ignores_case_and_diacritics_and_matches_the_start_of_a_word(dang_kang, text, found):
    for name in ("Nguyễn", "Họ Nguyễn Đình", "Lê", "Lễ"):
        clan_of(dang_kang, name)
    assert {clan.name for clan in clans.search(Clan.objects.all(), text)} == found


def test_the_database_folds_every_vietnamese_letter_as_python_does(dang_kang):
    letters = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    clan = clan_of(dang_kang, letters.upper())
    decomposed = Clan.objects.create(commune=dang_kang, name="Nguyễn (NFD)",
                                     name_key=unicodedata.normalize("NFD", "nguyễn (nfd)"))
    assert clans.fold(letters.upper()) == "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"
    assert list(clans.search(Clan.objects.all(), clans.fold(letters))) == [clan]
    assert list(clans.search(Clan.objects.all(), "nguyen (nfd)")) == [decomposed]


# --- writes ---------------------------------------------------------------------------------------

def test_the_officer_registers_a_clan_and_the_trail_records_it(commune_officer, dang_kang):
    clan = clans.create_clan(commune_officer, commune=dang_kang, name="  Họ   Trần ")
    assert (clan.name, clan.name_key, clan.created_by) == ("Họ Trần", "họ trần", commune_officer)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, model="people.Clan",
                                     object_id=str(clan.pk), unit_path=dang_kang.path).exists()


def test_a_name_is_unique_in_the_commune_whatever_its_case(commune_officer, neighbour_officer, dang_kang,
                                                            krong_bong):
    clans.create_clan(commune_officer, commune=dang_kang, name="Nguyễn")
    with pytest.raises(DomainError) as refused:
        clans.create_clan(commune_officer, commune=dang_kang, name="NGUYỄN")
    error = refused.value
    assert error.column == "name"
    assert error.english == "Xã Dang Kang already has the clan “Nguyễn”."
    assert error.vietnamese == "Xã Dang Kang đã có dòng họ “Nguyễn”."
    assert error.as_dict()["message_vi"] == error.vietnamese
    # Another commune, or another spelling with other diacritics, is another clan.
    clans.create_clan(neighbour_officer, commune=krong_bong.new["24481"], name="Nguyễn")
    clans.create_clan(commune_officer, commune=dang_kang, name="Nguyên")
    assert Clan.objects.filter(name_key="nguyễn").count() == 2


@pytest.mark.parametrize(("name", "message"), [
    ("", "The clan name is empty."),
    ("x" * 101, "The clan name is longer than 100 characters."),
])
def test_a_name_must_be_given_and_short(commune_officer, dang_kang, name, message):
    with pytest.raises(DomainError, match=message):
        clans.create_clan(commune_officer, commune=dang_kang, name=name)


def test_a_clan_belongs_to_a_commune(admin_user_, dang_kang):
    with pytest.raises(DomainError, match="A clan belongs to a commune"):
        clans.create_clan(admin_user_, commune=testing.village(dang_kang), name="Nguyễn")


def test_only_who_may_edit_the_commune_registers_or_renames(district_viewer, neighbour_officer, roleless_user,
                                                           commune_officer, dang_kang):
    clan = clans.create_clan(commune_officer, commune=dang_kang, name="Nguyễn")
    for user in (district_viewer, neighbour_officer, roleless_user):
        with pytest.raises(PermissionDenied):
            clans.create_clan(user, commune=dang_kang, name="Lê")
        with pytest.raises(PermissionDenied):
            clans.rename_clan(user, clan, name="Lê")
        with pytest.raises(PermissionDenied):
            clans.merge_clans(user, clans.create_clan(commune_officer, commune=dang_kang, name=user.username),
                              clan)


def test_renaming_checks_the_other_clans_but_not_itself(registry, commune_officer, dang_kang):
    nguyen, _neighbour = registry
    clans.rename_clan(commune_officer, nguyen, name="nguyễn")  # a correction of case only
    nguyen.refresh_from_db()
    assert nguyen.name == "nguyễn" and nguyen.members.count() == 7
    clan_of(dang_kang, "Lê")
    with pytest.raises(DomainError, match="already has the clan “Lê”"):
        clans.rename_clan(commune_officer, nguyen, name="LÊ")
    entry = AuditEntry.objects.filter(model="people.Clan", object_id=str(nguyen.pk),
                                      action=AuditEntry.Action.UPDATE).get()
    assert (entry.before["name"], entry.after["name"]) == ("Nguyễn", "nguyễn")


def test_a_clan_with_members_cannot_be_deleted(registry):
    nguyen, _neighbour = registry
    with pytest.raises(ProtectedError):
        nguyen.delete()


def test_merging_moves_the_members_removes_the_clan_and_leaves_a_trail(registry, commune_officer, dang_kang):
    nguyen, neighbour = registry
    duplicate = clan_of(dang_kang, "Nguyễn Văn")
    duplicate_id = duplicate.pk
    home = testing.household(dang_kang, "H009")
    moved = [member(home, "01", duplicate, birth_year=1960), member(home, "02", duplicate, birth_year=1962)]
    result = clans.merge_clans(commune_officer, duplicate, nguyen)
    assert (result.into, result.moved) == (nguyen, 2)
    assert not Clan.objects.filter(pk=duplicate_id).exists()
    assert nguyen.members.count() == 9 and neighbour.members.count() == 1
    assert all(person.updated_by == commune_officer for person in Person.objects.filter(household=home))
    command = AuditEntry.objects.get(action=AuditEntry.Action.COMMAND, unit_path=dang_kang.path,
                                     object_repr__startswith="merge clan")
    assert command.after["persons"] == [person.pk for person in moved]
    assert command.after["into"] == {"id": nguyen.pk, "name": "Nguyễn"} and command.user == commune_officer
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, model="people.Clan",
                                     object_id=str(duplicate_id)).exists()


def test_merging_is_refused_across_communes_into_itself_and_from_a_clan_holding_a_title(
        registry, commune_officer, dang_kang, admin_user_):
    nguyen, neighbour = registry
    with pytest.raises(DomainError, match="same commune"):
        clans.merge_clans(admin_user_, nguyen, neighbour)
    with pytest.raises(DomainError, match="into itself"):
        clans.merge_clans(commune_officer, nguyen, nguyen)
    other = clan_of(dang_kang, "Nguyễn Văn")
    Registration.objects.create(campaign=_campaign(commune_officer, dang_kang, Title.DHHT), unit=dang_kang,
                                clan=nguyen)
    with pytest.raises(DomainError, match="has 1 learning-title registrations: merge “Nguyễn Văn” into it"):
        clans.merge_clans(commune_officer, nguyen, other)
    assert nguyen.members.count() == 7
    # The other way keeps the clan the registration points to.
    assert clans.merge_clans(commune_officer, other, nguyen).moved == 0
