"""The main journeys in a real browser: log in, drill down, switch language, be refused."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_commune_officer_drills_down_from_province_to_a_village(page, live_server, demo):
    login(page, live_server, "dangkang")
    assert "Xã Dang Kang" in page.inner_text("[data-testid=roles]")
    page.click("nav.mainnav >> text=Đơn vị hành chính")
    page.click("a.chip >> nth=1")  # today's map
    page.click("[data-testid=children] >> text=Tỉnh Đắk Lắk")
    communes = page.inner_text("[data-testid=children]")
    assert "Xã Dang Kang" in communes
    assert "Xã Hòa Sơn" not in communes
    page.click("[data-testid=children] >> text=Xã Dang Kang")
    page.click("[data-testid=children] >> text=Thôn 1")
    assert page.inner_text("h1").startswith("Thôn 1")
    assert "Xã Dang Kang" in page.inner_text(".breadcrumb")


def test_commune_officer_sees_the_legacy_map_before_the_reform(page, live_server, demo):
    login(page, live_server, "dangkang")
    page.goto(f"{live_server.url}/places/?on=2024-09-30")
    page.click("[data-testid=children] >> text=Tỉnh Đắk Lắk")
    page.click("[data-testid=children] >> text=Huyện Krông Bông")
    communes = page.inner_text("[data-testid=children]")
    assert "Xã Cư KTy" in communes and "Xã Hòa Thành" in communes
    assert "Xã Ea Trul" not in communes


def test_language_switch_to_english_and_back(page, live_server, demo):
    login(page, live_server, "dangkang")
    assert "Đơn vị hành chính" in page.inner_text("nav.mainnav")
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("[data-testid=lang-vi]")
    assert "Administrative units" in page.inner_text("nav.mainnav")
    page.click("[data-testid=lang-vi]")
    page.wait_for_selector("[data-testid=lang-en]")
    assert "Đơn vị hành chính" in page.inner_text("nav.mainnav")


def test_commune_officer_is_refused_another_commune(page, live_server, demo):
    login(page, live_server, "dangkang")
    response = page.goto(f"{live_server.url}/places/{demo.new['24481'].pk}/")
    assert response.status == 403
    assert page.is_visible("[data-testid=forbidden]")


def test_anonymous_visitor_is_sent_to_login(page, live_server, demo):
    page.goto(f"{live_server.url}/places/{demo.new['24454'].pk}/")
    assert "/accounts/login/" in page.url


def test_pages_fit_a_phone_screen(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    login(page, live_server, "dangkang")
    page.goto(f"{live_server.url}/places/{demo.new['24454'].pk}/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


def test_unit_search_finds_only_units_of_the_scope(page, live_server, demo):
    login(page, live_server, "dangkang")
    page.goto(f"{live_server.url}/places/?on=2024-09-30")
    page.fill("input[name=q]", "Xã")
    page.wait_for_selector("#search-results >> text=Xã Cư KTy")
    results = page.inner_text("#search-results")
    assert "Xã Hòa Thành" in results
    assert "Xã Ea Trul" not in results


def test_commune_officer_adds_a_village_and_sees_it_in_the_history(page, live_server, demo):
    login(page, live_server, "dangkang")
    page.goto(f"{live_server.url}/places/{demo.new['24454'].pk}/villages/new/")
    page.fill("#id_name", "Buôn Ea Bar")
    page.select_option("#id_type", "buôn")
    page.click("button.primary")
    assert page.inner_text("h1").startswith("Buôn Ea Bar")
    assert "dangkang" in page.inner_text("[data-testid=history]")
    page.goto(f"{live_server.url}/places/{demo.new['24454'].pk}/villages/new/")
    page.fill("#id_name", "buôn ea  bar")
    page.click("button.primary")
    assert "Xã đã có thôn tên" in page.inner_text("main form")
