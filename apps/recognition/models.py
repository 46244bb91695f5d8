"""Learning-model titles: criteria sets, campaigns, registrations, scores, decisions.

A title ("Gia đình học tập", "Dòng họ học tập", "Cộng đồng học tập", "Đơn vị học
tập", "Công dân học tập") is awarded every year by the commune on a criteria set
issued by Hội Khuyến học Việt Nam or the Ministry (QĐ 448/QĐ-KHVN, QĐ 324/QĐ-KHVN,
Thông tư 22/2020, 24/2023 and 25/2023/TT-BGDĐT), which provinces may adapt.
Criteria sets are therefore data (``CriteriaSet`` → ``Criterion`` → ``Indicator``),
with the document they come from and their pass rule, loaded and exported by
``apps.recognition.sets_io``.

A campaign (``Campaign``) runs one title for one commune and one year; subjects
are registered (``Registration``), scored per indicator (``Score``: computed from
the registry with its evidence, or entered by an evaluator with files,
``EvidenceFile``), approved by someone other than the scorer and recognised by a
``Decision``, which locks the campaign. Every write goes through
``apps.recognition.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import RegistryRecord


class Title(models.TextChoices):
    """The titles, with the codes of recognition.md."""

    GDHT = "gdht", "Gia đình học tập"
    DHHT = "dhht", "Dòng họ học tập"
    CDHT_THON = "cdht_thon", "Cộng đồng học tập cấp thôn"
    DVHT = "dvht", "Đơn vị học tập"
    CDHT_CONG_DAN = "cdht_cong_dan", "Công dân học tập"
    DVHT_HUYEN_TINH = "dvht_huyen_tinh", "Đơn vị học tập cấp huyện, tỉnh"
    CDHT_XA = "cdht_xa", "Cộng đồng học tập cấp xã"


class SubjectKind(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    CLAN = "clan", _("clan")
    VILLAGE = "village", _("village")
    ORGANISATION = "organisation", _("organisation")
    PERSON = "person", _("person")
    COMMUNE = "commune", _("commune")


# Who each title is awarded to (recognition.md, "The titles").
TITLE_SUBJECT: dict[str, str] = {
    Title.GDHT: SubjectKind.HOUSEHOLD,
    Title.DHHT: SubjectKind.CLAN,
    Title.CDHT_THON: SubjectKind.VILLAGE,
    Title.DVHT: SubjectKind.ORGANISATION,
    Title.CDHT_CONG_DAN: SubjectKind.PERSON,
    Title.DVHT_HUYEN_TINH: SubjectKind.ORGANISATION,
    Title.CDHT_XA: SubjectKind.COMMUNE,
}

# The units that run a title's campaign. The commune runs every title of its subjects (QĐ 448,
# QĐ 324, TT 25/2023 for the commune itself); "Đơn vị học tập" of district and provincial bodies is
# decided by the chairman of the People's Committee at the same level (TT 22/2020, TT 24/2023), so its
# campaign runs on a district (before 1/7/2025) or a province.
CAMPAIGN_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    **{title: ("commune",) for title in ("gdht", "dhht", "cdht_thon", "dvht", "cdht_cong_dan", "cdht_xa")},
    "dvht_huyen_tinh": ("district", "province"),
}

# Titles recognition.md lists that cannot run a campaign here, and why (said on the campaign form,
# in the refusal and in docs/recognition.md).
TITLES_WITHOUT_CAMPAIGN: dict[str, tuple[str, str]] = {
    "cdht_huyen": (
        "Cộng đồng học tập cấp huyện",
        _("Districts were abolished on 1 July 2025 and the district criteria of Thông tư 25/2023/TT-BGDĐT "
          "were not obtained; a past district result is kept in the documents, not evaluated here."),
    ),
    "cdht_tinh": (
        "Cộng đồng học tập cấp tỉnh",
        _("A province is evaluated above the province, outside this system, and the province criteria of "
          "Thông tư 25/2023/TT-BGDĐT were not obtained."),
    ),
}

# The registration field holding each kind of subject.
SUBJECT_FIELD: dict[str, str] = {
    SubjectKind.HOUSEHOLD: "household",
    SubjectKind.CLAN: "clan",
    SubjectKind.VILLAGE: "subject_unit",
    SubjectKind.ORGANISATION: "organisation",
    SubjectKind.PERSON: "person",
    SubjectKind.COMMUNE: "subject_unit",
}


class Judging(models.TextChoices):
    """The three ways a criteria set judges (recognition.md, "Three ways a criteria set judges")."""

    POINTS = "points", _("points with a pass mark and minimums")
    BANDS = "bands", _("points with rating bands")
    LEVELS = "levels", _("indicators met or not, giving a level")


class Method(models.TextChoices):
    COMPUTED = "computed", _("computed from the registry")
    EVALUATOR = "evaluator", _("entered by an evaluator")


class CriteriaSet(RegistryRecord):
    """A versioned criteria table of one title, from one document (bộ tiêu chí).

    ``unit`` is empty for a national set, or the province that adopted it.
    ``is_illustrative`` marks a set made for the demo ("minh hoạ"): complete, but
    not the official text. ``notes`` says what of the document was not obtained.

    Pass rule (``Judging.POINTS``): total ≥ ``pass_total``; every criterion ≥
    ``pass_criterion_min`` (or its own ``min_points``); every indicator ≥
    ``pass_indicator_min`` (or its own ``min_points``); every item named in
    ``required_items`` at its maximum. ``Judging.BANDS``: the same minimums, then
    the first band of ``bands`` (``[{"name": "Tốt", "min": 85}, ...]``, highest
    first) whose minimum the total reaches. ``Judging.LEVELS``: level N is
    reached when every indicator of level ≤ N is met.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("learning title"), max_length=20, choices=Title.choices)
    name = models.CharField(_("name"), max_length=255)
    document_number = models.CharField(_("document number"), max_length=100)
    document_issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    document_title = models.CharField(_("document title"), max_length=500, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    unit = models.ForeignKey(
        "places.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("province"), help_text=_("Empty for a national set."),
    )
    judging = models.CharField(_("judging"), max_length=10, choices=Judging.choices, default=Judging.POINTS)
    total_points = models.PositiveSmallIntegerField(_("total points"), null=True, blank=True)
    pass_total = models.PositiveSmallIntegerField(_("pass mark (total)"), null=True, blank=True)
    pass_criterion_min = models.PositiveSmallIntegerField(_("minimum of every criterion"), null=True,
                                                          blank=True)
    pass_indicator_min = models.PositiveSmallIntegerField(_("minimum of every indicator"), null=True,
                                                          blank=True)
    required_items = models.JSONField(_("required items"), default=list, blank=True)
    bands = models.JSONField(_("rating bands"), default=list, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False,
        help_text=_("Made for the demonstration; not the official text of the document."),
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["title", "-valid_from", "code"]

    def __str__(self) -> str:
        label = f"{self.name} ({self.document_number})"
        return f"{label} — minh hoạ" if self.is_illustrative else label

    @property
    def is_complete(self) -> bool:
        """Whether every item of the document is known (no placeholder item)."""
        return not Indicator.objects.filter(criterion__criteria_set=self, known=False).exists()


class Criterion(models.Model):
    """A criterion (tiêu chí) of a set; its indicators' maxima add up to its own."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria",
                                     verbose_name=_("criteria set"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), null=True, blank=True)
    min_points = models.PositiveSmallIntegerField(_("minimum points"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Indicator(models.Model):
    """An indicator (chỉ số) of a criterion, scored by a rule of the registry or by an evaluator.

    ``rule`` names a computed rule of ``apps.recognition.autoscore`` (e.g.
    ``gdht_1a``) with its ``params``; ``known`` is False for an item of the
    document whose wording was not obtained (a placeholder the evaluator scores).
    ``level`` is the level an indicator belongs to in a set judged by levels.
    """

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators",
                                  verbose_name=_("criterion"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=1000)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), null=True, blank=True)
    min_points = models.PositiveSmallIntegerField(_("minimum points"), null=True, blank=True)
    method = models.CharField(_("scoring"), max_length=10, choices=Method.choices, default=Method.EVALUATOR)
    rule = models.CharField(_("rule"), max_length=60, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    known = models.BooleanField(_("wording known"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Denormalised so that the code is unique in the whole set (pass rules name indicators by code).
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="indicators",
                                     verbose_name=_("criteria set"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["criteria_set", "criterion__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def scoring(self) -> str:
        """``computed:<rule>`` or ``evaluator``, as in the set files."""
        return f"computed:{self.rule}" if self.method == Method.COMPUTED else str(Method.EVALUATOR.value)


class Campaign(RegistryRecord):
    """One title's yearly campaign in one commune (phong trào, đợt đăng ký và công nhận).

    ``locked`` is set by the decision; a locked campaign refuses every write
    until it is reopened with a reason (``services.reopen``).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DECIDED = "decided", _("decided")

    title = models.CharField(_("learning title"), max_length=20, choices=Title.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    commune = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="campaigns",
                                     verbose_name=_("criteria set"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    locked = models.BooleanField(_("locked"), default=False)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reopened by"))

    unit_field = "commune"

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "commune", "title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "year", "commune"], name="campaign_unique_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.year} — {self.commune}"


class Registration(RegistryRecord):
    """A subject registered (đăng ký) in a campaign, with its judged result.

    Exactly one subject field is set (a check constraint), the one of the
    campaign's title (``TITLE_SUBJECT``). ``unit`` is the village of the subject
    when it has one, else the commune: it scopes the record (a village head sees
    the registrations of the village).
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        SCORED = "scored", _("scored")
        APPROVED = "approved", _("approved")
        RECOGNISED = "recognised", _("recognised")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="registrations",
                                 verbose_name=_("campaign"))
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit"))
    household = models.ForeignKey("people.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("household"))
    clan = models.ForeignKey("people.Clan", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("clan"))
    subject_unit = models.ForeignKey("places.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("village or commune"))
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.REGISTERED)
    total_points = models.PositiveSmallIntegerField(_("total points"), null=True, blank=True)
    complete = models.BooleanField(_("every indicator scored"), default=False)
    passed = models.BooleanField(_("meets the criteria"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=50, blank=True,
                              help_text=_("The band or level reached, when the set gives one."))
    result_detail = models.JSONField(_("explanation"), default=dict, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", verbose_name=_("scored by"))
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision = models.ForeignKey("Decision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="registrations", verbose_name=_("decision"))

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["campaign", "unit__path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(household__isnull=False, clan__isnull=True, subject_unit__isnull=True,
                      organisation__isnull=True, person__isnull=True)
                    | Q(household__isnull=True, clan__isnull=False, subject_unit__isnull=True,
                        organisation__isnull=True, person__isnull=True)
                    | Q(household__isnull=True, clan__isnull=True, subject_unit__isnull=False,
                        organisation__isnull=True, person__isnull=True)
                    | Q(household__isnull=True, clan__isnull=True, subject_unit__isnull=True,
                        organisation__isnull=False, person__isnull=True)
                    | Q(household__isnull=True, clan__isnull=True, subject_unit__isnull=True,
                        organisation__isnull=True, person__isnull=False)
                ),
                name="registration_exactly_one_subject",
            ),
            models.UniqueConstraint(fields=["campaign", "household"], name="registration_household_once"),
            models.UniqueConstraint(fields=["campaign", "clan"], name="registration_clan_once"),
            models.UniqueConstraint(fields=["campaign", "subject_unit"], name="registration_unit_once"),
            models.UniqueConstraint(fields=["campaign", "organisation"],
                                    name="registration_organisation_once"),
            models.UniqueConstraint(fields=["campaign", "person"], name="registration_person_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.subject_label}"

    @property
    def subject(self):
        return self.household or self.clan or self.subject_unit or self.organisation or self.person

    @property
    def subject_label(self) -> str:
        """The subject as lists show it: codes for households and persons (personal data)."""
        if self.household_id:
            return f"{_('household')} {self.household.code}"
        if self.person_id:
            return f"{_('person')} {self.person.household.code}/{self.person.code}"
        return str(self.subject)

    @property
    def recognised(self) -> bool:
        return self.status == self.Status.RECOGNISED


class Score(RegistryRecord):
    """The score of one indicator for one registration.

    ``self_points`` is the subject's self-assessment; ``points`` the score that
    counts (computed from the registry, or entered by the reviewer). ``met`` is
    the yes/no of a computed rule or of an indicator of a set judged by levels;
    ``evidence`` the data a computed score used (members and their values).
    """

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="scores",
                                     verbose_name=_("registration"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("indicator"))
    self_points = models.PositiveSmallIntegerField(_("self-assessment"), null=True, blank=True)
    points = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)
    computed = models.BooleanField(_("computed from the registry"), default=False)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    unit_field = "audit_unit"

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["registration", "indicator__criterion__order", "indicator__order"]
        constraints = [models.UniqueConstraint(fields=["registration", "indicator"], name="score_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.points}"

    @property
    def audit_unit(self):
        return self.registration.unit


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    # The stored name is random: an uploaded name never reaches the file system.
    return f"recognition/evidence/{instance.stored_name}"


class EvidenceFile(RegistryRecord):
    """A file proving a score (minute, photo, certificate): type and size checked on upload."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="evidence_files",
                                     verbose_name=_("registration"))
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("indicator"))
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    unit_field = "audit_unit"

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["registration", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def audit_unit(self):
        return self.registration.unit


class Decision(RegistryRecord):
    """A recognition decision (quyết định công nhận) of the commune People's Committee."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="decisions",
                                 verbose_name=_("campaign"))
    number = models.CharField(_("number"), max_length=100)
    date = models.DateField(_("date"))
    signer = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)

    unit_field = "audit_unit"

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="decision_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"

    @property
    def audit_unit(self):
        return self.campaign.commune
