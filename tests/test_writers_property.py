"""Every writer renders any document the IR can hold: generated pages with nested numbered
sections, enumerations, wide and ragged tables with huge spans, lists, figures with and
without pictures, and rare characters (Extension B ideographs, emoji, combining marks,
right-to-left scripts). The generated documents always reach the writers, and no writer may
fail on them."""
from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline import ir, pictures
from pipeline.assemble import report
from pipeline.config import Settings
from pipeline.convert import render
from pipeline.load import Document
from pipeline.transforms import run_transforms
from pipeline.writers import WRITER_MODULES, views

RARE = st.sampled_from(["𠀀", "𪚥", "𰻞", "😀", "👨\u200d👩\u200d👧", "e\u0301", "ا", "ש", "〇", "〔", "〕", "…", "——", "™", "½"])
PLAIN = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
TEXT = st.lists(st.one_of(PLAIN, RARE, st.sampled_from(list("法治政府建设年度报告，。；：、"))), min_size=1, max_size=30).map("".join)
LABELS = st.sampled_from(["一、", "二、", "（一）", "（二）", "1.", "2.", "（1）", "第一章", "一是", "二是", ""])
PARAGRAPH = st.tuples(LABELS, TEXT).map(lambda pair: ("p", pair[0] + pair[1]))
CELL_TEXT = st.lists(st.one_of(PLAIN, RARE), min_size=0, max_size=30).map("".join)
CELL = st.tuples(CELL_TEXT, st.integers(1, 4), st.one_of(st.integers(1, 4), st.just(3000)), st.booleans())
TABLE = st.lists(st.lists(CELL, min_size=0, max_size=70), min_size=1, max_size=6).map(lambda rows: ("table", rows))
LIST = st.tuples(st.booleans(), st.lists(TEXT, min_size=1, max_size=4)).map(lambda pair: ("list", pair))
FIGURE = st.tuples(st.one_of(st.none(), TEXT), st.booleans()).map(lambda pair: ("figure", pair))
BLOCKS = st.lists(st.one_of(PARAGRAPH, PARAGRAPH, PARAGRAPH, TABLE, LIST, FIGURE), min_size=1, max_size=14)


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def build(blocks, title: str) -> etree._Element:
    """A flat IR from generated blocks, as the clean stage would give it, then the transforms."""
    made = []
    for kind, value in blocks:
        if kind == "p":
            made.append(etree.Element("p"))
            made[-1].text = value
        elif kind == "table":
            table = etree.Element("table")
            for cells in value:
                row = etree.SubElement(table, "row")
                for text, rowspan, colspan, header in cells:
                    cell = etree.SubElement(row, "cell", rowspan=str(rowspan), colspan=str(colspan))
                    cell.text = text
                    if header:
                        cell.set("header", "true")
            made.append(table)
        elif kind == "list":
            ordered, entries = value
            lst = etree.Element("list", ordered="true") if ordered else etree.Element("list")
            for text in entries:
                etree.SubElement(lst, "li").text = text
            made.append(lst)
        else:
            alt, shown = value
            figure = etree.Element("figure", src="pic.png" if shown else "missing.png")
            if alt:
                figure.set("alt", alt)
            made.append(figure)
    tree = report({"title": title, "publisher": "某某区人民政府办公室", "date": "2024-03-01"}, made, [],
                  {"name": "generated.html", "format": "html", "encoding": "utf-8"})
    tree = pictures.attach(tree, Document("generated.html", b"", resources={"pic.png": png()}, base="generated.html"))
    return run_transforms(ir.validate(tree, "generation"))


@pytest.mark.slow
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(BLOCKS, TEXT)
def test_every_writer_renders_any_document(blocks, title):
    tree = build(blocks, title)
    widest = max((int(t.get("cols")) for t in tree.iter("table")), default=0)
    event(f"widest table: {'none' if not widest else '1-9' if widest < 10 else '10-39' if widest < 40 else '40+'} columns")
    event(f"pictures: {len(tree.findall('pictures/picture'))}")
    outputs = render(tree, Settings(pdf={"missing_glyph": "notation"}), tuple(WRITER_MODULES))
    assert outputs["docx"][:2] == b"PK" and outputs["pdf"][:5] == b"%PDF-"
    assert ir.parse(outputs["xml"]) is not None
    assert outputs["txt"].decode("utf-8").startswith(views.title(tree)[:1])  # the printable title
    assert b"<!DOCTYPE html>" in outputs["html"][:100]
