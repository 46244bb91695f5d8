"""Services of the fund: every write to a fund goes through a function here.

The contract, for pages, API, commands and the demo alike:

- Each function owns its transaction (``transaction.atomic``): it writes everything or,
  on any error, nothing. Bad input raises ``DomainError`` (Vietnamese and English,
  ``column`` naming the field); a user without the FUND capability on the fund's unit
  gets ``PermissionDenied``. ``user=None`` means a trusted system caller (``manage.py``
  commands, the demo); pages and the API always pass ``request.user``.
- Amounts are whole positive đồng: ``int``, or a string of digits with optional
  thousands separators "." or space in groups of three ("1.000.000"). Decimals
  ("1000.5", "1.000,5"), zero, negatives, floats and booleans are refused.
- Postings lock the fund's row first (see ``apps.fund.ledger``), so a fund's postings
  are serialised; a donation also locks its ``ReceiptCounter`` row and takes the next
  number: receipts are numbered per fund and year (of the donation's date) without
  gaps or duplicates, formatted "2026/000123".
- Nothing is posted into a closed period (calendar quarters) or dated in the future.
- Every write is in the audit trail through the model signals of ``apps.accounts.audit``
  (entries, lines, donations, disbursements, periods are all ``RegistryRecord``).

Functions (keyword arguments after the first ones):

``create_fund(user, *, code, name, unit, holder=None) -> Fund``
    ``holder``: the unit's association committee (Organisation of kind
    ``learning_association`` on ``unit``); found when there is exactly one.
``post_donation(user, fund, *, amount, date=None, donor_name="", donor_person=None,
    donor_organisation=None, anonymous=False, purpose="", method="cash",
    in_kind_description="", public_consent=False, note="") -> Donation``
    Exactly one donor form: a person or organisation of the registry (instance or
    id, which the user must be able to see), a name, or ``anonymous=True``.
    ``method="in_kind"`` needs ``in_kind_description``; ``amount`` is its stated value.
``record_pledge(user, fund, *, amount, date=None, due_date=None, donor..., purpose="") -> Pledge``
``pay_pledge(user, pledge, *, amount, date=None, method="cash", note="") -> Donation``
    Not beyond what is still owed; the payment is a donation with its receipt.
``reverse_entry(entry, reason, user, *, date=None) -> JournalEntry``
    A new entry with the lines swapped, dated ``date`` (today) in an open period;
    an entry is reversed once; a reversal is not reversed. A reversed disbursement
    payment becomes ``reversed``.
``create_programme(user, fund, *, kind, name, year, criteria="", purpose="",
    standard_amount=None, decision="") -> Programme``
``propose_disbursement(user, programme, *, amount, beneficiary_person=None,
    beneficiary_name="", method="cash", note="") -> Disbursement``
``approve_disbursement(user, disbursement) -> Disbursement`` (refuses the proposer, and a person
    of the registry without recorded consent to processing: ``apps.fund.programmes``)
``reject_disbursement(user, disbursement, reason) -> Disbursement`` (refuses the proposer)
``pay_disbursement(user, disbursement, *, date=None) -> Disbursement``
    Refuses an amount beyond the money available for the programme's restriction
    on the paying account (cash or bank; in kind from gifts in kind).
``close_period(user, fund, day) -> Period``
    Closes the calendar quarter containing ``day``, once it has ended. A closed period is
    never reopened: it is corrected by a reversal in an open period.
``publish_period(user, period) -> Period``
    Publishes the statement of a closed period, once, by a named user.
``set_honour_level(user, fund, *, name, minimum) -> HonourLevel``

Read helpers (scoped through ``scope_for``, failing closed): ``funds_for(user,
capability=VIEW)``, ``get_fund_for_user(user, pk_or_code, capability=VIEW)`` (404
outside the scope), ``donations_for``, ``programmes_for``, ``disbursements_for``,
``sees_personal_data(user, fund)`` (PERSONAL_DATA or FUND on the fund's unit).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.fund import ledger
from apps.fund.ledger import Cr, Dr
from apps.fund.models import (
    BANK,
    CASH,
    DONATION_INCOME,
    IN_KIND,
    MAX_AMOUNT,
    PLEDGES,
    PROGRAMME_ACCOUNTS,
    RESTRICTED_INCOME,
    Disbursement,
    DisbursementStatus,
    Donation,
    DonorKind,
    EntryKind,
    Fund,
    HonourLevel,
    JournalEntry,
    Method,
    Period,
    Pledge,
    Programme,
    ProgrammeKind,
    ReceiptCounter,
)
from apps.organisations.models import Organisation, OrganisationKind
from apps.people.models import Person
from apps.places.models import Unit, UnitKind
from apps.places.services import clean_name

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
# Digits, optionally grouped by thousands with "." or a space (Vietnamese usage: 1.000.000).
AMOUNT_RE = re.compile(r"^(?:\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+)$")
METHOD_ACCOUNTS = {Method.CASH: CASH, Method.BANK: BANK, Method.IN_KIND: IN_KIND}
FUND_LEVELS = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE})


# --- reading, in scope -------------------------------------------------------------------------

def funds_for(user, capability: str = roles.VIEW) -> QuerySet[Fund]:
    """The funds on the units where ``user`` holds ``capability`` (VIEW to see, FUND to post)."""
    return scope_for(user, capability).filter(Fund.objects.select_related("unit", "holder"), "unit")


def get_fund_for_user(user, key: Any, capability: str = roles.VIEW) -> Fund:
    """One fund by id or code; ``Http404`` when unknown or outside the user's scope."""
    funds = funds_for(user, capability)
    try:
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            return funds.get(Q(pk=int(key)) | Q(code=str(key)))
        return funds.get(code=key)
    except (Fund.DoesNotExist, Fund.MultipleObjectsReturned, ValueError, TypeError):
        raise Http404("No fund matches the given query.") from None


def donations_for(user, capability: str = roles.VIEW) -> QuerySet[Donation]:
    return scope_for(user, capability).filter(
        Donation.objects.select_related("fund", "entry"), "fund__unit")


def programmes_for(user, capability: str = roles.VIEW) -> QuerySet[Programme]:
    return scope_for(user, capability).filter(Programme.objects.select_related("fund"), "fund__unit")


def disbursements_for(user, capability: str = roles.VIEW) -> QuerySet[Disbursement]:
    return scope_for(user, capability).filter(
        Disbursement.objects.select_related("programme__fund"), "programme__fund__unit")


def sees_personal_data(user, fund: Fund) -> bool:
    """Donors' and beneficiaries' details: PERSONAL_DATA or FUND on the fund's unit."""
    return any(scope_for(user, cap).covers(fund.unit) for cap in (roles.PERSONAL_DATA, roles.FUND))


def _require_fund(user, fund: Fund) -> None:
    if user is None:
        return
    if not scope_for(user, roles.FUND).covers(fund.unit):
        raise PermissionDenied(_("You may not post to this fund."))


# --- validation --------------------------------------------------------------------------------

def parse_amount(value: Any, column: str = "amount") -> int:
    """Whole positive đồng from an int or text (see the module docstring); else ``DomainError``."""
    number: int | None = None
    if isinstance(value, bool) or isinstance(value, float):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, Decimal):
        number = int(value) if value.is_finite() and value == value.to_integral_value() else None
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", " ")
        if text.startswith("-") and AMOUNT_RE.match(text[1:].strip()):
            number = -1
        elif AMOUNT_RE.match(text):
            number = int(text.replace(".", "").replace(" ", ""))
    if number is None:
        raise DomainError(_("“%(value)s” is not a whole number of đồng (no decimals)."),
                          {"value": value}, column=column)
    if number <= 0:
        raise DomainError(_("The amount must be more than zero đồng."), column=column)
    if number > MAX_AMOUNT:
        raise DomainError(_("The amount %(value)s đồng is too large."), {"value": number}, column=column)
    return number


def _date(value: dt.date | str | None, column: str = "date") -> dt.date:
    today = timezone.localdate()
    if value is None or value == "":
        return today
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DomainError(_("“%(value)s” is not a date (YYYY-MM-DD)."), {"value": value},
                              column=column) from None
    if isinstance(value, dt.datetime):
        value = value.date()
    if value > today:
        raise DomainError(_("The date %(date)s is in the future."), {"date": value.strftime("%d/%m/%Y")},
                          column=column)
    return value


def _text(value: Any, column: str, limit: int) -> str:
    text = clean_name(value if isinstance(value, str) else "" if value is None else str(value))
    if len(text) > limit:
        raise DomainError(_("The field “%(field)s” is longer than %(max)s characters."),
                          {"field": column, "max": limit}, column=column)
    return text


def _method(value: str) -> str:
    if value not in Method.values:
        raise DomainError(_("Unknown method “%(value)s”; use one of: %(choices)s."),
                          {"value": value, "choices": ", ".join(Method.values)}, column="method")
    return value


def _lookup(user, model, value: Any, path: str, column: str):
    """A registry record the user may see, by instance or id; ``DomainError`` otherwise."""
    if value is None or value == "":
        return None
    pk = value.pk if isinstance(value, model) else value
    queryset = model.objects.all() if user is None else scope_for(user).filter(model.objects.all(), path)
    try:
        return queryset.get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise DomainError(_("Unknown reference “%(ref)s”: no such record you may see."), {"ref": pk},
                          column=column) from None


def _donor(user, *, donor_name: Any, donor_person: Any, donor_organisation: Any,
           anonymous: bool) -> dict[str, Any]:
    """The donor fields: exactly one of a person, an organisation, a name or anonymous."""
    name = _text(donor_name, "donor_name", 255)
    person = _lookup(user, Person, donor_person, "village", "donor_person")
    organisation = _lookup(user, Organisation, donor_organisation, "unit", "donor_organisation")
    given = sum(bool(x) for x in (person, organisation, anonymous))
    if given > 1 or (anonymous and name):
        raise DomainError(_("Give one donor: a person, an organisation, a name, or anonymous."),
                          column="donor")
    if person is not None:
        return {"donor_kind": DonorKind.PERSON, "donor_person": person,
                "donor_name": name or person.full_name}
    if organisation is not None:
        return {"donor_kind": DonorKind.ORGANISATION, "donor_organisation": organisation,
                "donor_name": name or organisation.name}
    if anonymous:
        return {"donor_kind": DonorKind.ANONYMOUS, "donor_name": ""}
    if not name:
        raise DomainError(_("The donor is missing: give a name, a registry reference, or mark the gift "
                            "anonymous."), column="donor_name")
    return {"donor_kind": DonorKind.NAMED, "donor_name": name}


def _income(purpose: str) -> str:
    return RESTRICTED_INCOME if purpose else DONATION_INCOME


def _real_user(user):
    return user if getattr(user, "pk", None) else None


# --- funds -------------------------------------------------------------------------------------

@transaction.atomic
def create_fund(user, *, code: str, name: str, unit: Unit, holder: Organisation | None = None) -> Fund:
    """A fund of the association committee of ``unit``, with its chart of accounts."""
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise DomainError(_("The fund code “%(code)s” must be 1 to 40 letters, digits, “-” or “_”."),
                          {"code": code}, column="code")
    name = _text(name, "name", 255)
    if not name:
        raise DomainError(_("The name of the fund is empty."), column="name")
    if not isinstance(unit, Unit) or unit.kind not in FUND_LEVELS:
        raise DomainError(_("A fund belongs to a province, a district or a commune."), column="unit")
    if user is not None and not scope_for(user, roles.FUND).covers(unit):
        raise PermissionDenied(_("You may not create a fund on this unit."))
    if holder is None:
        committees = list(Organisation.objects.filter(unit=unit, kind=OrganisationKind.ASSOCIATION)[:2])
        if len(committees) != 1:
            raise DomainError(_("The unit %(unit)s has no single khuyến học association committee to hold "
                                "the fund; name the holder."), {"unit": unit.name}, column="holder")
        holder = committees[0]
    if holder.kind != OrganisationKind.ASSOCIATION or holder.unit_id != unit.pk:
        raise DomainError(_("The holder must be the khuyến học association committee of the unit."),
                          column="holder")
    if Fund.objects.filter(code__iexact=code).exists():
        raise DomainError(_("A fund with the code “%(code)s” exists already."), {"code": code}, column="code")
    try:
        with transaction.atomic():
            fund = Fund.objects.create(code=code, name=name, unit=unit, holder=holder,
                                       created_by=_real_user(user), is_demo=ledger.is_demo())
    except IntegrityError:
        raise DomainError(_("A fund with the code “%(code)s” exists already."), {"code": code},
                          column="code") from None
    ledger.open_chart(fund)
    return fund


# --- donations and pledges ---------------------------------------------------------------------

def _next_receipt(fund: Fund, year: int) -> int:
    """The next receipt number of the fund's year, under the counter's row lock."""
    ReceiptCounter.objects.get_or_create(fund=fund, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(fund=fund, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _receive(user, fund: Fund, *, amount: int, day: dt.date, method: str, purpose: str, credit: str,
             donor: dict[str, Any], in_kind_description: str, public_consent: bool, note: str,
             kind: str, pledge: Pledge | None = None) -> Donation:
    """Post money (or a gift in kind) received and its receipt; inside the caller's transaction."""
    fund = ledger.lock_fund(fund)  # first lock: fund, then the counter; the same order everywhere
    ledger.require_open(fund, day)
    seq = _next_receipt(fund, day.year)
    receipt = f"{day.year}/{seq:06d}"
    entry = ledger.post(
        fund, date=day, kind=kind, user=user, memo=str(_("Receipt %(number)s") % {"number": receipt}),
        lines=[Dr(METHOD_ACCOUNTS[method], amount, purpose), Cr(credit, amount, purpose)],
    )
    return Donation.objects.create(
        fund=fund, amount=amount, method=method, date=day, purpose=purpose, receipt_year=day.year,
        receipt_seq=seq, entry=entry, pledge=pledge, in_kind_description=in_kind_description,
        public_consent=public_consent, note=note, created_by=_real_user(user), is_demo=ledger.is_demo(),
        **donor,
    )


@transaction.atomic
def post_donation(user, fund: Fund, *, amount: Any, date: dt.date | str | None = None, donor_name: str = "",
                  donor_person: Any = None, donor_organisation: Any = None, anonymous: bool = False,
                  purpose: str = "", method: str = Method.CASH, in_kind_description: str = "",
                  public_consent: bool = False, note: str = "") -> Donation:
    """Receive a donation: Dr cash/bank/in kind, Cr donation income (restricted income when
    ``purpose`` is set), and issue its receipt (NĐ 93/2019 Art. 31.1.b: each contribution by donor)."""
    _require_fund(user, fund)
    amount = parse_amount(amount)
    day = _date(date)
    method = _method(method)
    purpose = _text(purpose, "purpose", 100)
    description = _text(in_kind_description, "in_kind_description", 300)
    if method == Method.IN_KIND and not description:
        raise DomainError(_("Describe the gift in kind."), column="in_kind_description")
    if method != Method.IN_KIND and description:
        raise DomainError(_("A description of a gift in kind needs the method “in kind”."),
                          column="in_kind_description")
    donor = _donor(user, donor_name=donor_name, donor_person=donor_person,
                   donor_organisation=donor_organisation, anonymous=anonymous)
    return _receive(user, fund, amount=amount, day=day, method=method, purpose=purpose,
                    credit=_income(purpose), donor=donor, in_kind_description=description,
                    public_consent=bool(public_consent) and donor["donor_kind"] != DonorKind.ANONYMOUS,
                    note=_text(note, "note", 300), kind=EntryKind.DONATION)


@transaction.atomic
def record_pledge(user, fund: Fund, *, amount: Any, date: dt.date | str | None = None,
                  due_date: dt.date | None = None, donor_name: str = "", donor_person: Any = None,
                  donor_organisation: Any = None, purpose: str = "") -> Pledge:
    """A promise to give: Dr pledges receivable, Cr (restricted) donation income."""
    _require_fund(user, fund)
    amount = parse_amount(amount)
    day = _date(date)
    purpose = _text(purpose, "purpose", 100)
    donor = _donor(user, donor_name=donor_name, donor_person=donor_person,
                   donor_organisation=donor_organisation, anonymous=False)
    if due_date is not None and due_date < day:
        raise DomainError(_("The due date is before the date of the pledge."), column="due_date")
    entry = ledger.post(fund, date=day, kind=EntryKind.PLEDGE, user=user, memo=str(_("Pledge")),
                        lines=[Dr(PLEDGES, amount, purpose), Cr(_income(purpose), amount, purpose)])
    return Pledge.objects.create(fund=fund, amount=amount, date=day, due_date=due_date, purpose=purpose,
                                 entry=entry, created_by=_real_user(user), is_demo=ledger.is_demo(), **donor)


def pledge_outstanding(pledge: Pledge) -> int:
    """What is still owed: the pledge less its payments not reversed (0 for a reversed pledge)."""
    if JournalEntry.objects.filter(reverses=pledge.entry_id).exists():
        return 0
    paid = pledge.payments.filter(entry__reversed_by__isnull=True).aggregate(
        total=Coalesce(Sum("amount"), 0))["total"]
    return pledge.amount - paid


@transaction.atomic
def pay_pledge(user, pledge: Pledge, *, amount: Any, date: dt.date | str | None = None,
               method: str = Method.CASH, note: str = "") -> Donation:
    """A payment on a pledge: Dr cash/bank, Cr pledges receivable; a donation with its receipt."""
    fund = pledge.fund
    _require_fund(user, fund)
    amount = parse_amount(amount)
    day = _date(date)
    method = _method(method)
    if method == Method.IN_KIND:
        raise DomainError(_("A pledge is paid in money; record a gift in kind as a donation."),
                          column="method")
    fund = ledger.lock_fund(fund)
    owed = pledge_outstanding(pledge)
    if amount > owed:
        raise DomainError(_("The payment of %(amount)s đồng is more than the %(owed)s đồng still owed."),
                          {"amount": amount, "owed": owed}, column="amount")
    if day < pledge.date:
        raise DomainError(_("The payment is dated before the pledge."), column="date")
    donor = {"donor_kind": pledge.donor_kind, "donor_person": pledge.donor_person,
             "donor_organisation": pledge.donor_organisation, "donor_name": pledge.donor_name}
    return _receive(user, fund, amount=amount, day=day, method=method, purpose=pledge.purpose, credit=PLEDGES,
                    donor=donor, in_kind_description="", public_consent=False,
                    note=_text(note, "note", 300), kind=EntryKind.PLEDGE_PAYMENT, pledge=pledge)


# --- reversal ----------------------------------------------------------------------------------

@transaction.atomic
def reverse_entry(entry: JournalEntry, reason: str, user, *,
                  date: dt.date | str | None = None) -> JournalEntry:
    """Undo an entry by a new one with every line on the other side, naming it and why."""
    fund = entry.fund
    _require_fund(user, fund)
    reason = _text(reason, "reason", 300)
    if not reason:
        raise DomainError(_("Give the reason for the reversal."), column="reason")
    day = _date(date)
    fund = ledger.lock_fund(fund)
    if entry.kind == EntryKind.REVERSAL:
        raise DomainError(_("A reversal cannot be reversed; post the entry again instead."), column="entry")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("Entry #%(id)s has been reversed already."), {"id": entry.pk}, column="entry")
    if day < entry.date:
        raise DomainError(_("The reversal is dated before the entry it reverses."), column="date")
    lines = [ledger.Line(line.account.code, line.debit or line.credit, not line.debit, line.restriction)
             for line in entry.lines.select_related("account")]
    try:
        with transaction.atomic():
            reversal = ledger.post(fund, date=day, kind=EntryKind.REVERSAL, user=user, reverses=entry,
                                   reason=reason, memo=str(_("Reversal of entry #%(id)s") % {"id": entry.pk}),
                                   lines=lines)
    except IntegrityError:
        raise DomainError(_("Entry #%(id)s has been reversed already."), {"id": entry.pk},
                          column="entry") from None
    disbursement = Disbursement.objects.select_for_update().filter(entry=entry).first()
    if disbursement is not None:
        disbursement.status = DisbursementStatus.REVERSED
        disbursement.updated_by = _real_user(user)
        disbursement.save(update_fields=["status", "updated_by", "updated_at"])
    return reversal


# --- programmes and disbursements --------------------------------------------------------------

@transaction.atomic
def create_programme(user, fund: Fund, *, kind: str, name: str, year: int, criteria: str = "",
                     purpose: str = "", standard_amount: Any = None, decision: str = "") -> Programme:
    _require_fund(user, fund)
    if kind not in ProgrammeKind.values:
        raise DomainError(_("Unknown kind of programme “%(value)s”; use one of: %(choices)s."),
                          {"value": kind, "choices": ", ".join(ProgrammeKind.values)}, column="kind")
    name = _text(name, "name", 255)
    if not name:
        raise DomainError(_("The name of the programme is empty."), column="name")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise DomainError(_("The year %(year)s is not valid."), {"year": year}, column="year")
    if Programme.objects.filter(fund=fund, year=year, name=name).exists():
        raise DomainError(_("The fund already has a programme “%(name)s” in %(year)s."),
                          {"name": name, "year": year}, column="name")
    standard = None if standard_amount in (None, "") else parse_amount(standard_amount, "standard_amount")
    return Programme.objects.create(
        fund=fund, kind=kind, name=name, year=year, criteria=(criteria or "").strip(),
        purpose=_text(purpose, "purpose", 100), standard_amount=standard,
        decision=_text(decision, "decision", 100), created_by=_real_user(user), is_demo=ledger.is_demo(),
    )


@transaction.atomic
def propose_disbursement(user, programme: Programme, *, amount: Any, beneficiary_person: Any = None,
                         beneficiary_name: str = "", method: str = Method.CASH,
                         note: str = "") -> Disbursement:
    """The maker's step: an amount for a beneficiary (linked to the person registry when known)."""
    if _real_user(user) is None:
        raise PermissionDenied(_("A disbursement is proposed by a named user."))
    _require_fund(user, programme.fund)
    if not programme.active:
        raise DomainError(_("The programme “%(name)s” is not active: it takes no new proposals."),
                          {"name": programme.name}, column="programme")
    amount = parse_amount(amount)
    method = _method(method)
    person = _lookup(user, Person, beneficiary_person, "village", "beneficiary_person")
    name = _text(beneficiary_name, "beneficiary_name", 255) or (person.full_name if person else "")
    if not name:
        raise DomainError(_("Name the beneficiary or choose the person in the registry."),
                          column="beneficiary_name")
    return Disbursement.objects.create(
        programme=programme, beneficiary_person=person, beneficiary_name=name, amount=amount, method=method,
        note=_text(note, "note", 300), proposed_by=user, created_by=user, is_demo=ledger.is_demo(),
    )


def _lock_disbursement(disbursement: Disbursement) -> Disbursement:
    return Disbursement.objects.select_for_update().select_related("programme__fund").get(pk=disbursement.pk)


def _decide(user, disbursement: Disbursement, status: str, reason: str = "") -> Disbursement:
    if _real_user(user) is None:
        raise PermissionDenied(_("A disbursement is approved by a named user."))
    _require_fund(user, disbursement.programme.fund)
    disbursement = _lock_disbursement(disbursement)
    if disbursement.status != DisbursementStatus.PROPOSED:
        raise DomainError(_("Only a proposed disbursement can be approved or rejected; this one is "
                            "%(status)s."),
                          {"status": disbursement.get_status_display()}, column="status")
    if disbursement.proposed_by_id == user.pk:
        # Maker–checker: the one who proposed may not approve (nor reject) the proposal.
        raise DomainError(_("You proposed this disbursement: another person must approve it."),
                          column="approved_by")
    if (status == DisbursementStatus.APPROVED and disbursement.beneficiary_person_id
            and not disbursement.consent_processing):
        # Personal data (Luật 91/2025/QH15): the scholarship is the association's own purpose,
        # so a person of the registry is processed for it only with recorded consent.
        raise DomainError(_("Record the consent of the beneficiary or the guardian to the processing of "
                            "the personal data before approving."), column="consent")
    disbursement.status = status
    disbursement.approved_by = user
    disbursement.approved_at = timezone.now()
    disbursement.rejection_reason = reason
    disbursement.updated_by = user
    disbursement.save()
    return disbursement


@transaction.atomic
def approve_disbursement(user, disbursement: Disbursement) -> Disbursement:
    """The checker's step; never by the proposer."""
    return _decide(user, disbursement, DisbursementStatus.APPROVED)


@transaction.atomic
def reject_disbursement(user, disbursement: Disbursement, reason: str) -> Disbursement:
    reason = _text(reason, "rejection_reason", 300)
    if not reason:
        raise DomainError(_("Give the reason for the rejection."), column="rejection_reason")
    return _decide(user, disbursement, DisbursementStatus.REJECTED, reason)


@transaction.atomic
def pay_disbursement(user, disbursement: Disbursement, *, date: dt.date | str | None = None) -> Disbursement:
    """Pay an approved disbursement: Dr the programme's expense, Cr cash/bank, within what the
    programme's restriction holds on that account."""
    fund = disbursement.programme.fund
    _require_fund(user, fund)
    day = _date(date)
    fund = ledger.lock_fund(fund)
    disbursement = _lock_disbursement(disbursement)
    if disbursement.status != DisbursementStatus.APPROVED:
        raise DomainError(_("Only an approved disbursement can be paid; this one is %(status)s."),
                          {"status": disbursement.get_status_display()}, column="status")
    programme = disbursement.programme
    account = METHOD_ACCOUNTS[disbursement.method]
    have = ledger.line_balance(fund, account, programme.purpose)
    if disbursement.amount > have:
        raise DomainError(
            _("%(amount)s đồng is beyond the %(have)s đồng available (%(restriction)s, %(account)s)."),
            {"amount": disbursement.amount, "have": have, "account": Method(disbursement.method).label,
             "restriction": programme.purpose or _("unrestricted")},
            column="amount",
        )
    disbursement.entry = ledger.post(
        fund, date=day, kind=EntryKind.DISBURSEMENT, user=user,
        memo=str(_("Disbursement #%(id)s") % {"id": disbursement.pk}),
        lines=[Dr(PROGRAMME_ACCOUNTS[programme.kind], disbursement.amount, programme.purpose),
               Cr(account, disbursement.amount, programme.purpose)],
    )
    disbursement.status = DisbursementStatus.PAID
    disbursement.updated_by = _real_user(user)
    disbursement.save()
    return disbursement


# --- periods and honour ------------------------------------------------------------------------

def _span(period: Period) -> dict[str, str]:
    return {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")}


@transaction.atomic
def close_period(user, fund: Fund, day: dt.date | str) -> Period:
    """Close the calendar quarter containing ``day`` once it has ended: nothing more is posted
    with a date inside it (NĐ 93/2019 Art. 38.4: quarterly disclosure of settled figures)."""
    _require_fund(user, fund)
    if isinstance(day, str):
        day = _date(day)
    fund = ledger.lock_fund(fund)
    period = ledger.period_for(fund, day)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise DomainError(_("The period %(start)s–%(end)s is closed already."),
                          _span(period), column="period")
    if period.end >= timezone.localdate():
        raise DomainError(_("The period %(start)s–%(end)s has not ended yet."),
                          _span(period), column="period")
    period.closed_at = timezone.now()
    period.closed_by = _real_user(user)
    period.updated_by = _real_user(user)
    period.save()
    return period


@transaction.atomic
def publish_period(user, period: Period) -> Period:
    """Publish the statement of a closed period (công khai; NĐ 93/2019 Art. 38.4 every quarter,
    Art. 38.6 the annual statement). Only a closed period is published, once; it is never
    unpublished nor reopened: a closed period is corrected by a reversal posted in an open
    period, which the next statement shows with its reason."""
    if _real_user(user) is None:
        raise PermissionDenied(_("A statement is published by a named user."))
    _require_fund(user, period.fund)
    ledger.lock_fund(period.fund)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise DomainError(_("Close the period %(start)s–%(end)s before publishing its statement."),
                          _span(period), column="period")
    if period.is_published:
        raise DomainError(_("The statement of %(start)s–%(end)s is published already."),
                          _span(period), column="period")
    period.published_at = timezone.now()
    period.published_by = user
    period.updated_by = user
    period.save()
    return period


@transaction.atomic
def set_honour_level(user, fund: Fund, *, name: str, minimum: Any) -> HonourLevel:
    """A tier of the honour roll set by the association (a new minimum, or a renamed one)."""
    _require_fund(user, fund)
    name = _text(name, "name", 100)
    if not name:
        raise DomainError(_("The name of the honour level is empty."), column="name")
    minimum = parse_amount(minimum, "minimum")
    level, _created = HonourLevel.objects.update_or_create(
        fund=fund, minimum=minimum, defaults={"name": name, "updated_by": _real_user(user)},
        create_defaults={"name": name, "created_by": _real_user(user), "is_demo": ledger.is_demo()},
    )
    return level
