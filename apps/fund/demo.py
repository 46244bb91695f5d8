"""The fund's part of ``manage.py demo``: the khuyến học fund of Xã Dang Kang.

A few donations from generic donors labelled as demo (last quarter, closed, and this
quarter), a scholarship programme with one disbursement proposed by the treasurer
(thuquy), approved by the association officer (hoikh) and paid, and two honour levels.
Every record is ``is_demo``; posted through the services, so the books are those of a
real fund (``manage.py fund verify`` passes). Idempotent: the fund's code is the key.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.accounts.audit import audit_context
from apps.fund import ledger, services
from apps.fund.models import Fund
from apps.organisations.models import Organisation, OrganisationKind
from apps.places.models import Structure, Unit, UnitKind

CODE = "DANGKANG-KH"
COMMUNE = "24454"  # Xã Dang Kang (2025)
SCHOLARSHIP = "Học bổng"


def _donations(last_quarter: dt.date, this_quarter: dt.date) -> list[dict]:
    return [
        {"date": last_quarter, "amount": 5_000_000, "public_consent": True,
         "donor_name": "Công ty TNHH Demo Hưng Thịnh (dữ liệu demo)"},
        {"date": last_quarter + dt.timedelta(days=9), "amount": 2_000_000, "purpose": SCHOLARSHIP,
         "donor_name": "Ông Nguyễn Văn Demo (dữ liệu demo)", "public_consent": True, "method": "bank"},
        {"date": last_quarter + dt.timedelta(days=20), "amount": 500_000, "anonymous": True},
        {"date": this_quarter, "amount": 1_500_000, "purpose": SCHOLARSHIP,
         "donor_name": "Hội Cựu giáo chức demo (dữ liệu demo)", "public_consent": True},
        {"date": this_quarter, "amount": 300_000, "method": "in_kind",
         "in_kind_description": "20 bộ sách giáo khoa (dữ liệu demo)", "donor_name": "Bà Trần Thị Demo"},
    ]


def load() -> list[str]:
    if Fund.objects.filter(code=CODE).exists():
        return [f"Demo fund {CODE}: already loaded."]
    unit = Unit.objects.filter(structure=Structure.REFORM_2025, kind=UnitKind.COMMUNE, code=COMMUNE).first()
    holder = Organisation.objects.filter(unit=unit, kind=OrganisationKind.ASSOCIATION).first()
    found = get_user_model().objects.filter(username__in=["thuquy", "hoikh"])
    users = {user.username: user for user in found}
    if holder is None or len(users) < 2:
        return [f"Demo fund {CODE}: skipped (the Dang Kang association committee or the users thuquy and "
                "hoikh are missing)."]
    treasurer, officer = users["thuquy"], users["hoikh"]
    today = timezone.localdate()
    this_quarter = ledger.quarter_of(today)[0]
    last_quarter = ledger.quarter_of(this_quarter - dt.timedelta(days=1))[0]
    with audit_context(actor="demo", source="manage.py demo"), ledger.demo_data(), transaction.atomic():
        fund = services.create_fund(None, code=CODE, name="Quỹ khuyến học xã Dang Kang (demo)", unit=unit,
                                    holder=holder)
        services.set_honour_level(officer, fund, name="Nhà hảo tâm tiêu biểu", minimum=5_000_000)
        services.set_honour_level(officer, fund, name="Nhà hảo tâm", minimum=1_000_000)
        for gift in _donations(last_quarter, this_quarter):
            services.post_donation(treasurer, fund, **gift)
        programme = services.create_programme(
            officer, fund, kind="scholarship", name=f"Học bổng học sinh nghèo vượt khó {today.year}",
            year=today.year, purpose=SCHOLARSHIP, standard_amount=500_000,
            criteria="Học sinh thuộc hộ nghèo, cận nghèo; học lực khá trở lên (dữ liệu demo).",
        )
        proposal = services.propose_disbursement(treasurer, programme, amount=500_000,
                                                 beneficiary_name="Học sinh Demo Một")
        services.pay_disbursement(treasurer, services.approve_disbursement(officer, proposal), date=today)
        period = services.close_period(officer, fund, last_quarter)
        # published, so that /fund/public/ shows something in the demo
        services.publish_period(officer, period)
    return [f"Demo fund {CODE} (Xã Dang Kang): 5 donations, 1 scholarship paid, the quarter from "
            f"{last_quarter:%d/%m/%Y} closed and published (/fund/public/). "
            "Every record is flagged as demo data."]
