"""Import of the person registry (person-registry-format.md): CSV or XLSX, one row per person.

``import_people(source, year=…)`` validates every row and writes all of them or
none; ``write_invalid_rows(result, target)`` gives back the refused rows with
their errors.
"""

from apps.people.importing.columns import COLUMN_NAMES, COLUMNS
from apps.people.importing.invalid_rows import ERROR_COLUMN, invalid_rows_bytes, write_invalid_rows
from apps.people.importing.service import ImportResult, import_people

__all__ = ["COLUMNS", "COLUMN_NAMES", "ERROR_COLUMN", "ImportResult", "import_people", "invalid_rows_bytes",
           "write_invalid_rows"]
