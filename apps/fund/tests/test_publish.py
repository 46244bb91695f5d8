"""Publishing the statement of a closed period (NĐ 93/2019 Art. 38.4, 38.6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import DomainError
from apps.fund import pdf, services
from apps.fund import statement as disclosure
from apps.fund.models import Period
from apps.fund.tests.test_views import client_for

Q3 = dt.date(timezone.localdate().year - 1, 8, 15)



@pytest.fixture
def period(fund, treasurer) -> Period:
    services.post_donation(treasurer, fund, amount=1_000_000, donor_name="A", date=Q3)
    return Period.objects.get(fund=fund)


def test_only_a_closed_period_is_published_once_by_a_named_user(period, treasurer, neighbour_treasurer):
    with pytest.raises(DomainError):
        services.publish_period(treasurer, period)
    services.close_period(treasurer, period.fund, Q3)
    with pytest.raises(PermissionDenied):
        services.publish_period(None, period)
    with pytest.raises(PermissionDenied):
        services.publish_period(neighbour_treasurer, period)
    published = services.publish_period(treasurer, period)
    assert published.published_by == treasurer and published.published_at is not None
    with pytest.raises(DomainError):
        services.publish_period(treasurer, period)


def test_the_pages_publish_and_list_the_statement(period, treasurer, district_viewer, neighbour_treasurer):
    fund = period.fund
    services.close_period(treasurer, fund, Q3)
    client = client_for(treasurer)
    page = client.get(reverse("fund:statement", args=[fund.pk, period.pk]))
    assert b'data-testid="publish"' in page.content
    viewer = client_for(district_viewer)
    assert viewer.post(reverse("fund:period_publish", args=[fund.pk, period.pk])).status_code == 403
    assert client_for(neighbour_treasurer).get(reverse("fund:published", args=[fund.pk])).status_code == 404
    response = client.post(reverse("fund:period_publish", args=[fund.pk, period.pk]))
    assert response.status_code == 302
    page = client.get(reverse("fund:statement", args=[fund.pk, period.pk]))
    assert b'data-testid="published"' in page.content and b'data-testid="publish"' not in page.content
    listed = viewer.get(reverse("fund:published", args=[fund.pk]))
    assert listed.status_code == 200 and reverse("fund:statement_pdf", args=[fund.pk, period.pk]).encode() \
        in listed.content
    periods = viewer.get(f"/api/v1/funds/{fund.pk}/periods").json()
    assert periods[0]["published"] is True


def test_the_pdf_says_when_it_was_published(period, treasurer):
    from apps.fund.tests.test_pdf import pdf_text

    services.close_period(treasurer, period.fund, Q3)
    services.publish_period(treasurer, period)
    period.refresh_from_db()
    result = disclosure.statement(period.fund, period.start, period.end)
    text = pdf_text(pdf.statement_pdf(result, label="Quý 3", closed=True, period=period, compress=False))
    assert f"Công bố ngày {timezone.localtime(period.published_at):%d/%m/%Y}" in text


def test_the_api_publishes(period, treasurer):
    client = client_for(treasurer)
    url = f"/api/v1/funds/{period.fund.pk}/periods/{period.pk}/publish"
    assert client.post(url).status_code == 400  # not closed
    services.close_period(treasurer, period.fund, Q3)
    response = client.post(url)
    assert response.status_code == 200 and response.json()["published"] is True
