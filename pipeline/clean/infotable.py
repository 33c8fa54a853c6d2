"""Info tables: a table of a document's metadata (索引号, 发文机关, 成文日期, 发文字号, 发布日期 …)
in any cell layout: the label and its value in separate cells (the State Council table: label,
value, label, value in a row), or each cell holding ``label：value``. The ``info-tables`` pass
offers every pair of the page's info tables as ``table`` evidence; the ``lines`` pass drops an
info table from the body (``is_info_table``)."""
from __future__ import annotations

from lxml import etree

from .draft import Draft
from .metadata import closed_up, note
from .rules import CleanRules

MIN_LABELS = 2  # a table with fewer metadata labels is data, not an info table


def cell_pairs(rows: list[list[str]], rules: CleanRules) -> list[tuple[str, str]] | None:
    """The (label, value) pairs of an info table given as rows of cell texts; None when the
    table is not one: fewer than MIN_LABELS labels, or more cells that are neither label nor
    value than pairs."""
    pairs, stray = [], 0
    for row in rows:
        cells = iter(enumerate(row))
        for i, cell in cells:
            label = rules.metadata_label_only.fullmatch(cell)
            in_cell = list(rules.metadata_pair.finditer(cell))
            if label:
                after = row[i + 1] if i + 1 < len(row) else ""
                # the next cell is this label's value unless it is a label, or a label and its value
                labelled = rules.metadata_label_only.fullmatch(after) or rules.metadata_pair.match(after)
                value = "" if labelled else after
                if i + 1 < len(row) and (value or not row[i + 1]):
                    next(cells, None)
                pairs.append((label.group(1), value))
            elif in_cell and in_cell[0].start() == 0:
                ends = [m.start() for m in in_cell[1:]] + [len(cell)]
                pairs += [(m.group(1), cell[m.end():end].strip()) for m, end in zip(in_cell, ends)]
            elif cell:
                stray += 1
    return pairs if len(pairs) >= MIN_LABELS and stray <= len(pairs) else None


def html_rows(table: etree._Element) -> list[list[str]]:
    return [[closed_up(c.text_content()) for c in tr if c.tag in ("td", "th")] for tr in table.iter("tr")]


def ir_rows(table: etree._Element) -> list[list[str]]:
    return [[closed_up(c.text or "") for c in row.iterfind("cell")] for row in table.iterfind("row")]


def is_info_table(block: etree._Element, rules: CleanRules) -> bool:
    """Whether a table block of the body is an info table (its pairs are read by ``read_info_tables``)."""
    return block.tag == "table" and cell_pairs(ir_rows(block), rules) is not None


def read_info_tables(draft: Draft) -> None:
    """Offer the pairs of every info table of the page (innermost tables only)."""
    if draft.page is None:
        return
    for table in draft.page.iter("table"):
        if table.find(".//table") is None:
            for label, value in cell_pairs(html_rows(table), draft.rules) or ():
                note(label, value, draft, "table")
