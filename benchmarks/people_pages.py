"""Benchmark of the registry pages, quality rules and roll-over at N persons on a scratch database.

    DEMO=1 .venv/bin/python benchmarks/people_pages.py [--persons 1000000] [--database-url URL] \
        [--requests 20] [--lists-only]

Each list and page is requested --requests times; the median and the 95th percentile are printed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
os.environ.setdefault("DEMO", "1")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def scratch(url):
    if url:
        os.environ["DATABASE_URL"] = url
        import django
        from django.db import connection

        django.setup()
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_people_pages_{os.getpid()}"
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            yield f"{connection.vendor} {name}"
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)
        return
    handle, name = tempfile.mkstemp(prefix="people-pages-", suffix=".sqlite3", dir="/tmp")
    os.close(handle)
    os.environ["DATABASE_URL"] = f"sqlite:///{name}"
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield f"SQLite {name}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


def populate(persons: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.people.models import Household, Person
    from apps.places import services as places
    from apps.places.testing import build_krong_bong

    kb = build_krong_bong()
    communes = list(kb.new.values())
    villages = {c.pk: [places.create_village(c, f"Thôn {i}") for i in range(1, 21)] for c in communes}
    rng = random.Random(2026)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    qn = connection.ops.quote_name
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Y", "H'", "Hoàng", "Võ", "Đặng", "Bùi"]
    middles = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Hữu"]
    given = ["An", "Bình", "Chi", "Dũng", "Hoa", "Khánh", "Lan", "Minh", "Nam", "Phương", "Quân", "Thảo",
             "Bih", "Niê", "Mlô", "Ktla", "Hiền", "Tâm", "Vy", "Long"]
    households = persons // 5
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        hh_rows = []
        for h in range(households):
            commune = communes[h % len(communes)]
            village = villages[commune.pk][(h // len(communes)) % 20]
            hh_rows.append((now, now, False, commune.pk, village.pk, f"H{h:07d}", ""))
        _bulk(cursor, Household._meta.db_table, ["created_at", "updated_at", "is_demo", "commune_id",
              "village_id", "code", "address"], hh_rows)
        cursor.execute(f"SELECT id, commune_id, village_id FROM {qn(Household._meta.db_table)} ORDER BY id")
        homes = cursor.fetchall()
        p_rows = []
        for index, (hid, cid, vid) in enumerate(homes):
            for member in range(5):
                birth = rng.randint(1930, 2024) if member else rng.randint(1950, 1995)
                name = f"{rng.choice(surnames)} {rng.choice(middles)} {rng.choice(given)}"
                ethnicity = "01" if rng.random() < 0.6 else "12"
                p_rows.append((now, now, False, hid, cid, vid, f"{member + 1:02d}", name, name.casefold(),
                               "head" if member == 0 else "child", "M" if rng.random() < 0.5 else "F", birth,
                               ethnicity, "", ""))
            if len(p_rows) >= 50_000 or index == len(homes) - 1:
                _bulk(cursor, Person._meta.db_table, ["created_at", "updated_at", "is_demo", "household_id",
                      "commune_id", "village_id", "code", "full_name", "name_key", "relation", "sex",
                      "birth_year", "ethnicity", "disability", "national_id"], p_rows)
                p_rows = []
        print(f"  persons inserted in {time.perf_counter() - started:.1f} s")
        cursor.execute(f"SELECT id, commune_id, birth_year, sex, ethnicity, disability "
                       f"FROM {qn(Person._meta.db_table)}")
        people = cursor.fetchall()
        for year in (2025, 2026):
            rows = []
            for pid, cid, birth, *copied in people:
                age = year - birth
                level, grade, primary, lower, highest = "", None, None, None, None
                if 3 <= age <= 5:
                    level = "preschool"
                elif 6 <= age <= 10:
                    level, grade, highest = "primary", age - 5, age - 6
                elif 11 <= age <= 14:
                    level, grade, highest, primary = "lower_secondary", age - 5, age - 6, birth + 11
                elif 15 <= age <= 17:
                    level, grade, highest, primary, lower = ("upper_secondary", age - 5, age - 6, birth + 11,
                                                             birth + 15)
                elif age >= 18:
                    highest = rng.choice([2, 5, 9, 12])
                    primary = birth + 11 if highest >= 5 else None
                    lower = birth + 15 if highest >= 9 else None
                status = "present" if rng.random() < 0.97 else "moved_away"
                rows.append((now, now, False, pid, year, cid, status, level, grade, primary, lower, highest,
                             birth, *copied))
                if len(rows) >= 50_000:
                    _insert_records(cursor, rows)
                    rows = []
            _insert_records(cursor, rows)
        print(f"  survey records inserted in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _insert_records(cursor, rows):

    from apps.people.models import SurveyRecord

    _bulk(cursor, SurveyRecord._meta.db_table, ["created_at", "updated_at", "is_demo", "person_id", "year",
          "commune_id", "status", "enrolled_level", "enrolled_grade", "primary_completed_year",
          "lower_secondary_graduated_year", "highest_grade_completed", "birth_year", "sex", "ethnicity",
          "disability", "preschool_completed"], [(*row, False) for row in rows])


def _bulk(cursor, table, columns, rows):
    from django.db import connection

    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {qn(table)} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cursor.executemany(f"INSERT INTO {qn(table)} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                       rows)


REQUESTS = 20  # per list or page, for its median and 95th percentile (the target: p95 ≤ 300 ms)


def set_requests(count: int) -> None:
    global REQUESTS
    REQUESTS = count


def timed(label, func, repeat=None):
    """Run ``func`` ``repeat`` times (REQUESTS by default); print the median and the 95th percentile."""
    times = []
    value = None
    for _ in range(repeat or REQUESTS):
        started = time.perf_counter()
        value = func()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
    if len(times) == 1:
        print(f"  {label:<58} {times[0]:8.1f} ms")
    else:
        print(f"  {label:<58} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=REQUESTS, help="Requests per list or page.")
    parser.add_argument("--lists-only", action="store_true",
                        help="Time the list pages only (not the quality rules and the roll-over).")
    options = parser.parse_args()
    set_requests(options.requests)
    with scratch(options.database_url) as description:
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from apps.accounts.models import RoleAssignment
        from apps.people import quality, rollover
        from apps.people.models import Household, Person
        from apps.places.models import Unit

        print(f"Database: {description}")
        started = time.perf_counter()
        populate(options.persons)
        print(f"Populated {Person.objects.count():,} persons in {time.perf_counter() - started:.1f} s; "
              f"peak {peak_mb():.0f} MB")
        dang_kang = Unit.objects.get(structure="2025", kind="commune", code="24454")
        officer = get_user_model().objects.create_user("officer")
        RoleAssignment.objects.create(user=officer, role="commune_officer", unit=dang_kang)
        admin = get_user_model().objects.create_user("root", is_superuser=True)
        district = Unit.objects.get(kind="district", code="653")
        viewer = get_user_model().objects.create_user("viewer")
        RoleAssignment.objects.create(user=viewer, role="district_viewer", unit=district)
        village = dang_kang.children.first()
        person = Person.objects.filter(commune=dang_kang).order_by("-pk").first()
        home = person.household
        late = Person.objects.filter(commune=dang_kang).order_by("pk")[Person.objects.filter(commune=dang_kang).count() // 2]

        for label, user in (("commune officer", officer), ("district viewer", viewer), ("superuser", admin)):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            url = reverse("people:person_list")
            print(f" {label}:")

            def get(params, url=url, client=client):
                response = client.get(url, params)
                assert response.status_code == 200, response.status_code
                return response

            timed("person list, first page", lambda: get({"year": 2026}))
            timed("person list, page in the middle", lambda: get({"year": 2026, "after": late.pk}))
            timed("person list, before (previous page)", lambda: get({"year": 2026, "before": late.pk}))
            timed("person list, village", lambda: get({"year": 2026, "commune": dang_kang.pk,
                                                       "village": village.pk}))
            timed("person list, age 11-14 + THCS", lambda: get({"year": 2026, "age": "11-14",
                                                                "level": "lower_secondary"}))
            timed("person list, literacy 0", lambda: get({"year": 2026, "literacy": "0"}))
            timed("person list, status none (no record)", lambda: get({"year": 2026, "status": "none"}))
            timed("person list, status none, 2027 (nobody has one)", lambda: get({"year": 2027, "status": "none"}))
            timed("person list, search name prefix 'nguyễn văn'", lambda: get({"year": 2026, "q": "nguyễn văn"}))
            timed("person list, search word 'mlô'", lambda: get({"year": 2026, "q": "mlô"}))
            timed("person list, search code H0000042", lambda: get({"year": 2026, "q": "H0000042"}))
            timed("household list, first page", lambda: client.get(reverse("people:household_list")))
            timed("household page", lambda: client.get(reverse("people:household_detail", args=[home.pk])))
            timed("person page", lambda: client.get(reverse("people:person_detail", args=[person.pk])))
        print(f" load average {os.getloadavg()[0]:.1f}")
        if options.lists_only:
            return
        commune_persons = Person.objects.filter(commune=dang_kang).count()
        print(f" quality, commune of {commune_persons:,} persons:")
        results = timed("quality.check (13 rules)", lambda: quality.check(dang_kang, 2026), repeat=1)
        for result in results:
            print(f"    {result.rule.id:<24} {result.count:>8,}")
        for rule in quality.RULES:
            timed(f"  rule {rule.id}", lambda rule=rule: quality.run_rule(rule, dang_kang, 2026), repeat=1)
        print(" roll-over:")
        preview = timed("preview, one commune", lambda: rollover.preview(dang_kang, 2026), repeat=1)
        print(f"    to create: {preview.created:,}")
        done = timed("roll_over, one commune 2026 → 2027", lambda: rollover.roll_over(dang_kang, 2026),
                     repeat=1)
        print(f"    created {done.created:,}")
        done = timed("roll_over, everything else 2026 → 2027", lambda: rollover.roll_over(None, 2026),
                     repeat=1)
        print(f"    created {done.created:,}; households {Household.objects.count():,}; peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
