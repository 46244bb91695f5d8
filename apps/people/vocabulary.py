"""The values of the person-registry file (person-registry-format.md) and their codes.

Import reads them case-insensitively after NFC normalisation; export writes the
first spelling of each, so that export → import is lossless.
"""

from __future__ import annotations

import re
import unicodedata

from apps.people.models import Disability, EnrolledLevel, Relation, Sex, Status


def fold(value: str) -> str:
    """NFC, case-folded, single-spaced: how file values are compared."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value or "")).strip().casefold()


# code → file spellings (the first is written on export)
SEX = {Sex.MALE: ("Nam", "M", "male"), Sex.FEMALE: ("Nữ", "F", "female")}
RELATION = {
    Relation.HEAD: ("chủ hộ",), Relation.WIFE: ("vợ",), Relation.HUSBAND: ("chồng",),
    Relation.CHILD: ("con",), Relation.GRANDCHILD: ("cháu",), Relation.FATHER: ("bố",),
    Relation.MOTHER: ("mẹ",), Relation.OTHER: ("khác",),
}
DISABILITY = {
    Disability.NONE: ("",),
    Disability.CAN_LEARN: ("có khả năng học",),
    Disability.CANNOT_LEARN: ("không có khả năng học",),
}
STATUS = {
    Status.PRESENT: ("có mặt", ""),
    Status.MOVED_AWAY: ("chuyển đi",),
    Status.DECEASED: ("đã mất",),
}
ENROLLED_LEVEL = {
    EnrolledLevel.NONE: ("",),
    EnrolledLevel.PRESCHOOL: ("mầm non",),
    EnrolledLevel.PRIMARY: ("tiểu học",),
    EnrolledLevel.LOWER_SECONDARY: ("THCS",),
    EnrolledLevel.UPPER_SECONDARY: ("THPT",),
    EnrolledLevel.CONTINUING_UPPER: ("GDTX THPT",),
    EnrolledLevel.VOCATIONAL: ("GDNN",),
    EnrolledLevel.OTHER: ("khác",),
}
YES = ("có",)


def reader(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """file spelling (folded) → code"""
    return {fold(spelling): str(code) for code, spellings in table.items() for spelling in spellings}


def writer(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """code → the spelling written on export"""
    return {str(code): spellings[0] for code, spellings in table.items()}
