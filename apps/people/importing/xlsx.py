"""Streaming the first worksheet of an XLSX workbook, for ``reader.open_table``.

An XLSX workbook is an Office Open XML package (ECMA-376 Part 2): a zip of XML
parts, SpreadsheetML (Part 1, §18). The first worksheet is decompressed as it is
read and parsed a block of whole rows at a time, so memory stays flat however
many rows it has; only the shared strings (one list of texts) and the number
formats of the styles are held. Cells come out as ``reader.cell_text`` writes
them, as python-calamine's values did before (2015.0 as 2015, dates dd/mm/yyyy).
"""

from __future__ import annotations

import datetime as dt
import itertools
import posixpath
import re
import string
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Generator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import IO
from xml.sax.saxutils import quoteattr

from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, ImportFailed
from apps.people.importing.reader import Table, _nfc, cell_text

_XLSX_BLOCK = 1 << 20  # bytes of XML read, then scanned or parsed, at once
_XLSX_HEAD = 1 << 16  # bytes before the string table's start tag, at most, for the scanner
_XLSX_CARRIES = 8  # times a block that fails to parse is joined to the next one before it is refused
_DIGITS = "0123456789"
_MAX_COLUMNS = 16_384  # column XFD, the last one a worksheet has (§18.3.1.4)
_EXCEL_1900 = dt.date(1899, 12, 30)  # serial 0 of the 1900 date system, counted from 1 March 1900 on
_EXCEL_1904 = dt.date(1904, 1, 1)
_MS_PER_DAY = 86_400_000
# Built-in number formats (§18.8.30) that show a date or time, and the one of elapsed time.
_DATE_FORMAT_IDS = {"14", "15", "16", "17", "18", "19", "20", "21", "22", "45", "47"}
_DURATION_FORMAT_IDS = {"46"}
_DATE = "date"
_DURATION = "duration"
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*>")
_ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")
_STRING_TABLE = re.compile(rb"<sst\b[^>]*>")
_STRING_ITEM = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*+)</t></si>')
# The tokens of rows as spreadsheet programs write them (Excel, LibreOffice, openpyxl, XlsxWriter,
# Google Sheets): a cell (reference, style, type; a formula; a value or an inline string), a row
# start tag (number; self-closed when empty), a row end tag.
# Possessive quantifiers (*+, ++): nothing to backtrack into, a tenth faster.
_ROW_TOKEN = re.compile(
    r'<c r="([A-Z]{1,3}+)[0-9]++"(?: s="([0-9]++)")?(?: t="([a-zA-Z]++)")?'
    r'(?:/>|>(?:<f(?: [^<>/]*+)?(?:/>|>[^<]*+</f>))?'
    r'(?:<v>([^<]*+)</v>|<is><t(?: xml:space="preserve")?>([^<]*+)</t></is>)?</c>)'
    r'|<row r="([0-9]++)"(?: [\w:]++="[^"<>]*+")*+\s*+(/?)>'
    r'|</row>'
)
_ROW_TOKEN_PARTS = _ROW_TOKEN.groups + 1  # what split gives per token: its groups, then what follows it
_CACHE_SIZE = 100_000  # texts of numbers and dates kept, per kind
# What a damaged package raises: zip and XML errors, missing or mistyped values and parts;
# zipfile raises NotImplementedError for a compression method it lacks and RuntimeError for
# an encrypted member.
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, ET.ParseError, zlib.error, EOFError, OSError, KeyError,
            ValueError, IndexError, TypeError, NotImplementedError, RuntimeError)


def _damaged(reason: str, row: int | None = None) -> ImportFailed:
    return ImportFailed([DomainError(_("The workbook cannot be read: %(reason)s."), {"reason": reason},
                                     row=row)])


def _refuse_dtd(data: bytes, part: str) -> None:
    """Refuse a document type declaration: SpreadsheetML has none, and only one can declare the entities
    of an expansion attack (ElementTree never loads external ones). Without it XML is safe to parse."""
    if b"<!DOCTYPE" in data:
        raise _damaged(f"{part} declares a document type")


def _pulled(stream: IO[bytes], part: str) -> Iterator[tuple[str, ET.Element]]:
    """The start and end events of a part parsed as it is read (a document type refused)."""
    parser = ET.XMLPullParser(events=("start", "end"))
    head = b""
    started = False
    while chunk := stream.read(_XLSX_BLOCK):
        if not started:
            head = head[-16:] + chunk
            _refuse_dtd(head, part)
        parser.feed(chunk)
        for event in parser.read_events():
            started = True
            yield event
    parser.close()  # the parser may keep the last events until now (expat defers small inputs)
    yield from parser.read_events()


def _namespace(tag: str) -> str:
    """``{uri}`` of a parsed tag ('' without one): SpreadsheetML has a transitional and a strict namespace."""
    return tag[:tag.index("}") + 1] if tag.startswith("{") else ""


def _unescape(text: str) -> str:
    """Characters XML cannot carry are written _xHHHH_ in SpreadsheetML strings (§22.9.2.19)."""
    return _ESCAPED_CHARACTER.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


def _text(text: str) -> str:
    """A string cell as ``cell_text`` writes it."""
    return _nfc(_unescape(text)).strip() if text else ""


def _rich_text(item: ET.Element, ns: str) -> str:
    """The text of a string item (§18.4.8 si, §18.3.1.53 is): its t, or its runs' t joined (no phonetics)."""
    if len(item) == 1 and item[0].tag == ns + "t":
        return item[0].text or ""
    t, run = ns + "t", ns + "r"
    return "".join((child.text or "") if child.tag == t else (child.findtext(t) or "")
                   for child in item if child.tag in (t, run))


def _number_text(text: str) -> str:
    """A number as ``cell_text`` writes the float a spreadsheet holds: 2015.0 as 2015, 0.5 as 0.5."""
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return text  # most numbers of a registry (codes, years, grades): already what the float gives
    try:
        if "_" in text:
            raise ValueError(text)  # Python reads 1_000 as a number; a spreadsheet does not
        value = float(text)
    except ValueError:
        return _text(text)  # not a number after all: read as the text it is
    return str(int(value)) if value.is_integer() else repr(value)


def _serial_text(text: str, kind: str, date1904: bool) -> str:
    """A number shown as a date, time or duration: dates as dd/mm/yyyy, times as hh:mm:ss (as calamine)."""
    try:
        value = float(text)
        milliseconds = round(value * _MS_PER_DAY)
        if kind == _DURATION:
            return str(dt.timedelta(milliseconds=milliseconds))
        if value < 1:  # a time of day without a date
            return str((dt.datetime.min + dt.timedelta(milliseconds=max(milliseconds, 0))).time())
        days = milliseconds // _MS_PER_DAY
        if date1904:
            return cell_text(_EXCEL_1904 + dt.timedelta(days=days))
        # The 1900 system counts a 29 February 1900 that never was (serial 60, read as the 28th).
        start = _EXCEL_1900 if days >= 60 else _EXCEL_1900 + dt.timedelta(days=1)
        return cell_text(start + dt.timedelta(days=days))
    except (ValueError, OverflowError):
        return _number_text(text)  # no date (beyond 9999, or not a number): the value as it is


def _typed_text(kind: str, value: str) -> str:
    """Cells of the rarer types (§18.18.11) but inline strings: formula strings, booleans, dates, errors."""
    if kind == "str":
        return _text(value)
    if kind == "b":
        return "1" if value.strip().lower() in ("1", "true") else ""
    if kind == "d":
        return _iso_text(value.strip())
    if kind == "e":
        return ""  # #N/A, #DIV/0!…: no value
    raise ValueError(f"unknown cell type {kind!r}")


def _iso_text(text: str) -> str:
    """A cell of type d (§18.18.11): an ISO 8601 date, date and time, or time; else the text as is."""
    for parse, show in ((dt.datetime.fromisoformat, cell_text), (dt.time.fromisoformat, str)):
        try:
            return show(parse(text))
        except ValueError:
            continue
    return _text(text)


def format_kind(code: str) -> str | None:
    """Whether a number format (§18.8.31) shows a date or time, elapsed time, or neither.

    Its first section is read: quoted text, escaped characters (backslash, and
    the _ and * that take the next character), colours and conditions in
    brackets are skipped; [h], [m] or [s] is elapsed time; d, m, y, h or s a date.
    """
    if code.split(";", 1)[0].strip().lower() in ("general", "standard", "@"):
        return None  # names of the plain format (LibreOffice's has a d and an s)
    position, size = 0, len(code)
    while position < size:
        char = code[position]
        if char == ";":
            return None
        if char in "\\_*":
            position += 2
            continue
        if char == '"':
            end = code.find('"', position + 1)
            position = size if end < 0 else end + 1
            continue
        if char == "[":
            end = code.find("]", position + 1)
            inside = code[position + 1:] if end < 0 else code[position + 1:end]
            if inside and inside.lower().strip("hms") == "" and len(set(inside.lower())) == 1:
                return _DURATION
            position = size if end < 0 else end + 1
            continue
        if char in "dmyhsDMYHS":
            return _DATE
        position += 1
    return None


class _Columns(dict[str, int]):
    """Column letters (A, B, …, XFD) → index from 0, computed once per column."""

    def __missing__(self, letters: str) -> int:
        index = 0
        for letter in letters:
            if not "A" <= letter <= "Z":
                raise ValueError(f"the cell reference {letters!r} names no column")
            index = index * 26 + ord(letter) - 64
        if not 0 < index <= _MAX_COLUMNS:
            raise ValueError(f"the cell reference {letters!r} names no column")
        self[letters] = index - 1
        return index - 1


@dataclass
class _Parts:
    """Where the parts of a workbook are, and what its worksheet needs to know to read cells."""

    sheet: str
    shared_strings: str | None
    styles: str | None
    date1904: bool


class _Package:
    """The zip of an XLSX workbook: its parts by name, the relationships between them (ECMA-376 Part 2)."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        # Part names are compared without regard to case (Part 2, §9.1.1.1).
        self.names = {name.lower(): name for name in archive.namelist()}

    def has(self, part: str) -> bool:
        return part.lower() in self.names

    def open(self, part: str) -> IO[bytes]:
        return self.archive.open(self._name(part))

    def size(self, part: str) -> int:
        """Bytes of the part once decompressed, as the zip's directory says."""
        return self.archive.getinfo(self._name(part)).file_size

    def _name(self, part: str) -> str:
        name = self.names.get(part.lower())
        if name is None:
            raise _damaged(f"the part {part} is missing")
        return name

    def xml(self, part: str) -> ET.Element:
        """A small part (workbook, relationships, styles), parsed whole."""
        with self.open(part) as stream:
            data = stream.read()
        _refuse_dtd(data, part)
        try:
            return ET.fromstring(data)  # noqa: S314 (no DTD, hence no entity: see _refuse_dtd)
        except ET.ParseError as exc:
            raise _damaged(f"{part}: {exc}") from exc

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, target part name) of the relationships of ``part``."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        found: dict[str, tuple[str, str]] = {}
        if not self.has(rels):
            return found
        for relation in self.xml(rels):
            target = relation.get("Target") or ""
            if relation.get("TargetMode") == "External" or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            found[relation.get("Id") or ""] = (relation.get("Type") or "", path)
        return found

    def parts(self) -> _Parts:
        """The first worksheet in the workbook's order (not assumed to be sheet1.xml) and its companions."""
        workbook = "xl/workbook.xml"
        for kind, path in self.relationships("").values():
            if kind.endswith("/officeDocument"):
                workbook = path
                break
        root = self.xml(workbook)
        ns = _namespace(root.tag)
        properties = root.find(ns + "workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
        relations = self.relationships(workbook)
        sheet = None
        for entry in root.iterfind(f"{ns}sheets/{ns}sheet"):
            ids = [value for key, value in entry.attrib.items() if key.endswith("}id")]
            kind, path = relations.get(ids[0] if ids else "", ("", ""))
            if kind.endswith("/worksheet"):  # a chart sheet holds no cells
                sheet = path
                break
        if sheet is None:
            raise _damaged("the workbook has no worksheet")
        companions = {kind.rsplit("/", 1)[-1]: path for kind, path in relations.values()}
        return _Parts(sheet, companions.get("sharedStrings"), companions.get("styles"), date1904)

    def shared_strings(self, part: str | None) -> list[str]:
        """The shared string table (§18.4), read as a stream and kept as one list of texts."""
        if part is None:
            return []
        scanned = self._scanned_strings(part)
        return scanned if scanned is not None else self._parsed_strings(part)

    def _scanned_strings(self, part: str) -> list[str] | None:
        """The table read by a regular expression when every item is a plain <si><t> (twenty times
        faster than parsing it); None when anything else is there: rich text, entities, comments…"""
        strings: list[str] = []
        with self.open(part) as stream:
            buffer = b""
            while not (found := _STRING_TABLE.search(buffer)):
                if not (chunk := stream.read(_XLSX_BLOCK)) or len(buffer) > _XLSX_HEAD:
                    return None  # no plain start tag at the start: the parser will say what it is
                buffer += chunk
            _refuse_dtd(buffer[:found.end()], part)
            if found.group(0).endswith(b"/>"):
                return strings
            buffer = buffer[found.end():]
            while True:
                stop = buffer.find(b"</sst")
                last = buffer.rfind(b"</si>")
                cut = stop if stop >= 0 else last + len(b"</si>") if last >= 0 else 0
                xml = buffer[:cut].decode()
                if "&" in xml or "\r" in xml:  # entities and line ends that a parser would rewrite
                    return None
                parts = _STRING_ITEM.split(xml)
                if "<" in "".join(parts[::2]):
                    return None
                strings.extend(map(_text, parts[1::2]))
                if stop >= 0:
                    return strings
                if not (chunk := stream.read(_XLSX_BLOCK)):
                    return None
                buffer = buffer[cut:] + chunk

    def _parsed_strings(self, part: str) -> list[str]:
        strings: list[str] = []
        root: ET.Element | None = None
        ns = item = ""
        with self.open(part) as stream:
            for event, element in _pulled(stream, part):
                if root is None:
                    root, ns = element, _namespace(element.tag)
                    item = ns + "si"
                elif event == "end" and element.tag == item:
                    strings.append(_text(_rich_text(element, ns)))
                    root.clear()  # nothing but the list stays
        return strings

    def number_styles(self, part: str | None) -> dict[str, str]:
        """Cell style index (a cell's s, as written) → _DATE or _DURATION, for the styles that show one."""
        if part is None:
            return {}
        root = self.xml(part)
        ns = _namespace(root.tag)
        codes = {entry.get("numFmtId", ""): entry.get("formatCode", "")
                 for entry in root.iterfind(f"{ns}numFmts/{ns}numFmt")}
        kinds: dict[str, str] = {}
        for index, style in enumerate(root.iterfind(f"{ns}cellXfs/{ns}xf")):
            number_format = style.get("numFmtId", "0")
            if number_format in codes:  # a workbook may redefine a built-in format
                kind = format_kind(codes[number_format])
            elif number_format in _DATE_FORMAT_IDS:
                kind = _DATE
            else:
                kind = _DURATION if number_format in _DURATION_FORMAT_IDS else None
            if kind:
                kinds[str(index)] = kind
        return kinds


class _Sheet:
    """The rows of one worksheet (§18.3.1.99 worksheet), streamed.

    The XML is cut after a row's end tag into blocks of about ``_XLSX_BLOCK``
    bytes, each read alone (scanned, or parsed inside a copy of the sheetData
    start tag, which declares the namespaces), so that rows never pile up.
    """

    def __init__(self, package: _Package, parts: _Parts) -> None:
        self.package = package
        self.part = parts.sheet
        self.strings = package.shared_strings(parts.shared_strings)
        self.styles = package.number_styles(parts.styles)
        self.date1904 = parts.date1904
        self.columns = _Columns()
        # The texts of numbers and dates seen, by value as written: a registry repeats its years,
        # grades, codes and birth dates. One cache per kind of date style, shared by its styles.
        self.numbers: dict[str | None, str] = {None: "", "": ""}
        by_kind: dict[str, dict[str | None, str]] = {_DATE: {None: ""}, _DURATION: {None: ""}}
        self.dated = {style: by_kind[kind] for style, kind in self.styles.items()}
        self.last_row = 0  # the dimension's last row, 0 when the sheet does not say
        self.number = 0  # the row read last

    def head(self, stream: IO[bytes]) -> bytes:
        """Read up to the sheetData start tag, learning its namespaces and the dimension; return the rest."""
        buffer = b""
        while not (found := _SHEET_DATA.search(buffer)):
            chunk = stream.read(_XLSX_BLOCK)
            if not chunk:
                raise _damaged(f"{self.part} has no sheetData")
            buffer += chunk
        _refuse_dtd(buffer[:found.end()], self.part)
        parser = ET.XMLPullParser(events=("start-ns", "start"))
        parser.feed(buffer[:found.end()])
        if flush := getattr(parser, "flush", None):  # Python 3.13: expat may defer the last tags
            flush()
        declared: list[tuple[str, str]] = []
        scope: dict[str, str] = {}
        depth, tag = 0, ""
        for event, value in parser.read_events():
            if event == "start-ns":
                declared.append(value)
                continue
            tag = value.tag
            if depth == 0 or tag.endswith("}sheetData"):  # the worksheet's and sheetData's own declarations
                scope.update(declared)
            elif tag.endswith("}dimension") and (ref := value.get("ref", "")):
                last = ref.rsplit(":", 1)[-1].lstrip("$").lstrip(string.ascii_letters).lstrip("$")
                self.last_row = int(last) if last.isdigit() else 0
            declared = []
            depth += 1
        if not tag.endswith("sheetData"):
            raise _damaged(f"{self.part}: the sheetData start tag is not where it should be")
        self.ns = ns = _namespace(tag)
        self.tags = {name: ns + name for name in ("row", "c", "v", "is")}
        prefix = found.group(1)
        attributes = "".join(f' xmlns{":" + key if key else ""}={quoteattr(uri)}'
                             for key, uri in scope.items())
        self.open_tag = b"<" + prefix + b"sheetData" + attributes.encode() + b">"
        self.close_tag = b"</" + prefix + b"sheetData>"
        self.row_end = b"</" + prefix + b"row"
        self.row_start = b"<" + prefix + b"row"
        self.empty = found.group(0).endswith(b"/>")
        return buffer[found.end():]

    def count_rows(self) -> int:
        """The row elements of the sheet, counted in one pass over its XML without parsing it."""
        counts = {self.row_start: 0, self.row_start + b"Breaks": 0}  # <rowBreaks> is no row
        tails = dict.fromkeys(counts, b"")
        with self.package.open(self.part) as stream:
            while chunk := stream.read(_XLSX_BLOCK):
                for pattern in counts:
                    counts[pattern] += (tails[pattern] + chunk).count(pattern)
                    tails[pattern] = chunk[1 - len(pattern):]  # too short to hold a match counted twice
        return counts[self.row_start] - counts[self.row_start + b"Breaks"]

    def _after_last_row(self, buffer: bytes) -> int:
        """The position just after the last complete row end tag in ``buffer`` (0: none)."""
        position = len(buffer)
        while (position := buffer.rfind(self.row_end, 0, position)) >= 0:
            after = position + len(self.row_end)
            close = buffer.find(b">", after)
            if close >= 0 and not buffer[after:close].strip():  # </row> or </row >, not </rowSomething>
                return close + 1
        return 0

    def _blocks(self, stream: IO[bytes], buffer: bytes) -> Iterator[bytes]:
        """The XML of the rows in blocks, each ending after a row's end tag (the last: at sheetData's end)."""
        end = self.close_tag[:-1]
        searched = 0  # bytes of the buffer already searched for the sheetData end tag
        while True:
            stop = buffer.find(end, max(searched - len(end) + 1, 0))
            if stop >= 0:
                yield buffer[:stop]
                return
            if cut := self._after_last_row(buffer):
                yield buffer[:cut]
                buffer = buffer[cut:]
            searched = len(buffer)
            chunk = stream.read(_XLSX_BLOCK)
            if not chunk:
                raise _damaged(f"{self.part} ends inside its sheetData")
            buffer += chunk

    def rows(self, stream: IO[bytes], buffer: bytes) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every row element, in the order of the file."""
        if self.empty:
            return
        carried = b""
        carries = 0
        failure: ET.ParseError | None = None
        for block in self._blocks(stream, buffer):
            block = carried + block
            rows = self._scanned_rows(block)
            if rows is None:
                try:
                    root = ET.fromstring(self.open_tag + block + self.close_tag)  # noqa: S314 (no DTD in a block)
                except ET.ParseError as exc:
                    # A block cut at a row end tag inside a comment, a CDATA section or a row
                    # within a row is whole once joined to the next one; damage stays damage.
                    if carries < _XLSX_CARRIES:
                        carried, carries, failure = block, carries + 1, exc
                        continue
                    raise self._unreadable(exc) from exc
                rows = self._parsed_rows(root)
            carried, carries, failure = b"", 0, None
            yield from rows
        if failure is not None:
            raise self._unreadable(failure) from failure

    def _unreadable(self, failure: ET.ParseError) -> ImportFailed:
        reason = str(failure).split(":")[0]  # its line and column are those of a block, not of the part
        return _damaged(f"{self.part}: {reason} after row {self.number}", row=self.number + 1)

    def _scanned_rows(self, block: bytes) -> list[tuple[int, list[str]]] | None:
        """The rows of a block read by one regular expression, or None when the block is not in the
        plain form it knows (entities, CR characters, comments, rich text, other attributes…).

        Three times faster than building the elements. The form is checked, not
        assumed: no < may lie outside a recognised token, and rows must open and
        close in turn; anything else is left to the XML parser.
        """
        xml = block.decode()
        if "&" in xml or "\r" in xml:  # entities and line ends that a parser would rewrite
            return None
        # split, not findall: no tuple per token, and what lies between tokens comes along to check.
        parts = _ROW_TOKEN.split(xml)
        if "<" in "".join(parts[::_ROW_TOKEN_PARTS]):
            return None
        rows: list[tuple[int, list[str]]] = []
        columns, strings, numbers, dated = self.columns, self.strings, self.numbers, self.dated
        cells: list[str] | None = None
        number = self.number
        tokens = iter(parts)
        next(tokens)  # what precedes the first token
        by_token = zip(*[tokens] * _ROW_TOKEN_PARTS, strict=True)
        try:
            for letters, style, kind, value, inline, row, empty, _ in by_token:
                if letters:
                    index = columns[letters]
                    if kind == "s":
                        text = strings[int(value)]
                    elif kind is None or kind == "n":
                        serials = dated.get(style)
                        if serials is None:
                            text = numbers.get(value)
                            if text is None:
                                text = self._number(value)
                        else:
                            text = serials.get(value)
                            if text is None:
                                text = self._serial(value, style)
                    elif kind == "inlineStr":
                        text = _text(inline or "")
                    else:
                        text = _typed_text(kind, value or "")
                    size = len(cells)  # a TypeError when the cell is outside a row
                    if index == size:
                        cells.append(text)
                    elif index > size:
                        cells.extend([""] * (index - size))
                        cells.append(text)
                    else:
                        cells[index] = text  # written twice, or out of order: the last one counts
                elif row:
                    if cells is not None:
                        return None
                    number = int(row)
                    if empty:
                        rows.append((number, []))
                    else:
                        cells = []
                else:
                    if cells is None:
                        return None
                    rows.append((number, cells))
                    cells = None
        except TypeError:
            return None
        except (ValueError, IndexError) as exc:
            raise _damaged(f"{self.part}: row {number}: {exc}", row=number) from exc
        if cells is not None:
            return None
        self.number = number
        return rows

    def _number(self, value: str) -> str:
        text = _number_text(value)
        if len(self.numbers) < _CACHE_SIZE:
            self.numbers[value] = text
        return text

    def _serial(self, value: str, style: str) -> str:
        text = _serial_text(value, self.styles[style], self.date1904) if value else ""
        serials = self.dated[style]
        if len(serials) < _CACHE_SIZE:
            serials[value] = text
        return text

    def _parsed_rows(self, root: ET.Element) -> Iterator[tuple[int, list[str]]]:
        """The rows of a block parsed as XML: any form the standard allows."""
        row_tag = self.tags["row"]
        for row in root:
            if row.tag != row_tag:
                continue
            written = row.get("r")
            try:
                self.number = int(written) if written is not None else self.number + 1
                cells = self._cells(row) if len(row) else []
            except (ValueError, IndexError, TypeError) as exc:
                raise _damaged(f"{self.part}: row {written or self.number + 1}: {exc}",
                               row=self.number) from exc
            yield self.number, cells

    def _cells(self, row: ET.Element) -> list[str]:
        """The texts of a row's cells at their columns (§18.3.1.4 c): missing cells are empty."""
        cells: list[str] = []
        columns, strings, numbers, dated = self.columns, self.strings, self.numbers, self.dated
        cell_tag, value_tag = self.tags["c"], self.tags["v"]
        index = -1
        for cell in row:
            if cell.tag != cell_tag:
                continue
            reference = cell.get("r")
            # A cell without a reference follows the previous one.
            index = index + 1 if reference is None else columns[reference.rstrip(_DIGITS)]
            kind = cell.get("t")
            if kind == "s":
                text = strings[int(cell.findtext(value_tag))]
            elif kind is None or kind == "n":
                value = cell.findtext(value_tag)
                serials = dated.get(cell.get("s"))
                if serials is None:
                    text = numbers.get(value)
                    if text is None:
                        text = self._number(value)
                else:
                    text = serials.get(value)
                    if text is None:
                        text = self._serial(value, cell.get("s"))
            else:
                text = self._typed(cell, kind)
            size = len(cells)
            if index == size:
                cells.append(text)
            elif index > size:
                cells.extend([""] * (index - size))
                cells.append(text)
            else:
                cells[index] = text
        return cells

    def _typed(self, cell: ET.Element, kind: str) -> str:
        if kind == "inlineStr":
            item = cell.find(self.tags["is"])
            return _text(_rich_text(item, self.ns)) if item is not None else ""
        return _typed_text(kind, cell.findtext(self.tags["v"]) or "")


@contextmanager
def xlsx_table(stream: IO[bytes]) -> Iterator[Table]:
    """The table of the first worksheet; ``total`` from its dimension, else counted."""
    with ExitStack() as stack:
        try:
            package = _Package(stack.enter_context(zipfile.ZipFile(stream)))
            sheet = _Sheet(package, package.parts())
            part = stack.enter_context(package.open(sheet.part))
            rest = sheet.head(part)
            # The dimension, when the sheet has one and it is no larger than the XML can hold (a row
            # with a value takes 30 bytes at least): it decides a bulk load. Otherwise a count.
            plausible = 1 < sheet.last_row <= package.size(sheet.part) // 30
            total = sheet.last_row if plausible else sheet.count_rows()
            rows = _guarded(sheet.rows(part, rest))
            stack.callback(rows.close)  # before the part it reads is closed
            first = next(rows, None)
        except _DAMAGED as exc:
            raise _damaged(str(exc) or type(exc).__name__) from exc
        header: list[str] = []
        data: Iterator[tuple[int, list[str]]] = rows
        if first is not None:
            if first[0] == 1:
                header = first[1]
            else:  # no first row: an empty header, as a CSV's blank first line
                data = itertools.chain([first], rows)
        yield Table(header, data, max(total - 1, 0), "xlsx")


def _guarded(rows: Iterator[tuple[int, list[str]]]) -> Generator[tuple[int, list[str]]]:
    """The rows, a damaged package reported as ImportFailed while they are read too."""
    try:
        yield from rows
    except _DAMAGED as exc:
        raise _damaged(str(exc) or type(exc).__name__) from exc
