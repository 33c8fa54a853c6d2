"""Any input either converts to valid IR and text or fails with an InputError: never another
exception. (That every writer renders whatever the IR holds is tests/test_writers_property.py.)"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

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
