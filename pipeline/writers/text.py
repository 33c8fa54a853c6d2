"""The plain-text writer: title, a metadata block, then the body with labelled headings.

``body_lines`` is also the definition of "the body text" that every other output is
compared against (DOCX paragraphs, PDF text, ``inspect --json``'s body_text).
"""
from __future__ import annotations

from lxml import etree

from .. import ir
from .base import Visitor

META_LABELS = {"publisher": "发布机构", "date": "发布日期", "site": "网站", "url": "网址"}


class BodyText(Visitor):
    """Collects the body as lines: one per heading, paragraph, list entry and table row."""

    def __init__(self):
        self.lines: list[str] = []

    def visit_body(self, el):
        self.visit_children(el)

    def visit_section(self, el):
        self.visit_children(el)

    def visit_heading(self, el):
        self.lines.append(ir.heading_line(el.getparent()))

    def visit_p(self, el):
        self.lines.append(ir.text_of(el))

    def visit_item(self, el):  # items are printed by their paragraph
        pass

    def visit_link(self, el):
        pass

    def visit_table(self, el):
        self.visit_children(el)

    def visit_row(self, el):
        self.lines.append("\t".join(cell_text(c) for c in el))

    def visit_cell(self, el):
        pass

    def visit_list(self, el):
        self.visit_children(el)

    def visit_li(self, el):
        marker = f"{el.getparent().index(el) + 1}. " if el.getparent().get("ordered") else "• "
        self.lines.append(marker + ir.text_of(el))

    def visit_figure(self, el):
        alt = el.get("alt")
        self.lines.append(f"[图：{alt}]" if alt else f"[图：{el.get('src')}]")


class TextWriter(BodyText):
    """The whole text file: title, a metadata block, then the body; audit lists are not printed."""

    def __init__(self):
        super().__init__()
        self.header: list[str] = []

    def visit_report(self, el):
        self.visit_children(el)

    def visit_meta(self, el):
        self.visit_children(el)

    def visit_title(self, el):
        self.header.append(el.text or "")

    def _meta_line(self, el):
        self.header.append(f"{META_LABELS[el.tag]}：{el.text or ''}")

    visit_publisher = visit_date = visit_site = visit_url = _meta_line

    def _skip(self, el):
        pass

    visit_source = visit_removed = visit_chrome = visit_diagnostics = visit_diagnostic = _skip


def cell_text(cell: etree._Element) -> str:
    return " ".join((cell.text or "").split())


def body_lines(tree: etree._Element) -> list[str]:
    """The body as printed: one line per heading, paragraph, list entry and table row."""
    collector = BodyText()
    collector.visit(tree.find("body"))
    return [line for line in collector.lines if line.strip()]


def render(tree: etree._Element, settings=None) -> bytes:
    writer = TextWriter()
    writer.visit(tree)
    title, *meta = writer.header
    parts = [title, "\n".join(meta)] if meta else [title]
    body = [line for line in writer.lines if line.strip()]
    return ("\n\n".join(part for part in parts + body if part) + "\n").encode("utf-8")
