"""Authoring by hand: documents, targets, tasks and the cascade to the communes (services and pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError
from apps.organisations.models import Organisation, OrganisationKind
from apps.plans import services
from apps.plans.models import Document, DocumentKind, Target, Task
from apps.plans.tests.test_views import PNG
from apps.plans.tests.test_views_common import client_for, english_client, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 1, 1)


@pytest.fixture
def associations(krong_bong, orgs):
    """A learning association in every 2025 commune of Krông Bông (the fixture has two)."""
    made = {}
    for commune in services.communes_below(krong_bong.district, ON):
        made[commune.code] = Organisation.objects.get_or_create(
            unit=commune, kind=OrganisationKind.ASSOCIATION,
            defaults={"name": f"Hội Khuyến học {commune.name.lower()}"})[0]
    return made


# --- services ------------------------------------------------------------------------------


def test_document_parent_that_closes_a_cycle_is_refused_on_the_parent(cascade, district_officer):
    with pytest.raises(DomainError) as refused:
        services.save_document(None, cascade["district"], parent=cascade["commune"])
    assert refused.value.column == "parent"
    cascade["district"].refresh_from_db()
    assert cascade["district"].parent == cascade["province"]


def test_save_document_with_an_attachment_is_all_or_nothing(cascade, district_officer, krong_bong):
    bad = SimpleUploadedFile("plan.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(DomainError) as refused:
        services.save_document(district_officer, None, number="12-KH/UBND", kind=DocumentKind.PLAN,
                               title="Kế hoạch 12", unit=krong_bong.district, parent=cascade["district"],
                               attachment=bad)
    assert refused.value.column == "file"
    assert not Document.objects.filter(number="12-KH/UBND").exists()


def test_central_document_needs_a_system_administrator(district_officer):
    with pytest.raises(PermissionDenied):
        services.save_document(district_officer, None, number="1-CT/TW", kind=DocumentKind.DIRECTIVE,
                               title="Chỉ thị", unit=None)


def test_recurring_task_gets_its_occurrences(cascade, orgs, krong_bong):
    task = services.save_task(None, cascade["district"], None, code="R1", title="Báo cáo quý",
                              unit=krong_bong.district, lead=orgs["district_pc"],
                              deadline=dt.date(2026, 3, 31), recurrence="quarterly",
                              until=dt.date(2026, 12, 31))
    assert list(task.subtasks.order_by("deadline").values_list("code", flat=True)) == [
        "R1-2026Q1", "R1-2026Q2", "R1-2026Q3", "R1-2026Q4"]
    assert task.deadline == dt.date(2026, 12, 31)


def test_task_without_lead_is_refused_on_the_lead(cascade, krong_bong):
    with pytest.raises(DomainError) as refused:
        services.save_task(None, cascade["district"], None, code="X", title="Không có đơn vị chủ trì",
                           unit=krong_bong.district, lead=None)
    assert refused.value.column == "lead"


def test_cascade_preview_names_each_commune_and_its_lead(world, krong_bong, district_officer):
    rows = services.cascade_preview(district_officer, world["district_task"], on=ON,
                                    lead_kind=OrganisationKind.ASSOCIATION)
    assert [row.commune.code for row in rows] == ["24448", "24454", "24478", "24481", "24484"]
    by_code = {row.commune.code: row for row in rows}
    assert by_code["24454"].existing == world["dk_open"]  # already there: kept
    assert by_code["24448"].lead is None  # no association registered there
    assert not Task.objects.filter(code="T4.24448").exists()  # a preview writes nothing


def test_cascade_preview_refuses_a_commune_task_and_other_units(world, commune_officer, neighbour_officer):
    with pytest.raises(DomainError) as refused:
        services.cascade_preview(None, world["dk_open"])
    assert refused.value.column == "unit"
    with pytest.raises(PermissionDenied):
        services.cascade_preview(commune_officer, world["district_task"])


# --- pages ---------------------------------------------------------------------------------


def test_commune_officer_creates_a_plan_under_the_district_plan(commune_officer, cascade, krong_bong):
    client = client_for(commune_officer)
    page = client.get(reverse("plans:document_create"), {"parent": cascade["district"].pk})
    assert page.status_code == 200
    parents = list(page.context["form"].fields["parent"].queryset.values_list("number", flat=True))
    assert "145-KH/HU" in parents and "01-KH/UBND-HS" not in parents  # only documents he may read
    response = client.post(reverse("plans:document_create"), {
        "number": "02-KH/UBND-DK", "kind": "plan", "title": "Kế hoạch xã Dang Kang năm 2027",
        "parent": cascade["district"].pk, "unit": krong_bong.new["24454"].pk, "date": "2026-11-20",
        "attachment": SimpleUploadedFile("ke-hoach.png", PNG, content_type="image/png"),
        "attachment_title": "Bản ký",
    })
    document = Document.objects.get(number="02-KH/UBND-DK")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:document", args=[document.pk])
    assert document.parent == cascade["district"] and document.created_by == commune_officer
    assert document.attachments.get().title == "Bản ký"
    assert AuditEntry.objects.filter(object_id=str(document.pk)).exists()
    detail = client.get(reverse("plans:document", args=[document.pk]))
    attachment = detail.context["attachments"][0]
    assert client.get(reverse("plans:document_attachment", args=[attachment.pk])).status_code == 200
    assert client_for_neighbour_gets_404(krong_bong, attachment.pk)


def client_for_neighbour_gets_404(krong_bong, attachment_pk: int) -> bool:
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    other = get_user_model().objects.create_user("hoason2", password="x")
    RoleAssignment.objects.create(user=other, role="commune_officer", unit=krong_bong.new["24481"])
    response = client_for(other).get(reverse("plans:document_attachment", args=[attachment_pk]))
    return response.status_code == 404


def test_document_form_shows_the_cycle_on_the_parent_field(district_officer, cascade):
    district = cascade["district"]
    response = client_for(district_officer).post(reverse("plans:document_edit", args=[district.pk]), {
        "number": district.number, "kind": district.kind, "title": district.title,
        "parent": cascade["commune"].pk, "unit": district.unit_id,
    })
    assert response.status_code == 400
    assert "circle" in " ".join(response.context["form"].errors["parent"])


def test_commune_officer_may_not_edit_the_district_plan_nor_a_viewer_create(commune_officer, district_viewer,
                                                                            cascade):
    assert client_for(commune_officer).get(
        reverse("plans:document_edit", args=[cascade["district"].pk])).status_code == 403
    assert client_for(district_viewer).get(reverse("plans:document_create")).status_code == 403
    assert client_for(district_viewer).get(
        reverse("plans:task_create", args=[cascade["district"].pk])).status_code == 403


def test_neighbour_gets_404_on_dang_kang_records(neighbour_officer, world):
    client = client_for(neighbour_officer)
    assert client.get(reverse("plans:task_edit", args=[world["dk_open"].pk])).status_code == 404
    assert client.get(reverse("plans:target_edit", args=[world["target"].pk])).status_code == 404
    commune_plan = world["cascade"]["commune"].pk
    assert client.get(reverse("plans:document_edit", args=[commune_plan])).status_code == 404
    assert client.get(reverse("plans:target_create", args=[commune_plan])).status_code == 404


def test_target_by_hand_and_bound_to_a_metric(commune_officer, world):
    client = client_for(commune_officer)
    page = client.get(reverse("plans:target_create", args=[world["plan"].pk]))
    metrics = dict(page.context["form"].fields["metric"].choices)
    assert "" in metrics and len(metrics) > 1
    metric = next(name for name in metrics if name)
    response = client.post(reverse("plans:target_create", args=[world["plan"].pk]), {
        "code": "M9.24454", "title": "Chỉ tiêu đo bằng số liệu", "unit": world["dang_kang"].pk,
        "metric": metric,
        "target_value": "0.8", "direction": "increase", "deadline": "2026-12-31",
        "organisation": world["orgs"]["dangkang_assoc"].pk,
    })
    target = Target.objects.get(code="M9.24454")
    assert response.status_code == 302 and target.metric == metric
    edit = client.post(reverse("plans:target_edit", args=[target.pk]), {
        "code": "CHANGED", "title": "Chỉ tiêu báo cáo tay", "unit": world["dang_kang"].pk, "metric": "",
        "target_value": "0.9", "baseline": "0.5", "direction": "increase", "deadline": "2026-12-31",
    })
    target.refresh_from_db()
    assert edit.status_code == 302
    assert (target.code, target.metric, target.target_value, target.baseline) == (
        "M9.24454", "", Decimal("0.9"), Decimal("0.5"))


def test_task_form_refuses_missing_lead_and_early_deadline_on_their_fields(commune_officer, world):
    client = client_for(commune_officer)
    commune_plan = world["cascade"]["commune"]  # dated 5/1/2026
    url = reverse("plans:task_create", args=[commune_plan.pk])
    base = {"code": "K1", "title": "Mở lớp xóa mù chữ", "unit": world["dang_kang"].pk}
    no_lead = client.post(url, {**base, "deadline": "2026-12-31"})
    assert no_lead.status_code == 400 and "lead" in no_lead.context["form"].errors
    early = client.post(url, {**base, "lead": world["orgs"]["dangkang_pc"].pk, "deadline": "2025-12-31"})
    assert early.status_code == 400 and "deadline" in early.context["form"].errors
    assert not Task.objects.filter(code="K1").exists()


def test_task_created_and_edited_with_coordinating_organisations_and_head(commune_officer, world):
    client = client_for(commune_officer)
    orgs = world["orgs"]
    url = reverse("plans:task_create", args=[world["plan"].pk]) + f"?parent={world['dk_open'].pk}"
    assert client.get(url).context["form"].initial["parent"] == world["dk_open"]
    response = client.post(url, {
        "code": "T4.24454.a", "title": "Đại hội chi hội", "unit": world["dang_kang"].pk,
        "lead": orgs["dangkang_assoc"].pk, "coordinating": [orgs["dangkang_pc"].pk],
        "accountable_head": "Chủ tịch Hội Khuyến học xã", "deadline": "2026-12-10",
        "parent": world["dk_open"].pk,
    })
    task = Task.objects.get(code="T4.24454.a")
    assert response.status_code == 302
    assert list(task.coordinating.all()) == [orgs["dangkang_pc"]] and task.parent == world["dk_open"]
    client.post(reverse("plans:task_edit", args=[task.pk]), {
        "code": "T4.24454.a", "title": "Đại hội chi hội (sửa)", "unit": world["dang_kang"].pk,
        "lead": orgs["dangkang_pc"].pk, "deadline": "2026-12-12", "parent": world["dk_open"].pk,
    })
    task.refresh_from_db()
    assert (task.title, task.lead, task.deadline) == ("Đại hội chi hội (sửa)", orgs["dangkang_pc"],
                                                      dt.date(2026, 12, 12))
    assert not task.coordinating.exists() and task.updated_by == commune_officer


def test_district_officer_previews_then_confirms_the_cascade(district_officer, world, associations):
    client = client_for(district_officer)
    url = reverse("plans:task_cascade", args=[world["district_task"].pk])
    task_page = client.get(reverse("plans:task", args=[world["district_task"].pk]))
    assert url in task_page.content.decode()
    options = {"lead_kind": "learning_association", "on": "2026-01-01", "deadline": "2026-12-01"}
    preview = client.get(url, options)
    assert preview.status_code == 200
    assert [row.commune.code for row in preview.context["rows"]] == ["24448", "24454", "24478", "24481",
                                                                      "24484"]
    assert preview.context["new"] == 3 and not preview.context["missing"]
    assert Task.objects.filter(parent=world["district_task"]).count() == 2  # nothing written yet
    confirm = client.post(url, options)
    assert confirm.status_code == 302
    subtasks = Task.objects.filter(parent=world["district_task"])
    assert subtasks.count() == 5
    made = subtasks.get(code="T4.24448")
    assert made.lead == associations["24448"] and made.deadline == dt.date(2026, 12, 1)
    assert made.created_by == district_officer


def test_cascade_with_a_commune_missing_its_lead_offers_no_confirmation(district_officer, world):
    client = client_for(district_officer)
    url = reverse("plans:task_cascade", args=[world["district_task"].pk])
    options = {"lead_kind": "learning_association", "on": "2026-01-01"}
    preview = client.get(url, options)
    assert [row.commune.code for row in preview.context["missing"]] == ["24448", "24478", "24484"]
    assert 'data-testid="cascade-confirm"' not in preview.content.decode()
    refused = client.post(url, options)
    assert refused.status_code == 400 and "lead_kind" in refused.context["form"].errors
    assert Task.objects.filter(parent=world["district_task"]).count() == 2


def test_cascade_page_is_for_district_tasks_and_their_officers(commune_officer, district_viewer,
                                                               district_officer, world):
    url = reverse("plans:task_cascade", args=[world["district_task"].pk])
    assert client_for(district_viewer).get(url).status_code == 403  # sees the task, may not change it
    assert client_for(commune_officer).get(url).status_code == 404  # does not see the district's task
    assert client_for(district_officer).get(
        reverse("plans:task_cascade", args=[world["dk_open"].pk])).status_code == 404
