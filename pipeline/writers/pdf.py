"""The PDF writer: the GB/T 9704-2012 page, embedded CJK fonts, our own line breaking, bookmarks.

The page is A4 with a 156 × 225 mm text block holding a grid of 22 lines × 28 characters
(the numbers come from ``settings.pdf``). Every text line sits on a grid line; paragraphs are
indented two characters and their full lines are justified to the block's right edge by
spreading the slack as character spacing, into the gaps beside full-width characters before
those inside a number or a Latin word (``justified``); a 句读 mark (、。，：；？！) after the 28th cell of a
justified line hangs in the margin (标点悬挂) rather than pull the line's last character down
with it. Lines are broken by ``pipeline.linebreak`` (GB/T 15834 rules), never by reportlab.
The title is centred and broken into balanced lines; the front-matter field lines
(``views.front_fields``: 发布机构：…) follow in the body face, each centred when it fits on
one line, then the blank line(s) before the body. A paragraph the
IR aligns right (a signature and date block) is set flush right, without the indent. An
attachment starts a page: its 附件 line flush left in the 一、 headings' face, a blank line, then
its title set as the document's title is, and the blank line(s) after it (GB/T 9704 §8); the
outline has an entry for it (附件1　its title), the attachment's headings under it.

Each role (title, body, heading1..4, page_number) has a face found by ``pipeline.fonts``; a
character the face lacks is set in the first fallback face that has it, and a character no
installed face has is an error, so nothing vanishes and no box is drawn. Each face is embedded
once, as one composite font (Type0, Identity-H) over the subset of the characters the document
sets in it (``pdffonts.CidFont``), so a line is one string per face. Tables are platypus tables drawn
from the IR's grid as it stands (merged cells, the header rows repeated across pages unless
they fill more than half a page) whose cells are laid out by the same line breaker; a table too
wide for its text at the table size is set smaller, so a column holds a character. A row taller
than a page is cut into rows that each fit one (rows joined by row spans that together are
taller than a page lose those spans first), so reportlab never splits inside a row; and a
table of many pages is given to reportlab a window of rows at a time (``RowWindows``), so
layout time stays linear in the table's rows. A figure's picture comes from the IR's
``<pictures>``, with its caption under it; a figure without one prints its placeholder.
Headings become a nested outline. A link is a link annotation over each line's stretch of its text (in tagged output
held by a Link element).
Nothing is read from disk but the fonts (``pipeline.fonts``).

By default the file is PDF/A-2b (``pdf.archival``): reportlab writes it so through the canvas
of ``pdfa.canvas_class`` (the XMP packet, the sRGB output intent, the document info PDF/A
asks for), pictures with transparency are set onto white, and ``pdfa.identified`` sets the
file identifier. With ``pdf.tagged`` the writer builds a structure tree as it visits
(``pdfa.Tagger``: headings H1–H4, paragraphs, links, lists, tables, figures with their alt
text, in IR order), marks what it draws as the content of those elements, or as artifacts (page
numbers, table rules, repeated table headers), and the same canvas writes the tree.
``archival: false`` and ``tagged: false`` give reportlab's file as it is.

``render`` returns the PDF bytes; ``layout`` returns the laid-out lines per page (used by tests
to check the breaking, the grid and the glyph coverage). The same input and version give
byte-identical files (reportlab's invariant mode, dates from the report, a file identifier
computed from the content). Threads may render at the same time: only loading a face is
serialized (a document's composite fonts are its own, and the subsets are built without a
shared read cursor).
"""
from __future__ import annotations

import io
import math
import re
from datetime import datetime, timezone
from functools import lru_cache, partial
from itertools import compress
from operator import ne

from lxml import etree
from msgspec import Struct
from msgspec.structs import replace

from .. import __version__, colour, embeddable, fonts, ir
from ..errors import RenderError
from ..linebreak import HANGING, break_lines, hangs
from . import pdfa, pdffonts, pdfobjects, views
from .base import DocumentWriter

MM = 72.0 / 25.4
A4 = (210.0 * MM, 297.0 * MM)
#: Where the baseline sits in a grid line: the em box (−0.12 em … 0.88 em) is centred in it.
EM_CENTRE = 0.38
CELL_PADDING = 4.0  # points, each side of a table cell
CELL_LEADING = 1.5  # table text line height, in font sizes
TABLE_RULE = 0.5  # table rule width, points
ROLES = fonts.ROLES
#: A line is justified unless that would add more than this many character cells per gap
#: (a line cut short by a long URL pushed to the next line stays ragged instead).
MAX_STRETCH = 0.5
DASH = "—"  # the page number's 一字线
#: An annotation's flag that prints it (ISO 32000-1, 12.5.3): PDF/A asks it of every annotation.
ANNOTATION_PRINT = 4


# --- laid-out lines -----------------------------------------------------------------------

class Line(Struct):
    """One line as drawn: where, what, in which faces. ``layout`` returns these per page."""

    page: int
    kind: str  # title, field, heading, p, li, figure, cell, page_number
    block: int  # which paragraph (heading, cell...) it belongs to; lines of one block share it
    text: str
    source: str  # the whole text of its block (for the line-break checker)
    x0: float  # left edge of the first glyph's advance box
    x1: float  # right edge of the last glyph's advance box
    y: float  # baseline
    size: float
    justified: bool  # stretched or squeezed to the full measure
    slot: int | None  # grid line on the page (0 = top), None off the grid (tables, page number)
    runs: tuple[tuple[str, int, str], ...] = ()  # (font file, face index, text) per font change
    role: str = "body"  # the font role
    width: float = 0.0  # the width the line was broken to (what ``linebreak`` measured against)
    tracking: float = 0.0  # the character spacing the breaker counted per character
    hang: float = 0.0  # a hanging mark's reach past the block's edge (``x1 - hang`` is the edge); 0: none


# --- geometry -----------------------------------------------------------------------------

class Geometry(Struct, frozen=True):
    page_width: float
    page_height: float
    left: float
    bottom: float  # bottom edge of the text block
    width: float
    height: float
    pitch: float  # line pitch
    cell: float  # character cell (glyph + tracking)
    tracking: float  # character spacing on the grid
    lines: int

    @property
    def top(self) -> float:
        return self.bottom + self.height

    @property
    def right(self) -> float:
        return self.left + self.width

    @classmethod
    def from_settings(cls, pdf) -> "Geometry":
        width, height = pdf.block_width_mm * MM, pdf.block_height_mm * MM
        top = A4[1] - pdf.margin_top_mm * MM
        if pdf.margin_left_mm * MM + width > A4[0] or height > top:
            raise RenderError("pdf: the text block does not fit on an A4 page")
        cell = width / pdf.chars_per_line
        return cls(A4[0], A4[1], pdf.margin_left_mm * MM, top - height, width, height,
                   height / pdf.lines_per_page, cell, cell - pdf.body_size, pdf.lines_per_page)


# --- flowables ----------------------------------------------------------------------------

class LaidLine(Struct):
    text: str
    x: float  # offset from the block's left edge
    char_space: float
    natural: float  # glyph widths only
    justified: bool
    width: float = 0.0  # the width the breaker filled (tracking included)
    tracking: float = 0.0
    offset: int = 0  # where the line starts in its block's text (tagged output, or a block with links)
    hang: float = 0.0  # how far a hanging mark (标点悬挂) reaches past the measure; 0: none
    # A justified line's slack beyond ``char_space``, after each character (``justified``);
    # empty when the slack is spread evenly as ``char_space`` itself.
    stretch: tuple[float, ...] = ()

    def spacing(self, start: int, end: int) -> float:
        """The space set after the characters ``start`` to ``end - 1`` of the line."""
        return (end - start) * self.char_space + (sum(self.stretch[start:end]) if self.stretch else 0.0)


#: A run of characters outside the full-width ranges of CJK text (Hangul Jamo, the CJK, kana
#: and Yi blocks, Hangul, compatibility ideographs and forms, full-width forms, the
#: supplementary ideographs) and not white space: a number, a Latin word; a justified line's
#: slack goes into the gaps inside it last.
NARROW_RUN = re.compile("[^\\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
                        "\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]{2,}")
#: The widest gap a justified line puts beside a full-width character before it spreads the
#: rest over every gap, in ems: text extractors (poppler, pdfminer) read a gap of a tenth of an
#: em between glyphs as a word break, which would put spaces into copied text.
WORD_GAP = 0.09


def justified(text: str, spread: float, base: float, size: float, hang: bool) -> tuple[float, tuple[float, ...]]:
    """(char_space, stretch) of a justified line whose gaps are ``spread`` apart on average
    (``base`` unjustified): the slack goes into the gaps beside a full-width character or a
    space, up to ``WORD_GAP``, before the gaps inside a number or a Latin word (4 0 . 9 ％)
    take any; evenly where every gap is such a gap, or none is, or ``spread`` is already past
    ``WORD_GAP``. The gap before a hanging mark keeps ``spread``."""
    set_chars = len(text) - int(hang)
    widest = WORD_GAP * size
    if spread <= base or spread >= widest:
        return spread, ()
    held = {i for run in NARROW_RUN.finditer(text, 0, set_chars) for i in range(run.start(), run.end() - 1)}
    gaps = [i for i in range(set_chars - 1) if i not in held]
    if not held or not gaps:
        return spread, ()
    total, narrow = spread * (set_chars - 1), set_chars - 1 - len(gaps)
    wide = min((total - narrow * base) / len(gaps), widest)
    char_space = (total - len(gaps) * wide) / narrow
    stretch = [0.0] * (len(text) - 1)
    for i in gaps:
        stretch[i] = wide - char_space
    if hang:
        stretch[set_chars - 1] = spread - char_space
    return char_space, tuple(stretch)


class LineRange:
    """Lines ``start:end`` of a block's laid-out lines, not a copy of them: the parts a page
    break cuts a block into, so that the rest of a paragraph thousands of lines long is not
    copied again at each page it runs onto."""

    __slots__ = ("lines", "start", "end")

    def __init__(self, lines: list[LaidLine], start: int, end: int):
        self.lines, self.start, self.end = lines, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def __iter__(self):
        return map(self.lines.__getitem__, range(self.start, self.end))

    def part(self, start: int, end: int) -> "LineRange":
        return LineRange(self.lines, self.start + start, self.start + end)


class Block(Struct):
    kind: str
    role: str
    size: float
    source: str
    lines: list[LaidLine] | LineRange  # a range where a page break cut the block
    block_id: int
    bookmark: tuple[str, str, int] | None = None  # (key, title, outline level)
    blank_after: int = 0
    embolden: bool = False
    # Tagged output: the structure element of the text from each offset on, or the kind of
    # artifact the block is (page numbers: Pagination).
    tags: tuple[tuple[int, pdfa.Node], ...] = ()
    artifact: str | None = None
    # The links of the text: (start, end, target, its Link element in tagged output) with
    # offsets into ``source``, each drawn over with a link annotation.
    links: tuple[tuple[int, int, str, pdfa.Node | None], ...] = ()
    keep_with_next: bool = False  # a heading, a centred line (a title): never the last on a page
    keep_with_previous: bool = False  # a signature's line, its 附注: never the first on a page
    face: fonts.FaceMetrics | None = None  # the one face setting all its text; None: its lines are cut into runs


@lru_cache(maxsize=None)
def _grid_flowable_class():
    from reportlab.platypus import Flowable

    class GridBlock(Flowable):
        """Lines on the page grid: snaps to the next grid line, splits between lines."""

        def __init__(self, block: Block, writer: "PdfWriter", continued: bool = False):
            super().__init__()
            self.block, self.writer, self.continued = block, writer, continued
            self._pad = 0.0

        def _snap(self, avail_height: float) -> float:
            geo = self.writer.geo
            used = self.writer.frame_height - avail_height
            slots = used / geo.pitch
            pad = (math.ceil(slots - 1e-6) - slots) * geo.pitch
            return max(pad, 0.0)

        def _slots(self) -> int:
            return len(self.block.lines) + self.block.blank_after

        def wrap(self, avail_width, avail_height):
            self._pad = self._snap(avail_height)
            self.width = self.writer.geo.width
            self.height = self._pad + self._slots() * self.writer.geo.pitch
            return self.width, self.height

        def split(self, avail_width, avail_height):
            pad = self._snap(avail_height)
            fit = int((avail_height - pad) / self.writer.geo.pitch + 1e-6)
            lines = self.block.lines
            if fit <= 0:
                return []
            if fit >= len(lines):
                if self.block.blank_after:  # the title's trailing blank lines may go
                    head = replace(self.block, blank_after=0)
                    return [GridBlock(head, self.writer, self.continued)]
                return []
            if not isinstance(lines, LineRange):
                lines = LineRange(lines, 0, len(lines))
            head = replace(self.block, lines=lines.part(0, fit), blank_after=0)
            tail = replace(self.block, lines=lines.part(fit, len(lines)), bookmark=None)
            return [GridBlock(head, self.writer, self.continued), GridBlock(tail, self.writer, True)]

        def draw(self):
            geo, canv, block = self.writer.geo, self.canv, self.block
            top = self.height - self._pad
            if block.bookmark and not self.continued:
                key, title, level = block.bookmark
                canv.bookmarkHorizontal(key, 0, top)
                canv.addOutlineEntry(title, key, level=level, closed=False)
            for i, line in enumerate(block.lines):
                slot_top = top - i * geo.pitch
                baseline = slot_top - geo.pitch / 2 - EM_CENTRE * block.size
                slot = None
                if self.writer.record_layout:  # the grid line, for the layout only
                    _x, abs_top = canv.absolutePosition(0, slot_top)
                    slot = round((geo.top - abs_top) / geo.pitch)
                self.writer.draw_line(canv, block, line, line.x, baseline, slot)

    return GridBlock


@lru_cache(maxsize=None)
def _keep_class():
    from reportlab.platypus import Flowable

    class KeepWithNext(Flowable):
        """Headings (and centred lines) and what follows them: the headings never end a page
        or split across pages. They go on a page only with at least the first line (row, picture) of the
        block after them; otherwise all of it moves to the next page."""

        def __init__(self, heads: list, following):
            super().__init__()
            self.heads, self.following = heads, following
            self._sizes: list[float] = []

        def _place(self, avail_width, avail_height, items):
            used, sizes = 0.0, []
            for item in items:
                _w, h = item.wrap(avail_width, avail_height - used)
                sizes.append(h)
                used += h
            return used, sizes

        def wrap(self, avail_width, avail_height):
            self.width = avail_width
            self.height, self._sizes = self._place(avail_width, avail_height, self.heads + [self.following])
            return self.width, self.height

        def split(self, avail_width, avail_height):
            used, _sizes = self._place(avail_width, avail_height, self.heads)
            if used > avail_height + 1e-6:
                return []
            parts = self.following.split(avail_width, avail_height - used)
            if parts:
                return list(self.heads) + list(parts)
            if avail_height < self.heads[0].writer.frame_height - 1.0:
                return []  # not even a line of what follows fits here: all to the next page
            # On an empty page and still nothing of it fits under the headings (a table row
            # taller than a page): the headings stand alone, what follows starts a fresh page.
            return list(self.heads) + [self.following]

        def draw(self):
            y = self.height
            for item, h in zip(self.heads + [self.following], self._sizes):
                y -= h
                item.drawOn(self.canv, 0, y)

    return KeepWithNext


@lru_cache(maxsize=None)
def _tail_class():
    from reportlab.platypus import Flowable

    class KeepWithPrevious(Flowable):
        """A signature block and the flowable before it (GB/T 9704 §7.3.5.2: 落款与正文同处一面,
        no page holds a signature alone): the block goes on a page only under at least the
        last line (row) of what comes before it, which otherwise moves with it to the next."""

        def __init__(self, before, tails: list):
            super().__init__()
            self.before, self.tails = before, tails
            self._sizes: list[float] = []

        def wrap(self, avail_width, avail_height):
            used, self._sizes = 0.0, []
            for item in [self.before] + self.tails:
                _w, h = item.wrap(avail_width, avail_height - used)
                self._sizes.append(h)
                used += h
            self.width, self.height = avail_width, used
            return self.width, self.height

        def split(self, avail_width, avail_height):
            tails = sum(item.wrap(avail_width, avail_height)[1] for item in self.tails)
            parts = self.before.split(avail_width, avail_height - tails) if tails <= avail_height else []
            if len(parts) == 1:  # what comes before fits once its trailing blank lines go
                return parts + self.tails
            if parts:
                return parts[:-1] + [KeepWithPrevious(parts[-1], self.tails)]
            if avail_height < self.tails[0].writer.frame_height - 1.0:
                return []  # not even a line of what comes before fits over it: all to the next page
            return [self.before] + self.tails  # on an empty page and still too tall: as they come

        def draw(self):
            y = self.height
            for item, h in zip([self.before] + self.tails, self._sizes):
                y -= h
                item.drawOn(self.canv, 0, y)

    return KeepWithPrevious


def keep_signatures_with_previous(story: list) -> list:
    """The story with each run of lines kept with what comes before them (a signature block)
    grouped with the flowable before it."""
    keep = _tail_class()
    out: list = []
    for item in story:
        block = getattr(item, "block", None)
        if block is not None and block.keep_with_previous and out:
            before = out.pop()
            out.append(keep(before.before, before.tails + [item]) if isinstance(before, keep) else keep(before, [item]))
            continue
        out.append(item)
    return out


def keep_headings_with_next(story: list) -> list:
    """The story with each run of headings and centred lines (an attachment's title) grouped
    with the flowable after it."""
    keep = _keep_class()
    out, heads = [], []
    for item in story:
        block = getattr(item, "block", None)
        if block is not None and (block.kind == "heading" or block.keep_with_next):
            heads.append(item)
            continue
        out.append(keep(heads, item) if heads else item)
        heads = []
    return out + heads


@lru_cache(maxsize=None)
def _table_class():
    from reportlab.platypus import Table

    class SpanSplittingTable(Table):
        """A table that may break a page inside a row span, so a long merged cell does not
        end a page early (and repeat the header mid-page); the span's text stays in its
        first part. A row is split across pages only when it is taller than a whole page,
        so a page never ends with a header and no row under it. In tagged output its rules
        are artifacts."""

        frame_height = float("inf")
        tagger: pdfa.Tagger | None = None
        rows: "RowWindows | None" = None  # a long table, and each of its windows but the last
        first_row = 0  # a window's first row (after the repeated header) in the whole table
        rest = None  # a window's style commands as reportlab's split leaves them for all the rows left

        def _drawLines(self):
            if self.tagger is None:
                return super()._drawLines()
            self.tagger.artifact(self.canv, "Layout")
            super()._drawLines()
            self.tagger.end(self.canv)

        def _getFirstPossibleSplitRowPosition(self, availHeight, ignoreSpans=0):
            return super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)

        def wrap(self, availWidth, availHeight):
            if self.rows is not None and self.rows.whole is self:
                return self.rows.first().wrap(availWidth, availHeight)
            return super().wrap(availWidth, availHeight)

        def split(self, availWidth, availHeight):
            rows = self.rows
            if rows is None:
                return self._split(availWidth, availHeight)
            if rows.whole is self:
                return rows.first().split(availWidth, availHeight)
            parts = self._split(availWidth, availHeight, inside=False)
            if not parts and availHeight >= self.frame_height - 1.0:
                # Rows kept together taller than a page: reportlab splits inside one, so it is
                # given all the rows left, as before the windows.
                return rows.window(self.first_row, self.rest, to_end=True).split(availWidth, availHeight)
            if len(parts) == 1:
                raise RenderError(f"internal: a window of {self._nrows} table rows fits in {availHeight:.1f} pt")
            if parts:
                parts[1] = rows.after(self, parts[0])
            return parts

        def _split(self, availWidth, availHeight, inside: bool = True):
            """reportlab's split between rows; inside a row only on an empty page (``inside``)."""
            self.splitInRow = 0
            parts = super().split(availWidth, availHeight)
            if parts or not inside or availHeight < self.frame_height - 1.0:
                return parts
            self.splitInRow = 1  # on an empty page: a row taller than the page must be split
            try:
                parts = super().split(availWidth, availHeight)
            finally:
                self.splitInRow = 0
            for part in parts:
                part.frame_height, part.tagger = self.frame_height, self.tagger
            return parts

        def _splitRows(self, availHeight, doInRowSplit=0):
            parts = super()._splitRows(availHeight, doInRowSplit)
            for part in parts:
                part.frame_height, part.tagger = self.frame_height, self.tagger
            return parts

    return SpanSplittingTable


#: A table taller than this many pages (its rows' laid-out lines) is laid out in windows of
#: ``WINDOW_PAGES`` pages of rows (``RowWindows``).
LONG_TABLE_PAGES = 4
WINDOW_PAGES = 2
#: The style commands a table keeps as commands (the others are set on its cells' styles).
TABLE_COMMAND_LISTS = ("_linecmds", "_bkgrndcmds", "_spanCmds", "_nosplitCmds")


class RowWindows:
    """A long table handed to reportlab a window of rows at a time, with the same bytes.

    reportlab splits a table page by page into the part that fits and a new table of every row
    left, which it builds and measures again, so a table's time grew with the square of its
    rows (2,500 rows 0.6 s, 10,000 rows 5.6 s; with cells joining rows, 4,000 rows 2.9 s). Here
    the table with every row (``whole``) is never laid out itself: reportlab is given the rows
    from where a page starts, at least ``WINDOW_PAGES`` pages of them by their laid-out lines
    (``heights``, what their cells' own lines need: no row is shorter), as the table its split
    would have left there: the header rows repeated and the style commands as its split
    rewrites them, page after page (``rest``, worked out by its own methods), cut at the
    window's end. reportlab splits a window within its first page, so the part that fits a page
    is the same table as before; what the window's end cuts (a cell joining rows, rows kept
    together, each shorter than a page) lies beyond that page, and the next window takes those
    rows from the whole table again. The last window is the table's last part. A table with a
    row that does not fit a page under its header is not windowed (``windowed``): reportlab
    may split it inside a row. This works with reportlab's ``Table`` internals, so its version
    is bounded above in ``pyproject.toml``; ``tests/test_pdf_speed_shapes.py`` fails when they
    move."""

    def __init__(self, whole, heights: list[float], page_height: float):
        self.whole, self.heights, self.page_height = whole, heights, page_height

    @staticmethod
    def windowed(table, heights: list[float], page_height: float) -> bool:
        header = sum(heights[:table.repeatRows])
        return (not table._srflcmds and not table._sircmds
                and max(heights) + header <= page_height - 1.0
                and sum(heights) > LONG_TABLE_PAGES * page_height)

    def first(self):
        """The window of the table's first rows, with its own style commands."""
        return self.window(0, self.whole)

    def window(self, start: int, rest, to_end: bool = False):
        """The rows of the table from ``start`` on (after the repeated header), with the style
        commands of ``rest`` (the table reportlab's split would have left there), cut where
        ``WINDOW_PAGES`` pages of rows end (``to_end``: not cut, that table itself)."""
        whole, total = self.whole, len(self.heights)
        end, need = (total, 0.0) if to_end else (start, WINDOW_PAGES * self.page_height)
        while end < total and need > 0:
            need -= self.heights[end]
            end += 1
        header = whole.repeatRows if start else 0
        rows = [*range(header), *range(start, end)]
        spaces = {"spaceAfter": getattr(whole, "spaceAfter", None)}
        if not start:
            spaces["spaceBefore"] = getattr(whole, "spaceBefore", None)
        table = type(whole)(
            [whole._cellvalues[r] for r in rows], colWidths=whole._colWidths, rowHeights=[None] * len(rows),
            repeatRows=whole.repeatRows, splitByRow=whole.splitByRow, splitInRow=whole.splitInRow,
            normalizedData=1, cellStyles=[whole._cellStyles[r] for r in rows], ident=whole.ident,
            longTableOptimize=whole._longTableOptimize, **spaces)
        last = len(rows) - 1
        for name in TABLE_COMMAND_LISTS:
            for op, (sc, sr), (ec, er), *values in getattr(rest, name):
                if sr <= last:  # rows counted from the end stay so: the window's end stands for the table's
                    table._addCommand((op, (sc, sr), (ec, min(er, last)), *values))
        table.hAlign, table.vAlign = whole.hAlign, whole.vAlign
        table.frame_height, table.tagger = whole.frame_height, whole.tagger
        if end < total:
            table.rows, table.first_row, table.rest = self, start, rest
        return table

    def after(self, window, part):
        """The window after ``window`` once its first rows (``part``) are placed on a page."""
        header, n = self.whole.repeatRows, part._nrows
        start = window.first_row + n - (header if window.first_row else 0)
        rest, left = window.rest, object.__new__(type(self.whole))
        left._ncols, left._nrows, left._rowSplitRange = rest._ncols, rest._nrows - n + header, None
        for name in (*TABLE_COMMAND_LISTS, "_srflcmds", "_sircmds"):
            setattr(left, name, [])
        lines = rest._splitLineCmds(n)  # as Table._splitRows rewrites the commands of its second part
        if header:
            repeated = list(range(header))
            left._cr_1_1(n, rest._nrows, repeated, lines, 0)
            left._cr_1_1(n, rest._nrows, repeated, rest._bkgrndcmds, 0, _srflMode=True)
            left._cr_1_1(n, rest._nrows, repeated, rest._spanCmds, 0)
            left._cr_1_1(n, rest._nrows, repeated, rest._nosplitCmds, 0)
        else:
            left._cr_1_0(n, lines, 0)
            left._cr_1_0(n, rest._bkgrndcmds, 0, _srflMode=True)
            left._cr_1_0(n, rest._spanCmds, 0)
            left._cr_1_0(n, rest._nosplitCmds, 0)
        return self.window(start, left)


@lru_cache(maxsize=None)
def _image_class():
    from reportlab.platypus import Image

    class Picture(Image):
        """A picture; in tagged output, the marked content of its ``Figure``."""

        tagger: pdfa.Tagger | None = None
        node: pdfa.Node | None = None

        def drawOn(self, canv, x, y, _sW=0):
            if self.tagger is None:
                return super().drawOn(canv, x, y, _sW)
            self.tagger.begin(canv, self.node)
            super().drawOn(canv, x, y, _sW)
            self.tagger.end(canv)

    return Picture


@lru_cache(maxsize=None)
def _cell_flowable_class():
    from reportlab.platypus import Flowable

    class CellText(Flowable):
        """The text of one table cell, broken by our line breaker at the cell's width."""

        def __init__(self, pieces: list[str], role: str, align: str, writer: "PdfWriter",
                     block_id: int, size: float, lines: list[LaidLine] | None = None,
                     node: pdfa.Node | None = None):
            super().__init__()
            self.pieces, self.role, self.align, self.writer = pieces, role, align, writer
            self.block_id, self.size, self.node = block_id, size, node
            self._lines = lines
            self._for_width = None if lines is None else -1.0
            self._drawn = False

        def _layout(self, width: float) -> list[LaidLine]:
            if self._for_width == -1.0:
                return self._lines
            if self._lines is None or abs(self._for_width - width) > 1e-6:
                self._lines = self.writer.lay_cell(self.pieces, self.role, width, self.align, self.size)
                self._for_width = width
            return self._lines

        def wrap(self, avail_width, avail_height):
            lines = self._layout(avail_width)
            self.width = avail_width
            self.height = len(lines) * self.size * CELL_LEADING
            return self.width, self.height

        def split(self, avail_width, avail_height):
            lines = self._layout(avail_width)
            fit = int(avail_height / (self.size * CELL_LEADING) + 1e-6)
            if fit <= 0 or fit >= len(lines):
                return []
            return [
                CellText(self.pieces, self.role, self.align, self.writer, self.block_id, self.size, part, self.node)
                for part in (lines[:fit], lines[fit:])
            ]

        def draw(self):
            lead = self.size * CELL_LEADING
            block = Block("cell", self.role, self.size, "\n".join(self.pieces), [], self.block_id)
            if self.node is not None:  # a header row drawn again on a later page is an artifact
                repeated = self._drawn and self.node.role == "TH"
                block.tags, block.artifact = ((), "Pagination") if repeated else (((0, self.node),), None)
            self._drawn = True
            for i, line in enumerate(self._lines or ()):
                baseline = self.height - i * lead - lead / 2 - EM_CENTRE * self.size
                self.writer.draw_line(self.canv, block, line, line.x, baseline, None)

    return CellText


# --- the writer ---------------------------------------------------------------------------

class PdfWriter(DocumentWriter):
    """Visits the IR and builds the platypus story; ``build`` makes the PDF."""

    def __init__(self, settings, record_layout: bool = False):
        self.settings = settings
        self.record_layout = record_layout  # keep a ``Line`` of each line drawn (``layout``)
        self.pdf = settings.pdf
        self.geo = Geometry.from_settings(settings.pdf)
        self.fonts = fonts.font_choice(settings)
        self._chars: dict[str, set[str]] = {"page_number": set("— 0123456789")}  # role → characters set
        self._used: dict[fonts.FaceMetrics, set[str]] | None = None  # characters per face, at build
        self._rl: dict[fonts.FaceMetrics, pdffonts.Face] = {}
        self.subset_faces: list[pdffonts.Face] = []  # the converted subsets it uses (let go when done)
        self._cid_fonts: dict = {}  # reportlab font → the document's composite font of it (``pdffonts.CidFont``)
        # reportlab's C formatting of numbers: imported once, not once per line drawn
        from reportlab.lib.rl_accel import fp_str

        self._fp_str = fp_str
        self._tables: list = []
        self.frame_height = self.geo.height + 0.5  # a little slack below the last grid line
        self.GridBlock = _grid_flowable_class()
        self.CellText = _cell_flowable_class()
        self.story: list = []
        self.lines: list[Line] = []
        self._blocks = 0
        self._headings = 0
        self._depth = 0
        self._outline_level = -1
        self._attachments = 0
        self.tagger = pdfa.Tagger() if self.pdf.tagged else None
        self._parent = self.tagger.root if self.tagger else None  # where new structure elements go
        title_face = self.fonts.resolved["title"]
        self.embolden = set(self.pdf.embolden)
        if self.pdf.embolden_title_fallback and fonts.face_kind(title_face.family) != "xiaobiaosong" \
                and title_face.how not in ("config", "installed"):
            self.embolden.add("title")

    # ---- text to lines

    def _new_block(self) -> int:
        self._blocks += 1
        return self._blocks

    def lay_grid(self, text: str, role: str, kind: str, align: str = "justify",
                 indent: float | None = None, tags: list[tuple[str, pdfa.Node]] = (),
                 links: list[tuple[str, str | None]] = (), rest: float = 0.0, inset: float = 0.0) -> Block:
        """Break ``text`` for the grid: ``align`` is justify (paragraphs), center, right (flush
        right, no indent), title, center-single (centred on one line, else justified) or ragged
        (flush left, not justified). ``indent`` is the first line's indent in cells (the
        paragraphs' by default), ``rest`` the other lines' (an attachment note's), ``inset``
        the room right of every line (a signature's), each in cells.
        ``tags`` (tagged output) cut ``text`` into pieces, each with its structure element;
        ``links`` cut it into pieces, each with the target of the link it is, or None."""
        geo, pdf = self.geo, self.pdf
        text, chars = self._printed(text, role)
        size = pdf.title_size if role == "title" else pdf.body_size
        tracking = 0.0 if role == "title" else geo.tracking
        measure = self.fonts.measure(role, size, tracking)
        # The measure counts a cell (glyph + tracking) per character: 28 cells fill the block.
        # Positive tracking after the last glyph may hang past the edge; a negative one is
        # taken up by the justification, so the last glyph ends at the edge.
        width = geo.width + max(tracking, 0.0) - inset * geo.cell
        if align == "title":
            texts = views.title_lines(text, measure, width)
            first_indent = 0.0
        elif align == "center":  # balanced lines, as the DOCX breaks them (``views.centred_lines``)
            texts = views.centred_lines(text, self.fonts.measure(role, size, 0.0), geo.width)
            first_indent = 0.0
        else:
            first_indent = 0.0 if align == "right" else (pdf.indent_chars if indent is None else indent) * geo.cell
            # justified text may hang a 句读 mark past a full line's end (标点悬挂)
            texts = break_lines(text, measure, width - rest * geo.cell, width - first_indent,
                                hanging=HANGING if align == "justify" else frozenset())
        if align == "center-single":
            align = "center" if len(texts) == 1 else "justify"
        lines = []
        rest_indent = rest * geo.cell
        for i, t in enumerate(texts):
            start = first_indent if i == 0 else rest_indent
            # a hanging mark is set after the full measure, in the margin: the line's other
            # characters are spaced as if it were not there
            hang = align == "justify" and hangs(t, measure, width - start)
            natural = self.fonts.glyph_width(role, size, t)
            set_width = self.fonts.glyph_width(role, size, t[:-1]) if hang else natural
            avail = geo.width - start
            n = len(t) - int(hang)
            last = i == len(texts) - 1
            if align == "justify" and (not last or hang) and n > 1:
                spread = (avail - set_width) / (n - 1)
                if spread - tracking <= MAX_STRETCH * geo.cell:
                    char_space, stretch = justified(t, spread, tracking, size, hang)
                    lines.append(LaidLine(t, start, char_space, natural, True, width - start, tracking,
                                          hang=natural - set_width + spread if hang else 0.0, stretch=stretch))
                    continue
            space = tracking
            if n > 1 and natural + (n - 1) * space > avail:
                space = (avail - natural) / (n - 1)  # a full last line: squeeze, never overflow
            x = start
            if align in ("center", "title"):
                x = (geo.width - (natural + (n - 1) * space)) / 2
            elif align == "right":
                x = geo.width - inset * geo.cell - (natural + max(n - 1, 0) * space)
            lines.append(LaidLine(t, x, space, natural, False, width - start, tracking))
        block = Block(kind, role, size, text, lines, self._new_block(), embolden=role in self.embolden,
                      face=self.fonts.sole_face(role, chars))  # every character measured: each has its face
        if tags:
            block.tags = self._piece_offsets(tags, role)
            links = [(piece, (node.target, node) if node.target else None) for piece, node in tags]
        else:
            links = [(piece, (target, None) if target else None) for piece, target in links]
        if any(link for _piece, link in links):
            starts = self._piece_offsets(links, role) + ((len(text), None),)
            block.links = tuple((at, end, *link) for (at, link), (end, _next) in zip(starts, starts[1:])
                                if link and end > at)
        if block.tags or block.links:
            cursor = 0
            for line in lines:  # the lines are the text's pieces in order, spaces at breaks dropped
                line.offset = text.find(line.text, cursor)
                cursor = line.offset + len(line.text)
        return block

    def _piece_offsets(self, pieces: list[tuple[str, object]], role: str) -> tuple[tuple[int, object], ...]:
        """Where each piece (a text and what it is: a structure element, a link's target)
        starts in the printed text (``printable`` works character by character, then trims the
        ends)."""
        printed = [self.printable(piece, role, trim=False) for piece, _what in pieces]
        whole = "".join(printed)
        lead = len(whole) - len(whole.lstrip())
        out, pos = [], 0
        for (_piece, what), text in zip(pieces, printed):
            out.append((max(pos - lead, 0), what))
            pos += len(text)
        return tuple(out)

    def printable(self, text: str, role: str, trim: bool = True) -> str:
        """The text as it will be set: invisible characters dropped (``views.printable``) and,
        with ``missing_glyph: notation``, a character no font has replaced by its code point."""
        return self._printed(text, role, trim)[0]

    def _printed(self, text: str, role: str, trim: bool = True) -> tuple[str, set[str]]:
        """``printable`` text and its characters."""
        text = views.printable(text, trim)
        chars = set(text)
        if self.pdf.missing_glyph == "notation":
            missing = self.fonts.uncovered(role, chars)
            if missing:
                text = text.translate({ord(ch): f"[U+{ord(ch):04X}]" for ch in missing})
                chars = set(text)
        self._chars.setdefault(role, set()).update(chars)
        return text, chars

    def rl_face(self, face: fonts.FaceMetrics) -> pdffonts.Face:
        """The reportlab face that draws ``face``: the font file itself (TrueType outlines),
        or the TrueType subset of the characters this document sets in it (CFF)."""
        found = self._rl.get(face)
        if found is not None:
            return found
        if face.outline == "glyf":
            found = pdffonts.load_face(face.path, face.index, face, f"{face.path}|{face.index}", self.settings)
        else:
            if self._used is None:
                raise RenderError("internal: a CFF face was drawn before the document's characters were known")
            chars = "".join(sorted(self._used.get(face, ())))
            load = embeddable.truetype_subset(face.path, face.index, chars, self.settings)
            found = pdffonts.load_subset_face(str(load), face, f"{face.path}|{face.index}|{chars}")
            self.subset_faces.append(found)
        self._rl[face] = found
        return found

    def _collect_characters(self) -> None:
        """Which characters each face sets in this document (the CFF subsets are cut from it)."""
        used: dict[fonts.FaceMetrics, set[str]] = {}
        for role, found in self._chars.items():
            for face, some in self.fonts.faces(role, found).items():
                used.setdefault(face, set()).update(some)
        self._used = used

    def lay_cell(self, pieces: list[str], role: str, width: float, align: str, size: float) -> list[LaidLine]:
        measure = self.fonts.measure(role, size, 0.0)
        out: list[LaidLine] = []
        texts = [t for piece in pieces for t in break_lines(piece, measure, width)]
        for i, t in enumerate(texts):
            natural = self.fonts.glyph_width(role, size, t)
            n = len(t)
            multi = len(texts) > 1
            if (align == "justify" and multi and i < len(texts) - 1 and n > 1 and natural < width
                    and (width - natural) / (n - 1) <= MAX_STRETCH * size):
                char_space, stretch = justified(t, (width - natural) / (n - 1), 0.0, size, False)
                out.append(LaidLine(t, 0.0, char_space, natural, True, width, stretch=stretch))
            elif align == "center" or not multi:
                out.append(LaidLine(t, max((width - natural) / 2, 0.0), 0.0, natural, False, width))
            else:
                out.append(LaidLine(t, 0.0, 0.0, natural, False, width))
        return out

    # ---- drawing

    def draw_line(self, canv, block: Block, line: LaidLine, x: float, baseline: float, slot):
        runs = self._runs(block, line.text)
        if self.tagger is None:
            self._draw_runs(canv, block, runs, line, x, baseline)
        else:
            self._draw_tagged(canv, block, line, x, baseline)
        if block.links:
            self._link_areas(canv, block, line, x, baseline)
        if not self.record_layout:
            return
        abs_x0, abs_y = canv.absolutePosition(x, baseline)
        n = len(line.text)
        x1 = abs_x0 + line.natural + line.spacing(0, max(n - 1, 0))
        self.lines.append(Line(
            canv.getPageNumber(), block.kind, block.block_id, line.text, block.source,
            abs_x0, x1, abs_y, block.size, line.justified, slot,
            tuple((f.path, f.index, chunk) for f, chunk in runs),
            block.role, line.width, line.tracking, line.hang,
        ))

    def _runs(self, block: Block, text: str) -> list[tuple[fonts.FaceMetrics, str]]:
        """``text`` (of ``block``) cut where the face changes (``FontChoice.runs``)."""
        return [(block.face, text)] if block.face is not None else self.fonts.runs(block.role, text)

    def _draw_runs(self, canv, block: Block, runs, line: LaidLine, x: float, baseline: float, first: int = 0):
        """``runs`` (the line's characters from ``first`` on, a face each) as one text object,
        in the line's character spacing; where the line has stretch (``LaidLine.stretch``), the
        characters it follows are set with that much more character spacing."""
        if block.embolden:  # faux bold: fill and stroke, in its own graphics state
            canv.saveState()
            canv.setLineWidth(block.size * self.pdf.embolden_stroke)
        fp_str = self._fp_str
        # One text object, written as reportlab's beginText / setFont / textOut / drawText
        # write it, without its cursor bookkeeping (a width measured per piece).
        code = ["BT", f"1 0 0 1 {fp_str(x, baseline)} Tm"]
        if block.embolden:
            code.append("2 Tr")
        code.append(f"{fp_str(line.char_space)} Tc")
        doc, size, fonts = canv._doc, block.size, self._cid_fonts
        stretch, at = line.stretch, first
        for face, chunk in runs:
            drawn = self.rl_face(face)
            if drawn.chars is not None and not drawn.chars.issuperset(map(ord, chunk)):
                raise RenderError(f"internal: {chunk!r} is not in the subset of {face.path}")
            font = fonts.get(drawn.font) or fonts.setdefault(drawn.font, pdffonts.CidFont(drawn.font, doc))
            code.append(f"/{font.name} {pdfobjects.font_size_code(size)}")
            if not stretch:
                code.append(f"({font.literal(chunk)}) Tj")
            else:
                extra = list(stretch[at:at + len(chunk)])
                extra += [0.0] * (len(chunk) - len(extra))  # the line's last character has none
                cut = 0
                for end in (*compress(range(1, len(chunk)), map(ne, extra[1:], extra)), len(chunk)):
                    code.append(f"{fp_str(line.char_space + extra[cut])} Tc ({font.literal(chunk[cut:end])}) Tj")
                    cut = end
            at += len(chunk)
        code.append("ET")
        canv._code.append(" ".join(code))
        if block.embolden:
            canv.restoreState()

    def _link_areas(self, canv, block: Block, line: LaidLine, x: float, baseline: float):
        """A link annotation over each stretch of the line that is a link's text: from the
        first glyph's left edge to the last one's right, the em box high. Printed (PDF/A asks
        every annotation to be), no border; its text is its description. In tagged output
        the link's Link element holds it (an object reference, the annotation's
        ``StructParent`` its key in the parent tree)."""
        from reportlab.pdfbase.pdfdoc import PDFString

        start, end = line.offset, line.offset + len(line.text)
        width = partial(self.fonts.glyph_width, block.role, block.size)
        for at, until, target, node in block.links:
            at, until = max(at, start), min(until, end)
            if at >= until:
                continue
            before, inside = line.text[:at - start], line.text[at - start:until - start]
            x0 = x + width(before) + line.spacing(0, len(before))
            x1 = x0 + width(inside) + line.spacing(len(before), len(before) + len(inside) - 1)
            bottom = baseline + (EM_CENTRE - 0.5) * block.size  # the em box, its centre EM_CENTRE above the baseline
            tagged = {} if node is None else {"StructParent": self.tagger.key()}
            canv.linkURL(target, (x0, bottom, x1, bottom + block.size), relative=1, thickness=0,
                         F=ANNOTATION_PRINT, Contents=PDFString(inside), **tagged)
            if node is not None:  # the Link element holds the annotation reportlab just named
                reference = canv._doc.refAnnotation(f"NUMBER{canv._annotationCount}")
                node.objects.append((canv.getPageNumber(), reference, tagged["StructParent"]))

    def _draw_tagged(self, canv, block: Block, line: LaidLine, x: float, baseline: float):
        """The line as marked content: one sequence per structure element it holds text of
        (a text object each, placed where the previous one ended), or one artifact."""
        tagger = self.tagger
        if block.artifact or not block.tags:
            tagger.artifact(canv, block.artifact or "Layout")
            self._draw_runs(canv, block, self._runs(block, line.text), line, x, baseline)
            tagger.end(canv)
            return
        start, end = line.offset, line.offset + len(line.text)
        cuts = [(max(at, start), node) for i, (at, node) in enumerate(block.tags)
                if at < end and (i + 1 == len(block.tags) or block.tags[i + 1][0] > start)]
        for i, (at, node) in enumerate(cuts):
            piece = line.text[at - start:(cuts[i + 1][0] if i + 1 < len(cuts) else end) - start]
            if not piece:
                continue
            runs = self._runs(block, piece)
            tagger.begin(canv, node)
            self._draw_runs(canv, block, runs, line, x, baseline, at - start)
            tagger.end(canv)
            x += self.fonts.glyph_width(block.role, block.size, piece) + line.spacing(at - start, at - start + len(piece))

    @property
    def dash_top(self) -> float:
        """How far the top of the page number's dash (一字线) is above its baseline, in 1/1000
        em: GB/T 9704 puts the dash, not the digits' em box, 7 mm under the block."""
        ink = self.fonts.face_for("page_number", DASH).ink(DASH)
        return ink[1] if ink else 880.0

    def page_number(self, canv, doc):
        n = canv.getPageNumber()
        geo, size = self.geo, self.pdf.page_number_size
        label = f"{DASH} {n} {DASH}"
        natural = self.fonts.glyph_width("page_number", size, label)
        if n % 2:
            x = geo.right - geo.cell - natural
        else:
            x = geo.left + geo.cell
        baseline = geo.bottom - self.pdf.page_number_gap_mm * MM - self.dash_top * size / 1000.0
        block = Block("page_number", "page_number", size, label, [], -n,
                      embolden="page_number" in self.embolden, artifact="Pagination")
        canv.saveState()
        self.draw_line(canv, block, LaidLine(label, x, 0.0, natural, False), x, baseline, None)
        canv.restoreState()

    # ---- visiting

    def visit_report(self, el):
        self.visit_children(el)

    def visit_front(self, el):
        """The title block, then each field line, then the blank line(s) before the body."""
        blocks = []
        for line in views.front_lines(el.getparent()):
            if line.kind == "title":
                blocks.append(self.lay_grid(line.text, "title", "title", align="title",
                                            tags=self._tags(line.text, "Title")))
            else:
                blocks.append(self.lay_grid(line.text, "body", "field", align="center-single", indent=0,
                                            tags=self._tags(line.text, "P")))
        if blocks:
            blocks[-1].blank_after = self.pdf.lines_after_title
        self.story += [self.GridBlock(block, self) for block in blocks]

    def visit_body(self, el):
        self.visit_children(el)

    def visit_section(self, el):
        self._depth += 1
        self.visit_children(el)
        self._depth -= 1

    def visit_heading(self, el):
        section = el.getparent()
        role = views.heading_role(section)  # the face follows the label kind, the outline the nesting
        line = ir.heading_line(section)
        if not views.printable(line):
            return
        depth = min(max(int(section.get("level", "1")), 1), 4)
        links = [(section.get("label", ""), None), *_link_pieces(el)]
        if self.tagger and any(target for _piece, target in links):
            tags = self._linked(self._parent.add(f"H{depth}"), links)
        else:
            tags = self._tags(line, f"H{depth}")
        block = self.lay_grid(line, role, "heading", tags=tags, links=links)
        self._headings += 1
        # an outline never skips a level; an attachment's headings go under its entry
        level = min(self._depth - 1 + int(self._attachments > 0), self._outline_level + 1)
        self._outline_level = level
        block.bookmark = (f"h{self._headings}", views.printable(line), level)
        self.story.append(self.GridBlock(block, self))

    def visit_p(self, el):
        text = ir.text_of(el)
        if not views.printable(text):
            return
        part = views.part_of(el)
        tags = self._paragraph_tags(el) if self.tagger else ()
        if part == "attachment-title":  # set as the document's title is, the blank line under it
            block = self.lay_grid(text, "title", "title", align="title", tags=tags, links=_link_pieces(el))
            block.blank_after = self.pdf.lines_after_title if views.ends_attachment_title(el) else 0
            block.keep_with_next = True
        elif part == "attachment-note":  # each name's later lines under its first character
            first, hang = views.note_indents(el)
            block = self.lay_grid(text, "body", "p", align="ragged", indent=self.pdf.indent_chars + first,
                                  rest=self.pdf.indent_chars + hang, tags=tags, links=_link_pieces(el))
        elif part in ("signature", "signature-date"):  # 右空二字, the date under the organ
            block = self.lay_grid(text, "body", "p", align="right", indent=0, inset=views.signature_inset(el),
                                  tags=tags, links=_link_pieces(el))
            block.keep_with_previous = True
        else:
            align = views.alignment(el) or "justify"
            indent = 0 if align in ("center", "left") else None
            if align == "left":  # flush left: justified, without the first-line indent
                align = "justify"
            # an attachment's 附件 line: in the 一、 headings' face, its title on the line after next
            role = "heading1" if part == "attachment" else "body"
            block = self.lay_grid(text, role, "p", align=align, indent=indent, tags=tags, links=_link_pieces(el))
            block.keep_with_next = align == "center" or part == "attachment"
            block.keep_with_previous = part == "signature-note"  # the 附注 on the date's page
            block.blank_after = int(part == "attachment")
            if part == "attachment":  # an outline entry of its own, the attachment's headings under it
                self._attachments += 1
                block.bookmark = (f"a{self._attachments}", views.attachment_entry(el), 0)
                self._outline_level = 0
        if views.blank_line_above(el) and self.story and isinstance(self.story[-1], self.GridBlock):
            self.story[-1].block.blank_after += 1  # 在正文下空一行
        if views.starts_page(el) and self.story:
            from reportlab.platypus import PageBreak

            self.story.append(PageBreak())
        self.story.append(self.GridBlock(block, self))

    @staticmethod
    def _linked(node: pdfa.Node, pieces: list[tuple[str, str | None]]) -> list[tuple[str, pdfa.Node]]:
        """Tagged output: ``pieces`` (a text, the target of the link it is or None) as the
        content of ``node``, each link's as a Link element inside it."""
        return [(piece, node.add("Link", inline=True, target=target) if target and piece else node)
                for piece, target in pieces]

    def _tags(self, text: str, role: str, **kwargs) -> list[tuple[str, pdfa.Node]]:
        """Tagged output: ``text`` as the content of a new ``role`` element (else nothing)."""
        return [(text, self._parent.add(role, **kwargs))] if self.tagger else []

    def _paragraph_tags(self, el) -> list[tuple[str, pdfa.Node]]:
        """A paragraph's printed text (``ir.text_of``) in pieces: the text before its first
        enumeration item as a ``P``, then the items as an ``L`` of ``LI`` (label ``Lbl``, text
        and what follows it ``LBody``)."""
        parent, pieces = self._parent, []
        intro = items = body = None

        def put(text):
            nonlocal intro
            if text:
                if body is None and intro is None:
                    intro = parent.add("P")
                pieces.append((text, intro if body is None else body))

        put(el.text)
        for child in el:
            if child.tag == "item":
                items = items or parent.add("L")
                entry = items.add("LI")
                pieces.append((child.get("label", ""), entry.add("Lbl")))
                body = entry.add("LBody")
                put(ir.text_of(child))
            elif child.tag == "link":
                target = views.link_target(child.get("href"))
                if target and child.text:
                    if body is None and intro is None:
                        intro = parent.add("P")
                    pieces += self._linked(intro if body is None else body, [(child.text, target)])
                else:
                    put(child.text)
            put(child.tail)
        return pieces

    def visit_item(self, el):  # printed by its paragraph
        pass

    def visit_link(self, el):  # printed as part of the surrounding text
        pass

    def visit_list(self, el):
        parent = self._parent
        if self.tagger:
            self._parent = parent.add("L")
        self.visit_children(el)
        self._parent = parent

    def visit_li(self, el):
        marker, text = views.li_marker(el), views.li_text(el)
        links = [(marker, None), *_link_pieces(el)]
        tags = []
        if self.tagger:
            entry = self._parent.add("LI")
            tags = [(marker, entry.add("Lbl"))]
            tags += self._linked(entry.add("LBody"), links[1:])
        self.story.append(self.GridBlock(self.lay_grid(text, "body", "li", tags=tags, links=links), self))

    def visit_figure(self, el):
        """The picture then its caption, or the placeholder when there is no picture. Tagged:
        a ``Figure`` with the alt text (else the placeholder's), holding the picture and a
        ``Caption``, or the placeholder."""
        image = self._image(views.picture(el))
        text = views.figure_caption(el) if image is not None else views.figure_placeholder(el)
        tags = []
        if self.tagger:
            figure = self._parent.add("Figure", alt=views.figure_caption(el) or views.figure_placeholder(el))
            tags = [(text, figure.add("Caption") if image is not None else figure)]
            if image is not None:
                image.tagger, image.node = self.tagger, figure
        if image is not None:
            self.story.append(image)
        if text:
            self.story.append(self.GridBlock(self.lay_grid(text, "body", "figure", align="center-single", indent=0,
                                                           tags=tags), self))

    def _image(self, picture: views.Picture | None):
        """The picture as a flowable scaled into the text block (never enlarged), or None when
        there is none or its bytes are not an image reportlab can read. Archival output has
        no transparency: a picture with alpha is set onto white first (``pdfa.flatten_picture``)."""
        from reportlab.lib.utils import ImageReader

        if picture is None:
            return None
        data = pdfa.flatten_picture(picture.data) if self.pdf.archival else picture.data
        try:
            w, h = ImageReader(io.BytesIO(data)).getSize()
        except Exception:  # not an image after all: the placeholder stands in for it
            return None
        if w <= 0 or h <= 0:
            return None
        scale = min(self.geo.width / w, (self.geo.height - 2 * self.geo.pitch) / h, 1.0)
        image = _image_class()(io.BytesIO(data), width=w * scale, height=h * scale)
        image.hAlign = "CENTER"
        return image

    def visit_table(self, el):
        """The IR's grid as it stands: ``cols`` columns, spans as SPAN, ``repeatRows`` the
        header rows, a group's row kept with the row after it (NOSPLIT). Columns are sized by content (``views.table_columns``, as in the DOCX);
        when the narrowest is too narrow for a character at the table size, padding and text
        shrink."""
        from reportlab.platypus import TableStyle

        grid = views.grid(el)
        cells = [cell for row in grid.cells for cell in row]
        pieces = {cell: [self.printable(line, self._cell_role(cell)) for line in cell.lines] for cell in cells}
        measures = {role: self.fonts.measure(role, self.pdf.table_size, 0.0) for role in ("body", "heading1")}
        widths = views.table_columns(grid, lambda cell, text: measures[self._cell_role(cell)](text),
                                     self.geo.width, 2 * CELL_PADDING, self.pdf.table_size, pieces.get)
        padding = min(CELL_PADDING, min(widths) / 8)
        size = min(self.pdf.table_size, 0.95 * (min(widths) - 2 * padding))
        empty = lambda: self.CellText([], "body", "center", self, 0, size)  # noqa: E731
        data = [[empty() for _ in range(grid.cols)] for _ in range(grid.rows)]
        nodes = self._table_nodes(grid) if self.tagger else {}
        style = [
            ("GRID", (0, 0), (-1, -1), TABLE_RULE, (0, 0, 0)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
        ]
        for cell in cells:
            role = self._cell_role(cell)
            align = "center" if cell.header else "justify"
            data[cell.row][cell.col] = self.CellText(pieces[cell], role, align, self, self._new_block(), size,
                                                     node=nodes.get(cell))
            if cell.rowspan > 1 or cell.colspan > 1:
                style.append(("SPAN", (cell.col, cell.row),
                              (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
        style += [("NOSPLIT", (0, r), (-1, r + 1)) for r in sorted(views.group_rows(grid))]
        data, style, repeat = self._rows_fitting_a_page(grid, data, style, widths, padding, size, empty)
        table = _table_class()(data, colWidths=widths, repeatRows=repeat, style=TableStyle(style),
                               splitByRow=1, splitInRow=0, hAlign="CENTER")
        table.frame_height, table.tagger = self.frame_height, self.tagger
        lead = size * CELL_LEADING
        spanning = {(command[1][1], command[1][0]) for command in table._spanCmds if command[1][1] != command[2][1]}
        heights = [CELL_PADDING + lead * max((len(cell._lines or ()) for c, cell in enumerate(row)
                                               if (r, c) not in spanning), default=0)
                   for r, row in enumerate(data)]
        if RowWindows.windowed(table, heights, self.frame_height):
            table.rows = RowWindows(table, heights, self.frame_height)
        self._tables.append(table)
        self.story.append(table)

    def _rows_fitting_a_page(self, grid: views.Grid, data: list, style: list, widths: list[float],
                             padding: float, size: float, empty) -> tuple[list, list, int]:
        """The table's rows with each row taller than a page (under the repeated header) cut
        into rows that each fit one, every cell's lines shared out in order; and how many
        header rows repeat on each page: none when they fill more than half a page. reportlab
        splits a row across pages itself only as a last resort (a row inside a row span):
        its split lays the rest of the table out again for every page and, past the text,
        goes on with blank pages."""
        lead = size * CELL_LEADING
        cells = [cell for row in grid.cells for cell in row]
        spanned = {r for cell in cells if cell.rowspan > 1 for r in range(cell.row, cell.row + cell.rowspan)}

        def lines(cell: views.GridCell) -> list[LaidLine]:
            width = sum(widths[cell.col:cell.col + cell.colspan]) - 2 * padding
            return data[cell.row][cell.col]._layout(width)  # laid out once: reportlab's wrap finds them

        heights = [CELL_PADDING] * grid.rows
        for cell in cells:
            if cell.rowspan == 1:
                heights[cell.row] = max(heights[cell.row], len(lines(cell)) * lead + CELL_PADDING)
        header = sum(heights[:grid.header_rows])
        for cell in cells:
            if cell.row < grid.header_rows and cell.rowspan > 1:
                header = max(header, sum(heights[:cell.row]) + len(lines(cell)) * lead + CELL_PADDING)
        repeat = grid.header_rows if header <= self.frame_height / 2 else 0
        room = self.frame_height - (header if repeat else 0.0) - 1.0
        per_part = int((room - CELL_PADDING) / lead)
        # Rows joined by row spans (a band) taller than a page would need reportlab's split
        # inside a row after all: their spans are undone, each spanning cell set in its first
        # row, and those rows cut as any other.
        undone = [cell for band in self._bands(cells, repeat) if self._band_height(band, heights, lines, lead) > room
                  for cell in band]
        if undone:
            starts = {(cell.col, cell.row) for cell in undone}
            style = [entry for entry in style if entry[0] != "SPAN" or entry[1] not in starts]
            style += [("SPAN", (c.col, c.row), (c.col + c.colspan - 1, c.row)) for c in undone if c.colspan > 1]
            for cell in undone:
                heights[cell.row] = max(heights[cell.row], len(lines(cell)) * lead + CELL_PADDING)
            spanned = {r for cell in cells if cell.rowspan > 1 and (cell.col, cell.row) not in starts
                       for r in range(cell.row, cell.row + cell.rowspan)}
        tall = {r for r in range(repeat, grid.rows) if r not in spanned and heights[r] > room}
        if not tall or per_part < 1:
            return data, style, repeat
        out, first = [], {}
        for r, row in enumerate(data):
            first[r] = len(out)
            if r not in tall:
                out.append(row)
                continue
            laid = {cell: lines(cell) for cell in grid.cells[r]}
            count = max(math.ceil(len(found) / per_part) for found in laid.values())
            parts = [[empty() for _ in range(grid.cols)] for _ in range(count)]
            for cell, found in laid.items():
                flow = data[r][cell.col]
                for j, part in enumerate(parts):
                    part[cell.col] = self.CellText(flow.pieces, flow.role, flow.align, self, flow.block_id, size,
                                                   found[j * per_part:(j + 1) * per_part], flow.node)
            out += parts
        moved = []
        for command, (c0, r0), (c1, r1), *rest in style:
            if command not in ("SPAN", "NOSPLIT"):
                moved.append((command, (c0, r0), (c1, r1), *rest))
            elif command == "SPAN" and r0 in tall:  # a column span in a row cut in parts: spans each part
                moved += [(command, (c0, first[r0] + j), (c1, first[r0] + j)) for j in range(first.get(r0 + 1, len(out)) - first[r0])]
            else:
                moved.append((command, (c0, first[r0]), (c1, first[r1])))
        return out, moved, repeat

    @staticmethod
    def _bands(cells: list[views.GridCell], first_row: int) -> list[list[views.GridCell]]:
        """The row-spanning cells from ``first_row`` on, in runs of rows their spans join."""
        bands: list[list[views.GridCell]] = []
        end = -1
        for cell in sorted((c for c in cells if c.rowspan > 1 and c.row >= first_row), key=lambda c: c.row):
            if cell.row > end:
                bands.append([])
            bands[-1].append(cell)
            end = max(end, cell.row + cell.rowspan - 1)
        return bands

    @staticmethod
    def _band_height(band: list[views.GridCell], heights: list[float], lines, lead: float) -> float:
        """How tall the rows of ``band`` are: each row as its own cells make it, the last row of
        each span grown as far as the span's text needs (as reportlab sizes spans)."""
        first, last = band[0].row, max(cell.row + cell.rowspan - 1 for cell in band)
        rows = {r: heights[r] for r in range(first, last + 1)}
        for cell in sorted(band, key=lambda c: c.row + c.rowspan):
            end = cell.row + cell.rowspan - 1
            need = len(lines(cell)) * lead + CELL_PADDING - sum(rows[r] for r in range(cell.row, end + 1))
            rows[end] += max(need, 0.0)
        return sum(rows.values())

    @staticmethod
    def _cell_role(cell: views.GridCell) -> str:
        return "heading1" if cell.header else "body"

    def _table_nodes(self, grid: views.Grid) -> dict[views.GridCell, pdfa.Node]:
        """Tagged output: a ``Table`` of ``TR`` rows of ``TH`` (header rows, column scope) and
        ``TD`` cells with their spans; the element of each cell."""
        table, nodes = self._parent.add("Table"), {}
        for row in grid.cells:
            tr = table.add("TR")
            for cell in row:
                attributes = {"Scope": "Column"} if cell.header else {}
                if cell.rowspan > 1:
                    attributes["RowSpan"] = cell.rowspan
                if cell.colspan > 1:
                    attributes["ColSpan"] = cell.colspan
                nodes[cell] = tr.add("TH" if cell.header else "TD", attributes=attributes, keep_empty=True)
        return nodes

    def _not_drawn(self, el):
        """Laid out by its table."""

    visit_row = visit_cell = _not_drawn

    # ---- the document

    def build(self, tree: etree._Element) -> bytes:
        from reportlab import Version as rl_version
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
        from reportlab.platypus.doctemplate import LayoutError

        self.visit(tree)
        self._collect_characters()
        body_font = self.rl_face(self.fonts.role_face["body"]).name
        for table in self._tables:  # the font reportlab selects per cell (the text is ours)
            table.setStyle([("FONTNAME", (0, 0), (-1, -1), body_font)])
        geo = self.geo
        buf = io.BytesIO()
        meta = {name: (ir.meta_value(tree, name) or "").strip() for name in ("title", "publisher", "date", "site")}
        date = pdf_date(meta["date"], self.settings.source_date_epoch)

        finishing = pdfa.canvas_class()
        intent = pdfa.OutputIntent(colour.srgb_profile(), colour.SRGB_CONDITION) if self.pdf.archival else None

        def canvasmaker(*args, **kwargs):
            canv = finishing(*args, date=date, intent=intent, tagger=self.tagger, **kwargs)
            if self._headings:
                canv.showOutline()
            return canv

        frame = Frame(geo.left, geo.top - self.frame_height, geo.width, self.frame_height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="block")
        doc = BaseDocTemplate(
            buf,
            pagesize=(geo.page_width, geo.page_height),
            pageTemplates=[PageTemplate("page", [frame], onPageEnd=self.page_number)],
            invariant=1,
            title=meta["title"],
            author=meta["publisher"],
            subject=self.pdf.subject or meta["site"],
            keywords=self.pdf.keywords,
            creator=f"pipeline {__version__}",
            producer=f"pipeline {__version__} (ReportLab {rl_version})",
            lang=self.pdf.lang,
            initialFontName=body_font,
            initialFontSize=self.pdf.body_size,
            displayDocTitle=1,
            allowSplitting=1,
        )
        story = keep_headings_with_next(keep_signatures_with_previous(self.story)) or [
            self.GridBlock(Block("p", "body", self.pdf.body_size, "", [], 0), self)]
        try:
            doc.build(story, canvasmaker=canvasmaker)
        except LayoutError as exc:
            raise RenderError(f"PDF layout failed: {exc}") from None
        if not (self.pdf.archival or self.tagger):
            return buf.getvalue()
        return pdfa.identified(buf.getvalue())


# --- helpers ------------------------------------------------------------------------------

def _link_pieces(el: etree._Element) -> list[tuple[str, str | None]]:
    """The printed text of an inline container (``ir.text_of``) in pieces, each with the
    target of the link it is (``views.link_target``: None for one not safe to follow) or
    None."""
    pieces: list[tuple[str, str | None]] = [(el.text or "", None)]
    for child in el:
        if child.tag == "item":
            pieces += [(child.get("label", ""), None), *_link_pieces(child)]
        elif child.tag == "link":
            pieces.append((child.text or "", views.link_target(child.get("href"))))
        pieces.append((child.tail or "", None))
    return pieces


#: The date of a report without one when no SOURCE_DATE_EPOCH is set: the date reportlab
#: gives a file in its invariant mode (2000-01-01 00:00 UTC).
INVARIANT_EPOCH = 946684800


def pdf_date(iso_date: str | None, epoch: int | None) -> str:
    """The CreationDate: the report's date (midnight, China time), else SOURCE_DATE_EPOCH
    (UTC), else ``INVARIANT_EPOCH``."""
    if iso_date:
        try:
            day = datetime.strptime(iso_date.strip(), "%Y-%m-%d")
            return day.strftime("D:%Y%m%d000000+08'00'")
        except ValueError:
            pass
    moment = INVARIANT_EPOCH if epoch is None else int(epoch)
    return datetime.fromtimestamp(moment, tz=timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")


def _render(tree: etree._Element, settings, record_layout: bool = False) -> tuple[bytes, PdfWriter]:
    if settings is None:
        from ..config import Settings

        settings = Settings()
    # No lock around a whole rendering: what documents share is a face (``pdffonts.load_face``,
    # loaded and registered with reportlab under a lock), whose composite font each document
    # makes for itself, and whose subsets are built without a shared cursor.
    deflating = pdfobjects.DEFLATE.set(pdfobjects.deflater(settings.pdf.deflate, settings.pdf.compression_level))
    writer = None
    try:
        writer = PdfWriter(settings, record_layout)
        return writer.build(tree), writer
    finally:
        pdfobjects.DEFLATE.reset(deflating)
        if writer is not None:
            pdffonts.release(writer.subset_faces)


def render(tree: etree._Element, settings=None) -> bytes:
    """The report as PDF bytes."""
    return _render(tree, settings)[0]


def layout(tree: etree._Element, settings=None) -> list[list[Line]]:
    """The lines as laid out, per page (page 1 first), page numbers included (kind page_number)."""
    return render_with_layout(tree, settings)[1]


def render_with_layout(tree: etree._Element, settings=None) -> tuple[bytes, list[list[Line]]]:
    """Both the bytes and the layout of one rendering."""
    data, writer = _render(tree, settings, record_layout=True)
    pages: dict[int, list[Line]] = {}
    for line in writer.lines:
        pages.setdefault(line.page, []).append(line)
    return data, [pages.get(n, []) for n in range(1, max(pages, default=0) + 1)]
