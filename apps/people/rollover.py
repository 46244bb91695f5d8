"""The roll-over to the next survey year: each present person's record moves up one grade.

A survey year Y records the school year that starts in September of Y (the survey
date is 30 September, ``places.services.survey_date``). Rolling Y over to Y + 1
creates, for everyone present in Y without a record in Y + 1, the record they
would have if the school year went as planned; officers then correct those who
repeated a grade or left school. Transitions (Luật Giáo dục 43/2019/QH14, Art. 28–29:
primary grades 1–5, lower-secondary 6–9, upper-secondary 10–12; the preschool
programme for 5-year-olds, pcgd-xmc.md):

- enrolled in a grade g of primary, THCS, THPT or GDTX THPT: grade g + 1, and
  highest grade completed becomes g;
- grade 5: primary completed in Y + 1 (the school year of Y ends in May of Y + 1),
  moves to THCS grade 6;
- grade 9: lower-secondary diploma in Y + 1, moves to THPT grade 10;
- grade 12: leaves school (no level, no grade);
- preschool, aged 5 or more in Y: the preschool programme completed, primary grade 1;
- everything else (not enrolled, vocational, other, younger preschoolers) and every
  completion and literacy stage carried over unchanged.

Decisions, kept here because the regulation is silent:
- the records of Y are never changed: a grade-5 pupil of Y had not yet completed
  primary on the survey date of Y, and the figures of Y must stay as computed;
- people who left in Y (moved away, deceased) get no record in Y + 1: they are not
  in the commune, and their last record keeps their status;
- an existing record of Y + 1 (imported, or entered by hand) is never overwritten;
- communes no longer in force on the survey date of Y + 1 (merged by the 2025
  reform) are left out and reported: their people are registered in the
  successor commune by importing its registry.

One ``INSERT … SELECT`` writes every record, so rolling a province over is one
statement; the model signals do not run, so one summary entry goes to the
audit trail (``record_command``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.audit import record_command
from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.people.models import EnrolledLevel, Person, Status, SurveyRecord
from apps.places.models import Unit
from apps.places.services import survey_date

GRADED = (EnrolledLevel.PRIMARY, EnrolledLevel.LOWER_SECONDARY, EnrolledLevel.UPPER_SECONDARY,
          EnrolledLevel.CONTINUING_UPPER)
UPPER = (EnrolledLevel.UPPER_SECONDARY, EnrolledLevel.CONTINUING_UPPER)
PRESCHOOL_LEAVING_AGE = 5


@dataclass
class RolloverResult:
    """What a roll-over did (or, for a preview, would do)."""

    from_year: int
    to_year: int
    present: int = 0  # present in from_year in the chosen communes
    already_recorded: int = 0  # present, but already a record in to_year: untouched
    leavers: int = 0  # moved away or deceased in from_year: not carried forward
    outside_map: int = 0  # present in a commune no longer in force in to_year: left out
    created: int = 0  # records written (the preview: records to write)
    into_grade_1: int = 0  # preschool 5-year-olds → primary grade 1
    primary_completed: int = 0  # grade 5 → THCS grade 6
    lower_secondary_graduated: int = 0  # grade 9 → THPT grade 10
    left_school: int = 0  # grade 12 → not enrolled
    moved_up: int = 0  # every other grade g → g + 1
    dry_run: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def _prefixes(units: Unit | Iterable[Unit] | None) -> list[str] | None:
    if units is None:
        return None
    if isinstance(units, Unit):
        units = [units]
    return [unit.path for unit in units]


def _path_q(prefixes: list[str] | None, field: str = "commune__path") -> Q:
    if prefixes is None:
        return Q()
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def _age_at_least(age: int, year: int) -> Q:
    return Q(person__birth_year__lte=year - age)


def _counts(prefixes: list[str] | None, from_year: int, to_year: int) -> RolloverResult:
    """Every figure of the result in one aggregate query."""
    on = survey_date(to_year)
    existing = Exists(SurveyRecord.objects.filter(person_id=OuterRef("person_id"), year=to_year))
    in_force = ((Q(commune__valid_from__isnull=True) | Q(commune__valid_from__lte=on))
                & (Q(commune__valid_to__isnull=True) | Q(commune__valid_to__gte=on)))
    records = SurveyRecord.objects.filter(_path_q(prefixes), year=from_year)
    present = Q(status=Status.PRESENT)
    new = present & ~Q(existing) & in_force
    graded = Q(enrolled_level__in=GRADED, enrolled_grade__isnull=False)
    figures = records.aggregate(
        present=Count("id", filter=present),
        already_recorded=Count("id", filter=present & Q(existing)),
        leavers=Count("id", filter=~present),
        outside_map=Count("id", filter=present & ~Q(existing) & ~in_force),
        created=Count("id", filter=new),
        into_grade_1=Count("id", filter=new & Q(enrolled_level=EnrolledLevel.PRESCHOOL)
                           & _age_at_least(PRESCHOOL_LEAVING_AGE, from_year)),
        primary_completed=Count("id", filter=new & graded & Q(enrolled_level=EnrolledLevel.PRIMARY,
                                                               enrolled_grade__gte=5)),
        lower_secondary_graduated=Count("id", filter=new & graded & Q(
            enrolled_level=EnrolledLevel.LOWER_SECONDARY, enrolled_grade__gte=9)),
        left_school=Count("id", filter=new & graded & Q(enrolled_level__in=UPPER, enrolled_grade__gte=12)),
        moved_up=Count("id", filter=new & graded & (
            Q(enrolled_level=EnrolledLevel.PRIMARY, enrolled_grade__lt=5)
            | Q(enrolled_level=EnrolledLevel.LOWER_SECONDARY, enrolled_grade__lt=9)
            | Q(enrolled_level__in=UPPER, enrolled_grade__lt=12))),
    )
    return RolloverResult(from_year, to_year, **figures)


def _insert(prefixes: list[str] | None, from_year: int, to_year: int, user) -> int:
    """The INSERT … SELECT that writes the to_year records; returns how many."""
    table = connection.ops.quote_name(SurveyRecord._meta.db_table)
    persons = connection.ops.quote_name(Person._meta.db_table)
    units = connection.ops.quote_name(Unit._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    author = user.pk if getattr(user, "pk", None) else None
    on = connection.ops.adapt_datefield_value(survey_date(to_year))
    graded = "r.enrolled_level IN (%s, %s, %s, %s) AND r.enrolled_grade IS NOT NULL"
    graded_params = [str(level) for level in GRADED]
    preschool_leaver = "r.enrolled_level = %s AND p.birth_year <= %s"
    preschool_params = [str(EnrolledLevel.PRESCHOOL), from_year - PRESCHOOL_LEAVING_AGE]
    where_units = ""
    unit_params: list = []
    if prefixes is not None:
        where_units = " AND (" + " OR ".join("u.path LIKE %s" for _prefix in prefixes) + ")"
        unit_params = [prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                       for prefix in prefixes]
        if connection.vendor == "sqlite":
            where_units = where_units.replace("LIKE %s", "LIKE %s ESCAPE '\\'")
    sql = f"""
        INSERT INTO {table} (created_at, updated_at, created_by_id, updated_by_id, is_demo, person_id, year,
            commune_id, status, enrolled_level, enrolled_grade, preschool_completed, primary_completed_year,
            lower_secondary_graduated_year, highest_grade_completed, literacy_stage_completed)
        SELECT %s, %s, %s, %s, r.is_demo, r.person_id, %s, r.commune_id, r.status,
            CASE WHEN {preschool_leaver} THEN %s
                 WHEN {graded} AND r.enrolled_level = %s AND r.enrolled_grade >= 5 THEN %s
                 WHEN {graded} AND r.enrolled_level = %s AND r.enrolled_grade >= 9 THEN %s
                 WHEN {graded} AND r.enrolled_level IN (%s, %s) AND r.enrolled_grade >= 12 THEN ''
                 ELSE r.enrolled_level END,
            CASE WHEN {preschool_leaver} THEN 1
                 WHEN {graded} AND r.enrolled_level IN (%s, %s) AND r.enrolled_grade >= 12 THEN NULL
                 WHEN {graded} THEN r.enrolled_grade + 1
                 ELSE r.enrolled_grade END,
            CASE WHEN {preschool_leaver} THEN %s ELSE r.preschool_completed END,
            CASE WHEN r.primary_completed_year IS NULL AND {graded} AND r.enrolled_level = %s
                      AND r.enrolled_grade >= 5 THEN %s
                 ELSE r.primary_completed_year END,
            CASE WHEN r.lower_secondary_graduated_year IS NULL AND {graded} AND r.enrolled_level = %s
                      AND r.enrolled_grade >= 9 THEN %s
                 ELSE r.lower_secondary_graduated_year END,
            CASE WHEN {graded} AND (r.highest_grade_completed IS NULL
                                    OR r.highest_grade_completed < r.enrolled_grade)
                 THEN r.enrolled_grade
                 ELSE r.highest_grade_completed END,
            r.literacy_stage_completed
        FROM {table} r
        JOIN {persons} p ON p.id = r.person_id
        JOIN {units} u ON u.id = r.commune_id
        WHERE r.year = %s AND r.status = %s
          AND (u.valid_from IS NULL OR u.valid_from <= %s) AND (u.valid_to IS NULL OR u.valid_to >= %s)
          {where_units}
          AND NOT EXISTS (SELECT 1 FROM {table} n WHERE n.person_id = r.person_id AND n.year = %s)
    """  # noqa: S608 (table names are the models'; every value is a parameter)
    primary, lower = str(EnrolledLevel.PRIMARY), str(EnrolledLevel.LOWER_SECONDARY)
    upper = [str(level) for level in UPPER]
    params = [
        now, now, author, author, to_year,
        # enrolled_level
        *preschool_params, primary,
        *graded_params, primary, str(EnrolledLevel.LOWER_SECONDARY),
        *graded_params, lower, str(EnrolledLevel.UPPER_SECONDARY),
        *graded_params, *upper,
        # enrolled_grade
        *preschool_params,
        *graded_params, *upper,
        *graded_params,
        # preschool_completed
        *preschool_params, True,
        # primary_completed_year
        *graded_params, primary, to_year,
        # lower_secondary_graduated_year
        *graded_params, lower, to_year,
        # highest_grade_completed
        *graded_params,
        # WHERE
        from_year, str(Status.PRESENT), on, on, *unit_params, to_year,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _check_years(from_year: int, to_year: int | None) -> int:
    to_year = from_year + 1 if to_year is None else to_year
    if to_year <= from_year:
        raise DomainError(_("The roll-over goes forward: %(to)s is not after %(from)s."),
                          {"to": to_year, "from": from_year}, column="to_year")
    return to_year


def _authorise(user, units: Unit | Iterable[Unit] | None) -> list[str] | None:
    """The path prefixes to roll over; a user needs the "edit" capability on each unit.

    ``user=None`` is the command line (the operator of the server); a user without a
    unit list rolls over every unit they may edit.
    """
    prefixes = _prefixes(units)
    if user is None:
        return prefixes
    scope = scope_for(user, EDIT)
    if prefixes is None:
        if scope.everything:
            return None
        if scope.is_empty:
            raise PermissionDenied(_("You may not change the population registry."))
        return list(scope.prefixes)
    if not all(scope.covers_path(prefix) for prefix in prefixes):
        raise PermissionDenied(_("You may not change the population registry of this unit."))
    return prefixes


def preview(units: Unit | Iterable[Unit] | None, from_year: int, to_year: int | None = None, *,
            user=None) -> RolloverResult:
    """What ``roll_over`` would do, without writing."""
    to_year = _check_years(from_year, to_year)
    result = _counts(_authorise(user, units), from_year, to_year)
    result.dry_run = True
    return result


@transaction.atomic
def roll_over(units: Unit | Iterable[Unit] | None, from_year: int, to_year: int | None = None, *,
              user=None) -> RolloverResult:
    """Create the ``to_year`` (default ``from_year + 1``) records of everyone present in ``from_year``.

    ``units``: a commune, several units (their communes), or None for every unit the
    user may edit (everything, from the command line). Never overwrites an existing
    record; all or nothing; one audit entry.
    """
    to_year = _check_years(from_year, to_year)
    prefixes = _authorise(user, units)
    result = _counts(prefixes, from_year, to_year)
    result.created = _insert(prefixes, from_year, to_year, user)
    record_command(
        f"roll-over of the population registry {from_year} → {to_year}",
        unit_path=prefixes[0] if prefixes and len(prefixes) == 1 else "",
        details={**result.as_dict(), "units": prefixes or ["*"]},
    )
    return result
