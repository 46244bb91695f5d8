import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.core.errors import DomainError
from apps.plans import services
from apps.plans.models import Task


def test_commune_sees_its_tasks_and_the_documents_above_not_the_neighbours(
        commune_officer, cascade, orgs, krong_bong):
    mine = services.create_task(None, cascade["commune"], code="T1", title="Việc",
                                unit=krong_bong.new["24454"],
                                lead=orgs["dangkang_assoc"], deadline=dt.date(2026, 6, 30))
    theirs = services.create_task(None, cascade["neighbour"], code="T1", title="Việc",
                                  unit=krong_bong.new["24481"], lead=orgs["hoason_assoc"],
                                  deadline=dt.date(2026, 6, 30))
    documents = set(services.visible_documents(commune_officer).values_list("number", flat=True))
    assert documents == {"11-CT/TW", "122-KH/TU", "145-KH/HU", "01-KH/UBND-DK"}
    assert list(services.visible_tasks(commune_officer)) == [mine]
    with pytest.raises(Http404):
        services.get_task_for_user(commune_officer, theirs.pk)


def test_district_viewer_sees_both_communes(district_viewer, cascade):
    numbers = set(services.visible_documents(district_viewer).values_list("number", flat=True))
    assert {"01-KH/UBND-DK", "01-KH/UBND-HS", "145-KH/HU"} <= numbers


def test_roleless_user_sees_nothing(roleless_user, cascade):
    assert not services.visible_documents(roleless_user).exists()
    assert not services.visible_tasks(roleless_user).exists()


def test_neighbour_may_not_add_a_task_in_dang_kang(neighbour_officer, cascade, orgs, krong_bong):
    with pytest.raises(PermissionDenied):
        services.create_task(neighbour_officer, cascade["commune"], code="T9", title="X",
                             unit=krong_bong.new["24454"], lead=orgs["dangkang_pc"],
                             deadline=dt.date(2026, 5, 1))
    assert not Task.objects.exists()


def test_task_without_lead_is_refused(commune_officer, cascade, krong_bong):
    with pytest.raises(DomainError) as error:
        services.create_task(commune_officer, cascade["commune"], code="T1", title="X",
                             unit=krong_bong.new["24454"], lead=None, deadline=dt.date(2026, 5, 1))
    assert error.value.column == "lead"


def test_deadline_before_the_document_is_refused(commune_officer, cascade, orgs, krong_bong):
    with pytest.raises(DomainError) as error:
        services.create_task(commune_officer, cascade["commune"], code="T1", title="X",
                             unit=krong_bong.new["24454"], lead=orgs["dangkang_pc"],
                             deadline=dt.date(2025, 12, 1))
    assert error.value.column == "deadline"


def test_cycle_in_the_cascade_is_refused(cascade):
    with pytest.raises(DomainError) as error:
        services.update_document(None, cascade["directive"], parent=cascade["commune"])
    assert error.value.column == "parent"
