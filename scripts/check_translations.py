#!/usr/bin/env python
"""Fail when a translation catalog is incomplete, fuzzy, inconsistent or out of date.

1. Every entry of every catalog has a translation (no empty msgstr, no fuzzy entry).
2. Python-format placeholders are the same in the source and the translation.
3. Every string marked for translation in the code and templates is in the catalog
   (``makemessages`` is run on a scratch copy of the repository and compared).
4. The catalogs compile.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{(\w*)\}")
LANGUAGES = ["vi"]


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def check_catalog(po: polib.POFile, name: str) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        label = f"{name}: {entry.msgid[:60]!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{label} is fuzzy")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(t.strip() for t in translations):
            problems.append(f"{label} has no translation")
            continue
        if "python-format" in entry.flags or "python-brace-format" in entry.flags:
            for translation in translations:
                if placeholders(entry.msgid) != placeholders(translation) and not entry.msgid_plural:
                    problems.append(f"{label}: placeholders differ in the translation")
    return problems


def extracted_msgids(language: str) -> set[str]:
    """The strings makemessages finds today, from a scratch copy of the code."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "src"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules",
                                                                  "__pycache__", "test-results"))
        env = {**os.environ, "DEMO": "1", "DJANGO_SETTINGS_MODULE": "khuyenhoc.settings"}
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "makemessages", "-l", language, "--no-location",
             "--no-obsolete", "--ignore", "tests/*", "--ignore", "*/tests/*"],
            cwd=copy, env=env, check=True, capture_output=True,
        )
        fresh = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        return {(e.msgctxt or "") + "\x04" + e.msgid for e in fresh if not e.obsolete}


def main() -> int:
    problems: list[str] = []
    for language in LANGUAGES:
        path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
        if not path.exists():
            problems.append(f"{path} is missing")
            continue
        po = polib.pofile(str(path))
        problems += check_catalog(po, f"{language}")
        committed = {(e.msgctxt or "") + "\x04" + e.msgid for e in po if not e.obsolete}
        if shutil.which("xgettext"):
            missing = sorted(extracted_msgids(language) - committed)
            problems += [f"{language}: not in the catalog (run `make messages`): "
                         f"{m.split(chr(4))[1][:70]!r}" for m in missing]
        else:
            problems.append("xgettext is missing (install gettext) so the catalog cannot be compared")
        with tempfile.NamedTemporaryFile(suffix=".mo") as mo:
            po.save_as_mofile(mo.name)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problems.")
        return 1
    print("Translation catalogs complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
