"""``manage.py import_people``: counts on success, every error bilingually and a failure otherwise."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.people.models import Person

SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"


def test_the_command_imports_the_sample_and_prints_its_counts(krong_bong):
    out = io.StringIO()
    call_command("import_people", str(SAMPLE), "--year", "2026", "--create-villages", stdout=out,
                 stderr=io.StringIO())
    assert "persons: 60 created, 0 updated, 0 unchanged" in out.getvalue()
    assert Person.objects.count() == 60


def test_a_dry_run_of_the_command_writes_nothing(krong_bong):
    out = io.StringIO()
    call_command("import_people", str(SAMPLE), "--year", "2026", "--create-villages", "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and "60 created" in out.getvalue()
    assert not Person.objects.exists()


def test_the_command_prints_every_error_and_fails(krong_bong):
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_people", str(SAMPLE), "--year", "2026", stdout=io.StringIO(), stderr=err)
    assert "Row 2, column village" in err.getvalue() and "Dòng 2, cột village" in err.getvalue()
    assert not Person.objects.exists()


def test_the_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_people", str(tmp_path / "none.csv"), "--year", "2026")
