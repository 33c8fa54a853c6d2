"""Transform ``numbering``: the one place numbers, labels and levels are computed and checked.

Each section's ``level`` is its nesting depth and its ``label`` is printed from its kind and
number in the canonical form (（一） not (一), 1. not 1．). Within each parent the numbered
sections of one kind count 1, 2, 3 …, and so do the numbered clauses (paragraphs marked with a
kind) of one kind. What a reader should act on is reported: a gap, a number that goes back, a heading
list that starts above 1, a top-level section of a kind below a numbered kind the document
uses (its parent heading was likely lost). Official styles are not reported: continuous numbering (the first member under a
parent continuing the count of the same kind at the same depth before it: （五） under 二、
after （四） under 一、), a clause list starting again at 1 (each 第X条 has its own （一）…),
a heading list starting again at 一 after the title of a new document (an attachment, a
second regulation in one notice), a heading list starting again at 1 after a paragraph opening
a second list (其次，…), a clause list of a new document whatever it starts at, a section skipping a level inside its parent (一、 then 1.).
A decimal outline's members count per level (1.1, 1.2 under 1; 2.1 under 2) and keep the
numbers of the levels above as written (1.2 printed 1.2 even where its 1 was not found).
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .. import ir
from ..diagnostics import Diagnostic, record
from .labels import UNNUMBERED, Kind, kind_named, outline_path, section_rank, structure_rules


def _path(member: etree._Element, label: str) -> str:
    """Where a member stands: the labels of the sections holding it (an unnumbered one's
    heading), then its own."""
    labels = [s.get("label") or ir.text_of(s.find("heading")) for s in member.iterancestors("section")]
    return "/".join([*reversed(labels), label])


@lru_cache(maxsize=1)
def _document_start() -> re.Pattern:
    rules = structure_rules()
    return re.compile(f"{rules['attachment_line']}|{rules['document_title']}")


def _starts_document(between: list[etree._Element]) -> bool:
    """Whether one of the paragraphs ``between`` two members starts a new document (an
    attachment line, a document's title)."""
    return any(el.tag == "p" and _document_start().fullmatch(ir.text_of(el).strip()) for el in between)


@lru_cache(maxsize=1)
def _list_lead() -> re.Pattern:
    return re.compile(structure_rules()["list_lead"])


def _leads_a_list(between: list[etree._Element]) -> bool:
    """Whether the last of the paragraphs ``between`` two members opens a second list with a
    word that counts the lists (其次，…: ``list_lead``)."""
    paragraphs = [el for el in between if el.tag == "p"]
    return bool(paragraphs) and bool(_list_lead().match(ir.text_of(paragraphs[-1]).strip()))


@ir.rewrites_a_copy
def numbering(tree: etree._Element) -> etree._Element:
    body = tree.find("body")
    found: list[Diagnostic] = []
    ranks_used = sorted({section_rank(s) for s in body.iter("section") if s.get("kind") != UNNUMBERED})
    order = {el: i for i, el in enumerate(body.iter("p", "section"))}
    blocks = list(order)
    carried: dict[tuple[str, int], int] = {}  # (series, depth) → the last number counted there

    def check(member: etree._Element, kind, path: tuple[int, ...], last: etree._Element | None, depth: int) -> None:
        number = path[-1]
        label = kind.label(number, path).strip()
        clause = member.tag == "p"

        def report(code: str, message: str) -> None:
            found.append(Diagnostic(code, message, "numbering", _path(member, label)))

        if last is None:
            continued = carried.get((series_of(member), depth))
            if number != 1 and number != (continued or 0) + 1 and not clause:
                report("numbering-start", f"the first {kind.name} item is {label}")
            return
        before = int(last.get("number"))
        earlier = kind.label(before, path[:-1] + (before,)).strip()
        # A clause list counts afresh at 1 (each 第X条 has its own), and any list of a new
        # document at 1, a clause list of one at any number (its first item may stand inline:
        # 注：1、…); the paragraphs between are only read where that could matter.
        if (clause and number == 1) or ((clause or number == 1) and _starts_document(blocks[order[last] + 1:order[member]])):
            return
        if number == 1:
            if not clause and _leads_a_list(blocks[order[last] + 1:order[member]]):
                return
            report("numbering-restart", f"{label} restarts after {earlier}")
        elif number <= before:
            report("numbering-restart", f"{label} follows {earlier}")
        elif number > before + 1:
            report("numbering-gap", f"{earlier} is followed by {label}")

    def path_of(member: etree._Element, kind, number: int) -> tuple[int, ...]:
        """The member's number with the numbers of its outline's levels above (2.3.1), as written."""
        if not kind.outline:
            return (number,)
        written = Kind.path_of(member.get("label", "")) if member.tag == "section" else outline_path(kind, ir.text_of(member))
        return (written or (number,))[:-1] + (number,)

    def series_of(member: etree._Element) -> str:
        """What a member counts with: the members of its kind (and an outline's, of its depth)."""
        kind = kind_named(member.get("kind"))
        return member.get("kind") + (f"/{len(path_of(member, kind, 1))}" if kind is not None and kind.outline else "")

    def walk(container: etree._Element, depth: int, parent_rank: float | None) -> None:
        previous: dict[tuple[str, str], etree._Element] = {}  # (series, section or p) → the last member
        for member in container:
            numbered = member.tag == "section" or (member.tag == "p" and member.get("kind"))
            if not numbered:
                continue
            kind_name = member.get("kind")
            if member.tag == "section":
                member.set("level", str(depth))
            kind = kind_named(kind_name)
            number = int(member.get("number", "0"))
            if kind is not None and number:
                path = path_of(member, kind, number)
                if member.tag == "section":
                    member.set("label", kind.label(number, path))
                series = series_of(member)
                check(member, kind, path, previous.get((series, member.tag)), depth)
                previous[(series, member.tag)] = member
                carried[(series, depth)] = number
                here = section_rank(member) if member.tag == "section" else None
                skipped = [r for r in ranks_used if r < here] if here is not None else []
                if parent_rank is None and number == 1 and skipped and skipped[-1] >= 6:
                    label = kind.label(number, path).strip()
                    found.append(Diagnostic("numbering-orphan", f"{label} has no parent of the level above it",
                                            "numbering", _path(member, label)))
            if member.tag == "section":
                walk(member, depth + 1, parent_rank if kind_name == UNNUMBERED else section_rank(member))

    walk(body, 1, None)
    record(tree, "numbering", found)
    return tree
