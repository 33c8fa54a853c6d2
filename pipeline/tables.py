"""Table grids: a table's rows of spanning cells → a normalized grid, decided once for every writer.

Web pages hold ragged tables (rows of different lengths), spans past the table's edge
(``colspan="3000"``) and rows that overlap a merge from above. ``normalize`` places every
cell on a ``rows × cols`` grid the way a browser does, clamps spans to the grid, fills the
holes with empty cells and marks the leading header rows; ``grid_problems`` checks that a
table in the IR is such a grid. Pure functions over lxml elements.
"""
from __future__ import annotations

from lxml import etree

# Word cannot show a table wider than 63 columns; every format keeps the same grid.
MAX_COLUMNS = 63


def _span(cell: etree._Element, attr: str) -> int:
    value = (cell.get(attr) or "1").strip()
    return max(1, int(value)) if value.isdigit() else 1


def normalize(table: etree._Element) -> tuple[etree._Element, list[str]]:
    """A new ``<table rows cols>`` for ``table`` (rows of cells with optional rowspan/colspan/
    header), and what had to be clipped to fit (messages for a diagnostic)."""
    rows = [[c for c in row if c.tag == "cell"] for row in table if row.tag == "row"]
    n = len(rows)
    widest_row = max((len(r) for r in rows), default=1) or 1
    # The spans as the page gives them decide the width, unless they make no sense: a table
    # whose rows of several cells would reach past MAX_COLUMNS or four times its widest row
    # (colspan="3000") has each span cut at the widest row's cell count instead.
    placed, occupied = _place(rows, lambda c: MAX_COLUMNS)
    reach = max((c + width for here in placed if len(here) > 1 for c, width, _rs, _cell in here), default=1)
    if reach > min(MAX_COLUMNS, 4 * widest_row):
        placed, occupied = _place(rows, lambda c: max(1, widest_row - c))
    else:  # a lone cell spanning its row stops at the table's edge
        placed, occupied = _place(rows, lambda c: max(1, max(reach, widest_row) - c))
    clipped: list[str] = []
    cols = max((c for _r, c in occupied), default=0) + 1
    if cols > MAX_COLUMNS:
        clipped.append(f"a table of {cols} columns was cut to {MAX_COLUMNS}; the cells beyond "
                       f"are joined into the last column")
        cols = MAX_COLUMNS
    out = etree.Element("table", rows=str(max(n, 1)), cols=str(cols))
    covered: set[tuple[int, int]] = set()
    out_rows = []
    for r, here in enumerate(placed):
        row_el = etree.SubElement(out, "row")
        out_rows.append(row_el)
        last = None
        for c, width, rowspan, cell in here:
            if c >= cols:  # beyond the last column: its text joins the row's last cell
                if last is not None and (cell.text or "").strip():
                    last.text = " ".join(filter(None, [(last.text or "").strip(), (cell.text or "").strip()]))
                continue
            width = min(width, cols - c)
            last = _cell(row_el, cell, r, c, width, rowspan)
            for rr in range(r, r + rowspan):
                for cc in range(c, c + width):
                    covered.add((rr, cc))
    if not out_rows:  # a table without rows still has one position
        etree.SubElement(etree.SubElement(out, "row"), "cell", row="0", col="0").text = ""
    for r, row_el in enumerate(out_rows):
        holes = [c for c in range(cols) if (r, c) not in covered]
        for c in holes:
            etree.SubElement(row_el, "cell", row=str(r), col=str(c)).text = ""
        if holes:
            row_el[:] = sorted(row_el, key=lambda cell: int(cell.get("col")))
    header_rows = 0
    for row_el in out_rows:
        cells = list(row_el)
        if cells and all(c.get("header") == "true" for c in cells):
            header_rows += 1
        else:
            break
    if header_rows < len(out_rows):  # an all-header table has no body to repeat a header over
        for row_el in out_rows[:header_rows]:
            row_el.set("header", "true")
    return out, clipped


def _place(rows, limit) -> tuple[list[list[tuple[int, int, int, etree._Element]]], dict]:
    """Each row's cells placed as a browser places them, (col, colspan, rowspan, cell) per row,
    and the grid positions they cover; a colspan is at most ``limit(col)`` and never reaches
    into a merge from above; a rowspan stops at the last row."""
    n = len(rows)
    occupied: dict[tuple[int, int], bool] = {}
    placed = []
    for r, cells in enumerate(rows):
        c = 0
        here = []
        for cell in cells:
            while (r, c) in occupied:
                c += 1
            colspan = min(_span(cell, "colspan"), limit(c))
            width = 1
            while width < colspan and (r, c + width) not in occupied:
                width += 1
            rowspan = min(_span(cell, "rowspan"), n - r)
            for rr in range(r, r + rowspan):
                for cc in range(c, c + width):
                    occupied[(rr, cc)] = True
            here.append((c, width, rowspan, cell))
            c += width
        placed.append(here)
    return placed, occupied


def _cell(row_el, source: etree._Element, r: int, c: int, colspan: int, rowspan: int) -> etree._Element:
    cell = etree.SubElement(row_el, "cell", row=str(r), col=str(c))
    if rowspan > 1:
        cell.set("rowspan", str(rowspan))
    if colspan > 1:
        cell.set("colspan", str(colspan))
    if source.get("header") == "true":
        cell.set("header", "true")
    cell.text = source.text or ""
    return cell


def grid_problems(table: etree._Element) -> list[str]:
    """Why ``table`` is not a normalized grid (positions covered twice or not at all, spans
    past the edge, cells out of place); empty when it is one."""
    rows, cols = int(table.get("rows", "0")), int(table.get("cols", "0"))
    row_els = [r for r in table if r.tag == "row"]
    if len(row_els) != rows:
        return [f"table says {rows} rows but has {len(row_els)}"]
    seen: set[tuple[int, int]] = set()
    found = []
    for r, row_el in enumerate(row_els):
        previous = -1
        for cell in row_el:
            at_r, at_c = int(cell.get("row")), int(cell.get("col"))
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            if at_r != r or at_c <= previous:
                found.append(f"cell ({at_r}, {at_c}) out of place in row {r}")
            previous = at_c
            if at_r + rs > rows or at_c + cs > cols:
                found.append(f"cell ({at_r}, {at_c}) spans past the {rows}×{cols} grid")
            for rr in range(at_r, at_r + rs):
                for cc in range(at_c, at_c + cs):
                    if (rr, cc) in seen:
                        found.append(f"position ({rr}, {cc}) covered twice")
                    seen.add((rr, cc))
    missing = rows * cols - len({p for p in seen if p[0] < rows and p[1] < cols})
    if missing:
        found.append(f"{missing} grid position(s) covered by no cell")
    return found
