"""Inspections, recommendations that become follow-up tasks, obstacles; progress and cascade services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import DomainError
from apps.plans import services
from apps.plans.models import ProgressUpdate, Task


@pytest.fixture
def visit(cascade, orgs):
    return services.record_inspection(None, subject=orgs["dangkang_assoc"], date=dt.date(2026, 8, 1),
                                      team="Đoàn kiểm tra", findings="…", document=cascade["district"])


def test_recommendation_becomes_a_follow_up_task_resolved_by_its_completion(visit, commune_officer, orgs):
    recommendation = services.add_recommendation(commune_officer, visit, text="Bổ sung sổ hội viên",
                                                 deadline=dt.date(2026, 9, 30))
    task = recommendation.follow_up
    assert (task.lead, task.unit, task.document.number) == (orgs["dangkang_assoc"], visit.unit, "145-KH/HU")
    services.report_progress(commune_officer, task, on=dt.date(2026, 9, 20), text="Xong", completed=True)
    recommendation.refresh_from_db()
    assert recommendation.resolved_on == dt.date(2026, 9, 20)
    assert task.updates.get().percent == 100


def test_neighbour_cannot_report_on_dang_kang(visit, neighbour_officer):
    task = services.add_recommendation(None, visit, text="X", deadline=dt.date(2026, 9, 30)).follow_up
    with pytest.raises(PermissionDenied):
        services.report_progress(neighbour_officer, task, on=dt.date(2026, 9, 1), text="…")
    assert not ProgressUpdate.objects.exists()


def test_future_dates_are_refused(visit, commune_officer):
    task = services.add_recommendation(None, visit, text="X", deadline=dt.date(2026, 9, 30)).follow_up
    with pytest.raises(DomainError) as error:
        services.complete_task(commune_officer, task, dt.date(2099, 1, 1))
    assert error.value.column == "completed_on"


def test_attachment_must_be_a_pdf_or_image(visit, commune_officer):
    task = services.add_recommendation(None, visit, text="X", deadline=dt.date(2026, 9, 30)).follow_up
    with pytest.raises(DomainError) as error:
        services.report_progress(commune_officer, task, on=dt.date(2026, 9, 1), text="…",
                                 attachment=SimpleUploadedFile("x.exe", b"MZ..."))
    assert error.value.column == "attachment"


def test_obstacle_escalated_is_resolved_by_the_higher_body(orgs, commune_officer, district_viewer,
                                                            krong_bong):
    from apps.accounts.models import RoleAssignment

    obstacle = services.raise_obstacle(commune_officer, raised_by=orgs["dangkang_assoc"],
                                       description="Thiếu kinh phí", raised_on=dt.date(2026, 8, 1))
    services.escalate_obstacle(commune_officer, obstacle, to=orgs["district_pc"], on=dt.date(2026, 8, 5))
    RoleAssignment.objects.create(user=district_viewer, role="district_officer", unit=krong_bong.district)
    district_viewer.__dict__.pop("_scope_cache", None)
    services.resolve_obstacle(district_viewer, obstacle, on=dt.date(2026, 9, 1), resolution="Đã cấp")
    assert obstacle.resolved_on == dt.date(2026, 9, 1)
    with pytest.raises(DomainError):
        services.resolve_obstacle(None, obstacle, on=dt.date(2026, 7, 1))


def test_cascade_makes_one_task_per_2025_commune_of_the_former_district(cascade, orgs, krong_bong):
    for code in ("24448", "24478", "24484"):
        commune = krong_bong.new[code]
        orgs[code] = services.Organisation.objects.create(unit=commune, name=f"UBND {commune.name}",
                                                          kind="peoples_committee")
    task = services.create_task(None, cascade["district"], code="T1", title="Việc",
                                unit=krong_bong.district, lead=orgs["district_pc"],
                                deadline=dt.date(2026, 6, 30))
    made = services.cascade_task(None, task, on=dt.date(2026, 1, 1))
    assert sorted(t.code for t in made) == ["T1.24448", "T1.24454", "T1.24478", "T1.24481", "T1.24484"]
    assert all(t.lead.kind == "peoples_committee" and t.deadline == task.deadline for t in made)
    assert services.cascade_task(None, task, on=dt.date(2026, 1, 1)) == made  # again: nothing new


def test_cascade_names_the_commune_without_a_lead(cascade, orgs, krong_bong):
    task = services.create_task(None, cascade["district"], code="T1", title="Việc",
                                unit=krong_bong.district, lead=orgs["district_pc"],
                                deadline=dt.date(2026, 6, 30))
    with pytest.raises(DomainError) as error:
        services.cascade_task(None, task, on=dt.date(2026, 1, 1))
    assert "Xã Krông Bông" in error.value.english
    assert not Task.objects.filter(parent=task).exists()


def test_task_list_and_summary_take_a_fixed_number_of_queries(cascade, orgs, krong_bong, commune_officer,
                                                              django_assert_max_num_queries):
    for index in range(20):
        services.create_task(None, cascade["commune"], code=f"T{index}", title="Việc",
                             unit=krong_bong.new["24454"], lead=orgs["dangkang_pc"],
                             deadline=dt.date(2026, 6, index % 28 + 1))
    services.visible_tasks(commune_officer).exists()  # the scope is computed once per user
    with django_assert_max_num_queries(2):
        rows = [(t.code, t.status, t.lead.name, t.unit.name) for t in
                services.tasks_as_of(commune_officer, dt.date(2026, 6, 15))]
        services.task_summary(services.visible_tasks(commune_officer), dt.date(2026, 6, 15))
    assert len(rows) == 20
