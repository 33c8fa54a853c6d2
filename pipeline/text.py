"""Character classes and whitespace handling shared by the clean stage and the transforms."""
from __future__ import annotations

import re

WHITESPACE = re.compile(r"[\s\u00a0\u2002-\u200b\u3000\ufeff]+")


def is_cjk(ch: str) -> bool:
    """A Han character, a CJK symbol or a full-width form (the context that wants full-width punctuation)."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF
        or 0xF900 <= code <= 0xFAFF or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF
        or ch in "“”‘’…—《》"
    )


def collapse_space(text: str) -> str:
    """Collapse runs of white space to one space, drop it between two CJK characters, strip the ends."""
    parts = WHITESPACE.split(text)
    out = []
    for part in parts:
        if not part:
            continue
        if out and not (is_cjk(out[-1][-1]) and is_cjk(part[0])):
            out.append(" ")
        out.append(part)
    return "".join(out).strip()
