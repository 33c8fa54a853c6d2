"""The ``form-tables`` pass (text scrapes only): tables of a known national template put back
together. A 政府信息公开工作年度报告 fills the statistics tables of one template
(``rules/disclosure_tables.yaml``); a text scrape gives them as lines, a cell or a row per
line, or as ``|`` rows that lost their merged cells. Their row labels (一、本年新收政府信息公开申请数量,
三、本年度办理结果) must not be read as headings. The cells of consecutive blocks are read in
order and matched against each template's rows: a row is found by its first label, its
figures follow it, rows a report leaves out are skipped. A run that fills at least
``min_labels`` labelled cells of a template becomes that template's table, with its merged
cells and header rows; cells left over in the last block of the run, and a label cut short
where the scrape ends inside the table, follow as a row of their own.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from lxml import etree
from msgspec import Struct

from ..rules import load_rules
from ..text import collapse_space
from .draft import Draft

# Each with a lookahead for what every match starts with (white space or a bar; a word and a
# space), which a line without it fails at each place in one test: a scrape's paragraphs are
# long lines of neither, and the expressions alone tried each place several ways.
CELL_BREAK = re.compile(r"(?=[\s|])(?:\s*\|\s*|\t+|\s{2,})")
TRAILING_VALUES = re.compile(r"(?=\S+\s)(\S+?)((?:\s+\S+)+)$")
FOLDED_AWAY = re.compile(r"[\s“”\"'‘’]")


class Slot(Struct, frozen=True):
    """A cell of a template: its label, or None for a figure the report fills in; its span."""

    label: str | None
    cols: int = 1
    rows: int = 1


class Template(Struct, frozen=True):
    name: str
    header_rows: int
    rows: tuple[tuple[Slot, ...], ...]


class TemplateMatch(Struct, frozen=True):
    """A run of cells matched to a template: the template rows found, each with the texts of
    its cells; how many cells were used; how many labels matched; whether the cell after them
    is a label cut short (the end of a scrape that stops inside the table)."""

    template: Template
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    used: int
    labels: int
    cut_short: bool


def _slot(cell) -> Slot:
    if isinstance(cell, dict):
        label = None if cell["t"] == "#" else str(cell["t"])
        return Slot(label, int(cell.get("cols", 1)), int(cell.get("rows", 1)))
    return Slot(None if cell == "#" else str(cell))


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[Template, ...], int, re.Pattern]:
    data = load_rules("disclosure_tables")
    templates = tuple(Template(t["name"], t["header_rows"], tuple(tuple(map(_slot, row)) for row in t["rows"]))
                      for t in data["tables"])
    return templates, data["min_labels"], re.compile(data["value"])


@lru_cache(maxsize=4096)  # the cells of a run of blocks are folded again as each template is tried
def fold(text: str) -> str:
    """A cell's text as labels are compared: no white space or quotes, width differences folded."""
    return FOLDED_AWAY.sub("", unicodedata.normalize("NFKC", text))


def is_value(text: str) -> bool:
    return bool(_rules()[2].fullmatch(text.strip()))


def cells_of(block: etree._Element) -> list[str]:
    """The cell texts a block holds, in order: a `|` table's non-empty cells; a line split at
    tabs, runs of spaces and bars, a label's trailing figures split off (规章 0 0 0)."""
    if block.tag == "table":
        return [c.text.strip() for c in block.iter("cell") if (c.text or "").strip()]
    if block.tag != "p" or len(block):
        return []
    cells = []
    for piece in filter(None, (p.strip() for p in CELL_BREAK.split(block.text or ""))):
        tail = TRAILING_VALUES.fullmatch(piece)
        if tail and all(map(is_value, tail.group(2).split())):
            cells.append(tail.group(1))
            cells.extend(tail.group(2).split())
        elif all(map(is_value, piece.split())):
            cells.extend(piece.split())
        else:
            cells.append(piece)
    return cells


def _starts(row: tuple[Slot, ...], cell: str) -> bool:
    first = row[0]
    return is_value(cell) if first.label is None else fold(cell) == fold(first.label)


def match_template(template: Template, cells: list[str], row: int) -> TemplateMatch:
    """Match ``cells`` against ``template`` from its row ``row`` on."""
    found, at, labels = [], 0, 0
    while row < len(template.rows) and at < len(cells):
        if not _starts(template.rows[row], cells[at]):
            later = [k for k in range(row + 1, len(template.rows))
                     if template.rows[k][0].label is not None and _starts(template.rows[k], cells[at])]
            if not later:
                break
            row = later[0]
        texts = []
        for slot in template.rows[row]:
            here = cells[at] if at < len(cells) else None
            if here is not None and (is_value(here) if slot.label is None else fold(here) == fold(slot.label)):
                texts.append(here)
                labels += slot.label is not None
                at += 1
            elif slot.label is None:
                texts.append("")
            else:
                break
        found.append((row, tuple(texts)))
        row += 1
    rest = fold(cells[at]) if at < len(cells) else ""
    cut_short = len(rest) >= 2 and any(r[0].label is not None and fold(r[0].label).startswith(rest)
                                       for r in template.rows[row:])
    return TemplateMatch(template, tuple(found), at, labels, cut_short)


def starting_rows(cell: str) -> list[tuple[Template, int]]:
    """The template rows (template, row number) a block's first cell can start: labelled rows
    whose label it is."""
    return _rows_by_label().get(fold(cell), [])


@lru_cache(maxsize=1)
def _rows_by_label() -> dict[str, list[tuple[Template, int]]]:
    """The labelled template rows (template, row number) by their first label, folded, in the
    templates' order."""
    found: dict[str, list[tuple[Template, int]]] = {}
    for t in _rules()[0]:
        for r, row in enumerate(t.rows):
            if row[0].label is not None:
                found.setdefault(fold(row[0].label), []).append((t, r))
    return found


def best_match(cells: list[str]) -> TemplateMatch | None:
    """The template the cells from the start fill best (at least ``min_labels`` labels)."""
    min_labels = _rules()[1]
    matches = [match_template(t, cells, r) for t, r in (starting_rows(cells[0]) if cells else ())]
    best = max(matches, key=lambda m: (m.labels, m.used), default=None)
    return best if best is not None and best.labels >= min_labels else None


def table_of(result: TemplateMatch, leftover: list[str]) -> etree._Element:
    """The table a match makes: the template's cells and spans (a row span counts only the rows
    found), header rows marked; ``leftover`` cells as a last row."""
    found = {r for r, _ in result.rows}
    out = etree.Element("table")
    for r, texts in result.rows:
        row_el = etree.SubElement(out, "row")
        for slot, text in zip(result.template.rows[r], texts):
            cell = etree.SubElement(row_el, "cell")
            cell.text = collapse_space(text) if slot.label is None else slot.label
            if slot.cols > 1:
                cell.set("colspan", str(slot.cols))
            rows = sum(1 for k in range(r, r + slot.rows) if k in found)
            if rows > 1:
                cell.set("rowspan", str(rows))
            if r < result.template.header_rows:
                cell.set("header", "true")
    if leftover:
        row_el = etree.SubElement(out, "row")
        for text in leftover:
            etree.SubElement(row_el, "cell").text = text
    return out


def read_form_tables(draft: Draft) -> None:
    if not draft.is_text:
        return
    blocks = draft.blocks
    per_block = [cells_of(b) for b in blocks]
    most = max(sum(len(row) for row in t.rows) for t in _rules()[0]) + 1
    out, i = [], 0
    while i < len(blocks):
        if not per_block[i] or not starting_rows(per_block[i][0]):  # no table starts here
            out.append(blocks[i])
            i += 1
            continue
        cells, ends = [], []  # the cells of blocks i, i+1, … up to one without cells; where each ends
        for more in itertools.islice(per_block, i, None):
            if not more or len(cells) > most:  # no template takes more: the pass stays linear
                break
            cells.extend(more)
            ends.append(len(cells))
        result = best_match(cells)
        if result is None:
            out.append(blocks[i])
            i += 1
            continue
        last = next(k for k, end in enumerate(ends) if end >= result.used + result.cut_short)
        out.append(table_of(result, cells[result.used:ends[last]]))
        i += last + 1
    draft.blocks = out
