"""The khuyến học fund (quỹ khuyến học): a double-entry ledger, donations, pledges, programmes.

A fund is held by an association committee (an ``organisations.Organisation`` of
kind ``learning_association``) on an administrative unit, and its books follow the
record-keeping standard of Nghị định 93/2019/NĐ-CP (Art. 31.1.b: each contribution by
donor, each amount by beneficiary). Money is integer đồng, never a float.

Journal entries and their lines are append-only: they are written only by the
services (``apps.fund.services`` through ``apps.fund.ledger``), never updated or
deleted: a mistake is reversed by a new entry naming the one it reverses and why.
The model layer enforces it: ``save()`` on a stored row, ``delete()`` and the
queryset's ``update()``/``delete()`` raise ``AppendOnlyError``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import RegistryRecord

MAX_AMOUNT = 10**15  # a thousand trillion đồng: far beyond any fund, stops typing accidents


class AppendOnlyError(Exception):
    """An attempt to change or delete a ledger row; reverse it with a new entry instead."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Ledger rows are never updated; post a reversing entry.")

    def delete(self):
        raise AppendOnlyError("Ledger rows are never deleted; post a reversing entry.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Ledger rows are never updated; post a reversing entry.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("Ledger rows are written only by apps.fund.ledger.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Ledger rows are never updated; post a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ledger rows are never deleted; post a reversing entry.")


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


# The chart of accounts, as data: (code, English name, kind). Every fund gets all of them.
# Assets and expenses are debit-normal, income credit-normal. ``in_kind`` holds gifts in
# kind at their stated value until they are handed out (NĐ 93 Art. 31.1.b: "in money or in
# kind"); it is not money and is never available for a cash disbursement.
CASH, BANK, PLEDGES, IN_KIND = "cash", "bank", "pledges", "in_kind"
DONATION_INCOME, RESTRICTED_INCOME = "donation_income", "restricted_income"
SCHOLARSHIPS, AWARDS, SUPPORT, OTHER_EXPENSES = "scholarships", "awards", "support", "other_expenses"
CHART: list[tuple[str, object, str]] = [
    (CASH, _("Cash"), AccountKind.ASSET),
    (BANK, _("Bank"), AccountKind.ASSET),
    (PLEDGES, _("Pledges receivable"), AccountKind.ASSET),
    (IN_KIND, _("Gifts in kind"), AccountKind.ASSET),
    (DONATION_INCOME, _("Donation income"), AccountKind.INCOME),
    (RESTRICTED_INCOME, _("Restricted income"), AccountKind.INCOME),
    (SCHOLARSHIPS, _("Scholarships"), AccountKind.EXPENSE),
    (AWARDS, _("Awards"), AccountKind.EXPENSE),
    (SUPPORT, _("Support"), AccountKind.EXPENSE),
    (OTHER_EXPENSES, _("Other expenses"), AccountKind.EXPENSE),
]
MONEY_ACCOUNTS = (CASH, BANK)


class Fund(RegistryRecord):
    """A learning promotion fund (quỹ khuyến học) of an association committee on a unit."""

    code = models.SlugField(_("code"), max_length=40, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=255)
    holder = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="funds",
        verbose_name=_("holder"), help_text=_("The association committee that holds the fund."),
    )
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="funds",
                             verbose_name=_("unit"))

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["unit__path", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class FundPart(RegistryRecord):
    """A record of a fund: scoped and audited on the fund's unit."""

    unit_field = "unit"

    class Meta:
        abstract = True

    @property
    def unit(self):
        return self.fund.unit


class Account(models.Model):
    """An account of a fund's chart. ``balance`` (debit − credit, đồng) is kept by the ledger
    in the posting's transaction; ``manage.py fund verify`` checks it against the lines."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("fund"))
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=AccountKind.choices)
    balance = models.BigIntegerField(_("balance"), default=0, editable=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["fund", "pk"]
        constraints = [models.UniqueConstraint(fields=["fund", "code"], name="fund_account_code_unique")]

    def __str__(self) -> str:
        return f"{self.fund.code}:{self.code}"


class Period(FundPart):
    """An accounting period: a calendar quarter (NĐ 93 Art. 38.4 asks disclosure every
    quarter and every year). Created on the first posting dated in it; once closed, nothing
    more is posted with a date inside it."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="periods", verbose_name=_("fund"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("closed by"))
    # Publishing the statement (NĐ 93/2019 Art. 38.4, 38.6) after the period is closed; once
    # published it stays published: a correction is a reversal in an open period.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("published by"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["fund", "start"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "start"], name="fund_period_start_unique"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")),
                                   name="fund_period_end_after_start"),
            models.CheckConstraint(condition=Q(published_at__isnull=True) | Q(closed_at__isnull=False),
                                   name="fund_period_published_when_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class EntryKind(models.TextChoices):
    DONATION = "donation", _("Donation")
    PLEDGE = "pledge", _("Pledge")
    PLEDGE_PAYMENT = "pledge_payment", _("Pledge payment")
    DISBURSEMENT = "disbursement", _("Disbursement")
    TRANSFER = "transfer", _("Transfer")
    EXPENSE = "expense", _("Other expense")
    REVERSAL = "reversal", _("Reversal")


class JournalEntry(AppendOnlyModel, FundPart):
    """A posting: balanced lines on one date. Never changed; ``reverses`` undoes another one."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund"))
    date = models.DateField(_("date"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="entries",
                               verbose_name=_("period"))
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    # One-to-one: an entry is reversed at most once, also under concurrent requests.
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("posted by"))
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["fund", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(reverses__isnull=True) | ~Q(reason=""),
                                   name="fund_reversal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code} #{self.pk} {self.date:%d/%m/%Y} {self.kind}"


class EntryLine(AppendOnlyModel, FundPart):
    """One side of an entry: a positive debit or a positive credit on an account, for a
    restriction (the purpose a donor set; empty for unrestricted money)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines",
                              verbose_name=_("entry"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines",
                                verbose_name=_("account"))
    debit = models.BigIntegerField(_("debit"), default=0)
    credit = models.BigIntegerField(_("credit"), default=0)
    restriction = models.CharField(_("restriction"), max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("entry line")
        verbose_name_plural = _("entry lines")
        ordering = ["entry", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0, credit=0) | Q(debit=0, credit__gt=0)),
                name="fund_line_one_positive_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} D{self.debit} C{self.credit}"

    @property
    def fund(self) -> Fund:
        return self.entry.fund


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK = "bank", _("Bank transfer")
    IN_KIND = "in_kind", _("In kind")


class DonorKind(models.TextChoices):
    PERSON = "person", _("Person in the registry")
    ORGANISATION = "organisation", _("Organisation in the registry")
    NAMED = "named", _("Named donor")
    ANONYMOUS = "anonymous", _("Anonymous")


class Pledge(FundPart):
    """A promise to give (đăng ký ủng hộ), booked as a receivable until paid."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("fund"))
    donor_kind = models.CharField(_("donor kind"), max_length=16, choices=DonorKind.choices)
    donor_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("donor (person)"))
    donor_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("donor (organisation)"))
    donor_name = models.CharField(_("donor name"), max_length=255, blank=True)
    amount = models.BigIntegerField(_("amount (đồng)"))
    date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    purpose = models.CharField(_("restricted purpose"), max_length=100, blank=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="pledge",
                                 verbose_name=_("entry"))

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["fund", "date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_pledge_amount_positive")]

    def __str__(self) -> str:
        return f"{self.fund.code} pledge {self.amount:,} đ"


class Donation(FundPart):
    """A contribution received, in money or in kind at a stated value, with its receipt.

    The receipt number is gapless per fund and receipt year (the year of the donation's
    date): ``receipt_seq`` is taken from ``ReceiptCounter`` under a row lock.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations", verbose_name=_("fund"))
    donor_kind = models.CharField(_("donor kind"), max_length=16, choices=DonorKind.choices)
    donor_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("donor (person)"))
    donor_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("donor (organisation)"))
    donor_name = models.CharField(_("donor name"), max_length=255, blank=True)
    public_consent = models.BooleanField(
        _("may be named publicly"), default=False,
        help_text=_("The donor agreed to be named on the honour roll and the public statement."),
    )
    amount = models.BigIntegerField(_("amount (đồng)"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.CASH)
    in_kind_description = models.CharField(_("gift in kind"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    purpose = models.CharField(_("restricted purpose"), max_length=100, blank=True,
                               help_text=_("Empty: the money may be used for any purpose of the fund."))
    receipt_year = models.PositiveSmallIntegerField(_("receipt year"))
    receipt_seq = models.PositiveIntegerField(_("receipt sequence"))
    pledge = models.ForeignKey(Pledge, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="payments", verbose_name=_("pledge"))
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="donation",
                                 verbose_name=_("entry"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["fund", "receipt_year", "receipt_seq"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "receipt_year", "receipt_seq"],
                                    name="fund_receipt_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_donation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code} {self.receipt_number}"

    @property
    def receipt_number(self) -> str:
        return format_receipt_number(self.receipt_year, self.receipt_seq)

    @property
    def audit_repr(self) -> str:
        """The receipt number: the trail is read by people without personal-data rights."""
        return f"{self.fund.code} {self.receipt_number}"


def format_receipt_number(year: int, seq: int) -> str:
    """"2026/000123": the receipt year, then the sequence in the fund's year, six digits."""
    return f"{year}/{seq:06d}"


class ReceiptCounter(models.Model):
    """The last receipt number issued per fund and year. Locked (``select_for_update``) by
    every donation posting so that numbers are neither duplicated nor skipped."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="receipt_counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "year"], name="fund_receipt_counter_unique")]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.year}: {self.last_number}"


class ProgrammeKind(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Scholarship")
    AWARD = "award", _("Award")
    SUPPORT = "support", _("Support")


PROGRAMME_ACCOUNTS = {ProgrammeKind.SCHOLARSHIP: SCHOLARSHIPS, ProgrammeKind.AWARD: AWARDS,
                      ProgrammeKind.SUPPORT: SUPPORT}


class Programme(FundPart):
    """A programme of the fund: scholarships for poor students, awards, support, with criteria."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="programmes",
                             verbose_name=_("fund"))
    kind = models.CharField(_("kind"), max_length=16, choices=ProgrammeKind.choices)
    name = models.CharField(_("name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    criteria = models.TextField(_("criteria"), blank=True)
    purpose = models.CharField(
        _("restricted purpose"), max_length=100, blank=True,
        help_text=_("Pays only from money given for this purpose; empty: from unrestricted money."),
    )
    standard_amount = models.BigIntegerField(_("standard amount (đồng)"), null=True, blank=True)
    decision = models.CharField(_("decision number"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("An inactive programme takes no new proposals."))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["fund", "-year", "name"]
        constraints = [models.UniqueConstraint(fields=["fund", "year", "name"],
                                               name="fund_programme_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class DisbursementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    REVERSED = "reversed", _("Payment reversed")


class Disbursement(RegistryRecord):
    """An amount for a beneficiary of a programme: proposed by one person, approved by
    another (maker–checker), then paid by a posting."""

    unit_field = "unit"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="disbursements",
                                  verbose_name=_("programme"))
    beneficiary_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("beneficiary (person)"))
    beneficiary_name = models.CharField(_("beneficiary name"), max_length=255)
    amount = models.BigIntegerField(_("amount (đồng)"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.CASH)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DisbursementStatus.choices,
                              default=DisbursementStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved or rejected by"))
    approved_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    entry = models.OneToOneField(JournalEntry, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="disbursement", verbose_name=_("payment entry"))
    # Consent of the beneficiary or guardian (Luật 91/2025/QH15; shared/domain/personal-data.md):
    # per purpose, recorded with who and when, never pre-ticked; silence is not consent.
    consent_processing = models.BooleanField(
        _("consents to the processing of personal data"), default=False,
        help_text=_("For the scholarship: the beneficiary or the guardian agreed that the association "
                    "keeps and uses these data."))
    consent_public = models.BooleanField(
        _("consents to be named publicly"), default=False,
        help_text=_("The beneficiary or the guardian agreed to the full name on the public statement."))
    consent_given_by = models.CharField(_("consent given by"), max_length=255, blank=True,
                                        help_text=_("The beneficiary, or the guardian's name."))
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+",
                                            verbose_name=_("consent recorded by"))
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+",
                                             verbose_name=_("consent withdrawal recorded by"))
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["programme", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_disbursement_amount_positive"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True)
                                   | ~Q(approved_by=models.F("proposed_by")),
                                   name="fund_disbursement_checker_not_maker"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk}"

    @property
    def unit(self):
        return self.programme.fund.unit

    @property
    def fund(self) -> Fund:
        return self.programme.fund

    @property
    def audit_repr(self) -> str:
        """No beneficiary name in the trail (personal data)."""
        return f"{self.programme.fund.code} disbursement #{self.pk}"


class HonourLevel(FundPart):
    """A tier of the donor honour roll (tôn vinh) set by the association: donors whose gifts
    in a year reach ``minimum`` đồng are honoured at this level."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="honour_levels",
                             verbose_name=_("fund"))
    name = models.CharField(_("name"), max_length=100)
    minimum = models.BigIntegerField(_("minimum (đồng)"))

    class Meta:
        verbose_name = _("honour level")
        verbose_name_plural = _("honour levels")
        ordering = ["fund", "-minimum"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "minimum"], name="fund_honour_minimum_unique"),
            models.CheckConstraint(condition=Q(minimum__gt=0), name="fund_honour_minimum_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ≥ {self.minimum:,} đ"


class Expense(FundPart):
    """Another expense of the fund (chi khác), paid from cash or bank by a posting: Dr other
    expenses, Cr cash/bank. A management cost (chi phí quản lý quỹ) counts against the cap of
    NĐ 93/2019/NĐ-CP Art. 37.2 (see ``apps.fund.expenses``)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("fund"))
    date = models.DateField(_("date"))
    amount = models.BigIntegerField(_("amount (đồng)"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.CASH)
    description = models.CharField(_("description"), max_length=300)
    payee = models.CharField(_("paid to"), max_length=255, blank=True)
    purpose = models.CharField(_("restricted purpose"), max_length=100, blank=True,
                               help_text=_("The money spent: empty for unrestricted money."))
    management_cost = models.BooleanField(
        _("management cost"), default=True,
        help_text=_("A cost of running the fund; at most 5% of the year's receipts (NĐ 93/2019 Art. 37.2)."))
    decision = models.CharField(
        _("decision allowing up to 10%"), max_length=100, blank=True,
        help_text=_("The number of the decision that a management cost above 5% (at most 10%) of the "
                    "year's receipts is needed."))
    voucher = models.CharField(_("voucher number"), max_length=100, blank=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="expense",
                                 verbose_name=_("entry"))

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["fund", "date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_expense_amount_positive")]

    def __str__(self) -> str:
        return f"{self.fund.code} expense {self.amount:,} đ"
