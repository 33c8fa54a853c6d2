"""Character classes and whitespace handling shared by the clean stage and the transforms."""
from __future__ import annotations

import re
import unicodedata

#: A white-space character: Python's, no-break and typographic spaces, zero-width ones, the
#: ideographic space and the byte-order mark.
WHITE = r"[\s\u00a0\u2002-\u200b\u3000\ufeff]"
WHITESPACE = re.compile(WHITE + "+")
#: The characters ``is_cjk`` accepts, as a regular-expression class.
CJK_CLASS = "[\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0002ffff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’…—《》]"
#: A Han character (CJK Unified Ideographs and Extension A, U+3400 … U+9FFF).
HAN = re.compile("[\u3400-\u9fff]")
#: A white-space run holding a line break between two CJK characters: source formatting.
WRAPPED_CJK = re.compile(rf"(?<={CJK_CLASS}){WHITE}*[\n\r\t]{WHITE}*(?={CJK_CLASS})")


def is_cjk(ch: str) -> bool:
    """A Han character, a CJK symbol or a full-width form (the context that wants full-width punctuation)."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF
        or 0xF900 <= code <= 0xFAFF or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF
        or ch in "“”‘’…—《》"
    )


def collapse_space(text: str) -> str:
    """Collapse runs of white space to one space and strip the ends.

    A run that holds a line break between two CJK characters is source formatting (HTML
    wraps long Chinese lines anywhere) and is dropped; a plain space there is kept.
    """
    if text.isspace():  # the indentation between tags: no expression over it
        return ""
    if "\n" in text or "\r" in text or "\t" in text:
        text = WRAPPED_CJK.sub("", text)
    if "\u200b" in text or "\ufeff" in text:  # the white space of WHITE that str.split does not split at
        return WHITESPACE.sub(" ", text).strip()
    return " ".join(text.split())  # the same, in a scan in C


def char_widths(text: str) -> float:
    """How many character widths ``text`` takes, as GB/T 9704 counts 字: a full-width or wide
    character one, any other half of one (a Latin digit or full stop, as Chinese fonts set
    them)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)
