"""Every format shows the same text: TXT, DOCX, PDF, Markdown and HTML of the reference page
and of every corpus sample agree (bag-of-characters F1 ≥ 0.99 between any two, front matter
included), and their headings are the IR's."""
from __future__ import annotations

import io
import itertools
import subprocess
import tempfile
from pathlib import Path

import pytest

from pipeline import ir
from pipeline.config import Settings
from pipeline.convert import convert
from pipeline.load import Document
from pipeline.measure import char_f1

from .conftest import DATA, QUICK_SWEEP, REFERENCE, corpus_samples, sample_params
from .test_pdf import tool

PAGES = [REFERENCE] + [p for p in corpus_samples() if p != REFERENCE]
FORMATS = ("txt", "docx", "pdf", "md", "html")


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif block.tag.endswith("}tbl"):
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    """The PDF's text without its page numbers (the furniture line — N — of each page)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        text = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", handle.name, "-"],
                              capture_output=True, check=True).stdout.decode("utf-8")
    return "\n".join(line for line in text.splitlines() if not (line.strip().startswith("—") and line.strip().endswith("—")))


def md_text(data: bytes) -> str:
    from lxml import html
    from markdown_it import MarkdownIt

    source = data.decode("utf-8")
    if source.startswith("---\n"):  # the YAML front matter is metadata; the page shows it below
        source = source.split("\n---\n", 1)[1]
    rendered = MarkdownIt("commonmark").enable("table").render(source)
    return html.fromstring(f"<div>{rendered}</div>").text_content()


def html_text(data: bytes) -> str:
    from lxml import html

    page = html.fromstring(data)
    return page.find("body").text_content()


EXTRACT = {"txt": lambda d: d.decode("utf-8"), "docx": docx_text, "pdf": pdf_text, "md": md_text, "html": html_text}


def without_repeated_headers(pdf: str, txt: str, tree) -> str:
    """The PDF text (white space dropped) less the header rows a table repeats on each page it
    continues on — PDF furniture, like the page numbers. A header row counts as repeated as
    often as its first cell shows up more often than in the text output."""
    flat = "".join(pdf.split())
    for row in tree.iterfind("body//table/row[@header='true']"):
        cells = [c for c in ("".join((cell.text or "").split()) for cell in row.iterfind("cell")) if c]
        if not cells:
            continue
        extra = flat.count(cells[0]) - "".join(txt.split()).count(cells[0])
        for _ in range(max(extra, 0)):
            for cell in cells:
                at = flat.rfind(cell)
                if at >= 0:
                    flat = flat[:at] + flat[at + len(cell):]
    return flat


@pytest.mark.parametrize("page", sample_params(PAGES, QUICK_SWEEP))
def test_every_format_shows_the_same_text(page: Path):
    result = convert(Document(page.name, page.read_bytes()), Settings(), FORMATS)
    texts = {fmt: EXTRACT[fmt](result.outputs[fmt]) for fmt in FORMATS}
    texts["pdf"] = without_repeated_headers(texts["pdf"], texts["txt"], result.tree)
    title = ir.meta_value(result.tree, "title")
    for fmt, text in texts.items():
        assert title.replace(" ", "") in text.replace(" ", "").replace("\n", ""), fmt
        for field in result.tree.iterfind("front/field"):
            assert (field.text or "") in text.replace("\n", ""), (fmt, field.get("name"))
    low = [(a, b, round(char_f1(texts[a], texts[b]), 4)) for a, b in itertools.combinations(FORMATS, 2)
           if char_f1(texts[a], texts[b]) < 0.99]
    assert not low, low


# What no format prints: the record of where the page came from, the pictures' bytes, the
# audit of removals and the diagnostics.
UNPRINTED = ("provenance", "pictures", "removed", "diagnostics")


def test_every_element_s_text_reaches_every_format():
    """The IR fixture that uses every element: each element's own text shows in every format,
    so a writer whose handler for an element does nothing (and whose parent does not print it
    either) fails here, whatever handlers it has."""
    sample = DATA / "ir" / "sample.xml"
    result = convert(Document(sample.name, sample.read_bytes()), Settings(), FORMATS)
    texts = {fmt: "".join(EXTRACT[fmt](result.outputs[fmt]).split()) for fmt in FORMATS}
    hidden = {el for name in UNPRINTED for found in result.tree.iter(name) for el in found.iter()}
    owned = [(el.tag, "".join(el.text.split())) for el in result.tree.iter()
             if isinstance(el.tag, str) and el not in hidden and el.text and el.text.strip()]
    owned += [("figure@alt", "".join(f.get("alt").split())) for f in result.tree.iter("figure") if f.get("alt")]
    assert {tag for tag, _ in owned} >= {"title", "field", "p", "heading", "item", "link", "cell", "li", "figure@alt"}
    missing = [(fmt, tag, text) for fmt, text_of_format in texts.items() for tag, text in owned
               if text not in text_of_format]
    assert missing == []
