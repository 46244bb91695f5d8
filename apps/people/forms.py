"""Forms of the population registry pages; validation of substance stays in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.people.ethnicities import ETHNICITY_CHOICES
from apps.people.models import Clan, Disability, EnrolledLevel, Relation, Sex, Status
from apps.people.services import AGE_BANDS
from apps.places.models import Unit

ANY = [("", "—")]


class UnitChoiceField(forms.ModelChoiceField):
    """A unit by name and code: the 2025 reform left namesakes on the two maps."""

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


class PersonFilterForm(forms.Form):
    """The filters of the person list; every field optional."""

    q = forms.CharField(label=_("Name or code"), required=False, max_length=150)
    year = forms.TypedChoiceField(label=_("Survey year"), required=False, coerce=int, empty_value=None)
    commune = forms.IntegerField(label=_("Commune"), required=False,
                                 widget=forms.Select(attrs={"data-autosubmit": ""}))
    village = forms.IntegerField(label=_("Village"), required=False, widget=forms.Select)
    age = forms.ChoiceField(label=_("Age"), required=False,
                            choices=ANY + [(band, band) for band in AGE_BANDS])
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=ANY + list(Sex.choices))
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"), required=False,
        choices=[*ANY, ("minority", _("ethnic minorities")), *ETHNICITY_CHOICES],
    )
    level = forms.ChoiceField(
        label=_("Enrolled in"), required=False,
        choices=ANY + [("none", _("not enrolled"))] + [c for c in EnrolledLevel.choices if c[0]],
    )
    literacy = forms.TypedChoiceField(
        label=_("Literacy"), required=False, coerce=int, empty_value=None,
        choices=[*ANY, ("0", _("not literate")), ("1", _("literate, level 1")),
                 ("2", _("literate, level 2"))],
    )
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[*ANY, ("none", _("no record this year")), *Status.choices])

    def __init__(self, *args, years: list[int], communes: list[Unit], villages: list[Unit],
                 personal: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["commune"].widget.choices = ANY + [(unit.pk, unit.name) for unit in communes]
        self.fields["village"].widget.choices = ANY + [(unit.pk, unit.name) for unit in villages]
        if not personal:
            # Searching by name or filtering by ethnicity would reveal them.
            self.fields["q"].label = _("Code")
            del self.fields["ethnicity"]


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Household code"), required=False, max_length=32)
    commune = forms.IntegerField(label=_("Commune"), required=False,
                                 widget=forms.Select(attrs={"data-autosubmit": ""}))
    village = forms.IntegerField(label=_("Village"), required=False, widget=forms.Select)

    def __init__(self, *args, communes: list[Unit], villages: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].widget.choices = ANY + [(unit.pk, unit.name) for unit in communes]
        self.fields["village"].widget.choices = ANY + [(unit.pk, unit.name) for unit in villages]


class ClanFilterForm(forms.Form):
    """The filters of the clan list: a name (any case, with or without diacritics), commune, year."""

    q = forms.CharField(label=_("Clan name"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("Survey year"), required=False, coerce=int, empty_value=None)
    commune = forms.IntegerField(label=_("Commune"), required=False,
                                 widget=forms.Select(attrs={"data-autosubmit": ""}))

    def __init__(self, *args, years: list[int], communes: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["commune"].widget.choices = ANY + [(unit.pk, unit.name) for unit in communes]


class ClanForm(forms.Form):
    """Register a clan (the commune is chosen among those the user may edit) or rename one."""

    commune = UnitChoiceField(label=_("Commune"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Clan name"), max_length=100,
                           help_text=_("Unique inside the commune, whatever the case."))

    def __init__(self, *args, communes=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if communes is None:  # renaming: the commune stays
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = communes


class ClanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Clan) -> str:
        return obj.name


class ClanMergeForm(forms.Form):
    """Merge this clan into another clan of its commune; this one is removed."""

    into = ClanChoiceField(label=_("Merge into"), queryset=Clan.objects.none(),
                           help_text=_("Its members join that clan, and this clan is removed."))
    confirm = forms.BooleanField(label=_("I have checked that both are the same clan."))

    def __init__(self, *args, clan: Clan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (Clan.objects.filter(commune_id=clan.commune_id).exclude(pk=clan.pk)
                                        .order_by("name"))


class HouseholdForm(forms.Form):
    commune = UnitChoiceField(label=_("Commune"), queryset=Unit.objects.none())
    village = UnitChoiceField(label=_("Village"), queryset=Unit.objects.none())
    code = forms.CharField(label=_("Household code"), max_length=32,
                           help_text=_("Unique inside the commune."))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def __init__(self, *args, communes, villages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["village"].queryset = villages


class PersonForm(forms.Form):
    code = forms.CharField(label=_("Person code"), max_length=16,
                           help_text=_("Unique inside the household, e.g. 01."))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    relation = forms.ChoiceField(label=_("Relation to the head"), required=False,
                                 choices=ANY + list(Relation.choices))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1880, max_value=2100)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Empty when only the year is known."))
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ETHNICITY_CHOICES, initial="01")
    disability = forms.ChoiceField(label=_("Disability"), required=False, choices=Disability.choices)
    clan = forms.CharField(label=_("Clan"), max_length=100, required=False,
                           help_text=_("Registered in the commune when new."))
    national_id = forms.CharField(label=_("Personal identification number"), max_length=12,
                                  required=False, help_text=_("12 digits."))

    def __init__(self, *args, clan_names: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The commune's clans offered as the user types, so that "nguyen" beside "Nguyễn"
        # does not register the same clan twice (the browser's own list: no script).
        self.clan_names = clan_names or []
        if self.clan_names:
            self.fields["clan"].widget.attrs["list"] = "clan-names"


class SurveyForm(forms.Form):
    """The facts of one survey year (person-registry-format.md)."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    enrolled_level = forms.ChoiceField(label=_("Enrolled in"), choices=EnrolledLevel.choices, required=False)
    enrolled_grade = forms.IntegerField(label=_("Grade"), min_value=1, max_value=12, required=False)
    preschool_completed = forms.BooleanField(
        label=_("Completed the preschool programme for 5-year-olds"), required=False)
    primary_completed_year = forms.IntegerField(label=_("Year primary was completed"), required=False,
                                                min_value=1900, max_value=2100)
    lower_secondary_graduated_year = forms.IntegerField(
        label=_("Year of the lower-secondary diploma"), required=False, min_value=1900, max_value=2100)
    highest_grade_completed = forms.IntegerField(label=_("Highest grade completed"), required=False,
                                                 min_value=0, max_value=12)
    literacy_stage_completed = forms.TypedChoiceField(
        label=_("Literacy (XMC) stage completed"), required=False, coerce=int, empty_value=None,
        choices=[*ANY, ("1", "1"), ("2", "2")],
    )


class LeaveForm(forms.Form):
    year = forms.IntegerField(label=_("Survey year"), min_value=1990, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), choices=[
        (Status.MOVED_AWAY, Status.MOVED_AWAY.label), (Status.DECEASED, Status.DECEASED.label),
        (Status.PRESENT, _("present again")),
    ])


class RolloverForm(forms.Form):
    commune = UnitChoiceField(label=_("Commune"), queryset=Unit.objects.none())
    from_year = forms.TypedChoiceField(label=_("From survey year"), coerce=int)

    def __init__(self, *args, communes, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["from_year"].choices = [(year, year) for year in years]


class QualityForm(forms.Form):
    commune = UnitChoiceField(label=_("Commune"), queryset=Unit.objects.none())
    year = forms.TypedChoiceField(label=_("Survey year"), coerce=int)

    def __init__(self, *args, communes, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["year"].choices = [(year, year) for year in years]
