"""API of other expenses (management costs among them) and transfers between cash and bank,
mounted with the fund's router at ``/api/v1/funds/{fund_id}/…``.

Scoped as the rest of the fund's API: 404 outside the caller's scope, 403 without FUND on the
fund's unit, 400 with the field named for bad input (nothing posted). The cap on management
costs (NĐ 93/2019 Art. 37.2) is ``apps.fund.expenses``'.
"""

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import StrictFloat, StrictInt, StrictStr

from apps.fund import expenses, services
from apps.fund.models import Expense, Fund
from apps.places.api import READ_ERRORS, WRITE_ERRORS, paginated

router = Router(tags=["fund"])
Amount = StrictInt | StrictFloat | StrictStr
AMOUNT = "Whole đồng: an integer, or digits with thousands separators (\"1.000.000\"); no decimals."


class ExpenseIn(Schema):
    amount: Amount = Field(description=AMOUNT)
    description: str
    date: dt.date | None = None
    method: Literal["cash", "bank"] = "cash"
    payee: str = ""
    purpose: str = Field("", description="The restriction of the money spent; empty: unrestricted.")
    management_cost: bool = Field(True, description="Counts against the cap: 5% of the year's receipts, "
                                                    "10% with a decision (NĐ 93/2019 Art. 37.2).")
    decision: str = Field("", description="The decision that a management cost above 5% is needed.")
    voucher: str = ""


class ExpenseOut(Schema):
    id: int
    fund_id: int
    date: dt.date
    amount: int
    method: str
    description: str
    payee: str
    purpose: str
    management_cost: bool
    decision: str
    voucher: str
    entry_id: int
    reversed: bool

    @staticmethod
    def resolve_reversed(expense: Expense) -> bool:
        return hasattr(expense.entry, "reversed_by")


class CapOut(Schema):
    """The cap on management costs of a year, integers in đồng."""

    year: int
    receipts: int = Field(description="Money donations of the year not reversed; gifts in kind excluded.")
    management_costs: int
    limit: int = Field(description="5% of the receipts, rounded down.")
    limit_needed: int = Field(description="10% of the receipts, rounded down.")
    left: int
    left_needed: int


class TransferIn(Schema):
    amount: Amount = Field(description=AMOUNT)
    source: Literal["cash", "bank"] = Field(description="cash: deposit in the bank; bank: withdraw as cash.")
    date: dt.date | None = None
    purpose: str = ""
    note: str = ""


class TransferOut(Schema):
    entry_id: int
    date: dt.date
    amount: int
    source: str
    purpose: str


def _fund(request: HttpRequest, fund_id: int) -> Fund:
    return services.get_fund_for_user(request.auth, fund_id)


@router.get("/funds/{fund_id}/expenses", response={200: list[ExpenseOut], **READ_ERRORS})
@paginated()
def list_expenses(request: HttpRequest, fund_id: int) -> QuerySet[Expense]:
    """The fund's other expenses, management costs among them, newest first."""
    fund = _fund(request, fund_id)
    return fund.expenses.select_related("entry__reversed_by").order_by("-date", "-pk")


@router.post("/funds/{fund_id}/expenses", response={201: ExpenseOut, **WRITE_ERRORS})
def create_expense(request: HttpRequest, fund_id: int, payload: ExpenseIn) -> Status:
    """Pay another expense from cash or bank; a management cost is refused beyond the cap."""
    fund = _fund(request, fund_id)
    return Status(201, expenses.post_expense(request.auth, fund, **payload.dict()))


@router.get("/funds/{fund_id}/management-cost-cap", response={200: CapOut, **READ_ERRORS})
def management_cost_cap(request: HttpRequest, fund_id: int, year: int | None = None) -> CapOut:
    """What the cap of NĐ 93/2019 Art. 37.2 allows in a year (default this year)."""
    fund = _fund(request, fund_id)
    return CapOut(**expenses.cap_status(fund, year or timezone.localdate().year))


@router.post("/funds/{fund_id}/transfers", response={201: TransferOut, **WRITE_ERRORS})
def create_transfer(request: HttpRequest, fund_id: int, payload: TransferIn) -> Status:
    """Move money between cash and bank, keeping its restriction."""
    fund = _fund(request, fund_id)
    data = payload.dict()
    entry = expenses.transfer(request.auth, fund, **data)
    amount = entry.lines.filter(debit__gt=0).values_list("debit", flat=True).first()
    return Status(201, TransferOut(entry_id=entry.pk, date=entry.date, amount=amount, source=data["source"],
                                   purpose=entry.lines.values_list("restriction", flat=True).first()))
