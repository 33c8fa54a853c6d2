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


class DocumentWriter(Visitor):
    """A writer of whole documents: the elements that no format prints where they stand are
    handled here once. The title and fields are printed by the writer's ``visit_front`` (from
    ``views.front_lines``), a picture by the figure that shows it; provenance, the audit list
    and the diagnostics are not part of the document."""

    def not_printed(self, el):
        """Printed elsewhere, or not part of the document (see the class docstring)."""

    visit_title = visit_field = visit_provenance = visit_source = not_printed
    visit_pictures = visit_picture = not_printed
    visit_removed = visit_chrome = visit_diagnostics = visit_diagnostic = not_printed
