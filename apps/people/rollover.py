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

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.audit import record_command
from apps.accounts.roles import EDIT
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError
from apps.metrics.services import data_changed
from apps.people.models import EnrolledLevel, Person, Status, SurveyRecord
from apps.places.models import Unit, UnitKind
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


def _literal(value: str) -> str:
    """A code of the models' choices as an SQL literal (they are identifiers, never user input)."""
    if not re.fullmatch(r"[a-z_]*", str(value)):
        raise ValueError(f"Not a choice code: {value!r}")
    return f"'{value}'"


PRESENT = _literal(Status.PRESENT)
PRESCHOOL, PRIMARY = _literal(EnrolledLevel.PRESCHOOL), _literal(EnrolledLevel.PRIMARY)
LOWER, UPPER_GENERAL = _literal(EnrolledLevel.LOWER_SECONDARY), _literal(EnrolledLevel.UPPER_SECONDARY)
UPPER_LEVELS = ", ".join(_literal(level) for level in UPPER)
GRADED_LEVELS = ", ".join(_literal(level) for level in GRADED)
# The transitions, on a record r of from_year joined to its person p.
IS_GRADED = f"(r.enrolled_level IN ({GRADED_LEVELS}) AND r.enrolled_grade IS NOT NULL)"
ENTERS_GRADE_1 = f"(r.enrolled_level = {PRESCHOOL} AND p.birth_year <= %(preschool_born_by)s)"
COMPLETES_PRIMARY = f"({IS_GRADED} AND r.enrolled_level = {PRIMARY} AND r.enrolled_grade >= 5)"
COMPLETES_LOWER = f"({IS_GRADED} AND r.enrolled_level = {LOWER} AND r.enrolled_grade >= 9)"
LEAVES_SCHOOL = f"({IS_GRADED} AND r.enrolled_level IN ({UPPER_LEVELS}) AND r.enrolled_grade >= 12)"
IN_FORCE = ("((u.valid_from IS NULL OR u.valid_from <= %(on)s) "
            "AND (u.valid_to IS NULL OR u.valid_to >= %(on)s))")


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {"records": quote(SurveyRecord._meta.db_table), "persons": quote(Person._meta.db_table),
            "units": quote(Unit._meta.db_table)}


def _commune_ids(prefixes: list[str] | None) -> list[int] | None:
    """The communes under the prefixes (None: every unit), looked up once so that the
    records are picked by the (year, commune) index with an estimate the planner trusts."""
    if prefixes is None:
        return None
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(path__startswith=prefix)
    return list(Unit.objects.filter(condition, kind=UnitKind.COMMUNE).values_list("pk", flat=True))


def _source(prefixes: list[str] | None, from_year: int, to_year: int, *, with_next: bool) -> tuple[str, dict]:
    """FROM and WHERE of the records of from_year in the units.

    ``with_next`` joins each record to its to_year record, if any (``n``), for the
    counts; the insert uses NOT EXISTS, which the planners turn into an anti-join.
    """
    tables = _tables()
    params: dict = {"from_year": from_year, "to_year": to_year,
                    "on": connection.ops.adapt_datefield_value(survey_date(to_year)),
                    "preschool_born_by": from_year - PRESCHOOL_LEAVING_AGE}
    where_units = ""
    ids = _commune_ids(prefixes)
    if ids is not None:
        params.update({f"c{number}": pk for number, pk in enumerate(ids)})
        placeholders = ", ".join(f"%(c{number})s" for number in range(len(ids))) or "NULL"
        where_units = f" AND r.commune_id IN ({placeholders})"
    next_join = (f" LEFT JOIN {tables['records']} n ON n.person_id = r.person_id AND n.year = %(to_year)s"
                 if with_next else "")
    sql = (f"FROM {tables['records']} r"
           f" JOIN {tables['persons']} p ON p.id = r.person_id"
           f" JOIN {tables['units']} u ON u.id = r.commune_id{next_join}"
           f" WHERE r.year = %(from_year)s{where_units}")
    return sql, params


def _counts(prefixes: list[str] | None, from_year: int, to_year: int) -> RolloverResult:
    """Every figure of the result in one pass over the records of from_year."""
    source, params = _source(prefixes, from_year, to_year, with_next=True)
    present = f"r.status = {PRESENT}"
    new = f"{present} AND n.id IS NULL AND {IN_FORCE}"
    figures = {
        "present": present,
        "already_recorded": f"{present} AND n.id IS NOT NULL",
        "leavers": f"r.status <> {PRESENT}",
        "outside_map": f"{present} AND n.id IS NULL AND NOT {IN_FORCE}",
        "created": new,
        "into_grade_1": f"{new} AND {ENTERS_GRADE_1}",
        "primary_completed": f"{new} AND {COMPLETES_PRIMARY}",
        "lower_secondary_graduated": f"{new} AND {COMPLETES_LOWER}",
        "left_school": f"{new} AND {LEAVES_SCHOOL}",
        "moved_up": (f"{new} AND {IS_GRADED} AND NOT {COMPLETES_PRIMARY} AND NOT {COMPLETES_LOWER} "
                     f"AND NOT {LEAVES_SCHOOL}"),
    }
    columns = ", ".join(f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"
                        for condition in figures.values())
    with connection.cursor() as cursor:
        # No user text reaches the SQL: codes are checked literals, values are parameters.
        cursor.execute(f"SELECT {columns} {source}", params)
        row = cursor.fetchone()
    return RolloverResult(from_year, to_year, **{name: int(value) for name, value in zip(figures, row,
                                                                                       strict=True)})


def _insert(prefixes: list[str] | None, from_year: int, to_year: int, user) -> int:
    """The INSERT … SELECT that writes the to_year records; returns how many."""
    source, params = _source(prefixes, from_year, to_year, with_next=False)
    records = _tables()["records"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    author = user.pk if getattr(user, "pk", None) else None
    params.update(now=now, author=author, yes=True)
    sql = f"""
        INSERT INTO {_tables()['records']} (created_at, updated_at, created_by_id, updated_by_id, is_demo,
            person_id, year, commune_id, status, enrolled_level, enrolled_grade, preschool_completed,
            primary_completed_year, lower_secondary_graduated_year, highest_grade_completed,
            literacy_stage_completed, sex, birth_year, ethnicity, disability)
        SELECT %(now)s, %(now)s, %(author)s, %(author)s, r.is_demo, r.person_id, %(to_year)s, r.commune_id,
            r.status,
            CASE WHEN {ENTERS_GRADE_1} THEN {PRIMARY}
                 WHEN {COMPLETES_PRIMARY} THEN {LOWER}
                 WHEN {COMPLETES_LOWER} THEN {UPPER_GENERAL}
                 WHEN {LEAVES_SCHOOL} THEN ''
                 ELSE r.enrolled_level END,
            CASE WHEN {ENTERS_GRADE_1} THEN 1
                 WHEN {LEAVES_SCHOOL} THEN NULL
                 WHEN {IS_GRADED} THEN r.enrolled_grade + 1
                 ELSE r.enrolled_grade END,
            CASE WHEN {ENTERS_GRADE_1} THEN %(yes)s ELSE r.preschool_completed END,
            CASE WHEN r.primary_completed_year IS NULL AND {COMPLETES_PRIMARY} THEN %(to_year)s
                 ELSE r.primary_completed_year END,
            CASE WHEN r.lower_secondary_graduated_year IS NULL AND {COMPLETES_LOWER} THEN %(to_year)s
                 ELSE r.lower_secondary_graduated_year END,
            CASE WHEN {IS_GRADED} AND (r.highest_grade_completed IS NULL
                                       OR r.highest_grade_completed < r.enrolled_grade)
                 THEN r.enrolled_grade
                 ELSE r.highest_grade_completed END,
            r.literacy_stage_completed, p.sex, p.birth_year, p.ethnicity, p.disability
        {source} AND r.status = {PRESENT} AND {IN_FORCE}
          AND NOT EXISTS (SELECT 1 FROM {records} n WHERE n.person_id = r.person_id AND n.year = %(to_year)s)
    """  # noqa: S608 (table names are the models', codes are checked literals, values are parameters)
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
    # The insert bypasses model signals: tell the metrics cache which year changed.
    data_changed("people.SurveyRecord", [str(to_year)])
    return result
