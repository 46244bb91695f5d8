"""The annual report of learning-model titles (due 15 December) as an official document: XLSX and PDF.

The rows are ``apps.recognition.report.annual_report`` (the metrics, limited to
the user's scope); the layout is the administrative document of
``apps.universal.reports`` (Nghị định 30/2020/NĐ-CP), rendered by its XLSX and
PDF writers. One table per title gives, for the unit and each unit below it,
the subjects registered and recognised, the subjects of the unit, the share
holding the title and the target of QĐ 281/QĐ-TTg, QĐ 387/QĐ-TTg or QĐ
677/QĐ-TTg (ĐBKK variants for communes with special difficulties); a last table
lists the recognition decisions of the year, whose recognised subjects the
counts add up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _

from apps.places.models import Unit
from apps.recognition import services
from apps.recognition.models import Registration, Title
from apps.recognition.report import Row, annual_report, due_date
from apps.universal.reports.document import (
    Cell,
    OfficialDocument,
    Table,
    issuing_authority,
    percent_text,
    place_name,
)

REPORT_TITLE = "BÁO CÁO KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP NĂM {year}"


def decisions_of_year(user, unit: Unit, year: int):
    """The year's decisions in the unit, in the user's scope, with the number of subjects each recognised."""
    return (
        services.get_decisions_for_user(user)
        .filter(campaign__year=year, campaign__commune__path__startswith=unit.path)
        .annotate(
            recognised=Count("registrations", filter=Q(registrations__status=Registration.Status.RECOGNISED))
        )
        .order_by("campaign__commune__name", "campaign__title", "date", "number")
    )


def _title_table(title: str, rows: list[Row]) -> Table:
    target = rows[0].target if rows else None
    note = ""
    if target is not None:
        note = _("Target: %(share)s by %(year)s (%(document)s).") % {
            "share": percent_text(target.share),
            "year": target.deadline,
            "document": target.document,
        }
        if target.special_difficulty_share is not None:
            note += " " + _("Communes with special difficulties (ĐBKK): %(share)s.") % {
                "share": percent_text(target.special_difficulty_share)
            }
    body = []
    for row in rows:
        met = row.target_met
        body.append(
            [
                Cell(row.unit.name, bold=row is rows[0]),
                Cell(row.registered, "int"),
                Cell(row.recognised, "int"),
                Cell(row.subjects, "int"),
                Cell(row.share, "percent"),
                Cell(row.target_share, "percent"),
                Cell("—") if met is None else Cell(met, "bool", status="ok" if met else "bad"),
            ]
        )
    return Table(
        title=Title(title).label,
        columns=[
            _("Unit"),
            _("Registered"),
            _("Recognised"),
            _("Subjects"),
            _("Share holding the title"),
            _("Target"),
            _("Target met"),
        ],
        rows=body,
        note=note,
    )


def annual_document(user, unit: Unit, year: int, date: dt.date | None = None) -> OfficialDocument:
    """The annual report of ``unit`` (and the units below it that the user may see) for ``year``."""
    rows = annual_report(user, unit, year)
    by_title: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_title[row.title].append(row)
    with translation.override("vi"):
        tables = [_title_table(title, listed) for title, listed in by_title.items()]
        decisions = [
            [
                Cell(decision.campaign.commune.name),
                Cell(Title(decision.campaign.title).label),
                Cell(decision.number),
                Cell(decision.date.strftime("%d/%m/%Y")),
                Cell(decision.signer),
                Cell(decision.recognised, "int"),
            ]
            for decision in decisions_of_year(user, unit, year).select_related("campaign__commune")
        ]
        tables.append(
            Table(
                title=_("Recognition decisions of the year"),
                columns=[
                    _("Commune"),
                    _("Learning title"),
                    _("Decision number"),
                    _("Date"),
                    _("Signed by"),
                    _("Recognised"),
                ],
                rows=decisions,
                note="" if decisions else _("No decision in the year."),
            )
        )
        due = due_date(year)
        return OfficialDocument(
            issuer=issuing_authority(unit.name),
            place=place_name(unit.name, unit.division_type),
            date=date or dt.date.today(),
            title=REPORT_TITLE.format(year=year),
            subtitle=_("Registered and recognised subjects of each title; to be sent before %(due)s.")
            % {"due": due.strftime("%d/%m/%Y")},
            tables=tables,
            sheet_name=f"Mô hình học tập {year}",
        )


def annual_xlsx(user, unit: Unit, year: int, date: dt.date | None = None) -> bytes:
    from apps.universal.reports.xlsx import render_xlsx

    return render_xlsx(annual_document(user, unit, year, date))


def annual_pdf(user, unit: Unit, year: int, date: dt.date | None = None) -> bytes:
    from apps.universal.reports.pdf import render_pdf

    return render_pdf(annual_document(user, unit, year, date))
