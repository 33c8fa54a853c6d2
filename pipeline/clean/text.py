"""A text scrape's blocks: one paragraph per line, runs of ``|`` rows as tables; a line holding
only an opening bracket is the start of the next line (a label the scraper broke: （ / 三）…)."""
from __future__ import annotations

from lxml import etree

from ..text import collapse_space


OPENING_BRACKETS = ("（", "(")


def scrape_blocks(scrape: str) -> list[etree._Element]:
    blocks = []
    table: list[list[str]] = []
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
            continue
        if table:
            blocks.append(pipe_table(table))
            table = []
        text = collapse_space(raw)
        if text:
            p = etree.Element("p")
            p.text = text
            blocks.append(p)
    return blocks


def pipe_table(rows: list[list[str]]) -> etree._Element:
    out = etree.Element("table")
    for cells in rows:
        row = etree.SubElement(out, "row")
        for cell_text in cells:
            etree.SubElement(row, "cell").text = cell_text
    return out
