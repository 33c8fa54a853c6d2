"""Table shapes that made the PDF layout slow or long: rows taller than a page, very wide
tables of long cells, header rows taller than half a page. Each converts, in pages
proportional to its text, every cell's text drawn once and inside its column."""
from __future__ import annotations

import importlib
import math
from collections import defaultdict

import msgspec
import pytest
from lxml import etree

from pipeline import ir
from pipeline.config import PdfSettings, Settings
from pipeline.tables import normalize
from pipeline.writers import pdf, pdfobjects

TOLERANCE = 0.01  # points


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return Settings(pdf=PdfSettings(font_cache_dir=tmp_path_factory.mktemp("font-cache")))


def cell_text(row: int, col: int, chars: int) -> str:
    """Distinct text per cell (a run of CJK ideographs), so a line drawn twice shows."""
    return "".join(chr(0x4E00 + (row * 997 + col * 131 + i) % 6000) for i in range(chars))


def table_tree(rows: int, cols: int, chars: int, header: bool = False) -> etree._Element:
    root = ir.new_report()
    root.find("front/title").text = "宽表"
    table = etree.Element("table")
    for r in range(rows):
        row = etree.SubElement(table, "row")
        for c in range(cols):
            attrs = {"header": "true"} if header and r == 0 else {}
            etree.SubElement(row, "cell", **attrs).text = cell_text(r, c, chars)
    root.find("body").append(normalize(table)[0])
    return ir.validate(root)


def check_cells(pages: list[list[pdf.Line]], rows: int, cols: int, chars: int,
                expected: list[str] | None = None) -> dict[int, list[pdf.Line]]:
    """Every cell's text (``expected``, else ``cell_text`` of each position) drawn exactly
    once, in order; no page without text after the first; the lines of a cell in one column.
    The lines of each cell, by block."""
    cells: dict[int, list[pdf.Line]] = defaultdict(list)
    for n, page in enumerate(pages):
        drawn = [line for line in page if line.kind == "cell"]
        assert drawn or n == 0, f"page {n + 1} has no table text"
        for line in drawn:
            cells[line.block].append(line)
    texts = sorted("".join(line.text for line in lines) for lines in cells.values())
    if expected is None:
        expected = [cell_text(r, c, chars) for r in range(rows) for c in range(cols)]
    assert texts == sorted(expected)
    for lines in cells.values():
        assert len({round(line.x0, 2) for line in lines}) <= 2  # one column (centred last line aside)
        assert all(line.x1 - line.x0 <= line.width + TOLERANCE for line in lines)
    return cells


@pytest.mark.slow
def test_a_row_taller_than_many_pages_fills_each_page_once(settings):
    """One row of three 12 000-character cells: about thirty pages of text, each page full
    under the one before (reportlab's own split of the row went on for 250 pages, most
    of them blank, and set the text wider than the cell)."""
    tree = table_tree(1, 3, 12000)
    pages = pdf.layout(tree, settings)
    cells = check_cells(pages, 1, 3, 12000)
    lines = max(len(found) for found in cells.values())
    size = next(iter(cells.values()))[0].size
    per_page = int(pdf.PdfWriter(settings).frame_height // (size * pdf.CELL_LEADING))
    assert len(pages) <= math.ceil(lines / per_page) + 2
    widths = {round(line.width, 6) for found in cells.values() for line in found}
    assert len(widths) == 1  # every line broken at the cell's width, padding left out


@pytest.mark.slow
def test_a_header_taller_than_half_a_page_is_not_repeated(settings):
    """Forty columns of 30-character cells, the first row a header: each row is more than
    half a page high, so the header is drawn once (repeated, it left room for half a row
    on each page: two pages per row)."""
    tree = table_tree(6, 40, 30, header=True)
    pages = pdf.layout(tree, settings)
    check_cells(pages, 6, 40, 30)
    assert len(pages) <= 6 + 1


@pytest.mark.slow
def test_a_wide_table_of_long_cells_converts_in_a_page_a_row(settings):
    """40 columns × 200 rows of 30-character cells (the writer property test keeps cells
    short because of this shape): a page a row, every cell drawn once."""
    tree = table_tree(200, 40, 30, header=True)
    pages = pdf.layout(tree, settings)
    check_cells(pages, 200, 40, 30)
    assert len(pages) <= 200 + 1


@pytest.mark.slow
def test_rows_joined_by_a_span_taller_than_a_page_are_cut_too(settings):
    """Two rows of six columns, every other column one cell spanning both rows with 3000
    characters: the rows the spans join are taller than a page, so the spans are undone
    (each spanning cell set in its first row) and the rows cut as any other (reportlab's
    split inside the spanned rows took 83 pages, 64 of them blank; other such tables
    failed the layout or ran for minutes)."""
    root = ir.new_report()
    root.find("front/title").text = "跨行"
    table, expected = etree.Element("table"), []
    for r in range(2):
        row = etree.SubElement(table, "row")
        for c in range(6):
            if c % 2 == 0 and r == 1:
                continue  # covered by the span above
            text = cell_text(r, c, 3000 if c % 2 == 0 else 1500)
            etree.SubElement(row, "cell", **({"rowspan": "2"} if c % 2 == 0 else {})).text = text
            expected.append(text)
    root.find("body").append(normalize(table)[0])
    pages = pdf.layout(ir.validate(root), settings)
    cells = check_cells(pages, 2, 6, 0, expected)
    size = next(iter(cells.values()))[0].size
    per_page = int(pdf.PdfWriter(settings).frame_height // (size * pdf.CELL_LEADING))
    assert len(pages) <= math.ceil(sum(len(found) for found in cells.values()) / per_page) + 2 + 1


# --- long tables: a window of rows at a time ------------------------------------------------

def long_table_tree(rows: int, header_rows: int = 1, group_every: int = 0, tall_every: int = 0,
                    span_every: int = 0) -> etree._Element:
    """A table of ``rows`` rows of three columns: ``header_rows`` header rows, a group's
    heading row (one cell across the table, kept with the row after it) before every
    ``group_every``-th row, a row with two cells joined before every fifth, a cell of 3,000
    characters (taller than a page, so cut into rows) every ``tall_every``-th row (from half
    of it on); or, with
    ``span_every``, a first cell joining that many rows, with text enough for more lines than
    they hold now and then (their last row grows), and no other joined cells."""
    root = ir.new_report()
    root.find("front/title").text = "长表"
    table = etree.Element("table")
    for r in range(rows):
        if group_every and r >= header_rows and r % group_every == 0:
            etree.SubElement(etree.SubElement(table, "row"), "cell", colspan="3").text = f"第{r}组"
        row = etree.SubElement(table, "row")
        header = {"header": "true"} if r < header_rows else {}
        body = r - header_rows
        if span_every and not header:
            if body % span_every == 0:
                etree.SubElement(row, "cell", rowspan=str(span_every)).text = cell_text(r, 0, 4 if r % 3 else 90)
            etree.SubElement(row, "cell").text = cell_text(r, 1, 12)
        elif r % 5 == 2 and not header:
            etree.SubElement(row, "cell", colspan="2").text = cell_text(r, 0, 8)
        else:
            etree.SubElement(row, "cell", **header).text = cell_text(r, 0, 4)
            etree.SubElement(row, "cell", **header).text = cell_text(r, 1, 3000 if tall_every and r % tall_every == tall_every // 2 else 12)
        etree.SubElement(row, "cell", **header).text = cell_text(r, 2, 6)
    root.find("body").append(normalize(table)[0])
    return ir.validate(root)


def windowed_and_whole(tree: etree._Element, settings: Settings, monkeypatch) -> tuple[bytes, bytes, int]:
    """The PDF of ``tree`` with its long tables laid out in windows and without (reportlab
    given the whole table), and how many windows reportlab was given."""
    windows = []
    window = pdf.RowWindows.window
    monkeypatch.setattr(pdf.RowWindows, "window", lambda self, *a, **k: windows.append(1) or window(self, *a, **k))
    in_windows = pdf.render(tree, settings)
    monkeypatch.setattr(pdf.RowWindows, "windowed", staticmethod(lambda *a: False))
    return in_windows, pdf.render(tree, settings), len(windows)


def test_a_long_table_is_laid_out_a_window_of_rows_at_a_time_with_the_same_bytes(settings, monkeypatch):
    """A table of 240 rows (about ten pages: its header repeated, group rows kept with the row
    after them, cells joined across columns): reportlab is given a window of rows at a time,
    with the style commands its own split would have left there, and the file is the same."""
    in_windows, whole, windows = windowed_and_whole(long_table_tree(240, group_every=9), settings, monkeypatch)
    assert windows > 3
    assert in_windows == whole


@pytest.mark.slow
@pytest.mark.parametrize("header_rows, tall_every, span_every, tagged",
                         [(0, 0, 0, False), (2, 0, 0, False), (1, 40, 0, False), (1, 40, 0, True), (1, 0, 7, True)])
def test_long_tables_of_other_shapes_are_the_same_in_windows(settings, monkeypatch, header_rows, tall_every,
                                                             span_every, tagged):
    """Without a header (reportlab rewrites the commands of the rest of the table another
    way), with two header rows, with rows taller than a page cut into rows, tagged (the header
    cells repeated as artifacts), and with cells joining rows (a window never ends inside them;
    a page may break inside them, as reportlab breaks them): the same file in windows as whole."""
    settings = msgspec.structs.replace(settings, pdf=msgspec.structs.replace(settings.pdf, tagged=tagged))
    tree = long_table_tree(200, header_rows=header_rows, group_every=0 if span_every else 11,
                           tall_every=tall_every, span_every=span_every)
    in_windows, whole, windows = windowed_and_whole(tree, settings, monkeypatch)
    assert windows > 3
    assert in_windows == whole


@pytest.mark.slow
def test_rows_kept_together_taller_than_a_page_leave_the_rest_of_the_table_to_reportlab(settings, monkeypatch):
    """A group's heading row kept with a row a page tall (a long cell cut to a page): no window
    can be split between rows there, so reportlab is given all the rows left, as before the
    windows, and splits inside the row; the same file (the windows split inside the row
    otherwise, and lost track of the rows)."""
    in_windows, whole, windows = windowed_and_whole(long_table_tree(200, group_every=20, tall_every=40),
                                                    settings, monkeypatch)
    assert windows >= 2
    assert in_windows == whole


def test_a_long_tables_rows_are_given_to_reportlab_a_few_pages_at_a_time(settings, monkeypatch):
    """3,000 rows (about 90 pages): the tables reportlab builds hold fewer rows in all than ten
    times the table's. Given the whole table, it built each page's rest anew: about the rows
    times half the pages (time growing with the square of the rows: 10,000 rows took 5.6 s,
    1.4 s in windows)."""
    built = []
    table = pdf._table_class()
    init = table.__init__
    monkeypatch.setattr(table, "__init__", lambda self, data, *a, **k: built.append(len(data)) or init(self, data, *a, **k))
    pdf.render(long_table_tree(3000), settings)
    assert sum(built) < 10 * 3000


# --- reportlab internals the writer's shortcuts stand in for -------------------------------

def _globals_used(function) -> set[str]:
    """The global names a function's code (its comprehensions included) looks up."""
    codes, names = [function.__code__], set()
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes += [const for const in code.co_consts if hasattr(const, "co_names")]
    return names


def _outcome(call, value):
    try:
        return call(value)
    except Exception as exc:  # noqa: BLE001 - the same failure counts as the same outcome
        return type(exc)


def test_a_paragraph_many_pages_long_is_cut_into_ranges_of_its_lines_not_copies(settings):
    """Each page break cuts the rest of a block in two: the parts are ranges of the block's one
    list of laid-out lines (a copy of the rest at each page made a paragraph thousands of
    lines long, a pasted blob in a text scrape, slower with the square of its length)."""
    writer = pdf.PdfWriter(settings)
    lines = [pdf.LaidLine("字", 0.0, 0.0, 16.0, False) for _ in range(2000)]
    rest = writer.GridBlock(pdf.Block("p", "body", 16.0, "字" * 2000, lines, 1), writer)
    parts = []
    while split := rest.split(writer.geo.width, writer.frame_height):
        head, rest = split
        parts.append(head)
    parts.append(rest)
    assert len(parts) == math.ceil(2000 / settings.pdf.lines_per_page)
    assert all(part.block.lines.lines is lines for part in parts)
    assert [line for part in parts for line in part.block.lines] == lines


def test_the_pdfdoc_encoding_shortcut_gives_reportlabs_bytes():
    """``_pdfdoc_encoded`` stands in for reportlab's ``pdfdocEnc``, which its object formatting
    looks up as a module global: the same bytes (or the same failure) as reportlab's own
    definition, read from its source, for numbers, names, white space, control characters,
    non-ASCII text and bytes."""
    import inspect
    import re

    from reportlab.pdfbase import pdfdoc

    pdfobjects.patch_reportlab()
    assert pdfdoc.pdfdocEnc is pdfobjects._pdfdoc_encoded
    assert "pdfdocEnc" in _globals_used(pdfdoc.format)
    source = re.search(r"^def pdfdocEnc\(.*?(?=^\S)", inspect.getsource(pdfdoc), re.M | re.S).group()
    namespace: dict = {}
    exec(source, namespace)
    samples = ["0", "-12.5", "/FontName", "3 0 R", "1 0 obj\n", "".join(map(chr, range(32, 127))),
               "\t\r\n", "\x18", "\x7f", "é", "中文", "", b"(raw)"]
    for sample in samples + [chr(c) for c in range(256)]:
        assert _outcome(pdfobjects._pdfdoc_encoded, sample) == _outcome(namespace["pdfdocEnc"], sample), repr(sample)


def test_the_pdfdoc_check_shortcut_answers_as_reportlabs():
    """``_in_pdfdoc`` stands in for reportlab's ``_checkPdfdoc``, which ``PDFString.format``
    looks up as a module global (a bookmark's or the document's title is written in
    PDFDocEncoding when it can be, else in UTF-16): the same answer as reportlab's own for
    every character of the Basic Multilingual Plane, one beyond it and whole texts, however
    often the writer patches reportlab; no Han character encodes in reportlab's codec or in
    pikepdf's (whichever a process registers first is the ``pdfdoc`` both ask)."""
    importlib.import_module("pikepdf")  # registers its pdfdoc codec
    from reportlab.pdfbase import pdfdoc, rl_codecs

    pdfobjects.patch_reportlab()
    pdfobjects.patch_reportlab()
    assert pdfdoc._checkPdfdoc is pdfobjects._in_pdfdoc
    assert "_checkPdfdoc" in _globals_used(pdfdoc.PDFString.format)
    original = pdfobjects._in_pdfdoc.__wrapped__
    assert original is not pdfobjects._in_pdfdoc
    samples = ["", "Annual report 2023", "二〇二三年法治政府建设年度报告", "Café – ﬁne • €5", "2023年 report",
               "\U0001F600", "a\x00b"]
    for sample in samples + [chr(c) for c in range(0x10000)]:
        assert bool(pdfobjects._in_pdfdoc(sample)) == bool(original(sample)), repr(sample)
    reportlabs = rl_codecs.RL_Codecs._rl_codecs("pdfdoc")  # its codec search function
    for encode in (reportlabs.encode, lambda text: text.encode("pdfdoc_pikepdf")):
        for code in range(0x3400, 0xA000):
            with pytest.raises(UnicodeEncodeError):
                encode(chr(code))


def test_pdf_names_are_remembered_as_reportlab_makes_them():
    """reportlab's ``PDFName``, looked up as a module global when a stream is formatted
    (its filters' names), is wrapped once in a cache (however often the writer patches reportlab)
    that gives what it gives."""
    import inspect

    from reportlab.pdfbase import pdfdoc

    pdfobjects.patch_reportlab()
    pdfobjects.patch_reportlab()
    assert "PDFName" in _globals_used(inspect.unwrap(pdfdoc.PDFStream.format))  # reportlab's own
    made = pdfdoc.PDFName.__wrapped__
    assert not hasattr(made, "cache_info")
    for name in ["Type", "FontDescriptor", "a b", "x#y", "(paren)", "é", "中"]:
        assert pdfdoc.PDFName(name) == made(name)


def test_pdf_arrays_are_formatted_as_reportlab_formats_them():
    """``_array_format`` stands in for reportlab's ``PDFArray.format`` (a cached look-up for
    each number): the same bytes as reportlab's own method for widths, coordinates, names
    and references, short and long (a line break every ten elements) and forced multi-line,
    however often the writer patches reportlab."""
    from reportlab.pdfbase import pdfdoc

    pdfobjects.patch_reportlab()
    pdfobjects.patch_reportlab()
    assert pdfdoc.PDFArray.format is pdfobjects._array_format
    original = pdfobjects._array_format.__wrapped__
    assert original is not pdfobjects._array_format
    document = pdfdoc.PDFDocument()
    samples = [[], [0], [500, 1000, 1000.0, 0.5, -3.25, 2 / 3, 1e-7, 123456789], list(range(37)),
               [pdfdoc.PDFName("Type"), "text", b"raw", 12, 1.5, pdfdoc.PDFArray([1, 2])],
               [x * 0.1 for x in range(25)]]
    for sample in samples:
        for multiline in (True, False, "forced"):
            array = pdfdoc.PDFArray(sample)
            array.multiline = multiline
            assert pdfobjects._array_format(array, document) == original(array, document), (sample, multiline)


def test_pdf_dictionaries_are_formatted_as_reportlab_formats_them():
    """``_dict_format`` stands in for reportlab's ``PDFDictionary.format``: the same bytes as
    reportlab's own method for sorted and ordered dictionaries, of six entries or fewer and
    more (a line break every six), multi-line or not, holding names, numbers, text, bytes,
    references, arrays and dictionaries, however often the writer patches reportlab."""
    from collections import OrderedDict

    from reportlab.pdfbase import pdfdoc

    pdfobjects.patch_reportlab()
    pdfobjects.patch_reportlab()
    assert pdfdoc.PDFDictionary.format is pdfobjects._dict_format
    original = pdfobjects._dict_format.__wrapped__
    assert original is not pdfobjects._dict_format
    document = pdfdoc.PDFDocument()
    reference = document.Reference(pdfdoc.PDFArray([1]), "sample")
    entry = {"Type": pdfdoc.PDFName("Font"), "Widths": pdfdoc.PDFArray([500, 1000.0, 2 / 3]), "Flags": 4,
             "Ascent": 880.5, "Title": pdfdoc.PDFString("报告 (2023)"), "Raw": b"<00>", "Ref": reference,
             "Inner": pdfdoc.PDFDictionary({"B": 1, "A": pdfdoc.PDFName("X")}), "Open": True, "a b#": "text"}
    samples = [{}, {"Type": pdfdoc.PDFName("Page")}, entry, OrderedDict(reversed(list(entry.items())))]
    for sample in samples:
        for multiline in (True, False, "forced"):
            dictionary = pdfdoc.PDFDictionary(sample)
            dictionary.dict = sample  # as given, ordered or not
            dictionary.multiline = multiline
            assert pdfobjects._dict_format(dictionary, document) == original(dictionary, document), (sample, multiline)
