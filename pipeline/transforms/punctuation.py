"""Transform ``punctuation``: restore full-width punctuation that was width-folded next to CJK text.

``, : ; ? !`` next to a Chinese character become ``，：；？！`` — also after a number when
Chinese follows (``16.4;年末`` → ``16.4；年末``, ``3.4830,同比`` → ``3.4830，同比``) — and a
``( )`` pair becomes ``（ ）`` when its content or its surroundings are Chinese (GB/T 15834).
Marks between digits or Latin words (``1,000``, ``10:30``), decimal points and URLs keep their
half-width forms. A full-width mark carries its own space, so a space beside one is dropped: the
space before a closing mark (``活动 。``, from ``&nbsp;`` in the page) and after one that ends a
clause or opens a pair (``抓手, 加强`` → ``抓手，加强``).
"""
from __future__ import annotations

import re

from lxml import etree

from .. import ir
from ..text import is_cjk

FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
RESTORABLE = re.compile("[,:;?!(]")  # a half-width mark, or a bracket opening a pair
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+|www\.\S+")
TEXT_TAGS = ("title", "field", "heading", "p", "item", "li", "cell", "link")
# Front-matter fields whose values are not prose: addresses, dates, numbers.
LITERAL_FIELDS = ("url", "date", "written", "number", "index")
# A space before a full-width closing mark, or after a full-width mark ending a clause or opening a pair.
SPACE_BESIDE_MARK = re.compile("(?<=[^ ]) (?=[。，、；：？！）》」』】”’])|(?<=[。，、；：？！（《「『【“‘]) ")


def restore(text: str) -> str:
    """Full-width punctuation back in one string (idempotent: the result is a fixed point)."""
    if not text or not any(c in text for c in ",:;?!()"):
        return text
    protected = set()
    if "://" in text or "www." in text:  # what every URL match holds
        for match in URL.finditer(text):
            protected.update(range(match.start(), match.end()))
    # The half-width marks and opening brackets not yet restored: the passes visit these, not
    # the whole text (none is ever made, and a restored character keeps its place).
    marks, opens = [], []
    for match in RESTORABLE.finditer(text):
        if match.start() not in protected:
            (opens if match.group() == "(" else marks).append(match.start())
    made: dict[int, str] = {}  # position → the full-width character restored there

    def cjk_at(i: int) -> bool:
        return i in made or (0 <= i < len(text) and is_cjk(text[i]))  # every full-width form is CJK

    # Pairs and marks qualify each other and their neighbours (a restored mark beside a pair
    # makes its surroundings Chinese, and the other way round): both run to a fixed point.
    while _restore_pairs(text, made, opens, protected, cjk_at) | _restore_marks(text, made, marks, cjk_at):
        pass
    return with_made(text, made)


def with_made(text: str, made: dict[int, str]) -> str:
    """``text`` with the characters restored so far in place."""
    parts, start = [], 0
    for i in sorted(made):
        parts += (text[start:i], made[i])
        start = i + 1
    parts.append(text[start:])
    return "".join(parts)


def _restore_pairs(text: str, made: dict[int, str], opens: list[int], protected: set[int], cjk_at) -> bool:
    """One pass turning the ( ) pairs (of ``opens``, those left) whose content or surroundings
    are Chinese into （ ）; whether any changed (converting an inner pair can qualify the outer
    one on the next pass)."""
    if not opens:
        return False
    current = with_made(text, made)
    left = []
    for i in opens:
        close = current.find(")", i + 1, i + 60)
        if close < 0 or "(" in current[i + 1:close] or close in protected or not (
                any(is_cjk(c) for c in current[i + 1:close]) or cjk_at(i - 1) or cjk_at(close + 1)):
            left.append(i)
            continue
        made[i], made[close] = "（", "）"
    changed = len(left) < len(opens)
    opens[:] = left
    return changed


def _restore_marks(text: str, made: dict[int, str], marks: list[int], cjk_at) -> bool:
    """One pass turning the , : ; ? ! (of ``marks``, those left) next to Chinese into their
    full-width forms; whether any changed."""
    left = []
    for i in marks:
        if cjk_at(i - 1) or cjk_at(i + 1):
            made[i] = FULL[text[i]]
        else:
            left.append(i)
    changed = len(left) < len(marks)
    marks[:] = left
    return changed


@ir.rewrites_a_copy
def punctuation(tree: etree._Element) -> etree._Element:
    for el in tree.iter(*TEXT_TAGS):
        if el.tag == "field" and el.get("name") in LITERAL_FIELDS:
            continue
        text = el.text
        if text and (fixed := punctuated(text)) != text:
            el.text = fixed
        tail = el.tail if el.tag in ("item", "link") else None
        if tail and (fixed := punctuated(tail)) != tail:
            el.tail = fixed
    return tree


def punctuated(text: str) -> str:
    """``text`` with its punctuation restored and without the spaces beside full-width marks
    (``SPACE_BESIDE_MARK``), to a fixed point: a space dropped can put a half-width mark next to
    Chinese (``。 ,a``), so the marks are restored again after a space is dropped, and only
    then (``restore`` is a fixed point of its own)."""
    while True:
        text = restore(text)
        if " " not in text:
            return text
        spaced, text = text, SPACE_BESIDE_MARK.sub("", text)
        if text == spaced:
            return text
