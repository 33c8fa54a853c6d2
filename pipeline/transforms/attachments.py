"""Transform ``attachments``: an attachment set as GB/T 9704-2012 §8 sets it (附件应当另面编排).

An attachment opens with its 附件 line (附件, 附件2, matching ``attachment_line`` of
``rules/structure.yaml``), a paragraph of the body itself (the sections transform ends every
section open before it). That paragraph gets ``role="attachment"``: it is set flush left
(``align="left"``, 顶格) in the face of the 一、 headings (黑体), and it starts a new page
(``break="page"``) unless it opens the body. The attachment's title under it (居中编排) gets
``role="attachment-title"`` and is printed as a document's title is: centred, in the title's
face and size. The title is the first paragraph under the 附件 line when that is a short line
without sentence punctuation, with the lines after it the page also centred (a title the page
broke into lines) or that go on from a line ending in a connective
(…界址点坐标 after 深圳湾口岸港方口岸区的), ``attachment_title`` of the rules; a line after the
first right above a table is that table's caption, unless the line before goes on in it; a line
in brackets after the first (``attachment_title.note``: （共130项）) is a note to the title, which
ends it and stays a centred line of the text, in the text's face and size. An attachment whose
first paragraph is a sentence has no title.

The attachment note at the end of the main text (附件说明, §7.3.3: 附件：1.… then 2.… under the
1.) gets ``role="attachment-note"`` on each of its lines, with ``indent`` and ``hang``: where the
line's first line and its later lines start, in character widths past a paragraph's first-line
indent (``text.char_widths``), so that a long name's second line starts under its first character
(附件名称较长需回行时，应当与上一行附件名称的首字对齐) and each number under the one above. Its
numbers are no numbered clauses: ``kind`` and ``number`` go.

The document a notice issues (现印发给你们 … then the 方案 itself) or approves, printed after the
notice's signature and date and its 附注 (（此件公开发布）), starts a page of its own with its
title set as an attachment's is: its centred lines under the date (``issued_document`` of the
rules) get ``role="attachment-title"``, the first ``break="page"``, when they open with a
document's title (``document_title``: …工作方案, 国 务 院 工 作 规 则) or are the name of one the
notice quotes (a text scrape's title, a plain line, is taken so, one line whole); so do, further on, the
centred lines that are the title of another document the notice names in 《》 (a notice that
issues two 规定 prints the second at the end of the first).
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

from lxml import etree

from .. import ir
from ..text import char_widths
from .labels import structure_rules


@lru_cache(maxsize=1)
def _rules() -> dict:
    rules = structure_rules()
    title = rules["attachment_title"]
    note = rules["attachment_note"]
    return {"line": re.compile(rules["attachment_line"]), "not": re.compile(title["not"]),
            "continues": re.compile(title["continues"]), "max_lines": title["max_lines"],
            "max_chars": title["max_chars"], "title_note": re.compile(title["note"]),
            "note": re.compile(note["first"]), "item": re.compile(note["item"]),
            "date_line": re.compile(rules["issued_document"]["date_line"]),
            "issued_note": re.compile(rules["issued_document"]["note"]),
            "named": re.compile(rules["issued_document"]["named"]),
            "document_title": re.compile(rules["document_title"])}


@ir.rewrites_a_copy
def attachments(tree: etree._Element) -> etree._Element:
    found = _attachments(tree.find("body"))
    notes = _notes(tree.find("body"))
    issued = _issued_titles(tree.find("body"))
    if not (found or notes or issued):
        return tree  # nothing to set
    body = tree.find("body")
    paragraphs = list(body.iter("p"))
    for lines in issued:
        for i in lines:
            paragraphs[i].set("role", "attachment-title")
            paragraphs[i].attrib.pop("align", None)
        paragraphs[lines[0]].set("break", "page")
    for at, (indent, hang) in notes.items():
        line = paragraphs[at]
        line.set("role", "attachment-note")
        line.set("indent", ir.width_value(indent))
        line.set("hang", ir.width_value(hang))
        for name in ("kind", "number", "align"):
            line.attrib.pop(name, None)
    for at, titles in found:
        line = body[at]
        line.set("role", "attachment")
        line.set("align", "left")
        if at:
            line.set("break", "page")
        for i in titles:
            body[i].set("role", "attachment-title")
            body[i].attrib.pop("align", None)  # the role sets it: centred
    return tree


def _attachments(body: etree._Element) -> list[tuple[int, list[int]]]:
    """(index of each 附件 line among the body's children, indexes of its title's lines)."""
    line = _rules()["line"]
    return [(i, _title(body, i)) for i, block in enumerate(body)
            if block.tag == "p" and line.fullmatch(ir.text_of(block).strip())]


def _notes(body: etree._Element) -> dict[int, tuple[float, float]]:
    """The lines of the attachment notes before the first attachment, by their place among
    the body's paragraphs (in document order): where each line's first line and its later lines
    start, past the first-line indent, in character widths."""
    rules = _rules()
    paragraphs = list(body.iter("p"))
    where = {p: i for i, p in enumerate(paragraphs)}
    found: dict[int, tuple[float, float]] = {}
    for i, block in enumerate(paragraphs):
        if block.get("role") in ("attachment", "attachment-title") or rules["line"].fullmatch(ir.text_of(block).strip()):
            break  # an attachment: the main text is over
        first = rules["note"].match(ir.text_of(block).lstrip())
        if first is None or i in found:
            continue
        lead = first.group(0)
        found[i] = (0.0, char_widths(lead))
        if first.group("number") is None or int(first.group("number")) != 1:
            continue
        lead = lead[:first.start("number")]  # 附件：, the numbers of the lines under it go under its 1.
        expected = 2
        for after in block.itersiblings():
            item = rules["item"].match(ir.text_of(after).lstrip()) if after.tag == "p" else None
            if item is None or after.get("role") or int(item.group("number")) != expected:
                break
            found[where[after]] = (char_widths(lead), char_widths(lead) + char_widths(item.group(0)))
            expected += 1
    return found


def _issued_titles(body: etree._Element) -> list[list[int]]:
    """The title lines of each document printed after a notice's signature and date, by their
    places among the body's paragraphs (in document order); and after the first such document,
    of each document the notice names in 《》 whose title is a centred line further on (the
    second of two 规定 one notice issues, printed at the end of the first)."""
    rules = _rules()
    paragraphs = list(body.iter("p"))
    where = {p: i for i, p in enumerate(paragraphs)}
    found: list[list[int]] = []
    named: set[str] = set()  # the names quoted before the date line (``_named``), read once
    read = 0
    for date in paragraphs:
        if date.get("align") != "right" or not rules["date_line"].fullmatch(ir.text_of(date).strip()):
            continue
        named.update(_named(paragraphs[read:where[date]], rules))
        read = where[date]
        after = date.getnext()
        if after is not None and after.tag == "p" and rules["issued_note"].fullmatch(ir.text_of(after).strip()):
            after = after.getnext()
        lines = _centred_lines(after, rules["max_lines"])
        if not lines and after is not None and after.tag == "p" and not (after.get("align") or after.get("role")):
            lines = [after]  # a text scrape's title, not centred: one line, the title whole
        texts = ["".join(ir.text_of(line).split()) for line in lines]
        if (any(rules["document_title"].fullmatch("".join(texts[:k])) for k in range(1, len(texts) + 1))
                or "".join(texts) in named) \
                and all(len(text) <= rules["max_chars"] and not rules["not"].search(text) for text in texts):
            found.append([where[line] for line in lines])
    if not found:
        return found
    named = _named(paragraphs[:found[0][0]], rules)
    taken = {i for lines in found for i in lines}
    for i in range(found[0][-1] + 1, len(paragraphs)):
        lines = _centred_lines(paragraphs[i], rules["max_lines"])
        if i in taken or not lines or (paragraphs[i - 1].get("align") == "center" and i - 1 not in taken):
            continue
        texts = ["".join(ir.text_of(line).split()) for line in lines]
        title = next((k for k in range(1, len(texts) + 1) if "".join(texts[:k]) in named), None)
        if title is not None:
            found.append([where[line] for line in lines[:title]])
            taken.update(found[-1])
    return sorted(found)


def _named(paragraphs: list[etree._Element], rules: dict) -> set[str]:
    """The names of documents ``paragraphs`` quote (``issued_document.named``: in 《》)."""
    return {name for p in paragraphs for name in rules["named"].findall(ir.text_of(p))}


def _centred_lines(first: etree._Element | None, most: int) -> list[etree._Element]:
    """``first`` and the centred paragraphs right after it (``most`` lines in all) up to a note
    in brackets (``attachment_title.note``), when ``first`` is a centred paragraph without a
    role; else none."""
    if first is None or first.tag != "p" or first.get("align") != "center" or first.get("role"):
        return []
    note = _rules()["title_note"]
    return [first] + list(itertools.takewhile(
        lambda line: (line.tag == "p" and line.get("align") == "center" and not line.get("role")
                      and not note.fullmatch(ir.text_of(line).strip())),
        first.itersiblings()))[:most - 1]


def _title(body: etree._Element, at: int) -> list[int]:
    rules = _rules()
    lines: list[int] = []
    continued = False  # whether the last line goes on from the one before it
    for i in range(at + 1, min(at + 1 + rules["max_lines"], len(body))):
        block = body[i]
        text = ir.text_of(block).strip()
        if (block.tag != "p" or block.get("kind") or block.get("role") not in (None, "attachment-title") or len(block)
                or block.get("align") not in (None, "center") or not 0 < len(text) <= rules["max_chars"]
                or rules["not"].search(text)):
            break
        if lines:
            if rules["title_note"].fullmatch(text):
                break  # a note under the title (（共130项）): a centred line of the text
            continued = bool(rules["continues"].search(ir.text_of(body[lines[-1]]).strip()))
            centred = block.get("align") == "center" and body[lines[0]].get("align") == "center"
            if not (centred or continued):
                break
        lines.append(i)
    if len(lines) > 1 and not continued and lines[-1] + 1 < len(body) and body[lines[-1] + 1].tag == "table":
        lines.pop()  # the caption of the table under it (A匝道桥界址点坐标)
    return lines
