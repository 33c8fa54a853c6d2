"""Transform ``enumerations``: enumerations (一是…。二是…。, 一要…二要…, also ；-separated) become items.

A marker counts at the start of a paragraph or right after sentence punctuation. A sequence
starts at 一 and its numbers rise, all with the same suffix (是 or 要). It may run inside one
paragraph, or across consecutive paragraphs that each open with the next marker. A skipped
number (一是, 二是, 四是) is kept and reported.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from msgspec import Struct

from .. import ir
from ..diagnostics import Diagnostic, record
from ..numerals import cn_to_int, int_to_cn
from .labels import structure_rules


class Mark(Struct, frozen=True):
    number: int
    suffix: str
    start: int  # where the label starts
    body: int  # where the item's text starts


@lru_cache(maxsize=1)
def _markers() -> tuple[re.Pattern, re.Pattern]:
    """A marker opening a text, and a marker after sentence punctuation. The punctuation is
    matched, not looked behind at: a search skips ahead to it instead of trying every position."""
    rules = structure_rules()["enumeration"]
    return re.compile(rf"\s*{rules['marker']}"), re.compile(rf"(?:{rules['after']})\s*{rules['marker']}")


def _marker_matches(text: str) -> list[re.Match]:
    opening, after = _markers()
    first = opening.match(text)
    return ([first] if first else []) + list(after.finditer(text, first.end() if first else 0))


def _marks(text: str) -> list[Mark]:
    marks = []
    for match in _marker_matches(text):
        number = cn_to_int(match.group(1))
        if number is not None:
            marks.append(Mark(number, match.group(2), match.start(1), match.end()))
    return marks


def _sequence(marks: list[Mark], carry: tuple[str, int] | None) -> list[Mark]:
    """The rising run of marks: from 一, or continuing ``carry`` (the suffix and last number of
    the sequence in the paragraph before) when the paragraph opens with its next marker."""
    run: list[Mark] = []
    for mark in marks:
        if not run:
            continues = carry is not None and mark.start == 0 and mark.suffix == carry[0] and mark.number > carry[1]
            if mark.number == 1 or continues:
                run.append(mark)
        elif mark.suffix == run[0].suffix and mark.number > run[-1].number:
            run.append(mark)
    return run


def _opens_with(p: etree._Element | None, suffix: str, number: int) -> bool:
    """Whether paragraph ``p`` opens with a marker of ``suffix`` numbered above ``number``."""
    if p is None or p.tag != "p" or len(p) or not p.text:
        return False
    marks = _marks(p.text)
    return bool(marks) and marks[0].start == 0 and marks[0].suffix == suffix and marks[0].number > number


def _carry_of(p: etree._Element) -> tuple[str, int] | None:
    items = p.findall("item")
    if not items:
        return None
    return items[-1].get("label")[-1], int(items[-1].get("number"))


def _label(number: int, suffix: str) -> str:
    return structure_rules()["enumeration"]["label"].format(cn=int_to_cn(number), suffix=suffix)


def _where(p: etree._Element) -> str:
    labels = [s.get("label", "") for s in p.iterancestors("section")]
    return "/".join(reversed(labels)) or "body"


def _split_paragraphs(container: etree._Element) -> None:
    paragraphs = [c for c in container if c.tag in ("p", "section", "table", "list", "figure")]
    carry = None
    for i, p in enumerate(paragraphs):
        if p.tag != "p":
            carry = None
            continue
        text = p.text
        if len(p) or not text:
            carry = _carry_of(p)
            continue
        run = _sequence(_marks(text), carry)
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        continuing = carry is not None and run and run[0].suffix == carry[0] and run[0].number > carry[1]
        single_ok = len(run) == 1 and run[0].start == 0 and (
            continuing or _opens_with(following, run[0].suffix, run[0].number))
        if len(run) < 2 and not single_ok:
            carry = None
            continue
        p.text = text[:run[0].start]
        for k, mark in enumerate(run):
            end = run[k + 1].start if k + 1 < len(run) else len(text)
            item = etree.SubElement(p, "item", label=_label(mark.number, mark.suffix), number=str(mark.number))
            item.text = text[mark.body:end]
        carry = (run[-1].suffix, run[-1].number)


def _gaps(container: etree._Element) -> list[Diagnostic]:
    found = []
    previous = 0
    for child in container:
        items = child.findall("item") if child.tag == "p" and len(child) else []
        if not items:
            previous = 0
            continue
        for item in items:
            number = int(item.get("number"))
            if number == 1:
                previous = 0
            if number != previous + 1:
                before = _label(previous, item.get("label")[-1]) if previous else "the start"
                found.append(Diagnostic("enumeration-gap", f"{before} is followed by {item.get('label')}",
                                        "enumerations", _where(child)))
            previous = number
    return found


@ir.rewrites_a_copy
def enumerations(tree: etree._Element) -> etree._Element:
    containers = [tree.find("body"), *tree.iterfind("body//section")]
    for container in containers:
        _split_paragraphs(container)
    record(tree, "enumerations", [d for c in containers for d in _gaps(c)])
    return tree
