"""Transform ``attachments``: an attachment set as GB/T 9704-2012 §8 sets it (附件应当另面编排).

An attachment opens with its 附件 line (附件, 附件2, matching ``attachment_line`` of
``rules/structure.yaml``), a paragraph of the body itself (the sections transform ends every
section open before it). That paragraph gets ``role="attachment"``: it is set flush left
(``align="left"``, 顶格) in the face of the 一、 headings (黑体), and it starts a new page
(``break="page"``) unless it opens the body. The attachment's title under it (居中编排) gets
``role="attachment-title"`` and is printed as a document's title is: centred, in the title's
face and size. The title is the first paragraph under the 附件 line when that is a short line
without sentence punctuation, with the lines after it the page also centred (a title the page
broke into lines, a note such as （共130项）) or that go on from a line ending in a connective
(…界址点坐标 after 深圳湾口岸港方口岸区的), ``attachment_title`` of the rules; a line after the
first right above a table is that table's caption, unless the line before goes on in it. An attachment whose first paragraph is a
sentence has no title.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .. import ir
from .labels import structure_rules


@lru_cache(maxsize=1)
def _rules() -> dict:
    rules = structure_rules()
    title = rules["attachment_title"]
    return {"line": re.compile(rules["attachment_line"]), "not": re.compile(title["not"]),
            "continues": re.compile(title["continues"]), "max_lines": title["max_lines"],
            "max_chars": title["max_chars"]}


def attachments(tree: etree._Element) -> etree._Element:
    found = _attachments(tree.find("body"))
    if not found:
        return tree  # nothing to set: no copy made
    tree = ir.clone(tree)
    body = tree.find("body")
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
            continued = bool(rules["continues"].search(ir.text_of(body[lines[-1]]).strip()))
            centred = block.get("align") == "center" and body[lines[0]].get("align") == "center"
            if not (centred or continued):
                break
        lines.append(i)
    if len(lines) > 1 and not continued and lines[-1] + 1 < len(body) and body[lines[-1] + 1].tag == "table":
        lines.pop()  # the caption of the table under it (A匝道桥界址点坐标)
    return lines
