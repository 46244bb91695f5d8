"""The association's metrics: villages with a branch, members over population, organisation branches."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.association import metrics, services
from apps.association.tests.helpers import NAME_CONSENT, PERSON_CONSENT
from apps.metrics import services as metric_services
from apps.metrics.registry import get_metric

YEAR = 2026


def compute(name: str, year: int = YEAR) -> dict:
    return get_metric(name).compute(str(year))


def test_the_metrics_are_registered():
    for name in (metrics.VILLAGE_SHARE, metrics.MEMBER_SHARE, metrics.ORGANISATION_BRANCHES):
        assert get_metric(name).label


def test_share_of_villages_with_an_active_branch(association_officer, villages, dang_kang, krong_bong):
    thon1, thon2, _buon = (village.unit for village in villages)
    services.create_branch(association_officer, village=thon1, founded_on="2019-01-01")
    gone = services.create_branch(association_officer, village=thon2, founded_on="2019-01-01")
    services.dissolve_branch(association_officer, gone, on="2026-03-01")
    values = compute(metrics.VILLAGE_SHARE)
    assert (values[dang_kang.pk].num, values[dang_kang.pk].den) == (1, 3)
    assert (values[krong_bong.province.pk].num, values[krong_bong.province.pk].den) == (1, 3)
    assert values[thon1.pk].num == 1 and values[thon2.pk].num == 0
    # Thôn 2 still had its branch at the end of 2025.
    assert compute(metrics.VILLAGE_SHARE, 2025)[dang_kang.pk].num == 2
    # Before the reform the new communes were not in force: no figures for them.
    assert dang_kang.pk not in compute(metrics.VILLAGE_SHARE, 2024)


def test_a_person_in_two_branches_is_counted_once(association_officer, villages, dang_kang, school,
                                                  krong_bong):
    thon1, thon2 = villages[0].unit, villages[1].unit
    village_branch = services.create_branch(association_officer, village=thon1)
    school_branch = services.create_branch(association_officer, organisation=school)
    other_branch = services.create_branch(association_officer, village=thon2)
    teacher = villages[0].persons[0]
    services.add_member(association_officer, village_branch, YEAR, person=teacher, consents=PERSON_CONSENT)
    services.add_member(association_officer, school_branch, YEAR, person=teacher, consents=PERSON_CONSENT)
    services.add_member(association_officer, village_branch, YEAR, person=villages[0].persons[1],
                        consents=PERSON_CONSENT)
    services.add_member(association_officer, village_branch, YEAR, full_name="Y Moan Niê",
                        consents=NAME_CONSENT)
    services.set_reported_count(association_officer, other_branch, YEAR, 2)
    services.add_member(association_officer, village_branch, YEAR - 1, person=villages[0].persons[2],
                        consents=PERSON_CONSENT)

    values = compute(metrics.MEMBER_SHARE)
    commune = values[dang_kang.pk]
    # 2 persons (the teacher once) + 1 name + 2 reported, over 6 present (one moved away).
    assert (commune.num, commune.den) == (5, 6)
    assert commune.data == {"persons": 2, "named_only": 1, "reported": 2}
    assert (values[krong_bong.province.pk].num, values[krong_bong.province.pk].den) == (5, 6)
    assert (values[thon1.pk].num, values[thon1.pk].den) == (3, 4)
    assert (values[thon2.pk].num, values[thon2.pk].den) == (2, 2)


def test_branches_in_organisations_by_type(association_officer, school, dang_kang, krong_bong, villages):
    from apps.organisations.models import Organisation, OrganisationKind

    clinic = Organisation.objects.create(unit=dang_kang, name="Trạm Y tế xã Dang Kang",
                                         kind=OrganisationKind.HOSPITAL)
    services.create_branch(association_officer, organisation=school)
    services.create_branch(association_officer, organisation=clinic)
    services.create_branch(association_officer, village=villages[0].unit)
    values = compute(metrics.ORGANISATION_BRANCHES)
    assert values[dang_kang.pk].num == 2
    assert values[dang_kang.pk].data == {"by_type": {"school": 1, "hospital": 1}}
    assert values[krong_bong.new["24481"].pk].num == 0
    assert villages[0].unit.pk not in values


def test_metrics_take_a_fixed_number_of_queries(association_officer, villages, school):
    services.create_branch(association_officer, village=villages[0].unit)
    # The units; the villages with their branch; the villages per commune.
    # The units; the organisation branches per unit and type.
    # The units; members per branch unit; distinct persons per level (one UNION ALL query);
    # reported numbers per branch unit; persons per commune and the two queries of the roll-up
    # up the tree; persons per village. None depends on the number of units, branches or
    # persons (test_metrics_rollup.py compares 3 and 30 villages).
    expected = {metrics.VILLAGE_SHARE: 3, metrics.ORGANISATION_BRANCHES: 2, metrics.MEMBER_SHARE: 8}
    for name, count in expected.items():
        with CaptureQueriesContext(connection) as queries:
            compute(name)
        assert len(queries) == count, name


@pytest.mark.django_db(transaction=False)
def test_a_new_member_makes_the_cached_figure_change(association_officer, villages, dang_kang):
    branch = services.create_branch(association_officer, village=villages[0].unit)
    before = metric_services.values(metrics.MEMBER_SHARE, YEAR)[dang_kang.pk]
    assert before.num == 0
    services.add_member(association_officer, branch, YEAR, person=villages[0].persons[0],
                        consents=PERSON_CONSENT)
    metric_services.recompute_stale()
    assert metric_services.values(metrics.MEMBER_SHARE, YEAR)[dang_kang.pk].num == 1
