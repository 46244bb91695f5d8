"""The streamed XLSX reader (importing.xlsx): cells as a CSV holds them, true row numbers, clear refusals.

Workbooks are written part by part here, as spreadsheet programs write them,
so that each form of the standard (ECMA-376 Part 1, SpreadsheetML) is tried.
Cell-reading tests run twice: through the scanner of plain rows and through
the XML parser it hands every other block to.
"""

import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from python_calamine import CalamineWorkbook

from apps.core.errors import ImportFailed
from apps.people.exporting import export_people
from apps.people.importing import import_people, xlsx
from apps.people.importing.reader import cell_text, open_table
from apps.people.models import Person

SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
EXCEL_EPOCH = dt.date(1899, 12, 30)


def relationships(*relations: tuple[str, str, str]) -> str:
    items = "".join(f'<Relationship Id="{rid}" Type="{OFFICE}/{kind}" Target="{target}"/>'
                    for rid, kind, target in relations)
    return f'<Relationships xmlns="{PACKAGE}">{items}</Relationships>'


def worksheet(rows: str, head: str = "", tail: str = "", ns: str = MAIN) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{ns}" '
            f'xmlns:x14ac="{X14AC}">{head}<sheetData>{rows}</sheetData>{tail}</worksheet>')


def styles_xml(formats: list[str], custom: dict[str, str]) -> str:
    codes = "".join(f'<numFmt numFmtId="{key}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
                    for key, code in custom.items())
    styles = "".join(f'<xf numFmtId="{number_format}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                     for number_format in formats)
    return (f'<styleSheet xmlns="{MAIN}"><numFmts count="{len(custom)}">{codes}</numFmts>'
            f'<cellXfs count="{len(formats)}">{styles}</cellXfs></styleSheet>')


def workbook(sheets: str | dict[str, str], *, strings: list[str] | None = None,
             formats: list[str] | None = None, custom: dict[str, str] | None = None, date1904: bool = False,
             ns: str = MAIN) -> bytes:
    """An XLSX package; ``sheets``: the rows of sheet1, or worksheet XML by part name in workbook order."""
    if isinstance(sheets, str):
        sheets = {"worksheets/sheet1.xml": worksheet(sheets, ns=ns)}
    parts = {"_rels/.rels": relationships(("rId1", "officeDocument", "xl/workbook.xml"))}
    relations = []
    entries = []
    for number, (target, content) in enumerate(sheets.items(), start=1):
        relations.append((f"rId{number}", "worksheet", target))
        entries.append(f'<sheet name="Sheet {number}" sheetId="{number}" r:id="rId{number}"/>')
        parts[f"xl/{target}"] = content
    if strings is not None:
        relations.append(("rIdS", "sharedStrings", "sharedStrings.xml"))
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{ns}">{"".join(strings)}</sst>'
    if formats is not None:
        relations.append(("rIdT", "styles", "styles.xml"))
        parts["xl/styles.xml"] = styles_xml(formats, custom or {})
    properties = '<workbookPr date1904="1"/>' if date1904 else ""
    parts["xl/workbook.xml"] = (f'<workbook xmlns="{ns}" xmlns:r="{OFFICE}">{properties}'
                                f'<sheets>{"".join(entries)}</sheets></workbook>')
    parts["xl/_rels/workbook.xml.rels"] = relationships(*relations)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def trimmed(cells: list[str]) -> list[str]:
    """Without trailing empty cells (calamine pads rows to the width of the cells that hold values)."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def read(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]], int]:
    with open_table(data) as table:
        return table.header, list(table.rows), table.total


@pytest.fixture(params=["scanned", "parsed"])
def path(request, monkeypatch) -> str:
    """Read plain rows and shared strings with the scanners, or everything with the XML parser."""
    if request.param == "parsed":
        monkeypatch.setattr(xlsx._Sheet, "_scanned_rows", lambda self, block: None)
        monkeypatch.setattr(xlsx._Package, "_scanned_strings", lambda self, part: None)
    return request.param


# The number formats of the typed workbook: cell style index → numFmtId.
FORMATS = ["0", "164", "14", "165", "20", "22", "166"]
CUSTOM = {"164": "dd/mm/yyyy", "165": "[h]:mm", "166": '0.00" ngày"'}
TYPED_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2"><v>2015</v></c><c r="B2" t="n"><v>2015.0</v></c><c r="C2"><v>1.5</v></c>'
    '<c r="D2"><v>1E3</v></c><c r="E2"><v>007</v></c><c r="F2"><v>-0</v></c><c r="G2" s="6"><v>45000</v></c>'
    '<c r="H2"><f>1+1</f><v>2</v></c><c r="I2"><f t="shared" ref="I2:I3" si="0">H2</f><v>2</v></c>'
    '<c r="J2"><f t="shared" si="0"/><v>3</v></c><c r="K2" s="0"/></row>'
    '<row r="3"><c r="A3" s="1"><v>45000</v></c><c r="B3" s="2"><v>45000</v></c><c r="C3" s="1"><v>60</v></c>'
    '<c r="D3" s="1"><v>61</v></c><c r="E3" s="5"><v>45000.5</v></c><c r="F3" s="4"><v>0.75</v></c>'
    '<c r="G3" s="3"><v>1.5</v></c><c r="H3" s="1"><v>2958466</v></c><c r="I3" s="1"><v>abc</v></c></row>'
    '<row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="b"><v>0</v></c><c r="C4" t="e"><v>#N/A</v></c>'
    '<c r="D4" t="str"><f>A1</f><v> formula </v></c><c r="E4" t="d"><v>2015-03-04T00:00:00</v></c>'
    '<c r="F4" t="d"><v>2015-03-04T10:30:00</v></c></row>'
)
TYPED_STRINGS = ["<si><t>a</t></si>", "<si><t>b</t></si>"]


def test_numbers_dates_times_and_booleans_read_as_a_csv_holds_them(path):
    header, rows, _ = read(workbook(TYPED_ROWS, strings=TYPED_STRINGS, formats=FORMATS, custom=CUSTOM))
    assert header == ["a", "b"]
    assert rows == [
        (2, ["2015", "2015", "1.5", "1000", "7", "0", "45000", "2", "2", "3", ""]),
        (3, ["15/03/2023", "15/03/2023", "28/02/1900", "01/03/1900", "15/03/2023", "18:00:00",
             "1 day, 12:00:00", "2958466", "abc"]),  # beyond 31/12/9999 and not a number: as written
        (4, ["1", "", "", "formula", "04/03/2015", "04/03/2015"]),
    ]


def test_the_1904_date_system_moves_dates_by_four_years(path):
    _, rows, _ = read(workbook('<row r="1"/><row r="2"><c r="A2" s="1"><v>45000</v></c></row>',
                               formats=FORMATS, custom=CUSTOM, date1904=True))
    assert rows == [(2, ["16/03/2027"])]


def test_cells_read_as_python_calamine_read_them_before(path):
    data = workbook(TYPED_ROWS, strings=TYPED_STRINGS, formats=FORMATS, custom=CUSTOM)
    before = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header, rows, _ = read(data)
    for expected, cells in zip(before, [header] + [cells for _, cells in rows], strict=True):
        assert trimmed([cell_text(value) for value in expected]) == trimmed(cells)


def test_shared_inline_and_rich_strings_are_trimmed_composed_text(path):
    decomposed = unicodedata.normalize("NFD", "Nữ")
    strings = ["<si><t>full_name</t></si>", "<si><t>sex</t></si>", "<si><t>village</t></si>",
               f'<si><t xml:space="preserve">  {decomposed} </t></si>',
               # Runs of rich text joined; the phonetic run is no part of the text.
               '<si><r><t>Thôn</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 1</t></r>'
               '<rPh sb="0" eb="1"><t>TON</t></rPh></si>']
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c></row>'
            f'<row r="2">{inline("A2", "  Y Moan Êban ")}<c r="B2" t="s"><v>3</v></c>'
            '<c r="C2" t="s"><v>4</v></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><r><t>H</t></r><r><t>oa</t></r><rPh><t>x</t></rPh>'
            '</is></c>'
            '<c r="B3" t="inlineStr"><is><t>a_x000D_b</t></is></c></row>')
    header, data, _ = read(workbook(rows, strings=strings))
    assert header == ["full_name", "sex", "village"]
    assert data == [(2, ["Y Moan Êban", "Nữ", "Thôn 1"]), (3, ["Hoa", "a\rb"])]


def test_missing_cells_are_empty_at_their_columns(path):
    rows = (f'<row r="1">{inline("A1", "a")}{inline("D1", "d")}</row>'
            f'<row r="2">{inline("C2", "c")}<c r="AB2"><v>28</v></c></row>'
            f'<row r="3">{inline("B3", "b")}<c><v>3</v></c>{inline("A3", "first")}</row>')  # out of order
    header, data, _ = read(workbook(rows))
    assert header == ["a", "", "", "d"]
    assert data[0] == (2, ["", "", "c"] + [""] * 24 + ["28"])
    # A cell without a reference follows the previous one; one written again replaces it.
    assert data[1] == (3, ["first", "b", "3"])
    backwards = '<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c></row>'
    assert read(workbook(backwards))[0] == ["1", "", "3"]


def test_rows_keep_their_numbers_across_blank_and_missing_rows(path):
    rows = (f'<row r="1">{inline("A1", "a")}</row><row r="2">{inline("A2", "two")}</row>'
            f'<row r="4" spans="1:1"/><row r="7">{inline("A7", "seven")}</row>'
            f'<row>{inline("A8", "no number: the next one")}</row>')
    _, data, _ = read(workbook(rows))
    assert data == [(2, ["two"]), (4, []), (7, ["seven"]), (8, ["no number: the next one"])]


def test_without_a_first_row_the_header_is_empty(path):
    header, data, _ = read(workbook(f'<row r="2">{inline("A2", "a")}</row>'))
    assert header == [] and data == [(2, ["a"])]


def test_the_first_worksheet_of_the_workbook_is_read_whatever_its_part_is_called(path):
    data = workbook({"worksheets/people.xml": worksheet(f'<row r="1">{inline("A1", "first")}</row>'),
                     "worksheets/sheet1.xml": worksheet(f'<row r="1">{inline("A1", "second")}</row>')})
    assert read(data)[0] == ["first"]


def test_a_prefixed_namespace_excel_row_attributes_and_the_strict_namespace_are_read(path):
    prefixed = (f'<x:worksheet xmlns:x="{MAIN}" xmlns:x14ac="{X14AC}"><x:dimension ref="A1:B2"/><x:sheetData>'
                '<x:row r="1" spans="1:2" x14ac:dyDescent="0.25"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t>'
                '</x:is></x:c></x:row><x:row r="2" x14ac:dyDescent="0.25"><x:c r="B2"><x:v>5</x:v></x:c>'
                '</x:row></x:sheetData></x:worksheet>')
    assert read(workbook({"worksheets/sheet1.xml": prefixed})) == (["a"], [(2, ["", "5"])], 1)
    excel = (f'<row r="1" spans="1:2" x14ac:dyDescent="0.25">{inline("A1", "a")}</row>'
             '<row r="2" spans="1:2" ht="15" customHeight="1" x14ac:dyDescent="0.25">'
             '<c r="B2"><v>5</v></c></row>')
    assert read(workbook(excel))[:2] == (["a"], [(2, ["", "5"])])
    assert read(workbook(excel, ns=STRICT))[:2] == (["a"], [(2, ["", "5"])])


def test_entities_and_character_references_are_read_as_xml_says(path):
    rows = (f'<row r="1">{inline("A1", "Nguyễn & Co <1>")}'
            '<c r="B1" t="inlineStr"><is><t>&#x1EEF;&#39;</t></is></c></row>')
    assert read(workbook(rows))[0] == ["Nguyễn & Co <1>", "ữ'"]


def test_the_total_comes_from_the_dimension_or_a_count_of_the_rows():
    rows = "".join(f'<row r="{number}">{inline(f"A{number}", "x")}</row>' for number in range(1, 5))
    counted = worksheet(rows, tail='<rowBreaks count="1"><brk id="2"/></rowBreaks>')
    assert read(workbook({"worksheets/sheet1.xml": counted}))[2] == 3
    dimensioned = worksheet(rows + '<row r="10"/>', head='<dimension ref="A1:C10"/>')
    assert read(workbook({"worksheets/sheet1.xml": dimensioned}))[2] == 9
    # A dimension larger than the XML could hold is not believed (it may decide a bulk load).
    overstated = worksheet(rows, head='<dimension ref="A1:C100000"/>')
    assert read(workbook({"worksheets/sheet1.xml": overstated}))[2] == 3


def mixed_rows(count: int) -> str:
    rows = []
    for number in range(1, count + 1):
        name = f"Tên {number} & con" if number % 5 == 0 else f"Tên {number}"  # & sends a block to the parser
        rows.append(f'<row r="{number}" spans="1:5">{inline(f"A{number}", name)}'
                    f'<c r="B{number}" t="s"><v>{number % 2}</v></c>'
                    f'<c r="D{number}" s="1"><v>{40000 + number}</v></c>'
                    f'<c r="E{number}" t="inlineStr"><is><r><t>r</t></r><r><t>{number}</t></r></is></c></row>'
                    if number % 7 else f'<row r="{number}"/>')
    return "".join(rows)


def test_blocks_cut_after_any_row_give_the_same_rows(monkeypatch, path):
    data = workbook(mixed_rows(120), strings=["<si><t>zero</t></si>", "<si><t>one</t></si>"],
                    formats=FORMATS, custom=CUSTOM)
    whole = read(data)
    monkeypatch.setattr(xlsx, "_XLSX_BLOCK", 37)
    assert read(data) == whole
    assert whole[1][-1] == (120, ["Tên 120 & con", "zero", "", "03/11/2009", "r120"])


def test_a_row_end_tag_inside_a_comment_or_cdata_is_not_taken_for_one(monkeypatch):
    monkeypatch.setattr(xlsx, "_XLSX_BLOCK", 16)
    rows = (f'<row r="1">{inline("A1", "a")}</row><!-- a row: </row> --><row r="2">'
            '<c r="A2" t="inlineStr"><is><t><![CDATA[x </row> y]]></t></is></c></row>'
            f'<row r="3">{inline("A3", "z")}</row>')
    assert read(workbook(rows))[:2] == (["a"], [(2, ["x </row> y"]), (3, ["z"])])


def test_plain_rows_are_scanned_without_building_elements(monkeypatch):
    def parsed(self, root_or_part):
        raise AssertionError("plain XML went to the parser")

    monkeypatch.setattr(xlsx._Sheet, "_parsed_rows", parsed)
    monkeypatch.setattr(xlsx._Package, "_parsed_strings", parsed)
    header, rows, _ = read(workbook(TYPED_ROWS, strings=TYPED_STRINGS, formats=FORMATS, custom=CUSTOM))
    assert header == ["a", "b"] and len(rows) == 3
    # What openpyxl writes (the export): inline strings, numbers typed n, rows without spans.
    exported = (f'<row r="1">{inline("A1", "commune_code")}</row>'
                f'<row r="2"><c r="A2" t="n"><v>24454</v></c>{inline("B2", "Thôn 1")}</row>')
    assert read(workbook(exported))[:2] == (["commune_code"], [(2, ["24454", "Thôn 1"])])


ODD_FORMS = {
    "a row inside a row": '<row r="2"><c r="A2"><v>1</v></c><row r="3"><c r="A3"><v>3</v></c></row></row>',
    "an empty row inside a row": '<row r="2"><c r="A2"><v>1</v></c><row r="3"/></row>',
    "other elements in a row": '<row r="2"><rowX></rowX><c r="A2"><v>1</v></c><rowY a="1"></rowY></row>',
    "a cell outside a row": '<c r="A2"><v>1</v></c><row r="3"><c r="A3"><v>3</v></c></row>',
    "attributes in another order": '<row r="2"><c t="s" r="A2"><v>0</v></c><c s="1" r="B2"><v>2</v></c>'
                                   '</row>',
    "single quotes": "<row r='2'><c r='A2' t='inlineStr'><is><t>q</t></is></c></row>",
    "indented lines": '\n  <row r="2">\n    <c r="A2"><v>1</v></c>\n  </row>\n  <row r="3"/>\n',
    "CR LF line ends": '\r\n<row r="2">\r\n<c r="A2" t="inlineStr"><is><t>a\r\nb</t></is></c></row>\r\n',
    "empty elements": '<row r="2"><c r="A2"><v/></c><c r="B2" t="inlineStr"><is><t/></is></c>'
                      '<c r="C2" t="s"><v>0</v></c></row>',
    "another attribute": '<row r="2"><c r="A2" t="s" cm="1"><v>0</v></c><c r="B2" vm="1"><v>7</v></c></row>',
    "spaces in tags": '<row r="2" ><c r="A2" ><v>5</v ></c ></row >',
    "an extension list": '<row r="2"><c r="A2"><v>1</v><extLst/></c><extLst/></row>',
    "spaces around a value": '<row r="2"><c r="A2" s="1"><v> 45000 </v></c><c r="B2"><v> 12 </v></c></row>',
}


def shared_strings(data: bytes) -> tuple[list[str] | None, list[str]]:
    """The table of strings as the scanner reads it (None: left to the parser) and as the parser does."""
    package = xlsx._Package(zipfile.ZipFile(io.BytesIO(data)))
    return package._scanned_strings("xl/sharedStrings.xml"), package._parsed_strings("xl/sharedStrings.xml")


@pytest.mark.parametrize("block", [1 << 20, 16])
def test_plain_shared_strings_are_scanned_in_blocks_as_the_parser_reads_them(monkeypatch, block):
    monkeypatch.setattr(xlsx, "_XLSX_BLOCK", block)
    items = [f"<si><t>{number}</t></si>" if number % 3 == 0 else
             f'<si><t xml:space="preserve"> Tên {number} </t></si>'
             for number in range(300)]
    scanned, parsed = shared_strings(workbook("", strings=items))
    assert scanned == parsed and len(parsed) == 300 and parsed[:3] == ["0", "Tên 1", "Tên 2"]
    assert shared_strings(workbook("", strings=[])) == ([], [])


@pytest.mark.parametrize("item", [
    "<si><r><t>ri</t></r><r><t>ch</t></r></si>", "<si><t>a &amp; b</t></si>", "<si><t/></si>",
    "<!-- a comment --><si><t>c</t></si>", "<si><t><![CDATA[d]]></t></si>", "<si>\r\n<t>e</t></si>",
])
def test_shared_strings_in_any_other_form_are_left_to_the_parser(item):
    scanned, parsed = shared_strings(workbook("", strings=["<si><t>plain</t></si>", item]))
    assert scanned is None and parsed[0] == "plain" and len(parsed) == 2


@pytest.mark.parametrize("block", [1 << 20, 16])
@pytest.mark.parametrize("form", ODD_FORMS)
def test_the_scanner_leaves_every_other_form_to_the_parser(monkeypatch, form, block):
    monkeypatch.setattr(xlsx, "_XLSX_BLOCK", block)
    data = workbook(f'<row r="1">{inline("A1", "h")}</row>{ODD_FORMS[form]}', strings=["<si><t>s</t></si>"],
                    formats=FORMATS, custom=CUSTOM)
    read_by_both = read(data)
    monkeypatch.setattr(xlsx._Sheet, "_scanned_rows", lambda self, block: None)
    assert read_by_both == read(data)


@pytest.mark.parametrize(("number_format", "kind"), [
    ("General", None), ("0.00", None), ("#,##0\\ [$đ-42A]", None), ('0" năm"', None), ("[Red]0.0", None),
    ("0.00E+00", None), ("@", None), ("Standard", None), ("dd/mm/yyyy", "date"),
    ("[$-42A]d mmmm yyyy", "date"),
    ("h:mm AM/PM", "date"), ("yyyy;@", "date"), ("0;dd/mm", None), ("[h]:mm:ss", "duration"),
    ("[mm]:ss", "duration"), ("\\d0", None), ("_d0", None), ("*d0", None),
])
def test_number_formats_that_show_a_date_are_told_from_the_others(number_format, kind):
    assert xlsx.format_kind(number_format) == kind


def with_part(data: bytes, part: str, text: str | None) -> bytes:
    """The package with one part written anew, or left out (None)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            if name != part:
                target.writestr(name, source.read(name))
        if text is not None:
            target.writestr(part, text)
    return buffer.getvalue()


DAMAGED = {
    "not a zip": b"PK\x03\x04 not a zip archive at all",
    "truncated": workbook(mixed_rows(400))[:3000],
    "bad worksheet XML": workbook('<row r="1"><c r="A1"><v>1</c></row>'),
    "missing worksheet": with_part(workbook({"worksheets/sheet9.xml": worksheet("")}),
                                   "xl/worksheets/sheet9.xml", None),
    "no worksheet": workbook({}),
    "document type": workbook({"worksheets/sheet1.xml": worksheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&a;&a;</t></is></c></row>')
                               .replace("?>\n", '?>\n<!DOCTYPE worksheet [<!ENTITY a "aaaa">]>')}),
    # Without the refusal, "&a;" would be read as "aaaa" (and the header refused for an unknown column).
    "document type in the shared strings": with_part(
        workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=[]), "xl/sharedStrings.xml",
        f'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY a "aaaa">]>'
        f'<sst xmlns="{MAIN}"><si><t>&a;</t></si></sst>'),
    "shared string out of range": workbook('<row r="1"><c r="A1" t="s"><v>5</v></c></row>',
                                           strings=["<si><t>a</t></si>"]),
    "unknown cell type": workbook('<row r="1"><c r="A1" t="q"><v>5</v></c></row>'),
    "bad cell reference": workbook('<row r="1"><c r="A-1"><v>5</v></c></row>'),
}


@pytest.mark.parametrize("name", DAMAGED)
def test_a_damaged_workbook_is_refused_in_both_languages(db, name):
    result = import_people(DAMAGED[name], year=2026)
    assert not result.ok and not result.applied
    assert len(result.errors) == 1, [error.bilingual() for error in result.errors]
    error = result.errors[0]
    assert error.english.startswith("The workbook cannot be read: ")
    assert error.vietnamese.startswith("Không đọc được tệp Excel: ")


def read_until_refused(data: bytes) -> tuple[list[int], ImportFailed]:
    numbers = []
    with open_table(data) as table, pytest.raises(ImportFailed) as failure:
        for number, _ in table.rows:
            numbers.append(number)
    return numbers, failure.value


def test_damage_after_many_rows_is_reported_with_its_row(monkeypatch, path):
    monkeypatch.setattr(xlsx, "_XLSX_BLOCK", 64)
    rows = "".join(f'<row r="{number}">{inline(f"A{number}", "x")}</row>' for number in range(1, 41))
    # The rows before the damage are read (but those of its block: a block is read whole first).
    numbers, failure = read_until_refused(workbook(rows + '<row r="41"><c r="A41" t="s"><v>9</v></c></row>',
                                                   strings=[]))
    assert numbers == list(range(2, len(numbers) + 2)) and len(numbers) >= 35
    assert failure.errors[0].row == 41 and "row 41: list index out of range" in failure.errors[0].english
    numbers, failure = read_until_refused(workbook(rows + '<row r="41"><c r="A41"><v>1</c></row>'))
    assert numbers == list(range(2, len(numbers) + 2)) and len(numbers) >= 35
    assert failure.errors[0].row == numbers[-1] + 1  # the first row not read
    assert f"mismatched tag after row {numbers[-1]}" in failure.errors[0].english


def sample_workbook(women: str = "Nữ") -> bytes:
    """The sample file as a spreadsheet holds it: shared strings, numbers and dates typed, empty cells left
    out; before the line of index 10 an empty row (11) and a missing one (12), before index 30 rows 33–34
    missing."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    names = lines[0].split(",")
    numbers = {"commune_code", "enrolled_grade", "primary_completed_year", "lower_secondary_graduated_year",
               "highest_grade_completed", "literacy_stage_completed"}
    strings: dict[str, int] = {}
    rows = []
    for line_index, line in enumerate(lines):
        number = sheet_row(line_index)
        if line_index == 10:
            rows.append(f'<row r="{number - 2}"/>')
        cells = []
        for column, (name, value) in enumerate(zip(names, line.split(","), strict=True)):
            reference = f"{chr(65 + column)}{number}"
            value = women if line_index and name == "sex" and value == "Nữ" else value
            if not value:
                continue
            if line_index and name == "birth_date" and len(value) == 10:
                day, month, year = map(int, value.split("/"))
                serial = (dt.date(year, month, day) - EXCEL_EPOCH).days
                cells.append(f'<c r="{reference}" s="1"><v>{serial}</v></c>')
            elif line_index and name in numbers:
                cells.append(f'<c r="{reference}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{reference}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>')
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    return workbook("".join(rows), strings=[f"<si><t>{escape(text)}</t></si>" for text in strings],
                    formats=["0", "164"], custom={"164": "dd/mm/yyyy"})


def sheet_row(line_index: int) -> int:
    """The row of ``sample_workbook`` that holds the sample's line of this index (the header: 0)."""
    return line_index + 1 + (2 if line_index >= 10 else 0) + (2 if line_index >= 30 else 0)


def test_a_typed_spreadsheet_imports_like_the_csv(krong_bong):
    result = import_people(sample_workbook(), year=2026, create_villages=True)
    assert result.ok, [error.bilingual() for error in result.errors]
    assert (result.rows, result.counts.persons_created) == (60, 60)
    again = import_people(SAMPLE, year=2026)
    assert again.counts.persons_unchanged == 60 and again.counts.surveys_unchanged == 60


def test_an_error_names_the_row_of_the_spreadsheet(krong_bong):
    result = import_people(sample_workbook(women="X"), year=2026, create_villages=True)
    assert not result.ok
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    women = {sheet_row(index) for index, line in enumerate(lines) if line.split(",")[6] == "Nữ"}
    assert {error.row for error in result.errors if error.column == "sex"} == women
    assert max(women) > sheet_row(30) - 1 > 30  # some of them after the missing rows
    assert not Person.objects.exists()


def test_the_xlsx_export_reads_back_as_the_csv_export(krong_bong, tmp_path):
    assert import_people(SAMPLE, year=2026, create_villages=True).ok
    export_people(tmp_path / "people.csv", year=2026)
    export_people(tmp_path / "people.xlsx", year=2026, format="xlsx")
    with open_table(tmp_path / "people.csv") as table:
        csv_rows = [table.header] + [cells for _, cells in table.rows]
    with open_table(tmp_path / "people.xlsx") as table:
        assert table.kind == "xlsx" and table.total == 60
        xlsx_rows = [table.header] + [cells for _, cells in table.rows]
    assert len(xlsx_rows) == 61
    for expected, cells in zip(csv_rows, xlsx_rows, strict=True):
        assert cells + [""] * (len(expected) - len(cells)) == expected
