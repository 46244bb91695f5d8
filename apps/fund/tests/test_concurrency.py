"""Concurrent donations on the real PostgreSQL: no loss, no duplicate receipt, no gap.

Eight processes each post 25 donations to one fund at the same moment, through the
services and the audit context of ``manage.py fund donate`` (``call_command`` in a
loop, so that a process starts Django once). Skipped on SQLite, whose IMMEDIATE
transactions serialise writers anyway; it runs in the PostgreSQL pass of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from apps.fund import verify
from apps.fund.models import Donation, ReceiptCounter

PROCESSES, DONATIONS = 8, 25
ROOT = Path(settings.BASE_DIR)

WORKER = """
import os, sys, time
import django
django.setup()
from django.core.management import call_command
worker, count, start = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))  # all processes start posting together
for number in range(count):
    call_command("fund", "donate", "--fund", "DK", "--amount", str(1000 + worker * 100 + number),
                 "--donor", f"Worker {worker} gift {number}", stdout=open(os.devnull, "w"))
"""


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks across processes)")
@pytest.mark.django_db(transaction=True)
def test_parallel_donations_lose_nothing_and_number_receipts_without_gaps(fund):
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "khuyenhoc.test_settings",
           "CONN_MAX_AGE": "0"}
    start = time.time() + 4  # time for every interpreter to start Django
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(w), str(DONATIONS), str(start)], cwd=ROOT,
                                env=env, stderr=subprocess.PIPE, text=True)
               for w in range(PROCESSES)]
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * PROCESSES, errors

    total = PROCESSES * DONATIONS
    donations = Donation.objects.filter(fund=fund)
    assert donations.count() == total
    assert sorted(donations.values_list("receipt_seq", flat=True)) == list(range(1, total + 1))
    assert ReceiptCounter.objects.get(fund=fund).last_number == total
    expected = sum(1000 + w * 100 + n for w in range(PROCESSES) for n in range(DONATIONS))
    assert donations.aggregate(total=Sum("amount"))["total"] == expected
    assert fund.accounts.get(code="cash").balance == expected
    assert verify.faults() == []
    call_command("fund", "verify")
