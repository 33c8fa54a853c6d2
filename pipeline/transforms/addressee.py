"""Transform ``addressee``: the line a document is addressed to (主送机关: 各省、自治区、直辖市人民政府，
国务院各部委、各直属机构：; a speech's 各位代表：) is set flush left, as GB/T 9704 §7.3.2 sets it
(居左顶格): its paragraph gets ``align="left"``. It is one of the body's first paragraphs,
matching ``addressee`` of ``rules/structure.yaml``; the short lines above it (a 发文字号, a
speech's subtitle ——在…会议上 and its speaker 省长 某某) head the document and are centred.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .. import ir
from .labels import structure_rules

HEADER_LINES = 4  # at most this many lines above the addressee
HEADER_CHARS = 60  # each at most this long, without sentence punctuation
SENTENCE = re.compile("[。；！？;!?]")


@lru_cache(maxsize=1)
def _addressee() -> re.Pattern:
    return re.compile(structure_rules()["addressee"])


@ir.rewrites_a_copy
def addressee(tree: etree._Element) -> etree._Element:
    found = _placed(tree.find("body"))
    if found is None:
        return tree  # nothing to set
    body = tree.find("body")
    address, above = found
    body[address].set("align", "left")
    for i in above:
        body[i].set("align", "center")
    return tree


def _placed(body: etree._Element) -> tuple[int, list[int]] | None:
    """(index of the addressee among the body's children, indexes of the lines above it to
    centre), or None when the body opens with no addressee."""
    above = []
    for i, block in enumerate(body):
        text = ir.text_of(block).strip() if block.tag == "p" else ""
        if not text or block.get("align") not in (None, "center"):
            return None
        if block.get("align") is None and _addressee().fullmatch(text):
            return i, above
        if len(above) == HEADER_LINES or len(text) > HEADER_CHARS or SENTENCE.search(text):
            return None
        if block.get("align") is None:
            above.append(i)
    return None
