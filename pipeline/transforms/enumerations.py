"""Transform ``enumerations``: inline enumerations (一是…。二是…。, also ；-separated) become items.

A marker counts at the start of a paragraph or right after sentence punctuation; the first
must be 一是 and the numbers must rise. A skipped number (一是, 二是, 四是) is kept and reported.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .. import ir
from ..diagnostics import Diagnostic, record
from ..numerals import cn_to_int, int_to_cn
from .labels import structure_rules


@lru_cache(maxsize=1)
def _marker() -> re.Pattern:
    rules = structure_rules()["enumeration"]
    return re.compile(rf"(?:^|(?<={rules['after']}))\s*{rules['marker']}")


def _split(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """(lead text, [(number, item text)]) or None when the paragraph has no enumeration."""
    marks = []
    for match in _marker().finditer(text):
        number = cn_to_int(match.group(1))
        if number is None:
            continue
        if not marks:
            if number == 1:
                marks.append((number, match.start(1), match.end()))
        elif number > marks[-1][0]:
            marks.append((number, match.start(1), match.end()))
    if len(marks) < 2:
        return None
    lead = text[:marks[0][1]]
    items = []
    for i, (number, _start, body_start) in enumerate(marks):
        end = marks[i + 1][1] if i + 1 < len(marks) else len(text)
        items.append((number, text[body_start:end]))
    return lead, items


def _where(p: etree._Element) -> str:
    labels = [s.get("label", "") for s in p.iterancestors("section")]
    return "/".join(reversed(labels)) or "body"


def enumerations(tree: etree._Element) -> etree._Element:
    tree = ir.clone(tree)
    label_format = structure_rules()["enumeration"]["label"]
    for p in tree.iterfind(".//body//p"):
        if len(p) or not p.text:
            continue
        split = _split(p.text)
        if split is None:
            continue
        lead, items = split
        p.text = lead
        for number, text in items:
            item = etree.SubElement(p, "item", label=label_format.format(cn=int_to_cn(number)),
                                    number=str(number))
            item.text = text
    found = []
    for p in tree.iterfind(".//body//p[item]"):
        previous = 0
        for item in p.iterfind("item"):
            number = int(item.get("number"))
            if number != previous + 1:
                found.append(Diagnostic(
                    "enumeration-gap",
                    f"{label_format.format(cn=int_to_cn(previous))} is followed by {item.get('label')}",
                    "enumerations", _where(p)))
            previous = number
    record(tree, "enumerations", found)
    return tree
