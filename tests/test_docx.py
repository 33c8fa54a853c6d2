"""The DOCX writer: layout preset, heading styles, text read back, numbering, determinism, rendering.

DOCX files are compared part by part as XML (canonicalized), never as bytes: goldens live in
``tests/golden/docx``; ``pytest --regen-golden`` rewrites them, to be done after looking at the
rendered pages (a missing golden fails, it is never created silently).

The render checks need LibreOffice (``soffice``) and poppler (``pdftotext``, ``pdfinfo``);
they are skipped when those are not installed.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import time
import zipfile
from functools import lru_cache
from pathlib import Path

import docx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline import ir
from pipeline.config import DocxSettings, FontFaces, Settings
from pipeline.errors import RenderError
from pipeline.tables import normalize
from pipeline.templates import make_reference_docx, shipped_template
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer
from pipeline.writers import views
from pipeline.writers.text import body_lines

from .conftest import DATA, TESTS, corpus_samples, in_ci, ir_of
from .test_images import picture_store, png

IR_DIR = DATA / "ir"
GOLDEN_DIR = TESTS / "golden" / "docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
NS = {"w": W_NS}

FIXTURES = [
    name for name in ("sample", "docx_long", "reference") if (IR_DIR / f"{name}.xml").exists()
]


CORPUS = {path.stem: path for path in corpus_samples()}
# Corpus pages also rendered by LibreOffice: tables with merged cells, chapters and bullets.
RENDERED_CORPUS = [
    name for name in ("nfra_merged_cells", "29_zb_zhenba_2024_gzgz_chapters_bullets") if name in CORPUS
]


@lru_cache(maxsize=None)
def _load(name: str) -> etree._Element:
    if name in CORPUS:
        return ir_of(CORPUS[name])
    return ir.validate(ir.parse((IR_DIR / f"{name}.xml").read_bytes()))


def load(name: str) -> etree._Element:
    """An IR fixture by name (tests/data/ir), or a copied corpus page converted by the pipeline."""
    return ir.clone(_load(name))


def settings(**docx_opts) -> Settings:
    extra = {k: docx_opts.pop(k) for k in ("fonts", "source_date_epoch") if k in docx_opts}
    return Settings(docx=DocxSettings(**docx_opts), **extra)


def render(tree, **docx_opts) -> bytes:
    return docx_writer.render(tree, settings(**docx_opts))


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def part_xml(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(parts_of(data)[name])


# ----------------------------------------------------------------------------- reading back


def cn_counting(n: int) -> str:
    """Word's chineseCounting for 1–99, written independently of the writer's helper."""
    units = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    if n < 10:
        return units[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else units[tens]) + "十" + units[ones]


class Numbering:
    """Word's list counting for heading styles bound to a numbering definition."""

    def __init__(self, document):
        part = document.part
        self.style_num = {}
        for style in document.styles.element.iter(W + "style"):
            num_id = style.find(f"{W}pPr/{W}numPr/{W}numId")
            ilvl = style.find(f"{W}pPr/{W}numPr/{W}ilvl")
            if num_id is not None:
                self.style_num[style.get(W + "styleId")] = (
                    num_id.get(W + "val"),
                    int(ilvl.get(W + "val")) if ilvl is not None else 0,
                )
        self.levels = {}
        try:
            numbering = part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering = None
        if numbering is not None:
            abstract = {a.get(W + "abstractNumId"): a for a in numbering.iter(W + "abstractNum")}
            for num in numbering.iter(W + "num"):
                a = abstract[num.find(W + "abstractNumId").get(W + "val")]
                self.levels[num.get(W + "numId")] = {
                    int(lvl.get(W + "ilvl")): (
                        lvl.find(W + "numFmt").get(W + "val"),
                        lvl.find(W + "lvlText").get(W + "val"),
                        int(lvl.find(W + "start").get(W + "val")),
                    )
                    for lvl in a.iter(W + "lvl")
                }
        self.counters: dict[str, list[int]] = {}

    def label(self, p) -> str:
        style = p.find(f"{W}pPr/{W}pStyle")
        own = p.find(f"{W}pPr/{W}numPr/{W}numId")
        bound = self.style_num.get(style.get(W + "val")) if style is not None else None
        if bound is None:
            return ""
        num_id, ilvl = bound
        if own is not None:
            num_id = own.get(W + "val")
        if num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        fmt, text, start = levels[ilvl]
        value = counts[ilvl] + start - 1
        shown = cn_counting(value) if fmt == "chineseCounting" else str(value)
        return text.replace(f"%{ilvl + 1}", shown)


FRONT_STYLES = ("Title", "Front Matter")


def read_back(data: bytes):
    """(body lines, [(heading style, heading text)]) as python-docx reads the document.

    Paragraphs styled Title or Front Matter (the front matter) are left out; a picture
    paragraph reads as its placeholder ``[图：alt]`` (or ``[图]``) and the caption under it is
    left out; heading labels produced by Word numbering are put in front of the heading text,
    as Word would show them; a line break inside a paragraph (a title's or a centred line's
    balanced lines) is layout and reads as nothing. A table row is a field per grid column joined by tabs, empty
    where a merged cell continues (a vertical merge's continuation, a horizontal span's
    further columns).
    """
    document = docx.Document(io.BytesIO(data))
    numbering = Numbering(document)
    lines, headings = [], []
    for child in document.element.body.iterchildren():
        if child.tag == W + "p":
            para = Paragraph(child, document._body)
            style = para.style.name
            if style in FRONT_STYLES or style == "Caption":
                continue
            text = numbering.label(child) + para.text.replace("\n", "")  # a line break in a paragraph: layout
            doc_pr = child.find(f".//{WP}docPr")
            if doc_pr is not None:
                text = f"[图：{doc_pr.get('descr')}]" if doc_pr.get("descr") else "[图]"
            if style.startswith("Heading"):
                headings.append((style, text))
            lines.append(text)
        elif child.tag == W + "tbl":
            table = docx.table.Table(child, document._body)
            for tr in child.iterchildren(W + "tr"):
                cells = []
                for tc in tr.iterchildren(W + "tc"):
                    merge = tc.find(f"{W}tcPr/{W}vMerge")
                    span = tc.find(f"{W}tcPr/{W}gridSpan")
                    continued = merge is not None and merge.get(W + "val") != "restart"
                    cells.append("" if continued else " ".join(_Cell(tc, table).text.split()))
                    cells += [""] * (int(span.get(W + "val")) - 1 if span is not None else 0)
                lines.append("\t".join(cells))
    return [line for line in lines if line.strip()], headings


def runin_merged(section) -> bool:
    blocks = [c for c in section if isinstance(c.tag, str) and c.tag != "heading"]
    return section.get("runin") == "true" and bool(blocks) and blocks[0].tag == "p"


def expected_headings(tree, runin="split"):
    out = []
    for section in tree.iter("section"):
        if runin == "keep" and runin_merged(section):
            continue
        line = views.printable(ir.heading_line(section))
        if line:
            out.append((f"Heading {min(int(section.get('level')), 4)}", line))
    return out


def assert_lines(tree, lines, runin="split"):
    """The DOCX's lines are ``body_lines``; with ``runin: keep`` a run-in head and the paragraph
    after it share a line, so there are fewer lines but the same text, apart from the marks that
    join them and white space (the marks are checked on real pages in
    ``test_runin_keep_on_the_reference_page``)."""
    split = body_lines(tree)
    if runin == "split":
        assert lines == split
        return
    merged = sum(1 for s in tree.iter("section") if runin_merged(s))
    assert len(split) - merged <= len(lines) <= len(split)

    def squeezed(texts: list[str]) -> str:
        return re.sub(r"[\s。]", "", "".join(texts))

    assert squeezed(lines) == squeezed(split)


# ----------------------------------------------------------------------------- structure


def test_writer_has_a_handler_for_every_schema_element():
    missing = [n for n in ir.element_names() if not hasattr(docx_writer.DocxWriter, "visit_" + n.replace("-", "_"))]
    assert missing == []


def test_shipped_template_is_the_generated_one():
    shipped = (Path(make_reference_docx.__file__).parent / "reference.docx").read_bytes()
    assert shipped_template() == shipped
    assert make_reference_docx.build() == shipped, "run python -m pipeline.templates.make_reference_docx"


def test_template_page_setup_is_gbt_9704():
    sect = part_xml(shipped_template(), "word/document.xml").find(".//w:body/w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    margins = sect.find("w:pgMar", NS)
    grid = sect.find("w:docGrid", NS)
    mm = lambda twips: twips / 1440 * 25.4  # noqa: E731
    assert (round(mm(int(size.get(W + "w")))), round(mm(int(size.get(W + "h"))))) == (210, 297)
    got = {side: round(mm(int(margins.get(W + side)))) for side in ("top", "bottom", "left", "right")}
    assert got == {"top": 37, "bottom": 35, "left": 28, "right": 26}
    block_h = int(size.get(W + "h")) - int(margins.get(W + "top")) - int(margins.get(W + "bottom"))
    pitch = int(grid.get(W + "linePitch"))
    assert block_h // pitch == 22
    block_w = int(size.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
    styles = part_xml(shipped_template(), "word/styles.xml")
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    size_pt = int(normal.find("w:rPr/w:sz", NS).get(W + "val")) / 2
    tracking_pt = int(normal.find("w:rPr/w:spacing", NS).get(W + "val")) / 20
    assert block_w / 20 // (size_pt + tracking_pt) == 28  # 28 characters a line
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert spacing.get(W + "lineRule") == "exact" and int(spacing.get(W + "line")) == pitch
    assert normal.find("w:pPr/w:ind", NS).get(W + "firstLineChars") == "200"
    footers = {ref.get(W + "type") for ref in sect.findall("w:footerReference", NS)}
    assert footers == {"default", "even"}
    assert part_xml(shipped_template(), "word/settings.xml").find("w:evenAndOddHeaders", NS) is not None


@pytest.mark.parametrize("part, side", [("word/footer1.xml", "right"), ("word/footer2.xml", "left")])
def test_template_page_number_footer(part, side):
    footer = part_xml(shipped_template(), part)
    p = footer.find("w:p", NS)
    assert p.find("w:pPr/w:jc", NS).get(W + "val") == side
    assert "PAGE" in "".join(t.text for t in p.iter(W + "instrText"))
    assert "".join(t.text for t in p.iter(W + "t")) == "— 1 —"


def style_font(styles, style_id):
    style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
    fonts = style.find("w:rPr/w:rFonts", NS)
    size = style.find("w:rPr/w:sz", NS)
    bold = style.find("w:rPr/w:b", NS)
    return (
        fonts.get(W + "eastAsia"),
        int(size.get(W + "val")) / 2 if size is not None else None,
        bold is not None and bold.get(W + "val") not in ("0", "false"),
    )


def test_template_styles_fonts_and_sizes():
    styles = part_xml(shipped_template(), "word/styles.xml")
    assert style_font(styles, "Normal") == ("仿宋_GB2312", 16, False)
    assert style_font(styles, "Title") == ("方正小标宋简体", 22, False)
    assert style_font(styles, "Heading1") == ("黑体", 16, False)
    assert style_font(styles, "Heading2") == ("楷体_GB2312", 16, False)
    assert style_font(styles, "Heading3") == ("仿宋_GB2312", 16, True)
    assert style_font(styles, "Heading4") == ("仿宋_GB2312", 16, False)
    assert style_font(styles, "Footer") == ("宋体", 14, False)
    title = styles.find("w:style[@w:styleId='Title']", NS)
    assert title.find("w:pPr/w:jc", NS).get(W + "val") == "center"
    for level in range(1, 5):
        heading = styles.find(f"w:style[@w:styleId='Heading{level}']", NS)
        assert heading.find("w:name", NS).get(W + "val") == f"heading {level}"
        assert heading.find("w:pPr/w:outlineLvl", NS).get(W + "val") == str(level - 1)
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(W + "eastAsia") == "zh-CN"
    theme_attrs = [a for el in styles.iter(W + "rFonts") for a in el.attrib if "Theme" in a or "theme" in a]
    assert theme_attrs == []


# ----------------------------------------------------------------------------- content


@pytest.mark.parametrize("numbering", ["literal", "native"])
@pytest.mark.parametrize("name", FIXTURES)
def test_headings_and_text_equal_the_ir(name, numbering):
    tree = load(name)
    lines, headings = read_back(render(tree, numbering=numbering))
    assert headings == expected_headings(tree)
    assert lines == body_lines(tree)


@pytest.mark.parametrize("numbering", ["literal", "native"])
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_pages_read_back_as_their_ir(name, numbering):
    tree = load(name)
    lines, headings = read_back(render(tree, numbering=numbering))
    assert headings == expected_headings(tree)
    assert lines == body_lines(tree)


def test_runin_keep_on_the_reference_page():
    """Reviewed against the page: the run-in head （一） closes with a full stop before its text; a
    head that already ends in a colon, or a label without a head, is followed by its text directly."""
    tree = load("sample")
    texts = [p.text for p in docx.Document(io.BytesIO(render(tree, runin="keep"))).paragraphs]
    assert any(t.startswith("（一）统筹谋划，深入学习宣传贯彻党的二十大精神和习近平法治思想。区委、区政府高度重视法治政府建设")
               for t in texts)
    heading = next(s for s in tree.iter("section") if runin_merged(s)).find("heading")
    heading.text = "全面依法治区："
    texts = [p.text for p in docx.Document(io.BytesIO(render(tree, runin="keep"))).paragraphs]
    assert any(t.startswith("（一）全面依法治区：区委、区政府高度重视") for t in texts)
    heading.text = ""  # a label alone: no mark after it
    paragraph = heading.getnext()
    paragraph.text = "  " + paragraph.text  # white space at the paragraph's start is not printed after the head
    texts = [p.text for p in docx.Document(io.BytesIO(render(tree, runin="keep"))).paragraphs]
    assert any(t.startswith("（一）区委、区政府高度重视") for t in texts)


@pytest.mark.parametrize("name", FIXTURES)
def test_runin_keep_puts_the_head_in_its_paragraph(name):
    tree = load(name)
    data = render(tree, runin="keep")
    lines, headings = read_back(data)
    assert headings == expected_headings(tree, "keep")
    assert_lines(tree, lines, "keep")
    if any(runin_merged(s) for s in tree.iter("section")):
        doc = part_xml(data, "word/document.xml")
        assert doc.find(".//w:r/w:rPr/w:rStyle[@w:val='RunInHeading2']", NS) is not None


def front_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style, text) of the leading paragraphs in the front-matter styles."""
    found = []
    for para in docx.Document(io.BytesIO(data)).paragraphs:
        if para.style.name not in FRONT_STYLES:
            break
        found.append((para.style.name, para.text))
    return found


def test_title_block_and_literal_labels():
    data = render(load("sample"))
    document = docx.Document(io.BytesIO(data))
    # the title is broken into balanced lines at a meaning boundary, as in the PDF
    assert front_paragraphs(data)[0] == ("Title", "深圳市罗湖区人民政府\n2023年法治政府建设年度报告")
    texts = [p.text for p in document.paragraphs]
    assert "一、主要工作情况" in texts and "（1）完善机制" in texts
    assert any(t.startswith("区委、区政府高度重视") and "一是强化学习宣传" in t for t in texts)
    styles = part_xml(data, "word/styles.xml")
    assert styles.find(".//w:numPr", NS) is None  # literal labels: no style numbering


def test_native_numbering_definition_is_bound_to_heading_styles():
    data = render(load("sample"), numbering="native")
    numbering = part_xml(data, "word/numbering.xml")
    levels = {
        int(lvl.get(W + "ilvl")): (
            lvl.find("w:numFmt", NS).get(W + "val"),
            lvl.find("w:lvlText", NS).get(W + "val"),
            lvl.find("w:pStyle", NS).get(W + "val"),
        )
        for lvl in numbering.iter(W + "lvl")
    }
    assert levels == {
        0: ("chineseCounting", "%1、", "Heading1"),
        1: ("chineseCounting", "（%2）", "Heading2"),
        2: ("decimal", "%3.", "Heading3"),
        3: ("decimal", "（%4）", "Heading4"),
    }
    styles = part_xml(data, "word/styles.xml")
    num_id = numbering.find("w:num", NS).get(W + "numId")
    for level in range(1, 5):
        num_pr = styles.find(f"w:style[@w:styleId='Heading{level}']/w:pPr/w:numPr", NS)
        assert num_pr.find("w:numId", NS).get(W + "val") == num_id
        assert num_pr.find("w:ilvl", NS).get(W + "val") == str(level - 1)
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "主要工作情况",
        "存在问题及下一步工作思路",
    ]


NUMBERING_ODDITIES = """<report version="2"><front><title>T</title></front><body>
<section kind="cn" number="1" label="一、" level="1"><heading>甲</heading>
  <section kind="cn-paren" number="1" label="（一）" level="2"><heading>子</heading></section>
  <section kind="cn-paren" number="3" label="（三）" level="2"><heading>缺二</heading></section>
  <section kind="cn-paren" number="4" label="（四）" level="2"><heading>续</heading></section>
</section>
<section kind="h1" label="" level="1"><heading>无号标题</heading>
  <section kind="cn-paren" number="1" label="（一）" level="2"><heading>在无号标题下</heading></section>
</section>
<section kind="cn" number="2" label="二、" level="1"><heading>乙</heading>
  <section kind="arabic" number="1" label="1." level="2"><heading>跳级</heading>
    <section kind="arabic-paren" number="1" label="（1）" level="3">
      <heading>深</heading>
      <section kind="arabic-paren" number="1" label="（1）" level="4"><heading>更深</heading>
        <section kind="h5" label="" level="5"><heading>五级</heading></section>
      </section>
    </section>
  </section>
</section>
<section kind="cn" number="11" label="十一、" level="1"><heading>重起</heading></section>
</body></report>"""


def test_native_numbering_keeps_the_ir_labels_through_gaps_and_restarts():
    tree = ir.validate(ir.parse(NUMBERING_ODDITIES.encode()))
    data = render(tree, numbering="native")
    lines, headings = read_back(data)
    assert headings == expected_headings(tree)
    assert lines == body_lines(tree)
    doc = part_xml(data, "word/document.xml")
    literal = [
        "".join(t.text for t in p.iter(W + "t"))
        for p in doc.iter(W + "p")
        if p.find("w:pPr/w:numPr/w:numId[@w:val='0']", NS) is not None
    ]
    assert "（三）缺二" in literal and "十一、重起" in literal and "五级" in literal


def test_core_properties_from_metadata_and_config():
    data = render(load("sample"), subject="法治政府建设", keywords="罗湖; 年度报告")
    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.title == "深圳市罗湖区人民政府2023年法治政府建设年度报告"
    assert props.author == "罗湖区委（政府）办"
    # 2023-12-21 00:00 in China, the instant the PDF's CreationDate (D:20231221000000+08'00') names
    assert props.created == dt.datetime(2023, 12, 20, 16, tzinfo=dt.timezone.utc)
    assert props.modified == props.created
    assert (props.subject, props.keywords) == ("法治政府建设", "罗湖; 年度报告")
    assert props.language == "zh-CN"
    assert props.identifier == "https://www.szlh.gov.cn/example.html"
    assert props.last_printed is None


def test_dates_come_from_source_date_epoch_without_a_report_date():
    tree = ir.clone(load("sample"))
    date = tree.find("front/field[@name='date']")
    date.getparent().remove(date)
    epoch = 1700000000
    props = docx.Document(io.BytesIO(render(tree, source_date_epoch=epoch))).core_properties
    stamp = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    assert props.created == stamp and props.modified == stamp
    props = docx.Document(io.BytesIO(render(tree))).core_properties
    assert props.created is None and props.modified is None


def test_table_keeps_merged_cells_and_header_rows():
    doc = part_xml(render(load("sample")), "word/document.xml")
    tbl = doc.find(".//w:tbl", NS)
    assert len(tbl.findall("w:tblGrid/w:gridCol", NS)) == 3
    rows = tbl.findall("w:tr", NS)
    first = rows[0].findall("w:tc", NS)
    assert first[0].find("w:tcPr/w:vMerge", NS).get(W + "val") == "restart"
    assert first[1].find("w:tcPr/w:gridSpan", NS).get(W + "val") == "2"
    second = rows[1].findall("w:tc", NS)
    assert second[0].find("w:tcPr/w:vMerge", NS).get(W + "val") is None
    assert [r.find("w:trPr/w:tblHeader", NS) is not None for r in rows] == [True, True, False, False]
    header_style = first[0].find("w:p/w:pPr/w:pStyle", NS).get(W + "val")
    body_style = rows[2].find("w:tc/w:p/w:pPr/w:pStyle", NS).get(W + "val")
    assert (header_style, body_style) == ("TableHeading", "TableText")
    assert_full_grid(tbl, 3)


def table_report(*tables: str, title: str = "T") -> etree._Element:
    """A report of raw tables (rows of cells, spans as written on a page), normalized as the
    pipeline does before anything is written."""
    root = ir.new_report()
    root.find("front/title").text = title
    for text in tables:
        root.find("body").append(normalize(etree.fromstring(text))[0])
    return ir.validate(root)


RAGGED = ("""<table>
  <row><cell>a</cell><cell>b</cell><cell rowspan="2">c</cell></row>
  <row><cell>d</cell></row>
  <row><cell colspan="4">e
  f</cell></row>
  <row/>
  <row><cell>g</cell></row>
</table>""", """<table>
  <row><cell>h</cell><cell>i</cell><cell rowspan="2">j</cell></row>
  <row><cell rowspan="2">k</cell></row>
  <row><cell>l</cell><cell>m</cell></row>
</table>""")
WIDE = "<table>" + "".join(
    "<row>" + "".join(f"<cell>{r}-{c}</cell>" for c in range(60)) + "</row>" for r in range(3)) + "</table>"
HUGE_SPAN = ('<table><row><cell>a</cell><cell colspan="3000">b</cell></row>'
             "<row><cell>c</cell><cell>d</cell><cell>e</cell></row></table>")
ODD_TABLES = (WIDE, HUGE_SPAN, *RAGGED)


def grid_spans(tr) -> list[int]:
    return [int(span.get(W + "val")) if span is not None else 1
            for span in (tc.find("w:tcPr/w:gridSpan", NS) for tc in tr.findall("w:tc", NS))]


def assert_full_grid(tbl, cols: int) -> None:
    """``cols`` grid columns; every row spans all of them with its own cells (no gridAfter)."""
    assert len(tbl.findall("w:tblGrid/w:gridCol", NS)) == cols
    assert tbl.find(".//w:gridAfter", NS) is None and tbl.find(".//w:gridBefore", NS) is None
    for tr in tbl.findall("w:tr", NS):
        assert sum(grid_spans(tr)) == cols, grid_spans(tr)


def test_ragged_tables_read_back_as_their_rows():
    tree = table_report(*RAGGED)
    data = render(tree)
    lines, _ = read_back(data)
    assert lines == body_lines(tree)
    doc = part_xml(data, "word/document.xml")
    body = doc.find("w:body", NS)
    tags = [etree.QName(c).localname for c in body]
    assert tags == ["p", "tbl", "p", "tbl", "p", "sectPr"]  # tables kept apart; body ends with a p
    first, second = body.findall("w:tbl", NS)
    for tbl in (first, second):
        assert_full_grid(tbl, 3)
    rows = first.findall("w:tr", NS)
    # d, the IR's empty cell in the hole after it, then c merged down from above
    assert ["".join(tc.itertext()) for tc in rows[1].findall("w:tc", NS)] == ["d", "", ""]
    assert [tc.find("w:tcPr/w:vMerge", NS) is not None for tc in rows[1].findall("w:tc", NS)] == [False, False, True]
    assert grid_spans(rows[2]) == [3]  # colspan 4 as the IR clamped it
    k_row = second.findall("w:tr", NS)[1]
    assert ["".join(tc.itertext()) for tc in k_row.findall("w:tc", NS)] == ["k", "", ""]


def test_wide_huge_span_and_ragged_tables_keep_the_ir_grid():
    tree = table_report(*ODD_TABLES)
    data = render(tree)
    lines, _ = read_back(data)
    assert lines == body_lines(tree)
    tables = part_xml(data, "word/document.xml").findall(".//w:tbl", NS)
    assert [int(t.get("cols")) for t in tree.iter("table")] == [60, 3, 3, 3]
    for tbl, table in zip(tables, tree.iter("table")):
        assert_full_grid(tbl, int(table.get("cols")))
    assert grid_spans(tables[1].find("w:tr", NS)) == [1, 2]  # colspan 3000, as the IR clamped it
    # 60 columns of 147 twips: narrow cell margins and text small enough for a character a line
    col_w = int(tables[0].find("w:tblGrid/w:gridCol", NS).get(W + "w"))
    margins = [int(m.get(W + "w")) for m in tables[0].findall("w:tblPr/w:tblCellMar/*", NS)]
    sizes = {int(sz.get(W + "val")) for sz in tables[0].iterfind(".//w:r/w:rPr/w:sz", NS)}
    assert len(sizes) == 1 and sizes.pop() * 10 <= col_w - sum(margins) and len(margins) == 2
    assert [t.find(".//w:r/w:rPr/w:sz", NS) for t in tables[1:]] == [None] * 3


def test_header_rows_repeat_as_the_ir_marks_them():
    tree = table_report('<table><row><cell header="true">甲</cell><cell header="true">乙</cell></row>'
                        '<row><cell header="true">丙</cell><cell>丁</cell></row></table>')
    rows = part_xml(render(tree), "word/document.xml").findall(".//w:tr", NS)
    assert [r.find("w:trPr/w:tblHeader", NS) is not None for r in rows] == [True, False]


def test_front_matter_lines_are_the_views():
    tree = load("sample")
    long_field = etree.SubElement(tree.find("front"), "field", name="topic", label="主题分类")
    long_field.text = "法治政府建设" * 6  # wider than a line
    tree.find("front").append(tree.find("front/provenance"))
    data = render(ir.validate(tree))
    fields = [line.text for line in views.front_fields(tree)]
    assert fields[:2] == ["发布机构：罗湖区委（政府）办", "发布日期：2023年12月21日"] and len(fields) >= 4
    assert front_paragraphs(data) == [("Title", "深圳市罗湖区人民政府\n2023年法治政府建设年度报告")] + [
        ("Front Matter", text) for text in fields]
    paras = part_xml(data, "word/document.xml").findall("w:body/w:p", NS)[: 1 + len(fields)]
    # the title block's blank line moves from under the title to under the last field line
    assert paras[0].find("w:pPr/w:spacing", NS).get(W + "after") == "0"
    assert paras[-1].find("w:pPr/w:spacing", NS).get(W + "afterLines") == "100"
    assert all(p.find("w:pPr/w:spacing", NS) is None for p in paras[1:-1])
    # field lines are centred by their style; the one too long for a line is justified
    assert [p.find("w:pPr/w:jc", NS) is not None for p in paras[1:]] == [False] * (len(fields) - 1) + [True]
    assert paras[-1].find("w:pPr/w:jc", NS).get(W + "val") == "both"


def test_title_alone_keeps_the_blank_line_of_its_style_and_fields_alone_get_it():
    data = render(table_report(title="只有标题"))
    assert front_paragraphs(data) == [("Title", "只有标题")]
    title = part_xml(data, "word/document.xml").find("w:body/w:p", NS)
    assert title.find("w:pPr/w:spacing", NS) is None
    tree = table_report(title="")
    etree.SubElement(tree.find("front"), "field", name="publisher", label="发布机构").text = "某局"
    data = render(tree)
    assert front_paragraphs(data) == [("Front Matter", "发布机构：某局")]
    field = part_xml(data, "word/document.xml").find("w:body/w:p", NS)
    assert field.find("w:pPr/w:spacing", NS).get(W + "afterLines") == "100"


def test_right_aligned_paragraph_is_flush_right_without_indent():
    root = table_report()
    etree.SubElement(root.find("body"), "p").text = "正文。"
    etree.SubElement(root.find("body"), "p", align="right").text = "深圳市罗湖区人民政府"
    etree.SubElement(root.find("body"), "p", align="right").text = "2023年12月21日"
    data = render(ir.validate(root))
    paras = part_xml(data, "word/document.xml").findall("w:body/w:p", NS)[1:4]
    assert [p.find("w:pPr/w:jc", NS) is not None for p in paras] == [False, True, True]
    for p in paras[1:]:
        assert p.find("w:pPr/w:jc", NS).get(W + "val") == "right"
        ind = p.find("w:pPr/w:ind", NS)
        assert (ind.get(W + "firstLine"), ind.get(W + "firstLineChars")) == ("0", "0")


def test_the_addressee_is_flush_left_and_justified_without_indent():
    root = table_report()
    etree.SubElement(root.find("body"), "p", align="left").text = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
    etree.SubElement(root.find("body"), "p").text = "现将有关事项通知如下。"
    data = render(ir.validate(root))
    addressee, text = part_xml(data, "word/document.xml").findall("w:body/w:p", NS)[1:3]
    assert addressee.find("w:pPr/w:jc", NS).get(W + "val") == "both"
    ind = addressee.find("w:pPr/w:ind", NS)
    assert (ind.get(W + "firstLine"), ind.get(W + "firstLineChars")) == ("0", "0")
    assert text.find("w:pPr/w:ind", NS) is None


def test_a_centred_line_and_a_group_row_keep_with_the_next():
    """Word keeps a centred line (an attachment's title) and a group's row (one cell across
    the table) on the page of what follows them (keepNext)."""
    root = table_report()
    body = root.find("body")
    etree.SubElement(body, "p", align="center").text = "第二批支持创新相关改革举措推广清单"
    table = etree.SubElement(body, "table")
    for cells in (["序号", "改革举措"], ["一、知识产权保护方面（共5项）"], ["1", "知识产权案件审判"]):
        row = etree.SubElement(table, "row")
        for text in cells:
            etree.SubElement(row, "cell", **({"colspan": "2"} if len(cells) == 1 else {})).text = text
    table.getparent().replace(table, normalize(table)[0])
    doc = part_xml(render(ir.validate(root)), "word/document.xml")
    kept = ["".join(t.text for t in p.iter(W + "t")) for p in doc.iter(W + "p") if p.find("w:pPr/w:keepNext", NS) is not None]
    assert "第二批支持创新相关改革举措推广清单" in kept and "一、知识产权保护方面（共5项）" in kept
    assert "序号" not in kept and "1" not in kept


def test_an_attachment_line_breaks_the_page_before_it():
    """The 附件 line and the attachment's title in their own styles (黑体 flush left; as the title)."""
    root = table_report()
    etree.SubElement(root.find("body"), "p", align="left", role="attachment", **{"break": "page"}).text = "附件"
    etree.SubElement(root.find("body"), "p", role="attachment-title").text = "第二批支持创新相关改革举措推广清单"
    doc = part_xml(render(ir.validate(root)), "word/document.xml")
    attachment, title = [p for p in doc.iter(W + "p")
                         if "".join(t.text for t in p.iter(W + "t")) in ("附件", "第二批支持创新相关改革举措推广清单")]
    assert attachment.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert [p.find("w:pPr/w:pStyle", NS).get(W + "val") for p in (attachment, title)] == ["Attachment", "AttachmentTitle"]
    assert attachment.find("w:pPr/w:jc", NS) is None  # the style sets it


def test_a_signatures_date_keeps_with_the_note_under_it():
    """国函〔2018〕144号's date keeps with its 附注 (（此件公开发布）) on one page (``keepNext``)."""
    doc = part_xml(render(ir_of(DATA / "structure" / "govcn_2019-02_055.html")), "word/document.xml")
    note = next(p for p in doc.iter(W + "p") if "".join(t.text for t in p.iter(W + "t")) == "（此件公开发布）")
    date = note.getprevious()
    assert "".join(t.text for t in date.iter(W + "t")) == "2018年11月20日"
    assert date.find("w:pPr/w:keepNext", NS) is not None and note.find("w:pPr/w:keepNext", NS) is None


def test_a_centred_paragraph_breaks_into_the_pdfs_balanced_lines():
    """河北's subtitle, longer than a line, is broken where the PDF breaks it (a line break in
    the paragraph), so Word does not leave 次会议上 alone on a second line."""
    doc = part_xml(render(ir_of(DATA / "structure" / "gzbg_2026_hebei.txt")), "word/document.xml")
    subtitle = next(p for p in doc.iter(W + "p") if "".join(t.text for t in p.iter(W + "t")).startswith("——2026年"))
    pieces = [(el.text if el.tag == W + "t" else "|") for el in subtitle.iter(W + "t", W + "br")]
    assert "".join(pieces) == "——2026年1月26日在河北省|第十四届人民代表大会第四次会议上"


def test_an_attachment_heads_its_headings_in_the_navigation_pane():
    """国办函〔2004〕80号 as Word's navigation pane shows it (each paragraph's outline level, its
    own or its style's): the attachments at the top level, 附件1's 一、…四、 under it, as the
    PDF's outline has them (the letter itself has no headings)."""
    data = render(ir_of(DATA / "structure" / "govcn_2019-02_023.html"))
    doc, styles = part_xml(data, "word/document.xml"), part_xml(data, "word/styles.xml")
    by_style = {s.get(W + "styleId"): s.find("w:pPr/w:outlineLvl", NS) for s in styles.iter(W + "style")}
    pane = []
    for p in doc.iter(W + "p"):
        level = p.find("w:pPr/w:outlineLvl", NS)
        style = p.find("w:pPr/w:pStyle", NS)
        level = level if level is not None else by_style.get(style.get(W + "val")) if style is not None else None
        if level is not None:
            pane.append((int(level.get(W + "val")), "".join(t.text for t in p.iter(W + "t"))))
    assert pane == [(0, "附件1"), (1, "一、基本情况"), (1, "二、地质险情成因分析"), (1, "三、处理情况"),
                    (1, "四、建议意见"), (0, "附件2")]


def test_the_attachment_note_and_the_signature_stand_as_gb_t_9704_sets_them():
    """教思政厅函〔2024〕10号's 附件：1.… 2.… 3.… in ``Attachment Note`` (a blank line above the
    first only): each a hanging indent in characters and twips, past the two-character paragraph
    indent, the names' later lines under their first character, the numbers under the 1."""
    data = render(ir_of(DATA / "corpus" / "html" / "wjmoe.gov.cn.html"))
    doc = part_xml(data, "word/document.xml")
    notes = [p for p in doc.iter(W + "p") if p.find("w:pPr/w:pStyle[@w:val='AttachmentNote']", NS) is not None]
    assert ["".join(t.text for t in p.iter(W + "t"))[:5] for p in notes] == ["附件：1.", "2.数字微", "3.202"]
    indents = [{k.removeprefix(W): v for k, v in p.find("w:pPr/w:ind", NS).attrib.items()} for p in notes]
    assert indents == [{"leftChars": "600", "left": "1890", "hangingChars": "400", "hanging": "1260"}] + \
        [{"leftChars": "600", "left": "1890", "hangingChars": "100", "hanging": "315"}] * 2
    styles = part_xml(data, "word/styles.xml")
    style = styles.find("w:style[@w:styleId='AttachmentNote']/w:pPr", NS)
    assert style.find("w:spacing", NS).get(W + "before") == "579" and style.find("w:contextualSpacing", NS) is not None
    # the signature block (§7.3.5.2): Signature, right-aligned, a blank line above its first line
    # only; 教育部办公厅 4.5 characters in from the right margin, 2024年5月30日 two
    lines = [p for p in doc.iter(W + "p") if p.find("w:pPr/w:pStyle[@w:val='Signature']", NS) is not None]
    assert ["".join(t.text for t in p.iter(W + "t")) for p in lines] == ["教育部办公厅", "2024年5月30日"]
    assert [(p.find("w:pPr/w:ind", NS).get(W + "rightChars"), p.find("w:pPr/w:ind", NS).get(W + "right"))
            for p in lines] == [("450", "1418"), ("200", "630")]
    # no page holds the signature alone: the organ keeps with its date, the text before with it
    before = lines[0].getprevious()
    assert [p.find("w:pPr/w:keepNext", NS) is not None for p in (before, *lines)] == [True, True, False]
    style = styles.find("w:style[@w:styleId='Signature']/w:pPr", NS)
    assert style.find("w:jc", NS).get(W + "val") == "right" and style.find("w:spacing", NS).get(W + "before") == "579"
    assert style.find("w:contextualSpacing", NS) is not None


def test_links_become_hyperlinks_and_keep_their_text():
    data = render(load("sample"))
    doc = part_xml(data, "word/document.xml")
    link = doc.find(".//w:hyperlink", NS)
    assert "".join(t.text for t in link.iter(W + "t")) == "附件"
    rels = part_xml(data, "word/_rels/document.xml.rels")
    rid = link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    target = [r for r in rels if r.get("Id") == rid][0]
    assert (target.get("Target"), target.get("TargetMode")) == ("https://www.szlh.gov.cn/a.html", "External")


def test_hyperlinks_are_related_as_python_docx_relates_them_without_a_search_per_link(monkeypatch):
    """600 links to 400 targets (some linked twice), pictures among them: each link gets the
    relationship python-docx's ``relate_to`` would give it (the first to its target, else a new
    one with the lowest free rId), so the file is the same; but no link goes through every
    relationship of the document for it, as ``relate_to`` does (a page of 4,000 links took 4 s)."""
    from docx.opc.rel import Relationships

    root = ir.new_report()
    root.find("front/title").text = "链接"
    pictures = []
    for i in range(600):
        p = etree.SubElement(root.find("body"), "p")
        p.text = f"第{i}条见"
        link = etree.SubElement(p, "link", href=f"https://a.cn/{i % 400}.html")
        link.text = f"文件{i}"
        if i % 150 == 7:
            pid = f"p{len(pictures)}"
            etree.SubElement(root.find("body"), "figure", src=f"{pid}.png", alt="图", picture=pid)
            pictures.append((pid, png(12 + len(pictures), 8)))
    root.append(picture_store(*pictures))
    tree = ir.validate(root)
    searched = []
    matching = Relationships._get_matching
    monkeypatch.setattr(Relationships, "_get_matching", lambda self, *a, **k: searched.append(1) or matching(self, *a, **k))
    fast = render(tree)
    assert len(searched) < 100  # the pictures' (python-docx's to make: a few each); one a link would be 600
    monkeypatch.setattr(docx_writer.DocxWriter, "_rid", lambda self, reltype, target, external=False:
                        self.part.relate_to(target, reltype, is_external=external))
    assert render(tree) == fast
    rels = part_xml(fast, "word/_rels/document.xml.rels")
    assert len([r for r in rels if r.get("TargetMode") == "External"]) == 400


@pytest.mark.parametrize("template", [None, "word-imitation.docx"])
def test_pictures_are_embedded_as_python_docx_embeds_them_without_a_search_per_picture(monkeypatch, template):
    """Pictures (PNG, JPEG and GIF, one twice, one the template's own header picture) among
    links: each picture's media part, its relationship and its drawing are those python-docx's
    own methods give (``get_or_add_image_part``, ``relate_to``, ``next_id``), so the file is
    the same, in the shipped template and in one whose headers hold drawings. python-docx goes
    through every media part, relationship and element of the document for each picture: a
    page of 1,000 pictures took 6.5 s, 0.5 s now."""
    path = DATA / "templates" / template if template else None
    own = []
    if path:
        with zipfile.ZipFile(path) as zf:
            own = [zf.read(n) for n in zf.namelist() if n.startswith("word/media/")]
    pictures = [png(12, 8), png(20, 10, "JPEG"), png(9, 9, "GIF"), png(12, 8), *own, png(30, 12, color=(1, 2, 3))]
    root = ir.new_report()
    root.find("front/title").text = "图片"
    for i, data in enumerate(pictures):
        p = etree.SubElement(root.find("body"), "p")
        p.text = f"第{i}段"
        etree.SubElement(p, "link", href=f"https://a.cn/{i % 3}.html").text = "见"
        etree.SubElement(root.find("body"), "figure", src=f"p{i}.png", alt="图", picture=f"p{i}")
    root.append(picture_store(*((f"p{i}", data) for i, data in enumerate(pictures))))
    tree = ir.validate(root)
    opts = {"reference_docx": path} if path else {}
    fast = render(tree, **opts)
    writer = docx_writer.DocxWriter
    monkeypatch.setattr(writer, "_picture_part", lambda self, data: self.part.package.get_or_add_image_part(io.BytesIO(data)))
    monkeypatch.setattr(writer, "_rid", lambda self, reltype, target, external=False:
                        self.part.relate_to(target, reltype, is_external=external))
    monkeypatch.setattr(writer, "_next_id", lambda self: self.part.next_id)
    assert render(tree, **opts) == fast
    media = [n for n in parts_of(fast) if n.startswith("word/media/")]
    assert len(media) == len(pictures) - 1 - len(own) + (1 if own else 0)  # the same bytes, one part


TEXT = st.text(alphabet="字法。，、“”（）ab1 \t\n&<", max_size=24)
KIND_LABELS = {
    "cn": lambda n: cn_counting(n) + "、",
    "cn-paren": lambda n: f"（{cn_counting(n)}）",
    "arabic": lambda n: f"{n}.",
    "arabic-paren": lambda n: f"（{n}）",
}


@st.composite
def reports(draw):
    """Random IR documents: nested sections of any kind, paragraphs with items and links, ragged tables."""
    root = ir.new_report()
    root.find("front/title").text = draw(TEXT)
    for name, label in (("publisher", "发布机构"), ("date", "发布日期")):
        if draw(st.booleans()):
            etree.SubElement(root.find("front"), "field", name=name, label=label).text = draw(TEXT)

    def inline(el, items=False):
        el.text = draw(TEXT)
        for number in range(1, draw(st.integers(0, 2)) + 1):
            if items and draw(st.booleans()):
                child = etree.SubElement(el, "item", label=cn_counting(number) + "是", number=str(number))
                inline(child)
            else:
                child = etree.SubElement(el, "link", href=draw(st.sampled_from(["https://a.cn/x", "#top", "a b.html", ""])))
                child.text = draw(TEXT)
            child.tail = draw(TEXT)

    def blocks(parent, level):
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["p", "p", "section", "table", "list", "figure"] if level < 6 else ["p"]))
            if kind == "p":
                align = draw(st.sampled_from([None, None, "right", "center", "left"]))
                inline(etree.SubElement(parent, "p", **({"align": align} if align else {})), items=True)
            elif kind == "section":
                sk = draw(st.sampled_from([*KIND_LABELS, "h2"]))
                attrs = {"kind": sk, "level": str(level), "label": ""}
                if sk in KIND_LABELS:
                    n = draw(st.integers(1, 3))
                    attrs.update(number=str(n), label=KIND_LABELS[sk](n))
                if draw(st.booleans()):
                    attrs["runin"] = "true"
                section = etree.SubElement(parent, "section", **attrs)
                inline(etree.SubElement(section, "heading"))
                blocks(section, level + 1)
            elif kind == "table":
                table = etree.Element("table")
                for _ in range(draw(st.integers(1, 4))):
                    row = etree.SubElement(table, "row")
                    for _ in range(draw(st.integers(0, 3))):
                        cell = etree.SubElement(row, "cell")
                        cell.text = draw(TEXT)
                        for attr in ("rowspan", "colspan"):
                            span = draw(st.integers(1, 3))
                            if span > 1:
                                cell.set(attr, str(span))
                        if draw(st.booleans()):
                            cell.set("header", "true")
                parent.append(normalize(table)[0])
            elif kind == "list":
                lst = etree.SubElement(parent, "list")
                if draw(st.booleans()):
                    lst.set("ordered", "true")
                for n in range(1, draw(st.integers(1, 3)) + 1):
                    inline(etree.SubElement(lst, "li", label=f"{n}." if lst.get("ordered") else "•"))
            else:
                figure = etree.SubElement(parent, "figure", src=draw(st.sampled_from(["x.png", "https://a.cn/y.png"])),
                                          alt=draw(TEXT))
                if draw(st.booleans()):
                    figure.set("picture", "p1")

    blocks(root.find("body"), 1)
    if root.find(".//figure[@picture]") is not None:
        root.append(picture_store(("p1", png(12, 8))))
    return ir.validate(root)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.sampled_from(["literal", "native"]), st.sampled_from(["split", "keep"]))
def test_any_ir_reads_back_as_its_body_text(tree, numbering, runin):
    lines, headings = read_back(render(tree, numbering=numbering, runin=runin))
    assert headings == expected_headings(tree, runin)
    assert_lines(tree, lines, runin)


# ----------------------------------------------------------------------------- looks and config


def test_configured_fonts_go_to_the_east_asian_slot():
    fonts = FontFaces(body="宋体", heading1="方正黑体_GBK")
    data = render(load("sample"), fonts=fonts)
    styles = part_xml(data, "word/styles.xml")
    assert style_font(styles, "Normal")[0] == "宋体"
    assert style_font(styles, "Heading1")[0] == "方正黑体_GBK"
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS).get(W + "eastAsia") == "宋体"
    font_names = {f.get(W + "name") for f in part_xml(data, "word/fontTable.xml").iter(W + "font")}
    assert {"宋体", "方正黑体_GBK"} <= font_names


def user_reference(tmp_path) -> Path:
    """A user's reference document: bigger body text, and without our Figure, Run-in and front-matter styles."""
    parts = parts_of(shipped_template())
    styles = etree.fromstring(parts["word/styles.xml"])
    for style in list(styles.iter(W + "style")):
        if style.get(W + "styleId") in ("Figure", "RunInHeading2", "FrontMatter", "Caption"):
            styles.remove(style)
        if style.get(W + "styleId") == "Normal":
            style.find("w:rPr/w:sz", NS).set(W + "val", "30")
            style.find("w:rPr/w:rFonts", NS).set(W + "eastAsia", "华文仿宋")
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8")
    path = tmp_path / "mine.docx"
    path.write_bytes(docx_writer.deterministic_zip(parts))
    return path


def test_a_user_reference_docx_gives_the_looks(tmp_path):
    ref = user_reference(tmp_path)
    tree = load("sample")
    data = render(tree, reference_docx=ref, runin="keep")
    styles = part_xml(data, "word/styles.xml")
    assert style_font(styles, "Normal") == ("华文仿宋", 15, False)  # theirs, not ours
    for sid in ("Figure", "RunInHeading2", "FrontMatter", "Caption"):  # missing styles are added
        assert styles.find(f"w:style[@w:styleId='{sid}']", NS) is not None
    lines, headings = read_back(data)
    assert_lines(tree, lines, "keep")
    data = render(tree, reference_docx=ref, fonts=FontFaces(body="仿宋"))
    assert style_font(part_xml(data, "word/styles.xml"), "Normal")[0] == "仿宋"  # named in config: wins


def test_a_user_reference_docx_takes_the_faces_changed_from_the_defaults_only(tmp_path):
    """The output depends on the faces alone, as the settings hash does: naming a default face
    changes nothing, a changed one is written into its style."""
    ref, tree = user_reference(tmp_path), load("sample")
    plain = part_xml(render(tree, reference_docx=ref), "word/styles.xml")
    named = part_xml(render(tree, reference_docx=ref, fonts=FontFaces(body="仿宋_GB2312")), "word/styles.xml")
    assert etree.tostring(named) == etree.tostring(plain)
    assert style_font(named, "Normal")[0] == "华文仿宋"
    faces = msgspec.structs.replace(FontFaces(), heading1="方正黑体_GBK")
    changed = part_xml(render(tree, reference_docx=ref, fonts=faces), "word/styles.xml")
    assert style_font(changed, "Normal")[0] == "华文仿宋" and style_font(changed, "Heading1")[0] == "方正黑体_GBK"


def test_user_reference_with_heading_numbering_gets_no_double_labels(tmp_path):
    data = render(load("sample"), numbering="native")
    path = tmp_path / "numbered.docx"
    path.write_bytes(data)  # a reference whose heading styles are bound to numbering
    out = render(load("sample"), reference_docx=path)
    assert part_xml(out, "word/styles.xml").find(".//w:numPr", NS) is None
    lines, _ = read_back(out)
    assert lines == body_lines(load("sample"))


@pytest.mark.parametrize("content", [b"not a zip", None])
def test_a_bad_reference_docx_is_a_render_error(tmp_path, content):
    path = tmp_path / "bad.docx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RenderError, match="bad.docx"):
        render(load("sample"), reference_docx=path)


# ----------------------------------------------------------------------------- determinism


@pytest.mark.slow
def test_two_runs_give_identical_bytes():
    tree = load("sample")
    first = render(tree, numbering="native")
    time.sleep(1.1)  # a clock in the output would show up now
    assert render(tree, numbering="native") == first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        infos = zf.infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert infos[0].filename == "[Content_Types].xml"
    text = b"".join(parts_of(first).values())
    assert b"rsid" not in text and b"python-docx" not in text


def zipfile_zip(parts) -> bytes:
    """``parts`` zipped by ``zipfile`` as ``deterministic_zip`` says it zips them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()


def test_the_zip_is_the_one_zipfile_writes():
    """``deterministic_zip`` writes the zip's headers itself (so that a template's parts are
    deflated once): the bytes must stay those of ``zipfile``, for a name outside ASCII and an
    empty entry too, and whether a part's deflated data is reused or not."""
    parts = {**parts_of(render(load("sample"))), "word/media/图一.png": png(4, 3), "customXml/empty.xml": b""}
    assert docx_writer.deterministic_zip(parts) == zipfile_zip(parts)
    known = {name: (data, docx_writer.deflate(data)) for name, data in parts.items()}
    known["word/document.xml"] = (b"<w:document/>", docx_writer.deflate(b"<w:document/>"))  # not this data
    assert docx_writer.deterministic_zip(parts, known) == zipfile_zip(parts)


def test_the_parts_are_those_python_docx_saves():
    """The writer takes the parts from python-docx's package instead of its saved zip (it uses
    python-docx's private content-types builder, and its relationships element for the rels
    items, made once per set of relationships), those it shares with the template written out
    once: they must stay what ``save`` writes."""
    writer = docx_writer.DocxWriter(settings(numbering="native"))
    writer.visit(load("sample"))  # a link and a picture: relationships and parts added
    out = io.BytesIO()
    writer.doc.save(out)
    saved = parts_of(out.getvalue())
    assert docx_writer._package_parts(writer.doc.part.package) == saved
    assert docx_writer._package_parts(writer.doc.part.package, writer.template.shared_items) == saved


def test_a_document_leaves_the_shared_template_as_it_was():
    """Documents share the set-up template's parts they only read; writing one changes none."""
    template = docx_writer._template_for(settings())
    before = {str(p.partname): p.blob for p in template.doc.part.package.iter_parts()}
    render(load("sample"))  # a link and a picture
    assert {str(p.partname): p.blob for p in template.doc.part.package.iter_parts()} == before


def test_threads_give_the_bytes_of_a_serial_run(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(name, opts) for name in ("sample", "docx_long") for opts in
            ({}, {"numbering": "native"}, {"reference_docx": user_reference(tmp_path)})]
    serial = [render(load(name), **opts) for name, opts in jobs]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda job: render(load(job[0]), **job[1]), jobs * 3))
    assert threaded == serial * 3


# ----------------------------------------------------------------------------- goldens


def canonical(data: bytes) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(data, parser), method="c14n")


GOLDENS = [("sample", {}), ("sample", {"numbering": "native"}), ("docx_long", {}), ("docx_long", {"runin": "keep"})]


def golden_name(name, opts):
    suffix = "".join(f"-{v}" for v in opts.values())
    return f"{name}{suffix}.docx"


@pytest.mark.parametrize("name, opts", GOLDENS, ids=[golden_name(n, o) for n, o in GOLDENS])
def test_matches_golden_part_by_part(name, opts, regen_golden):
    data = render(load(name), **opts)
    path = GOLDEN_DIR / golden_name(name, opts)
    if regen_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden {path.name}: look at the rendering, then run pytest --regen-golden"
    want, got = parts_of(path.read_bytes()), parts_of(data)
    assert sorted(got) == sorted(want)
    for part in want:
        if part.endswith((".xml", ".rels")):
            assert canonical(got[part]) == canonical(want[part]), f"part {part} differs"
        else:
            assert got[part] == want[part], f"part {part} differs"


# ----------------------------------------------------------------------------- rendered by LibreOffice

RENDERED = [(name, mode) for name in FIXTURES + RENDERED_CORPUS for mode in ("literal", "native")]


@pytest.fixture(scope="module")
def rendered_pdfs(tmp_path_factory):
    """Each fixture in both numbering modes, converted to PDF by one LibreOffice run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftotext") or not shutil.which("pdfinfo"):
        if in_ci():
            pytest.fail("CI must install LibreOffice and poppler-utils for the render check")
        pytest.skip("LibreOffice (soffice) and poppler-utils are needed for the render check")
    tmp = tmp_path_factory.mktemp("render")
    odd = tmp / "odd_tables.docx"
    odd.write_bytes(render(table_report(*ODD_TABLES)))
    files = [str(odd)]
    for name, mode in RENDERED:
        path = tmp / f"{name}-{mode}.docx"
        path.write_bytes(render(load(name), numbering=mode))
        files.append(str(path))
    cmd = [
        soffice,
        f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp),
        *files,
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    pdfs = {"odd_tables": tmp / "odd_tables.pdf"}
    for name, mode in RENDERED:
        pdf = tmp / f"{name}-{mode}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {name}-{mode}"
        pdfs[(name, mode)] = pdf
    return pdfs


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_text(pdf: Path) -> str:
    """The PDF's text with whitespace and the page numbers (— N —) removed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    text = re.sub(r"—\s*\d+\s*—", "", text)
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name, mode", RENDERED, ids=[f"{n}-{m}" for n, m in RENDERED])
def test_rendered_pages_and_labels(rendered_pdfs, name, mode):
    tree = load(name)
    pdf = rendered_pdfs[(name, mode)]
    pages = pdf_pages(pdf)
    # the same grid as our PDF: LibreOffice lays the DOCX out on as many pages, give or take one
    # (it breaks some lines and tables a little differently)
    expected = len(pdf_writer.layout(tree))
    assert abs(pages - expected) <= 1, (pages, expected)
    text = pdf_text(pdf)
    position = 0
    for line in views.front_lines(tree):  # the title, then the field lines, first
        line = re.sub(r"\s+", "", line.text)
        found = text.find(line, position)
        assert found >= 0, f"front matter {line!r} not in the rendered text after offset {position}"
        position = found + len(line)
    for section in tree.iter("section"):  # every heading, label first, in document order
        line = re.sub(r"\s+", "", ir.heading_line(section))
        found = text.find(line, position)
        assert found >= 0, f"{line!r} not in the rendered text after offset {position}"
        position = found + len(line)
    for item in tree.iter("item"):
        assert item.get("label") in text
    shown = {views.figure_placeholder(f): views.figure_caption(f) for f in tree.iter("figure") if views.picture(f)}
    for line in body_lines(tree):  # a shown picture reads as its caption
        if "\t" not in line:
            assert re.sub(r"\s+", "", shown.get(line, line)) in text


def test_wide_huge_span_and_ragged_tables_render(rendered_pdfs):
    pdf = rendered_pdfs["odd_tables"]
    assert pdf.exists() and pdf_pages(pdf) >= 1
    text = pdf_text(pdf)
    assert all(ch in text for ch in "abcdefghijklm")
