"""The DOCX page as laid out: the reference page and the long reports of ``tests/test_layout.py``
rendered by LibreOffice and read back, checked as the PDF is checked; what LibreOffice cannot
show is checked in the XML.

Rendered (``render``, ``slow``: LibreOffice and poppler): LibreOffice is given the font files
the PDF uses for each role (a private fontconfig file aliases the configured face names,
``仿宋_GB2312`` …, to the families ``fonts.resolve`` chose: AR PL UMing CN, AR PL UKai CN, Noto
Sans SC where those are what is installed), so widths are those the PDF was broken with, and
the rendered PDF is checked to embed only those faces. Its lines are read back with
``pdftotext -bbox-layout`` and matched to the PDF writer's blocks (title, field lines,
headings, paragraphs), each given its grid slot from its position; then the PDF's own checks
(``test_layout``) run on them: 28 cells on every full line of pure CJK text, 22 lines on every
full page, no heading as the last line of a page nor split across two; the title lines are the
PDF's; the dash of the page number lies 7 mm (±0.5) under the block on an odd and an even page.

In the XML, because LibreOffice cannot show it: how Word lays the grid out with the real faces
(not installed here: the widths and line heights are the stand-ins'), and what a given
document happens not to exercise (a heading that would end a page; table rows kept whole,
``w:cantSplit``, are checked on a table page by ``test_layout``, these documents have no
table). See each test's docstring.

The blocks are the PDF's, so the DOCX is read back in its default options (literal labels and
native numbering print the same lines; ``docx.runin: keep`` joins a run-in head to its
paragraph, which the PDF does not).
"""
from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from pipeline import fonts
from pipeline.config import Settings
from pipeline.writers import docx, pdf

from .conftest import ir_of
from .test_docx import in_ci
from .test_layout import (DOCUMENTS, assert_full_lines, assert_full_pages, assert_no_heading_ends_a_page_or_splits,
                          dash_gap_on_the_image)

W = f"{{{docx.W_NS}}}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ROLES = ("title", "body", "heading1", "heading2", "heading3", "heading4", "page_number")
TWIPS_PER_PT = 20


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def needed(*names: str) -> str:
    """The first of ``names`` on the PATH: required in CI (``.ci/run`` installs LibreOffice and
    poppler-utils), a skip elsewhere."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    if in_ci():
        pytest.fail(f"{names[0]} not found: CI must install LibreOffice and poppler-utils for the DOCX layout checks")
    pytest.skip(f"{names[0]} not found: the DOCX layout checks need LibreOffice and poppler-utils")


# --- rendering by LibreOffice with the PDF's fonts ------------------------------------------

def fontconfig_file(folder: Path, settings: Settings) -> Path:
    """A fontconfig file: the system's configuration, the folders of the PDF's font files, and
    each configured face name (absent here) bound to the family the PDF sets that role in."""
    aliases, dirs = {}, {}
    for role in ROLES:
        chosen = fonts.resolve(role, settings)
        aliases[getattr(settings.fonts, role)] = chosen.family
        dirs[str(Path(chosen.path).parent)] = None
    rules = "".join(
        f'<match target="pattern"><test name="family"><string>{escape(face)}</string></test>'
        f'<edit name="family" mode="assign" binding="strong"><string>{escape(family)}</string></edit></match>'
        for face, family in aliases.items())
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<cachedir>{escape(str(folder / "fc-cache"))}</cachedir>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        + "".join(f"<dir>{escape(d)}</dir>" for d in dirs) + rules + "</fontconfig>", encoding="utf-8")
    return path


def postscript_name(path: str, index: int) -> str:
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    return TTFont(path, fontNumber=index, lazy=True)["name"].getDebugName(6)


@dataclass
class Rendered:
    tree: etree._Element
    docx: bytes
    pdf: Path

    @cached_property
    def lines(self) -> list[dict]:
        """The lines pdftotext reads on each page, top to bottom: page, box, text."""
        xml = subprocess.run([needed("pdftotext"), "-bbox-layout", str(self.pdf), "-"], check=True,
                             capture_output=True, timeout=120).stdout
        found = []
        for n, page in enumerate(etree.fromstring(xml).iter(f"{XHTML}page")):
            for line in page.iter(f"{XHTML}line"):
                found.append({"page": n, "text": "".join(w.text or "" for w in line.iter(f"{XHTML}word")),
                              **{k: float(line.get(k)) for k in ("xMin", "xMax", "yMin", "yMax")}})
        return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, settings) -> dict[str, Rendered]:
    """Each document's DOCX converted to PDF by one LibreOffice run (a private profile, a
    timeout), with the PDF's fonts."""
    soffice = needed("soffice", "libreoffice")
    needed("pdftotext")
    folder = tmp_path_factory.mktemp("docx-layout")
    done = {}
    for path in DOCUMENTS:
        tree = ir_of(path, settings)
        done[path.stem] = Rendered(tree, docx.render(tree, settings), folder / f"{path.stem}.pdf")
        (folder / f"{path.stem}.docx").write_bytes(done[path.stem].docx)
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(folder, settings))}
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), *(str(folder / f"{s}.docx") for s in done)],
                   check=True, capture_output=True, timeout=300, env=env)
    for stem, r in done.items():
        assert r.pdf.exists(), f"LibreOffice did not convert {stem}"
    return done


@pytest.fixture(params=DOCUMENTS, ids=lambda p: p.name)
def document(request, rendered) -> Rendered:
    return rendered[request.param.stem]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_back(r: Rendered, settings: Settings) -> list[list[pdf.Line]]:
    """LibreOffice's lines as ``pdf.Line`` pages: the pieces pdftotext reads in the block
    joined per grid slot (the slot a piece's middle falls in; page numbers under the block left
    out), then each line matched to the PDF writer's block it prints (kind, block number, whole
    text) in document order."""
    geo = pdf.Geometry.from_settings(settings.pdf)
    top = geo.page_height - geo.top  # the block's top edge, from the top of the page
    blocks = []
    for page in pdf.layout(r.tree, settings):
        for line in page:
            if line.kind != "page_number" and (not blocks or blocks[-1].block != line.block):
                blocks.append(line)
    slots: dict[tuple[int, int], list[dict]] = {}
    for piece in r.lines:
        slot = math.floor(((piece["yMin"] + piece["yMax"]) / 2 - top) / geo.pitch)
        if slot < settings.pdf.lines_per_page:
            assert slot >= 0, piece
            slots.setdefault((piece["page"], slot), []).append(piece)
    lines = [(page, slot, sorted(pieces, key=lambda p: p["xMin"])) for (page, slot), pieces in sorted(slots.items())]
    pages: list[list[pdf.Line]] = [[] for _ in range(max(piece["page"] for piece in r.lines) + 1)]
    at = 0
    for block in blocks:
        whole, so_far = squeeze(block.source), ""
        while so_far != whole:
            assert at < len(lines), f"the rendered text ends inside {whole[:30]!r}"
            page, slot, pieces = lines[at]
            text = squeeze("".join(piece["text"] for piece in pieces))
            assert whole.startswith(so_far + text), (f"page {page + 1}: {text!r} is not the next line of "
                                                     f"{block.kind} {whole[:30]!r} after {so_far[-20:]!r}")
            so_far += text
            at += 1
            pages[page].append(pdf.Line(page, block.kind, block.block, text, block.source, pieces[0]["xMin"],
                                        pieces[-1]["xMax"], geo.page_height - pieces[0]["yMax"], 0.0, False, slot))
    assert at == len(lines), f"rendered lines no block prints: {[line[2][0]['text'] for line in lines[at:]][:3]}"
    return pages


# --- rendered -----------------------------------------------------------------------------

@pytest.mark.render
@pytest.mark.slow
def test_libreoffice_sets_the_pdfs_faces(document, settings):
    """Every face LibreOffice embedded is one the PDF sets a role in: the widths checked below
    are those the PDF's lines were broken with (not a substitute LibreOffice picked)."""
    ours = {postscript_name(f.path, f.index) for f in (fonts.resolve(role, settings) for role in ROLES)}
    listing = subprocess.run([needed("pdffonts"), str(document.pdf)], check=True, capture_output=True,
                             text=True, timeout=60).stdout.splitlines()[2:]
    used = {line.split()[0].split("+", 1)[-1] for line in listing if line.strip()}
    assert all(any(name.startswith(ps) for ps in ours) for name in used), (used, ours)
    body = fonts.resolve("body", settings)
    assert any(name.startswith(postscript_name(body.path, body.index)) for name in used), used


@pytest.mark.render
@pytest.mark.slow
def test_rendered_full_lines_have_28_cells(document, settings):
    """As the PDF's, but without hanging marks (标点悬挂): LibreOffice (7.4) imports the styles'
    ``w:overflowPunct w:val="1"`` (Word: hang) as hanging turned off, so it pushes the last
    character down with the mark where the PDF hangs the mark (and with ``w:val="0"`` it hangs
    、。，：；？！ but may not draw a mark it hung on a line after the first)."""
    assert assert_full_lines(read_back(document, settings), settings, hanging=False) > 40


@pytest.mark.render
@pytest.mark.slow
def test_rendered_full_pages_have_22_lines(document, settings):
    seen = assert_full_pages(read_back(document, settings), settings)
    assert seen.count(settings.pdf.lines_per_page) >= len(seen) - len(seen) // 4


@pytest.mark.render
@pytest.mark.slow
def test_rendered_page_never_ends_with_a_heading(document, settings):
    assert_no_heading_ends_a_page_or_splits(read_back(document, settings))


@pytest.mark.render
@pytest.mark.slow
def test_rendered_title_lines_are_the_pdfs(document, settings):
    pages = read_back(document, settings)
    rendered_lines = [line.text for line in pages[0] if line.kind == "title"]
    assert rendered_lines == [squeeze(line.text) for line in pdf.layout(document.tree, settings)[0]
                              if line.kind == "title"]


@pytest.mark.render
@pytest.mark.slow
def test_rendered_page_numbers_outside(document, settings):
    """``— N —`` on every page under the block: odd pages flush right, even pages flush left,
    one 4号 character (14 pt) in from the block's edge."""
    geo = pdf.Geometry.from_settings(settings.pdf)
    under = [line for line in document.lines if line["yMin"] > geo.page_height - geo.bottom]
    assert [squeeze(line["text"]) for line in under] == [f"—{n}—" for n in range(1, len(under) + 1)]
    assert len(under) == len({line["page"] for line in document.lines})
    for n, line in enumerate(under, 1):
        inset = geo.right - line["xMax"] if n % 2 else line["xMin"] - geo.left
        assert abs(inset - settings.pdf.page_number_size) < 1.0, (n, inset)


@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("page", (1, 2), ids=("odd", "even"))
def test_rendered_page_number_dash_7_mm_under_the_block(document, page, settings, tmp_path):
    """LibreOffice sets the footer's last line ``w:footer`` above the page's bottom edge, as Word
    does, in the PDF's Song face: the top of the dash's ink lies 7 mm (±0.5) under the block.
    Word with the real 宋体 may place the ink a little differently (its ascent and the dash's
    height are that face's)."""
    gap = dash_gap_on_the_image(document.pdf, page, tmp_path)
    assert abs(gap - settings.pdf.page_number_gap_mm) < 0.5, gap


# --- in the XML: what LibreOffice cannot show -----------------------------------------------

def parts(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                if name.startswith("word/") and name.endswith(".xml")}


class Styles:
    """Paragraph and run properties of a style as Word resolves them: the style, then the
    styles it is based on, then the document defaults."""

    def __init__(self, root: etree._Element):
        self.by_id = {s.get(W + "styleId"): s for s in root.iter(W + "style")}
        self.defaults = root.find(f"{W}docDefaults")

    def chain(self, style_id: str):
        while style_id in self.by_id:
            yield self.by_id[style_id]
            based = self.by_id[style_id].find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        yield self.defaults.find(f"{W}pPrDefault") if self.defaults.find(f"{W}pPrDefault") is not None else None
        yield self.defaults.find(f"{W}rPrDefault")

    def find(self, style_id: str, path: str, attr: str = "val"):
        """The first value of ``attr`` on ``path`` (``pPr/spacing``) up the chain, None if unset."""
        for el in self.chain(style_id):
            found = el.find("/".join(W + step for step in path.split("/"))) if el is not None else None
            if found is not None and found.get(W + attr) is not None:
                return found.get(W + attr)
            if found is not None and attr == "val" and path.endswith(("keepNext", "keepLines", "cantSplit")):
                return "1"  # a toggle without w:val is on
        return None


GRID_STYLES = ("Normal", "Title", "FrontMatter", "Heading1", "Heading2", "Heading3", "Heading4", "ListParagraph")


def test_the_grid_holds_22_lines_of_28_cells_in_the_xml(settings):
    """Word lays the DOCX out with the real faces (仿宋_GB2312 …), which are not installed here:
    LibreOffice renders with stand-ins, so it shows our arithmetic only with their metrics. What
    Word applies is in the XML: the section's grid pitch lets 22 lines and not 23 fill the 225 mm
    block, every style on the grid sets that pitch as an exact line height (so a 22 pt title line
    or a 黑体 heading takes one grid line, whatever the face's own line height), and a body-size
    cell (3号 plus the style's character spacing; a Chinese glyph's advance is one em in every
    face) fits 28 and not 29 times in the block's width. The grid is ``type="lines"``, not
    ``linesAndChars``: LibreOffice doubles the cells of a character grid, so 28 characters come
    from the tightened spacing instead, which Word and LibreOffice both honour."""
    xml = parts(docx.render(ir_of(DOCUMENTS[0], settings), settings))
    sect = xml["word/document.xml"].find(f".//{W}body/{W}sectPr")
    size, margins = sect.find(W + "pgSz"), sect.find(W + "pgMar")
    height = int(size.get(W + "h")) - int(margins.get(W + "top")) - int(margins.get(W + "bottom"))
    width = int(size.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
    assert abs(height / TWIPS_PER_PT / pdf.MM - settings.pdf.block_height_mm) < 0.1
    assert abs(width / TWIPS_PER_PT / pdf.MM - settings.pdf.block_width_mm) < 0.1
    grid = sect.find(W + "docGrid")
    assert grid.get(W + "type") == "lines"
    pitch = int(grid.get(W + "linePitch"))
    lines = settings.pdf.lines_per_page
    assert lines * pitch <= height < (lines + 1) * pitch and height - lines * pitch < lines, (pitch, height)
    styles = Styles(xml["word/styles.xml"])
    for style in GRID_STYLES:
        assert styles.find(style, "pPr/spacing", "lineRule") == "exact", style
        assert int(styles.find(style, "pPr/spacing", "line")) == pitch, style
        if style == "Title":
            continue
        cell = int(styles.find(style, "rPr/sz")) * 10 + int(styles.find(style, "rPr/spacing") or 0)  # twips
        assert cell * settings.pdf.chars_per_line <= width < cell * (settings.pdf.chars_per_line + 1), (style, cell)
        indent = styles.find(style, "pPr/ind", "firstLineChars")
        assert style == "FrontMatter" or int(indent) == 100 * settings.pdf.indent_chars, style


def test_headings_keep_with_the_next_line_in_the_xml(settings):
    """The render shows a heading moved on only where one would have ended a page (two of the
    four documents); the XML says it of every heading: the heading styles keep with the next
    paragraph and keep their lines together, no heading paragraph turns that off, the title
    block keeps with what follows, and widow control is off (Word's default would leave 21-line
    pages where a paragraph's last line moves on with a line before it; the PDF moves nothing
    but headings)."""
    for path in DOCUMENTS:
        xml = parts(docx.render(ir_of(path, settings), settings))
        styles = Styles(xml["word/styles.xml"])
        for n in range(1, 5):
            assert styles.find(f"Heading{n}", "pPr/keepNext") not in (None, "0", "false", "off")
            assert styles.find(f"Heading{n}", "pPr/keepLines") not in (None, "0", "false", "off")
        for style in ("Title", "FrontMatter"):
            assert styles.find(style, "pPr/keepNext") not in (None, "0", "false", "off")
        assert styles.find("Normal", "pPr/widowControl") in ("0", "false", "off")
        body = xml["word/document.xml"]
        headings = [p for p in body.iter(W + "p")
                    if (p.find(f"{W}pPr/{W}pStyle") is not None
                        and p.find(f"{W}pPr/{W}pStyle").get(W + "val").startswith("Heading"))]
        assert headings
        for p in headings:
            for tag in ("keepNext", "keepLines", "widowControl"):
                assert p.find(f"{W}pPr/{W}{tag}") is None, (tag, "".join(p.itertext()))
