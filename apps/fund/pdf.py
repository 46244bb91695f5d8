"""The fund's printable documents, rendered by WeasyPrint offline: the donation receipt
(biên nhận) and the statement of receipts and payments (công khai thu chi).

Both are documents to hand out or post, so they are in Vietnamese whatever the
interface language, with the national heading; the fonts and the fetcher that reads
nothing but them are those of the official reports (``apps.universal.reports.pdf``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from apps.fund.receipts import Receipt
from apps.fund.statement import Statement
from apps.fund.words import amount_in_words
from apps.universal.reports.document import MOTTO, NATIONAL_NAME
from apps.universal.reports.pdf import FONT_FAMILY, find_fonts, local_fetcher

STYLESHEET = Path(settings.BASE_DIR) / "static" / "fund" / "print.css"


def _render(template: str, context: dict, *, compress: bool) -> bytes:
    from weasyprint import HTML

    fonts = find_fonts()
    with translation.override("vi"):
        html = render_to_string(template, {
            **context,
            "font_faces": mark_safe(fonts.css()),  # noqa: S308 (paths of the system's font files)
            "font_family": FONT_FAMILY, "stylesheet": STYLESHEET.as_uri(),
            "national_name": NATIONAL_NAME, "motto": MOTTO, "today": timezone.localdate(),
        })
    document = HTML(string=html, base_url=str(STYLESHEET.parent),
                    url_fetcher=local_fetcher((*fonts.files(), STYLESHEET)))
    return document.write_pdf(uncompressed_pdf=not compress)


def receipt_pdf(receipt: Receipt, *, compress: bool = True) -> bytes:
    """The receipt of a donation; a cancelled one says so, with the reason."""
    return _render("fund/pdf/receipt.html", {"receipt": receipt}, compress=compress)


def statement_pdf(statement: Statement, *, label: str, closed: bool, period=None,
                  compress: bool = True) -> bytes:
    """The public statement of a period; an open period is marked provisional, a published one
    says when and by whom it was published."""
    return _render("fund/pdf/statement.html", {
        "s": statement, "label": label, "closed": closed, "period": period,
        "receipts_in_words": amount_in_words(max(statement.total_receipts, 0)),
        "payments_in_words": amount_in_words(max(statement.total_payments, 0)),
    }, compress=compress)
