"""The load stage on real encodings: GBK, UTF-16 under a gb2312 meta, UTF-8 under a gb2312 meta, broken bytes."""
from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.load import Document, load

from .conftest import CORPUS_COPY

HTML = CORPUS_COPY / "html"


def _load(name: str, **kwargs):
    path = HTML / name
    return load(Document(str(path), path.read_bytes(), **kwargs))


def test_gb2312_page_decodes_as_gb18030():
    loaded = _load("cwced_2168485b-0614-4e1e-b88e-289bde57e5f0.html")
    assert loaded.encoding == "gb18030" and not loaded.diagnostics
    assert "中国经济学年会" in loaded.text


def test_utf16_page_with_bom():
    assert (HTML / "ycrsd.wenming.cn.html").read_bytes()[:2] == b"\xff\xfe"
    loaded = _load("ycrsd.wenming.cn.html")
    assert loaded.encoding == "utf-16" and "学雷锋" in loaded.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_under_a_gb2312_meta(encoding):
    page = (HTML / "ycrsd.wenming.cn.html").read_bytes().decode("utf-16")
    page = page.replace("charset=unicode", "charset=gb2312").replace("charset=utf-8", "charset=gb2312")
    loaded = load(Document("lying.html", page.encode(encoding)))
    assert loaded.encoding.startswith("utf-16") and "学雷锋" in loaded.text


def test_utf8_bytes_under_gb2312_meta_is_caught():
    loaded = _load("ljcbj.wenming.cn.html")
    assert loaded.encoding == "utf-8"
    assert [d.code for d in loaded.diagnostics] == ["encoding-mislabelled"]
    # the label the page writes (read as its superset gb18030, which is not what the page says)
    assert loaded.diagnostics[0].message == "meta charset says gb2312 but the bytes are UTF-8"
    assert "基础教育" in loaded.text


def test_c1_controls_are_read_as_the_windows_1252_marks_they_stand_for():
    """U+0093 and U+0094 in a UTF-8 text are the “ ” of windows-1252 text once read as Latin-1."""
    path = CORPUS_COPY.parent / "load" / "newspaper4k_chinese_article.txt"
    loaded = load(Document(str(path), path.read_bytes()))
    assert "指责梁振英“撒谎”，要求他马上辞职下台" in loaded.text
    assert not any("\x80" <= ch <= "\x9f" for ch in loaded.text)
    (diag,) = loaded.diagnostics
    assert diag.code == "windows-1252-marks" and diag.message.startswith("10 C1 control character(s)")
    assert diag.where == "byte 472"


def test_c1_controls_windows_1252_has_no_mark_for_are_removed():
    """A fragment of a 百度贴吧 page's meta description (magic-html forum page 6db2e2d6…): its
    UTF-8 once read as windows-1252, 操 become æ“ and U+008D, which windows-1252 has no mark for."""
    fragment = "盲人用户使用\u00e6\u201c\u008d\u00e4\u00bd\u0153智能引导。\n"
    article = (CORPUS_COPY.parent / "load" / "newspaper4k_chinese_article.txt").read_bytes()
    loaded = load(Document("fragment.txt", fragment.encode("utf-8") + article))
    assert loaded.text.startswith("盲人用户使用\u00e6\u201c\u00e4\u00bd\u0153智能引导。\n")
    assert [d.code for d in loaded.diagnostics] == ["windows-1252-marks", "control-characters"]
    assert loaded.diagnostics[1].message.startswith("1 NUL, control")


def test_lossy_decode_names_the_byte_offset():
    loaded = _load("cwced_6dc2d508-abb9-467c-bbea-1fedfcec5f9d.html")
    assert loaded.encoding == "gb18030"
    (diag,) = loaded.diagnostics
    assert diag.code == "lossy-decode" and diag.where == "byte 39365"
    assert "太行山上" in loaded.text


def test_http_header_charset_wins_over_detection():
    body = "<html><body><p>罗湖区法治政府建设年度报告。</p></body></html>".encode("gbk")
    loaded = load(Document("page.html", body, content_type="text/html; charset=GBK"))
    assert loaded.encoding == "gb18030" and "罗湖区" in loaded.text


def test_saved_http_response_head_is_stripped():
    data = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gb2312\r\n\r\n" + \
        "<html><body><p>统计公报。</p></body></html>".encode("gb2312")
    loaded = load(Document("saved.html", data))
    assert loaded.text.startswith("<html>") and "统计公报" in loaded.text


def test_never_silent_latin1():
    data = "<p>法治政府</p>".encode("gbk") + b"\x80\xff\xfe"
    loaded = load(Document("x.html", data))
    assert loaded.encoding not in ("latin-1", "iso8859-1", "cp1252")
    assert any(d.code == "lossy-decode" for d in loaded.diagnostics)


def test_text_scrape_first_line_url():
    loaded = load(Document("a.txt", "https://www.example.gov.cn/a.html\n标题\n正文。".encode()))
    assert loaded.url == "https://www.example.gov.cn/a.html" and loaded.text.startswith("标题")


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02\x03" * 10])
def test_empty_or_binary_input_is_an_input_error(data):
    with pytest.raises(InputError):
        load(Document("bad.html", data))
