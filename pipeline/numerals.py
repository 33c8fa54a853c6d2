"""Chinese numerals ↔ integers (一 … 九十九 and beyond), for labels like 一、 （十二） 第三章."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100}
CN_DIGITS = "零一二三四五六七八九"


def cn_to_int(text: str) -> int | None:
    """Parse 一 … 九百九十九; None when ``text`` is not a well-formed numeral."""
    if not text:
        return None
    total, current = 0, None
    for ch in text:
        if ch in "零〇" and total:
            continue
        if ch in DIGITS:
            if current is not None:
                return None
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (1 if current is None else current) * UNITS[ch]
            current = None
        else:
            return None
    value = total + (current or 0)
    return value or None


def int_to_cn(number: int) -> str:
    if number <= 0:
        raise ValueError("positive numbers only")
    if number < 10:
        return CN_DIGITS[number]
    if number < 20:
        return "十" + (CN_DIGITS[number - 10] if number > 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return CN_DIGITS[tens] + "十" + (CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    tail = "" if rest == 0 else ("零" + int_to_cn(rest) if rest < 10 else
                                 (int_to_cn(rest) if rest >= 20 else "一" + int_to_cn(rest)))
    return CN_DIGITS[hundreds] + "百" + tail
