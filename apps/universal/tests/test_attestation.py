"""The checklist of non-quantitative conditions: data file, attestations, evidence, pages."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.core.errors import DomainError, ImportFailed
from apps.universal import attestation
from apps.universal.attestation import Entry, save_checklist
from apps.universal.models import MAX_EVIDENCE_BYTES, Attestation

YEAR = 2026
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "giao-vien.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def every_condition_met() -> list[Entry]:
    return [Entry(c.id, True) for c in attestation.checklist_for(YEAR).conditions]


# ----------------------------------------------------------------------------- the data file


def test_every_condition_of_the_data_file_has_an_article_both_wordings_and_a_note():
    data = json.loads((attestation.RULESETS_DIR / "conditions-nd20-2014.json").read_text(encoding="utf-8"))
    ids = [item["id"] for item in data["conditions"]]
    assert len(ids) == len(set(ids))
    for item in data["conditions"]:
        assert item["article"] and item["vi"] and item["en"], item["id"]
        assert "to be checked against the text" in item["note"], item["id"]
        assert item["standard"] in {*attestation.STANDARDS, attestation.GENERAL}
        assert set(item["levels"]) <= {1, 2, 3}


def test_every_standard_and_level_has_conditions_to_attest():
    checklist = attestation.checklist_for(YEAR)
    for standard, top in attestation.STANDARDS.items():
        for level in range(1, top + 1):
            own = [c for c in checklist.conditions if c.standard == standard and level in c.levels]
            assert own, (standard, level)


def test_no_checklist_before_the_decree_came_into_force():
    with pytest.raises(DomainError):
        attestation.checklist_for(2010)


# ----------------------------------------------------------------------------- the service


def test_officer_attests_a_condition_with_a_pdf_and_the_change_is_audited(krong_bong, commune_officer):
    dang_kang = krong_bong.new["24454"]
    save_checklist(dang_kang, YEAR, [Entry("mn5.teachers", True, "  Đủ 12 giáo viên  ", pdf())],
                   user=commune_officer)
    item = Attestation.objects.get(commune=dang_kang, year=YEAR, condition_id="mn5.teachers")
    assert item.met and item.note == "Đủ 12 giáo viên"
    assert item.attested_by == commune_officer and item.attested_at is not None
    assert item.evidence.file.name.endswith(".pdf") and item.evidence.original_name == "giao-vien.pdf"
    assert item.evidence.file.read() == PDF and item.evidence.size == len(PDF)
    entry = AuditEntry.objects.get(model="universal.Attestation", object_id=str(item.pk))
    assert entry.action == AuditEntry.Action.CREATE and entry.unit_path == dang_kang.path


def test_an_unchanged_condition_keeps_who_attested_it_and_when(krong_bong, commune_officer, admin_user_):
    dang_kang = krong_bong.new["24454"]
    save_checklist(dang_kang, YEAR, [Entry("records", True, "ok")], user=commune_officer)
    first = Attestation.objects.get(condition_id="records")
    saved = save_checklist(dang_kang, YEAR, [Entry("records", True, "ok"), Entry("mn5.network", False),
                                             Entry("mn5.classrooms", False, "thiếu 2 phòng")],
                           user=admin_user_)
    again = Attestation.objects.get(condition_id="records")
    assert [a.condition_id for a in saved] == ["mn5.classrooms"]  # an empty "not met" states nothing
    assert again.attested_by == commune_officer and again.attested_at == first.attested_at


def test_evidence_of_another_type_is_refused_naming_the_row_and_nothing_is_written(
    krong_bong, commune_officer
):
    dang_kang = krong_bong.new["24454"]
    entries = [Entry("mn5.teachers", True, evidence=pdf()),
               Entry("mn5.network", True, evidence=pdf("bang-ke.docx", b"PK\x03\x04"))]
    with pytest.raises(ImportFailed) as failure:
        save_checklist(dang_kang, YEAR, entries, user=commune_officer)
    [error] = failure.value.errors
    assert (error.row, error.column) == (2, "evidence")
    assert "PDF, JPG" in error.english and "PDF, JPG" in error.bilingual()
    assert not Attestation.objects.exists()


def test_a_renamed_file_whose_content_is_not_a_pdf_is_refused(krong_bong, commune_officer):
    with pytest.raises(ImportFailed) as failure:
        save_checklist(krong_bong.new["24454"], YEAR,
                       [Entry("records", True, evidence=pdf("scan.pdf", b"<html>not a scan</html>"))],
                       user=commune_officer)
    assert "is not a PDF file" in failure.value.errors[0].english


def test_evidence_larger_than_10_mb_is_refused_and_a_png_is_accepted(krong_bong, commune_officer):
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * MAX_EVIDENCE_BYTES, content_type="image/png")
    with pytest.raises(ImportFailed) as failure:
        save_checklist(krong_bong.new["24454"], YEAR, [Entry("records", True, evidence=big)],
                       user=commune_officer)
    assert "larger than 10 MB" in failure.value.errors[0].english
    small = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    save_checklist(krong_bong.new["24454"], YEAR, [Entry("records", True, evidence=small)],
                   user=commune_officer)
    assert Attestation.objects.get().evidence.file.name.endswith(".png")


def test_an_unknown_condition_is_refused(krong_bong, commune_officer):
    with pytest.raises(ImportFailed) as failure:
        save_checklist(krong_bong.new["24454"], YEAR, [Entry("mn5.swimming_pool", True)],
                       user=commune_officer)
    assert failure.value.errors[0].column == "condition_id"


@pytest.mark.parametrize("persona", ["district_viewer", "neighbour_officer", "roleless_user"])
def test_only_an_officer_of_the_commune_may_attest(request, krong_bong, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        save_checklist(krong_bong.new["24454"], YEAR, [Entry("records", True)], user=user)
    assert not Attestation.objects.exists()


def test_a_commune_attests_only_the_years_of_its_map(krong_bong, commune_officer):
    with pytest.raises(DomainError):
        save_checklist(krong_bong.new["24454"], 2024, [Entry("records", True)], user=commune_officer)
    # the officer of the new commune covers the legacy communes merged into it
    save_checklist(krong_bong.legacy["24451"], 2024, [Entry("records", True)], user=commune_officer)
    assert Attestation.objects.get().commune == krong_bong.legacy["24451"]


def test_the_attested_level_needs_every_condition_up_to_it(krong_bong, commune_officer):
    dang_kang = krong_bong.new["24454"]
    checklist = attestation.checklist_for(YEAR)
    level_1 = [Entry(c.id, True) for c in checklist.conditions if 1 in c.levels]
    save_checklist(dang_kang, YEAR, level_1, user=commune_officer)
    # primary levels 2 and 3 have conditions of their own (two sessions a day, library)
    assert attestation.attested_levels([dang_kang], YEAR)[dang_kang.pk] == {
        "mn5": 1, "primary": 1, "lower_secondary": 3, "literacy": 2}
    save_checklist(dang_kang, YEAR, every_condition_met(), user=commune_officer)
    standards, _general = attestation.checklist_status(dang_kang, YEAR)
    assert {block.standard: block.attested_level for block in standards} == {
        "mn5": 1, "primary": 3, "lower_secondary": 3, "literacy": 2}
    save_checklist(dang_kang, YEAR, [Entry("records", False)], user=commune_officer)
    assert set(attestation.attested_levels([dang_kang], YEAR)[dang_kang.pk].values()) == {0}


# ----------------------------------------------------------------------------- the page


def url(krong_bong, year: int = YEAR) -> str:
    return reverse("universal:checklist", args=[krong_bong.new["24454"].pk, year])


def post_data(**extra) -> dict:
    statuses = [c for c in attestation.checklist_for(YEAR).conditions]
    data = {f"c{index}-note": "" for index in range(len(statuses))}
    data.update(extra)
    return data


def test_officer_ticks_conditions_with_evidence_on_the_page(client, krong_bong, commune_officer):
    client.force_login(commune_officer)
    page = client.get(url(krong_bong))
    assert page.status_code == 200 and b'type="file"' in page.content
    order = [s.condition.id for block in attestation.checklist_status(krong_bong.new["24454"], YEAR)[0]
             for s in block.items]
    index = order.index("mn5.teachers")
    response = client.post(url(krong_bong), post_data(**{f"c{index}-met": "on",
                                                         f"c{index}-note": "Đủ giáo viên",
                                                         f"c{index}-evidence": pdf()}))
    assert response.status_code == 302
    item = Attestation.objects.get(condition_id="mn5.teachers")
    assert item.met and item.note == "Đủ giáo viên" and item.evidence
    assert Attestation.objects.count() == 1  # the rows left empty stay "not attested"
    download = client.get(reverse("universal:evidence", args=[item.evidence_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_bad_file_on_the_page_is_shown_on_its_row_and_nothing_is_saved(client, krong_bong,
                                                                         commune_officer):
    client.force_login(commune_officer)
    response = client.post(url(krong_bong), post_data(**{"c0-met": "on",
                                                         "c0-evidence": pdf("x.exe", b"MZ")}))
    assert response.status_code == 200
    assert "PDF, JPG" in response.content.decode()
    assert not Attestation.objects.exists()


def test_viewer_above_reads_the_checklist_without_a_form_and_cannot_post(client, krong_bong,
                                                                         commune_officer, district_viewer):
    save_checklist(krong_bong.new["24454"], YEAR, [Entry("records", True, evidence=pdf())],
                   user=commune_officer)
    client.force_login(district_viewer)
    page = client.get(url(krong_bong))
    assert page.status_code == 200
    assert b'type="file"' not in page.content and b'type="checkbox"' not in page.content
    assert client.post(url(krong_bong), post_data(**{"c0-met": "on"})).status_code == 403
    item = Attestation.objects.get()
    assert client.get(reverse("universal:evidence", args=[item.evidence_id])).status_code == 200


def test_neighbour_sees_neither_the_checklist_nor_the_evidence(client, krong_bong, commune_officer,
                                                                neighbour_officer):
    save_checklist(krong_bong.new["24454"], YEAR, [Entry("records", True, evidence=pdf())],
                   user=commune_officer)
    client.force_login(neighbour_officer)
    assert client.get(url(krong_bong)).status_code == 403
    evidence = reverse("universal:evidence", args=[Attestation.objects.get().evidence_id])
    assert client.get(evidence).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(client, krong_bong):
    response = client.get(url(krong_bong))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_checklist_of_a_year_outside_the_commune_map_is_refused(client, krong_bong, commune_officer):
    client.force_login(commune_officer)
    assert client.get(url(krong_bong, 2024)).status_code == 403
