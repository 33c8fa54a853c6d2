"""The GB/T 9704 page as laid out, on the reference page and long real reports
(``tests/data/layout``: 2026 provincial 政府工作报告 from ``../shared/corpus/text``).

From the PDF writer's own layout data (no tool needed): 28 character cells on every full line,
22 lines on every full page, no heading as the last line of a page nor split across pages,
the page number's dash 7 mm under the block (the checks take pages of ``pdf.Line``, so
``test_docx_layout`` runs them on the DOCX as LibreOffice renders it). Read back with poppler
(``render``): the dash measured on the page image. DOCX (its XML): tables with the full cell count, columns sized
by content, rows kept whole, header rows repeated, the PDF's table text size; the East Asian
hint on ambiguous punctuation; faces by label kind in both formats; the same title lines as
the PDF on every corpus page (``slow``). Fonts: a machine without any 仿宋 says so.
"""
from __future__ import annotations

import io
import logging
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pipeline import convert, fonts, ir
from pipeline.config import PdfSettings, Settings
from pipeline.errors import PipelineError
from pipeline.linebreak import DOUBLE_MARKS, HANGING, NO_LINE_END, NO_LINE_START
from pipeline.writers import docx, pdf, views

from .conftest import DATA, REFERENCE, corpus_samples, ir_of, shared_corpus_pages
from .test_docx import in_ci
from .test_pdf import make_font

LAYOUT = DATA / "layout"
DOCUMENTS = [REFERENCE] + sorted(LAYOUT.glob("*.txt"))
W = f"{{{docx.W_NS}}}"
MM = pdf.MM


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module", params=DOCUMENTS, ids=lambda p: p.name)
def laid_out(request, settings):
    tree = ir_of(request.param, settings)
    data, pages = pdf.render_with_layout(tree, settings)
    return tree, data, pages


def pure_cjk(text: str) -> bool:
    return all(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def could_hang(following: str) -> bool:
    """Whether the line before ``following``, one character short, could have kept that
    character and hung the mark after it (标点悬挂): the mark hangs (``HANGING``) and what
    comes after it may start a line."""
    nxt, after, then = following[:1], following[1:2], following[2:3]
    alone = pure_cjk(after) or not re.match(r"[!-~]", then)  # an ASCII mark, not part of a word
    return (bool(after) and pure_cjk(nxt) and after in HANGING and alone
            and not (then and then in NO_LINE_START))


def shortened_by_a_rule(line: str, following: str, hanging: bool = True) -> bool:
    """Whether a line short of the full measure ends there because of a rule: the next
    character may not start a line (it was pushed down with the one before it) or may not end
    one, or what follows is a number or word that stays whole. With ``hanging`` (the PDF), a
    character pushed down with a mark that could have hung instead is no such rule."""
    nxt, after = following[:1], following[1:2]
    if hanging and could_hang(following):
        return False
    return bool(nxt) and (not pure_cjk(nxt) or nxt in NO_LINE_START or nxt in NO_LINE_END or (after and after in NO_LINE_START)
                          or line[-1:] + nxt in DOUBLE_MARKS or following[:2] in DOUBLE_MARKS)


# --- the PDF, from its layout data ----------------------------------------------------------

def assert_full_lines(pages, settings, hanging: bool = True) -> int:
    """28 cells on every line of pure CJK text of a paragraph or heading but its last (the
    first counts the two-character indent), plus at most one hanging mark (标点悬挂,
    ``HANGING``) when ``hanging``, unless a line-breaking rule that hanging cannot help
    shortened it (an opening mark, a 破折号 or 省略号, a number kept whole...); the number of
    lines checked. ``pages`` are ``pdf.Line`` lists, as ``pdf.render_with_layout`` gives them
    or as read back from another renderer's PDF (one that hangs nothing: ``hanging=False``)."""
    blocks: dict[int, list[pdf.Line]] = {}
    for page in pages:
        for line in page:
            if line.kind in ("p", "heading") and line.slot is not None:
                blocks.setdefault(line.block, []).append(line)
    checked = 0
    for lines in blocks.values():
        for i, line in enumerate(lines[:-1]):
            if not pure_cjk(line.text):
                continue
            indent = settings.pdf.indent_chars if i == 0 else 0  # paragraphs and headings
            cells = len(line.text) + indent
            if hanging and cells == settings.pdf.chars_per_line + 1 and line.text[-1] in HANGING:
                cells -= 1  # the mark hangs past the full measure
            if cells != settings.pdf.chars_per_line:
                assert shortened_by_a_rule(line.text, lines[i + 1].text, hanging) and (
                    cells == settings.pdf.chars_per_line - 1 or not pure_cjk(lines[i + 1].text[:1])), \
                    (cells, line.text, lines[i + 1].text)
            checked += 1
    return checked


def assert_full_pages(pages, settings) -> list[int]:
    """22 grid lines on every page but the last (the blank line under the title counted), one
    line a slot; fewer only where a heading moved on to the next page. The lines per page."""
    assert len(pages) >= 5
    seen = []
    for n, page in enumerate(pages[:-1]):
        slots = sorted(line.slot for line in page if line.slot is not None)
        assert len(slots) == len(set(slots))
        blank = settings.pdf.lines_after_title if n == 0 else 0
        seen.append(len(slots) + blank)
        if len(slots) + blank < settings.pdf.lines_per_page:  # only when a heading moved on
            first = min((line for line in pages[n + 1] if line.slot is not None), key=lambda l: l.slot)
            assert first.kind == "heading" or not pages[n + 1][0].slot, (n + 1, len(slots))
        else:
            assert len(slots) + blank == settings.pdf.lines_per_page, (n + 1, len(slots))
    return seen


def assert_no_heading_ends_a_page_or_splits(pages) -> None:
    where: dict[int, set[int]] = {}
    for n, page in enumerate(pages):
        grid = [line for line in page if line.slot is not None]
        for line in grid:
            if line.kind == "heading":
                where.setdefault(line.block, set()).add(n)
        if n < len(pages) - 1 and grid:
            assert max(grid, key=lambda l: l.slot).kind != "heading", f"page {n + 1} ends with a heading"
    assert where and all(len(pages_) == 1 for pages_ in where.values())


def test_28_cells_on_every_full_line(laid_out, settings):
    assert assert_full_lines(laid_out[2], settings) > 40


def test_a_pause_mark_hangs_past_a_full_line(settings):
    """标点悬挂: a 。 after the 28th cell hangs in the margin, the 28 cells justified to the
    block's edge as on every full line; a closing quote there is pulled down with the character
    before it, as is a 。 followed by a closing quote (one mark hangs)."""
    text = "国家发展改革委员会统计局政府工作报告法治建设营商环境"  # 26 characters: 28 cells indented
    root = ir.new_report()
    root.find("front/title").text = "标点悬挂"
    for tail in ("。", "”", "。”"):
        etree.SubElement(root.find("body"), "p").text = text + tail + "高质量发展" * 8
    geo = pdf.Geometry.from_settings(settings.pdf)
    firsts = {}
    for line in pdf.layout(ir.validate(root), settings)[0]:
        if line.kind == "p":
            firsts.setdefault(line.block, line)
    hung, quote, both = firsts.values()
    assert hung.text == text + "。" and hung.justified
    assert abs(hung.x1 - hung.hang - geo.right) < 0.01 and 0 < hung.hang <= geo.cell
    assert quote.text == text[:-1] and both.text == text[:-1] and quote.hang == both.hang == 0.0


def test_22_lines_on_every_full_page(laid_out, settings):
    assert_full_pages(laid_out[2], settings)


def test_no_heading_ends_a_page_or_splits(laid_out):
    assert_no_heading_ends_a_page_or_splits(laid_out[2])


def dash_top(settings) -> float:
    return fonts.font_choice(settings).face_for("page_number", "—").ink("—")[1]


def test_page_number_dash_7_mm_under_the_block(laid_out, settings):
    _tree, _data, pages = laid_out
    geo = pdf.Geometry.from_settings(settings.pdf)
    for page in pages:
        (number,) = [line for line in page if line.kind == "page_number"]
        gap = geo.bottom - (number.y + dash_top(settings) * number.size / 1000)
        assert abs(gap / MM - 7.0) < 0.5


def dash_gap_on_the_image(path: Path, page: int, workdir: Path) -> float:
    """Millimetres from the block's bottom edge (297 − 35 mm from the top of the page) down to
    the top of the page number's first dash, on page ``page`` of the PDF at ``path`` as pixels
    (150 dpi)."""
    from .test_pdf import tool

    stem = workdir / f"page{page}"
    subprocess.run([tool("pdftoppm"), "-f", str(page), "-l", str(page), "-r", "150", "-gray", "-singlefile",
                    str(path), str(stem)], check=True)
    image = stem.with_suffix(".pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", image)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = image[header.end():]
    px_mm = 25.4 / 150
    top = int((297 - 35) / px_mm) + 2  # below the block
    ink = [(y, x) for y in range(top, height) for x in range(width) if pixels[y * width + x] < 224]  # thin: grey
    left = min(x for _y, x in ink)  # the first dash of "— 1 —"
    dash = [y for y, x in ink if x < left + 1.5 / px_mm]  # its first 1.5 mm: the dash alone
    return min(dash) * px_mm - (297 - 35)


@pytest.mark.render
def test_page_number_dash_on_the_page_image(laid_out, tmp_path):
    """The first page as pixels: the top of the dash's ink lies 7 mm (±0.5) under the block."""
    _tree, data, _pages = laid_out
    (tmp_path / "p.pdf").write_bytes(data)
    gap = dash_gap_on_the_image(tmp_path / "p.pdf", 1, tmp_path)
    assert abs(gap - 7.0) < 0.5, gap


def test_headings_take_the_face_of_their_label_kind(settings):
    """A report whose top level is （一）: its headings are 楷体 (heading2's face), in both formats."""
    root = ir.new_report()
    root.find("front/title").text = "关于某项工作的报告"
    body = root.find("body")
    for n, (label, text) in enumerate((("（一）", "总体情况"), ("（二）", "主要做法")), 1):
        section = etree.SubElement(body, "section", kind="cn-paren", number=str(n), label=label, level="1")
        etree.SubElement(section, "heading").text = text
        etree.SubElement(section, "p").text = "正文内容。" * 20
    tree = ir.validate(root)
    kai = fonts.resolve("heading2", settings).path
    headings = [line for page in pdf.layout(tree, settings) for line in page if line.kind == "heading"]
    assert len(headings) == 2 and all(line.runs[0][0] == kai for line in headings)
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx.render(tree, settings))).read("word/document.xml"))
    paras = [p for p in document.iter(W + "p") if p.find(f"{W}pPr/{W}pStyle") is not None
             and p.find(f"{W}pPr/{W}pStyle").get(W + "val") == "Heading1"]
    assert len(paras) == 2
    for p in paras:
        for r in p.iter(W + "r"):
            assert r.find(f"{W}rPr/{W}rFonts").get(W + "eastAsia") == settings.fonts.heading2
    assert views.heading_role(root.find("body/section")) == "heading2"


# --- DOCX ---------------------------------------------------------------------------------

def docx_parts(tree, settings) -> dict[str, etree._Element]:
    archive = zipfile.ZipFile(io.BytesIO(docx.render(tree, settings)))
    return {name: etree.fromstring(archive.read(name)) for name in ("word/document.xml", "word/styles.xml")}


def test_docx_tables_full_rows_sized_columns_kept_whole(settings):
    tree = ir_of(DATA / "corpus" / "text" / "17_changchun_tyj_2023_xxgk_ndbg_table.txt", settings)
    parts = docx_parts(tree, settings)
    tables = list(parts["word/document.xml"].iter(W + "tbl"))
    assert tables
    grids = [views.grid(t) for t in tree.iter("table")]
    for tbl, grid in zip(tables, grids):
        cols = [int(g.get(W + "w")) for g in tbl.iter(W + "gridCol")]
        assert len(cols) == grid.cols and sum(cols) == docx.DocxWriter(settings).text_width
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(W + "type") == "fixed"
        rows = tbl.findall(W + "tr")
        assert len(rows) == grid.rows
        for r, tr in enumerate(rows):
            spans = [int(tc.find(f"{W}tcPr/{W}gridSpan").get(W + "val")) if tc.find(f"{W}tcPr/{W}gridSpan") is not None
                     else 1 for tc in tr.findall(W + "tc")]
            assert sum(spans) == grid.cols  # every row has the full cell count
            assert tr.find(f"{W}trPr/{W}cantSplit") is not None
            assert (tr.find(f"{W}trPr/{W}tblHeader") is not None) == (r < grid.header_rows)
        if grid.cols > 1 and len({c.text for row in grid.cells for c in row}) > grid.cols:
            assert len(set(cols)) > 1  # sized by content, not equal
    # the same column widths as the PDF (both from views.table_columns)
    size = {s.get(W + "styleId"): s for s in parts["word/styles.xml"].iter(W + "style")}["TableText"]
    assert int(size.find(f"{W}rPr/{W}sz").get(W + "val")) == round(2 * settings.pdf.table_size)


def test_docx_numbers_stay_whole_in_their_columns(settings):
    """Every number (an unbreakable piece) of a table fits its column at the table size."""
    tree = ir_of(DATA / "corpus" / "text" / "17_changchun_tyj_2023_xxgk_ndbg_table.txt", settings)
    document = docx_parts(tree, settings)["word/document.xml"]
    measure = fonts.font_choice(settings).measure("body", settings.pdf.table_size)
    for tbl in document.iter(W + "tbl"):
        for tc in tbl.iter(W + "tc"):
            room = int(tc.find(f"{W}tcPr/{W}tcW").get(W + "w")) / 20 - 2 * docx.CELL_MARGIN / 20
            text = "".join(t.text or "" for t in tc.iter(W + "t"))
            for number in re.findall(r"[0-9][0-9.,%]*", text):
                assert measure(number) <= room + 0.01, (number, room)


def test_columns_too_wide_together_share_the_width_by_their_text(settings):
    """The NFRA penalty table: its text does not fit on single lines, so the columns that hold
    most text are the widest (当事人名称, 主要违法违规行为: a name and a sentence per record), not
    an equal share each, and the short-entry column (作出决定机关) is the narrowest of them."""
    tree = ir_of(DATA / "corpus" / "html" / "nfra_merged_cells.html", settings)
    (grid,) = [views.grid(t) for t in tree.iter("table")]
    measure = fonts.font_choice(settings).measure("body", settings.pdf.table_size)
    geo = pdf.Geometry.from_settings(settings.pdf)
    widths = views.table_columns(grid, lambda cell, text: measure(text), geo.width, 2 * pdf.CELL_PADDING,
                                 settings.pdf.table_size)
    heads = [cell.text for cell in grid.cells[0]]
    by_head = dict(zip(heads, widths))
    assert abs(sum(widths) - geo.width) < 0.01
    assert min(by_head["当事人名称"], by_head["主要违法违规行为"]) > max(
        by_head["行政处罚决定书文号"], by_head["行政处罚内容"], by_head["作出决定机关"])
    assert by_head["作出决定机关"] == min(widths[1:])


def test_empty_columns_too_many_for_the_width_share_it():
    """Forty columns holding no text of their own (their cells all span others), each wider with
    its padding than a fortieth of the width: equal shares, no division by their empty text."""
    widths = views.fit_columns([0.0] * 40, [0.0] * 40, 442.0, 8.0, 12.0, [0.0] * 40)
    assert abs(sum(widths) - 442.0) < 1e-6 and max(widths) - min(widths) < 1e-9


def test_docx_ambiguous_punctuation_is_east_asian(settings):
    root = ir.new_report()
    root.find("front/title").text = "标题"
    etree.SubElement(root.find("body"), "p").text = "“放管服”改革……取得成效。"
    document = docx_parts(ir.validate(root), settings)["word/document.xml"]
    runs = [r for r in document.iter(W + "r") if "“" in "".join(t.text or "" for t in r.iter(W + "t"))]
    assert runs and all(r.find(f"{W}rPr/{W}rFonts").get(W + "hint") == "eastAsia" for r in runs)


def docx_title_lines(tree, settings) -> list[str]:
    document = docx_parts(tree, settings)["word/document.xml"]
    for p in document.iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(W + "val") == "Title":
            lines, current = [], ""
            for el in p.iter(W + "t", W + "br"):
                if el.tag == W + "br":
                    lines.append(current)
                    current = ""
                else:
                    current += el.text or ""
            return lines + [current]
    return []


@pytest.mark.slow
@pytest.mark.parametrize("path", corpus_samples() + DOCUMENTS, ids=lambda p: p.name)
def test_docx_and_pdf_title_lines_are_the_same(path, settings):
    tree = ir_of(path, settings)
    pdf_lines = [line.text for line in pdf.layout(tree, settings)[0] if line.kind == "title"]
    assert docx_title_lines(tree, settings) == pdf_lines


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.skipif(not shared_corpus_pages(), reason="the shared corpus is not beside the project")
def test_docx_and_pdf_title_lines_are_the_same_on_every_corpus_page(settings):
    """Every page of the shared corpus with a title: the DOCX's title lines are the PDF's (the
    PDF laid out with the front matter alone, which is where the title is)."""
    differ, titled = [], 0
    for path in shared_corpus_pages():
        try:
            tree = ir_of(path, settings)
        except PipelineError:
            continue  # a page that does not convert has no title to compare (tests/test_cli.py)
        if not ir.meta_value(tree, "title"):
            continue
        titled += 1
        body = tree.find("body")
        for child in list(body):
            body.remove(child)
        pdf_lines = [line.text for line in pdf.layout(tree, settings)[0] if line.kind == "title"]
        if docx_title_lines(tree, settings) != pdf_lines:
            differ.append(path.name)
    assert titled > 200
    assert differ == []


# --- fonts --------------------------------------------------------------------------------

@pytest.fixture
def no_fangsong(tmp_path) -> Settings:
    """A machine whose fonts are a Kai and a Hei face, no 仿宋."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    make_font(folder / "kai.ttf", "AR PL UKai CN", "中国的楷体报告标题")
    make_font(folder / "hei.ttf", "SimHei", "中国的黑体报告标题")
    return Settings(pdf=PdfSettings(font_dirs=(folder,), font_cache_dir=tmp_path / "cache"))


@pytest.mark.slow
def test_fonts_and_convert_say_when_no_fangsong_is_installed(no_fangsong, caplog):
    rows = {row["role"]: row for row in fonts.describe_fonts(no_fangsong)}
    for role in ("body", "heading3", "heading4"):
        assert rows[role]["kind"] != "fangsong"
        assert "仿宋 (FangSong)" in rows[role]["warning"] and "install" in rows[role]["warning"]
    assert "warning" not in rows["heading1"] and "warning" not in rows["heading2"]
    with caplog.at_level(logging.WARNING, logger="pipeline.fonts"):
        tree = ir_of(REFERENCE, no_fangsong)
        convert.render(tree, no_fangsong, ("pdf",))
        convert.render(tree, no_fangsong, ("pdf",))
    said = [r.getMessage() for r in caplog.records if "fonts.body" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("font-standin:")  # once per process


def test_a_real_fangsong_family_is_recognized(tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    make_font(folder / "cwTeXQFangsong-Medium.ttf", "cwTeXFangSong", "中国的仿宋报告")
    s = Settings(pdf=PdfSettings(font_dirs=(folder,), font_cache_dir=tmp_path / "cache"))
    body = fonts.resolve("body", s)
    assert (body.family, body.how, body.kind, body.standin) == ("cwTeXFangSong", "installed (same kind)",
                                                                "fangsong", False)
    assert fonts.standin_findings(s) and not any("fonts.body" in f for f in fonts.standin_findings(s))


def test_an_unknown_face_name_is_said(tmp_path):
    s = Settings(fonts={"body": "Nonexistent Face"},
                 pdf=PdfSettings(font_dirs=(), font_cache_dir=tmp_path / "cache"))
    found = [f for f in fonts.standin_findings(s) if "fonts.body" in f]
    assert found and found[0].startswith("font-unknown:") and "Nonexistent Face" in found[0]


def test_the_regular_style_of_a_family_is_taken(tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    make_font(folder / "a-bold.ttf", "SimHei", "中国的黑体", style="Bold")
    make_font(folder / "b-regular.ttf", "SimHei", "中国的黑体")
    s = Settings(pdf=PdfSettings(font_dirs=(folder,), font_cache_dir=tmp_path / "cache"))
    assert Path(fonts.resolve("heading1", s).path).name == "b-regular.ttf"


def test_ci_is_on_only_for_a_true_value(monkeypatch):
    for value, on in (("true", True), ("1", True), ("false", False), ("0", False), ("", False), ("no", False)):
        monkeypatch.setenv("CI", value)
        assert in_ci() is on
