"""The XML writer: the IR itself, validated, serialized as UTF-8 with a declaration."""
from __future__ import annotations

from lxml import etree

from .. import ir


def render(tree: etree._Element, settings=None) -> bytes:
    ir.validate(tree, "render")
    return ir.serialize(tree)
