from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.places.models import VILLAGE_TYPES


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=[(t, t) for t in VILLAGE_TYPES], initial="thôn")
    code = forms.CharField(
        label=_("Code"), max_length=32, required=False,
        help_text=_("Optional; assigned automatically when empty. It cannot be changed later."),
    )


class VillageImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with the header name,type,code (type and code may be empty)."),
    )


class CommuneFlagForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    special_difficulty = forms.TypedChoiceField(
        label=_("Commune with special difficulties"),
        choices=[("1", _("yes")), ("0", _("no"))],
        coerce=lambda value: value == "1",
    )
    source = forms.CharField(label=_("Source document"), max_length=200, required=False,
                             help_text=_("Decision number and date."))
