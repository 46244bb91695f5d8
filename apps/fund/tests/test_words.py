"""Amounts in Vietnamese words, as on a receipt."""

import pytest

from apps.fund.words import amount_in_words


@pytest.mark.parametrize(("amount", "words"), [
    (0, "Không đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_234_567_891,
     "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt đồng"),
    (1_234_567, "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng"),
    (15, "Mười lăm đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"),
    (25, "Hai mươi lăm đồng"),
    (105, "Một trăm linh năm đồng"),
    (101, "Một trăm linh một đồng"),
    (110, "Một trăm mười đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (10_000_000_000, "Mười tỷ đồng"),
    (1_005_000_000, "Một tỷ không trăm linh năm triệu đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (500_000, "Năm trăm nghìn đồng"),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize("bad", [-1, 1.5, True, "100"])
def test_only_whole_non_negative_numbers_are_read(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)
