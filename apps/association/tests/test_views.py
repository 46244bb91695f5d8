"""The association pages around the personas: association officer, commune officer, district viewer,
neighbour, anonymous."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.association import services
from apps.association.models import Branch, Member
from apps.association.tests.helpers import NAME_CONSENT, PERSON_CONSENT

YEAR = 2026


@pytest.fixture
def branch(association_officer, villages):
    branch = services.create_branch(association_officer, village=villages[0].unit, founded_on="2019-03-01")
    services.add_member(association_officer, branch, YEAR, person=villages[0].persons[0],
                        consents=PERSON_CONSENT)
    services.add_member(association_officer, branch, YEAR, full_name="Y Moan Niê", consents=NAME_CONSENT)
    return branch


def get(client, user, name, *args, **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(f"association:{name}", args=args), params)


def test_anonymous_visitors_are_sent_to_log_in(client, branch, dang_kang):
    pages = (("index", ()), ("metrics", ()), ("commune", (dang_kang.pk,)), ("branch", (branch.pk,)))
    for name, args in pages:
        response = get(client, None, name, *args)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_association_officer_sees_the_commune_and_its_figures(client, association_officer, branch,
                                                                  dang_kang):
    response = get(client, association_officer, "index", year=YEAR)
    assert response.status_code == 200
    assert "Xã Dang Kang" in response.content.decode()
    assert "Xã Hòa Sơn" not in response.content.decode()
    page = get(client, association_officer, "commune", dang_kang.pk, year=YEAR).content.decode()
    assert branch.name in page and "Hội Khuyến học xã Dang Kang" in page
    assert "1 / 3" in page  # one of three villages has a branch
    assert "Thôn 2" in page  # listed among the villages without a branch


def test_members_names_follow_the_personal_data_rule(client, association_officer, commune_officer,
                                                     district_viewer, branch, villages):
    name = villages[0].persons[0].full_name
    for user in (association_officer, commune_officer):
        client.force_login(user)
        page = client.get(reverse("association:branch", args=[branch.pk]), {"year": YEAR}).content.decode()
        assert name in page and "Y Moan Niê" in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW,
                                     object_repr__startswith="association members").exists()
    client.force_login(district_viewer)
    page = client.get(reverse("association:branch", args=[branch.pk]), {"year": YEAR}).content.decode()
    assert name not in page and "Y Moan" not in page
    assert "H001/01" in page


def test_the_neighbour_sees_nothing_of_dang_kang(client, neighbour_officer, hoa_son_association_officer,
                                                 branch, dang_kang):
    for user in (neighbour_officer, hoa_son_association_officer):
        client.force_login(user)
        assert client.get(reverse("association:commune", args=[dang_kang.pk])).status_code == 404
        assert client.get(reverse("association:branch", args=[branch.pk])).status_code == 404
        assert client.get(reverse("association:metrics"), {"unit": dang_kang.pk}).status_code == 404
        member = Member.objects.first()
        assert client.post(reverse("association:member_remove", args=[member.pk])).status_code == 404
        assert client.post(reverse("association:member_add", args=[branch.pk]),
                           {"year": YEAR, "full_name": "X"}).status_code == 404
        assert "Dang Kang" not in client.get(reverse("association:index")).content.decode()
    assert Member.objects.count() == 2


def test_the_district_viewer_reads_but_cannot_write(client, district_viewer, branch, dang_kang):
    client.force_login(district_viewer)
    assert client.get(reverse("association:commune", args=[dang_kang.pk])).status_code == 200
    assert client.get(reverse("association:branch_create", args=[dang_kang.pk])).status_code == 403
    assert client.post(reverse("association:member_add", args=[branch.pk]),
                       {"year": YEAR, "full_name": "X"}).status_code == 403
    assert client.post(reverse("association:branch_dissolve", args=[branch.pk]),
                       {"dissolved_on": "2026-01-01"}).status_code == 403
    assert Branch.objects.get(pk=branch.pk).dissolved_on is None


def test_the_commune_officer_without_the_association_role_cannot_write(client, commune_officer, branch):
    client.force_login(commune_officer)
    assert client.post(reverse("association:member_add", args=[branch.pk]),
                       {"year": YEAR, "full_name": "X"}).status_code == 403


def test_the_officer_founds_a_branch_and_lists_members(client, association_officer, villages, dang_kang,
                                                       school):
    client.force_login(association_officer)
    url = reverse("association:branch_create", args=[dang_kang.pk])
    form = client.get(url).content.decode()
    assert "Thôn 2" in form and school.name in form
    response = client.post(url, {"village": villages[1].unit.pk, "committee": services.committee_of(
        dang_kang).pk, "founded_on": "2024-10-02"})
    assert response.status_code == 302, response.content.decode()
    branch = Branch.objects.get(village=villages[1].unit)
    consent = {"consent_membership": "on", "consent_registry_link": "on", "consent_given_on": "2026-01-10",
               "consent_evidence": "Phiếu đồng ý số 7"}
    response = client.post(reverse("association:member_add", args=[branch.pk]),
                           {"year": YEAR, "person": villages[1].persons[0].pk, **consent})
    assert response.status_code == 302
    client.post(reverse("association:member_add", args=[branch.pk]),
                {"year": YEAR, "full_name": "Y Nuê", **consent})
    assert Member.objects.filter(branch=branch, year=YEAR).count() == 2
    client.post(reverse("association:member_add", args=[branch.pk]),
                {"year": YEAR, "full_name": "y nuê", **consent})
    assert Member.objects.filter(branch=branch, year=YEAR).count() == 2  # refused, message shown


def test_a_village_and_an_organisation_at_once_is_refused_on_the_form(client, association_officer, villages,
                                                                       dang_kang, school):
    client.force_login(association_officer)
    response = client.post(reverse("association:branch_create", args=[dang_kang.pk]), {
        "village": villages[1].unit.pk, "organisation": school.pk,
        "committee": services.committee_of(dang_kang).pk})
    assert response.status_code == 200
    assert "either in a village or in an organisation" in response.content.decode()
    assert not Branch.objects.exists()


def test_person_search_finds_persons_of_the_scope_only(client, association_officer, branch, villages,
                                                       hoa_son):
    from apps.people import testing as people

    home = people.household(hoa_son, "H900", "Thôn 5")
    people.person(home, "01", birth_year=1980, full_name="Nguyễn Văn Xa")
    client.force_login(association_officer)
    url = reverse("association:person_search", args=[branch.pk])
    page = client.get(url, {"q": "nguyễn", "year": YEAR}).content.decode()
    assert "Nguyễn Văn 2" in page and "Nguyễn Văn Xa" not in page
    assert "listed" in page  # Nguyễn Văn 1 is already a member
    assert "Trần Thị 1" in client.get(url, {"q": "H002/01"}).content.decode()


def test_reported_count_and_copy_from_the_previous_year(client, association_officer, villages):
    other = services.create_branch(association_officer, village=villages[2].unit)
    client.force_login(association_officer)
    client.post(reverse("association:reported_count", args=[other.pk]) + f"?year={YEAR - 1}",
                {"year": YEAR - 1, "count": 17})
    client.post(reverse("association:members_copy", args=[other.pk]) + f"?year={YEAR}")
    assert other.reported_counts.get(year=YEAR).count == 17


def test_the_metrics_page_drills_down_to_villages(client, district_viewer, branch, dang_kang, villages):
    client.force_login(district_viewer)
    page = client.get(reverse("association:metrics"), {"unit": dang_kang.pk, "year": YEAR}).content.decode()
    assert "Thôn 1" in page and "Buôn 1" in page
    assert "2 / 4" in page  # Thôn 1: two members (a person, a name) of four present


def test_the_commune_page_counts_queries_not_branches(client, association_officer, villages, dang_kang,
                                                      django_assert_max_num_queries):
    for village in villages:
        services.create_branch(association_officer, village=village.unit)
    client.force_login(association_officer)
    client.get(reverse("association:commune", args=[dang_kang.pk]))  # computes the metrics once
    with django_assert_max_num_queries(25):
        assert client.get(reverse("association:commune", args=[dang_kang.pk])).status_code == 200
