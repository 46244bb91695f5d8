"""A page crawl of the whole product, persona by persona, over the Krông Bông demo.

Each persona starts from ``/`` and follows every same-site ``<a href>`` breadth-first
(at most ``MAX_PAGES`` pages, and ``PER_ROUTE`` pages per URL pattern, so that every
kind of page is seen once or more without thousands of similar ones). Every page
must answer without a server error; every HTML page must carry ``<html lang=…>``
and a ``<title>``, and nothing the Content Security Policy of the settings blocks
(``style=`` attributes, inline ``<script>`` blocks, ``on…=`` handlers).

The neighbour commune's officer (Xã Hòa Sơn) must not open a page of Dang Kang's
own records: every object page the Dang Kang officer reached is requested again
as the neighbour and must answer 403 or 404, or show nothing of Dang Kang (pages
shared by every commune, such as a criteria set, are listed in ``SHARED_ROUTES``;
the fund's published pages in ``PUBLIC_ROUTES``, where the anonymous crawl starts too).

The dataset is the demo of ``manage.py demo`` (``load_demo``, a small synthetic
population, ``load_extensions``), built once for the module inside a transaction
that is rolled back at the end, so that the other tests never see it.
"""

from __future__ import annotations

import os
import time
import traceback
from collections import Counter, deque
from contextlib import suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

MAX_PAGES = 400
PERSONS = 600
SEED = 7


@dataclass(frozen=True)
class Budget:
    """How many pages of one URL pattern a crawl opens."""

    bare: int  # without a query string
    query: int  # per set of query parameters (filters, pages of a list)
    map_date: int  # with only the date of the map (the same two links on every page)

    def of(self, keys: tuple[str, ...]) -> int:
        if not keys:
            return self.bare
        return self.map_date if keys == ("on",) else self.query


FULL = Budget(3, 2, 1)  # every kind of page, up to three of a kind (marked slow)
QUICK = Budget(1, 1, 0)  # one page of a kind: the suite's default for the admin and Dang Kang
LEAN = Budget(1, 0, 0)  # and for the other personas, whose pages differ by scope, not by filters

# Never followed: leaving the session or its language, the Django admin.
SKIP_PREFIXES = ("/admin/", "/i18n/", "/accounts/logout/", "/static/", "/media/")
NOT_SENT = ("submit", "button", "file", "image", "reset")
SEARCH_TEXT = "Thôn"  # typed into the search boxes of GET forms: a word of many names
# Scripts the CSP allows: data, not code.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# URL patterns whose objects are shared by every commune, not records of one commune.
SHARED_ROUTES = {"recognition/sets/<int:pk>/export.<str:fmt>"}  # criteria sets: national or provincial
# Pages published for everyone: the fund's public statements (Nghị định 93/2019/NĐ-CP, Art. 38.4).
PUBLIC_ROUTES = ("fund/public/",)
PUBLIC_START_PAGES = ("fund:public_index",)  # where an anonymous visitor's crawl starts too


class PageParser(HTMLParser):
    """What the crawl checks in a page: links, language, title and CSP breaches."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.fragments: list[str] = []  # htmx targets: parts of a page, not pages
        self.lang: str | None = None
        self.title = ""
        self.in_title = False
        self.inline_styles: list[str] = []
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self._script_inline = False
        self._script_text = ""
        # GET forms, submitted with their defaults (a search box gets SEARCH_TEXT).
        self._form: dict | None = None
        self._select: str | None = None

    def _field(self, name: str | None, value: str) -> None:
        if self._form is not None and name:
            self._form["fields"].setdefault(name, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("hx-get"):
            self.fragments.append(values["hx-get"])
        if tag == "form" and (values.get("method") or "get").lower() == "get":
            self._form = {"action": values.get("action") or "", "fields": {}}
        elif tag == "input" and values.get("type", "text") not in NOT_SENT:
            kind = values.get("type", "text")
            if kind in ("text", "search") and not values.get("value"):
                self._field(values.get("name"), SEARCH_TEXT)
            elif kind not in ("checkbox", "radio") or "checked" in values:  # an unticked box sends nothing
                self._field(values.get("name"), values.get("value") or "")
        elif tag == "select":
            self._select = values.get("name")
        elif tag == "option" and self._select and self._form is not None:
            # The first option, unless one is selected: a filter as the page offers it.
            if "selected" in values:
                self._form["fields"][self._select] = values.get("value") or ""
            else:
                self._field(self._select, values.get("value") or "")
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "title":
            self.in_title = True
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "script":
            kind = (values.get("type") or "").lower()
            self._script_inline = not values.get("src") and kind not in DATA_SCRIPT_TYPES
            self._script_text = ""
        for name, value in attrs:
            if name == "style":
                self.inline_styles.append(f"<{tag} style={value!r}>")
            elif name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            query = urlencode([(name, value) for name, value in self._form["fields"].items()])
            self.links.append(f"{self._form['action'].split('?')[0] or '.'}?{query}" if query
                              else self._form["action"] or ".")
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "title":
            self.in_title = False
        elif tag == "script":
            if self._script_inline and self._script_text.strip():
                self.inline_scripts += 1
            self._script_inline = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self._script_inline:
            self._script_text += data


@dataclass
class Crawl:
    """The pages one persona reached and what was wrong with them."""

    visited: dict[str, int] = field(default_factory=dict)  # URL → status
    routes: dict[str, str] = field(default_factory=dict)  # URL → route
    timings: dict[str, float] = field(default_factory=dict)  # URL → seconds
    skipped: dict[str, str] = field(default_factory=dict)  # URL → route of downloads not fetched again
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        return "\n".join(self.problems)


def _route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _same_site(base: str, href: str) -> str | None:
    """The site-relative URL of a link, or None for other sites, anchors and skipped areas."""
    if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
        return None
    if not parts.path or parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _check_html(url: str, html: str, crawl: Crawl, fragment: bool = False) -> PageParser:
    """The page's problems into ``crawl``; a fragment (an htmx target) needs no language nor title."""
    parser = PageParser()
    parser.feed(html)
    if not parser.lang and not (fragment and "<html" not in html):
        crawl.problems.append(f"{url}: no <html lang=…>")
    if not parser.title.strip() and not (fragment and "<html" not in html):
        crawl.problems.append(f"{url}: no <title>")
    if parser.inline_styles:
        crawl.problems.append(f"{url}: style attributes (CSP): {parser.inline_styles[:3]}")
    if parser.inline_scripts:
        crawl.problems.append(f"{url}: {parser.inline_scripts} inline <script> (CSP)")
    if parser.handlers:
        crawl.problems.append(f"{url}: event handler attributes (CSP): {parser.handlers[:3]}")
    return parser


def _query_keys(url: str) -> tuple[str, ...]:
    return tuple(sorted({pair.split("=", 1)[0] for pair in urlsplit(url).query.split("&") if pair}))


# Routes answering with a file (PDF, XLSX, …), learnt during the module's crawls.
DOWNLOADS: set[str] = set()


def crawl(client: Client, budget: Budget = QUICK, starts: tuple[str, ...] = ("/",),
          max_pages: int = MAX_PAGES, downloads: set[str] | None = None) -> Crawl:
    """Breadth-first over the same-site links from ``starts``.

    ``downloads``: routes known to answer with a file, fetched no more (shared
    between the personas' crawls, so that each kind of file is rendered once).
    """
    downloads = DOWNLOADS if downloads is None else downloads
    result = Crawl()
    started = time.perf_counter()
    queue: deque[str] = deque(starts)
    seen = set(starts)
    fragments: set[str] = set()  # paths of htmx targets
    per_route: Counter[tuple[str, tuple[str, ...]]] = Counter()
    while queue and len(result.visited) < max_pages:
        url = queue.popleft()
        route = _route(urlsplit(url).path)
        if route is None:
            result.problems.append(f"{url}: a link to no page")
            continue
        if route in downloads:
            result.skipped[url] = route  # one download of a kind per module: PDFs take a second each
            continue
        key = (route, _query_keys(url))
        if per_route[key] >= budget.of(key[1]):
            continue
        per_route[key] += 1
        before = time.perf_counter()
        try:
            response = client.get(url)
        except Exception:  # every server error is reported, the crawl goes on
            result.problems.append(f"{url}: server error\n{traceback.format_exc(limit=-6)}")
            result.visited[url] = 500
            continue
        result.visited[url] = response.status_code
        result.routes[url] = route
        result.timings[url] = time.perf_counter() - before
        if response.status_code >= 500:
            result.problems.append(f"{url}: status {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = _same_site(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if "text/html" not in response.get("Content-Type", "") or response.streaming:
            downloads.add(route)  # downloads are fetched, not parsed
            continue
        parser = _check_html(url, response.content.decode(), result, urlsplit(url).path in fragments)
        for href, is_fragment in [(href, False) for href in parser.links] + [
                (href, True) for href in parser.fragments]:
            target = _same_site(url, href)
            if target and is_fragment:
                fragments.add(urlsplit(target).path)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    result.seconds = time.perf_counter() - started
    return result


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo of ``manage.py demo`` with a small population, rolled back after the module."""
    from apps.core.demo import load_demo, load_extensions, load_population
    from apps.places.testing import build_krong_bong

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            started = time.perf_counter()
            build_krong_bong()
            load_demo()
            load_population(persons=PERSONS, seed=SEED)
            load_extensions()
            print(f"demo built in {time.perf_counter() - started:.1f} s")
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _names_a_record(path: str) -> bool:
    """True when the path names a record by its key (not only a year or a format)."""
    return any(name == "pk" or name.endswith(("_pk", "_id")) for name in resolve(path).kwargs)


def _client(username: str | None, language: str = "vi") -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    if language != "vi":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


PERSONAS = ["admin", "krongbong", "dangkang", "hoason", "hoikh", "thuquy", "tinh", None]
BUDGETS = {"admin": QUICK, "dangkang": QUICK, None: QUICK}


def _starts(username: str | None) -> tuple[str, ...]:
    """Where a crawl starts: the home page; for anonymous visitors also the pages published for all."""
    from django.urls import NoReverseMatch, reverse

    starts = ["/"]
    if username is None:
        for name in PUBLIC_START_PAGES:
            with suppress(NoReverseMatch):  # a module not installed
                starts.append(reverse(name))
    return tuple(starts)


CRAWLS: dict[tuple[str | None, str, Budget], Crawl] = {}


def crawl_as(username: str | None, language: str = "vi", budget: Budget | None = None) -> Crawl:
    """The crawl of one persona, once per module (the neighbour test reads two of them again)."""
    budget = budget or (BUDGETS.get(username, LEAN) if language == "vi" else LEAN)
    key = (username, language, budget)
    if key not in CRAWLS:
        CRAWLS[key] = crawl(_client(username, language), budget, _starts(username))
    return CRAWLS[key]


def _assert_clean(result: Crawl, who: str) -> None:
    print(f"{who}: {len(result.visited)} pages in {result.seconds:.1f} s")
    if os.environ.get("CRAWL_LIST"):
        for url, status in result.visited.items():
            print(f"  {status} {result.timings.get(url, 0):.2f} {url}")
    slowest = sorted(result.timings.items(), key=lambda item: -item[1])[:5]
    print("  slowest: " + ", ".join(f"{url} {seconds:.2f} s" for url, seconds in slowest))
    assert not result.problems, f"{who}:\n{result.report()}"


@pytest.mark.parametrize("username", PERSONAS, ids=[name or "anonymous" for name in PERSONAS])
def test_crawl(demo_site, db, username):
    result = crawl_as(username)
    _assert_clean(result, username or "anonymous")
    assert len(result.visited) > (1 if username is None else 10)


@pytest.mark.slow
@pytest.mark.parametrize("username", ["admin", "krongbong", "dangkang"])
def test_crawl_three_of_a_kind(demo_site, db, username):
    """The wider crawl: up to three pages per URL pattern, and the map before the reform."""
    _assert_clean(crawl_as(username, budget=FULL), f"{username} (three of a kind)")


def test_crawl_in_english(demo_site, db):
    result = crawl_as("dangkang", "en")
    _assert_clean(result, "dangkang (en)")
    home = _client("dangkang", "en").get("/")
    assert b'<html lang="en"' in home.content


def test_neighbour_opens_no_page_of_dang_kang(demo_site, db):
    """Every record page Dang Kang's officer reached is closed to Hòa Sơn's, or shows nothing of Dang Kang.

    A record shared by both communes (a document of the province, a criteria set)
    opens for both; its page must then not name Dang Kang (a form on a province
    document offers the neighbour's own units only). A file of a record answers
    403/404 unless its route is in ``SHARED_ROUTES``.
    """
    own, theirs = crawl_as("dangkang"), crawl_as("hoason")
    neighbour = _client("hoason")
    opened = []
    pages = {url: own.routes[url] for url, status in own.visited.items() if status == 200} | own.skipped
    their_paths = {urlsplit(url).path for url in theirs.visited}
    for url, route in pages.items():
        path = urlsplit(url).path
        if (path in their_paths or route in SHARED_ROUTES or route.startswith(PUBLIC_ROUTES)
                or not _names_a_record(path)):
            continue
        response = neighbour.get(url)
        if response.status_code in (403, 404):
            continue
        html = "text/html" in response.get("Content-Type", "")
        if not html or "Dang Kang" in response.content.decode():
            opened.append(f"{url} ({route}): {response.status_code}")
    assert not opened, "Hòa Sơn's officer opens Dang Kang's pages:\n" + "\n".join(opened)


def _with_missing_keys(path: str) -> str:
    """The path with every record key replaced by one no record has."""
    match = resolve(path)
    kwargs = {name: (987654 if name == "pk" or name.endswith(("_pk", "_id")) else value)
              for name, value in match.kwargs.items()}
    from django.urls import reverse

    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    return reverse(name, kwargs=kwargs)


def test_missing_records_answer_404(demo_site, db):
    """A key no record has answers 404 on every record page the admin reached (not 500)."""
    admin = crawl_as("admin")
    client = _client("admin")
    broken = []
    routes_done: set[str] = set()
    for url, route in (admin.routes | admin.skipped).items():
        path = urlsplit(url).path
        if route in routes_done or not _names_a_record(path):
            continue
        routes_done.add(route)
        missing = _with_missing_keys(path)
        try:
            status = client.get(missing).status_code
        except Exception:  # a server error is what this test looks for
            status = f"server error\n{traceback.format_exc(limit=-4)}"
        if status != 404:
            broken.append(f"{missing} ({route}): {status}")
    assert routes_done
    assert not broken, "\n".join(broken)
