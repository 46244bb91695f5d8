"""The API of the khuyến học fund: ``/api/v1/funds…``.

Reading is limited to the caller's scope (404 outside it, as if the fund did not
exist); posting goes through ``apps.fund.services``, which needs the FUND capability
on the fund's unit (403 otherwise) and refuses bad input with 400, naming the field,
with nothing posted. Amounts are whole đồng: a JSON integer or a string of digits
("1.000.000"); a number with decimals is refused. Donors' and beneficiaries' names
are given only to callers with PERSONAL_DATA or FUND on the unit; others read what
the public statement shows (persons named with consent, beneficiaries by initials).
"""


import datetime as dt
from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictFloat, StrictInt, StrictStr

from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, fields_renamed
from apps.fund import programmes, services
from apps.fund import statement as disclosure
from apps.fund.api_expenses import router as expenses_router
from apps.fund.models import (
    Disbursement,
    DisbursementStatus,
    Donation,
    DonorKind,
    EntryKind,
    EntryLine,
    Fund,
    JournalEntry,
    Method,
    Period,
    Programme,
    ProgrammeKind,
)
from apps.fund.receipts import Receipt, receipt_for
from apps.organisations.models import Organisation
from apps.places.api import READ_ERRORS, WRITE_ERRORS, paginated

MethodName = Literal[tuple(Method.values)]  # type: ignore[valid-type]
ProgrammeKindName = Literal[tuple(ProgrammeKind.values)]  # type: ignore[valid-type]
StatusName = Literal[tuple(DisbursementStatus.values)]  # type: ignore[valid-type]
Amount = StrictInt | StrictFloat | StrictStr
AMOUNT = "Whole đồng: an integer, or digits with thousands separators (\"1.000.000\"); no decimals."

router = Router(tags=["fund"])

# The services name the model's fields; the API's clients send ids.
API_FIELDS = {"donor_person": "donor_person_id", "donor_organisation": "donor_organisation_id",
              "beneficiary_person": "beneficiary_person_id"}


# --- schemas -----------------------------------------------------------------------------------

class FundOut(Schema):
    id: int
    code: str
    name: str
    holder_id: int
    holder_name: str
    unit_id: int
    unit_code: str
    unit_name: str

    @staticmethod
    def resolve_holder_name(fund: Fund) -> str:
        return fund.holder.name

    @staticmethod
    def resolve_unit_code(fund: Fund) -> str:
        return fund.unit.code

    @staticmethod
    def resolve_unit_name(fund: Fund) -> str:
        return fund.unit.name


class BalanceOut(Schema):
    """Integers in đồng. The ``by_restriction`` maps have "" for unrestricted money."""

    balance: int = Field(description="Money held: cash and bank.")
    donations_total: int = Field(description="Donations not reversed, gifts in kind at their stated value.")
    in_kind_total: int
    disbursements_total: int = Field(description="Disbursements paid and not reversed.")
    expenses_total: int = Field(description="Other expenses (management costs among them) not reversed.")
    money_by_restriction: dict[str, int]
    in_kind_by_restriction: dict[str, int]
    pledges_by_restriction: dict[str, int]


class DonationIn(Schema):
    amount: Amount = Field(description=AMOUNT)
    date: dt.date | None = Field(None, description="Default: today; never in the future or a closed period.")
    donor_name: str = ""
    donor_person_id: int | None = Field(None, description="A person of the registry the caller may see.")
    donor_organisation_id: int | None = Field(None, description="An organisation the caller may see.")
    anonymous: bool = False
    public_consent: bool = Field(False, description="The donor agreed to be named publicly.")
    purpose: str = Field("", description="A restricted purpose; empty for unrestricted money.")
    method: MethodName = Method.CASH
    in_kind_description: str = Field("", description="Required with the method in_kind.")
    note: str = ""


class DonationOut(Schema):
    id: int
    fund_id: int
    receipt_number: str
    date: dt.date
    donor_kind: Literal[tuple(DonorKind.values)]  # type: ignore[valid-type]
    donor: str = Field(description="The donor's name, or what the public statement shows.")
    donor_person_id: int | None
    donor_organisation_id: int | None
    public_consent: bool
    amount: int
    method: MethodName
    in_kind_description: str
    purpose: str
    pledge_id: int | None
    entry_id: int
    reversed: bool


class LineOut(Schema):
    account: str
    debit: int
    credit: int
    restriction: str


class EntryOut(Schema):
    id: int
    date: dt.date
    kind: Literal[tuple(EntryKind.values)]  # type: ignore[valid-type]
    memo: str
    reverses_id: int | None
    reversed_by_id: int | None
    reason: str
    receipt_number: str | None
    posted_by: str
    posted_at: dt.datetime
    lines: list[LineOut]


class ReversalIn(Schema):
    reason: str = Field(description="Required: why the entry is reversed.")
    date: dt.date | None = Field(None, description="Default: today, in an open period.")


class ProgrammeIn(Schema):
    kind: ProgrammeKindName
    name: str
    year: int
    criteria: str = ""
    purpose: str = Field("", description="Pays only from money given for this purpose; empty: unrestricted.")
    standard_amount: Amount | None = Field(None, description=AMOUNT)
    decision: str = ""


class ProgrammeOut(Schema):
    id: int
    fund_id: int
    kind: ProgrammeKindName
    name: str
    year: int
    criteria: str
    purpose: str
    standard_amount: int | None
    decision: str
    active: bool


class ProgrammeUpdateIn(Schema):
    """Only the fields given change."""

    criteria: str | None = None
    purpose: str | None = Field(None, description="Fixed once a disbursement was approved or paid.")
    standard_amount: Amount | None = Field(None, description=AMOUNT + " An empty string clears it.")
    decision: str | None = None
    active: bool | None = Field(None, description="An inactive programme takes no new proposals.")


class ConsentIn(Schema):
    """Consent per purpose, given by the beneficiary or the guardian; nothing is assumed."""

    given_by: str
    processing: bool = Field(False, description="To the processing of the data for the scholarship.")
    public: bool = Field(False, description="To be named in full on the public statement.")


class DisbursementIn(Schema):
    amount: Amount = Field(description=AMOUNT)
    beneficiary_person_id: int | None = Field(None,
                                              description="A person of the registry the caller may see.")
    beneficiary_name: str = Field("", description="Needed when no person of the registry is given.")
    method: Literal["cash", "bank"] = "cash"
    note: str = ""


class DisbursementOut(Schema):
    id: int
    programme_id: int
    beneficiary: str = Field(description="The name, or initials for callers without personal-data rights.")
    beneficiary_person_id: int | None
    amount: int
    method: MethodName
    status: StatusName
    proposed_by: str
    approved_by: str | None
    rejection_reason: str
    entry_id: int | None
    consent_processing: bool
    consent_public: bool
    consent_recorded_at: dt.datetime | None
    consent_withdrawn_at: dt.datetime | None


class RejectionIn(Schema):
    reason: str


class PaymentIn(Schema):
    date: dt.date | None = None


class PeriodOut(Schema):
    id: int
    start: dt.date
    end: dt.date
    closed: bool
    closed_at: dt.datetime | None
    published: bool = Field(description="The statement was published after the period closed; it stays so.")
    published_at: dt.datetime | None


class CloseIn(Schema):
    date: dt.date = Field(description="A day of the calendar quarter to close; the quarter must have ended.")


class StatementRow(Schema):
    date: dt.date
    entry: int
    label: str
    party: str
    purpose: str
    money: int
    in_kind: int
    note: str


class StatementOut(Schema):
    """The statement of receipts and payments (công khai thu chi), public version."""

    fund_id: int
    start: dt.date
    end: dt.date
    closed: bool
    opening: int
    receipts_total: int
    in_kind_total: int
    payments_total: int
    reversals_total: int
    closing: int
    balances: bool = Field(description="opening + receipts − payments ± reversals = closing.")
    receipts: list[StatementRow]
    payments: list[StatementRow]
    reversals: list[StatementRow]
    by_restriction: dict[str, int]


class StatementFilters(Schema):
    period_id: int | None = Field(None, description="A period (calendar quarter) of the fund.")
    year: int | None = Field(None, description="A whole year, when no period is given; default this year.")


class HonourOut(Schema):
    name: str
    total: int
    gifts: int
    level: str
    anonymous: bool


class DisbursementFilters(Schema):
    programme_id: int | None = None
    status: StatusName | None = None


# --- helpers -----------------------------------------------------------------------------------

def _fund(request: HttpRequest, fund_id: int) -> Fund:
    return services.get_fund_for_user(request.auth, fund_id)


def _donation_out(donation: Donation, personal: bool) -> DonationOut:
    reversed_ = hasattr(donation.entry, "reversed_by") if donation.entry_id else False
    return DonationOut(
        id=donation.pk, fund_id=donation.fund_id, receipt_number=donation.receipt_number, date=donation.date,
        donor_kind=donation.donor_kind, donor=disclosure.donor_label(donation, personal),
        donor_person_id=donation.donor_person_id if personal else None,
        donor_organisation_id=donation.donor_organisation_id, public_consent=donation.public_consent,
        amount=donation.amount, method=donation.method, in_kind_description=donation.in_kind_description,
        purpose=donation.purpose, pledge_id=donation.pledge_id, entry_id=donation.entry_id,
        reversed=reversed_,
    )


def _entry_out(entry: JournalEntry) -> EntryOut:
    reversed_by = getattr(entry, "reversed_by", None)
    donation = getattr(entry, "donation", None)
    return EntryOut(
        id=entry.pk, date=entry.date, kind=entry.kind, memo=entry.memo, reverses_id=entry.reverses_id,
        reversed_by_id=reversed_by.pk if reversed_by else None, reason=entry.reason,
        receipt_number=donation.receipt_number if donation else None,
        posted_by=entry.posted_by.get_username() if entry.posted_by else "", posted_at=entry.posted_at,
        lines=[LineOut(account=line.account.code, debit=line.debit, credit=line.credit,
                       restriction=line.restriction) for line in entry.lines.all()],
    )


def _disbursement_out(item: Disbursement, personal: bool) -> DisbursementOut:
    return DisbursementOut(
        id=item.pk, programme_id=item.programme_id,
        beneficiary=item.beneficiary_name if personal else disclosure.initials(item.beneficiary_name),
        beneficiary_person_id=item.beneficiary_person_id if personal else None, amount=item.amount,
        method=item.method, status=item.status, proposed_by=item.proposed_by.get_username(),
        approved_by=item.approved_by.get_username() if item.approved_by else None,
        rejection_reason=item.rejection_reason, entry_id=item.entry_id,
        consent_processing=item.consent_processing, consent_public=item.consent_public,
        consent_recorded_at=item.consent_recorded_at, consent_withdrawn_at=item.consent_withdrawn_at,
    )


def _entries(fund: Fund) -> QuerySet[JournalEntry]:
    return (fund.entries.select_related("posted_by", "reversed_by", "donation")
            .prefetch_related(Prefetch("lines", queryset=EntryLine.objects.select_related("account"))))


def _organisation(request: HttpRequest, pk: int | None) -> Organisation | None:
    if pk is None:
        return None
    found = scope_for(request.auth).filter(Organisation.objects.all()).filter(pk=pk).first()
    if found is None:
        raise DomainError(_("Unknown reference “%(ref)s”: no such record you may see."), {"ref": pk},
                          column="donor_organisation_id")
    return found


def _disbursement(request: HttpRequest, fund: Fund, disbursement_id: int) -> Disbursement:
    return get_object_or_404(services.disbursements_for(request.auth).filter(programme__fund=fund)
                             .select_related("proposed_by", "approved_by"), pk=disbursement_id)


# --- funds -------------------------------------------------------------------------------------

@router.get("/funds", response={200: list[FundOut], **READ_ERRORS})
@paginated()
def list_funds(request: HttpRequest) -> QuerySet[Fund]:
    """The funds of the units the caller covers."""
    return services.funds_for(request.auth).order_by("unit__path", "code")


@router.get("/funds/{fund_id}", response={200: FundOut, **READ_ERRORS})
def get_fund(request: HttpRequest, fund_id: int) -> Fund:
    return _fund(request, fund_id)


@router.get("/funds/{fund_id}/balance", response={200: BalanceOut, **READ_ERRORS})
def fund_balance(request: HttpRequest, fund_id: int) -> BalanceOut:
    """Money held, donations and disbursements, and the balances per restriction."""
    fund = _fund(request, fund_id)
    totals = disclosure.totals(fund)
    parts = disclosure.balances(fund)
    return BalanceOut(**totals, money_by_restriction=parts["money"], in_kind_by_restriction=parts["in_kind"],
                      pledges_by_restriction=parts["pledges"])


# --- donations and receipts --------------------------------------------------------------------

@router.get("/funds/{fund_id}/donations", response={200: list[DonationOut], **READ_ERRORS})
@paginated()
def list_donations(request: HttpRequest, fund_id: int) -> list[DonationOut]:
    """The donations of a fund, newest receipt first."""
    fund = _fund(request, fund_id)
    personal = services.sees_personal_data(request.auth, fund)
    donations = (services.donations_for(request.auth).filter(fund=fund)
                 .select_related("entry__reversed_by").order_by("-receipt_year", "-receipt_seq"))
    return _LazyList(donations, lambda donation: _donation_out(donation, personal))


@router.post("/funds/{fund_id}/donations", response={201: DonationOut, **WRITE_ERRORS})
def create_donation(request: HttpRequest, fund_id: int, payload: DonationIn) -> Status:
    """Record a donation and issue its receipt; needs the FUND capability."""
    fund = _fund(request, fund_id)
    data = payload.dict()
    with fields_renamed(API_FIELDS):
        donation = services.post_donation(
            request.auth, fund, amount=data["amount"], date=data["date"], donor_name=data["donor_name"],
            donor_person=data["donor_person_id"],
            donor_organisation=_organisation(request, data["donor_organisation_id"]),
            anonymous=data["anonymous"], purpose=data["purpose"], method=data["method"],
            in_kind_description=data["in_kind_description"], public_consent=data["public_consent"],
            note=data["note"])
    return Status(201, _donation_out(donation, services.sees_personal_data(request.auth, fund)))


@router.get("/funds/{fund_id}/donations/{donation_id}/receipt", response={200: Receipt, **READ_ERRORS})
def get_receipt(request: HttpRequest, fund_id: int, donation_id: int) -> Receipt:
    """The receipt of a donation, with the amount in Vietnamese words."""
    fund = _fund(request, fund_id)
    donation = get_object_or_404(services.donations_for(request.auth).filter(fund=fund), pk=donation_id)
    # The domain's dataclass is the response schema: one definition of a receipt's fields.
    return receipt_for(donation, personal=services.sees_personal_data(request.auth, fund))


# --- the ledger --------------------------------------------------------------------------------

@router.get("/funds/{fund_id}/entries", response={200: list[EntryOut], **READ_ERRORS})
@paginated()
def list_entries(request: HttpRequest, fund_id: int) -> list[EntryOut]:
    """The journal entries with their lines, in the order they were posted."""
    fund = _fund(request, fund_id)
    return _LazyList(_entries(fund).order_by("pk"), _entry_out)


@router.post("/funds/{fund_id}/entries/{entry_id}/reverse", response={201: EntryOut, **WRITE_ERRORS})
def reverse_entry(request: HttpRequest, fund_id: int, entry_id: int, payload: ReversalIn) -> Status:
    """Reverse an entry by a new one with the reason; entries are never edited or deleted."""
    fund = _fund(request, fund_id)
    entry = get_object_or_404(JournalEntry, fund=fund, pk=entry_id)
    reversal = services.reverse_entry(entry, payload.reason, request.auth, date=payload.date)
    return Status(201, _entry_out(_entries(fund).get(pk=reversal.pk)))


# --- programmes and disbursements --------------------------------------------------------------

@router.get("/funds/{fund_id}/programmes", response={200: list[ProgrammeOut], **READ_ERRORS})
@paginated()
def list_programmes(request: HttpRequest, fund_id: int) -> QuerySet[Programme]:
    fund = _fund(request, fund_id)
    return services.programmes_for(request.auth).filter(fund=fund).order_by("-year", "name", "pk")


@router.post("/funds/{fund_id}/programmes", response={201: ProgrammeOut, **WRITE_ERRORS})
def create_programme(request: HttpRequest, fund_id: int, payload: ProgrammeIn) -> Status:
    """A programme (scholarship, award, support) with its criteria; needs the FUND capability."""
    fund = _fund(request, fund_id)
    return Status(201, services.create_programme(request.auth, fund, **payload.dict()))


@router.patch("/funds/{fund_id}/programmes/{programme_id}", response={200: ProgrammeOut, **WRITE_ERRORS})
def update_programme(request: HttpRequest, fund_id: int, programme_id: int,
                     payload: ProgrammeUpdateIn) -> Programme:
    """Edit a programme's criteria, restriction, standard amount, decision or activity (audited)."""
    fund = _fund(request, fund_id)
    programme = get_object_or_404(services.programmes_for(request.auth).filter(fund=fund), pk=programme_id)
    return programmes.update_programme(request.auth, programme, **payload.dict())


@router.get("/funds/{fund_id}/disbursements", response={200: list[DisbursementOut], **READ_ERRORS})
@paginated()
def list_disbursements(request: HttpRequest, fund_id: int,
                       filters: Query[DisbursementFilters]) -> list[DisbursementOut]:
    fund = _fund(request, fund_id)
    personal = services.sees_personal_data(request.auth, fund)
    items = (services.disbursements_for(request.auth).filter(programme__fund=fund)
             .select_related("proposed_by", "approved_by").order_by("pk"))
    if filters.programme_id is not None:
        items = items.filter(programme_id=filters.programme_id)
    if filters.status:
        items = items.filter(status=filters.status)
    return _LazyList(items, lambda item: _disbursement_out(item, personal))


@router.post("/funds/{fund_id}/programmes/{programme_id}/disbursements",
             response={201: DisbursementOut, **WRITE_ERRORS})
def propose_disbursement(request: HttpRequest, fund_id: int, programme_id: int,
                         payload: DisbursementIn) -> Status:
    """The maker's step: propose an amount for a beneficiary; another user approves it."""
    fund = _fund(request, fund_id)
    programme = get_object_or_404(services.programmes_for(request.auth).filter(fund=fund), pk=programme_id)
    data = payload.dict()
    with fields_renamed(API_FIELDS):
        item = services.propose_disbursement(
            request.auth, programme, amount=data["amount"], beneficiary_person=data["beneficiary_person_id"],
            beneficiary_name=data["beneficiary_name"], method=data["method"], note=data["note"])
    return Status(201, _disbursement_out(item, services.sees_personal_data(request.auth, fund)))


@router.post("/funds/{fund_id}/disbursements/{disbursement_id}/approve",
             response={200: DisbursementOut, **WRITE_ERRORS})
def approve_disbursement(request: HttpRequest, fund_id: int, disbursement_id: int) -> DisbursementOut:
    """The checker's step; the proposer is refused (400)."""
    fund = _fund(request, fund_id)
    item = services.approve_disbursement(request.auth, _disbursement(request, fund, disbursement_id))
    return _disbursement_out(item, services.sees_personal_data(request.auth, fund))


@router.post("/funds/{fund_id}/disbursements/{disbursement_id}/consent",
             response={200: DisbursementOut, **WRITE_ERRORS})
def record_consent(request: HttpRequest, fund_id: int, disbursement_id: int,
                   payload: ConsentIn) -> DisbursementOut:
    """Record the beneficiary's (or guardian's) consent, per purpose."""
    fund = _fund(request, fund_id)
    item = programmes.record_consent(request.auth, _disbursement(request, fund, disbursement_id),
                                     **payload.dict())
    return _disbursement_out(item, services.sees_personal_data(request.auth, fund))


@router.post("/funds/{fund_id}/disbursements/{disbursement_id}/consent/withdraw",
             response={200: DisbursementOut, **WRITE_ERRORS})
def withdraw_consent(request: HttpRequest, fund_id: int, disbursement_id: int) -> DisbursementOut:
    """Record the withdrawal of the consent; the books keep the payment."""
    fund = _fund(request, fund_id)
    item = programmes.withdraw_consent(request.auth, _disbursement(request, fund, disbursement_id))
    return _disbursement_out(item, services.sees_personal_data(request.auth, fund))


@router.post("/funds/{fund_id}/disbursements/{disbursement_id}/reject",
             response={200: DisbursementOut, **WRITE_ERRORS})
def reject_disbursement(request: HttpRequest, fund_id: int, disbursement_id: int,
                        payload: RejectionIn) -> DisbursementOut:
    fund = _fund(request, fund_id)
    item = services.reject_disbursement(request.auth, _disbursement(request, fund, disbursement_id),
                                        payload.reason)
    return _disbursement_out(item, services.sees_personal_data(request.auth, fund))


@router.post("/funds/{fund_id}/disbursements/{disbursement_id}/pay",
             response={200: DisbursementOut, **WRITE_ERRORS})
def pay_disbursement(request: HttpRequest, fund_id: int, disbursement_id: int,
                     payload: PaymentIn) -> DisbursementOut:
    """Pay an approved disbursement, within the money its restriction holds."""
    fund = _fund(request, fund_id)
    item = services.pay_disbursement(request.auth, _disbursement(request, fund, disbursement_id),
                                     date=payload.date)
    return _disbursement_out(item, services.sees_personal_data(request.auth, fund))


# --- periods, statement, honour roll -----------------------------------------------------------

def _period_out(period: Period) -> PeriodOut:
    return PeriodOut(id=period.pk, start=period.start, end=period.end, closed=period.is_closed,
                     closed_at=period.closed_at, published=period.is_published,
                     published_at=period.published_at)


@router.get("/funds/{fund_id}/periods", response={200: list[PeriodOut], **READ_ERRORS})
def list_periods(request: HttpRequest, fund_id: int) -> list[PeriodOut]:
    fund = _fund(request, fund_id)
    return [_period_out(period) for period in fund.periods.order_by("start")]


@router.post("/funds/{fund_id}/periods/close", response={200: PeriodOut, **WRITE_ERRORS})
def close_period(request: HttpRequest, fund_id: int, payload: CloseIn) -> PeriodOut:
    """Close the calendar quarter containing ``date`` once it has ended; nothing more is posted in it."""
    fund = _fund(request, fund_id)
    return _period_out(services.close_period(request.auth, fund, payload.date))


@router.post("/funds/{fund_id}/periods/{period_id}/publish", response={200: PeriodOut, **WRITE_ERRORS})
def publish_period(request: HttpRequest, fund_id: int, period_id: int) -> PeriodOut:
    """Publish the statement of a closed period (once; a closed period is never reopened)."""
    fund = _fund(request, fund_id)
    period = get_object_or_404(Period, fund=fund, pk=period_id)
    return _period_out(services.publish_period(request.auth, period))


def _rows(rows: list[disclosure.Row]) -> list[StatementRow]:
    return [StatementRow(**row.__dict__) for row in rows]


@router.get("/funds/{fund_id}/statement", response={200: StatementOut, **READ_ERRORS})
def get_statement(request: HttpRequest, fund_id: int, filters: Query[StatementFilters]) -> StatementOut:
    """The public statement of receipts and payments of a period or a year."""
    fund = _fund(request, fund_id)
    if filters.period_id is not None:
        period = get_object_or_404(Period, fund=fund, pk=filters.period_id)
        start, end, closed = period.start, period.end, period.is_closed
    else:
        year = filters.year or timezone.localdate().year
        if not 1990 <= year <= 2100:
            raise Http404("No such year.")
        periods = list(fund.periods.filter(start__year=year))
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        closed = len(periods) == 4 and all(period.is_closed for period in periods)
    result = disclosure.statement(fund, start, end, personal=False)
    return StatementOut(
        fund_id=fund.pk, start=start, end=end, closed=closed, opening=result.opening,
        receipts_total=result.total_receipts, in_kind_total=result.total_in_kind,
        payments_total=result.total_payments, reversals_total=result.total_reversals, closing=result.closing,
        balances=result.balances, receipts=_rows(result.receipts), payments=_rows(result.payments),
        reversals=_rows(result.reversals), by_restriction=result.by_restriction,
    )


@router.get("/funds/{fund_id}/honour-roll", response={200: list[HonourOut], **READ_ERRORS})
def get_honour_roll(request: HttpRequest, fund_id: int, year: int | None = None) -> list[HonourOut]:
    """The donors honoured in a year at the association's levels (persons only with consent)."""
    fund = _fund(request, fund_id)
    roll = disclosure.honour_roll(fund, year or timezone.localdate().year)
    return [HonourOut(**row.__dict__) for row in roll]


class _LazyList:
    """A queryset seen through a conversion, so that the paginator slices it in the database."""

    def __init__(self, queryset: QuerySet, convert) -> None:
        self.queryset, self.convert = queryset, convert

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.convert(item) for item in self.queryset[index]]
        return self.convert(self.queryset[index])

    def __iter__(self):
        return (self.convert(item) for item in self.queryset)


# Other expenses and transfers between cash and bank: a router of their own, mounted here.
router.add_router("", expenses_router)
