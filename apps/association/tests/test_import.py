"""Importing a branch's members from CSV: every error with its row and column, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.association import services
from apps.association.models import Member, MemberConsent
from apps.core.errors import ImportFailed

YEAR = 2026


@pytest.fixture
def branch(association_officer, villages):
    return services.create_branch(association_officer, village=villages[0].unit)


def test_a_clean_file_adds_every_member(association_officer, branch, villages):
    text = ("full_name,person_code,joined_on,note,consent_purposes,consent_given_on,consent_evidence\n"
            ",H001/01,2020-10-02,,membership;registry_link,2026-01-10,Phiếu số 1\n"
            "Y Moan Niê,,,ủy viên,membership,2026-01-10,Phiếu số 2\n\n")
    assert services.import_members(association_officer, branch, YEAR, text) == 2
    assert set(Member.objects.values_list("person_id", "full_name")) == {
        (villages[0].persons[0].pk, ""), (None, "Y Moan Niê")}
    assert set(MemberConsent.objects.values_list("purpose", "evidence")) == {
        ("membership", "Phiếu số 1"), ("registry_link", "Phiếu số 1"), ("membership", "Phiếu số 2")}
    assert set(MemberConsent.objects.values_list("created_by", flat=True)) == {association_officer.pk}


def test_a_file_with_errors_writes_nothing_and_names_every_row(association_officer, branch, hoa_son):
    from apps.people import testing as people

    people.person(people.household(hoa_son, "H900", "Thôn 5"), "01", birth_year=1980, year=YEAR)
    ok = "membership;registry_link,2026-01-10,Phiếu"
    text = ("full_name,person_code,joined_on,consent_purposes,consent_given_on,consent_evidence\n"
            f"Y Moan,,,{ok}\n"               # 2: fine (a name needs only "membership"; more is kept)
            f",H404/01,,{ok}\n"              # 3: unknown code
            f",H900/01,,{ok}\n"              # 4: out of scope (Hòa Sơn)
            f"Y Moan,,,{ok}\n"               # 5: twice in the file
            f"Y Nuê,,2030-01-01,{ok}\n"      # 6: future date
            "Y Hen,,,,,\n"                   # 7: no consent at all
            ",H001/01,,membership,2026-01-10,Phiếu\n"  # 8: a registry person without the link's consent
            "Y Bia,,,membership,,Phiếu\n"    # 9: no date of the consent
            "Y Ly,,,membership,2026-01-10,\n"  # 10: no evidence
            ",,,,,\n")                       # blank: skipped
    with pytest.raises(ImportFailed) as failed:
        services.import_members(association_officer, branch, YEAR, text)
    assert [(e.row, e.column) for e in failed.value.errors] == [
        (3, "person_code"), (4, "person_code"), (5, "full_name"), (6, "joined_on"), (7, "consent_purposes"),
        (8, "consent_purposes"), (9, "consent_given_on"), (10, "consent_evidence")]
    assert not Member.objects.exists()


def test_a_file_without_the_columns_is_refused(association_officer, branch):
    from apps.core.errors import DomainError

    with pytest.raises(DomainError) as error:
        services.import_members(association_officer, branch, YEAR, "name;code\nA;B\n")
    assert error.value.row == 1


def test_the_import_page_shows_the_errors(client, association_officer, branch):
    client.force_login(association_officer)
    text = ("\ufefffull_name,consent_purposes,consent_given_on,consent_evidence\n"
            "Y Moan,membership,2026-01-10,Phiếu\n,,,\n")
    upload = SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("association:members_import", args=[branch.pk]) + f"?year={YEAR}",
                           {"file": upload}, follow=True)
    assert "1 member was imported" in response.content.decode()
    bad = SimpleUploadedFile("members.csv", b"person_code\nX/1\n", content_type="text/csv")
    response = client.post(reverse("association:members_import", args=[branch.pk]) + f"?year={YEAR}",
                           {"file": bad}, follow=True)
    assert "Row 2, column person_code" in response.content.decode()
