"""Any input either converts to valid IR and text or fails with an InputError: never another
exception. (That every writer renders whatever the IR holds is tests/test_writers_property.py.)"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from pipeline import ir
from pipeline.config import Settings
from pipeline.convert import convert
from pipeline.errors import InputError
from pipeline.load import Document

TAGS = ["p", "div", "table", "tr", "td", "ul", "li", "h2", "a href='x'", "br", "span", "script", "img src='a.png'"]
PIECES = st.one_of(
    st.sampled_from([f"<{t}>" for t in TAGS] + [f"</{t.split()[0]}>" for t in TAGS]),
    st.sampled_from(["一、总体要求", "（一）", "1.", "一是", "二是", "。", "，", "来源：", "发布时间：2024-01-05",
                     "扫一扫在手机上打开当前页", "法治政府建设年度报告", "<meta charset='gb2312'>", "&nbsp;", "\u3000"]),
    st.text(min_size=1, max_size=20),
)


def _convert(name: str, data: bytes) -> None:
    try:
        result = convert(Document(name, data), Settings(), formats=("xml", "txt"))
    except InputError as error:
        assert "\n" not in str(error)
        return
    assert ir.problems(result.tree) == []
    result.outputs["txt"].decode("utf-8")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40).map("".join))
def test_html_like_input(markup):
    _convert("page.html", markup.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data):
    _convert("page.html", data)
    _convert("page.txt", data)


CODECS = st.sampled_from(["utf-8", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
DECLARED = st.sampled_from(["", "utf-8", "gb2312", "gbk", "big5", "iso-8859-1", "utf-16", "x-unknown"])


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, min_size=1, max_size=25).map("".join), CODECS, DECLARED, st.integers(0, 400))
def test_odd_encodings_and_deep_nesting_reach_the_writers(markup, codec, declared, depth):
    """A page in any encoding, declared truly, falsely or not at all, nested up to 400 levels:
    it converts to valid IR in every format, or is refused in one line (never a traceback)."""
    from pipeline.errors import PipelineError
    from pipeline.writers import WRITER_MODULES

    meta = f"<meta charset='{declared}'>" if declared else ""
    page = f"<html><head>{meta}</head><body>{'<div>' * depth}<p>一、总体情况。{markup}</p>{'</div>' * depth}</body></html>"
    try:
        data = page.encode(codec)
    except UnicodeEncodeError:
        data = page.encode(codec, errors="replace") if codec != "big5" else page.encode("utf-8")
    try:
        result = convert(Document("page.html", data), Settings(pdf={"missing_glyph": "notation"}),
                         formats=tuple(WRITER_MODULES))
    except PipelineError as error:
        assert "\n" not in str(error)
        event(f"refused: {str(error)[:30]}")
        return
    event("converted in every format")
    assert ir.problems(result.tree) == []
    assert all(result.outputs[fmt] for fmt in WRITER_MODULES)
