"""Transform ``punctuation``: restore full-width punctuation that was width-folded next to CJK text.

``, : ; ? !`` next to a Chinese character become ``，：；？！`` — also after a number when
Chinese follows (``16.4;年末`` → ``16.4；年末``, ``3.4830,同比`` → ``3.4830，同比``) — and a
``( )`` pair becomes ``（ ）`` when its content or its surroundings are Chinese (GB/T 15834).
Marks between digits or Latin words (``1,000``, ``10:30``), decimal points and URLs keep their
half-width forms.
"""
from __future__ import annotations

import re

from lxml import etree

from .. import ir
from ..text import is_cjk

FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
HALF_MARK = re.compile("[,:;?!]")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+|www\.\S+")
TEXT_TAGS = ("title", "field", "heading", "p", "item", "li", "cell", "link")
# Front-matter fields whose values are not prose: addresses, dates, numbers.
LITERAL_FIELDS = ("url", "date", "written", "number", "index")


def restore(text: str) -> str:
    """Full-width punctuation back in one string (idempotent: the result is a fixed point)."""
    if not text or not any(c in text for c in ",:;?!()"):
        return text
    protected = [False] * len(text)
    for match in URL.finditer(text):
        for i in range(match.start(), match.end()):
            protected[i] = True
    chars = list(text)

    def cjk_at(i: int) -> bool:
        return 0 <= i < len(chars) and is_cjk(chars[i])

    # Pairs and marks qualify each other and their neighbours (a restored mark beside a pair
    # makes its surroundings Chinese, and the other way round): both run to a fixed point.
    while _restore_pairs(chars, protected, cjk_at) | _restore_marks(chars, protected, cjk_at):
        pass
    return "".join(chars)


def _restore_pairs(chars: list[str], protected: list[bool], cjk_at) -> bool:
    """One pass turning ( ) pairs whose content or surroundings are Chinese into （ ）; whether
    any changed (converting an inner pair can qualify the outer one on the next pass)."""
    changed = False
    current = "".join(chars)
    i = -1
    while (i := current.find("(", i + 1)) >= 0:
        if protected[i]:
            continue
        close = current.find(")", i + 1, i + 60)
        if close < 0 or "(" in current[i + 1:close] or protected[close]:
            continue
        if any(is_cjk(c) for c in current[i + 1:close]) or cjk_at(i - 1) or cjk_at(close + 1):
            chars[i], chars[close] = "（", "）"
            changed = True
    return changed


def _restore_marks(chars: list[str], protected: list[bool], cjk_at) -> bool:
    """One pass turning , : ; ? ! next to Chinese into their full-width forms; whether any changed."""
    changed = False
    for match in HALF_MARK.finditer("".join(chars)):
        i = match.start()
        if not protected[i] and (cjk_at(i - 1) or cjk_at(i + 1)):
            chars[i] = FULL[match.group()]
            changed = True
    return changed


def punctuation(tree: etree._Element) -> etree._Element:
    tree = ir.clone(tree)
    for el in tree.iter(*TEXT_TAGS):
        if el.tag == "field" and el.get("name") in LITERAL_FIELDS:
            continue
        el.text = restore(el.text) if el.text else el.text
        if el.tag in ("item", "link") and el.tail:
            el.tail = restore(el.tail)
    return tree
