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


def addressee(tree: etree._Element) -> etree._Element:
    tree = ir.clone(tree)
    above = []
    for block in tree.find("body"):
        text = ir.text_of(block).strip() if block.tag == "p" else ""
        if not text or block.get("align") not in (None, "center"):
            break
        if block.get("align") is None and _addressee().fullmatch(text):
            block.set("align", "left")
            for line in above:
                line.set("align", "center")
            break
        if len(above) == HEADER_LINES or len(text) > HEADER_CHARS or SENTENCE.search(text):
            break
        above.append(block)
    return tree
