"""The population registry: clans, households, persons and their yearly schooling facts.

The static facts of a person (name, sex, birth, ethnicity, disability) live on
``Person``; what a survey records each year (presence, enrolment, completions,
literacy stage) lives on ``SurveyRecord``, one row per person and survey year, so
that importing year Y never overwrites another year and PCGD–XMC of any past year
is recomputed from that year's facts (Thông tư 07/2016/TT-BGDĐT, the yearly survey).

``Person.commune`` and ``Person.village`` repeat the household's, because every
figure is computed set-wise per commune and every list is scoped per unit: one
indexed column instead of a join on each of millions of rows.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import RegistryRecord
from apps.people.ethnicities import ETHNICITY_CHOICES


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Relation(models.TextChoices):
    HEAD = "head", _("head of household")
    WIFE = "wife", _("wife")
    HUSBAND = "husband", _("husband")
    CHILD = "child", _("child")
    GRANDCHILD = "grandchild", _("grandchild")
    FATHER = "father", _("father")
    MOTHER = "mother", _("mother")
    OTHER = "other", _("other relation")


class Disability(models.TextChoices):
    NONE = "", _("none")
    CAN_LEARN = "can_learn", _("disabled, can learn")
    CANNOT_LEARN = "cannot_learn", _("disabled, cannot learn")


class Status(models.TextChoices):
    PRESENT = "present", _("present")
    MOVED_AWAY = "moved_away", _("moved away")
    DECEASED = "deceased", _("deceased")


class EnrolledLevel(models.TextChoices):
    NONE = "", _("not enrolled")
    PRESCHOOL = "preschool", _("preschool")
    PRIMARY = "primary", _("primary school")
    LOWER_SECONDARY = "lower_secondary", _("lower-secondary school (THCS)")
    UPPER_SECONDARY = "upper_secondary", _("upper-secondary school (THPT)")
    CONTINUING_UPPER = "continuing_upper", _("continuing education, upper-secondary (GDTX THPT)")
    VOCATIONAL = "vocational", _("vocational education (GDNN)")
    OTHER = "other", _("other")


# Grades each level may carry (person-registry-format.md).
LEVEL_GRADES: dict[str, range] = {
    EnrolledLevel.PRIMARY: range(1, 6),
    EnrolledLevel.LOWER_SECONDARY: range(6, 10),
    EnrolledLevel.UPPER_SECONDARY: range(10, 13),
    EnrolledLevel.CONTINUING_UPPER: range(10, 13),
}

national_id_validator = RegexValidator(
    r"^\d{12}$", _("The personal identification number has exactly 12 digits.")
)


class Clan(RegistryRecord):
    """A clan (dòng họ) of a commune."""

    commune = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="clans", verbose_name=_("commune")
    )
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False)

    unit_field = "commune"

    class Meta:
        verbose_name = _("clan")
        verbose_name_plural = _("clans")
        ordering = ["commune", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "name_key"], name="clan_unique_in_commune")]

    def __str__(self) -> str:
        return self.name


class Household(RegistryRecord):
    """A household (hộ gia đình) of a village; its code is unique inside the commune."""

    commune = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="households", verbose_name=_("commune")
    )
    village = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="village_households",
        verbose_name=_("village"),
    )
    code = models.CharField(_("household code"), max_length=32)
    address = models.CharField(_("address"), max_length=300, blank=True)

    unit_field = "village"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["commune", "code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_code_unique_in_commune")
        ]

    def __str__(self) -> str:
        return self.code


class Person(RegistryRecord):
    """A member of a household (nhân khẩu). People leave by status, never by deletion."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    commune = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    village = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    code = models.CharField(_("person code"), max_length=16)
    full_name = models.CharField(_("full name"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False, db_index=True)
    relation = models.CharField(_("relation to the head"), max_length=16, choices=Relation.choices,
                                blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1880), MaxValueValidator(2100)]
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True,
                                  help_text=_("Empty when only the year is known."))
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES)
    disability = models.CharField(_("disability"), max_length=16, choices=Disability.choices,
                                  blank=True, default="")
    clan = models.ForeignKey(Clan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="members", verbose_name=_("clan"))
    national_id = models.CharField(_("personal identification number"), max_length=12, blank=True,
                                   validators=[national_id_validator])

    unit_field = "village"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["household", "code"]
        constraints = [
            models.UniqueConstraint(fields=["household", "code"], name="person_code_unique_in_household")
        ]
        indexes = [models.Index(fields=["commune", "birth_year"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def audit_repr(self) -> str:
        """Household and person codes: the audit log is read by people without personal-data rights."""
        return f"{self.household.code}/{self.code}"

    @property
    def masked_national_id(self) -> str:
        return f"{'•' * 8}{self.national_id[-4:]}" if self.national_id else ""


# Person fields copied onto each of their survey records. The database keeps the copies right
# whoever writes (migration 0003's triggers): a record inserted without them (birth_year NULL)
# takes them from its person, a change of the person is copied to all its records, and a record
# saved with other values or moved to another person takes them again. Writers that know the
# values (import, demo, roll-over, services) give them, so that the triggers have nothing to do.
COPIED_FROM_PERSON = ("sex", "birth_year", "ethnicity", "disability")
PCGD_INDEX_KEY = ("year", "commune", "sex", "ethnicity")
PCGD_INDEX_COVERS = ("birth_year", "status", "disability", "enrolled_level", "preschool_completed",
                     "primary_completed_year", "lower_secondary_graduated_year", "highest_grade_completed",
                     "literacy_stage_completed")


class SurveyRecord(RegistryRecord):
    """What the survey of one year records about one person (status and schooling).

    Columns as in person-registry-format.md; completions are kept as years so that
    the roll-over to the next school year carries them forward unchanged. ``sex``,
    ``birth_year``, ``ethnicity`` and ``disability`` are copies of the person's
    (``COPIED_FROM_PERSON``), as ``commune`` is: not facts of the year, never edited here.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="surveys",
                               verbose_name=_("person"))
    year = models.PositiveSmallIntegerField(_("survey year"))
    commune = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PRESENT)
    enrolled_level = models.CharField(_("enrolled in"), max_length=20, choices=EnrolledLevel.choices,
                                      blank=True, default="")
    enrolled_grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    preschool_completed = models.BooleanField(_("completed the preschool programme for 5-year-olds"),
                                              default=False)
    primary_completed_year = models.PositiveSmallIntegerField(_("year primary was completed"),
                                                              null=True, blank=True)
    lower_secondary_graduated_year = models.PositiveSmallIntegerField(
        _("year of the lower-secondary diploma"), null=True, blank=True
    )
    highest_grade_completed = models.PositiveSmallIntegerField(
        _("highest grade completed"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
    )
    literacy_stage_completed = models.PositiveSmallIntegerField(
        _("literacy (XMC) stage completed"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
    )
    # Copies of the person's static facts (see COPIED_FROM_PERSON): the PCGD–XMC counts of a year
    # read one table in the order of its index instead of joining a million persons.
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False, blank=True,
                           default="")
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True, editable=False)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES, editable=False,
                                 blank=True, default="")
    disability = models.CharField(_("disability"), max_length=16, choices=Disability.choices,
                                  editable=False, blank=True, default="")

    unit_field = "commune"

    class Meta:
        verbose_name = _("survey record")
        verbose_name_plural = _("survey records")
        ordering = ["person", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="survey_record_unique_per_year"),
            models.CheckConstraint(
                condition=Q(literacy_stage_completed__isnull=True)
                | Q(literacy_stage_completed__in=[1, 2]),
                name="literacy_stage_1_or_2",
            ),
        ]
        indexes = [
            # The year's records in the order of the PCGD–XMC GROUP BY (commune, sex, ethnicity),
            # carrying every column its counts read: SQLite answers from the index alone
            # (3× faster than from the table on a million records). Also the (year, commune) index.
            models.Index(fields=[*PCGD_INDEX_KEY, *PCGD_INDEX_COVERS], name="survey_year_commune_group"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}"

    def copy_person_facts(self) -> None:
        """Take the copies of ``COPIED_FROM_PERSON`` from ``self.person`` (the triggers do the same)."""
        for name in COPIED_FROM_PERSON:
            setattr(self, name, getattr(self.person, name))

    @property
    def audit_repr(self) -> str:
        return f"{self.person.audit_repr} {self.year}"


class ImportJob(models.Model):
    """An upload of a person-registry file, validated and applied by the background worker.

    The page polls its status and progress; the errors and the invalid rows (as an
    XLSX file with an error column) stay attached to the job.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        REJECTED = "rejected", _("rejected: the file has errors, nothing was written")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    year = models.PositiveSmallIntegerField(_("survey year"))
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    create_villages = models.BooleanField(_("create unknown villages"), default=False)
    dry_run = models.BooleanField(_("check only"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    invalid_rows_file = models.FileField(_("invalid rows"), upload_to="imports/errors/%Y/%m/", blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.year})"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


COVERAGE_BLOCK_SHIFT = 6  # blocks of 64 consecutive person ids
COVERAGE_PERSONS = 0  # the ``year`` of a block's count of persons


class SurveyCoverage(models.Model):
    """How many persons a block of 64 consecutive person ids holds in a commune, and how many
    of them have a survey record of each year (``year`` 0: the persons themselves).

    Derived data kept by the database (migration 0004's triggers), never written by the
    application: a block whose persons outnumber its records of a year holds at least
    one person without a record that year. The person list's filter "no record this
    year" reads only such blocks, instead of testing every person of the registry.
    """

    commune = models.ForeignKey("places.Unit", on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    block = models.IntegerField()
    year = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("survey coverage of a block of persons")
        verbose_name_plural = _("survey coverage of blocks of persons")
        constraints = [models.UniqueConstraint(fields=["commune", "block", "year"],
                                               name="survey_coverage_unique")]

    def __str__(self) -> str:
        return f"{self.commune_id}/{self.block}/{self.year}: {self.count}"
