"""The views every writer prints from: front-matter lines, list markers, figure captions and
placeholders, pictures, the table grid, link targets and printable text.

Each is derived from the IR in exactly one place, so that every format shows the same words.
Nothing here reads files or decides content; the IR already holds the decisions.
"""
from __future__ import annotations

import base64
import math
import unicodedata

from lxml import etree
from msgspec import Struct

from .. import ir
from ..links import link_target  # noqa: F401  (a view: writers print links through it)

FIGURE_WORD = "图"


def printable(text: str, trim: bool = True) -> str:
    """Text as set on one run: control and format characters (zero-width space, BOM, soft
    hyphen) dropped, the zero-width joiner of emoji sequences kept; tabs and line breaks are
    spaces; the ends trimmed unless ``trim`` is false (a piece of a longer run)."""
    if text.isprintable():  # nothing to drop or replace (the common case, checked in C)
        return text.strip() if trim else text
    out = []
    for ch in text:
        if ch in "\t\n\r\v\f\u2028\u2029":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch != "\u200d":
            continue
        else:
            out.append(ch)
    joined = "".join(out)
    return joined.strip() if trim else joined


class FrontLine(Struct, frozen=True):
    """One printed line of the front matter: ``kind`` is title or field (then ``name`` says which)."""

    kind: str
    text: str
    name: str = ""


def title(tree: etree._Element) -> str:
    """The title as printed, on one line."""
    return " ".join(printable(tree.findtext("front/title") or "").split())


def front_fields(tree: etree._Element) -> list[FrontLine]:
    """The metadata lines printed under the title, in IR order: ``label：value``."""
    return [FrontLine("field", f"{f.get('label')}：{printable(f.text or '')}", f.get("name"))
            for f in tree.iterfind("front/field") if (f.text or "").strip()]


def front_lines(tree: etree._Element) -> list[FrontLine]:
    """The whole front matter as printed: the title (when there is one), then the fields."""
    head = [FrontLine("title", title(tree))] if title(tree) else []
    return head + front_fields(tree)


def li_marker(li: etree._Element) -> str:
    """The marker printed before a list entry (its label and a space)."""
    return li.get("label", "") + " "


def li_text(li: etree._Element) -> str:
    return li_marker(li) + ir.text_of(li)


def figure_caption(figure: etree._Element) -> str:
    """The caption printed under a shown picture: its alt text, or nothing."""
    return " ".join((figure.get("alt") or "").split())


def figure_placeholder(figure: etree._Element) -> str:
    """What stands in for a picture a format cannot show, or one that could not be had:
    [图：alt text], or [图] — never the picture's address."""
    caption = figure_caption(figure)
    return f"[{FIGURE_WORD}：{caption}]" if caption else f"[{FIGURE_WORD}]"


class Picture(Struct, frozen=True):
    """A figure's picture: its bytes, media type and size in pixels."""

    data: bytes
    type: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}[self.type]


def picture(figure: etree._Element) -> Picture | None:
    """The picture a figure shows, from the IR's ``<pictures>``; None when it has none."""
    ref = figure.get("picture")
    if not ref:
        return None
    found = figure.getroottree().getroot().find(f"pictures/picture[@id='{ref}']")
    if found is None:
        return None
    return Picture(base64.b64decode(found.text or ""), found.get("type"),
                   int(found.get("width")), int(found.get("height")))


class GridCell(Struct, frozen=True):
    """One cell of a table grid: its position, spans, whether it is a header cell, its lines."""

    element: etree._Element
    row: int
    col: int
    rowspan: int
    colspan: int
    header: bool
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


class Grid(Struct, frozen=True):
    """A table as the IR holds it: ``rows`` × ``cols`` positions, each covered by one cell."""

    rows: int
    cols: int
    header_rows: int
    cells: tuple[tuple[GridCell, ...], ...]  # per row, the cells that start in it, left to right

    def origin_at(self) -> dict[tuple[int, int], GridCell]:
        """Every grid position → the cell covering it."""
        where = {}
        for row in self.cells:
            for cell in row:
                for r in range(cell.row, cell.row + cell.rowspan):
                    for c in range(cell.col, cell.col + cell.colspan):
                        where[(r, c)] = cell
        return where


def cell_lines(cell: etree._Element) -> tuple[str, ...]:
    """A cell's text as its forced lines (its newlines), white space collapsed, empty lines dropped."""
    lines = (printable(" ".join(part.split())) for part in (cell.text or "").split("\n"))
    return tuple(line for line in lines if line)


def grid(table: etree._Element) -> Grid:
    rows = []
    for row in table.iterfind("row"):
        rows.append(tuple(
            GridCell(c, int(c.get("row")), int(c.get("col")), int(c.get("rowspan", "1")),
                     int(c.get("colspan", "1")), c.get("header") == "true", cell_lines(c))
            for c in row.iterfind("cell")))
    header_rows = sum(1 for _ in table.iterfind("row[@header='true']"))
    return Grid(int(table.get("rows")), int(table.get("cols")), header_rows, tuple(rows))


def text_rows(grid: Grid) -> list[str]:
    """A table as lines of text, one per row: a field per column, tab-separated, left empty
    where a cell of an earlier row or column spans into it, so every row has the table's
    columns and a field stands under its column's head."""
    where = grid.origin_at()
    return ["\t".join(cell.text if (cell.row, cell.col) == (r, c) else ""
                       for c in range(grid.cols) for cell in (where[(r, c)],))
            for r in range(grid.rows)]


def alignment(block: etree._Element) -> str | None:
    """The alignment a block asks for (right for a signature and date, center, left for an
    addressee), or None."""
    return block.get("align")


def starts_page(block: etree._Element) -> bool:
    """Whether a block starts a new page (an attachment's 附件 line)."""
    return block.get("break") == "page"


def part_of(block: etree._Element) -> str | None:
    """"attachment" for an attachment's 附件 line, "attachment-title" for a line of its title,
    "attachment-note" for a line of the attachment note at the end of the main text,
    "signature" and "signature-date" for the lines of the signature block, else None."""
    return block.get("role")


def attachment_entry(line: etree._Element) -> str:
    """An attachment's entry in an outline: its 附件 line, then its title's lines run together
    (附件1　关于湖北省巴东县官渡口镇马鬃山村地质险情调研情况的报告)."""
    title = []
    for after in line.itersiblings():
        if after.get("role") != "attachment-title":
            break
        title.append(ir.text_of(after).strip())
    return printable("\u3000".join(filter(None, [ir.text_of(line).strip().rstrip("：:"), "".join(title)])))


def note_indents(block: etree._Element) -> tuple[float, float]:
    """Where a line of an attachment note (``attachment-note``) starts its first line and its
    later lines, in character widths past a paragraph's first-line indent (``indent``, ``hang``)."""
    return float(block.get("indent", "0")), float(block.get("hang", "0"))


def signature_inset(block: etree._Element) -> float:
    """How many character widths a line of the signature block stands in from the right margin."""
    return float(block.get("inset", "0"))


#: The parts that a blank line sets apart from the text above them (GB/T 9704: the attachment
#: note §7.3.3 and the signature §7.3.5.2, each 在正文下空一行), by the roles of their lines.
SET_APART = {"attachment-note": ("attachment-note",), "signature": ("signature", "signature-date")}


def blank_line_above(block: etree._Element) -> bool:
    """Whether a block is the first line of a part a blank line goes above (``SET_APART``)."""
    roles = SET_APART.get(block.get("role"))
    before = block.getprevious()
    return roles is not None and (before is None or before.get("role") not in roles)


def ends_attachment_title(block: etree._Element) -> bool:
    """Whether a line of an attachment's title is its last (the blank line follows it)."""
    after = block.getnext()
    return after is None or after.get("role") != "attachment-title"


# --- layout shared by the paged writers (PDF, DOCX) ---------------------------------------

#: The font role of a heading by its label's kind (GB/T 9704: 一、 黑体, （一） 楷体, 1. 仿宋
#: bold, （1） 仿宋), whatever its depth; headings without a numbering kind take their level's.
KIND_ROLES = {"chapter": "heading1", "cn": "heading1", "cn-paren": "heading2", "arabic": "heading3",
              "arabic-paren": "heading4"}


def heading_role(section: etree._Element) -> str:
    """The font role (heading1..4) a section's heading is set in, chosen by its label kind."""
    role = KIND_ROLES.get(section.get("kind", ""))
    if role is not None:
        return role
    return f"heading{min(max(int(section.get('level', '1')), 1), 4)}"


def title_lines(text: str, measure, width: float) -> list[str]:
    """The title broken into balanced lines at meaning boundaries (``linebreak.balanced_lines``),
    measured with the title face's real widths: the PDF and DOCX print the same lines."""
    from ..linebreak import balanced_lines

    return balanced_lines(text, measure, width)


def with_breaks(text: str, lines: list[str]) -> str:
    """``text`` with a line break where each of ``lines`` (its pieces in order, white space at the
    breaks dropped) ends: the white space stays, before the break, so the words keep apart."""
    out, cursor = [], 0
    for line in lines:
        at = text.find(line, cursor)
        if out:
            out.append(text[cursor:at] + "\n")
        out.append(line)
        cursor = at + len(line)
    return "".join(out)


def centred_lines(text: str, measure, width: float) -> list[str]:
    """A centred paragraph (a speech's subtitle, a caption) broken as a title is, into balanced
    lines at meaning boundaries, measured without the body's tracking: the PDF and DOCX break
    it into the same lines, each of which fits either (their tracking only narrows them)."""
    return title_lines(text, measure, width)


def table_columns(grid: Grid, measure, total: float, padding: float, size: float,
                  lines=None) -> list[float]:
    """Column widths (points) filling ``total``, sized by content: ``measure(cell, text)`` is
    the width of a line of a cell, ``lines(cell)`` its printed lines (default ``cell.lines``),
    ``padding`` both cell margins together, ``size`` the text size (a column holds a character).
    A column gets at least its widest unbreakable piece (a number, a word) where that can be had."""
    from ..linebreak import segments

    lines = lines or (lambda cell: cell.lines)
    natural = [0.0] * grid.cols
    minimum = [0.0] * grid.cols
    volume = [0.0] * grid.cols
    for row in grid.cells:
        for cell in row:
            if cell.colspan != 1:
                continue
            widths = [measure(cell, t) for t in lines(cell)]
            natural[cell.col] = max(natural[cell.col], max(widths, default=0.0))
            volume[cell.col] += sum(widths)
            minimum[cell.col] = max(minimum[cell.col], max(
                (measure(cell, u) for t in lines(cell) for u in segments(t)), default=0.0))
    return fit_columns(natural, minimum, total, padding, size, volume)


def group_rows(grid: Grid) -> set[int]:
    """The rows below the header that are one cell across the table (a group's heading row,
    一、知识产权保护方面（共5项）) with a row after them: the paged writers keep each with the
    row after it."""
    return {r for r, row in enumerate(grid.cells)
            if grid.header_rows <= r < grid.rows - 1 and len(row) == 1 and row[0].colspan == grid.cols
            and row[0].rowspan == 1}


def fit_columns(natural, minimum, total, padding, size, volume) -> list[float]:
    """Column widths filling ``total``. Natural widths (the text on one line) when they fit,
    scaled up to the full width. Otherwise columns narrower than a fair share keep their
    natural width, repeatedly, and the rest share what is left by the square root of the text
    each holds (``volume``, the widths of all its lines), none wider than
    its natural width: that makes the columns' wrapped text shortest overall, so a column of
    long entries is not as narrow as one of a few words with one long entry. A column is never
    narrower than its widest unbreakable piece if that can be helped."""
    n = len(natural)
    nat = [max(w, size) + padding for w in natural]
    low = [min(max(w, size) + padding, total / n) for w in minimum]
    if sum(nat) <= total:
        scale = total / sum(nat)
        return [w * scale for w in nat]
    widths: list[float | None] = [None] * n
    left, open_cols = total, list(range(n))
    while open_cols:
        share = left / len(open_cols)
        small = [c for c in open_cols if nat[c] <= share]
        if not small:
            break
        for c in small:
            widths[c] = nat[c]
            left -= nat[c]
        open_cols = [c for c in open_cols if c not in small]
    weight = {c: math.sqrt(max(volume[c], nat[c])) for c in open_cols}  # at least its one-line width
    while open_cols:
        whole = sum(weight[c] for c in open_cols)
        shares = {c: left * weight[c] / whole for c in open_cols}
        capped = [c for c in open_cols if shares[c] > nat[c]]
        if not capped:
            for c in open_cols:
                widths[c] = shares[c]
            break
        for c in capped:
            widths[c] = nat[c]
            left -= nat[c]
        open_cols = [c for c in open_cols if c not in capped]
    out = [float(w) for w in widths]
    for c in range(n):  # widen a column below its minimum, taking from the widest ones
        need = low[c] - out[c]
        while need > 1e-6:
            donor = max(range(n), key=lambda k: out[k] - low[k])
            give = min(need, out[donor] - low[donor])
            if donor == c or give <= 1e-6:
                break
            out[donor] -= give
            out[c] += give
            need -= give
    return out
