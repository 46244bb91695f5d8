"""A campaign run through the pages: scores with evidence, maker–checker, decision, certificate."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.recognition import services
from apps.recognition.models import Campaign, EvidenceFile, Registration
from apps.recognition.tests.conftest import YEAR
from apps.recognition.tests.test_views_support import english_interface, family  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, not to the project's media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def registration(campaign, dang_kang, commune_officer, village):
    family(dang_kang, "H001")
    services.register_village_households(campaign, village, commune_officer)
    services.autoscore_campaign(campaign, commune_officer)
    return Registration.objects.get(campaign=campaign)


def test_the_scorer_sees_approval_disabled_and_another_user_approves(
    client, commune_officer, association_officer, registration
):
    url = reverse("recognition:registration", args=[registration.pk])
    client.force_login(commune_officer)
    response = client.post(url, {
        "score_1b": "8", "score_2b": "7", "note_1b": "Học lực khá",
        "evidence": SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
    })
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.total_points, registration.passed) == ("scored", 35, True)
    assert registration.scores.get(indicator__code="1b").note == "Học lực khá"
    assert EvidenceFile.objects.filter(registration=registration, original_name="bien-ban.pdf").exists()

    page = client.get(url).content.decode()
    assert 'data-testid="approve" disabled' in page
    assert "You scored this registration: someone else must approve it." in page
    client.post(reverse("recognition:approve", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == "scored"

    client.force_login(association_officer)
    client.post(reverse("recognition:approve", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == "approved" and registration.approved_by == association_officer


def test_a_score_above_the_maximum_is_refused_and_nothing_is_written(client, commune_officer, registration):
    client.force_login(commune_officer)
    url = reverse("recognition:registration", args=[registration.pk])
    response = client.post(url, {"score_1b": "8", "score_2b": "11"})
    assert response.status_code == 200 and "from 0 to 10" in response.content.decode()
    assert not registration.scores.filter(indicator__code="1b", points__isnull=False).exists()


def test_evidence_of_a_forbidden_type_is_refused(client, commune_officer, registration):
    client.force_login(commune_officer)
    url = reverse("recognition:registration", args=[registration.pk])
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(url, {"score_1b": "8", "evidence": upload})
    assert "PDF, JPEG or PNG" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not registration.scores.filter(indicator__code="1b", points__isnull=False).exists()


def test_a_computed_indicator_shows_its_evidence_and_has_no_input(client, commune_officer, registration):
    client.force_login(commune_officer)
    page = client.get(reverse("recognition:registration", args=[registration.pk])).content.decode()
    assert 'name="score_1a"' not in page and 'name="score_1b"' in page
    assert "1 member checked" in page and "H&#x27;Hen Niê" in page


def test_evidence_files_are_served_only_in_scope(client, commune_officer, neighbour_officer,
                                                 registration):
    services.add_evidence(registration, SimpleUploadedFile("anh.pdf", PDF), commune_officer)
    record = EvidenceFile.objects.get()
    client.force_login(commune_officer)
    response = client.get(reverse("recognition:evidence", args=[record.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    client.force_login(neighbour_officer)
    assert client.get(reverse("recognition:evidence", args=[record.pk])).status_code == 404


def test_the_decision_form_recognises_the_approved_and_locks(client, commune_officer, association_officer,
                                                            registration):
    services.record_scores(registration, {"1b": 8, "2b": 7}, commune_officer)
    services.approve(registration, association_officer)
    client.force_login(commune_officer)
    url = reverse("recognition:decide", args=[registration.campaign_id])
    form = client.get(url).content.decode()
    assert f'value="{registration.pk}"' in form
    response = client.post(url, {
        "number": "30/QĐ-UBND", "date": f"{YEAR}-12-01", "signer": "Nguyễn Văn Chủ",
        "signer_title": "Chủ tịch", "registrations": [str(registration.pk)],
    })
    assert response.status_code == 302
    registration.refresh_from_db()
    campaign = Campaign.objects.get(pk=registration.campaign_id)
    assert registration.status == "recognised" and campaign.locked
    assert client.get(url).status_code == 302  # locked: back to the campaign


def test_a_decision_without_a_number_is_refused(client, commune_officer, association_officer, registration):
    services.record_scores(registration, {"1b": 8, "2b": 7}, commune_officer)
    services.approve(registration, association_officer)
    client.force_login(commune_officer)
    response = client.post(reverse("recognition:decide", args=[registration.campaign_id]), {
        "number": " ", "date": f"{YEAR}-12-01", "signer": "A", "registrations": [str(registration.pk)],
    })
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == "approved"


def test_a_file_named_for_an_indicator_is_stored_with_it(client, commune_officer, registration):
    client.force_login(commune_officer)
    url = reverse("recognition:registration", args=[registration.pk])
    upload = SimpleUploadedFile("hoc-ba.pdf", PDF, content_type="application/pdf")
    client.post(url, {"score_1b": "9", "evidence": upload, "evidence_indicator": "1b"})
    assert EvidenceFile.objects.get().indicator.code == "1b"
    assert registration.scores.get(indicator__code="1b").points == 9


def test_a_refused_file_leaves_the_scores_unsaved(client, commune_officer, registration):
    client.force_login(commune_officer)
    url = reverse("recognition:registration", args=[registration.pk])
    upload = SimpleUploadedFile("anh.png", b"not a png", content_type="image/png")
    response = client.post(url, {"score_1b": "9", "evidence": upload, "evidence_indicator": "1b"})
    assert "is not really a PNG file" in response.content.decode()
    assert not registration.scores.filter(indicator__code="1b", points__isnull=False).exists()
