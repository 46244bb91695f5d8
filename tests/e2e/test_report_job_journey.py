"""A district viewer downloads the district's PCGD–XMC report: built by a background job, then fetched."""

from __future__ import annotations

import pytest

from apps.universal.tests.test_views_support import build_dang_kang, build_legacy_2024
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_district_viewer_waits_for_the_report_and_downloads_it(
    page, live_server, district_viewer, krong_bong
):
    build_dang_kang(krong_bong.new["24454"])
    build_legacy_2024(krong_bong)
    login(page, live_server, "krongbong", "demo-pass-123")

    page.goto(f"{live_server.url}/pcgd/?unit={krong_bong.district.pk}&year=2024")
    page.click("[data-testid=download-pdf]")
    page.wait_for_url("**/reports/*/")
    status = page.locator("[data-testid=report-job-status]")
    status.wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=report-job-status]').dataset.state === 'done'",
        timeout=60000)
    with page.expect_download() as download:
        page.click("[data-testid=report-download]")
    path = download.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
    assert download.value.suggested_filename == f"pcgd-xmc-2024-{krong_bong.district.code}.pdf"

    page.click("[data-testid=my-reports]")
    assert page.locator("[data-testid=report-jobs] tr[data-state=done]").count() == 1
