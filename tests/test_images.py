"""Pictures in the DOCX and PDF writers: embedded from the IR's ``<pictures>`` (the bytes read
when the input was read), with the alt text as caption; a figure without a picture prints its
placeholder, never its address; a file where ``src`` points is never read."""
from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from PIL import Image

from pipeline import ir
from pipeline.config import Settings
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}


def png(width: int = 40, height: int = 20, fmt: str = "PNG", color=(200, 30, 30)) -> bytes:
    """A small picture made with Pillow, in ``fmt`` (PNG, JPEG or GIF)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, fmt)
    return out.getvalue()


def picture_store(*pictures: tuple[str, bytes]) -> etree._Element:
    """``<pictures>`` holding (id, bytes) pairs, as the reading stage writes it."""
    store = etree.Element("pictures")
    for pid, data in pictures:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = TYPES[image.format], image.size
        el = etree.SubElement(store, "picture", id=pid, type=kind, width=str(width), height=str(height),
                              sha256=hashlib.sha256(data).hexdigest())
        el.text = base64.b64encode(data).decode()
    return store


def figure_report(figures: str, *pictures: tuple[str, bytes], store: str = "") -> etree._Element:
    """A report of ``figures`` and the pictures they show (pairs, or ``store`` as written)."""
    root = ir.parse(f'<report version="2"><front><title>图</title></front><body><p>见下图。</p>{figures}</body>'
                    f"{store}</report>".encode())
    if pictures:
        root.append(picture_store(*pictures))
    return ir.validate(root)


@pytest.fixture
def chart_on_disk(tmp_path, monkeypatch) -> Path:
    """A picture file where a figure's ``src`` points, which no writer may read."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "chart.png").write_bytes(png(30, 30))
    return tmp_path


FIGURES = (
    '<figure src="static/chart.png" alt="统计图" picture="p1"/>'
    '<figure src="data:image/jpeg;base64,AAAA" picture="p2"/>'
    '<figure src="anim.gif" alt="动图" picture="p3"/>'
    '<figure src="https://example.org/remote.png" alt="远程"/>'
    '<figure src="static/chart.png"/>'
)
PICTURES = (("p1", png()), ("p2", png(16, 12, "JPEG")), ("p3", png(10, 10, "GIF")))


# --- DOCX ---------------------------------------------------------------------------------

def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_docx_embeds_the_ir_pictures_and_prints_placeholders(chart_on_disk):
    data = docx_writer.render(figure_report(FIGURES, *PICTURES), Settings())
    parts = docx_parts(data)
    media = sorted(parts[n] for n in parts if n.startswith("word/media/"))
    assert media == sorted(d for _i, d in PICTURES)  # the IR's bytes, nothing from disk
    document = docx.Document(io.BytesIO(data))
    paras = [(p.style.name, p.text, p._p.find(f".//{WP}docPr")) for p in document.paragraphs]
    shown = [(style, text, None if pr is None else (pr.get("descr"), pr.get("title"))) for style, text, pr in paras[2:]]
    assert shown == [
        ("Figure", "", ("统计图", "统计图")), ("Caption", "统计图", None),  # picture, then its caption
        ("Figure", "", (None, None)),  # no alt text: no caption, no description
        ("Figure", "", ("动图", "动图")), ("Caption", "动图", None),
        ("Figure", "[图：远程]", None),  # no picture: the placeholder, a plain line
        ("Figure", "[图]", None),
    ]
    doc = parts["word/document.xml"]
    assert b"w:hyperlink" not in doc and b"static/chart.png" not in doc and b"example.org" not in doc
    assert b"example.org" not in parts["word/_rels/document.xml.rels"]


def test_docx_wide_pictures_are_scaled_to_the_text_width():
    tree = figure_report('<figure src="wide.png" picture="w"/>', ("w", png(4000, 100)))
    doc = etree.fromstring(docx_parts(docx_writer.render(tree, Settings()))["word/document.xml"])
    extent = doc.find(f".//{WP}extent")
    text_width_emu = (11906 - 1587 - 1474) * 635  # A4 less the margins
    assert int(extent.get("cx")) == text_width_emu and 0 < int(extent.get("cy")) < text_width_emu // 30


# --- PDF ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_settings(tmp_path_factory) -> Settings:
    from pipeline.config import PdfSettings

    return Settings(pdf=PdfSettings(font_cache_dir=tmp_path_factory.mktemp("font-cache")))


@pytest.mark.slow
def test_pdf_embeds_the_ir_pictures_and_prints_placeholders(chart_on_disk, pdf_settings):
    data, pages = pdf_writer.render_with_layout(figure_report(FIGURES, *PICTURES), pdf_settings)
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 3  # the three IR pictures, not the file on disk
    lines = [line for page in pages for line in page]
    assert [line.text for line in lines if line.kind == "figure"] == ["统计图", "动图", "[图：远程]", "[图]"]
    assert not any("chart.png" in line.text or "example.org" in line.text for line in lines)
    geo = pdf_writer.Geometry.from_settings(pdf_settings.pdf)
    for line in lines:
        if line.kind == "figure":  # centred, no indent
            assert abs((line.x0 + line.x1) / 2 - (geo.left + geo.width / 2)) < 0.5


def test_pdf_big_pictures_fit_the_block(pdf_settings):
    tree = figure_report('<figure src="big.png" alt="大图" picture="b"/>', ("b", png(3000, 5000)))
    data, pages = pdf_writer.render_with_layout(tree, pdf_settings)
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 1
    assert [line.text for page in pages for line in page if line.kind == "figure"] == ["大图"]


def test_unreadable_picture_bytes_print_the_placeholder(pdf_settings):
    tree = figure_report('<figure src="x.png" alt="坏图" picture="x"/>', store=(
        '<pictures><picture id="x" type="image/png" width="1" height="1" sha256="0">AAAA</picture></pictures>'))
    assert [line.text for page in pdf_writer.layout(tree, pdf_settings) for line in page
            if line.kind == "figure"] == ["[图：坏图]"]
    document = docx.Document(io.BytesIO(docx_writer.render(tree, Settings())))
    assert [p.text for p in document.paragraphs if p.style.name == "Figure"] == ["[图：坏图]"]
