"""Transform ``sections``: recognize numbered headings and nest the body into sections.

A paragraph that starts with a numbering label (rules/structure.yaml) becomes a section
heading when what follows is short and is at most one sentence; when its first sentence is short
and more text follows, it is a run-in head: the heading is the text up to the first 。 and
the rest stays as the section's first paragraph. HTML h1–h6 headings (section markers left
by the clean stage) take the kind of their label, if they have one. Sections nest by rank:
h1…h6 > 第X章 > 一、 > （一） > 1. > （1）.
"""
from __future__ import annotations

import re

from lxml import etree

from .. import ir
from .labels import HTML_KINDS, kind_named, match_label, rank, structure_rules


def _flatten(container: etree._Element) -> list[etree._Element]:
    """The blocks of ``container`` in order, each section replaced by a bare heading marker + its blocks."""
    out = []
    for child in container:
        if child.tag == "section":
            marker = etree.Element("section", dict(child.attrib))
            marker.append(ir.clone(child.find("heading")))
            out.append(marker)
            out.extend(_flatten(child))
        elif child.tag != "heading":
            out.append(child)
    return out


def _marker(kind: str, number: int | None, text: str, runin: bool) -> etree._Element:
    marker = etree.Element("section", kind=kind, label="", level="1")
    if number:
        marker.set("number", str(number))
        marker.set("label", kind_named(kind).label(number))
    if runin:
        marker.set("runin", "true")
    etree.SubElement(marker, "heading").text = text
    return marker


def _labelled(kind_name: str, neighbour: etree._Element | None) -> bool:
    """Whether ``neighbour`` starts with a label of this kind (a paragraph, or a heading already
    recognized from one, so that a second run decides alike)."""
    if neighbour is not None and neighbour.tag == "section":
        return neighbour.get("kind") == kind_name
    if neighbour is None or neighbour.tag != "p" or len(neighbour):
        return False
    found = match_label(neighbour.text or "")
    return found is not None and found[0].name == kind_name


def _recognize(block: etree._Element, previous: etree._Element | None,
               following: etree._Element | None) -> list[etree._Element]:
    """A flat block → [block] or [heading marker] or [heading marker, paragraph]."""
    rules = structure_rules()
    limit = rules["max_heading_chars"]
    if block.tag == "section" and block.get("kind") in HTML_KINDS:
        text = ir.text_of(block.find("heading"))
        found = match_label(text)
        if found and found[2].strip():
            kind, number, rest = found
            return [_marker(kind.name, number, rest.strip(), False)]
        return [block]
    if block.tag != "p" or len(block):
        return [block]
    found = match_label(block.text or "")
    if not found:
        return [block]
    kind, number, rest = found
    rest = rest.strip()
    end = re.search(rules["sentence_end"], rest)
    if not rest:
        return [block]
    if end is None:
        if len(rest) <= limit:
            return [_marker(kind.name, number, rest, False)]
        return [block]
    head, tail = rest[:end.start()], rest[end.end():].strip()
    if not tail and 0 < len(head) <= limit and not (
            re.search(rules["clause_marks"], head)
            and (_labelled(kind.name, previous) or _labelled(kind.name, following))):
        return [_marker(kind.name, number, head, False)]  # a heading line ending in 。
    if tail and 0 < len(head) <= limit:
        p = etree.Element("p")
        p.text = tail
        return [_marker(kind.name, number, head, True), p]
    return [block]


def sections(tree: etree._Element) -> etree._Element:
    tree = ir.clone(tree)
    body = tree.find("body")
    blocks = []
    flat = _flatten(body)
    for i, block in enumerate(flat):
        previous = flat[i - 1] if i else None
        blocks.extend(_recognize(block, previous, flat[i + 1] if i + 1 < len(flat) else None))
    for child in list(body):
        body.remove(child)
    stack: list[tuple[int, etree._Element]] = []
    for block in blocks:
        if block.tag == "section":
            r = rank(block.get("kind"))
            while stack and stack[-1][0] >= r:
                stack.pop()
            (stack[-1][1] if stack else body).append(block)
            stack.append((r, block))
        else:
            (stack[-1][1] if stack else body).append(block)
    return tree
