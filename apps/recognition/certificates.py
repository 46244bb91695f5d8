"""The certificate (giấy chứng nhận) of a recognised subject, as a PDF printed by WeasyPrint.

Laid out as an administrative document of the commune People's Committee
(Nghị định 30/2020/NĐ-CP: issuing authority, national name and motto, place and
date), naming the title, the year, the subject, and the recognition decision
(number, date, signer). Always Vietnamese: its fixed wording is the form's, not
the interface's. Fonts and the stylesheet are local files embedded through the
same offline fetcher as the official reports (``apps.universal.reports.pdf``): no
network. A certificate issued on an illustrative criteria set says so ("minh hoạ").
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from apps.people.models import Person, Relation
from apps.recognition.models import Registration, Title
from apps.universal.reports.document import (
    CHAIRMAN,
    MOTTO,
    NATIONAL_NAME,
    ON_BEHALF,
    issuing_authority,
    place_and_date,
    place_name,
)
from apps.universal.reports.pdf import FONT_FAMILY, find_fonts, local_fetcher

STYLESHEET = Path(settings.BASE_DIR) / "static" / "recognition" / "certificate.css"


def subject_lines(registration: Registration, *, with_names: bool) -> tuple[str, str]:
    """(who, where): the subject as the certificate names it; codes instead of names without personal data."""
    unit = registration.unit
    where = (
        unit.name
        if unit.pk == registration.campaign.commune_id
        else f"{unit.name}, {registration.campaign.commune.name}"
    )
    if registration.household_id:
        household = registration.household
        head = (
            Person.objects.filter(household=household, relation=Relation.HEAD)
            .order_by("code")
            .values_list("full_name", flat=True)
            .first()
            if with_names
            else None
        )
        who = f"Gia đình ông/bà {head}" if head else f"Hộ gia đình mã số {household.code}"
        return who, where
    if registration.person_id:
        person = registration.person
        who = (
            f"Ông/bà {person.full_name}"
            if with_names
            else f"Công dân mã số {person.household.code}/{person.code}"
        )
        return who, where
    return str(registration.subject), where


def certificate_context(registration: Registration, *, with_names: bool) -> dict:
    campaign = registration.campaign
    decision = registration.decision
    commune = campaign.commune
    criteria_set = campaign.criteria_set
    who, where = subject_lines(registration, with_names=with_names)
    return {
        "authority": issuing_authority(commune.name),
        "national_name": NATIONAL_NAME,
        "motto": MOTTO,
        "place_and_date": place_and_date(place_name(commune.name, commune.division_type), decision.date),
        "title": Title(campaign.title).label,
        "year": campaign.year,
        "who": who,
        "where": where,
        "decision": decision,
        "decision_date": decision.date.strftime("%d/%m/%Y"),
        "commune": commune,
        "on_behalf": ON_BEHALF + " " + "ỦY BAN NHÂN DÂN",
        "signer_title": (decision.signer_title or CHAIRMAN).upper(),
        "signer": decision.signer,
        "criteria_set": criteria_set,
        "illustrative": criteria_set.is_illustrative,
        "registration": registration,
    }


def render_html(registration: Registration, *, with_names: bool) -> str:
    fonts = find_fonts()
    with translation.override("vi"):
        return render_to_string(
            "recognition/certificate.html",
            {
                **certificate_context(registration, with_names=with_names),
                "font_faces": mark_safe(fonts.css()),  # noqa: S308 (paths of the system's font files)
                "font_family": FONT_FAMILY,
                "stylesheet": STYLESHEET.as_uri(),
            },
        )


def certificate_pdf(registration: Registration, *, with_names: bool, compress: bool = True) -> bytes:
    """The PDF bytes; ``compress=False`` leaves the text readable (tests and audits)."""
    from weasyprint import HTML

    fonts = find_fonts()
    fetcher = local_fetcher((*fonts.files(), STYLESHEET))
    html = HTML(
        string=render_html(registration, with_names=with_names),
        base_url=str(STYLESHEET.parent),
        url_fetcher=fetcher,
    )
    return html.write_pdf(uncompressed_pdf=not compress)
