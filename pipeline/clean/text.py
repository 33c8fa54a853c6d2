"""A text scrape's blocks: one paragraph per line, runs of ``|`` rows as tables; a line holding
only an opening bracket is the start of the next line (a label the scraper broke: （ / 三）…).
Where each line starts is noted for the unwrap pass (``unwrap.LineStart``)."""
from __future__ import annotations

from lxml import etree

from ..text import collapse_space
from .unwrap import SCRAPE_INDENT, LineStart, indent_width


OPENING_BRACKETS = ("（", "(")


def scrape_blocks(scrape: str, starts: dict | None = None) -> list[etree._Element]:
    """The blocks of ``scrape``; with ``starts``, each paragraph's ``LineStart`` put in it."""
    blocks = []
    table: list[list[str]] = []
    previous = None  # the paragraph of the line before, if that line made one
    opening = ""  # a line holding only an opening bracket: the scraper broke a label (（ / 三）…)
    for raw in scrape.split("\n") + [""]:
        line = raw.strip()
        if line in OPENING_BRACKETS:
            opening = line
            continue
        raw, opening = opening + raw, "" if line else opening
        line = raw.strip()
        if line.startswith("|"):
            table.append([collapse_space(c) for c in line.strip("|").split("|")])
            previous = None
            continue
        if table:
            blocks.append(pipe_table(table))
            table = []
        text = collapse_space(raw)
        if text:
            p = etree.Element("p")
            p.text = text
            blocks.append(p)
            if starts is not None:
                starts[p] = LineStart(indent_width(raw, SCRAPE_INDENT), previous)
        previous = p if text else None
    return blocks


def pipe_table(rows: list[list[str]]) -> etree._Element:
    out = etree.Element("table")
    for cells in rows:
        row = etree.SubElement(out, "row")
        for cell_text in cells:
            etree.SubElement(row, "cell").text = cell_text
    return out
