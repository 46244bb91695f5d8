"""The demo plan loads through the import, idempotently, and the communes see their part of it."""

import datetime as dt

import pytest

from apps.plans import demo, services
from apps.plans.models import Document, Task


@pytest.fixture
def demo_world(krong_bong):
    from apps.core.demo import load_demo

    load_demo()
    return krong_bong


def test_demo_loads_the_cascade_and_is_idempotent(demo_world):
    lines = demo.load()
    assert "145-KH/HU" in lines[0]
    plan = Document.objects.get(number="145-KH/HU")
    assert plan.date is None and plan.is_demo
    chain = []
    node = plan
    while node is not None:
        chain.append((node.number, node.date))
        node = node.parent
    assert chain == [("145-KH/HU", None), ("122-KH/TU", dt.date(2019, 7, 9)),
                     ("49-KL/TW", dt.date(2019, 5, 10)), ("11-CT/TW", dt.date(2007, 4, 13))]
    assert plan.parent.unit.structure == "legacy"
    assert Document.objects.get(number="1373/QĐ-TTg").date == dt.date(2021, 7, 30)
    assert Task.objects.filter(parent__code="T4").count() == 5
    counts = Task.objects.count(), Document.objects.count()
    demo.load()
    assert (Task.objects.count(), Document.objects.count()) == counts


def test_dang_kang_sees_its_tasks_and_the_plans_above(demo_world):
    from django.contrib.auth import get_user_model

    demo.load()
    dangkang = get_user_model().objects.get(username="dangkang")
    tasks = services.visible_tasks(dangkang)
    assert tasks.exists()
    assert not tasks.exclude(unit__code="24454").exists()
    numbers = set(services.visible_documents(dangkang).values_list("number", flat=True))
    assert {"145-KH/HU", "122-KH/TU", "11-CT/TW"} <= numbers
    statuses = {t.code: t.status for t in services.tasks_as_of(dangkang, dt.date(2026, 11, 29))}
    assert statuses["T4.24454"] == "done_on_time" and statuses["T5.24454"] == "done_late"
