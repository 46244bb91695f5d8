"""Evidence files (type, size, content, stored name) and what each persona sees or may do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from apps.core.errors import DomainError
from apps.people import testing as people
from apps.recognition import services
from apps.recognition.models import EvidenceFile
from apps.recognition.tests.conftest import YEAR, family

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def registration(campaign, dang_kang, commune_officer):
    home = people.household(dang_kang, "H1")
    people.person(home, "01", birth_year=YEAR - 30, year=YEAR, highest_grade_completed=9)
    return services.register(campaign, home, commune_officer)


def test_a_pdf_is_stored_under_a_random_name(registration, commune_officer):
    upload = SimpleUploadedFile("biên bản họp.pdf", PDF, content_type="application/pdf")
    stored = services.add_evidence(registration, upload, commune_officer, indicator_code="1b")
    assert stored.original_name == "biên bản họp.pdf"
    assert stored.file.name.startswith("recognition/evidence/") and ".." not in stored.file.name
    assert (stored.content_type, stored.size, stored.indicator.code) == ("application/pdf", len(PDF), "1b")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "PDF, JPEG or PNG"),
        ("photo.png", PDF, "not really a PNG"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_forbidden_evidence_is_refused(registration, commune_officer, name, content, message):
    with pytest.raises(DomainError, match=message):
        services.add_evidence(registration, SimpleUploadedFile(name, content), commune_officer)
    assert not EvidenceFile.objects.exists()


def test_scores_with_a_forbidden_file_write_nothing(registration, commune_officer):
    with pytest.raises(DomainError, match="PDF, JPEG or PNG"):
        services.record_scores(
            registration, {"1b": 5}, commune_officer, evidence=[SimpleUploadedFile("x.docx", b"PK\x03\x04")]
        )
    assert not registration.scores.exists()
    services.record_scores(
        registration, {"1b": 5}, commune_officer, evidence=[SimpleUploadedFile("a.png", PNG)]
    )
    assert registration.evidence_files.count() == 1


def test_self_assessment_does_not_make_the_user_the_scorer(registration, commune_officer):
    registration = services.record_scores(registration, {"1b": 9}, commune_officer, self_assessment=True)
    assert registration.scored_by is None
    assert registration.scores.get(indicator__code="1b").self_points == 9
    assert registration.scores.get(indicator__code="1b").points is None


def test_an_unknown_indicator_is_refused(registration, commune_officer):
    with pytest.raises(DomainError, match="no indicator “9z”"):
        services.record_scores(registration, {"9z": 1}, commune_officer)


def test_the_officer_sees_the_campaign_and_the_neighbour_nothing(
    campaign,
    registration,
    commune_officer,
    neighbour_officer,
    district_viewer,
    province_viewer,
    roleless_user,
):
    for user in (commune_officer, district_viewer, province_viewer):
        assert services.get_campaign_for_user(user, campaign.pk) == campaign
        assert list(services.get_registrations_for_user(user, campaign)) == [registration]
    for user in (neighbour_officer, roleless_user):
        with pytest.raises(Http404):
            services.get_campaign_for_user(user, campaign.pk)
        with pytest.raises(Http404):
            services.get_registration_for_user(user, registration.pk)
        assert not services.get_registrations_for_user(user).exists()
        assert not services.get_decisions_for_user(user).exists()


def test_criteria_sets_national_for_everyone_with_a_role(criteria_set, commune_officer, roleless_user):
    assert list(services.get_criteria_sets_for_user(commune_officer)) == [criteria_set]
    assert not services.get_criteria_sets_for_user(roleless_user).exists()


def test_a_provincial_set_is_seen_below_its_province_only(
    db, krong_bong, small_set_data, commune_officer, admin_user_, roleless_user
):
    small_set_data["unit"] = "66"
    provincial = services.load_criteria_set(small_set_data, admin_user_)
    assert list(services.get_criteria_sets_for_user(commune_officer)) == [provincial]
    assert not services.get_criteria_sets_for_user(roleless_user).exists()


def test_viewers_cannot_write(campaign, registration, district_viewer, province_viewer):
    for user in (district_viewer, province_viewer):
        with pytest.raises(PermissionDenied):
            services.record_scores(registration, {"1b": 5}, user)
        with pytest.raises(PermissionDenied):
            services.autoscore_campaign(campaign, user)


def test_a_campaign_needs_a_commune_a_matching_valid_set_and_is_unique(
    criteria_set, campaign, dang_kang, krong_bong, commune_officer
):
    with pytest.raises(DomainError, match="already has a campaign"):
        services.open_campaign(
            commune_officer, title="gdht", year=YEAR, commune=dang_kang, criteria_set=criteria_set
        )
    with pytest.raises(DomainError, match="another title"):
        services.open_campaign(
            commune_officer, title="dhht", year=YEAR, commune=dang_kang, criteria_set=criteria_set
        )
    with pytest.raises(DomainError, match="belongs to a commune"):
        services.open_campaign(
            commune_officer, title="gdht", year=YEAR, commune=krong_bong.province, criteria_set=criteria_set
        )
    criteria_set.valid_to = dt.date(2020, 12, 31)
    criteria_set.save()
    with pytest.raises(DomainError, match="not valid in 2027"):
        services.open_campaign(
            commune_officer, title="gdht", year=2027, commune=dang_kang, criteria_set=criteria_set
        )


def test_a_set_with_unknown_maxima_cannot_run_a_campaign(db, dang_kang, commune_officer):
    from apps.recognition.management.commands.recognition import load_shipped
    from apps.recognition.models import CriteriaSet

    load_shipped()
    with pytest.raises(DomainError, match="lacks the maximum points"):
        services.open_campaign(
            commune_officer,
            title="cdht_cong_dan",
            year=YEAR,
            commune=dang_kang,
            criteria_set=CriteriaSet.objects.get(code="cdht-cong-dan-qd324-2023"),
        )


def test_a_village_head_sees_the_commune_campaign_and_only_their_village(
    campaign, dang_kang, commune_officer, neighbour_officer
):
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    home = family(dang_kang, "H-V1", "Thôn 1")
    other = family(dang_kang, "H-V2", "Thôn 2")
    mine = services.register(campaign, home, commune_officer)
    services.register(campaign, other, commune_officer)
    head = get_user_model().objects.create_user("truongthon", password="demo-pass-123")
    RoleAssignment.objects.create(user=head, role="village_head", unit=home.village)

    assert services.get_campaign_for_user(head, campaign.pk) == campaign
    assert list(services.get_registrations_for_user(head, campaign)) == [mine]
    with pytest.raises(Http404):
        services.get_campaign_for_user(neighbour_officer, campaign.pk)
