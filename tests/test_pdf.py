"""The PDF writer: GB/T 9704 page and grid, line breaking, fonts and fallback, outline, info, text.

The PDFs are read back with poppler-utils (pdftotext, pdffonts, pdfinfo, pdftohtml), which
the test environment must provide: a missing tool fails these tests, it does not skip them.
"""
from __future__ import annotations

import base64
import gc
import io
import itertools
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import unicodedata
import warnings
import zlib
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path

import msgspec
import pytest
from lxml import etree

from pipeline import embeddable, fonts, glyph_store, ir, sfnt
from pipeline.config import PdfSettings, Settings
from pipeline.errors import RenderError
from pipeline.glyph_store import GlyphStore
from pipeline.linebreak import HANGING, violations
from pipeline.tables import normalize
from pipeline.writers import pdf, pdffonts, views
from pipeline.writers.text import BodyText, body_lines

from .conftest import DATA, QUICK_SWEEP, REFERENCE, corpus_samples, ir_of, sample_params
from .test_docx import ODD_TABLES, in_ci, table_report

IR_DIR = DATA / "ir"
REFERENCE_IR = IR_DIR / "reference.xml"
LONG_IR = IR_DIR / "pdf_long.xml"
TOLERANCE = 0.01  # points


# --- helpers ------------------------------------------------------------------------------

def tool(name: str) -> str:
    """A poppler tool: required in CI (``.ci/run`` installs it), a skip elsewhere."""
    path = shutil.which(name)
    if path is None:
        if in_ci():
            pytest.fail(f"{name} not found: CI must install poppler-utils for the PDF checks")
        pytest.skip(f"{name} not found: the PDF read-back checks need poppler-utils")
    return path


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8", "replace")


def word_boxes(path: Path) -> list[tuple[float, list[tuple[float, float, float, float]]]]:
    """Each page of a PDF as pdftotext's ``-bbox`` reads it: the page's height and the boxes
    (x0, y0, x1, y1, from the top) of its words."""
    pages = run(tool("pdftotext"), "-bbox", str(path), "-").split("<page ")[1:]
    return [(float(re.search(r'height="([\d.]+)"', page)[1]),
             [tuple(map(float, box)) for box in
              re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', page)])
            for page in pages]


def load_ir(path: Path) -> etree._Element:
    return ir.validate(ir.parse(path.read_bytes()))


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return Settings(pdf=PdfSettings(font_cache_dir=tmp_path_factory.mktemp("font-cache")))


class Rendered:
    """One rendering: its bytes on disk, the laid-out pages, and what poppler reads back."""

    def __init__(self, tree, settings, path: Path):
        self.data, self.pages = pdf.render_with_layout(tree, settings)
        self.tree, self.settings, self.path = tree, settings, path
        path.write_bytes(self.data)

    @property
    def lines(self) -> list[pdf.Line]:
        return [line for page in self.pages for line in page]

    def blocks(self) -> dict[int, list[pdf.Line]]:
        """The lines of each block in order (a table header repeated on a later page counts once)."""
        found: dict[int, list[pdf.Line]] = defaultdict(list)
        done = set()
        for line in self.lines:
            lines = found[line.block]
            if line.block in done:
                continue
            if lines and line.kind == "cell" and line.page != lines[-1].page and line.text == lines[0].text:
                done.add(line.block)  # the header drawn again on the next page
                continue
            lines.append(line)
        return found

    def text(self, raw: bool = True) -> str:
        args = [tool("pdftotext"), "-enc", "UTF-8"] + (["-raw"] if raw else []) + [str(self.path), "-"]
        return run(*args)

    def fonts(self) -> list[dict]:
        out = run(tool("pdffonts"), str(self.path)).splitlines()
        header = out[0]
        cols = {name: header.index(name) for name in ("type", "emb", "sub", "uni")}
        rows = []
        for line in out[2:]:
            rows.append({
                "name": line[:cols["type"]].strip(),
                "type": line[cols["type"]:cols["type"] + 17].strip(),
                "emb": line[cols["emb"]:cols["emb"] + 3].strip(),
                "sub": line[cols["sub"]:cols["sub"] + 3].strip(),
                "uni": line[cols["uni"]:cols["uni"] + 3].strip(),
            })
        return rows

    def info(self) -> dict[str, str]:
        out = run(tool("pdfinfo"), "-isodates", str(self.path))
        return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}

    def outline(self) -> list[tuple[int, str, int]]:
        """(depth, title, page) of every outline entry, in order, as poppler reads it."""
        xml = subprocess.run([tool("pdftohtml"), "-xml", "-i", "-q", "-stdout", str(self.path)],
                             check=True, capture_output=True).stdout
        root = etree.fromstring(xml, etree.XMLParser(recover=True))
        found = []

        def walk(el, depth):
            for child in el:
                if child.tag == "item":
                    found.append((depth, "".join(child.itertext()), int(child.get("page"))))
                elif child.tag == "outline":
                    walk(child, depth + 1)

        top = root.find("outline")
        if top is not None:
            walk(top, 0)
        return found


_cache: dict[tuple[str, int], Rendered] = {}


def rendered(name: str, tree, settings, tmp_dir: Path) -> Rendered:
    key = (name, id(settings))
    if key not in _cache:
        _cache[key] = Rendered(tree, settings, tmp_dir / (re.sub(r"\W", "_", name) + ".pdf"))
    return _cache[key]


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pdf")


def printable(s: str) -> str:
    """Text compared between the PDF and the IR: white space and invisible characters out."""
    return "".join(ch for ch in s if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs"))


def body_parts(tree) -> list[tuple[str, str]]:
    """("text", s) per non-table line and ("table", s) per table, in document order."""
    parts: list[tuple[str, str]] = []

    class Walker(BodyText):
        def visit_table(self, el):
            rows = BodyText()
            rows.visit(el)
            grid = views.grid(el)
            header = printable("".join(views.text_rows(grid)[:grid.header_rows]))
            parts.append(("table", (printable("".join(rows.lines)), header)))

        def visit_heading(self, el):
            parts.append(("text", printable(ir.heading_line(el.getparent()))))

        def visit_p(self, el):
            parts.append(("text", printable(ir.text_of(el))))

        def visit_li(self, el):
            before = len(self.lines)
            super().visit_li(el)
            parts.append(("text", printable(self.lines[before])))

        def visit_figure(self, el):
            before = len(self.lines)
            super().visit_figure(el)
            shown = views.figure_caption(el) if views.picture(el) else self.lines[before]
            parts.append(("text", printable(shown)))

    Walker().visit(tree.find("body"))
    flat = "".join(s if kind == "text" else s[0] for kind, s in parts)
    expected = printable("".join(body_lines(tree)))
    for figure in tree.iter("figure"):  # a shown picture reads as its caption, not its placeholder
        if views.picture(figure):
            shown = printable(views.figure_caption(figure))
            expected = expected.replace(printable(views.figure_placeholder(figure)), shown, 1)
    assert flat == expected
    return parts


def strip_page_numbers(text: str) -> str:
    """pdftotext output without the page numbers (each page's last text, before the form feed)."""
    return re.sub(r"—\s*\d+\s*—\s*(?=\f|$)", "", text)


def assert_text_matches_body(r: Rendered, raw: bool = True) -> None:
    """The extracted text is the front matter (title, field lines) then the body, apart from
    white space; a table's text must come whole and in place (its cells' order is poppler's,
    so compared as characters); a shown picture reads as its caption."""
    got = printable(strip_page_numbers(r.text(raw=raw)))
    front = printable("".join(line.text for line in views.front_lines(r.tree)))
    assert got.startswith(front), f"front matter missing: {got[:40]!r}, want {front[:40]!r}"
    pos = len(front)
    for kind, expected in body_parts(r.tree):
        if kind == "table":
            expected, header = expected
            for repeats in range(len(r.pages) + 1):  # the header rows are drawn again on each page
                whole = expected + header * repeats
                chunk = got[pos:pos + len(whole)]
                if Counter(chunk) == Counter(whole):
                    expected = whole
                    break
            else:
                raise AssertionError(f"table text differs at {pos}: {got[pos:pos + 40]!r}")
        else:
            chunk = got[pos:pos + len(expected)]
            assert chunk == expected, f"text differs at {pos}: got {chunk[:40]!r}, want {expected[:40]!r}"
        pos += len(expected)
    assert got[pos:] == "", f"extra text after the body: {got[pos:pos + 40]!r}"


def assert_no_break_violations(r: Rendered) -> None:
    """No rule broken at any break of any laid-out block (a Latin token may only be cut when
    it is wider than its line, measured with the faces and spacing the writer used)."""
    fontset = fonts.font_choice(r.settings)
    found = []
    for lines in r.blocks().values():
        first = lines[0]
        if first.kind == "page_number":
            continue
        measure = fontset.measure(first.role, first.size, first.tracking)
        width = lines[1].width if len(lines) > 1 else first.width
        found += [f"p{first.page}: {v}" for v in violations(
            [line.text for line in lines], first.source, measure, width, first.width)]
    assert found == []


def assert_every_glyph_present(r: Rendered) -> None:
    missing = []
    for line in r.lines:
        assert "".join(text for _p, _i, text in line.runs) == line.text
        for path, index, text in line.runs:
            cmap = fonts.cmap_of(path, index)
            missing += [f"{ch!r} U+{ord(ch):04X} in {Path(path).name}" for ch in text if ord(ch) not in cmap and ch != "\u00a0"]
    assert missing == []


def assert_fonts_embedded(r: Rendered) -> None:
    """Each face one composite font (CID TrueType, Identity-H), embedded as a subset with a
    ToUnicode map; no face twice."""
    rows = r.fonts()
    assert rows, "no fonts listed"
    for row in rows:
        assert (row["type"], row["emb"], row["sub"], row["uni"]) == ("CID TrueType", "yes", "yes", "yes"), row
    faces = [row["name"].split("+", 1)[1] for row in rows]
    assert len(faces) == len(set(faces)), faces


def expected_outline(tree) -> list[tuple[int, str]]:
    """The headings by depth, and an entry for each attachment (附件1　its title) with the
    headings after it one level down."""
    out = []

    def walk(sections, depth):
        for section in sections:
            line = ir.heading_line(section)
            if line.strip():
                out.append((depth, line))
            walk(section.findall("section"), depth + 1)

    attached = 0
    for block in tree.find("body"):
        if block.get("role") == "attachment":
            title = "".join(ir.text_of(t) for t in itertools.takewhile(
                lambda after: after.get("role") == "attachment-title", block.itersiblings()))
            out.append((0, "\u3000".join(filter(None, [ir.text_of(block).rstrip("：:"), title]))))
            attached = 1
        elif block.tag == "section":
            walk([block], attached)
    return out


def assert_outline_is_the_headings(r: Rendered) -> None:
    outline = r.outline()
    assert [(d, t) for d, t, _p in outline] == expected_outline(r.tree)
    heading_pages = [lines[0].page for lines in r.blocks().values()  # a heading, an attachment's 附件 line
                     if lines[0].kind == "heading" or (lines[0].kind, lines[0].role) == ("p", "heading1")]
    assert [p for _d, _t, p in outline] == heading_pages


def assert_page_numbers(r: Rendered) -> None:
    geo = pdf.Geometry.from_settings(r.settings.pdf)
    for n, page in enumerate(r.pages, 1):
        numbers = [line for line in page if line.kind == "page_number"]
        assert [line.text for line in numbers] == [f"— {n} —"]
        line = numbers[0]
        if n % 2:
            assert abs(line.x1 - (geo.right - geo.cell)) < TOLERANCE  # odd: right, one character in
        else:
            assert abs(line.x0 - (geo.left + geo.cell)) < TOLERANCE  # even: left, one character in
        dash_top = fonts.font_choice(r.settings).face_for("page_number", "—").ink("—")[1]
        gap = geo.bottom - (line.y + dash_top * line.size / 1000)  # GB/T 9704: the dash, 7 mm under
        assert abs(gap - r.settings.pdf.page_number_gap_mm * pdf.MM) < TOLERANCE


def assert_lines_inside_the_block(r: Rendered) -> None:
    geo = pdf.Geometry.from_settings(r.settings.pdf)
    for line in r.lines:
        if line.kind == "page_number":
            continue
        assert line.x0 >= geo.left - TOLERANCE and line.x1 - line.hang <= geo.right + TOLERANCE, line
        if line.justified and line.slot is not None:
            assert abs(line.x1 - line.hang - geo.right) < TOLERANCE, line  # full lines end flush right
        if line.hang:  # one mark hangs (标点悬挂), wholly in the margin, within one cell of the block
            assert line.kind in ("p", "heading", "li") and line.text[-1] in HANGING, line
            assert 0 < line.hang <= geo.cell + TOLERANCE, line


def check_all(r: Rendered) -> None:
    assert_no_break_violations(r)
    assert_every_glyph_present(r)
    assert_fonts_embedded(r)
    assert_outline_is_the_headings(r)
    assert_text_matches_body(r)
    assert_page_numbers(r)
    assert_lines_inside_the_block(r)


@pytest.mark.slow
def test_an_attachment_has_an_outline_entry_over_its_headings(pdf_dir):
    """国办函〔2004〕80号: its two attachments are entries of the outline, each named by its 附件
    line and title; 附件1's 一、…四、 are under it, not at the top as the letter's own headings."""
    r = rendered("govcn_2019-02_023", ir_of(DATA / "structure" / "govcn_2019-02_023.html"), Settings(), pdf_dir)
    assert [(d, t) for d, t, _p in r.outline()] == [
        (0, "附件1　关于湖北省巴东县官渡口镇马鬃山村地质险情调研情况的报告"),
        (1, "一、基本情况"), (1, "二、地质险情成因分析"), (1, "三、处理情况"), (1, "四、建议意见"),
        (0, "附件2　湖北省巴东县官渡口镇马鬃山村地质险情调查意见")]
    check_all(r)


# --- the writer and the schema ------------------------------------------------------------

def test_writer_handles_every_schema_element():
    missing = [name for name in ir.element_names() if not hasattr(pdf.PdfWriter, "visit_" + name.replace("-", "_"))]
    assert missing == []


def test_registered_as_the_pdf_writer():
    from pipeline.writers import get_writer

    assert get_writer("pdf") is pdf.render


# --- the hand-made sample (every element) -------------------------------------------------

@pytest.fixture(scope="session")
def sample(settings, pdf_dir) -> Rendered:
    return rendered("sample", load_ir(IR_DIR / "sample.xml"), settings, pdf_dir)


def test_sample_checks(sample):
    check_all(sample)


def test_sample_title_is_centred_and_balanced(sample):
    geo = pdf.Geometry.from_settings(sample.settings.pdf)
    title = [line for line in sample.pages[0] if line.kind == "title"]
    assert [line.text for line in title] == ["深圳市罗湖区人民政府", "2023年法治政府建设年度报告"]
    for line in title:
        assert abs((line.x0 + line.x1) / 2 - (geo.left + geo.width / 2)) < 0.5
        assert line.size == sample.settings.pdf.title_size


def test_sample_faces_per_heading_level(sample):
    resolved = {role: fonts.resolve(role, sample.settings) for role in fonts.ROLES}
    headings = [lines for lines in sample.blocks().values() if lines[0].kind == "heading"]
    sections = list(sample.tree.iter("section"))
    assert len(headings) == len(sections)
    for lines, section in zip(headings, sections):
        role = f"heading{min(int(section.get('level')), 4)}"
        assert lines[0].text.startswith(section.get("label"))
        assert lines[0].runs[0][0] == resolved[role].path, (lines[0].text, role)
    assert {int(s.get("level")) for s in sections} == {1, 2, 3, 4}


def aligned_texts(tree, how: str) -> set[str]:
    """The printed text of the paragraphs the IR aligns ``how`` (right, center)."""
    return {views.printable(ir.text_of(p)) for p in tree.iter("p") if views.alignment(p) == how}


def test_sample_paragraph_indent_and_grid(sample):
    geo = pdf.Geometry.from_settings(sample.settings.pdf)
    right = aligned_texts(sample.tree, "right")
    for lines in sample.blocks().values():
        if lines[0].kind in ("p", "heading", "li") and lines[0].source not in right:
            assert abs(lines[0].x0 - (geo.left + 2 * geo.cell)) < TOLERANCE, lines[0]
            for line in lines[1:]:
                if line.page == lines[0].page or line.slot != 0:
                    assert abs(line.x0 - geo.left) < TOLERANCE, line
        for line in lines:
            if line.slot is not None:
                assert 0 <= line.slot < geo.lines


def test_sample_table_has_merged_cells(sample):
    cells = [line for line in sample.lines if line.kind == "cell"]
    texts = [line.text for line in cells]
    assert texts.count("信息内容") == 1 and texts.count("本年") == 1
    by_text = {line.text: line for line in cells}
    # 信息内容 spans two rows: vertically between the two header rows' lines
    assert by_text["制发件数"].y < by_text["信息内容"].y < by_text["本年"].y
    # 本年 spans two columns: centred over 制发件数 and 废止件数
    centre = (by_text["本年"].x0 + by_text["本年"].x1) / 2
    assert by_text["制发件数"].x1 < centre < by_text["废止件数"].x0


def test_sample_figure_shows_its_picture_then_its_caption(sample):
    assert [line.text for line in sample.lines if line.kind == "figure"] == ["图表"]
    assert len(re.findall(rb"/Subtype\s*/Image", sample.data)) == 1
    assert "static/chart.png" not in sample.text()


def test_sample_front_matter_under_the_title(sample):
    """Title lines, then each field line centred in the body face, then the blank line(s)."""
    geo = pdf.Geometry.from_settings(sample.settings.pdf)
    first = sample.pages[0]
    fields = [line.text for line in views.front_fields(sample.tree)]
    assert fields[:2] == ["发布机构：罗湖区委（政府）办", "发布日期：2023年12月21日"]
    front = [line for line in first if line.kind in ("title", "field")]
    assert [line.kind for line in front] == ["title", "title"] + ["field"] * len(fields)
    assert [line.text for line in front if line.kind == "field"] == fields
    assert [line.slot for line in front] == list(range(len(front)))
    body_start = min(line.slot for line in first if line.slot is not None and line.kind not in ("title", "field"))
    assert body_start == len(front) + sample.settings.pdf.lines_after_title
    body_face = fonts.resolve("body", sample.settings).path
    for line in front[2:]:
        assert abs((line.x0 + line.x1) / 2 - (geo.left + geo.width / 2)) < 0.5
        assert (line.size, line.runs[0][0]) == (sample.settings.pdf.body_size, body_face)
    text = strip_page_numbers(sample.text(raw=False))
    positions = [text.find(line) for line in ["深圳市罗湖区人民政府", *fields, "2023年，罗湖区"]]
    assert -1 not in positions and positions == sorted(positions), positions


def test_a_field_line_longer_than_a_line_is_justified(settings, pdf_dir):
    tree = one_paragraph("正文。")
    etree.SubElement(tree.find("front"), "field", name="topic", label="主题分类").text = "法治政府建设" * 6
    lines = [line for line in Rendered(ir.validate(tree), settings, pdf_dir / "long_field.pdf").lines
             if line.kind == "field"]
    assert len(lines) == 2 and lines[0].justified and not lines[1].justified
    assert abs(lines[1].x0 - lines[0].x0) < TOLERANCE  # flush left, as the paragraph's last line


def test_sample_right_aligned_paragraphs_end_flush_right(sample):
    geo = pdf.Geometry.from_settings(sample.settings.pdf)
    right = aligned_texts(sample.tree, "right")
    assert right == {"深圳市罗湖区人民政府", "2023年12月21日"}
    lines = [line for line in sample.lines if line.kind == "p" and line.source in right]
    assert [line.text for line in lines] == ["深圳市罗湖区人民政府", "2023年12月21日"]
    for line in lines:
        assert abs(line.x1 - geo.right) < TOLERANCE and line.x0 > geo.left + 2 * geo.cell and not line.justified
        assert line.slot is not None


def test_sample_document_info_and_language(sample):
    info = sample.info()
    assert info["Title"] == "深圳市罗湖区人民政府2023年法治政府建设年度报告"
    assert info["Author"] == "罗湖区委（政府）办"
    assert info["Subject"] == "深圳市罗湖区人民政府"
    assert info["CreationDate"].startswith("2023-12-21T00:00:00")
    assert info["Page size"].startswith("595.276 x 841.89")
    assert re.search(rb"/Lang \(zh-CN\)", sample.data)


def test_subject_from_settings_and_date_from_epoch(settings, pdf_dir):
    tree = load_ir(IR_DIR / "sample.xml")
    tree.find("front").remove(tree.find("front/field[@name='date']"))
    custom = msgspec.structs.replace(
        settings,
        pdf=msgspec.structs.replace(settings.pdf, subject="法治政府建设年度报告"),
        source_date_epoch=1700000000,
    )
    info = Rendered(tree, custom, pdf_dir / "epoch.pdf").info()
    assert info["Subject"] == "法治政府建设年度报告"
    assert info["CreationDate"].startswith("2023-11-14T22:13:20")


# --- the reference document ---------------------------------------------------------------

@pytest.fixture(scope="session")
def reference(settings, pdf_dir) -> Rendered:
    assert REFERENCE_IR.exists(), "tests/data/ir/reference.xml (the reference document's IR) is missing"
    tree = load_ir(REFERENCE_IR)
    pdf.render(tree, settings)  # load the fonts first: the timing below is per document
    return rendered("reference", tree, settings, pdf_dir)


@pytest.fixture(scope="session")
def long_sample(settings, pdf_dir) -> Rendered:
    return rendered("pdf_long", load_ir(LONG_IR), settings, pdf_dir)


@pytest.fixture(params=["reference", "long_sample"])
def full_document(request) -> Rendered:
    return request.getfixturevalue(request.param)


def test_full_document_checks(full_document):
    check_all(full_document)
    assert_text_matches_body(full_document, raw=False)  # no tables: reading order is the same


def test_22_lines_on_every_full_page(full_document):
    r = full_document
    lines_per_page = r.settings.pdf.lines_per_page
    assert len(r.pages) >= 5
    for n, page in enumerate(r.pages[:-1], 1):
        grid = [line for line in page if line.slot is not None]
        slots = [line.slot for line in grid]
        assert len(slots) == len(set(slots)), f"page {n}: two lines on one grid line"
        blank = r.settings.pdf.lines_after_title if n == 1 else 0
        assert len(slots) + blank == lines_per_page, f"page {n}: {len(slots)} lines"
        assert max(slots) == lines_per_page - 1
    geo = pdf.Geometry.from_settings(r.settings.pdf)
    for line in r.lines:
        if line.slot is not None and line.kind != "title":
            slot_top = geo.top - line.slot * geo.pitch
            assert abs(line.y - (slot_top - geo.pitch / 2 - pdf.EM_CENTRE * line.size)) < TOLERANCE


def test_full_lines_end_flush_right(full_document):
    geo = pdf.Geometry.from_settings(full_document.settings.pdf)
    body = [line for line in full_document.lines if line.kind in ("p", "heading")]
    justified = [line for line in body if line.justified]
    assert len(justified) > 100
    assert max(abs(line.x1 - line.hang - geo.right) for line in justified) < TOLERANCE
    # every line but the last of a paragraph is full
    for lines in full_document.blocks().values():
        if lines[0].kind == "p":
            assert all(line.justified for line in lines[:-1])
            assert lines[-1].x1 - lines[-1].hang <= geo.right + TOLERANCE


def test_two_runs_give_identical_bytes(reference, settings):
    assert pdf.render(load_ir(REFERENCE_IR), settings) == reference.data


def render_in_another_process(ir_path: Path, font_cache_dir, tagged: bool = False) -> bytes:
    """The PDF of the IR file, rendered by a new Python process (another hash seed)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline import ir\n"
        "from pipeline.config import PdfSettings, Settings\n"
        "from pipeline.writers import pdf\n"
        "tree = ir.parse(Path(sys.argv[1]).read_bytes())\n"
        "s = Settings(pdf=PdfSettings(font_cache_dir=sys.argv[2], tagged=sys.argv[3] == 'tagged'))\n"
        "sys.stdout.buffer.write(pdf.render(tree, s))\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-c", script, str(ir_path), str(font_cache_dir), "tagged" if tagged else "-"],
                          check=True, capture_output=True, env=env, cwd=root).stdout


def test_another_process_gives_identical_bytes(reference, settings):
    assert render_in_another_process(REFERENCE_IR, settings.pdf.font_cache_dir) == reference.data


def at_once(count: int, work, interval: float) -> None:
    """``work(k)`` for k in 0..count-1, each in its own thread, started together (a barrier)
    and switched every ``interval`` seconds."""
    import threading

    barrier = threading.Barrier(count)

    def run(k: int) -> None:
        barrier.wait()
        work(k)

    before = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(before)


def test_threads_render_at_the_same_time_with_the_bytes_of_a_serial_render(settings):
    """Several threads render different documents at once (the faces and their subset
    building shared, threads switched as often as the interpreter allows): each gets the
    bytes the same document gets alone."""
    tagged = msgspec.structs.replace(settings, pdf=msgspec.structs.replace(settings.pdf, tagged=True))
    jobs = [(load_ir(REFERENCE_IR), settings), (load_ir(LONG_IR), settings), (long_table_tree(40), settings),
            (load_ir(REFERENCE_IR), tagged), (one_paragraph("并发渲染，各自的字符子集。" * 30, "并行"), settings)]
    serial = [pdf.render(tree, s) for tree, s in jobs]
    pdffonts._faces.clear()  # the faces are loaded again by threads racing to load them
    pdffonts._subset_faces.clear()
    results = {}

    def work(i: int) -> None:
        results[i] = pdf.render(*jobs[i % len(jobs)])

    at_once(2 * len(jobs), work, 1e-5)
    assert [results.get(i) == serial[i % len(jobs)] for i in range(2 * len(jobs))] == [True] * 2 * len(jobs)


# --- every corpus page converted in the tests ---------------------------------------------

@pytest.mark.parametrize("path", sample_params(corpus_samples(), QUICK_SWEEP))
def test_corpus_page(path, settings, pdf_dir):
    r = rendered(path.name, ir_of(path), settings, pdf_dir)
    check_all(r)


# --- tables -------------------------------------------------------------------------------

def long_table_tree(rows: int = 90) -> etree._Element:
    root = ir.new_report()
    root.find("front/title").text = "表格测试"
    table = etree.Element("table")
    head = etree.SubElement(table, "row")
    for text, attrs in (("类别", {"rowspan": "2"}), ("数量", {"colspan": "2"})):
        cell = etree.SubElement(head, "cell", header="true", **attrs)
        cell.text = text
    head2 = etree.SubElement(table, "row")
    for text in ("本年", "上年"):
        etree.SubElement(head2, "cell", header="true").text = text
    for i in range(rows):
        row = etree.SubElement(table, "row")
        if i % 30 == 0:
            etree.SubElement(row, "cell", rowspan="30").text = f"第{i // 30 + 1}组合并单元格"
        etree.SubElement(row, "cell").text = f"{i}件"
        etree.SubElement(row, "cell").text = "行政规范性文件清理" * (1 + i % 3)
    root.find("body").append(normalize(table)[0])
    return ir.validate(root)


def test_long_table_repeats_its_header_on_every_page(settings, pdf_dir):
    r = rendered("long_table", long_table_tree(), settings, pdf_dir)
    assert len(r.pages) >= 3
    for page in r.pages:
        cells = [line.text for line in page if line.kind == "cell"]
        assert cells[:4] == ["类别", "数量", "本年", "上年"], cells[:6]
    merged = [line.text for line in r.lines if "合并单元格" in line.text]
    assert merged == ["第1组合并单元格", "第2组合并单元格", "第3组合并单元格"]
    check_all(r)


def test_wide_huge_span_and_ragged_tables_render(settings, pdf_dir):
    """60 columns, a colspan of 3000 and ragged rows: the IR's grid, drawn as it stands."""
    tree = table_report(*ODD_TABLES, title="表格")
    r = rendered("odd_tables", tree, settings, pdf_dir)
    check_all(r)
    cells = [line for line in r.lines if line.kind == "cell"]
    wide = [line for line in cells if "-" in line.source]
    assert {line.source for line in wide} == {f"{row}-{col}" for row in range(3) for col in range(60)}
    first = {}
    for line in wide:
        first.setdefault(line.source, line)
    assert len({round(first[f"0-{col}"].x0, 1) for col in range(60)}) == 60  # a column each
    assert max(line.size for line in wide) < r.settings.pdf.table_size  # set smaller to fit a character
    others = [line for line in cells if "-" not in line.source]
    assert all(line.size == r.settings.pdf.table_size for line in others)
    by_text = {line.text: line for line in others}
    assert by_text["b"].x0 > by_text["d"].x0  # b (colspan 3000, clamped to 2) is centred over d and e


# --- fonts --------------------------------------------------------------------------------

def make_font(path: Path, family: str, chars: str, cff: bool = False, style: str = "Regular",
              side_bearing: int = 100, units: int = 1000) -> Path:
    """A tiny font of ``units`` units per em: a box glyph for each of ``chars`` (TrueType
    outlines, or CFF), its left edge at x = 100 and its left side bearing in ``hmtx``
    ``side_bearing``."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "space"] + [f"uni{ord(c):04X}" for c in chars]

    def draw(pen, name):
        if name != "space":
            pen.moveTo((100, -100))
            pen.lineTo((100, 800))
            pen.curveTo((300, 850), (700, 850), (900, 800)) if cff else pen.lineTo((900, 800))
            pen.lineTo((900, -100))
            pen.closePath()

    fb = FontBuilder(units, isTTF=not cff)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in chars}})
    ps_name = family.replace(" ", "") + "-Regular"
    if cff:
        strings = {}
        for name in names:
            pen = T2CharStringPen(1000, None)
            draw(pen, name)
            strings[name] = pen.getCharString()
        fb.setupCFF(ps_name, {"FullName": family}, strings, {})
    else:
        glyphs = {}
        for name in names:
            pen = TTGlyphPen(None)
            draw(pen, name)
            glyphs[name] = pen.glyph()
        fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (500 if n == "space" else 1000, side_bearing) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": family, "styleName": style, "psName": ps_name,
                       "fullName": f"{family} {style}"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120, fsType=0)
    fb.setupPost()
    fb.save(str(path))
    return path


def one_paragraph(text: str, title: str = "字体") -> etree._Element:
    root = ir.new_report()
    root.find("front/title").text = title
    etree.SubElement(root.find("body"), "p").text = text
    return ir.validate(root)


def test_a_character_the_face_lacks_is_set_in_a_fallback_face(tmp_path):
    body = make_font(tmp_path / "tiny.ttf", "Tiny Fang", "仿宋报告")
    s = Settings(pdf=PdfSettings(font_files={"body": body}, font_dirs=(), font_cache_dir=tmp_path / "cache"))
    r = Rendered(one_paragraph("仿宋报告，罗湖区2023年度报告。"), s, tmp_path / "fallback.pdf")
    runs = [run_ for line in r.lines if line.kind == "p" for run_ in line.runs]
    by_font = defaultdict(str)
    for path, _index, text in runs:
        by_font[Path(path).name] += text
    assert by_font["tiny.ttf"] == "仿宋报告报告"
    assert set(by_font) == {"tiny.ttf", fonts.packaged_fallback().name}
    assert "罗湖区2023年度" in by_font[fonts.packaged_fallback().name]
    assert_every_glyph_present(r)
    assert_fonts_embedded(r)
    assert_text_matches_body(r)


def test_a_character_no_font_has_is_an_error_or_its_code_point(tmp_path):
    s = Settings(pdf=PdfSettings(font_dirs=(), font_cache_dir=tmp_path / "cache", missing_glyph="error"))
    tree = one_paragraph("请看这里👆。")
    with pytest.raises(RenderError, match="U\\+1F446"):
        pdf.render(tree, s)
    noted = msgspec.structs.replace(s, pdf=msgspec.structs.replace(s.pdf, missing_glyph="notation"))
    assert Settings().pdf.missing_glyph == "notation"  # the default: a visible stand-in and a warning
    pages = pdf.layout(tree, noted)
    assert [line.text for line in pages[0] if line.kind == "p"] == ["请看这里[U+1F446]。"]


@pytest.mark.slow
def test_cff_font_characters_are_converted_and_cached(tmp_path):
    fonts_dir = tmp_path / "fonts"
    fonts_dir.mkdir()
    make_font(fonts_dir / "FandolFang-Regular.otf", "FandolFang", "仿宋报告年度，。", cff=True)
    s = Settings(pdf=PdfSettings(font_dirs=(fonts_dir,), font_cache_dir=tmp_path / "cache"))
    resolved = fonts.resolve("body", s)
    assert (resolved.family, resolved.how, resolved.outline) == ("FandolFang", "installed (same kind)", "CFF ")
    assert not resolved.standin
    r = Rendered(one_paragraph("仿宋报告，年度报告。"), s, tmp_path / "cff.pdf")
    converted = list((tmp_path / "cache" / "ttf").glob("FandolFang-Regular-0-*.ttf"))
    assert len(converted) == 1  # the characters this document sets in it, converted once
    from fontTools.ttLib import TTFont

    font = TTFont(converted[0])
    assert "glyf" in font and "CFF " not in font
    assert set("仿宋报告，年度。") <= {chr(cp) for cp in font.getBestCmap()}
    stamp = converted[0].stat().st_ino  # a conversion writes a new file in its place
    Rendered(one_paragraph("仿宋报告，年度报告。"), s, tmp_path / "cff2.pdf")
    assert converted[0].stat().st_ino == stamp  # not converted again
    assert not list(converted[0].parent.glob("*.tmp"))
    memos = sorted((tmp_path / "cache").glob("rlface-*/*"))
    Rendered(one_paragraph("年度报告。"), s, tmp_path / "cff3.pdf")
    assert len(list(converted[0].parent.glob("FandolFang-Regular-0-*.ttf"))) == 2  # new characters, a new font
    assert sorted((tmp_path / "cache").glob("rlface-*/*")) == memos  # reportlab's reading of it not kept
    assert {Path(p).name for line in r.lines if line.kind == "p" for p, _i, _t in line.runs} >= {"FandolFang-Regular.otf"}
    assert_fonts_embedded(r)
    assert_every_glyph_present(r)
    assert_text_matches_body(r)


def test_cff_face_is_opened_once_and_each_glyph_converted_once(tmp_path):
    """A document whose characters are new converts only its new glyphs: the face stays open
    in the process (fontTools' subsetter, run per document, cost a fifth of a second for a CJK
    face), and a glyph two documents share is the same outline in both fonts."""
    from fontTools.ttLib import TTFont

    # a face whose side bearings are not its outlines' left edges: a font keeps the face's
    path = str(make_font(tmp_path / "FandolFang-Regular.otf", "FandolFang", "仿宋报告年度，。", cff=True,
                         side_bearing=90))
    s = Settings(pdf=PdfSettings(font_cache_dir=tmp_path / "cache"))
    embeddable._cff_outlines.cache_clear()
    first = TTFont(embeddable.truetype_subset(path, 0, "仿宋报告", s))
    second = TTFont(embeddable.truetype_subset(path, 0, "年度报告。", s))
    opened = embeddable._cff_outlines.cache_info()
    assert (opened.misses, opened.hits) == (1, 1)
    outlines = embeddable._cff_outlines(os.path.abspath(path), 0, os.stat(path).st_size, os.stat(path).st_mtime_ns,
                                   str(tmp_path / "cache"))
    assert set(outlines.converted_glyphs) == {".notdef", "space", *(f"uni{ord(c):04X}" for c in "仿宋报告年度。")}
    assert first.getGlyphOrder() == [".notdef", "space", *(f"uni{ord(c):04X}" for c in "仿宋报告")]
    assert {chr(cp) for cp in second.getBestCmap()} == set(" 年度报告。")
    shared = "uni62A5"  # 报
    assert first["glyf"][shared].compile(first["glyf"]) == second["glyf"][shared].compile(second["glyf"])
    points, _ends, on_curve = first["glyf"][shared].getCoordinates(first["glyf"])
    assert not all(on_curve) and (100, -100) in list(points)  # the cubic top as quadratic splines
    assert first["hmtx"][shared] == second["hmtx"][shared] == (1000, 90)
    assert "-" in first["name"].getDebugName(6) and first["name"].getDebugName(6) != second["name"].getDebugName(6)
    for chars in ("仿宋报告", "年度报告。"):  # the second font's 报告 compiled for the first: the same bytes
        afresh = embeddable.CffOutlines(path, 0).truetype("".join(sorted(set(chars) | {" "})))
        assert afresh == embeddable.truetype_subset(path, 0, chars, s).read_bytes()


def test_a_glyph_is_converted_once_per_machine_through_the_glyph_store(tmp_path, monkeypatch):
    """A process that opens the face afresh (another worker, a later batch) takes the glyphs
    an earlier one converted from the font cache's glyph store, converting only those it
    lacks; the fonts are the same bytes as those of glyphs converted there and then."""
    path = str(make_font(tmp_path / "FandolFang-Regular.otf", "FandolFang", "仿宋报告年度，。", cff=True))
    s = Settings(pdf=PdfSettings(font_cache_dir=tmp_path / "cache"))
    converted: list[str] = []
    convert = embeddable.CffOutlines._convert
    monkeypatch.setattr(embeddable.CffOutlines, "_convert", lambda self, name: converted.append(name) or convert(self, name))
    embeddable._cff_outlines.cache_clear()
    first = embeddable.truetype_subset(path, 0, "仿宋报告", s).read_bytes()
    assert sorted(converted) == sorted([".notdef", "space", *(f"uni{ord(c):04X}" for c in "仿宋报告")])
    embeddable._cff_outlines.cache_clear()  # as a fresh process
    converted.clear()
    second = embeddable.truetype_subset(path, 0, "年度报告", s).read_bytes()
    assert sorted(converted) == ["uni5E74", "uni5EA6"]  # 年度: 报告 and the rest were in the store
    assert len(list((tmp_path / "cache" / "glyphs").glob("FandolFang-Regular-0-*.sqlite"))) == 1
    for chars, font in (("仿宋报告", first), ("年度报告", second)):  # as without the store
        assert embeddable.CffOutlines(path, 0).truetype("".join(sorted(set(chars) | {" "}))) == font


def fonttools_build(outlines: embeddable.CffOutlines, chars: str) -> bytes:
    """The font ``CffOutlines.truetype`` assembles, built by fontTools' ``FontBuilder`` of
    fontTools' own glyphs (decompiled from the converted ones), its figures recalculated by
    fontTools from their coordinates: the reference the assembled bytes are held to."""
    import copy
    import hashlib

    from fontTools.fontBuilder import FontBuilder
    from fontTools.ttLib import TTFont, newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph
    from fontTools.unicodedata import mirrored

    source, names = outlines.font, outlines.names
    wanted = set(map(ord, chars))
    wanted |= {mirror for mirror in map(mirrored, wanted) if mirror is not None}
    best, number = source.getBestCmap(), {name: i for i, name in enumerate(names)}
    mapped = {point: number[best[point]] for point in wanted if point in best}
    sequences = {glyph for selector in wanted & outlines.variants.keys()
                 for point, glyph in outlines.variants[selector] if point in wanted and glyph is not None}
    numbers = sorted({0, *mapped.values(), *sequences})
    order = [names[number] for number in numbers]
    glyphs = {name: Glyph(glyph.compiled) for name, glyph in outlines.glyphs(order).items()}
    font = TTFont(recalcTimestamp=False)
    font.setGlyphOrder(order)
    for tag in ("head", "hhea", "OS/2"):
        font[tag] = copy.deepcopy(source[tag])
    font["head"].glyphDataFormat = 0
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    font["hmtx"] = newTable("hmtx")
    font["hmtx"].metrics = {names[n]: (outlines.advances[n], outlines.side_bearings[n]) for n in numbers}
    builder = FontBuilder(font=font)
    builder.setupMaxp()
    font["maxp"].maxZones = 1
    builder.setupCharacterMap({point: names[number] for point, number in mapped.items()})
    font["OS/2"].recalcUnicodeRanges(font, pruneOnly=True)
    font["OS/2"].recalcCodePageRanges(font, pruneOnly=True)
    post = source["post"]
    builder.setupPost(keepGlyphNames=False, italicAngle=post.italicAngle, underlinePosition=post.underlinePosition,
                      underlineThickness=post.underlineThickness, isFixedPitch=post.isFixedPitch)
    tag = hashlib.sha1(chars.encode()).hexdigest()[:8].upper()
    name = font["name"] = newTable("name")
    name.names = []
    for record in source["name"].names:
        if record.nameID in sfnt.ESSENTIAL_NAME_IDS:
            text = record.toUnicode()
            name.setName(f"{text[:54]}-{tag}" if record.nameID == 6 else text, record.nameID,
                         record.platformID, record.platEncID, record.langID)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


CONVERSION_CASES = (
    " ",  # a glyph without outline besides .notdef
    "",
    " 仿宋报告年度，。《一二三四五六七八九十政府工作报告123abcXYZ%（）",
    "〇一丁七万丈三上下不与丐丑专且丕世丘丙业丛东丝",  # runs of consecutive characters and glyphs
    " ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 ÞĽБΆİ♥╚√‰∑┤",  # code pages
    "，\uFE01葛\U000E0100",  # variation sequences
    "🄀🄁🄂🄄🄊🄋𠂇𠂉𠃌中文",  # beyond the Basic Multilingual Plane: a format 12 subtable too
)


@pytest.mark.slow
@pytest.mark.parametrize("face", [0, 1], ids=["serif", "sans"])
def test_converted_fonts_are_the_fonts_fonttools_builds(face):
    """A converted font is assembled table by table (``CffOutlines.truetype``), the same bytes
    as fontTools' ``FontBuilder`` saves of fontTools' own glyphs, bounds, ``maxp``, ``hhea``,
    ``OS/2`` ranges, character map and names recalculated by fontTools: for page-sized
    character sets of the reference report, and for the cases above (no outline, code
    page signs, consecutive runs, variation sequences, characters beyond the BMP)."""
    path = str(fonts.packaged_faces()[face][0].path)  # Noto Serif SC, Noto Sans SC
    outlines = embeddable.CffOutlines(path, 0)
    text = REFERENCE.read_text(encoding="utf-8")
    page = "".join(sorted(set(text)))
    for chars in (*CONVERSION_CASES, page, page[::3], page[:40]):
        assert outlines.truetype(chars) == fonttools_build(outlines, chars), chars[:20]


def test_outlines_let_go_close_their_font_file():
    """A face's outlines read from the font file kept open: when a process lets them go (its
    cache holds a few), the file is closed then, not left for the collector, which would
    report it unclosed wherever it happened to run (once inside a PDF validator's parse)."""
    outlines = embeddable.CffOutlines(str(fonts.packaged_faces()[1][0].path), 0)
    file = outlines.font.reader.file
    assert not file.closed
    del outlines
    gc.collect()
    assert file.closed


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_process_forked_after_the_outlines_were_opened_reads_at_positions_of_its_own():
    """A batch's workers are forked from a process whose warm-up may have opened a face's font
    file (on a fresh machine): a child moving through the file does not move its parent, as
    it would through a shared descriptor, where two workers converting glyphs at once would
    read each other's bytes."""
    outlines = embeddable.CffOutlines(str(fonts.packaged_faces()[1][0].path), 0)
    file = outlines.font.reader.file
    file.seek(100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork beside the runner's threads
        child = os.fork()
    if child == 0:
        file.seek(5000)
        file.read(16)
        os._exit(0)
    os.waitpid(child, 0)
    assert file.tell() == 100


@pytest.mark.slow
@pytest.mark.parametrize("face", [0, 1], ids=["serif", "sans"])
def test_reportlabs_reading_of_a_converted_font_is_computed_as_its_parser_reads_it(face):
    """What reportlab's parser reads of a converted font (names, bounds, character map,
    widths, metrics, glyph offsets, table directory, and what every font of the face shares)
    is computed from the font's parts (``CffOutlines.converted``) as the parser reads it: a
    no-break space beside the space, U+FFFF in a format 4 map, the format 12 map read when a
    character lies beyond the BMP."""
    path = str(fonts.packaged_faces()[face][0].path)
    outlines = embeddable.CffOutlines(path, 0)
    page = "".join(sorted(set(REFERENCE.read_text(encoding="utf-8"))))
    for chars in (*CONVERSION_CASES, "\u00a0仿", page, page[::3]):
        data, reading, _glyphs = outlines.converted(chars)
        assert reading == embeddable.reportlab_reading(io.BytesIO(data)), chars[:20]


@pytest.mark.slow
def test_a_font_converted_in_the_process_gives_its_subsetter_the_glyphs_it_would_read(tmp_path):
    """A font converted in this process comes with its glyphs: the PDF's subsetter takes
    them (padded bytes, checksums) as it would read them from the file, and makes the same
    subset."""
    s = Settings(pdf=PdfSettings(font_cache_dir=tmp_path / "cache"))
    chars = "".join(sorted(set(REFERENCE.read_text(encoding="utf-8"))))
    load = str(embeddable.truetype_subset(fonts.packaged_faces()[0][0].path, 0, chars, s))
    given = embeddable.reportlab_font("Fgiven", load, 0, None)
    parsed = embeddable.reportlab_font("Fparsed", load, 0, None)  # the second time: read from the file
    assert len(given.face.converted_glyphs) == parsed.face.numGlyphs and not hasattr(parsed.face, "converted_glyphs")
    took, read = pdffonts._Subsetter(given.face), pdffonts._Subsetter(parsed.face)
    assert read.glyphs == {} and {index: read._read(index) for index in took.glyphs} == took.glyphs
    subset = [ord(ch) for ch in chars if ord(ch) in parsed.face.charToGlyph][:300]
    assert took(subset) == pdffonts._Subsetter(parsed.face)(subset)


@pytest.mark.slow
def test_a_font_converted_in_the_process_is_not_parsed_again(tmp_path, monkeypatch):
    """A PDF's converted subset, built in this process, is given to reportlab with what its
    parser would read of it; one converted by an earlier process (found on disk) is parsed."""
    s = Settings(pdf=PdfSettings(font_cache_dir=tmp_path / "cache", font_dirs=[]))
    page = tmp_path / "report.txt"
    page.write_text("工作报告\n\n一、总体情况\n\n今年以来，各项工作有序推进。\n", encoding="utf-8")
    tree = ir_of(page, s)
    converted = []
    reading = embeddable.reportlab_reading

    def noted(source):
        if isinstance(source, tuple) and Path(source[0]).parent.name == "ttf":
            converted.append(source[0])
        return reading(source)

    monkeypatch.setattr(embeddable, "reportlab_reading", noted)
    embeddable._cff_outlines.cache_clear()
    first = pdf.render(tree, s)
    assert converted == []
    pdffonts._subset_faces.clear()  # as a new process, its fonts on disk
    assert pdf.render(tree, s) == first
    assert len(converted) == 2  # the body's and the title's faces


@pytest.mark.parametrize("units", [1000, 2048])
def test_a_converted_font_of_simple_boxes_is_the_font_fonttools_builds(tmp_path, units):
    """The same for fonts unlike Noto's: every glyph's left side bearing its xMin (the
    ``head`` flag set), glyphs that fill few bytes, 2,048 units per em (reportlab scales
    what it reads to 1,000, and repeats the last full metric's advance scaled)."""
    path = str(make_font(tmp_path / "FandolFang-Regular.otf", "FandolFang", "仿宋报告年度，。", cff=True,
                         side_bearing=100, units=units))
    outlines = embeddable.CffOutlines(path, 0)
    for chars in ("", " ", "仿", " 仿宋报告年度，。"):
        data, reading, _glyphs = outlines.converted(chars)
        assert data == fonttools_build(outlines, chars)
        assert reading == embeddable.reportlab_reading(io.BytesIO(data))


@pytest.mark.slow
def test_the_code_page_signs_are_all_that_changes_fonttools_code_pages():
    """No character of the Basic Multilingual Plane outside ``CODE_PAGE_SIGNS`` changes
    fontTools' code page ranges, even beside every character its conditions ask for (the
    printable ASCII, the line-drawing and other marks): a converted font's are computed of its
    characters in ``CODE_PAGE_SIGNS`` alone. Eight seconds: one answer per character."""
    from fontTools.ttLib.tables.O_S_2f_2 import calcCodePageRanges

    context = set(range(0x20, 0x7E)) | set(map(ord, "┤√Ѕ╜½‰∑"))
    alone = calcCodePageRanges(context)
    changing = [point for point in range(0x10000)
                if point not in sfnt.CODE_PAGE_SIGNS and calcCodePageRanges(context | {point}) != alone]
    assert changing == []


def test_a_glyph_store_that_cannot_be_used_costs_only_the_conversion(tmp_path, monkeypatch):
    """The store is a cache: a damaged file is removed (and made again at the next use), a
    folder that cannot be written, or a Python without SQLite, is done without; the font is
    the same bytes either way."""
    path = str(make_font(tmp_path / "FandolFang-Regular.otf", "FandolFang", "仿宋报告年度，。", cff=True))
    expected = embeddable.CffOutlines(path, 0).truetype(" 仿宋报告")
    damaged = GlyphStore(tmp_path / "damaged.sqlite")
    damaged.file.write_bytes(b"not a database" * 100)
    assert embeddable.CffOutlines(path, 0).truetype(" 仿宋报告", damaged) == expected
    assert not damaged.file.exists()
    assert embeddable.CffOutlines(path, 0).truetype(" 仿宋报告", damaged) == expected
    assert damaged.file.exists()
    (tmp_path / "file").write_text("a file where the store's folder would be")
    unwritable = GlyphStore(tmp_path / "file" / "store.sqlite")
    assert embeddable.CffOutlines(path, 0).truetype(" 仿宋报告", unwritable) == expected
    monkeypatch.setattr(glyph_store, "sqlite3", None)  # a Python built without SQLite
    without = GlyphStore(tmp_path / "without.sqlite")
    assert embeddable.CffOutlines(path, 0).truetype(" 仿宋报告", without) == expected
    assert not without.file.exists()


def _forked_exchange(file: Path, queue) -> None:
    from pipeline import glyph_store

    made = GlyphStore(file).exchange(["a", "b"], lambda name: f"child {name}".encode())
    queue.put((made, len(glyph_store._inherited)))


@pytest.mark.skipif(sys.platform == "win32", reason="no fork")
def test_a_forked_process_opens_its_own_connection_to_the_glyph_store(tmp_path):
    """A batch's workers are forked from a process that may have the store open: a SQLite
    connection must not be used across a fork, so the worker opens its own; what it adds,
    the parent reads."""
    import multiprocessing

    store = GlyphStore(tmp_path / "glyphs.sqlite")
    assert store.exchange(["a"], lambda name: b"parent a") == {"a": b"parent a"}
    queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_forked_exchange, args=(store.file, queue))
    child.start()
    made, inherited = queue.get(timeout=60)
    child.join(60)
    assert made == {"a": b"parent a", "b": b"child b"} and inherited == 1
    assert store.exchange(["a", "b"], lambda name: b"converted again") == made


def test_a_process_keeps_the_converted_subsets_of_the_pages_used_last_only(tmp_path, monkeypatch):
    """Nearly every page has a character set of its own, and the face of its converted subset
    was kept for good, in reportlab's registry too: a batch worker grew by half a megabyte a
    page. At most ``SUBSET_FACES_KEPT`` are kept, those used last, more only while documents
    being rendered use them; one let go is loaded again when needed, the same bytes."""
    from reportlab.pdfbase import pdfmetrics

    fonts_dir = tmp_path / "fonts"
    fonts_dir.mkdir()
    make_font(fonts_dir / "FandolFang-Regular.otf", "FandolFang", "仿宋报告年度，。", cff=True)
    s = Settings(pdf=PdfSettings(font_dirs=(fonts_dir,), font_cache_dir=tmp_path / "cache"))
    monkeypatch.setattr(pdffonts, "SUBSET_FACES_KEPT", 2)
    pdffonts._subset_faces.clear()
    texts = ["仿宋。", "报告。", "年度。", "仿宋报告。"]
    first = pdf.render(one_paragraph(texts[0]), s)
    held = next(face for (load, _), face in pdffonts._subset_faces.items() if "FandolFang" in load)
    held.users += 1  # as if another thread were still rendering with it (the others: Noto Serif SC's)
    for text in texts[1:]:
        pdf.render(one_paragraph(text), s)
    assert len(pdffonts._subset_faces) == 2 and held in pdffonts._subset_faces.values()
    pdffonts.release([held])
    pdf.render(one_paragraph(texts[1]), s)
    kept = list(pdffonts._subset_faces.values())
    assert len(kept) == 2 and held not in kept
    assert held.font.fontName not in pdfmetrics._fonts and held.font.face.name not in pdfmetrics._dynFaceNames
    assert all(face.font.fontName in pdfmetrics._fonts for face in kept)
    assert pdf.render(one_paragraph(texts[0]), s) == first  # loaded again


@pytest.mark.slow
def test_a_pages_pdf_does_not_depend_on_the_pages_converted_before_it(tmp_path):
    """A batch worker converts many pages in one process, keeping the converted glyphs of a CFF
    face: a page's PDF is the same bytes after other pages as alone in a fresh process. Set in
    the packaged Noto Serif SC (a CFF face), two reports share hundreds of glyphs; a glyph
    compiled for the first once carried its outline's left edge into the second's font."""
    from pipeline.convert import convert
    from pipeline.load import Document

    serif = str(fonts.packaged_faces()[0][0].path)
    first, later = (DATA / "corpus" / "text" / name for name in ("seed_luohu_2023.txt", "01_szlh_luohu_2025_fzzf.txt"))

    def pdf_of(path: Path, cache: Path) -> bytes:
        s = Settings(pdf=PdfSettings(font_cache_dir=cache, font_files={"body": serif, "title": serif}))
        return convert(Document(str(path), path.read_bytes()), s, ("pdf",)).outputs["pdf"]

    embeddable._cff_outlines.cache_clear()
    pdf_of(first, tmp_path / "one")
    after_another = pdf_of(later, tmp_path / "one")
    embeddable._cff_outlines.cache_clear()  # as a fresh process
    assert pdf_of(later, tmp_path / "two") == after_another


def test_cff_conversion_keeps_the_glyphs_fonttools_subsetter_keeps(tmp_path):
    """As fontTools' subsetter (which the conversion replaced, the same bytes): a character's
    mirror image comes with it (《 brings 》, a PDF viewer may mirror), and so does the glyph
    of a variation sequence the characters hold (， with U+FE01: the centred comma)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    path = str(make_font(tmp_path / "FandolFang-Regular.otf", "FandolFang", "仿宋《》，\uFE01", cff=True))
    font = TTFont(path)
    font["cmap"].tables.append(variation := CmapSubtable.newSubtable(14))
    variation.platformID, variation.platEncID, variation.language, variation.cmap = 0, 5, 0xFF, {}
    variation.uvsDict = {0xFE01: [(ord("，"), "uni300B")]}  # any glyph of the face will do
    font.save(path)

    def subsetters(text: str) -> list[str]:
        options = subset.Options()
        options.layout_features, options.notdef_outline = [], True
        sub = subset.Subsetter(options)
        sub.populate(text=text)
        kept = TTFont(path)
        sub.subset(kept)
        return kept.getGlyphOrder()

    mirrored = TTFont(io.BytesIO(embeddable.CffOutlines(path, 0).truetype("仿《")))
    assert mirrored.getGlyphOrder() == [".notdef", "uni4EFF", "uni300A", "uni300B"] == subsetters("仿《")
    sequence = TTFont(io.BytesIO(embeddable.CffOutlines(path, 0).truetype("，\uFE01")))
    kept = subsetters("，\uFE01")
    assert kept == [".notdef", "uni300B", "uniFF0C", "uniFE01"]
    assert len(sequence.getGlyphOrder()) == 4  # its glyph 1 unnamed: no character maps to it


def test_fonts_converted_per_character_set_are_pruned_to_the_newest(tmp_path, monkeypatch):
    """Nearly every page of an archive has a character set of its own: the cache keeps the
    ``CONVERTED_KEPT`` fonts used last, pruned at about one conversion in ``PRUNE_EVERY``, and
    never removes one used in the last ``PRUNE_UNUSED_FOR`` seconds (another process may be
    loading it)."""
    path = str(make_font(tmp_path / "FandolFang-Regular.otf", "FandolFang", "仿宋报告年度，。", cff=True))
    s = Settings(pdf=PdfSettings(font_cache_dir=tmp_path / "cache"))
    monkeypatch.setattr(embeddable, "PRUNE_EVERY", 1)
    monkeypatch.setattr(embeddable, "CONVERTED_KEPT", 2)
    made = {chars: embeddable.truetype_subset(path, 0, chars, s) for chars in ("仿宋", "报告", "年度")}
    hours = {"仿宋": 3, "报告": 2, "年度": 4}  # unused for that long
    for chars, font in made.items():
        os.utime(font, ns=(font.stat().st_atime_ns, font.stat().st_mtime_ns - hours[chars] * 3600 * 10**9))
    assert embeddable.truetype_subset(path, 0, "年度", s) == made["年度"]  # used again: the newest
    newest = embeddable.truetype_subset(path, 0, "，。", s)
    assert {chars: font.is_file() for chars, font in made.items()} == {"仿宋": False, "报告": False, "年度": True}
    assert newest.is_file()
    recent = embeddable.truetype_subset(path, 0, "仿宋报", s)
    embeddable.truetype_subset(path, 0, "宋告", s)
    assert recent.is_file()  # beyond the two kept, but used a moment ago


def test_font_roles_resolve_in_order(tmp_path):
    tiny = make_font(tmp_path / "tiny.ttf", "Tiny Kai", "楷")
    s = Settings(pdf=PdfSettings(font_files={"heading2": tiny}, font_dirs=(), font_cache_dir=tmp_path / "cache"))
    rows = {row["role"]: row for row in fonts.describe_fonts(s, sample_text="楷体字")}
    assert set(rows) == set(fonts.ROLES)
    assert (rows["heading2"]["file"], rows["heading2"]["how"]) == (str(tiny), "config")
    assert rows["heading2"]["sample_missing"] == "体字" and rows["heading2"]["sample_covered"] == 1
    assert rows["heading2"]["sample_no_font"] == ""
    assert fonts.describe_fonts(s, sample_text="字👆")[0]["sample_no_font"] == "👆"
    serif, sans = (face.path for face, _kind in fonts.packaged_faces())
    expected = {"title": (serif, "package (similar kind)"), "body": (serif, "package (similar kind)"),
                "heading1": (sans, "package"), "heading3": (serif, "package (similar kind)"),
                "heading4": (serif, "package (similar kind)"), "page_number": (serif, "package")}
    for role, want in expected.items():  # no installed fonts: the packaged face of the kind
        assert (rows[role]["file"], rows[role]["how"]) == want, role
        assert rows[role]["cjk_unified"] > 20000 and rows[role]["cjk_unified_total"] == 20992
    assert "warning" in rows["body"] and "warning" not in rows["heading1"]


def test_fontconfig_is_asked_once_per_face_name_and_all_at_once(monkeypatch):
    """Resolving every role asks fontconfig once about each distinct face name and weight (and
    the probe for aliases, regular and bold), all in one process started before its answers
    are read."""
    settings = Settings()
    if not fonts._uses_fontconfig(settings) or fonts._shell() is None:
        pytest.skip("fontconfig (fc-match) or a shell is not installed")
    events = []

    def patterns(args):
        return tuple(args[5:]) if args[1] == "-c" else tuple(args[3:]) if args[0] == "fc-match" else None

    class Recorded(subprocess.Popen):
        def __init__(self, args, **kwargs):
            if patterns(args):
                events.append(("start", patterns(args)))
            super().__init__(args, **kwargs)

        def communicate(self, *args, **kwargs):
            if patterns(self.args):
                events.append(("read", patterns(self.args)))
            return super().communicate(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    monkeypatch.setattr(fonts, "_fc_answers", {})
    monkeypatch.setattr(fonts, "_fc_asked", {})
    for role in fonts.ROLES:
        fonts.resolve(role, settings)
    names = {(getattr(settings.fonts, role), role == "title") for role in fonts.ROLES}
    expected = sorted({fonts._fc_pattern(*name) for name in names}
                      | {fonts._fc_pattern(fonts.FC_PROBE, heavy) for heavy in (False, True)})
    assert [(event, sorted(asked)) for event, asked in events] == [("start", expected), ("read", expected)]


def test_installed_fonts_found_by_family_name(tmp_path):
    fonts_dir = tmp_path / "fonts"
    fonts_dir.mkdir()
    make_font(fonts_dir / "simhei.ttf", "SimHei", "黑体")
    make_font(fonts_dir / "other.ttf", "Some Sans", "黑")
    s = Settings(pdf=PdfSettings(font_dirs=(fonts_dir,), font_cache_dir=tmp_path / "cache"))
    resolved = fonts.resolve("heading1", s)  # face 黑体 → the kind's other name SimHei
    assert (Path(resolved.path).name, resolved.how) == ("simhei.ttf", "installed (same kind)")
    named = msgspec.structs.replace(s, fonts=msgspec.structs.replace(s.fonts, heading1="Some Sans"))
    assert fonts.resolve("heading1", named).how == "installed"
    assert (tmp_path / "cache" / f"scan-v{fonts.SCAN_VERSION}.json").is_file()


def test_unknown_font_role_is_rejected():
    with pytest.raises(ValueError, match="unknown font role"):
        PdfSettings(font_files={"footer": Path("x.ttf")})


# --- font subsets -------------------------------------------------------------------------

def subset_faces(settings) -> list[tuple[str, int]]:
    """The TrueType faces the writer draws with, and a Latin face whose accented letters are
    composite glyphs (when installed)."""
    choice = fonts.font_choice(settings)
    found = [(face.path, face.index) for face in choice.chain if face.outline == "glyf"]
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    return found + ([(str(dejavu), 0)] if dejavu.is_file() else [])


def font_tables(data: bytes) -> dict[str, bytes]:
    """The tables of the TrueType file ``data`` by tag, read off its table directory."""
    count = struct.unpack_from(">H", data, 4)[0]
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
        tables[tag.decode("latin1")] = data[offset:offset + length]
    return tables


def name_records(data: bytes, ids=range(0x10000)) -> list[tuple]:
    """(platform, encoding, language, name id, string) of each record of the ``name`` table
    ``data`` whose name id is in ``ids``."""
    _version, count, storage = struct.unpack_from(">HHH", data)
    records = [struct.unpack_from(">6H", data, 6 + 12 * i) for i in range(count)]
    return [(*record[:4], data[storage + record[5]:storage + record[5] + record[4]])
            for record in records if record[3] in ids]


def test_font_subsets_are_reportlabs_bytes_but_for_the_names(settings):
    """The writer's subset builder gives the tables reportlab's ``makeSubset`` gives but for
    ``name``, which keeps only the face's records of copyright, family, style, unique name,
    full name, version and PostScript name (not the licence text, once per subset); the
    file's checksum is right. On the characters of the reference page (256 at a time, as
    reportlab cuts them), on composite glyphs (their component numbers rewritten) and on
    characters the face lacks (glyph 0)."""
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

    text = "".join(dict.fromkeys(ir.text_of(load_ir(REFERENCE_IR))))
    for path, index in subset_faces(settings):
        face = TTFont("subset-check", path, subfontIndex=index).face
        subsetter = pdffonts._Subsetter(face)
        codes = [ord(ch) for ch in text]
        composite = [code for code, glyph in sorted(face.charToGlyph.items())
                     if face.glyphPos[glyph + 1] - face.glyphPos[glyph] > 2
                     and face._ttf_data[face.get_table_pos("glyf")[0] + face.glyphPos[glyph]] & 0x80][:200]
        cases = [codes[i:i + 256] for i in range(0, len(codes), 256)]
        cases += [[0] + composite, [0, 32, 0x10FFFD, 0xE000] + codes[:20]]
        names = name_records(face.get_table("name"), range(7))
        for subset in cases:
            whole = subsetter(subset)
            ours, theirs = font_tables(whole), font_tables(TTFontFile.makeSubset(face, subset))
            assert name_records(ours.pop("name")) == names, (path, index)
            assert len(theirs.pop("name")) > 0
            ours["head"], theirs["head"] = ours["head"][:8] + ours["head"][12:], theirs["head"][:8] + theirs["head"][12:]
            assert ours == theirs, (path, index, subset[:5])
            assert sum(struct.unpack(f">{len(whole) // 4}L", whole)) & 0xFFFFFFFF == 0xB1B0AFBA
        assert composite or "dejavu" not in path.lower()


def widths_of(w) -> dict[int, float]:
    """Code → width of a CIDFont's ``W`` array (``c [w …]`` and ``c_first c_last w`` entries)."""
    import pikepdf

    entries, items, i = [], list(w), 0
    while i < len(items):
        if isinstance(items[i + 1], pikepdf.Array):
            entries += [(int(items[i]) + k, float(width)) for k, width in enumerate(items[i + 1])]
            i += 2
        else:
            entries += [(code, float(items[i + 2])) for code in range(int(items[i]), int(items[i + 1]) + 1)]
            i += 3
    out = dict(entries)
    assert len(out) == len(entries), "a code given two widths"
    return out


@pytest.mark.slow
def test_each_face_is_one_composite_font_whose_codes_show_the_faces_glyphs(settings):
    """Every face the reference page is set in is one Type0 font (Identity-H over a
    CIDFontType2): each code's glyph in the embedded subset (through the CIDToGIDMap) is the
    face's glyph of the character the ToUnicode map gives for it (the same outline bytes for a
    simple glyph, the same advance), and its width in W is reportlab's width of that character."""
    import pikepdf
    from fontTools.ttLib import TTFont as ToolsFont

    from .test_pdfa import to_unicode

    data = pdf.render(load_ir(REFERENCE_IR), settings)
    faces = [(face.font.face, path, index) for (path, index), face in pdffonts.loaded_faces().items()]  # as loaded to draw
    checked = 0
    with pikepdf.open(io.BytesIO(data)) as doc:
        fonts = {font.objgen: font for page in doc.pages for font in page.Resources.Font.values()}
        assert len(fonts) >= 3
        for font in fonts.values():
            assert (font.Subtype, font.Encoding) == (pikepdf.Name.Type0, pikepdf.Name("/Identity-H"))
            cid_font = font.DescendantFonts[0]
            assert cid_font.Subtype == pikepdf.Name.CIDFontType2
            mapping = cid_font.CIDToGIDMap
            table = b"" if mapping == pikepdf.Name.Identity else mapping.read_bytes()
            widths = widths_of(cid_font.W)
            subset = ToolsFont(io.BytesIO(cid_font.FontDescriptor.FontFile2.read_bytes()))
            name = str(font.BaseFont).split("+", 1)[1]
            original, path, index = next(found for found in faces
                                         if name == (found[0].name + found[0].subfontNameX).decode("latin-1"))
            whole = ToolsFont(path, fontNumber=index, lazy=True)
            for code, text in to_unicode(font).items():
                gid = int.from_bytes(table[2 * code:2 * code + 2], "big") if table else code
                glyph = subset.getGlyphOrder()[gid]
                source = whole.getGlyphOrder()[original.charToGlyph[ord(text)]]
                assert subset["hmtx"][glyph][0] == whole["hmtx"][source][0], (name, text)
                if not whole["glyf"][source].isComposite():
                    assert subset["glyf"][glyph].compile(subset["glyf"]) == whole["glyf"][source].compile(whole["glyf"])
                assert widths[code] == original.getCharWidth(ord(text)), (name, text)
                checked += 1
    assert checked > 500


def test_codes_follow_the_order_characters_are_first_drawn_and_share_a_glyph_where_the_face_does(settings):
    """A character's code is its place in the order the document first draws it (code 0 is
    .notdef); a no-break space is drawn as a space, so the two codes show one glyph and the
    code → glyph map is a stream rather than Identity."""
    from reportlab.pdfbase.pdfdoc import PDFDocument

    pdf.render(load_ir(REFERENCE_IR), settings)
    font = next(face.font for face in pdffonts.loaded_faces().values() if ord("中") in face.font.face.charToGlyph)
    codes = pdffonts.CidFont(font, PDFDocument())
    assert codes.literal("中\xa0中 文") == r"\000\001\000\002\000\001\000\003\000\004"
    assert codes.chars == [0, ord("中"), 32, 32, ord("文")]
    assert pdffonts._subset_glyphs(font.face, codes.chars) == [0, 1, 2, 2, 3]
    font.face.makeSubset(codes.chars)  # as the file is written: the subset made, its numbering kept
    assert font.face.makeSubset.glyphs_of(codes.chars) == [0, 1, 2, 2, 3]


def test_a_texts_codes_are_written_as_reportlab_escapes_their_bytes(settings):
    """A line's codes go into the page as the text of a literal string, each code's two bytes
    escaped as ``escapePDF`` escapes them: past 40 (``(``), 41, 92 (``\\``), 127 and 255 codes,
    whose bytes need a backslash or an octal escape."""
    from reportlab.lib.rl_accel import escapePDF
    from reportlab.pdfbase.pdfdoc import PDFDocument

    pdf.render(load_ir(REFERENCE_IR), settings)
    font = next(face.font for face in pdffonts.loaded_faces().values() if ord("中") in face.font.face.charToGlyph)
    codes = pdffonts.CidFont(font, PDFDocument())
    text = "".join(map(chr, range(0x4E00, 0x4E00 + 300)))
    assert codes.literal(text) == escapePDF(b"".join(code.to_bytes(2, "big") for code in range(1, 301)))


def test_to_unicode_maps_write_characters_beyond_the_bmp_as_surrogate_pairs():
    """A font's ToUnicode map gives each code (two bytes) its character in UTF-16: four hex
    digits in the BMP, a surrogate pair beyond it; code 0 (.notdef) shows nothing, and no block
    holds more than the 100 entries a CMap allows."""
    cmap = pdffonts._to_unicode_cmap("AAAAAA+F1", [0, 0x4E2D, 0x20000, 0x1F446])
    assert "3 beginbfchar\n<0001> <4E2D>\n<0002> <D840DC00>\n<0003> <D83DDC46>\nendbfchar" in cmap
    assert "<0000> <FFFF>\nendcodespacerange" in cmap
    long = pdffonts._to_unicode_cmap("AAAAAA+F1", [0, *range(0x4E00, 0x4E00 + 250)])
    assert re.findall(r"(\d+) beginbfchar", long) == ["100", "100", "50"]
    assert "\n<00AB> <4EAA>\n" in long  # upper-case hex, codes and characters alike


def test_threads_take_subsets_of_one_face_at_the_same_time(settings):
    """The subsets of one face built by many threads at once are the subsets built one by
    one (nothing of the face, such as a read cursor, is shared by two builds)."""
    from reportlab.pdfbase.ttfonts import TTFont

    for path, index in subset_faces(settings)[:2]:
        face = TTFont("subset-threads", path, subfontIndex=index).face
        build = pdffonts._Subsetter(face)
        codes = sorted(face.charToGlyph)[:40 * 200]
        cases = [codes[i::40][:200] for i in range(40)]
        serial = [build(subset) for subset in cases]
        build, results = pdffonts._Subsetter(face), {}

        def work(k: int) -> None:
            for i in range(k, len(cases), 8):
                results[i] = build(cases[i])

        at_once(8, work, 1e-6)
        assert [results.get(i) == serial[i] for i in range(len(cases))] == [True] * len(cases), path


def test_deflate_and_level_set_every_compressed_stream(settings):
    """``pdf.deflate`` and ``pdf.compression_level`` reach every stream reportlab compresses
    (the font files, the pages' content): the same objects, each inflating to the same bytes,
    deflated by the implementation and at the level asked for (libdeflate at 1 by default);
    libdeflate at 12 gives the smallest file. Fails if reportlab stops compressing through
    ``PDFZCompress``.
    The sRGB profile of the output intent is deflated by zlib at level 9 either way."""
    import deflate
    import pikepdf
    from isal import isal_zlib

    def libdeflate(data: bytes, level: int) -> bytes:
        return bytes(deflate.zlib_compress(data, level))

    tree = load_ir(REFERENCE_IR)
    choices = {("isal", 0): isal_zlib.compress, ("isal", 3): isal_zlib.compress, ("zlib", 3): zlib.compress,
               ("zlib", 9): zlib.compress, ("libdeflate", 1): libdeflate, ("libdeflate", 12): libdeflate}
    files = {choice: pdf.render(tree, msgspec.structs.replace(settings, pdf=msgspec.structs.replace(
        settings.pdf, deflate=choice[0], compression_level=choice[1]))) for choice in choices}
    assert pdf.render(tree, settings) == files["libdeflate", 1]

    def streams(data: bytes) -> dict[str, tuple[bytes, bytes]]:
        """(raw, inflated) bytes of the page contents and font files, by what they are."""
        with pikepdf.open(io.BytesIO(data)) as doc:
            found = {f"page {n}": page.obj.Contents for n, page in enumerate(doc.pages)}
            for obj in doc.objects:
                if isinstance(obj, pikepdf.Dictionary) and "/FontFile2" in obj:
                    found[str(obj.FontName)] = obj.FontFile2
            return {name: (deflated(s), s.read_bytes()) for name, s in found.items()}

    def deflated(stream) -> bytes:
        """The stream's deflated bytes (reportlab writes pages as ASCII85 of them)."""
        raw = stream.read_raw_bytes()
        if str(stream.Filter) == str(pikepdf.Array([pikepdf.Name.ASCII85Decode, pikepdf.Name.FlateDecode])):
            raw = base64.a85decode(raw.strip().removesuffix(b"~>"))
        return raw

    found = {choice: streams(data) for choice, data in files.items()}
    first = found["isal", 3]
    assert sum(name.startswith("page") for name in first) == 7
    assert sum(not name.startswith("page") for name in first) >= 3
    for (name, level), each in found.items():
        assert each.keys() == first.keys()
        for stream, (raw, plain) in each.items():
            assert plain == first[stream][1], stream
            assert raw == choices[name, level](plain, level), (name, level, stream)
    assert len(files["libdeflate", 12]) == min(map(len, files.values()))


def test_with_isal_a_batch_manifest_records_the_cpus_kind():
    """isal's bytes depend on the CPU's vector instructions: what shaped a batch's PDFs names
    the CPU's kind with isal, and not with zlib (whose bytes are the same on any machine)."""
    from pipeline.batch import manifest

    with_isal = Settings(pdf=PdfSettings(deflate="isal"))
    assert manifest.shaped_by(with_isal, ("pdf",))["versions"]["cpu"].split()[0] == platform.machine()
    assert "cpu" not in manifest.shaped_by(Settings(), ("pdf",))["versions"]
    assert "cpu" not in manifest.shaped_by(with_isal, ("txt",))["versions"]


def test_each_deflater_takes_its_own_levels():
    with pytest.raises(ValueError, match="isal's levels are 0-3"):
        PdfSettings(deflate="isal", compression_level=4)
    with pytest.raises(ValueError, match="zlib's levels are 0-9"):
        PdfSettings(deflate="zlib", compression_level=10)
    assert PdfSettings(deflate="zlib", compression_level=9).compression_level == 9
    assert PdfSettings(deflate="libdeflate", compression_level=12).compression_level == 12


# --- links ----------------------------------------------------------------------------------

def test_each_link_is_a_printed_link_annotation_over_its_text(settings, tmp_path):
    """The attachment list of wjmoe.gov.cn links three documents, the third broken over two
    lines: a link annotation (printed, no border) over each line's stretch of the link, opening
    the link's target, its text the description; poppler reads the link's text inside each
    rectangle."""
    import pikepdf

    tree = ir_of(DATA / "corpus" / "html" / "wjmoe.gov.cn.html")
    links = [(views.link_target(link.get("href")), link.text) for link in tree.iter("link")]
    assert len(links) == 3
    path = tmp_path / "links.pdf"
    path.write_bytes(pdf.render(tree, settings))
    found = []
    with pikepdf.open(path) as doc:
        for number, page in enumerate(doc.pages, start=1):
            height = float(page.MediaBox[3])
            for annotation in page.obj.get("/Annots", []):
                x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
                # the rectangle in tenths of a point, 1.5 points in from either side: poppler takes a
                # character a crop touches, the neighbour's box ends where the link's starts
                crop = [round(v * 10) for v in (x0 + 1.5, height - y1 + 1.5, x1 - x0 - 3, y1 - y0 - 3)]
                under = run(tool("pdftotext"), "-f", str(number), "-l", str(number), "-r", "720",
                            *(arg for name, value in zip("xyWH", crop) for arg in (f"-{name}", str(value))),
                            "-enc", "UTF-8", str(path), "-")
                assert "".join(under.split()) == str(annotation.Contents)
                assert int(annotation.F) == pdf.ANNOTATION_PRINT and list(annotation.Border) == [0, 0, 0]
                found.append((str(annotation.A.URI), str(annotation.Contents)))
    joined: list[tuple[str, str]] = []
    for target, text in found:  # a link broken over lines: an annotation per line
        if joined and joined[-1][0] == target and not any(text == t for _, t in links if _ == target):
            joined[-1] = (target, joined[-1][1] + text)
        else:
            joined.append((target, text))
    assert joined == links
    assert len(found) == 4


def test_a_link_in_a_heading_is_annotated_and_tagged_inside_the_heading(settings, tmp_path):
    """wjmoe.gov.cn's heading 活动主题 made a link (as a page may link a heading to the full
    text): a link annotation over 活动主题 on the heading's line; in tagged output a Link
    element inside the H1 after the label's text."""
    import pikepdf

    tree = ir_of(DATA / "corpus" / "html" / "wjmoe.gov.cn.html")
    heading = next(h for h in tree.iter("heading") if h.text == "活动主题")
    link = etree.SubElement(heading, "link", href="https://www.moe.gov.cn/theme.html")
    link.text, heading.text = heading.text, None
    for tagged in (False, True):
        path = tmp_path / f"heading-{tagged}.pdf"
        path.write_bytes(pdf.render(tree, Settings(pdf=PdfSettings(font_cache_dir=settings.pdf.font_cache_dir,
                                                                   tagged=tagged))))
        with pikepdf.open(path) as doc:
            annotations = [(number, a) for number, page in enumerate(doc.pages, start=1)
                           for a in page.obj.get("/Annots", []) if str(a.A.URI).endswith("theme.html")]
            assert [str(a.Contents) for _n, a in annotations] == ["活动主题"]
            if tagged:
                [(_n, annotation)] = annotations
                parents = list(doc.Root.StructTreeRoot.ParentTree.Nums)
                element = dict(zip((int(k) for k in parents[::2]), parents[1::2]))[int(annotation.StructParent)]
                assert element.S == "/Link" and str(element.P.S) == "/H1"



def test_the_addressee_starts_at_the_margin_and_the_line_above_it_is_centred():
    """A State Council notice: 各省、自治区、直辖市人民政府，国务院各部委、各直属机构： flush left
    (GB/T 9704 §7.3.2), on one line of 28 cells where an indent would have pushed its colon to a
    second; its 发文字号 centred; the next paragraph indented."""
    settings = Settings()
    geo = pdf.Geometry.from_settings(settings.pdf)
    _data, pages = pdf.render_with_layout(ir_of(DATA / "corpus" / "html" / "govcn_2019-02_001.html"), settings)
    body = [line for line in pages[0] if line.kind == "p"]
    number, addressee = body[0], [line for line in body if line.source.startswith("各省、")]
    assert number.text == "国发〔2019〕5号"
    assert abs((number.x0 + number.x1) / 2 - (geo.left + geo.width / 2)) < 1
    assert len(addressee) == 1 and abs(addressee[0].x0 - geo.left) < TOLERANCE
    after = next(line for line in body if line.block > addressee[0].block)
    assert abs(after.x0 - (geo.left + 2 * geo.cell)) < TOLERANCE


def _table_with_a_group_row(records_before: int) -> etree._Element:
    """A notice whose table has a header, ``records_before`` records, a group's row across the
    table (一、知识产权保护方面（共5项）, as the State Council's 推广清单 writes them), then more records."""
    root = ir.new_report()
    root.find("front/title").text = "第二批支持创新相关改革举措推广清单"
    body = root.find("body")
    etree.SubElement(body, "p").text = "现将有关改革举措推广清单印发给你们，请认真贯彻执行。" * 3
    table = etree.SubElement(body, "table")
    rows = [[("序号", True), ("改革举措", True), ("主要内容", True)]]
    record = "整合分散的审判资源，实行知识产权民事、刑事、行政案件审判“三合一”，提高审判效率。"
    rows += [[(str(n), False), ("知识产权案件审判", False), (record, False)] for n in range(1, records_before + 1)]
    rows += [[("一、知识产权保护方面（共5项）", False)]]
    rows += [[(str(n), False), ("知识产权案件审判", False), (record, False)] for n in range(1, 6)]
    for cells in rows:
        row = etree.SubElement(table, "row")
        for text, header in cells:
            cell = etree.SubElement(row, "cell", **({"header": "true"} if header else {}))
            cell.text = text
            if len(cells) == 1:
                cell.set("colspan", "3")
    table.getparent().replace(table, normalize(table)[0])
    return ir.validate(root)


def test_a_group_row_never_ends_a_page():
    """Wherever the table's page break falls, a group's row (one cell across the table) goes
    to the next page with the first record under it."""
    settings = Settings()
    for records_before in range(6, 20):
        _data, pages = pdf.render_with_layout(_table_with_a_group_row(records_before), settings)
        for page in pages[:-1]:
            cells = [line for line in page if line.kind == "cell"]
            assert cells and cells[-1].text != "一、知识产权保护方面（共5项）", records_before


def test_a_centred_line_never_ends_a_page():
    """An attachment's title (a centred line) goes to the next page with what follows it."""
    settings = Settings()
    sentence = "整合分散的审判资源，实行知识产权民事、刑事、行政案件审判“三合一”，提高审判效率。"
    for paragraphs in range(9, 16):
        root = ir.new_report()
        root.find("front/title").text = "国务院办公厅关于推广第二批支持创新相关改革举措的通知"
        body = root.find("body")
        for _ in range(paragraphs):
            etree.SubElement(body, "p").text = sentence
        etree.SubElement(body, "p", align="center").text = "第二批支持创新相关改革举措推广清单"
        etree.SubElement(body, "p").text = sentence * 3
        _data, pages = pdf.render_with_layout(ir.validate(root), settings)
        for page in pages[:-1]:
            grid = [line for line in page if line.slot is not None]
            assert max(grid, key=lambda line: line.slot).text != "第二批支持创新相关改革举措推广清单", paragraphs


# A line of the 2026 陕西省政府工作报告 as the PDF breaks it: three figures, then text.
FIGURES_LINE = "40.9％、27.1％、30.6％，通过公共网络实现零售额增长"


@pytest.mark.parametrize("spread", [0.3, 0.8, 1.3])
def test_a_justified_lines_slack_goes_beside_full_width_characters_first(spread):
    """The gaps inside 40.9 take less of the slack than the gaps between Han characters; the
    line's width is the same, and no gap passes what a text extractor reads as a word break."""
    base, size = -0.2, 16.0
    char_space, stretch = pdf.justified(FIGURES_LINE, spread, base, size, hang=False)
    gaps = [char_space + extra for extra in stretch]
    assert len(gaps) == len(FIGURES_LINE) - 1
    assert abs(sum(gaps) - spread * len(gaps)) < 1e-9
    inside_figure, between_han = gaps[0], gaps[FIGURES_LINE.index("通")]
    assert inside_figure < spread < between_han <= pdf.WORD_GAP * size + 1e-9
    assert pdf.justified("国务院关于印发实施方案的通知", spread, base, size, hang=False) == (spread, ())


def test_figures_on_a_justified_line_read_back_without_spaces(tmp_path):
    """The slack beside Han characters stays below a word break: the line reads back whole."""
    root = ir.new_report()
    root.find("front/title").text = "陕西省2026年政府工作报告"
    etree.SubElement(root.find("body"), "p").text = (
        "加力扩围实施消费品以旧换新，限额以上通讯器材、家用电器、新能源汽车零售额分别增长" + FIGURES_LINE + "22.9％。")
    path = tmp_path / "figures.pdf"
    data, pages = pdf.render_with_layout(ir.validate(root), Settings())
    path.write_bytes(data)
    (figures,) = [line for line in pages[0] if line.kind == "p" and "40.9" in line.text]
    assert figures.justified
    assert figures.text in run(tool("pdftotext"), str(path), "-")
    # as drawn, piece by piece in its spacings, the line ends where its layout ends it
    page_height, words = word_boxes(path)[0]
    on_line = [x1 for x0, y0, x1, y1 in words if y0 < page_height - figures.y < y1]
    assert on_line and abs(max(on_line) - figures.x1) < 0.1


@pytest.mark.parametrize("name", ["reference", "sample"])
def test_every_line_is_drawn_where_its_layout_puts_it(name, settings, tmp_path):
    """Read back (pdftotext's word boxes), every line of every page starts and ends where the
    layout says it does: paragraphs, headings, the title and front matter, table cells, list
    entries, a caption, the page numbers (the sample holds every element)."""
    data, pages = pdf.render_with_layout(load_ir(IR_DIR / f"{name}.xml"), settings)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    drawn = word_boxes(path)
    assert len(drawn) == len(pages)
    kinds, misplaced = set(), []
    for number, ((height, words), lines) in enumerate(zip(drawn, pages), 1):
        for line in lines:
            kinds.add(line.kind)
            y = height - line.y
            on_line = [(x0, x1) for x0, y0, x1, y1 in words if y0 < y < y1 and x1 > line.x0 - 1 and x0 < line.x1 + 1]
            if not on_line or abs(min(x0 for x0, _ in on_line) - line.x0) > 0.1 \
                    or abs(max(x1 for _, x1 in on_line) - line.x1) > 0.1:
                misplaced.append((number, line.kind, line.text, on_line))
    assert misplaced == []
    assert kinds >= ({"title", "field", "heading", "p", "page_number"} |
                     ({"cell", "li", "figure"} if name == "sample" else set()))


def test_the_attachment_note_and_the_signature_stand_as_gb_t_9704_sets_them():
    """GB/T 9704 §7.3.3 on 教思政厅函〔2024〕10号: a blank line under the main text, then 附件：1.…
    at the paragraph indent, 2. and 3. under the 1., the third name's second line under its
    first character; the lines are not justified. Then §7.3.5.2's signature block."""
    settings = Settings()
    _data, pages = pdf.render_with_layout(ir_of(DATA / "corpus" / "html" / "wjmoe.gov.cn.html"), settings)
    geo = pdf.Geometry.from_settings(settings.pdf)
    lines = [line for page in pages for line in page if line.slot is not None]
    at = next(i for i, line in enumerate(lines) if line.text.startswith("附件："))
    before, first, second, third, wrapped = lines[at - 1:at + 4]
    assert (first.page, first.slot) == (before.page, before.slot + 2)
    assert [line.text[:2] for line in (second, third)] == ["2.", "3."] and wrapped.text.endswith("成果征集表")
    width = partial(fonts.font_choice(settings).glyph_width, "body", settings.pdf.body_size)
    indent = geo.left + settings.pdf.indent_chars * geo.cell
    number = indent + width("附件：") + 3 * geo.tracking
    assert abs(first.x0 - indent) < TOLERANCE
    assert abs(second.x0 - number) < 1 and abs(third.x0 - number) < 1
    assert abs(wrapped.x0 - (number + width("3.") + 2 * geo.tracking)) < 1
    assert not any(line.justified for line in (first, second, third, wrapped))
    # the signature (§7.3.5.2) after a blank line: 教育部办公厅 4.5 characters in from the
    # right margin, 2024年5月30日 two (its first character two right of the organ's)
    organ, date = lines[at + 4:at + 6]
    assert (organ.text, date.text) == ("教育部办公厅", "2024年5月30日")
    assert (organ.page, organ.slot, date.slot) == (wrapped.page, wrapped.slot + 2, wrapped.slot + 3)
    assert abs(organ.x1 - (geo.right - 4.5 * geo.cell)) < 0.5 and abs(date.x1 - (geo.right - 2 * geo.cell)) < 0.5


@pytest.mark.slow
def test_neither_signature_nor_its_note_ever_starts_a_page():
    """国函〔2018〕144号 with 0 to 21 one-line paragraphs put before its text, so that its end falls
    on every line of a page: its signature (国务院 / 2018年11月20日) never starts a page, nor does
    the 附注 under the date (（此件公开发布）, GB/T 9704 §7.3.6: on the line under the date)."""
    settings = Settings()
    page = ir_of(DATA / "structure" / "govcn_2019-02_055.html")
    for extra in range(22):
        tree = ir.clone(page)
        body = tree.find("body")
        for _ in range(extra):
            body.insert(0, etree.fromstring("<p>现将有关事项通知如下。</p>"))
        _data, pages = pdf.render_with_layout(ir.validate(tree), settings)
        firsts = [next((line.text for line in lines if line.slot is not None and line.kind not in ("title", "field")), "")
                  for lines in pages]
        assert not {"国务院", "（此件公开发布）"} & set(firsts), (extra, firsts)


def test_a_centred_paragraph_breaks_into_balanced_lines():
    """河北's 政府工作报告: its subtitle (——2026年1月26日在河北省第十四届人民代表大会第四次会议上) is
    longer than a line; it breaks where the meeting's name starts, into two centred lines, not
    a full line and 次会议上 under it."""
    settings = Settings()
    _data, pages = pdf.render_with_layout(ir_of(DATA / "structure" / "gzbg_2026_hebei.txt"), settings)
    geo = pdf.Geometry.from_settings(settings.pdf)
    at = next(i for i, line in enumerate(pages[0]) if line.text.startswith("——2026年"))
    lines = pages[0][at:at + 2]
    assert [line.text for line in lines] == ["——2026年1月26日在河北省", "第十四届人民代表大会第四次会议上"]
    assert all(abs((line.x0 + line.x1) / 2 - (geo.left + geo.right) / 2) < 0.5 for line in lines)


def test_a_signature_never_starts_a_page():
    """GB/T 9704 §7.3.5.2 (落款与正文同处一面): 国办发〔1997〕11号's body ends right at a page's
    foot, where its signature would start the next page alone; the body's last line moves
    with it, and the blank line above the signature stays."""
    settings = Settings()
    _data, pages = pdf.render_with_layout(ir_of(DATA / "structure" / "govcn_2019-02_050.html"), settings)
    for page in pages:
        lines = [line for line in page if line.slot is not None and line.kind not in ("title", "field")]
        at = next((i for i, line in enumerate(lines) if line.text == "国务院办公厅"), None)
        if at is not None:
            break
    assert at is not None and at > 0 and lines[at - 1].kind == "p"
    assert (lines[at].slot, lines[at + 1].text) == (lines[at - 1].slot + 2, "一九九七年四月八日")


def test_an_attachment_starts_a_new_page():
    """GB/T 9704 §8: 附件 in 黑体 at the top left, the title centred on the third line as the
    document's title is set, then a blank line (国办发〔2019〕… 推广清单's attachment)."""
    root = ir.new_report()
    root.find("front/title").text = "国务院办公厅关于推广第二批支持创新相关改革举措的通知"
    body = root.find("body")
    etree.SubElement(body, "p").text = "现将有关改革举措推广清单印发给你们，请认真贯彻执行。"
    etree.SubElement(body, "p", align="left", role="attachment", **{"break": "page"}).text = "附件"
    etree.SubElement(body, "p", role="attachment-title").text = "第二批支持创新相关改革举措推广清单"
    etree.SubElement(body, "p").text = "各地区、各部门要抓紧推广实施。"
    settings = Settings()
    _data, pages = pdf.render_with_layout(ir.validate(root), settings)
    geo = pdf.Geometry.from_settings(settings.pdf)
    assert len(pages) == 2
    attachment, *title, after = [line for line in pages[1] if line.slot is not None]
    assert (attachment.text, attachment.role, attachment.slot) == ("附件", "heading1", 0)
    assert abs(attachment.x0 - geo.left) < TOLERANCE
    assert [(line.kind, line.role, line.size, line.slot) for line in title] == \
        [("title", "title", settings.pdf.title_size, 2)]
    assert abs((title[0].x0 + title[0].x1) / 2 - (geo.left + geo.right) / 2) < TOLERANCE
    assert after.slot == 3 + settings.pdf.lines_after_title
