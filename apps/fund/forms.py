"""Forms of the fund pages. They only shape the input; the rules are the services'.

Amounts are typed as text and read by ``services.parse_amount`` (whole đồng, "1.000.000"
allowed), so that a decimal, zero or a negative is refused on the form with the same
message as the API and the commands give, in Vietnamese and English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.fund import services
from apps.fund.models import DonorKind, Method, ProgrammeKind
from apps.organisations.models import Organisation

CHOICE_LIMIT = 2000


def bilingual(error: DomainError) -> str:
    """"Vietnamese / English" (one text when both read the same): a refusal anyone can read."""
    return error.vietnamese if error.vietnamese == error.english else f"{error.vietnamese} / {error.english}"


class AmountField(forms.CharField):
    """Whole positive đồng; the service's parser decides, the form shows its refusal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Amount (đồng)"))
        kwargs.setdefault("help_text", _("Whole đồng, for example 500000 or 500.000."))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> int | None:
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return services.parse_amount(value)
        except DomainError as error:
            raise forms.ValidationError(bilingual(error), code="amount") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def today() -> dt.date:
    return timezone.localdate()


class DonorFields(forms.Form):
    """Who gave: a person of the registry (chosen by search), an organisation, a name, or anonymous."""

    donor_kind = forms.ChoiceField(label=_("Donor"), choices=DonorKind.choices, initial=DonorKind.NAMED,
                                   widget=forms.RadioSelect)
    donor_person = forms.IntegerField(label=_("Person in the registry"), required=False,
                                      widget=forms.HiddenInput)
    donor_organisation = forms.ModelChoiceField(label=_("Organisation in the registry"),
                                                queryset=Organisation.objects.none(), required=False,
                                                empty_label="—")
    donor_name = forms.CharField(label=_("Donor name"), max_length=255, required=False,
                                 help_text=_("For a named donor; for a person or an organisation the "
                                             "registry's name is used when this is empty."))

    allow_anonymous = True

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = scope_for(user).filter(Organisation.objects.filter(active=True))
        self.fields["donor_organisation"].queryset = Organisation.objects.filter(
            pk__in=organisations.values("pk")[:CHOICE_LIMIT]).order_by("unit__path", "name")
        if not self.allow_anonymous:
            self.fields["donor_kind"].choices = [c for c in DonorKind.choices if c[0] != DonorKind.ANONYMOUS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("donor_kind")
        if kind == DonorKind.PERSON and not data.get("donor_person"):
            self.add_error("donor_person", _("Search the registry and choose the person."))
        if kind == DonorKind.ORGANISATION and not data.get("donor_organisation"):
            self.add_error("donor_organisation", _("Choose the organisation."))
        if kind == DonorKind.NAMED and not data.get("donor_name"):
            self.add_error("donor_name", _("Give the donor's name."))
        return data

    def donor_arguments(self) -> dict[str, Any]:
        """The donor as the service's keyword arguments: only the chosen form of donor."""
        data = self.cleaned_data
        kind = data["donor_kind"]
        name = data.get("donor_name") or ""
        if kind == DonorKind.PERSON:
            return {"donor_person": data["donor_person"], "donor_name": name}
        if kind == DonorKind.ORGANISATION:
            return {"donor_organisation": data["donor_organisation"], "donor_name": name}
        if kind == DonorKind.ANONYMOUS:
            return {"anonymous": True}
        return {"donor_name": name}


class DonationForm(DonorFields):
    public_consent = forms.BooleanField(
        label=_("The donor agrees to be named on the honour roll and the public statement"), required=False,
        help_text=_("Ask the donor; never tick it for them. Organisations are named in any case."))
    amount = AmountField()
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, initial=Method.CASH)
    in_kind_description = forms.CharField(label=_("Gift in kind"), max_length=300, required=False,
                                          help_text=_("For a gift in kind: what was given; the amount is "
                                                      "its stated value."))
    date = forms.DateField(label=_("Date"), initial=today, widget=DateInput())
    purpose = forms.CharField(label=_("Restricted purpose"), max_length=100, required=False,
                              help_text=_("Empty: the money may be used for any purpose of the fund."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**self.donor_arguments(), "amount": data["amount"], "date": data["date"],
                "method": data["method"], "in_kind_description": data["in_kind_description"],
                "purpose": data["purpose"], "note": data["note"], "public_consent": data["public_consent"]}


class PledgeForm(DonorFields):
    allow_anonymous = False

    amount = AmountField()
    date = forms.DateField(label=_("Date of the pledge"), initial=today, widget=DateInput())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    purpose = forms.CharField(label=_("Restricted purpose"), max_length=100, required=False)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**self.donor_arguments(), "amount": data["amount"], "date": data["date"],
                "due_date": data["due_date"], "purpose": data["purpose"]}


class PledgePaymentForm(forms.Form):
    amount = AmountField()
    date = forms.DateField(label=_("Date"), initial=today, widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), choices=[(Method.CASH, Method.CASH.label),
                                                           (Method.BANK, Method.BANK.label)])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=300,
                             help_text=_("Required: the entry stays in the books, reversed by a new one."))
    date = forms.DateField(label=_("Date of the reversal"), initial=today, widget=DateInput())


class ProgrammeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    name = forms.CharField(label=_("Name"), max_length=255)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    criteria = forms.CharField(label=_("Criteria"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    purpose = forms.CharField(label=_("Restricted purpose"), max_length=100, required=False,
                              help_text=_("Pays only from money given for this purpose; empty: from "
                                          "unrestricted money."))
    standard_amount = AmountField(label=_("Standard amount (đồng)"), required=False)
    decision = forms.CharField(label=_("Decision number"), max_length=100, required=False)


class DisbursementForm(forms.Form):
    """The maker's proposal: a beneficiary (from the registry, by search, or by name) and an amount."""

    beneficiary_person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    beneficiary_name = forms.CharField(label=_("Beneficiary name"), max_length=255, required=False,
                                       help_text=_("Empty when a person of the registry is chosen."))
    amount = AmountField()
    method = forms.ChoiceField(label=_("Method"), choices=[(Method.CASH, Method.CASH.label),
                                                           (Method.BANK, Method.BANK.label)])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RejectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the rejection"), max_length=300)


class PayForm(forms.Form):
    date = forms.DateField(label=_("Date of payment"), initial=today, widget=DateInput())


class ClosePeriodForm(forms.Form):
    day = forms.DateField(label=_("A day of the period"), widget=DateInput(),
                          help_text=_("The calendar quarter containing this day is closed once it has "
                                      "ended."))


class HonourLevelForm(forms.Form):
    name = forms.CharField(label=_("Name of the level"), max_length=100)
    minimum = AmountField(label=_("Minimum in a year (đồng)"))


MONEY_METHODS = [(Method.CASH, Method.CASH.label), (Method.BANK, Method.BANK.label)]


class ExpenseForm(forms.Form):
    """Another expense; a management cost counts against the cap of NĐ 93/2019 Art. 37.2."""

    date = forms.DateField(label=_("Date"), initial=today, widget=DateInput())
    amount = AmountField()
    method = forms.ChoiceField(label=_("Paid from"), choices=MONEY_METHODS)
    description = forms.CharField(label=_("Description"), max_length=300)
    payee = forms.CharField(label=_("Paid to"), max_length=255, required=False)
    management_cost = forms.BooleanField(
        label=_("A management cost of the fund"), required=False,
        help_text=_("At most 5% of the year's receipts in money; up to 10% with a decision that it is "
                    "needed (NĐ 93/2019 Art. 37.2). Paid from unrestricted money."))
    purpose = forms.CharField(label=_("Restricted purpose of the money spent"), max_length=100,
                              required=False,
                              help_text=_("Empty: unrestricted money."))
    decision = forms.CharField(label=_("Decision allowing up to 10%"), max_length=100, required=False)
    voucher = forms.CharField(label=_("Voucher number"), max_length=100, required=False)


class TransferForm(forms.Form):
    source = forms.ChoiceField(label=_("Movement"), choices=[
        ("cash", _("Deposit cash in the bank")), ("bank", _("Withdraw cash from the bank"))])
    date = forms.DateField(label=_("Date"), initial=today, widget=DateInput())
    amount = AmountField()
    purpose = forms.CharField(label=_("Restricted purpose of the money moved"), max_length=100,
                              required=False, help_text=_("Empty: unrestricted money."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ProgrammeEditForm(forms.Form):
    criteria = forms.CharField(label=_("Criteria"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    purpose = forms.CharField(label=_("Restricted purpose"), max_length=100, required=False,
                              help_text=_("Cannot change once a disbursement of the programme is approved "
                                          "or paid."))
    standard_amount = AmountField(label=_("Standard amount (đồng)"), required=False)
    decision = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    active = forms.BooleanField(label=_("Active (takes new proposals)"), required=False)


class ConsentForm(forms.Form):
    """Consent per purpose, never pre-ticked (shared/domain/personal-data.md)."""

    given_by = forms.CharField(label=_("Consent given by"), max_length=255,
                               help_text=_("The beneficiary, or the name of the parent or guardian."))
    processing = forms.BooleanField(label=_("Agrees that the association keeps and uses these data for "
                                            "the scholarship"), required=False)
    public = forms.BooleanField(label=_("Agrees to be named in full on the public statement"), required=False)
