"""The scorecard exports open (XLSX with openpyxl, PDF bytes) and carry the domain's figures."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.plans.scorecard import scorecard
from apps.plans.tests.test_views_common import AS_OF, client_for, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _rows_of(workbook) -> dict[str, list]:
    """Organisation name → the row's values after the organisation column (the third)."""
    found = {}
    for row in workbook.active.iter_rows(values_only=True):
        if isinstance(row[0], int) and isinstance(row[2], str):
            found[row[2].split(" (")[0]] = list(row[3:])
    return found


def test_xlsx_figures_equal_the_domain_scorecard(district_viewer, world):
    response = client_for(district_viewer).get(
        reverse("plans:scorecard_export", args=[2026, "xlsx"]), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    rows = _rows_of(workbook)
    expected = scorecard(district_viewer, 2026, as_of=AS_OF)
    assert set(rows) == {row.organisation.name for row in expected}
    for row in expected:
        values = rows[row.organisation.name]
        # head, tasks on time/late/overdue/in progress, targets met/missed, recommendations, score
        assert values[1:9] == [row.tasks_on_time, row.tasks_late, row.tasks_overdue, row.tasks_in_progress,
                               row.targets_met, row.targets_missed, row.recommendations_resolved,
                               row.recommendations_open]
        assert values[9] == (str(row.score).replace(".", ",") if row.score is not None else "—")
    title = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row
             if isinstance(cell, str) and cell.startswith("BẢNG TỔNG HỢP")]
    assert title == ["BẢNG TỔNG HỢP, XẾP HẠNG KẾT QUẢ THỰC HIỆN NHIỆM VỤ, CHỈ TIÊU NĂM 2026"]


def test_pdf_is_a_pdf(commune_officer, world):
    response = client_for(commune_officer).get(reverse("plans:scorecard_export", args=[2026, "pdf"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "bang-xep-hang-2026" in response["Content-Disposition"]


def test_neighbour_export_holds_only_his_commune(neighbour_officer, world):
    response = client_for(neighbour_officer).get(
        reverse("plans:scorecard_export", args=[2026, "xlsx"]), {"as_of": AS_OF.isoformat()})
    assert set(_rows_of(load_workbook(io.BytesIO(response.content)))) == {"Hội Khuyến học xã Hòa Sơn"}


def test_unknown_format_is_404(commune_officer, world):
    response = client_for(commune_officer).get(reverse("plans:scorecard_export", args=[2026, "doc"]))
    assert response.status_code == 404
