"""Forms of the plans pages: filters, progress reports, completion, supervision, obstacles, import.

Forms only read and shape input; the rules (no date in the future, a lead
organisation, the PLANS capability) are the services' (``apps.plans.services``),
whose ``DomainError`` is shown on the field it names.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.organisations.models import Organisation
from apps.plans import status as rules
from apps.plans.models import InspectionKind

MAX_PLAN_FILE_BYTES = 2 * 1024 * 1024  # a plan file is a few kilobytes; this stops a mistaken upload
CHOICE_LIMIT = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _today() -> dt.date:
    return timezone.localdate()


def organisations_for(user, capability: str = roles.VIEW):
    """Active organisations on the units the user reaches with ``capability`` (form choices)."""
    organisations = scope_for(user, capability).filter(Organisation.objects.filter(active=True), "unit")
    return Organisation.objects.filter(pk__in=organisations.values("pk")[:CHOICE_LIMIT]).select_related(
        "unit").order_by("unit__path", "name")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} — {obj.unit.name}"


class TaskFilterForm(forms.Form):
    as_of = forms.DateField(label=_("Status as of"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("all")), *rules.TASK_STATUS_LABELS.items()])
    lead = forms.IntegerField(required=False, widget=forms.HiddenInput)
    document = forms.IntegerField(required=False, widget=forms.HiddenInput)
    group = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("", _("overdue first, then by deadline")), ("organisation", _("by lead organisation")),
    ])


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("Percent done"), required=False, min_value=0, max_value=100)
    attachment = forms.FileField(label=_("Attachment (PDF, JPG or PNG)"), required=False)
    completed = forms.BooleanField(label=_("The task is done on this date"), required=False)


class CompleteForm(forms.Form):
    on = forms.DateField(label=_("Completed on"), widget=DateInput(), initial=_today)


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)


class TargetReportForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=4,
                               help_text=_("A share as a decimal (0.72 for 72%), or a number."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=InspectionKind.choices)
    subject = OrganisationChoiceField(label=_("Inspected organisation"), queryset=Organisation.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)
    team = forms.CharField(label=_("Team"), widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Members of the team and the body that sent it."))
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.ModelChoiceField(label=_("Document checked"), required=False, queryset=None)

    def __init__(self, *args, user, documents, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = organisations_for(user, roles.PLANS)
        self.fields["document"].queryset = documents


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Deadline of the follow-up task"), required=False, widget=DateInput(),
                               help_text=_("With a deadline the recommendation becomes a follow-up task."))


class ObstacleForm(forms.Form):
    raised_by = OrganisationChoiceField(label=_("Raised by"), queryset=Organisation.objects.none())
    raised_on = forms.DateField(label=_("Raised on"), widget=DateInput(), initial=_today)
    description = forms.CharField(label=_("Difficulty"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].queryset = organisations_for(user, roles.PLANS)


class EscalateForm(forms.Form):
    to = OrganisationChoiceField(label=_("Escalate to"), queryset=Organisation.objects.none())
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = organisations


class ResolveObstacleForm(forms.Form):
    on = forms.DateField(label=_("Resolved on"), widget=DateInput(), initial=_today)
    resolution = forms.CharField(label=_("How it was resolved"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))


class ScorecardForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput(),
                            help_text=_("By default 31 December of the year, or today while the year runs."))
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PlanImportForm(forms.Form):
    file = forms.FileField(label=_("Plan file (YAML or JSON)"))
    create_organisations = forms.BooleanField(
        label=_("Create the lead organisations the system does not know yet"), required=False,
        help_text=_("They are created on the unit of their task; without this an unknown organisation "
                    "is an error."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PLAN_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        name = (upload.name or "").lower()
        if not name.endswith((".yaml", ".yml", ".json")):
            raise forms.ValidationError(_("The file must end in .yaml, .yml or .json."))
        return upload
