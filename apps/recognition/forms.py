"""Forms of the learning-model title pages: thin, the services validate the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import RECOGNITION
from apps.accounts.scope import scope_for
from apps.places.models import Unit, UnitKind
from apps.recognition import services
from apps.recognition.models import CriteriaSet, Title

MAX_SET_FILE_BYTES = 1_000_000


class CampaignForm(forms.Form):
    """Open a campaign: a title, a year, a commune the user runs campaigns in, and a criteria set."""

    title = forms.ChoiceField(label=_("Learning title"), choices=Title.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    commune = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(),
        help_text=_("A commune; for “Đơn vị học tập cấp huyện, tỉnh” a district (years before 2025) or a "
                    "province."),
    )
    criteria_set = forms.ModelChoiceField(label=_("Criteria set"), queryset=CriteriaSet.objects.none())

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        # Communes in force today; districts and provinces too (the service checks the year and the title).
        units = scope_for(user, RECOGNITION).filter(Unit.objects.all(), unit_field=None)
        self.fields["commune"].queryset = (
            units.filter(kind=UnitKind.COMMUNE).in_force(today)
            | units.filter(kind__in=[UnitKind.DISTRICT, UnitKind.PROVINCE])
        ).order_by("kind", "name")
        self.fields["criteria_set"].queryset = services.get_criteria_sets_for_user(user).filter(active=True)
        self.fields["year"].initial = today.year


class SetFileForm(forms.Form):
    """A criteria-set file (YAML or JSON) to import."""

    file = forms.FileField(label=_("File (YAML or JSON)"))
    replace = forms.BooleanField(
        label=_("Replace the set with the same code"),
        required=False,
        help_text=_("Refused when a campaign already uses that set."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SET_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        if not upload.name.lower().endswith((".yaml", ".yml", ".json")):
            raise forms.ValidationError(_("Choose a .yaml, .yml or .json file."))
        return upload


class SetEditForm(forms.Form):
    """The whole set as YAML text: the editor validates it exactly as an imported file."""

    content = forms.CharField(
        label=_("The criteria set (YAML)"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false", "class": "set-text"}),
    )


class VillageForm(forms.Form):
    """Register every household of a village."""

    village = forms.ModelChoiceField(label=_("Village"), queryset=Unit.objects.none())

    def __init__(self, *args, commune: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Unit.objects.filter(parent=commune, kind=UnitKind.VILLAGE).order_by(
            "name"
        )


class DecisionForm(forms.Form):
    """The recognition decision (quyết định công nhận): number, date, signer and the recognised list."""

    number = forms.CharField(label=_("Decision number"), max_length=100)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label=_("Signed by"), max_length=150)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150, required=False)
    registrations = forms.MultipleChoiceField(
        label=_("Recognised"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, candidates: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registrations"].choices = [(str(pk), label) for pk, label in candidates]
        if not self.is_bound:
            self.fields["registrations"].initial = [str(pk) for pk, _label in candidates]
            self.fields["date"].initial = timezone.localdate()


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3}))
