"""The committed OpenAPI schema (docs/openapi.json) is the live one."""

import json
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from apps.core.management.commands.export_openapi import schema_json

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def test_committed_schema_is_the_live_schema():
    assert COMMITTED.exists(), "docs/openapi.json is missing: run `make openapi`."
    assert COMMITTED.read_text(encoding="utf-8") == schema_json(), (
        "The API changed but docs/openapi.json did not: run `make openapi` and commit the file."
    )


def test_served_schema_is_the_exported_one():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(schema_json())


def test_export_command_writes_the_file(tmp_path):
    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target), stdout=StringIO())
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["info"]["title"] == "Khuyến học API"
    assert "/api/v1/units" in schema["paths"]
