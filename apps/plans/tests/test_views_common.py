"""Fixtures shared by the page, API and export tests of the plans app (no tests here).

The page tests read English labels: their client asks for English, as in
``apps/universal/tests/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from apps.plans import services

AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def english_client(request):
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture(name="world")
def world_fixture(cascade, orgs, krong_bong):
    """Kế hoạch 145 with a district task, two Dang Kang tasks (one overdue), a Hòa Sơn task, a target."""
    plan = cascade["district"]
    dang_kang, hoa_son = krong_bong.new["24454"], krong_bong.new["24481"]
    district_task = services.create_task(None, plan, code="T4", title="Kiện toàn hội khuyến học",
                                         unit=krong_bong.district, lead=orgs["district_pc"],
                                         deadline=dt.date(2026, 12, 15))
    dk_open = services.create_task(None, plan, code="T4.24454", title="Kiện toàn hội khuyến học xã Dang Kang",
                                   unit=dang_kang, lead=orgs["dangkang_assoc"], parent=district_task,
                                   deadline=dt.date(2026, 12, 15))
    dk_overdue = services.create_task(None, plan, code="T5.24454", title="Tuyên truyền tại thôn, buôn",
                                      unit=dang_kang, lead=orgs["dangkang_assoc"],
                                      deadline=dt.date(2026, 10, 31))
    hs_task = services.create_task(None, plan, code="T4.24481", title="Kiện toàn hội khuyến học xã Hòa Sơn",
                                   unit=hoa_son, lead=orgs["hoason_assoc"], parent=district_task,
                                   deadline=dt.date(2026, 6, 30), completed_on=dt.date(2026, 6, 20))
    target = services.create_target(None, plan, code="GDHT.24454",
                                    title="Tỷ lệ gia đình học tập xã Dang Kang", unit=dang_kang,
                                    organisation=orgs["dangkang_assoc"],
                                    baseline=Decimal("0.6"), target_value=Decimal("0.7"),
                                    deadline=dt.date(2026, 12, 31))
    services.report_target_value(None, target, on=dt.date(2026, 10, 1), value=Decimal("0.66"))
    return {"plan": plan, "district_task": district_task, "dk_open": dk_open, "dk_overdue": dk_overdue,
            "hs_task": hs_task, "target": target, "orgs": orgs, "cascade": cascade,
            "dang_kang": dang_kang, "hoa_son": hoa_son}
