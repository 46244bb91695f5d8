"""PDF rendering of an official document with WeasyPrint, offline, with embedded fonts.

Government networks are often offline and a report must read the same on every
machine, so the fonts are files of the system (fonts-noto-core, or DejaVu when
Noto is missing) embedded through ``@font-face`` with ``file://`` URLs, and the
URL fetcher refuses everything but those font files and the report stylesheet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.universal.reports.document import (
    ARCHIVE,
    MOTTO,
    NATIONAL_NAME,
    RECIPIENTS,
    OfficialDocument,
    cell_text,
)

FONT_FAMILY = "NotoSerif"  # the name the PDF embeds (its BaseFont), checked by the tests
# (regular, bold, italic, bold italic) of each candidate family, the first found wins.
FONT_CANDIDATES: tuple[tuple[str, str, str, str], ...] = (
    (
        "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-BoldItalic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-BoldItalic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf",
    ),
)
STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "report.css"

# WeasyPrint logs each rendering step at INFO, which the root logger prints; a
# report is one line of the access log, not eight.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class FontsMissing(RuntimeError):
    """No font covering Vietnamese is installed (install fonts-noto-core)."""


@dataclass(frozen=True)
class FontSet:
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    def files(self) -> tuple[Path, ...]:
        return (self.regular, self.bold, self.italic, self.bold_italic)

    def css(self) -> str:
        faces = []
        for path, weight, style in (
            (self.regular, "normal", "normal"), (self.bold, "bold", "normal"),
            (self.italic, "normal", "italic"), (self.bold_italic, "bold", "italic"),
        ):
            faces.append(
                f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{path.as_uri()}"); '
                f"font-weight: {weight}; font-style: {style}; }}"
            )
        return "\n".join(faces)


@cache
def find_fonts() -> FontSet:
    """The first family of ``FONT_CANDIDATES`` installed whole (a missing style reuses regular)."""
    for candidate in FONT_CANDIDATES:
        paths = [Path(p) for p in candidate]
        if paths[0].is_file():
            regular = paths[0]
            return FontSet(*(path if path.is_file() else regular for path in paths))
    raise FontsMissing("No font covering Vietnamese: install fonts-noto-core (or fonts-dejavu-core).")


def local_fetcher(allowed: tuple[Path, ...]):
    """A WeasyPrint URL fetcher that reads only the given local files: no network, no other file."""
    from weasyprint.urls import URLFetcher, URLFetchingError

    allowed_files = {path.resolve() for path in allowed}

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise URLFetchingError(f"Refused (not a local file): {url[:80]}")
            from urllib.parse import unquote, urlsplit

            path = Path(unquote(urlsplit(url).path)).resolve()
            if path not in allowed_files:
                raise URLFetchingError(f"Refused (not a report resource): {path}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file",), allow_redirects=False, timeout=5)


def render_html(document: OfficialDocument) -> str:
    """The document as HTML for WeasyPrint, in Vietnamese (an official document)."""
    fonts = find_fonts()
    with translation.override("vi"):
        yes, no = _("met"), _("not met")
        tables = [
            {"table": table, "rows": [[(cell_text(c, yes=yes, no=no), c) for c in row] for row in table.rows]}
            for table in document.tables
        ]
        return render_to_string("universal/reports/report.html", {
            "doc": document,
            "tables": tables,
            "font_faces": mark_safe(fonts.css()),  # noqa: S308 (paths of the system's font files)
            "stylesheet": STYLESHEET.as_uri(),
            "font_family": FONT_FAMILY,
            "national_name": NATIONAL_NAME,
            "motto": MOTTO,
            "recipients_label": RECIPIENTS,
            "archive": ARCHIVE,
        })


def render_pdf(document: OfficialDocument, *, compress: bool = True) -> bytes:
    """The PDF bytes; ``compress=False`` leaves the streams readable (for tests and audits)."""
    from weasyprint import HTML

    fonts = find_fonts()
    fetcher = local_fetcher((*fonts.files(), STYLESHEET))
    html = HTML(string=render_html(document), base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    return html.write_pdf(uncompressed_pdf=not compress)
