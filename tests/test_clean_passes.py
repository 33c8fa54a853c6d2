"""The clean stage as ordered passes, per-site rule files, right-aligned signature blocks."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.clean
from pipeline import ir
from pipeline.clean import PASSES, clean
from pipeline.clean import rules as clean_rules
from pipeline.clean.draft import Draft
from pipeline.errors import UsageError
from pipeline.load import Document, load

from .conftest import CORPUS_COPY, DATA

HTML = CORPUS_COPY / "html"
# A State Council document ending in a 落款 (国务院 / date) right-aligned by inline style.
GOVCN = HTML / "govcn_2019-02_001.html"
# A Ministry of Education notice ending in a 落款 set by <p align="right">.
MOE = HTML / "wjmoe.gov.cn.html"
# The 四川省人民政府网站 article the shipped rule file rules/sites/www.sc.gov.cn.yaml is for.
SICHUAN = DATA / "clean" / "www.sc.gov.cn_lysc.html"
# The 1905电影网 article the shipped rule file rules/sites/www.1905.com.yaml is for.
FILM_NEWS = DATA / "structure" / "m1905_3e863fa9.html"
# A 麻辣社区 (bbs.newssc.org) error page, for the shipped rule file rules/sites/bbs.newssc.org.yaml.
NEWSSC = HTML / "cwced_386d70f8-19dc-495b-aa14-18cc057e1544.html"
DOCUMENTED_ORDER = [
    "parse", "site", "head", "home-link", "scripts", "page-lines", "info-tables", "chrome", "content", "blocks",
    "form-tables", "lines", "unwrap", "centred-lines", "captions", "metadata", "link-targets", "title", "issuer", "repeats", "date", "trim", "bold-headings",
]


def clean_page(path, url=None):
    return clean(load(Document(str(path), path.read_bytes(), url=url)))


def clean_markup(markup: str, name="page.html", url=None):
    return clean(load(Document(name, markup.encode("utf-8"), url=url)))


def body_paragraphs(tree) -> list[tuple[str, str | None]]:
    return [("".join(p.itertext()), p.get("align")) for p in tree.iterfind("body/p")]


def body_texts(tree) -> list[str]:
    return ["".join(block.itertext()).strip() for block in tree.find("body")]


@pytest.fixture
def sites(tmp_path, monkeypatch):
    """An empty site rules folder in place of the shipped one; write files into it."""
    monkeypatch.setattr(clean_rules, "sites_folder", lambda: tmp_path)

    def write(host: str, text: str):
        (tmp_path / f"{host}.yaml").write_text(text, encoding="utf-8")
    return write


# ---------------------------------------------------------------- the pass table


def test_pass_names_unique_and_in_documented_order():
    names = [name for name, _ in PASSES]
    assert len(set(names)) == len(names)
    assert names == DOCUMENTED_ORDER
    listed = re.search(r"Passes, in order: ([^.]+)\.", " ".join(pipeline.clean.__doc__.split()))
    assert listed and [n.strip() for n in listed.group(1).split(",")] == DOCUMENTED_ORDER


@pytest.mark.parametrize("page", [GOVCN, CORPUS_COPY / "text" / "seed_luohu_2023.txt"])
def test_clean_runs_every_pass_once_in_table_order(page, monkeypatch):
    expected = ir.serialize(clean_page(page))
    seen = []

    def watched(name, run):
        def observe(draft):
            seen.append((name, len(draft.blocks), draft.content is not None))
            run(draft)
        return observe

    monkeypatch.setattr(pipeline.clean, "PASSES", tuple((name, watched(name, run)) for name, run in PASSES))
    assert ir.serialize(clean_page(page)) == expected
    assert [name for name, _, _ in seen] == DOCUMENTED_ORDER
    before = {name: (blocks, has_content) for name, blocks, has_content in seen}
    assert before["blocks"][0] == 0 < before["lines"][0]
    assert before["content"][1] is False
    assert before["blocks"][1] is (page.suffix == ".html")


def test_a_pass_left_out_changes_the_result(monkeypatch):
    """clean() takes its passes from the table: without the title pass the title (set on two
    lines) stays in the body."""
    title_line = "国务院关于在市场监管领域全面推行"
    assert title_line not in body_texts(clean_page(GOVCN))
    monkeypatch.setattr(pipeline.clean, "PASSES", tuple(p for p in PASSES if p[0] != "title"))
    assert title_line in body_texts(clean_page(GOVCN))


# ---------------------------------------------------------------- site rule files


def test_site_rule_applies_to_its_host_only(sites):
    sites("reports.example.gov.cn", 'chrome_lines:\n  - "国务院"\n')
    on_host = clean_page(GOVCN, url="https://reports.example.gov.cn/2019/001.html")
    elsewhere = clean_page(GOVCN, url="https://other.example.gov.cn/2019/001.html")
    assert "国务院" in body_texts(elsewhere)
    assert "国务院" not in body_texts(on_host)
    assert ("chrome", "国务院") in [(c.get("rule"), c.text) for c in on_host.iterfind("removed/chrome")]
    assert [t for t in body_texts(elsewhere) if t != "国务院"] == body_texts(on_host)


def content_id(path, url=None) -> str | None:
    """The id of the element the content pass chooses on the page."""
    draft = Draft(load(Document(str(path), path.read_bytes(), url=url)))
    for name, run in PASSES:
        run(draft)
        if name == "content":
            return draft.content.get("id")
    return None


def test_site_rule_chooses_the_content_container(sites):
    """A content selector of the host's file is tried before the global ones."""
    sites("a.example.gov.cn", 'cms_content_selectors:\n  - "#cmsArticleContent"\n')
    assert content_id(SICHUAN, "https://a.example.gov.cn/1.shtml") == "cmsArticleContent"
    assert content_id(SICHUAN, "https://b.example.gov.cn/1.shtml") == "content"  # it holds the 相关链接 box too


@pytest.mark.parametrize("head, applies", [
    ('<meta name="Url" content="https://a.example.gov.cn/x.html">', True),
    ('<meta name="Url" content="/x.html">', False),
    ("<!-- saved from url=(0031)https://a.example.gov.cn/x.html -->", True),
    ('<link rel="canonical" href="https://a.example.gov.cn/x.html">', True),
    ('<link rel="canonical" href="https://b.example.gov.cn/x.html">', False),
])
def test_host_from_the_page_itself(sites, head, applies):
    sites("a.example.gov.cn", 'chrome_lines:\n  - "本站专用行"\n')
    body = "<p>本站专用行</p><p>现将有关情况报告如下，请结合实际认真贯彻执行。</p>"
    tree = clean_markup(f"<html><head>{head}</head><body><div>{body}</div></body></html>")
    assert ("本站专用行" not in body_texts(tree)) is applies


def test_host_from_a_text_scrapes_first_line(sites):
    sites("a.example.gov.cn", 'chrome_lines:\n  - "本站专用行"\n')
    scrape = "本站专用行\n现将有关情况报告如下，请结合实际认真贯彻执行。\n"
    assert "本站专用行" in body_texts(clean_markup(scrape, name="page.txt"))
    tree = clean_markup("https://a.example.gov.cn/x.html\n" + scrape, name="page.txt")
    assert "本站专用行" not in body_texts(tree)


def test_subdomains_only_when_the_file_says_so(sites):
    sites("example.gov.cn", 'chrome_lines: ["parent"]\n')
    sites("sub.example.gov.cn", 'chrome_lines: ["exact"]\n')
    sites("wide.gov.cn", 'match_subdomains: true\nchrome_lines: ["wide"]\n')

    def first_chrome(host):
        return clean_rules.rules_for(host).chrome.pattern.partition("|")[0]

    assert first_chrome("example.gov.cn") == "(?:parent)"
    assert first_chrome("sub.example.gov.cn") == "(?:exact)"
    assert first_chrome("www.example.gov.cn") == first_chrome(None) == \
        clean_rules.global_rules().chrome.pattern.partition("|")[0]
    assert first_chrome("wide.gov.cn") == first_chrome("a.b.wide.gov.cn") == "(?:wide)"
    assert first_chrome("notwide.gov.cn") != "(?:wide)"


def test_lists_prepended_mappings_merged_scalars_replaced(sites):
    sites("a.example.gov.cn", "\n".join([
        'chrome_lines: ["first"]', "min_content_chars: 7",
        "meta_names:", "  title: [SiteTitle]", "metadata_labels: [发稿单位]",
    ]))
    base, site = clean_rules.global_rules(), clean_rules.rules_for("a.example.gov.cn")
    assert site.chrome.pattern == "(?:first)|" + base.chrome.pattern
    assert site.min_content_chars == 7 and base.min_content_chars != 7
    assert site.meta_names["title"] == ["sitetitle"] + base.meta_names["title"]
    assert site.meta_names["date"] == base.meta_names["date"]
    assert site.metadata_pair.match("发稿单位：某某局") and not base.metadata_pair.match("发稿单位：某某局")


def test_a_site_label_found_after_a_value_and_spaced(sites):
    """A pair is searched from the characters a pair can start with: a site's own label's too."""
    sites("a.example.gov.cn", "metadata_labels: [审核人]")
    site = clean_rules.rules_for("a.example.gov.cn")
    line = "来源：某某局审 核 人：张三"
    assert [m.group(1) for m in site.metadata_pair.finditer(line)] == ["来源", "审 核 人"]
    assert [m.group(1) for m in clean_rules.global_rules().metadata_pair.finditer(line)] == ["来源"]


def test_rules_compiled_once_per_host(sites):
    sites("a.example.gov.cn", 'chrome_lines: ["x"]\n')
    assert clean_rules.rules_for("a.example.gov.cn") is clean_rules.rules_for("a.example.gov.cn")
    assert clean_rules.rules_for("b.example.gov.cn") is clean_rules.global_rules()


def test_unknown_key_in_a_site_file_is_an_error(sites):
    sites("a.example.gov.cn", 'chrome_line: ["x"]\n')
    with pytest.raises(UsageError, match="chrome_line"):
        clean_rules.rules_for("a.example.gov.cn")


def test_shipped_sichuan_rule_takes_the_article_not_its_link_boxes(tmp_path, monkeypatch):
    with_rule = body_texts(clean_page(SICHUAN))
    assert not any("相关链接" in t or "来源" in t for t in with_rule)
    assert with_rule[0].startswith("12月6日，四川省“拓市场稳增长”医药健康产业供需对接活动在成都举行。")
    assert with_rule[-1].endswith("助推产业高质量发展。（记者 陈俊伶）")
    assert content_id(SICHUAN) == "cmsArticleContent"
    monkeypatch.setattr(clean_rules, "sites_folder", lambda: tmp_path)
    assert content_id(SICHUAN) == "content"


def test_shipped_1905_rule_drops_the_related_video_box(tmp_path, monkeypatch):
    """The box of the related video above the article (its title with 时长 and 来源, the title
    again with a 收起 button, its thumbnail) is not the article; the article's own picture stays."""
    tree = clean_page(FILM_NEWS)
    texts = body_texts(tree)
    assert texts[0].startswith("1905电影网讯")
    assert texts[-1] == ""  # the article's picture, after its text
    assert not any("时长" in t or "收起" in t or "电影频道22:00播出" in t for t in texts)
    assert [f.get("src").rsplit("/", 1)[-1] for f in tree.iterfind("body/figure")] == ["20240520101437436579.jpg"]
    monkeypatch.setattr(clean_rules, "sites_folder", lambda: tmp_path)
    without = body_texts(clean_page(FILM_NEWS))
    assert any("时长：01:45" in t for t in without)


def test_shipped_newssc_rule_drops_the_forums_breadcrumb(tmp_path, monkeypatch):
    """The forum's breadcrumb (麻辣社区 → 错误信息 → the thread's title 【…】【全文搜索】) is chrome; the
    error message the page is stays whole."""
    tree = clean_page(NEWSSC)
    texts = body_texts(tree)
    assert not any("→" in t for t in texts)
    assert texts[0].startswith("麻辣社区-大话四川-[原创]朋友")
    assert "错误的版面参数！请确认您是从有效的连接进入。" in texts
    assert any(c.text.startswith("麻辣社区 → 错误信息 →") for c in tree.iterfind("removed/chrome"))
    monkeypatch.setattr(clean_rules, "sites_folder", lambda: tmp_path)
    assert body_texts(clean_page(NEWSSC))[0].startswith("麻辣社区 → 错误信息 →")


# ---------------------------------------------------------------- link targets

#: An address for the 教育部 notice of the site clone wjmoe.gov.cn, which does not state its own
#: (made up in the form of the ministry's addresses: a page in a dated folder); the notice links
#: its attachments as ./W0202406135566637….docx, beside the page.
MOE_NOTICE = "http://www.moe.gov.cn/srcsite/A12/moe_1407/s253/202406/t20240613_1135586.html"
MOE_FOLDER = "http://www.moe.gov.cn/srcsite/A12/moe_1407/s253/202406/"


def link_targets(document: Document) -> list[str]:
    return [link.get("href") for link in clean(load(document)).iter("link")]


def test_relative_link_targets_are_resolved_against_the_pages_address():
    page = (HTML / "wjmoe.gov.cn.html").read_bytes()
    assert link_targets(Document("wjmoe.html", page)) == [  # no address: the page's own words
        "./W020240613556663716813.docx", "./W020240613556663720310.docx", "./W020240613556663730435.docx"]
    assert link_targets(Document("wjmoe.html", page, url=MOE_NOTICE)) == [
        MOE_FOLDER + "W020240613556663716813.docx", MOE_FOLDER + "W020240613556663720310.docx",
        MOE_FOLDER + "W020240613556663730435.docx"]
    based = page.replace(b"<head>", b'<head><base href="https://www.moe.gov.cn/files/">', 1)
    assert b"<base" in based
    assert link_targets(Document("wjmoe.html", based, url=MOE_NOTICE))[0] == \
        "https://www.moe.gov.cn/files/W020240613556663716813.docx"  # <base href> first


# ---------------------------------------------------------------- block alignment


@pytest.mark.parametrize("page, signature", [
    (GOVCN, ["国务院", "2019年1月27日"]),
    (MOE, ["教育部办公厅", "2024年5月30日"]),
])
def test_signature_block_right_aligned(page, signature):
    paragraphs = body_paragraphs(clean_page(page))
    right = [text.strip() for text, align in paragraphs if align == "right"]
    assert right == signature
    assert all(align != "right" for text, align in paragraphs if text.strip() not in signature)


@pytest.mark.parametrize("markup, align", [
    ('<div style="TEXT-ALIGN:Right"><span>某某局</span></div>', "right"),
    ('<div align="right"><p>某某局</p></div>', "right"),
    ('<div style="text-align: right"><p style="text-align: left">某某局</p></div>', None),
    ('<table align="right"><tr><td>某某局</td></tr></table>', None),
    ('<p style="text-align:center">某某局</p>', "center"),
    ('<center><p>某某局</p></center>', "center"),
])
def test_alignment_read_from_the_paragraph_and_its_blocks(markup, align):
    body = "<p>现将有关情况报告如下，请结合实际认真贯彻执行。</p>" + markup
    tree = clean_markup(f"<html><body><div id='zoom'>{body}</div></body></html>")
    assert dict(body_paragraphs(tree))["某某局"] == align


def test_a_centred_line_stays_centred_only_where_short_and_not_on_a_page_centring_its_text():
    """An attachment's title and a 发文字号 line are centred (the State Council page); a long
    centred paragraph is not, nor any paragraph of a page that centres most of them."""
    centred = [text for text, align in body_paragraphs(clean_page(GOVCN)) if align == "center"]
    assert centred == ["国发〔2019〕5号"]
    sentence = "现将有关情况报告如下，请结合实际认真贯彻执行，各单位要高度重视，认真组织实施，确保各项任务落到实处。"
    tree = clean_markup("<html><body><div id='zoom'><p>一、总体要求</p>"
                        f"<p style='text-align:center'>{sentence}</p><p>二、主要任务</p></div></body></html>")
    assert dict(body_paragraphs(tree))[sentence] is None
    tree = clean_markup("<html><body><div id='zoom'>" + "".join(
        f"<p style='text-align:center'>{text}</p>" for text in ("一、总体要求", sentence, "二、主要任务", sentence))
        + "</div></body></html>")
    aligns = [align for _, align in body_paragraphs(tree)]
    assert len(aligns) >= 3 and set(aligns) == {None}


def test_content_elements_own_alignment_not_given_to_its_paragraphs():
    body = "<p>现将有关情况报告如下，请结合实际认真贯彻执行。各单位要高度重视，认真组织实施。</p><p>某某局</p>"
    tree = clean_markup(f"<html><body><div id='zoom' align='right'>{body}</div></body></html>")
    assert all(align is None for _, align in body_paragraphs(tree))


# ---------------------------------------------------------------- forum threads

# A thread of an engine no shipped row knows: each post's text in a .msg beside its author card.
FORUM = """<html><head><title>请教一个问题</title></head><body><div class="topic">
<div class="card"><p>楼主小王</p><p>2024-05-01 10:00</p><p>主题 3 帖子 12</p></div>
<div class="msg"><p>我的电脑升级系统以后，打印机就再也找不到了，驱动也重新装过，线也换过，打印机本身在别的电脑上一切正常，请问还有什么办法可以解决？</p></div>
<div class="card"><p>小李</p><p>2024-05-01 11:00</p><p>回复 引用</p></div>
<div class="msg">试试在设备管理器里删掉旧的打印机，再到设置里重新添加一次，添加时选择网络打印机。</div>
<div class="card"><p>楼主小王</p><p>2024-05-01 12:30</p><p>回复 引用</p></div>
<div class="msg">好了，谢谢</div>
</div></body></html>"""
POSTS = ["我的电脑升级系统以后，打印机就再也找不到了，驱动也重新装过，线也换过，打印机本身在别的电脑上一切正常，请问还有什么办法可以解决？",
         "试试在设备管理器里删掉旧的打印机，再到设置里重新添加一次，添加时选择网络打印机。", "好了，谢谢"]


def test_a_thread_row_makes_the_posts_the_content_in_page_order(sites):
    """A site's thread_posts row: the posts it finds are the body, in order, without the author
    cards between them; elsewhere the page's content is chosen as before."""
    sites("bbs.example.com", 'thread_posts:\n  - first: ".msg"\n')
    assert body_texts(clean_markup(FORUM, url="https://bbs.example.com/t/1")) == POSTS
    assert body_texts(clean_markup(FORUM, url="https://other.example.com/t/1")) != POSTS


def test_a_page_no_thread_row_finds_a_post_on_is_cleaned_as_before(sites):
    sites("reports.example.gov.cn", 'thread_posts:\n  - first: ".msg"\n  - first: "td.t_f"\n')
    on_host = clean_page(GOVCN, url="https://reports.example.gov.cn/2019/001.html")
    elsewhere = clean_page(GOVCN, url="https://other.example.gov.cn/2019/001.html")
    assert body_texts(on_host) == body_texts(elsewhere)


# A Discuz! thread's message cells holding their own chrome: an edit note, a quoted post's attribution.
DISCUZ = """<html><head><title>请教一个问题</title></head><body><table><tr>
<td class="pls">楼主小王</td><td class="plc"><div>发表于 3 天前 | 只看该作者</div>
<table><tr><td class="t_f" id="postmessage_1"><i class="pstatus"> 本帖最后由 小王 于 2024-5-1 12:00 编辑 </i><br>
我的电脑升级系统以后，打印机就再也找不到了，驱动也重新装过，线也换过，请问还有什么办法可以解决？</td></tr></table></td>
</tr><tr><td class="pls">小李</td><td class="plc"><div>发表于 2 天前 | 只看该作者</div>
<table><tr><td class="t_f" id="postmessage_2"><div class="quote"><blockquote><font color="#999999">小王 发表于 2024-5-1 11:00</font><br>
请问还有什么办法可以解决？</blockquote></div><br>
试试在设备管理器里删掉旧的打印机，再到设置里重新添加一次，添加时选择网络打印机。</td></tr></table></td>
</tr></table></body></html>"""


def test_a_posts_edit_note_and_quote_attribution_are_chrome():
    tree = clean_markup(DISCUZ)
    texts = body_texts(tree)
    assert texts == ["我的电脑升级系统以后，打印机就再也找不到了，驱动也重新装过，线也换过，请问还有什么办法可以解决？",
                     "请问还有什么办法可以解决？", "试试在设备管理器里删掉旧的打印机，再到设置里重新添加一次，添加时选择网络打印机。"]
    chrome = {c.text for c in tree.iterfind("removed/chrome") if c.get("rule") == "chrome"}
    assert {"本帖最后由 小王 于 2024-5-1 12:00 编辑", "小王 发表于 2024-5-1 11:00"} <= chrome


SELECTOR_PAGES = [
    '<div class="share-box"><p hidden>a</p></div><p data-x="abc" style="display:none">b</p>',
    '<div class="x"><span class="share">c</span></div><p a="x">d</p><p>e</p>',
    '<p class="sharing" a="y">f</p>',
    '<p>g</p><ul id="x"><li id="xy">h</li></ul>',
]


@pytest.mark.parametrize("css", [".share", "[class*='share'], .x", "[hidden]", "div > .share", "[data-x^='ab']",
                                 "[style*='display:none']", "[a!='x']", "p", ".x, p", "p, li", "#x", "ul#x, li#xy",
                                 "div.share, span.share"])
@pytest.mark.parametrize("markup", SELECTOR_PAGES)
def test_a_page_selector_finds_what_its_css_selects(css, markup):
    """A page selector is skipped on a page that cannot hold what it selects, and finds the
    same elements as its CSS wherever it could."""
    from lxml import html

    from pipeline.clean.html import selected

    page = html.document_fromstring(markup)
    selector = clean_rules.page_selector(css)
    assert [list(found) for found in selected(page, (selector,))] == [selector.select(page)]


def test_a_selector_finds_nothing_in_what_was_dropped_before_it():
    from lxml import html

    from pipeline.clean.html import selected

    page = html.document_fromstring('<div class="x"><span class="share">c</span></div><p class="share">d</p>')
    found = selected(page, (clean_rules.page_selector(".x"), clean_rules.page_selector(".share")))
    for el in next(found):
        el.drop_tree()
    assert [el.text for el in next(found)] == ["d"]


def test_a_page_selector_that_needs_no_attribute_always_runs():
    assert clean_rules.page_selector("[a!='x']").needs is None  # selects elements without the attribute
    assert clean_rules.page_selector("nav, .share").needs is None
    assert clean_rules.page_selector(".share, [hidden]").needs == (("class", "share"), ("hidden", None))


def test_a_list_of_patterns_matches_in_full_where_one_of_them_does():
    patterns = ["ab", "a.*c", "x(y|z)+"]
    combined = clean_rules.one_of(patterns)
    for text in ("ab", "abc", "abcab", "xyz", "xyzc", "a", "", "b"):
        assert bool(combined.fullmatch(text)) == any(re.fullmatch(p, text) for p in patterns), text
    assert clean_rules.one_of([]).fullmatch("") is None


@pytest.mark.parametrize(("crumb", "heads"), [
    ("网易娱乐 &gt; 明星俱乐部", True),
    ("网易\n  娱乐 &gt; 明星俱乐部", True),  # a line break inside the entry, between Chinese characters
    ("网易\u3000娱乐 &gt; 明星俱乐部", False),  # an ideographic space is a space
    ("网易 娱乐 &gt; 明星俱乐部", False),
    ("网易娱乐新闻 &gt; 明星俱乐部", False),
])
def test_a_page_title_heads_the_breadcrumb_as_the_collapsed_text_says(crumb, heads):
    from pipeline.clean.head import heads_breadcrumb

    markup = f"<html><head><title>网易娱乐</title></head><body><div>{crumb}</div><p>正文。</p></body></html>"
    draft = Draft(load(Document("page.html", markup.encode("utf-8"))))
    for name, run in PASSES:
        if name == "head":
            break
        run(draft)
    assert heads_breadcrumb(draft, "网易娱乐") is heads


# The first rows of the State Council's 第二批支持创新相关改革举措推广清单 (govcn_2019-02_010), as the
# page writes them (its styles left out): a header of bold cells, a group's row, a record.
REFORM_LIST_ROWS = (
    '<tr> <td> <p align="center"><b>序号</b><b></b></p> </td> <td> <p align="center"><b>改革举措</b><b></b></p> </td>'
    ' <td> <p align="center"><b>主 要 内 容</b><b></b></p> </td> <td> <p align="center"><b>指导部门</b><b></b></p> </td>'
    ' <td> <p align="center"><b>推广范围</b><b></b></p> </td> </tr>'
    ' <tr> <td colspan="5"> <p><b>一、知识产权保护方面（共5项）</b><b></b></p> </td> </tr>'
    ' <tr> <td> <p align="center">1</p> </td> <td> <p align="justify">知识产权民事、刑事、行政案件“三合一”审判</p> </td>'
    ' <td> <p align="justify">整合分散的审判资源，实行知识产权民事、刑事、行政案件审判“三合一”，实现审判力量集中、'
    '审判标准统一，提高审判效率，缩短审判周期。</p> </td> <td> <p align="justify">最高人民法院、最高人民检察院、国家知识产权局'
    '</p> </td> <td> <p align="center">全国</p> </td> </tr>'
)


def test_a_header_of_bold_cells_is_the_tables_header_and_a_group_row_is_not():
    tree = clean_markup(f"<html><body><div id='zoom'><p>{'现将有关改革举措推广清单印发给你们，请认真贯彻执行。' * 2}</p>"
                        f"<table>{REFORM_LIST_ROWS}</table></div></body></html>")
    rows = [[(c.text, c.get("header")) for c in row] for row in tree.find("body/table")]
    assert rows[0] == [(text, "true") for text in ("序号", "改革举措", "主 要 内 容", "指导部门", "推广范围")]
    assert rows[1] == [("一、知识产权保护方面（共5项）", None)] and all(header is None for _, header in rows[2])


# ---------------------------------------------------------------- the page's lines


def lines_two_ways(document: Document) -> tuple[list[str], list[str]]:
    """The page's lines as the page-lines pass finds them, and as the texts of the paragraphs,
    headings and list entries the block reader reads, in order (at most 200 characters)."""
    from pipeline.clean.blocks import BlockReader
    from pipeline.clean.chrome import note_page_lines
    from pipeline.clean.draft import block_text, line_text
    from pipeline.clean.html import body_of

    draft = Draft(load(document))
    for name, run in PASSES[:PASSES.index(("page-lines", note_page_lines))]:
        run(draft)
    reader = BlockReader(draft.rules)
    reader.read(body_of(draft.page))
    expected = [text for block in reader.blocks
                for text in (map(block_text, block) if block.tag == "list" else (line_text(block),))]
    note_page_lines(draft)
    return draft.page_lines, [t for t in expected if t and len(t) <= 200]


@pytest.mark.parametrize("page", sorted(HTML.glob("*.html")), ids=lambda p: p.stem[:30])
def test_the_page_lines_are_the_lines_the_block_reader_reads(page):
    """The page-lines pass reads the whole page with a reader that makes no paragraph elements:
    its lines are the texts of the paragraphs, headings and list entries the block reader reads,
    in the same order. Among the pages are lists and headings (gne_shanxi), tables and figures."""
    found, expected = lines_two_ways(Document(str(page), page.read_bytes()))
    assert found == expected


def test_a_list_entry_is_the_same_line_whichever_reader_reads_it():
    """A list's entry is its first paragraph (an entry of two lines parted by a <br>), or its
    whole text when it opens with a heading, in the page-lines pass as in the block reader."""
    page = ("<html><body><div><p>正文第一段，说明有关情况。</p><ul>"
            "<li><b>第一项工作的名称</b><br>第一项工作的具体说明文字</li>"
            "<li><h4>第二项工作的名称</h4>第二项工作的具体说明文字</li>"
            "<li><a href='/a.html'>第三项工作的名称</a>及其具体说明文字和要求</li>"
            "</ul></div></body></html>")
    found, expected = lines_two_ways(Document("page.html", page.encode("utf-8")))
    assert found == expected
    assert "第一项工作的名称" in found and "第二项工作的名称第二项工作的具体说明文字" in found


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\u3000|ab12，。规章", max_size=30))
def test_a_scrapes_cell_breaks_are_found_as_without_their_lookaheads(line):
    """The form tables' expressions for a cell break and a label's trailing figures lead with a
    lookahead for what each of their matches starts with, which only makes them fail sooner."""
    from pipeline.clean.formtables import CELL_BREAK, TRAILING_VALUES

    def match(pattern, text):
        found = pattern.fullmatch(text)
        return found and found.groups()

    assert CELL_BREAK.split(line) == re.split(r"\s*\|\s*|\t+|\s{2,}", line)
    assert match(TRAILING_VALUES, line) == match(re.compile(r"(\S+?)((?:\s+\S+)+)$"), line)
