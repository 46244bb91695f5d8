"""A commune officer imports a survey file, fixes its errors, and prints the PCGD–XMC report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[2] / "apps" / "people" / "tests" / "data" / "people-2026-sample.csv"


def _dang_kang_rows() -> list[str]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [lines[0], *[line for line in lines[1:] if line.startswith("24454,")]]


def _upload(page, live_server, tmp_path: Path, name: str, lines: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.goto(f"{live_server.url}/people/import/")
    page.set_input_files("input[type=file]", str(path))
    page.fill("input[name=year]", "2026")
    page.check("input[name=create_villages]")
    page.click("[data-testid=import-form] button[type=submit]")
    status = page.locator("[data-testid=import-job-status]")
    status.wait_for()
    page.wait_for_function(
        "() => ['done','rejected','failed'].includes("
        "document.querySelector('[data-testid=import-job-status]').dataset.state)",
        timeout=60000,
    )
    return page.get_attribute("[data-testid=import-job-status]", "data-state")


def test_officer_imports_fixes_and_prints_the_report(
    page, live_server, commune_officer, krong_bong, tmp_path
):
    rows = _dang_kang_rows()
    broken = list(rows)
    fields = broken[2].split(",")
    fields[6] = "X"  # sex
    broken[2] = ",".join(fields)

    login(page, live_server, "dangkang", "demo-pass-123")
    assert _upload(page, live_server, tmp_path, "dang-kang-loi.csv", broken) == "rejected"
    errors = page.inner_text("[data-testid=import-errors]")
    assert "3" in errors and "sex" in errors
    assert page.is_visible("[data-testid=invalid-rows]")

    assert _upload(page, live_server, tmp_path, "dang-kang.csv", rows) == "done"
    counts = page.inner_text("[data-testid=import-counts]")
    assert str(len(rows) - 1) in counts

    dang_kang = krong_bong.new["24454"]
    page.goto(f"{live_server.url}/pcgd/communes/{dang_kang.pk}/2026/")
    body = page.inner_text("main")
    assert "Xã Dang Kang" in body and "Phổ cập giáo dục tiểu học" in body

    response = page.request.get(f"{live_server.url}/pcgd/reports/{dang_kang.pk}/2026.pdf")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"
