"""Query-count guards: list pages cost the same whatever the number of tasks (no query per row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.plans import services
from apps.plans.tests.test_views_common import client_for, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PAGES = [
    ("plans:tasks", {"as_of": "2026-11-29"}),
    ("plans:tasks", {"as_of": "2026-11-29", "group": "organisation"}),
    ("plans:timeline", {"year": "2026"}),
    ("plans:scorecard", {"year": "2026"}),
    ("plans:index", {}),
]


def _count(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def _more_tasks(world, count: int) -> None:
    for number in range(count):
        task = services.create_task(None, world["plan"], code=f"X{number}", title=f"Việc {number}",
                                    unit=world["dang_kang"], lead=world["orgs"]["dangkang_pc"],
                                    deadline=dt.date(2026, 3 + number % 9, 10))
        services.report_progress(None, task, on=dt.date(2026, 2, 1), text="Đang làm", percent=10)


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_list_pages_do_not_grow_with_the_tasks(commune_officer, world, name, params):
    client = client_for(commune_officer)
    url = reverse(name)
    _count(client, url, params)  # warm the per-user caches (scope, session)
    before = _count(client, url, params)
    _more_tasks(world, 12)
    assert _count(client, url, params) == before


def test_document_page_does_not_grow_with_the_tasks(commune_officer, world):
    client = client_for(commune_officer)
    url = reverse("plans:document", args=[world["plan"].pk])
    _count(client, url, {})
    before = _count(client, url, {})
    _more_tasks(world, 12)
    assert _count(client, url, {}) == before
