"""The API's documentation page works offline and under the Content-Security-Policy."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self.style_attributes = 0
        self.style_elements = 0
        self._script_type: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "style" in values:
            self.style_attributes += 1
        if tag == "style":
            self.style_elements += 1
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(values[name])
        if tag == "script" and not values.get("src"):
            self._script_type = values.get("type") or "text/javascript"

    def handle_data(self, data: str) -> None:
        if self._script_type is not None and data.strip():
            self.inline_scripts.append(self._script_type)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_type = None


@pytest.fixture
def plain_static(settings):
    # Pages are rendered without collectstatic's manifest in tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_docs_page_loads_only_local_files_and_no_inline_code(plain_static):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = _Assets()
    assets.feed(html)
    assert assets.urls, "the page should load the Swagger UI files"
    for url in assets.urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I), "external host referenced"
    # Only JSON data blocks inline (not executed, so allowed by script-src 'self'); no inline styles.
    assert set(assets.inline_scripts) <= {"application/json"}
    assert assets.style_attributes == assets.style_elements == 0
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp


def test_docs_page_points_at_the_schema(plain_static):
    html = Client().get("/api/v1/docs").content.decode()
    assert '"url": "/api/v1/openapi.json"' in html
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
