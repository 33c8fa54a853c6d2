"""The plain-text writer: the front matter (title, then the metadata fields), then the body
with labelled headings.

``body_lines`` is also the definition of "the body text" that every other output is
compared against (DOCX paragraphs, PDF text, ``inspect --json``'s body_text).
"""
from __future__ import annotations

from lxml import etree

from .. import ir
from . import views
from .base import DocumentWriter, Visitor


class BodyText(Visitor):
    """Collects the body as lines: one per heading, paragraph, list entry and table row."""

    def __init__(self):
        self.lines: list[str] = []

    def visit_body(self, el):
        self.visit_children(el)

    def visit_section(self, el):
        self.visit_children(el)

    def visit_heading(self, el):
        self.lines.append(views.printable(ir.heading_line(el.getparent())))

    def visit_p(self, el):
        self.lines.append(views.printable(ir.text_of(el)))

    def visit_item(self, el):
        """Printed by its paragraph (label and text run on in the paragraph's line)."""

    def visit_link(self, el):
        """Printed by its paragraph: the link's text is part of the line."""

    def visit_table(self, el):
        self.lines.extend(views.text_rows(views.grid(el)))

    def visit_row(self, el):
        """Printed by its table."""

    visit_cell = visit_row

    def visit_list(self, el):
        self.visit_children(el)

    def visit_li(self, el):
        self.lines.append(views.printable(views.li_text(el)))

    def visit_figure(self, el):
        self.lines.append(views.figure_placeholder(el))


class TextWriter(BodyText, DocumentWriter):
    """The whole text file: the front matter, then the body; provenance, pictures, audit lists
    and diagnostics are not printed."""

    def visit_report(self, el):
        self.visit_children(el)

    def visit_front(self, el):
        """The front matter is printed by ``render`` from ``views.front_lines``."""


def body_lines(tree: etree._Element) -> list[str]:
    """The body as printed: one line per heading, paragraph, list entry and table row."""
    collector = BodyText()
    collector.visit(tree.find("body"))
    return [line for line in collector.lines if line.strip()]


def render(tree: etree._Element, settings=None) -> bytes:
    """The title, a blank line, the fields one per line, then the body's lines separated by blank lines."""
    writer = TextWriter()
    writer.visit(tree)
    front = views.front_lines(tree)
    parts = [line.text for line in front if line.kind == "title"]
    fields = [line.text for line in front if line.kind == "field"]
    if fields:
        parts.append("\n".join(fields))
    body = [line for line in writer.lines if line.strip()]
    return ("\n\n".join(parts + body) + "\n").encode("utf-8")
