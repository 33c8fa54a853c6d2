"""The Markdown writer: CommonMark with GFM tables.

The file opens with YAML front matter (``title`` and each front field by its ``name``, with
the machine-readable value: an ISO date for ``date``), then the visible front matter as the
other formats print it: ``# title`` and one paragraph per field (``label：value``). The body
follows: a section of level L is an ATX heading of L + 1 ``#`` (at most six), printed as
label and heading text; one paragraph per paragraph, enumeration items run on with their
labels; links as ``[text](href)`` for http, https, mailto and relative targets only (others
keep their text alone); list entries as ``1.`` … when the labels are the ordinals ``N.`` of
an ordered list, else as ``- `` (a label other than the bullet • is printed in the text).

Text is escaped so that it stays text: ``\\ ` * _ [ ] < > ~`` everywhere, ``&`` before what
could be an entity, ``#``/``-``/``+``/``=`` and ``1.``/``1)`` at the start of a line, a
heading's trailing ``#``, ``|`` in table cells. CJK text needs no escapes and gets none.

A table without merged cells and with at most one header row is a GFM table (its header is
the IR's header row, else the first row; forced line breaks are ``<br>``); any other table
is the HTML writer's ``<table>`` as an HTML block, so merges are kept. A figure with a
picture is an image with a ``data:`` URI and its caption as the next paragraph; without
one, the placeholder paragraph ``[图：alt]`` (never the picture's address).

Markdown has no alignment: right- and centre-aligned paragraphs (signature, date) are plain
paragraphs.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import yaml
from lxml import etree

from .. import ir
from . import views
from .base import DocumentWriter
from .html import Run, data_uri, fragment, inline_runs, table_element

BULLET = "•"  # the label of an unordered list's entries; the "- " marker shows it
_INLINE = re.compile(r"[\\`*_\[\]<>~]|&(?=#?[A-Za-z0-9]|$)")
_LINE_START = re.compile(r"([#+=-])|(\d{1,9})([.)])(?=[ \t]|$)")
_ORDINAL = re.compile(r"(\d{1,9})\.")
_DESTINATION_SAFE = "!#$%&'*+,-./:;=?@[]^_`{|}~"  # kept as is in a link's target
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def escape(text: str) -> str:
    """Text with the characters that could start Markdown inline syntax backslash-escaped."""
    return _INLINE.sub(lambda m: "\\" + m.group(), text)


def line_start(markdown: str) -> str:
    """A line of inline Markdown with what would open a block (a heading, list, thematic break
    or setext underline) at its start escaped."""
    found = _LINE_START.match(markdown)
    if not found:
        return markdown
    if found.group(1):
        return "\\" + markdown
    return found.group(2) + "\\" + markdown[found.end(2):]


def destination(href: str) -> str:
    """A link target as a CommonMark link destination: spaces, parentheses, angle brackets and
    backslashes percent-encoded, an ``&`` that would read as an entity escaped."""
    return _ENTITY.sub(r"\\&", quote(href, safe=_DESTINATION_SAFE))


def inline(runs: list[Run]) -> str:
    """Runs as inline Markdown: escaped text, links as ``[text](href)``."""
    out: list[str] = []
    for run in runs:
        text = escape(run.text)
        if run.role == "link" and run.href is not None:
            if out and out[-1].endswith("!"):  # "![" would open an image
                out[-1] = out[-1][:-1] + "\\!"
            text = f"[{text}]({destination(run.href)})"
        out.append(text)
    return "".join(out)


def heading(level: int, markdown: str) -> str:
    """An ATX heading; a trailing run of ``#`` is escaped so it is not read as a closing sequence."""
    markdown = re.sub(r"#+$", lambda m: "\\#" * len(m.group()), markdown)
    return ("#" * min(level, 6) + " " + markdown).rstrip()


def front_matter(tree: etree._Element) -> str:
    """The YAML front matter: the title, then each field (the first of a name) by its name."""
    meta = {"title": views.title(tree)}
    for field in tree.iterfind("front/field"):
        name = field.get("name")
        value = ir.meta_value(tree, name)
        if name not in meta and value:
            meta[name] = value
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1 << 30)
    return "---\n" + text + "---"


def _cell(cell: views.GridCell) -> str:
    return "<br>".join(escape(line).replace("|", "\\|") for line in cell.lines)


def _gfm_row(row: tuple[views.GridCell, ...]) -> str:
    return "| " + " | ".join(_cell(cell) for cell in row) + " |"


def gfm_table(grid: views.Grid) -> str:
    """A GFM table of a grid without spans: its first row is the header row."""
    lines = [_gfm_row(grid.cells[0]), "|" + "|".join([" --- "] * grid.cols) + "|"]
    return "\n".join(lines + [_gfm_row(row) for row in grid.cells[1:]])


class MarkdownWriter(DocumentWriter):
    """Collects the document as Markdown blocks, joined by blank lines."""

    def __init__(self):
        self.blocks: list[str] = []
        self.list_ends_at = -1  # the block count after the last list, to keep lists apart

    def visit_report(self, el):
        self.visit_children(el)

    def visit_front(self, el):
        tree = el.getparent()
        self.blocks.append(front_matter(tree))
        for line in views.front_lines(tree):
            if line.kind == "title":
                self.blocks.append(heading(1, escape(line.text)))
            else:
                self.blocks.append(line_start(escape(line.text)))

    def visit_body(self, el):
        self.visit_children(el)

    def visit_section(self, el):
        self.visit_children(el)

    def visit_heading(self, el):
        section = el.getparent()
        level = int(section.get("level", "1")) + 1
        self.blocks.append(heading(level, inline(inline_runs(el, section.get("label", "")))))

    def visit_p(self, el):
        runs = inline_runs(el)
        if runs:
            self.blocks.append(line_start(inline(runs)))

    def visit_item(self, el):
        """Printed by its paragraph: its label and text run on in the paragraph."""

    def visit_link(self, el):
        """Printed by its paragraph, heading or list entry."""

    def visit_list(self, el):
        entries = el.findall("li")
        labels = [li.get("label", "") for li in entries]
        numbered = el.get("ordered") == "true" and all(_ORDINAL.fullmatch(label) for label in labels)
        if numbered:
            first = int(labels[0][:-1])
            numbered = [int(label[:-1]) for label in labels] == list(range(first, first + len(labels)))
        lines = []
        for li, label in zip(entries, labels):
            if numbered:
                marker, runs = label + " ", inline_runs(li)
            else:
                marker, runs = "- ", inline_runs(li, "" if label == BULLET else views.li_marker(li))
            lines.append((marker + line_start(inline(runs))).rstrip())
        if self.list_ends_at == len(self.blocks):  # two lists in a row would read as one
            self.blocks.append("<!-- -->")
        self.blocks.append("\n".join(lines))
        self.list_ends_at = len(self.blocks)

    def visit_li(self, el):
        """Printed by its list."""

    def visit_table(self, el):
        grid = views.grid(el)
        spans = any(cell.rowspan > 1 or cell.colspan > 1 for row in grid.cells for cell in row)
        if spans or grid.header_rows > 1:
            self.blocks.append(fragment(table_element(el)).strip())
        else:
            self.blocks.append(gfm_table(grid))

    def visit_row(self, el):
        """Drawn by its table."""

    visit_cell = visit_row

    def visit_figure(self, el):
        shown = views.picture(el)
        if shown is None:
            self.blocks.append(line_start(escape(views.figure_placeholder(el))))
            return
        caption = views.figure_caption(el)
        self.blocks.append(f"![{escape(caption)}]({data_uri(shown)})")
        if caption:
            self.blocks.append(line_start(escape(caption)))


def render(tree: etree._Element, settings=None) -> bytes:
    writer = MarkdownWriter()
    writer.visit(tree)
    return ("\n\n".join(writer.blocks) + "\n").encode("utf-8")
