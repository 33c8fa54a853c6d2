"""The Markdown and HTML writers: headings, front matter and body text equal the IR's, read
back through a CommonMark parser (markdown-it) and lxml.html; merged cells survive; text is
escaped; pictures are embedded; unsafe links are dropped; odd tables render; output is stable."""
from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from pipeline import ir
from pipeline.tables import normalize
from pipeline.writers import html as html_writer
from pipeline.writers import markdown as md_writer
from pipeline.writers import views

from .conftest import CORPUS_COPY, REFERENCE, corpus_samples, ir_of

PAGES = [REFERENCE] + [p for p in corpus_samples() if p != REFERENCE]
MERGED = CORPUS_COPY / "html" / "nfra_merged_cells.html"
HEADINGS = "//h2|//h3|//h4|//h5|//h6"
PNG_1x1 = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
TRICKY = "1. 这不是列表 *也不是强调* [链接](x) <b>"


@lru_cache(maxsize=None)
def tree_of(path: Path):
    return ir_of(path)


def split_front_matter(data: bytes) -> tuple[dict, str]:
    source = data.decode("utf-8")
    assert source.startswith("---\n")
    front, rest = source[4:].split("\n---\n", 1)
    return yaml.safe_load(front), rest


def md_page(data: bytes):
    """The Markdown read by a CommonMark parser (with GFM tables and strikethrough), as an lxml HTML document."""
    _front, source = split_front_matter(data)
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(source)
    return lxml_html.document_fromstring(f"<html><body>{rendered}</body></html>")


def html_page(data: bytes):
    return lxml_html.document_fromstring(data)


def md_of(tree):
    return md_page(md_writer.render(tree))


def html_of(tree):
    return html_page(html_writer.render(tree))


def texts(elements) -> list[str]:
    return [el.text_content() for el in elements]


def ir_headings(tree) -> list[str]:
    return [views.printable(ir.heading_line(s)) for s in tree.findall("body//section")]


def ir_blocks(tree, with_list_markers: bool) -> list[str]:
    """The body's headings, paragraphs, list entries and figure texts as every format prints them."""
    out = []
    for el in tree.find("body").iter("heading", "p", "li", "figure"):
        if el.tag == "heading":
            out.append(views.printable(ir.heading_line(el.getparent())))
        elif el.tag == "p":
            out.append(views.printable(ir.text_of(el)))
        elif el.tag == "li":
            out.append(views.printable(views.li_text(el) if with_list_markers else ir.text_of(el)))
        elif views.picture(el) is None:
            out.append(views.figure_placeholder(el))
        else:
            out.append(views.figure_caption(el))
    return [text for text in out if text]


def report(body: str, front: str = "<title>测试报告</title>", pictures: str = ""):
    """A small IR tree built by hand, checked against the schema."""
    tree = ir.parse(f'<report version="2"><front>{front}</front><body>{body}</body>{pictures}</report>'.encode())
    assert ir.problems(tree) == []
    return tree


def table_xml(rows: list[list[tuple[str, dict]]]) -> str:
    """A raw table (cells with raw spans) through ``tables.normalize``, as IR XML."""
    raw = etree.Element("table")
    for cells in rows:
        row = etree.SubElement(raw, "row")
        for text, attrib in cells:
            etree.SubElement(row, "cell", attrib).text = text
    table, _clipped = normalize(raw)
    return etree.tostring(table, encoding="unicode")


# -- headings, front matter and body text against the IR ---------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_markdown_headings_front_matter_and_text(page):
    tree = tree_of(page)
    data = md_writer.render(tree)
    meta, _ = split_front_matter(data)
    assert meta["title"] == views.title(tree)
    for field in tree.iterfind("front/field"):
        if ir.meta_value(tree, field.get("name")):
            assert meta[field.get("name")] == ir.meta_value(tree, field.get("name"))
    doc = md_page(data)
    front = views.front_lines(tree)
    fields = [line for line in front if line.kind == "field"]
    shown = texts(doc.xpath("//h1")) + texts(doc.xpath("//body/p")[:len(fields)])
    assert shown == [line.text for line in front]
    assert texts(doc.xpath(HEADINGS)) == ir_headings(tree)
    blocks = [t for t in texts(doc.xpath(HEADINGS + "|//body/p|//li")) if t][len(fields):]
    assert blocks == ir_blocks(tree, with_list_markers=False)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_html_headings_front_matter_and_text(page):
    tree = tree_of(page)
    doc = html_of(tree)
    assert doc.get("lang") == "zh-CN"
    assert doc.findtext("head/title") == views.title(tree)
    front = views.front_lines(tree)
    assert texts(doc.xpath("//header/h1|//header/p")) == [line.text for line in front]
    assert doc.xpath("//header/p/@data-name") == [line.name for line in front if line.kind == "field"]
    assert texts(doc.xpath("//main" + HEADINGS.replace("|", "|//main"))) == ir_headings(tree)
    labels = [s.get("label") for s in tree.findall("body//section") if s.get("label")]
    assert texts(doc.xpath("//main//*[starts-with(name(), 'h')]/span[@class='label']")) == labels
    blocks = doc.xpath("//main//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::p "
                       "or self::li or self::figcaption][not(ancestor::table)]")
    assert texts(blocks) == ir_blocks(tree, with_list_markers=True)


def test_section_levels_map_to_heading_ranks():
    body, close = "", ""
    for level in range(1, 8):
        body += f'<section kind="arabic" number="1" label="{level}." level="{level}"><heading>第{level}层</heading>'
        close += "</section>"
    tree = report(body + close)
    md = md_writer.render(tree).decode()
    assert [line.split(" ")[0] for line in md.splitlines() if line.startswith("#")] == \
        ["#", "##", "###", "####", "#####", "######", "######", "######"]
    doc = html_of(tree)
    assert [el.tag for el in doc.xpath("//main" + HEADINGS.replace("|", "|//main"))] == \
        ["h2", "h3", "h4", "h5", "h6", "h6", "h6"]
    assert len(doc.xpath("//main/section//section//section//section//section//section//section")) == 1


def test_heading_faces_follow_the_label_kind():
    """GB/T 9704 sets （一） in 楷体 whatever its depth: a report whose top level is （一） gets
    楷体 headings, as in the PDF and DOCX; an 一、 heading is 黑体."""
    tree = report('<section kind="cn-paren" number="1" label="（一）" level="1"><heading>总体情况</heading>'
                  '<section kind="arabic" number="1" label="1." level="2"><heading>基本做法</heading></section>'
                  '</section><section kind="cn" number="2" label="二、" level="1"><heading>下一步</heading></section>')
    doc = html_of(tree)
    assert [(h.tag, h.get("class")) for h in doc.xpath("//main" + HEADINGS.replace("|", "|//main"))] == \
        [("h2", "heading2"), ("h3", "heading3"), ("h2", "heading1")]
    style = doc.findtext("head/style")
    assert '.heading2 { font-family: "楷体_GB2312"' in style and '.heading1 { font-family: "黑体"' in style


def test_lists_keep_their_labels_and_stay_apart():
    tree = report('<list ordered="true"><li label="3.">三</li><li label="4.">四</li></list>'
                  '<list ordered="true"><li label="1.">甲</li></list>'
                  '<list><li label="•">要点</li><li label="•">1. 不是编号</li></list>')
    doc = md_of(tree)
    assert [(ol.get("start"), texts(ol.xpath("li"))) for ol in doc.xpath("//ol")] == \
        [("3", ["三", "四"]), (None, ["甲"])]
    assert texts(doc.xpath("//ul/li")) == ["要点", "1. 不是编号"]
    page = html_of(tree)
    assert texts(page.xpath("//main//li")) == ["3. 三", "4. 四", "1. 甲", "• 要点", "• 1. 不是编号"]
    assert texts(page.xpath("//main//li/span[@class='label']")) == ["3. ", "4. ", "1. ", "• ", "• "]


def test_items_and_alignment():
    tree = report('<p>现将情况报告如下：<item label="一是" number="1">强化学习。</item>'
                  '<item label="二是" number="2">压实责任。</item></p><p align="right">罗湖区人民政府</p>')
    assert md_writer.render(tree).decode().endswith("现将情况报告如下：一是强化学习。二是压实责任。\n\n罗湖区人民政府\n")
    page = html_of(tree)
    assert texts(page.xpath("//span[@class='item']")) == ["一是强化学习。", "二是压实责任。"]
    assert texts(page.xpath("//span[@class='item']/span[@class='label']")) == ["一是", "二是"]
    assert page.xpath("//p[@class='align-right']/text()") == ["罗湖区人民政府"]



def test_an_attachment_line_and_title_have_their_classes():
    tree = report('<p>请认真贯彻执行。</p><p align="left" break="page" role="attachment">附件</p>'
                  '<p role="attachment-title">第二批支持创新相关改革举措推广清单</p>')
    page = html_of(tree)
    assert page.xpath("//p[@class='attachment page-break']/text()") == ["附件"]
    assert page.xpath("//p[@class='attachment-title']/text()") == ["第二批支持创新相关改革举措推广清单"]
    style = page.xpath("//style/text()")[0]
    assert "h1.title, p.attachment-title {" in style and "p.attachment { font-family: \"黑体\"" in style


def test_the_attachment_note_and_the_signature_stand_as_gb_t_9704_sets_them():
    """教思政厅函〔2024〕10号's 附件：1.… 2.… 3.…: each line a hanging indent past the two-character
    paragraph indent (the first line at it, the numbers under the 1., the names' later lines
    under their first character), a blank line above the first."""
    page = html_of(ir_of(CORPUS_COPY / "html" / "wjmoe.gov.cn.html"))
    notes = page.xpath("//p[@class='attachment-note']")
    assert ["".join(p.itertext())[:5] for p in notes] == ["附件：1.", "2.数字微", "3.202"]
    assert [p.get("style") for p in notes] == ["padding-left: 6em; text-indent: -4em"] + \
        ["padding-left: 6em; text-indent: -1em"] * 2
    style = page.xpath("//style/text()")[0]
    assert ":not(p.attachment-note) + p.attachment-note { margin-top: 28.95pt; }" in style
    # the signature block (§7.3.5.2): right-aligned, in from the right margin, a blank line above
    assert [(p.get("class"), p.get("style"), p.text) for p in page.xpath("//p[starts-with(@class, 'signature')]")] == [
        ("signature", "padding-right: 4.5em", "教育部办公厅"), ("signature-date", "padding-right: 2em", "2024年5月30日")]
    assert ":not(p.signature) + p.signature { margin-top: 28.95pt; }" in style
    assert "p.signature, p.signature-date { text-align: right; text-indent: 0; break-before: avoid; }" in style
    assert "p.signature-note { break-before: avoid; }" in style


# -- tables -------------------------------------------------------------------------------------


def test_merged_cells_survive_markdown():
    tree = tree_of(MERGED)
    assert any(c.get("rowspan") for c in tree.iter("cell"))
    md_cells = md_of(tree).xpath("//table//td[@rowspan]")
    assert [c.get("rowspan") for c in md_cells] == ["2", "2", "2"]
    assert [c.get("rowspan") for c in html_of(tree).xpath("//main//table//td[@rowspan]")] == ["2", "2", "2"]
    assert texts(md_cells) == ["浙金罚决字〔2024〕52号", texts(md_cells)[1], "浙江金融监管局"]


def test_table_without_spans_is_a_gfm_table():
    tree = report(table_xml([[("项目", {"header": "true"}), ("数量", {"header": "true"})],
                             [("规章|条例", {}), ("0\n（件）", {})], [("*文件*", {}), ("9", {})]]))
    md = md_writer.render(tree).decode()
    assert "<table" not in md and "| --- | --- |" in md
    doc = md_page(md.encode())
    assert texts(doc.xpath("//table/thead//th")) == ["项目", "数量"]
    assert texts(doc.xpath("//table/tbody//td")) == ["规章|条例", "0（件）", "*文件*", "9"]
    assert len(doc.xpath("//table/tbody//td[2]/br")) == 1
    page = html_of(tree)
    assert texts(page.xpath("//table/thead//th")) == ["项目", "数量"]
    assert len(page.xpath("//table/tbody/tr")) == 2


def test_table_without_header_rows_uses_its_first_row():
    tree = report(table_xml([[("甲", {}), ("乙", {})], [("1", {}), ("2", {})]]))
    doc = md_of(tree)
    assert texts(doc.xpath("//table/thead//th")) == ["甲", "乙"]
    assert texts(doc.xpath("//table/tbody//td")) == ["1", "2"]
    assert html_of(tree).xpath("//table/thead") == []


@pytest.mark.parametrize("rows", [
    [[(f"列{i}", {"header": "true"}) for i in range(60)], [(str(i), {}) for i in range(60)]],
    [[("甲", {}), ("乙", {}), ("丙", {})], [("横跨", {"colspan": "3000"})], [("1", {}), ("2", {}), ("3", {})]],
    [[("甲", {})], [("1", {}), ("2", {}), ("3", {}), ("4", {})], [("跨行", {"rowspan": "9"}), ("x", {})], []],
], ids=["60-columns", "colspan-3000", "ragged"])
def test_odd_tables_render(rows):
    tree = report(table_xml(rows))
    table = tree.find("body/table")
    cols = int(table.get("cols"))
    grid = views.grid(table)
    md = md_writer.render(tree)
    doc = md_page(md)
    page = html_of(tree)
    for found in (doc, page):
        tables = found.xpath("//table")
        assert len(tables) == 1
        for tr in tables[0].xpath(".//tr"):
            assert sum(int(c.get("colspan", "1")) for c in tr.xpath("th|td")) <= cols
        assert len(tables[0].xpath(".//th|.//td")) == sum(len(row) for row in grid.cells)
    assert texts(page.xpath("//table//*[@colspan]")) == texts(doc.xpath("//table//*[@colspan]"))


# -- escaping and links -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    TRICKY, "# 不是标题", "- 不是列表", "+ 不是列表", "2) 也不是列表", "> 不是引用", "---", "***", "___",
    "= 不是下划线", "`不是代码`", "a\\b\\", "&amp; 与 &#42; 不是实体", "~~不是删除线~~", "![不是图片](x.png)",
    "<!-- 不是注释 -->", "| 不 | 是 |", "_不是_强调_", "<https://example.com>", "[脚注]: /url",
])
def test_markdown_text_stays_literal(text):
    tree = report(f"<p>{escape_xml(text)}</p>")
    doc = md_of(tree)
    body = doc.find("body")
    assert [el.tag for el in body] == ["h1", "p"]
    assert body[1].text_content() == text
    assert list(body[1]) == []  # no element: no emphasis, link, code, image or HTML
    page = html_of(tree)
    assert page.xpath("//main/p")[0].text_content() == text and list(page.xpath("//main/p")[0]) == []


def escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_heading_with_trailing_hashes_and_title_escaped():
    tree = report('<section kind="h2" label="" level="1"><heading>C# ##</heading></section>',
                  front="<title>*标题* #</title>")
    doc = md_of(tree)
    assert texts(doc.xpath("//h1")) == ["*标题* #"]
    assert texts(doc.xpath("//h2")) == ["C# ##"]


def test_links_safe_and_unsafe():
    hrefs = ["https://www.gov.cn/a b(1).html", "http://x.cn/?a=1&amp;b=2", "mailto:x@y.cn", "../附件.pdf", "#top",
             "javascript:alert(1)", " JavaScript:alert(2)", "java&#9;script:alert(3)", "data:text/html,<b>x</b>",
             "vbscript:x", "file:///etc/passwd", ""]
    body = "".join(f'<p>注意!<link href="{h.replace("<", "&lt;").replace(">", "&gt;")}">链接{i}</link>。</p>'
                   for i, h in enumerate(hrefs))
    tree = report(body)
    safe = [views.printable(link.get("href")) for link in tree.iter("link")][:4]  # #top: an anchor of the page, not of ours
    for doc in (md_of(tree), html_of(tree)):
        anchors = doc.xpath("//a")
        assert texts(anchors) == [f"链接{i}" for i in range(4)]
        assert all("script" not in a.get("href").lower() and not a.get("href").startswith(("data:", "file:"))
                   for a in anchors)
        assert texts(doc.xpath("//body//p[not(@class)]|//main/p"))[-len(hrefs):] == \
            [f"注意!链接{i}。" for i in range(len(hrefs))]
    assert [unquote(href) for href in html_of(tree).xpath("//a/@href")] == safe  # lxml %-encodes URIs
    md_hrefs = md_of(tree).xpath("//a/@href")
    assert md_hrefs[2:4] == ["mailto:x@y.cn", "../%E9%99%84%E4%BB%B6.pdf"]
    assert md_hrefs[0] == "https://www.gov.cn/a%20b%281%29.html" and md_hrefs[1] == "http://x.cn/?a=1&b=2"
    assert b"javascript" not in html_writer.render(tree).lower()
    assert b"javascript" not in md_writer.render(tree).lower()


# -- figures --------------------------------------------------------------------------------------


def picture_tree():
    data = base64.b64encode(PNG_1x1).decode()
    pictures = (f'<pictures><picture id="p1" type="image/png" width="1" height="1" '
                f'sha256="{hashlib.sha256(PNG_1x1).hexdigest()}">{data}</picture></pictures>')
    return report('<figure src="x.png" alt="示意图" picture="p1"/><figure src="static/missing.png" alt="示意图"/>'
                  '<figure src="static/nothing.gif"/>', pictures=pictures), data


def test_figures_embed_pictures_or_print_placeholders():
    tree, data = picture_tree()
    md = md_writer.render(tree)
    page = html_writer.render(tree)
    for output in (md, page):
        assert b"x.png" not in output and b"missing.png" not in output and b"nothing.gif" not in output
    doc = md_page(md)
    assert doc.xpath("//img/@src") == [f"data:image/png;base64,{data}"]
    assert doc.xpath("//img/@alt") == ["示意图"]
    assert texts(doc.xpath("//body/p")) == ["", "示意图", "[图：示意图]", "[图]"]
    html_doc = html_page(page)
    img = html_doc.xpath("//main/figure/img")
    assert [(i.get("src"), i.get("alt"), i.get("width"), i.get("height")) for i in img] == \
        [(f"data:image/png;base64,{data}", "示意图", "1", "1")]
    assert texts(html_doc.xpath("//main/figure/figcaption")) == ["示意图"]
    assert texts(html_doc.xpath("//main/figure/p")) == ["[图：示意图]", "[图]"]


# -- the page and determinism --------------------------------------------------------------------


def test_html_page_head_and_style(reference_tree):
    page = html_writer.render(reference_tree)
    assert page.startswith(b"<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    doc = html_page(page)
    assert doc.xpath("//head/meta/@charset") == ["utf-8"]
    style = doc.findtext("head/style")
    for rule in ("@page { size: A4; margin: 37mm 26mm 35mm 28mm; }", "counter(page)", "font-size: 16pt",
                 "line-height: 28.95pt", "text-indent: 2em", "font-size: 22pt", "max-width: 156mm"):
        assert rule in style
    assert [el.tag for el in doc.find("body")] == ["header", "main"]


@pytest.mark.parametrize("writer", [md_writer, html_writer], ids=["md", "html"])
def test_same_tree_same_bytes(writer, reference_tree):
    tree, _data = picture_tree()
    for source in (reference_tree, tree_of(MERGED), tree):
        first = writer.render(source)
        assert writer.render(source) == first
        assert writer.render(ir.parse(ir.serialize(source))) == first
