from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.organisations.models import Organisation, OrganisationKind
from apps.places.models import Unit, UnitKind

CHOICE_LIMIT = 2000


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        parent = f" — {obj.parent.name}" if obj.parent_id else ""
        return f"{obj.name} ({obj.code}){parent}"


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=OrganisationKind.choices)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    parent = forms.ModelChoiceField(label=_("Parent organisation"), queryset=Organisation.objects.none(),
                                    required=False)
    head_name = forms.CharField(label=_("Head"), max_length=150, required=False)
    head_title = forms.CharField(label=_("Head's title"), max_length=150, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, on: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = (
            scope_for(user, EDIT).units().in_force(on).exclude(kind=UnitKind.VILLAGE)
            .select_related("parent").order_by("path")
        )
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=units.values("pk")[:CHOICE_LIMIT]) \
            .select_related("parent").order_by("path")
        organisations = scope_for(user).filter(Organisation.objects.filter(active=True)).order_by(
            "unit__path", "name")
        self.fields["parent"].queryset = Organisation.objects.filter(
            pk__in=organisations.values("pk")[:CHOICE_LIMIT]).order_by("unit__path", "name")


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("all")), *OrganisationKind.choices])
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    inactive = forms.BooleanField(label=_("Include inactive"), required=False)
