"""Forms of the association pages; the services validate, the forms only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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


class MemberForm(forms.Form):
    """A member by name only (a person of the registry is added from the search results)."""

    year = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReportedCountForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    count = forms.IntegerField(label=_("Number of members"), min_value=0, required=False,
                               help_text=_("Empty removes the reported number."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
