"""Benchmark of ``import_people``: a synthetic file of a million people, imported twice.

    DEMO=1 .venv/bin/python benchmarks/import_people.py [--rows N] [--format xlsx]
    DEMO=1 .venv/bin/python benchmarks/import_people.py \
        --database-url postgres://postgres@127.0.0.1:5432/khuyenhoc

The file (var/bench/people-<N>.csv or .xlsx) is generated here: households of about four
people spread over the villages of the five Krông Bông communes of the 2025 map
(loaded with ``load_places --province 66``), survey year 2025. The database is a
scratch one: a temporary SQLite file under var/bench/, or a PostgreSQL database
created on the server of --database-url and dropped afterwards; the developer's
database is never touched. The XLSX file holds the same rows as a spreadsheet
stores them: codes and names as shared strings, numbers as numbers, full birth
dates as dates (serial numbers with a dd/mm/yyyy format), empty cells left out.

Prints the rows, the seconds and rows/s of a first import (everything created,
villages included) and of a second one (nothing to change), and the peak
resident memory of the process (targets: ≥ 20,000 rows/s, ≤ 1 GB).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import multiprocessing
import os
import random
import resource
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
os.environ.setdefault("DEMO", "1")

BENCH_DIR = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "bench"
YEAR = 2025
COMMUNES = ["24448", "24454", "24478", "24481", "24484"]  # Krông Bông's communes on the 2025 map
VILLAGES_PER_COMMUNE = 20
TARGET_ROWS_PER_SECOND = 20_000
TARGET_PEAK_MB = 1024

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Êban", "Niê", "Adrơng", "Mlô"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hoa", "Lan", "Mai", "Nam", "Phúc", "Thảo", "Trang", "Hùng", "Kông"]
ETHNICITIES = ["Kinh", "Kinh", "Kinh", "Ê Đê", "M'Nông", "Tày", "Nùng"]
COLUMNS = ["commune_code", "village", "household_code", "person_code", "full_name", "relation", "sex",
           "birth_date", "ethnicity", "disability", "status", "enrolled_level", "enrolled_grade",
           "preschool_completed", "primary_completed_year", "lower_secondary_graduated_year",
           "highest_grade_completed", "literacy_stage_completed", "clan", "national_id"]


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def cpu_seconds() -> float:
    """CPU time of this process (the database server's is not included for PostgreSQL)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _schooling(rng: random.Random, birth_year: int) -> list[str]:
    """enrolled_level, enrolled_grade, preschool, primary year, lower-secondary year, highest grade."""
    age = YEAR - birth_year
    preschool = "có" if age >= 6 else ""
    if age < 3:
        return ["", "", "", "", "", "0"]
    if age < 6:
        return ["mầm non", "", "", "", "", "0"]
    if age <= 10:
        grade = age - 5
        return ["tiểu học", str(grade), preschool, "", "", str(grade - 1)]
    if age <= 14:
        grade = age - 5
        return ["THCS", str(grade), preschool, str(birth_year + 11), "", str(grade - 1)]
    if age <= 17:
        grade = age - 5
        return ["THPT", str(grade), preschool, str(birth_year + 11), str(birth_year + 15), str(grade - 1)]
    highest = rng.choice(["5", "9", "9", "12", "12"])
    primary = str(birth_year + 11)
    lower = str(birth_year + 15) if highest in ("9", "12") else ""
    return ["", "", preschool, primary, lower, highest]


def people(rows: int, seed: int = 2025) -> Iterator[list[str]]:
    """Households of 1–7 people (about 4), each with a head, over the communes' villages."""
    rng = random.Random(seed)
    written = 0
    household = 0
    while written < rows:
        household += 1
        commune = COMMUNES[household % len(COMMUNES)]
        village = f"Thôn {rng.randint(1, VILLAGES_PER_COMMUNE)}"
        surname = rng.choice(SURNAMES)
        ethnicity = rng.choice(ETHNICITIES)
        size = min(rng.choice([1, 2, 3, 4, 4, 5, 5, 6, 7]), rows - written)
        head_year = rng.randint(1945, 2000)
        for member in range(1, size + 1):
            birth_year = head_year if member == 1 else rng.randint(head_year + 18, YEAR - 1) \
                if member > 2 else rng.randint(head_year - 5, head_year + 5)
            birth_year = min(birth_year, YEAR - 1)
            birth = (f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{birth_year}"
                     if rng.random() < 0.9 else str(birth_year))
            relation = "chủ hộ" if member == 1 else ("vợ" if member == 2 else "con")
            level, grade, preschool, primary, lower, highest = _schooling(rng, birth_year)
            yield [
                commune, village, f"H{household:07d}", f"{member:02d}",
                f"{surname} {rng.choice(GIVEN)} {rng.choice(GIVEN)}", relation, rng.choice(["Nam", "Nữ"]),
                birth, ethnicity, "", "", level, grade, preschool, primary, lower, highest,
                "2" if highest == "0" and YEAR - birth_year > 15 else "", surname,
                f"066{rng.randrange(10**9):09d}" if rng.random() < 0.5 else "",
            ]
        written += size


def generate(path: Path, rows: int, seed: int = 2025) -> None:
    """The people of ``people()`` as a CSV file."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(people(rows, seed))


# Columns a spreadsheet holds as numbers (the birth date: as a date when it is a full date).
XLSX_NUMBERS = {"commune_code", "enrolled_grade", "primary_completed_year", "lower_secondary_graduated_year",
                "highest_grade_completed", "literacy_stage_completed"}
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 of the 1900 date system (serials from 1 March 1900 on)
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XLSX_PARTS = {
    "[Content_Types].xml": (
        XML_DECLARATION +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CONTENT_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CONTENT_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CONTENT_TYPE}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CONTENT_TYPE}.styles+xml"/></Types>'),
    "_rels/.rels": (
        f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_TYPE}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'),
    "xl/workbook.xml": (
        f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" '
        f'xmlns:r="{REL_NS}"><sheets><sheet name="people" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{OFFICE_TYPE}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{OFFICE_TYPE}/styles" Target="styles.xml"/></Relationships>'),
    # Cell style 1: the custom number format 164, dd/mm/yyyy, as Vietnamese spreadsheets show dates.
    "xl/styles.xml": (
        f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_row(number: int, values: list[str], kinds: list[str], letters: list[str],
              strings: dict[str, int]) -> str:
    cells = []
    for letter, kind, value in zip(letters, kinds, values, strict=True):
        if not value:
            continue  # a spreadsheet writes no element for an empty cell
        if kind == "date" and len(value) == 10:
            day, month, year = value.split("/")
            serial = (dt.date(int(year), int(month), int(day)) - EXCEL_EPOCH).days
            cells.append(f'<c r="{letter}{number}" s="1"><v>{serial}</v></c>')
        elif kind != "text":
            cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        else:
            index = strings.setdefault(value, len(strings))
            cells.append(f'<c r="{letter}{number}" t="s"><v>{index}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def generate_xlsx(path: Path, rows: int, seed: int = 2025) -> None:
    """The people of ``people()`` as a workbook of one sheet, written part by part (never held whole)."""
    letters = [_column_letters(index) for index in range(len(COLUMNS))]
    kinds = ["date" if name == "birth_date" else "number" if name in XLSX_NUMBERS else "text"
             for name in COLUMNS]
    strings: dict[str, int] = {}
    with ZipFile(path, "w", compression=ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            raw.write(f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}">'
                      f'<dimension ref="A1:{letters[-1]}{rows + 1}"/><sheetData>'.encode())
            block = [_xlsx_row(1, COLUMNS, ["text"] * len(COLUMNS), letters, strings)]
            for number, values in enumerate(people(rows, seed), start=2):
                block.append(_xlsx_row(number, values, kinds, letters, strings))
                if len(block) == 1000:
                    raw.write("".join(block).encode())
                    block = []
            raw.write(("".join(block) + "</sheetData></worksheet>").encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as raw:
            raw.write(f'{XML_DECLARATION}<sst xmlns="{MAIN_NS}" '
                      f'uniqueCount="{len(strings)}">'.encode())
            block = []
            for text in strings:
                block.append(f"<si><t>{escape(text)}</t></si>")
                if len(block) == 10_000:
                    raw.write("".join(block).encode())
                    block = []
            raw.write(("".join(block) + "</sst>").encode())


def generate_file(path: Path, rows: int, file_format: str) -> None:
    """The CSV here; the XLSX in a child process, whose table of strings must not count in our peak memory."""
    if file_format == "csv":
        generate(path, rows)
        return
    child = multiprocessing.get_context("fork").Process(target=generate_xlsx, args=(path, rows))
    child.start()
    child.join()
    if child.exitcode:
        raise SystemExit(f"Generating {path} failed (exit status {child.exitcode})")


@contextmanager
def scratch_database(url: str | None) -> Iterator[str]:
    """Point DATABASE_URL at a new empty database; remove it afterwards."""
    if not url or url.startswith("sqlite"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        name = BENCH_DIR / f"import-people-{uuid.uuid4().hex[:8]}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{name}"
        try:
            yield f"SQLite file {name}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parsed = urlparse(url)
    # Named after the database of the URL (kh_bench_import → kh_bench_import_1a2b3c4d): never that one.
    scratch = f"{parsed.path.lstrip('/') or 'bench_import_people'}_{uuid.uuid4().hex[:8]}"
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{scratch}"))
    try:
        yield f"PostgreSQL database {scratch} (scratch)"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def timed_import(label: str, path: Path, rows: int, **options) -> float:
    from apps.people.importing import import_people

    started, cpu = time.perf_counter(), cpu_seconds()
    result = import_people(path, year=YEAR, **options)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if not result.ok:
        for error in result.errors[:20]:
            print("  ", error.bilingual())
        raise SystemExit(f"{label}: the import refused the file ({result.error_count} errors)")
    rate = result.rows / seconds
    counts = result.counts
    print(f"\n{label}: {result.rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s "
          f"(CPU of this process {cpu:.1f} s); peak memory so far {peak_memory_mb():.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  households {counts.households_created:,} created, {counts.households_updated:,} updated; "
          f"persons {counts.persons_created:,} created, {counts.persons_updated:,} updated, "
          f"{counts.persons_unchanged:,} unchanged; survey records {counts.surveys_created:,} created, "
          f"{counts.surveys_unchanged:,} unchanged; villages {counts.villages_created}, "
          f"clans {counts.clans_created}; warnings {len(result.warnings)}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="postgres://… to run on a scratch PostgreSQL database; SQLite otherwise.")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="The file imported.")
    parser.add_argument("--keep-file", action="store_true", help="Keep the generated file.")
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"people-{args.rows}.{args.format}"
    started = time.perf_counter()
    generate_file(path, args.rows, args.format)
    print(f"Generated {path} ({path.stat().st_size / 2**20:.0f} MB, {args.rows:,} rows) in "
          f"{time.perf_counter() - started:.1f} s; peak memory {peak_memory_mb():.0f} MB")
    try:
        with scratch_database(args.database_url) as description:
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0, interactive=False)
            with open(os.devnull, "w") as quiet:
                call_command("load_places", "--province", "66", verbosity=0, stdout=quiet)
            from apps.places.models import Unit
            from apps.places.services import resolve, survey_date

            names = [resolve(code, survey_date(YEAR)).name for code in COMMUNES]
            print(f"Database: {description}; {Unit.objects.count():,} units; communes: {', '.join(names)}; "
                  f"peak memory after setup {peak_memory_mb():.0f} MB")
            first = timed_import("First import (everything new)", path, args.rows, create_villages=True)
            second = timed_import("Second import (nothing to change)", path, args.rows)
    finally:
        if not args.keep_file:
            path.unlink(missing_ok=True)
    peak = peak_memory_mb()
    print(f"\nPeak RSS {peak:.0f} MB (target ≤ {TARGET_PEAK_MB} MB); slowest run "
          f"{min(first, second):,.0f} rows/s (target ≥ {TARGET_ROWS_PER_SECOND:,})")
    if min(first, second) < TARGET_ROWS_PER_SECOND or peak > TARGET_PEAK_MB:
        print("TARGET MISSED")


if __name__ == "__main__":
    main()
