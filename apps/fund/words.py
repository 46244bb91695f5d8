"""Amounts in Vietnamese words, as written on receipts ("Bằng chữ: Một triệu đồng").

Variants chosen (the usage of accounting vouchers, e.g. the receipt forms of Thông tư
200/2014/TT-BTC and 133/2016/TT-BTC filled by common accounting software):
- "nghìn" (not "ngàn") for thousands; "linh" (not "lẻ") for a zero tens digit: 105 is
  "một trăm linh năm";
- after "mươi" (20 and above): 1 is "mốt" (21 "hai mươi mốt"), 4 is "tư" (34 "ba mươi
  tư"), 5 is "lăm" (25 "hai mươi lăm"); after "mười": 5 is "lăm" (15 "mười lăm"), 1 and 4
  stay "một", "bốn" (11 "mười một", 14 "mười bốn"); after "linh": "năm", "bốn", "một";
- inside a number, an empty hundreds place is read "không trăm" (1.005.000 is "một triệu
  không trăm linh năm nghìn"); groups of zeros are skipped (1.000.000 is "một triệu");
- above 999 tỷ the word "tỷ" repeats: 10^12 is "một nghìn tỷ", 10^18 "một tỷ tỷ".
The first letter is a capital and the text ends with "đồng"; 0 is "Không đồng".
"""

from __future__ import annotations

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu"]  # within a block of nine digits; "tỷ" joins the blocks
BILLION = 10**9


def _triple(number: int, full: bool) -> list[str]:
    """A group of three digits; ``full`` reads the hundreds even when zero ("không trăm")."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["linh", DIGITS[units]] if words else [DIGITS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, DIGITS[units]))
    return words


def _block(number: int, leading: bool) -> list[str]:
    """A number below a billion; ``leading``: nothing is read before it."""
    words: list[str] = []
    groups = [(number // 10**6) % 1000, (number // 1000) % 1000, number % 1000]
    for index, group in enumerate(groups):
        if group == 0:
            continue
        words += _triple(group, full=bool(words) or not leading)
        name = GROUPS[2 - index]
        if name:
            words.append(name)
    return words


def _read(number: int, leading: bool = True) -> list[str]:
    if number >= BILLION:
        high, low = divmod(number, BILLION)
        words = [*_read(high, leading), "tỷ"]
        return words + (_read(low, leading=False) if low else [])
    return _block(number, leading)


def number_in_words(number: int) -> str:
    """A whole number in Vietnamese words, lower case ("một trăm linh năm")."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise ValueError(f"a whole number of đồng is needed, not {number!r}")
    return "không" if number == 0 else " ".join(_read(number))


def amount_in_words(amount: int) -> str:
    """An amount of đồng as written on a receipt: "Một tỷ hai trăm ... mốt đồng"."""
    text = f"{number_in_words(amount)} đồng"
    return text[0].upper() + text[1:]
