"""The writer visitor: one handler method per IR element, dispatched by tag.

A writer subclasses Visitor and defines ``visit_<tag>`` for every element of the schema
(``-`` in a tag becomes ``_``). ``tests/test_schema.py`` fails when one is missing.
"""
from __future__ import annotations

from lxml import etree

from ..errors import RenderError


class Visitor:
    def visit(self, el: etree._Element):
        handler = getattr(self, "visit_" + el.tag.replace("-", "_"), None)
        if handler is None:
            raise RenderError(f"{type(self).__name__} has no handler for <{el.tag}>")
        return handler(el)

    def visit_children(self, el: etree._Element):
        for child in el:
            if isinstance(child.tag, str):
                self.visit(child)
