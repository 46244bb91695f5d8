"""Forms of the association pages; the services validate, the forms only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.association.models import ConsentPurpose
from apps.association.services import ConsentGiven
from apps.organisations.models import Organisation
from apps.places.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NamedUnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class BranchForm(forms.Form):
    """A new branch: in a village of the commune or in one of its organisations."""

    village = NamedUnitChoice(label=_("Village"), queryset=Unit.objects.none(), required=False,
                              empty_label=_("— none —"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(),
                                          required=False, empty_label=_("— none —"),
                                          help_text=_("Choose a village or an organisation, not both."))
    name = forms.CharField(label=_("Name"), max_length=255, required=False,
                           help_text=_("Empty: “Chi hội khuyến học” and the village's name."))
    committee = forms.ModelChoiceField(label=_("Association committee"), queryset=Organisation.objects.none(),
                                       empty_label=None)
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DATE)
    head_name = forms.CharField(label=_("Head of the branch"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, villages, organisations, committees, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["organisation"].queryset = organisations
        self.fields["committee"].queryset = committees
        if editing:
            del self.fields["village"]
            del self.fields["organisation"]
            self.fields["name"].required = True
            self.fields["name"].help_text = ""


class DissolveForm(forms.Form):
    dissolved_on = forms.DateField(label=_("Dissolved on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ConsentFields(forms.Form):
    """The member's consent, one box per purpose; never ticked in advance (silence is not consent)."""

    consent_membership = forms.BooleanField(label=ConsentPurpose.MEMBERSHIP.label, required=False,
                                            initial=False)
    consent_registry_link = forms.BooleanField(label=ConsentPurpose.REGISTRY_LINK.label, required=False,
                                               initial=False)
    consent_given_on = forms.DateField(label=_("Consent given on"), required=False, widget=DATE)
    consent_evidence = forms.CharField(
        label=_("Evidence of the consent"), max_length=300, required=False,
        help_text=_("For example: the signed form of 12/03/2026 kept by the branch."),
    )

    def consents(self) -> list[ConsentGiven]:
        """The ticked purposes as consents (the service refuses a missing one, a date or evidence)."""
        data = self.cleaned_data
        return [ConsentGiven(purpose, data.get("consent_given_on"), data.get("consent_evidence") or "")
                for purpose in ConsentPurpose.values if data.get(f"consent_{purpose}")]


class MemberForm(ConsentFields):
    """A member: a person of the registry (``person``) or a name, with the member's consent."""

    year = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    field_order = ["year", "person", "full_name", "joined_on", "note"]

    def __init__(self, *args, linked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if linked:
            del self.fields["full_name"]
        else:
            del self.fields["consent_registry_link"]


class ConsentForm(ConsentFields):
    """A consent for a member already listed (before consents were kept, or consenting again)."""

    def __init__(self, *args, linked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not linked:
            del self.fields["consent_registry_link"]


class WithdrawConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE)
    evidence = forms.CharField(label=_("Evidence of the withdrawal"), max_length=300,
                               help_text=_("For example: the member's letter of 02/11/2026."))


class ReportedCountForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    count = forms.IntegerField(label=_("Number of members"), min_value=0, required=False,
                               help_text=_("Empty removes the reported number."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
