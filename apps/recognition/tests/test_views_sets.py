"""Criteria-set pages: list, detail (document, illustrative label), export, import and the editor."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import RoleAssignment
from apps.recognition import services
from apps.recognition.models import CriteriaSet
from apps.recognition.tests.conftest import SMALL_SET
from apps.recognition.tests.test_views_support import english_interface  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_officer(krong_bong):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("sogd", password="demo-pass-123")
    RoleAssignment.objects.create(user=user, role="province_officer", unit=krong_bong.province)
    return user


def provincial(province, code: str = "gdht-dak-lak") -> dict:
    data = copy.deepcopy(SMALL_SET)
    data.update(code=code, unit=province.code, is_illustrative=False, name="Gia đình học tập (Đắk Lắk)")
    return data


def test_the_list_and_the_detail_label_an_illustrative_set(client, commune_officer, criteria_set):
    client.force_login(commune_officer)
    listing = client.get(reverse("recognition:sets")).content.decode()
    assert criteria_set.name in listing and 'data-testid="illustrative"' in listing
    detail = client.get(reverse("recognition:set", args=[criteria_set.pk])).content.decode()
    assert 'data-testid="illustrative-notice"' in detail and "TEST/2026" in detail
    assert "computed from the registry" in detail
    # A commune officer neither imports nor edits.
    assert 'data-testid="set-import"' not in listing
    assert client.get(reverse("recognition:set_edit", args=[criteria_set.pk])).status_code == 403


def test_an_official_set_shows_its_document_without_the_illustrative_label(client, commune_officer):
    data = copy.deepcopy(SMALL_SET)
    data.update(code="gdht-official", is_illustrative=False,
                document={"number": "448/QĐ-KHVN", "issuer": "Hội Khuyến học Việt Nam", "date": "2015-12-01"})
    official = services.load_criteria_set(data)
    client.force_login(commune_officer)
    page = client.get(reverse("recognition:set", args=[official.pk])).content.decode()
    assert "448/QĐ-KHVN" in page and "Hội Khuyến học Việt Nam" in page
    assert 'data-testid="illustrative"' not in page


def test_the_export_reads_back_as_the_same_set(client, commune_officer, criteria_set):
    client.force_login(commune_officer)
    as_yaml = client.get(reverse("recognition:set_export", args=[criteria_set.pk, "yaml"]))
    as_json = client.get(reverse("recognition:set_export", args=[criteria_set.pk, "json"]))
    assert yaml.safe_load(as_yaml.content)["code"] == "gdht-test"
    assert json.loads(as_json.content)["total_points"] == 40


def test_a_province_officer_imports_a_set_of_the_province(client, province_officer, krong_bong):
    client.force_login(province_officer)
    upload = SimpleUploadedFile("dak-lak.yaml", yaml.safe_dump(provincial(krong_bong.province),
                                                               allow_unicode=True).encode())
    response = client.post(reverse("recognition:set_import"), {"file": upload})
    criteria_set = CriteriaSet.objects.get(code="gdht-dak-lak")
    assert response["Location"] == reverse("recognition:set", args=[criteria_set.pk])
    assert criteria_set.unit == krong_bong.province or criteria_set.unit.code == krong_bong.province.code


def test_an_import_whose_maxima_do_not_add_up_is_refused_whole(client, admin_user_, krong_bong):
    data = provincial(krong_bong.province)
    data["total_points"] = 50
    data["pass_rule"]["required"] = ["9z"]
    client.force_login(admin_user_)
    upload = SimpleUploadedFile("bad.json", json.dumps(data).encode())
    response = client.post(reverse("recognition:set_import"), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "Nothing was saved" in page and "9z" in page
    assert not CriteriaSet.objects.filter(code="gdht-dak-lak").exists()


def test_a_commune_officer_cannot_import(client, commune_officer, krong_bong):
    client.force_login(commune_officer)
    upload = SimpleUploadedFile("x.yaml", yaml.safe_dump(provincial(krong_bong.province)).encode())
    assert client.post(reverse("recognition:set_import"), {"file": upload}).status_code == 403


def test_the_editor_saves_a_valid_change_and_refuses_a_bad_one(client, province_officer, krong_bong):
    criteria_set = services.load_criteria_set(provincial(krong_bong.province))
    client.force_login(province_officer)
    url = reverse("recognition:set_edit", args=[criteria_set.pk])
    text = client.get(url).context["form"].initial["content"]
    bad = text.replace("total_points: 40", "total_points: 45")
    refused = client.post(url, {"content": bad})
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    good = text.replace("Gia đình học tập (Đắk Lắk)", "Gia đình học tập (Đắk Lắk, sửa)")
    assert client.post(url, {"content": good}).status_code == 302
    criteria_set.refresh_from_db()
    assert criteria_set.name == "Gia đình học tập (Đắk Lắk, sửa)"


def test_the_neighbouring_province_set_is_not_found(client, commune_officer, krong_bong):
    from apps.places.models import Unit, UnitKind

    other = Unit.objects.filter(kind=UnitKind.PROVINCE).exclude(path__startswith=krong_bong.province.path)
    other = other.exclude(code=krong_bong.province.code).first()
    if other is None:
        pytest.skip("The test map has a single province.")
    criteria_set = services.load_criteria_set(provincial(other, "gdht-other"))
    client.force_login(commune_officer)
    assert client.get(reverse("recognition:set", args=[criteria_set.pk])).status_code == 404
