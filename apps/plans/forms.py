"""Forms of the plans pages: authoring, filters, progress, completion, supervision, obstacles, import.

Forms only read and shape input; the rules (no date in the future, a lead
organisation, the PLANS capability) are the services' (``apps.plans.services``),
whose ``DomainError`` is shown on the field it names.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.accounts.scope import scope_for
from apps.organisations.forms import UnitChoiceField
from apps.organisations.models import Organisation, OrganisationKind
from apps.places.models import Unit, UnitKind
from apps.plans import status as rules
from apps.plans.models import Direction, Document, DocumentKind, InspectionKind, Recurrence, Task

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


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
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


# --- authoring: documents, targets, tasks, cascade ------------------------------------------


def units_for(user) -> QuerySet[Unit]:
    """Provinces, districts and communes (both maps) where the user holds PLANS (form choices).

    Not limited to the units in force: a district plan stays on the former district
    after 1/7/2025 (``docs/plans.md``).
    """
    units = scope_for(user, roles.PLANS).units().exclude(kind=UnitKind.VILLAGE)
    # Shorter paths (higher levels) first: a cut at CHOICE_LIMIT (an administrator) drops communes.
    first = units.order_by(Length("path"), "path").values("pk")[:CHOICE_LIMIT]
    return Unit.objects.filter(pk__in=first).select_related("parent").order_by("path")


def metric_choices() -> list[tuple[str, str]]:
    from apps.metrics.registry import METRICS

    return [("", _("none: the value is reported by hand")),
            *((name, f"{metric.label} ({name})") for name, metric in sorted(METRICS.items()))]


class DocumentForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=60, help_text=_("As printed, e.g. 145-KH/HU."))
    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    issuer_name = forms.CharField(label=_("Issued by"), max_length=255, required=False,
                                  help_text=_("As printed on the document."))
    issuer = OrganisationChoiceField(label=_("Issuing organisation"), required=False,
                                     queryset=Organisation.objects.none())
    date = forms.DateField(label=_("Date of issue"), required=False, widget=DateInput(),
                           help_text=_("Leave empty when the date is not known."))
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
    parent = forms.ModelChoiceField(label=_("Implements"), required=False, queryset=Document.objects.none(),
                                    help_text=_("The document this one carries out."))
    unit = UnitChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.none(),
                           empty_label=_("none: a central (national) document"))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    text = forms.CharField(label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("Attach a file (PDF, JPG or PNG)"), required=False)
    attachment_title = forms.CharField(label=_("Title of the attachment"), max_length=255, required=False)

    def __init__(self, *args, user, documents: QuerySet[Document], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = organisations_for(user)
        self.fields["parent"].queryset = Document.objects.filter(
            pk__in=documents.values("pk")[:CHOICE_LIMIT]).order_by("date", "number")
        self.fields["unit"].queryset = units_for(user)


class TargetForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Unique in the document, e.g. M1."))
    title = forms.CharField(label=_("Title"), max_length=500)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    metric = forms.ChoiceField(label=_("Metric"), required=False, choices=(),
                               help_text=_("Its live value is the target's progress."))
    organisation = OrganisationChoiceField(label=_("Responsible organisation"), required=False,
                                           queryset=Organisation.objects.none())
    accountable_head = forms.CharField(label=_("Accountable head"), max_length=200, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=20, decimal_places=4,
                                  help_text=_("A share as a decimal (0.72 for 72%), or a number."))
    baseline_on = forms.DateField(label=_("Baseline date"), required=False, widget=DateInput())
    target_value = forms.DecimalField(label=_("Target value"), max_digits=20, decimal_places=4)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.INCREASE)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, user, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)
        self.fields["metric"].choices = metric_choices()
        self.fields["organisation"].queryset = organisations_for(user, roles.PLANS)
        if editing:  # the code is the key of re-imports: fixed once given
            self.fields["code"].disabled = True


class TaskForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60, help_text=_("Unique in the document, e.g. T1."))
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    # Not required here: the service refuses a task without a lead, on this field, in both languages.
    lead = OrganisationChoiceField(label=_("Lead organisation"), required=False,
                                   queryset=Organisation.objects.none())
    coordinating = OrganisationMultipleChoiceField(label=_("Coordinating organisations"), required=False,
                                                   queryset=Organisation.objects.none())
    accountable_head = forms.CharField(
        label=_("Accountable head"), max_length=200, required=False,
        help_text=_("The head who answers for the task in the annual evaluation."))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput(),
                               help_text=_("For a recurring task: the deadline of the first occurrence."))
    recurrence = forms.ChoiceField(label=_("Recurrence"), required=False, choices=Recurrence.choices)
    until = forms.DateField(label=_("Recurs until"), required=False, widget=DateInput(),
                            help_text=_("By default the end of the document's validity, else 31 December."))
    parent = forms.ModelChoiceField(label=_("Parent task"), required=False, queryset=Task.objects.none())

    def __init__(self, *args, user, tasks: QuerySet[Task], editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)
        self.fields["lead"].queryset = organisations_for(user, roles.PLANS)
        self.fields["coordinating"].queryset = organisations_for(user)
        self.fields["parent"].queryset = Task.objects.filter(
            pk__in=tasks.values("pk")[:CHOICE_LIMIT]).order_by("code")
        if editing:
            self.fields["code"].disabled = True
            self.fields["until"].help_text = _("Used only when the task has no occurrences yet.")


class CascadeForm(forms.Form):
    lead_kind = forms.ChoiceField(label=_("Each commune's lead organisation"),
                                  choices=OrganisationKind.choices)
    deadline = forms.DateField(label=_("Deadline of the sub-tasks"), required=False, widget=DateInput(),
                               help_text=_("By default the task's own deadline."))
    on = forms.DateField(
        label=_("Communes in force on"), widget=DateInput(), initial=_today,
        help_text=_("The map of this date gives the communes (the 2025 reform merged them)."))
