"""Pages and API of other expenses and transfers, around the personas."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.fund import ledger, services, verify
from apps.fund.models import Expense, JournalEntry
from apps.fund.tests.test_views import client_for

LAST_YEAR = dt.date(timezone.localdate().year - 1, 5, 10)



def api(client: Client, path: str, data: dict | None = None):
    if data is None:
        return client.get(f"/api/v1{path}")
    return client.post(f"/api/v1{path}", data, content_type="application/json")


def _funded(fund, treasurer):
    services.post_donation(treasurer, fund, amount=10_000_000, donor_name="A", date=LAST_YEAR)


def test_the_treasurer_posts_an_expense_and_a_transfer_on_the_pages(fund, treasurer):
    _funded(fund, treasurer)
    client = client_for(treasurer)
    page = client.get(reverse("fund:expenses", args=[fund.pk]))
    assert page.status_code == 200 and b'data-testid="expense-form"' in page.content
    response = client.post(reverse("fund:expenses", args=[fund.pk]), {
        "date": LAST_YEAR.isoformat(), "amount": "500.000", "method": "cash", "description": "Văn phòng phẩm",
        "management_cost": "on", "voucher": "PC-01"})
    assert response.status_code == 302, response.content
    refused = client.post(reverse("fund:expenses", args=[fund.pk]), {
        "date": LAST_YEAR.isoformat(), "amount": "1", "method": "cash", "description": "Tem",
        "management_cost": "on"})
    assert refused.status_code == 200 and b"5%" in refused.content
    assert list(Expense.objects.values_list("amount", flat=True)) == [500_000]
    response = client.post(reverse("fund:transfer", args=[fund.pk]), {
        "source": "cash", "date": LAST_YEAR.isoformat(), "amount": "9.000.000"})
    assert response.status_code == 302
    assert ledger.available(fund, "", "bank") == 9_000_000
    assert verify.faults(fund) == []


def test_readers_and_neighbours(fund, treasurer, neighbour_treasurer, district_viewer):
    _funded(fund, treasurer)
    assert client_for(neighbour_treasurer).get(reverse("fund:expenses", args=[fund.pk])).status_code == 404
    assert client_for(neighbour_treasurer).get(reverse("fund:transfer", args=[fund.pk])).status_code == 404
    viewer = client_for(district_viewer)
    page = viewer.get(reverse("fund:expenses", args=[fund.pk]))
    assert page.status_code == 200 and b'data-testid="expense-form"' not in page.content
    assert viewer.post(reverse("fund:expenses", args=[fund.pk]), {"amount": "1"}).status_code == 403
    assert viewer.get(reverse("fund:transfer", args=[fund.pk])).status_code == 403
    assert api(viewer, f"/funds/{fund.pk}/expenses", {"amount": 1, "description": "x"}).status_code == 403
    assert api(client_for(neighbour_treasurer), f"/funds/{fund.pk}/expenses").status_code == 404
    assert not Expense.objects.exists()


def test_the_api_posts_expenses_within_the_cap_and_transfers(fund, treasurer):
    _funded(fund, treasurer)
    client = client_for(treasurer)
    created = api(client, f"/funds/{fund.pk}/expenses",
                  {"amount": "500.000", "description": "Văn phòng phẩm", "date": LAST_YEAR.isoformat()})
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == 500_000 and created.json()["reversed"] is False
    over = api(client, f"/funds/{fund.pk}/expenses",
               {"amount": 1, "description": "Tem", "date": LAST_YEAR.isoformat()})
    assert over.status_code == 400 and "5%" in over.json()["detail"][0]["message_en"]
    cap = api(client, f"/funds/{fund.pk}/management-cost-cap?year={LAST_YEAR.year}").json()
    assert (cap["receipts"], cap["limit"], cap["left"]) == (10_000_000, 500_000, 0)
    listed = api(client, f"/funds/{fund.pk}/expenses").json()
    assert listed["count"] == 1
    moved = api(client, f"/funds/{fund.pk}/transfers",
                {"amount": 1_000_000, "source": "cash", "date": LAST_YEAR.isoformat()})
    assert moved.status_code == 201 and moved.json()["amount"] == 1_000_000
    too_much = api(client, f"/funds/{fund.pk}/transfers", {"amount": 10**9, "source": "bank"})
    assert too_much.status_code == 400
    assert JournalEntry.objects.filter(fund=fund).count() == 3
    assert api(client, f"/funds/{fund.pk}/balance").json()["expenses_total"] == 500_000
