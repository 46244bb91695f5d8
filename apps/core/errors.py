"""Domain errors that speak Vietnamese and English and name the row and field."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise


def in_language(message: Promise | str, language: str, params: dict[str, Any] | None = None) -> str:
    with translation.override(language):
        # Parameters may be lazy translations too (a unit level): render them inside.
        text = str(message)
        return text % {key: str(value) for key, value in params.items()} if params else text


@dataclass
class DomainError(Exception):
    """A refusal of bad input. ``message`` is a lazy translation with %(name)s params."""

    message: Promise | str
    params: dict[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.english)

    @property
    def vietnamese(self) -> str:
        return in_language(self.message, "vi", self.params)

    @property
    def english(self) -> str:
        return in_language(self.message, "en", self.params)

    def localized(self) -> str:
        return in_language(self.message, translation.get_language() or "vi", self.params)

    def bilingual(self) -> str:
        """"Vietnamese / English", with the row and column when there are some."""
        where_vi = where_en = ""
        if self.row is not None:
            where_vi += f"Dòng {self.row}"
            where_en += f"Row {self.row}"
        if self.column:
            where_vi += f"{', c' if where_vi else 'C'}ột {self.column}"
            where_en += f"{', c' if where_en else 'C'}olumn {self.column}"
        vi = f"{where_vi}: {self.vietnamese}" if where_vi else self.vietnamese
        en = f"{where_en}: {self.english}" if where_en else self.english
        return vi if vi == en else f"{vi} / {en}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message_vi": self.vietnamese,
                "message_en": self.english}


class ImportFailed(Exception):
    """An import refused whole: nothing was written. Carries every row error."""

    def __init__(self, errors: list[DomainError]) -> None:
        self.errors = errors
        super().__init__("\n".join(error.bilingual() for error in errors))


@contextmanager
def fields_renamed(names: Mapping[str, str]) -> Iterator[None]:
    """Report a refused column under the name the client sent (``unit`` → ``unit_id`` in the API)."""
    try:
        yield
    except DomainError as error:
        error.column = names.get(error.column or "", error.column)
        raise
