"""Write the API's OpenAPI schema to a file: ``manage.py export_openapi docs/openapi.json``.

The committed ``docs/openapi.json`` is compared with the live schema by
``khuyenhoc/tests/test_openapi.py``; regenerate it with ``make openapi``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def schema_json() -> str:
    """The live schema as committed: keys sorted, indented by 2, UTF-8, final newline."""
    from khuyenhoc.api import api

    schema = api.get_openapi_schema()  # paths as mounted by khuyenhoc.urls
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/v1/ to PATH (JSON, keys sorted, indent 2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The file to write, for example docs/openapi.json.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_json(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
