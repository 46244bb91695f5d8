"""The 54 ethnic groups of Viet Nam with their official two-digit codes.

Source: Danh mục các dân tộc Việt Nam, Quyết định 121-TCTK/PPCĐ (2/3/1979) of the
General Statistics Office, the list used by the census and by the PCGD–XMC forms.
Aliases are spellings met in commune files (for example "M'Nông", "H'Mông").
"""

from __future__ import annotations

import re
import unicodedata

KINH = "01"

# (code, official name, aliases)
ETHNIC_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("01", "Kinh", ("Việt",)),
    ("02", "Tày", ()),
    ("03", "Thái", ()),
    ("04", "Hoa", ()),
    ("05", "Khơ-me", ("Khmer", "Khơ Me", "Khơme")),
    ("06", "Mường", ()),
    ("07", "Nùng", ()),
    ("08", "Mông", ("H'Mông", "Hmông", "HMông", "Mèo")),
    ("09", "Dao", ()),
    ("10", "Gia-rai", ("Gia Rai", "Jrai", "Giarai")),
    ("11", "Ngái", ()),
    ("12", "Ê-đê", ("Ê Đê", "Êđê", "Ede", "Ê-Đê")),
    ("13", "Ba-na", ("Ba Na", "Bahnar")),
    ("14", "Xơ-đăng", ("Xơ Đăng", "Sê Đăng")),
    ("15", "Sán Chay", ("Cao Lan", "Sán Chỉ")),
    ("16", "Cơ-ho", ("Cơ Ho", "K'Ho", "Kơho")),
    ("17", "Chăm", ("Chàm",)),
    ("18", "Sán Dìu", ()),
    ("19", "Hrê", ("H're",)),
    ("20", "Mnông", ("M'Nông", "Mơ Nông", "M Nông")),
    ("21", "Ra-glai", ("Raglai", "Ra Glai")),
    ("22", "Xtiêng", ("Xa Điêng", "Stiêng", "X'tiêng")),
    ("23", "Bru-Vân Kiều", ("Bru Vân Kiều", "Vân Kiều")),
    ("24", "Thổ", ()),
    ("25", "Giáy", ()),
    ("26", "Cơ-tu", ("Cơ Tu", "Katu")),
    ("27", "Gié-Triêng", ("Gié Triêng",)),
    ("28", "Mạ", ()),
    ("29", "Khơ-mú", ("Khơ Mú", "Khmu")),
    ("30", "Co", ()),
    ("31", "Tà-ôi", ("Tà Ôi", "Pa Cô")),
    ("32", "Chơ-ro", ("Chơ Ro",)),
    ("33", "Kháng", ()),
    ("34", "Xinh-mun", ("Xinh Mun",)),
    ("35", "Hà Nhì", ()),
    ("36", "Chu-ru", ("Chu Ru", "Churu")),
    ("37", "Lào", ()),
    ("38", "La Chí", ()),
    ("39", "La Ha", ()),
    ("40", "Phù Lá", ()),
    ("41", "La Hủ", ()),
    ("42", "Lự", ()),
    ("43", "Lô Lô", ()),
    ("44", "Chứt", ()),
    ("45", "Mảng", ()),
    ("46", "Pà Thẻn", ()),
    ("47", "Cơ Lao", ()),
    ("48", "Cống", ()),
    ("49", "Bố Y", ()),
    ("50", "Si La", ()),
    ("51", "Pu Péo", ()),
    ("52", "Brâu", ()),
    ("53", "Ơ Đu", ()),
    ("54", "Rơ-măm", ("Rơ Măm",)),
]

ETHNICITY_CHOICES = [(code, name) for code, name, _aliases in ETHNIC_GROUPS]
NAMES = {code: name for code, name, _aliases in ETHNIC_GROUPS}


def _key(text: str) -> str:
    """Case-, space-, hyphen- and apostrophe-insensitive key of an ethnic group's name."""
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s\-'’ʼ`]+", "", text)


_LOOKUP: dict[str, str] = {}
for _code, _name, _aliases in ETHNIC_GROUPS:
    _LOOKUP[_code] = _code
    _LOOKUP[str(int(_code))] = _code
    for _spelling in (_name, *_aliases):
        _LOOKUP[_key(_spelling)] = _code


def ethnicity_code(value: str) -> str | None:
    """The two-digit code of an ethnic group given by name, alias or code; None if unknown."""
    value = (value or "").strip()
    if not value:
        return None
    return _LOOKUP.get(value) or _LOOKUP.get(_key(value))


def is_minority(code: str) -> bool:
    return code != KINH
