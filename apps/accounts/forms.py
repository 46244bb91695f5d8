from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import AuditEntry


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, for example “district report script”."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=3650, required=False,
                              help_text=_("Empty: until revoked."))


class AuditSearchForm(forms.Form):
    text = forms.CharField(label=_("Record, page or request"), required=False)
    actor = forms.CharField(label=_("By"), required=False)
    model = forms.ChoiceField(label=_("Record type"), required=False, choices=[
        ("", _("all")), ("places.Unit", _("administrative unit or village")),
        ("places.CommuneFlag", _("commune flag")), ("organisations.Organisation", _("organisation")),
        ("accounts.RoleAssignment", _("role assignment")), ("auth.User", _("user")),
    ])
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("all")), *AuditEntry.Action.choices])
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def search_arguments(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}
