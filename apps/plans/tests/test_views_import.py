"""The upload page imports a plan file all or nothing and lists its errors by path and field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.plans.models import Document, Task
from apps.plans.tests.test_views_common import client_for

pytestmark = pytest.mark.django_db

PLAN = """\
on: 2026-01-01
document: {number: "02-KH/HKH-DK", kind: plan, issuer: "Hội Khuyến học xã Dang Kang",
           date: 2026-01-10, title: "Kế hoạch khuyến học năm 2026 của xã Dang Kang", parent: "145-KH/HU",
           unit: "24454"}
tasks:
  - {code: K1, title: "Kiện toàn chi hội thôn, buôn", lead: "Hội Khuyến học xã Dang Kang", unit: "24454",
     deadline: 2026-06-30}
  - {code: K2, title: "Tuyên truyền", lead: "LEAD", unit: "24454", deadline: 2026-09-30}
"""


def _upload(client, text: str, name: str = "ke-hoach.yaml", **extra):
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/x-yaml")
    return client.post(reverse("plans:import"), {"file": upload, **extra})


def test_a_wrong_file_writes_nothing_and_names_the_path(commune_officer, cascade, orgs):
    response = _upload(client_for(commune_officer), PLAN.replace("LEAD", "Hội Không Tồn Tại"))
    assert response.status_code == 400
    assert any(where == "tasks[2].lead" for where, _message in response.context["errors"])
    assert not Document.objects.filter(number="02-KH/HKH-DK").exists()
    assert not Task.objects.exists()


def test_a_good_file_is_imported_by_the_commune_officer(commune_officer, cascade, orgs):
    response = _upload(client_for(commune_officer), PLAN.replace("LEAD", "Ủy ban nhân dân xã Dang Kang"))
    assert response.status_code == 200, response.context["errors"]
    document = Document.objects.get(number="02-KH/HKH-DK")
    assert document.parent == cascade["district"]
    assert set(Task.objects.filter(document=document).values_list("code", flat=True)) == {"K1", "K2"}
    assert "02-KH/HKH-DK" in response.content.decode()


def test_neighbour_may_not_import_into_dang_kang(neighbour_officer, cascade, orgs):
    response = _upload(client_for(neighbour_officer), PLAN.replace("LEAD", "Ủy ban nhân dân xã Dang Kang"))
    assert response.status_code == 400
    assert not Document.objects.filter(number="02-KH/HKH-DK").exists()


def test_only_yaml_and_json_files_are_taken(commune_officer, cascade):
    response = _upload(client_for(commune_officer), "x", name="ke-hoach.xlsx")
    assert response.status_code == 400 and "file" in response.context["form"].errors
