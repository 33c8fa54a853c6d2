"""Transform ``signature``: the signature block (落款) set as GB/T 9704-2012 §7.3.5.2 sets it for a
document without a seal, as a page reproduces one: a blank line under the text, the issuing
organ (发文机关署名) 右空二字, the date (成文日期) on the line under it, its first character two
characters right of the organ's; a date longer than that stands 右空二字 and the organ moves
left with it.

The block is the right-aligned paragraphs the page sets one after the other, the last a date
(``issued_document.date_line`` of ``rules/structure.yaml``) and the others short lines without
sentence punctuation (``signature``): the organs. A text scrape keeps no alignment: there the
block is plain paragraphs, organ lines ending in an organ's word (``scrape_organ``) and the date,
right after a paragraph that ends a sentence (``scrape_before``), and it is aligned right here.
Each line gets ``role`` ("signature" for an organ's line, "signature-date" for the date) and
``inset``: how many character widths it stands in from the right margin
(``text.char_widths``). Several organs' lines start under one another, the longest's start
where one organ's would. The 附注 on the line under the date (§7.3.6, （此件公开发布）:
``issued_document.note``) gets ``role="signature-note"``, so that it is kept on the date's page.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .. import ir
from ..text import char_widths
from .labels import structure_rules

#: 右空二字: the room right of the organ's line, or of a date longer than it allows.
RIGHT_ROOM = 2.0
#: The date's first character stands this many characters right of the organ's.
DATE_STEP = 2.0


@lru_cache(maxsize=1)
def _rules() -> dict:
    rules = structure_rules()
    signature = rules["signature"]
    return {"date": re.compile(rules["issued_document"]["date_line"]), "not": re.compile(signature["not"]),
            "max_chars": signature["max_chars"], "max_lines": signature["max_lines"],
            "scrape_organ": re.compile(signature["scrape_organ"]), "scrape_before": re.compile(signature["scrape_before"]),
            "note": re.compile(rules["issued_document"]["note"])}


@ir.rewrites_a_copy
def signature(tree: etree._Element) -> etree._Element:
    source = ir.source_of(tree)
    found = _blocks(tree.find("body"), scrape=source is not None and source.get("format") == "text")
    if not found:
        return tree  # nothing to set
    paragraphs = list(tree.find("body").iter("p"))
    note_line = _rules()["note"]
    for block in found:
        for i, inset in zip(block, _insets([ir.text_of(paragraphs[i]).strip() for i in block])):
            paragraphs[i].set("align", "right")
            paragraphs[i].set("role", "signature-date" if i == block[-1] else "signature")
            paragraphs[i].set("inset", ir.width_value(inset))
        note = paragraphs[block[-1]].getnext()
        if note is not None and note.tag == "p" and not note.get("role") \
                and note_line.fullmatch(ir.text_of(note).strip()):
            note.set("role", "signature-note")
    return tree


def _blocks(body: etree._Element, scrape: bool) -> list[list[int]]:
    """Each signature block: the places of its lines among the body's paragraphs (in document
    order), the date last. A block the page right-aligned is all of a run of right-aligned
    paragraphs; in a text scrape (``scrape``), plain paragraphs can be one too."""
    rules = _rules()
    paragraphs = list(body.iter("p"))
    where = {p: i for i, p in enumerate(paragraphs)}
    found = []
    for date in paragraphs:
        align = date.get("align")
        if date.get("role") or not (align == "right" or (scrape and align is None)) \
                or not rules["date"].fullmatch(ir.text_of(date).strip()):
            continue
        organs = _organs(date, align, rules)
        if organs:
            found.append([where[line] for line in organs] + [where[date]])
    return found


def _organs(date: etree._Element, align: str | None, rules: dict) -> list[etree._Element]:
    """The organ lines above a date line, or none when they are no signature block's: up to
    ``max_lines`` short lines without sentence punctuation; right-aligned ones are the whole run
    the page aligned (and the date ends it), plain ones of a scrape end in an organ's word and
    follow a paragraph that ends a sentence."""
    after = date.getnext()
    if align == "right" and after is not None and after.tag == "p" and after.get("align") == "right" \
            and not after.get("role"):
        return []
    organs: list[etree._Element] = []
    before = date.getprevious()
    while before is not None and before.tag == "p" and before.get("align") == align and not before.get("role") \
            and len(organs) <= rules["max_lines"]:
        text = ir.text_of(before).strip()
        if align is None and not rules["scrape_organ"].fullmatch(text):
            break
        organs.insert(0, before)
        before = before.getprevious()
    if not organs or len(organs) > rules["max_lines"] or not all(
            0 < len(text) <= rules["max_chars"] and not rules["not"].search(text)
            for text in (ir.text_of(line).strip() for line in organs)):
        return []
    if align is None and (before is None or before.tag != "p"
                          or not rules["scrape_before"].search(ir.text_of(before).strip())):
        return []
    return organs


def _insets(lines: list[str]) -> list[float]:
    """The inset of each line of a block (the organs', then the date's)."""
    *organs, date = map(char_widths, lines)
    longest = max(organs)
    organ_inset = RIGHT_ROOM
    date_inset = organ_inset + longest - DATE_STEP - date  # its first character DATE_STEP right of the organ's
    if date_inset < RIGHT_ROOM:  # a date longer than that: 右空二字, the organ moved left with it
        organ_inset += RIGHT_ROOM - date_inset
        date_inset = RIGHT_ROOM
    return [organ_inset + longest - organ for organ in organs] + [date_inset]
