"""Content and structure on real pages of the corpus, one test per class of miss: numbered
sequences decided once, official numbering styles not warned, chrome as structure, template
tables in text scrapes, label and bold headings, content beside related lists, photo captions,
chrome that leaks (also Traditional and with pinyin), punctuation after figures.

The pages are copies from ``../shared/corpus`` in ``tests/data/structure/`` (see its README),
or pages of the golden set in ``tests/data/corpus/``.
"""
from __future__ import annotations

import os
import re

import pytest
from lxml import etree

from pipeline import ir
from pipeline.clean import PASSES
from pipeline.clean.draft import Draft
from pipeline.clean.html import body_of
from pipeline.clean.lines import is_chrome
from pipeline.clean.rules import global_rules
from pipeline.config import Settings
from pipeline.convert import build_ir
from pipeline.load import Document, load
from pipeline.measure import char_f1
from pipeline.writers.text import body_lines

from .conftest import CORPUS_COPY, DATA, SHARED_CORPUS, ir_of

PAGES = DATA / "structure"
NUMBERING = ("numbering", "enumerations")


def outline(tree) -> list[tuple[str, str]]:
    return [(s.get("label"), ir.text_of(s.find("heading"))) for s in tree.iter("section")]


def warnings(tree) -> list[str]:
    return [d.text for d in tree.iterfind("diagnostics/diagnostic") if d.get("stage") in NUMBERING]


def clauses(tree, kind: str) -> list[int]:
    return [int(p.get("number")) for p in tree.iter("p") if p.get("kind") == kind]


def body_text(tree) -> str:
    return "\n".join(body_lines(tree))


# ---------------------------------------------------------------- numbered sequences


def test_a_sequence_of_full_sentence_clauses_is_all_clauses():
    """国发〔2018〕38号 numbers its 53 measures （一）…（五十三） on through four 一、 parts; some are
    short enough to pass for headings, but the sequence is decided once: all are clauses."""
    tree = ir_of(PAGES / "govcn_2019-02_057.html")
    assert [label for label, _ in outline(tree)] == ["一、", "二、", "三、", "四、", "五、"]
    assert clauses(tree, "cn-paren") == list(range(1, 54))
    assert warnings(tree) == []
    short = next(p for p in tree.iter("p") if p.get("number") == "13")
    assert ir.text_of(short) == "（十三）支持在自贸试验区设置商标受理窗口。（负责部门：知识产权局）"


def test_a_sequence_of_run_in_heads_is_all_headings_and_counts_on_across_parts():
    """国办发〔2019〕6号: （一）…（二十七） are headings, numbered on from part to part."""
    tree = ir_of(PAGES / "govcn_2019-02_002.html")
    heads = [label for label, _ in outline(tree) if label.startswith("（")]
    assert len(heads) == 27 and clauses(tree, "cn-paren") == []
    assert tree.find("body/section[2]/section").get("label") == "（三）"
    assert warnings(tree) == []


def test_a_first_sentence_followed_by_a_connective_is_no_run_in_head():
    """国办发〔1996〕25号: 一、…情况复杂。因此，这项工作…  二、（a long first sentence）。同时…
    三、…负责。对…: numbered clauses of a notice, not run-in heads."""
    tree = ir_of(PAGES / "govcn_2019-02_019.html")
    assert outline(tree) == [] and clauses(tree, "cn") == [1, 2, 3]
    assert warnings(tree) == []


def test_continuous_numbering_gaps_and_restarts_are_still_warned():
    """Counting on from the part before is an official style; a gap or a restart within one
    part is not."""
    from pipeline.transforms import run_transforms

    from .test_transforms import _doc
    ok = run_transforms(_doc("一、甲", "（一）子", "正文。", "二、乙", "（二）丑", "正文。", "（三）寅", "正文。"))
    assert warnings(ok) == []
    gap = run_transforms(_doc("一、甲", "（一）子", "正文。", "（三）寅", "正文。"))
    assert warnings(gap) == ["（一） is followed by （三）"]


def test_a_second_list_opened_by_a_counting_word_starts_again_without_a_warning():
    """三、原因分析 of a 北京 survey report: 首先，… 1. 2. 3., then 其次，… 1. 2. 3. (two lists of
    one section); a restart right after a paragraph that is no such opening is still warned."""
    from pipeline.transforms import run_transforms

    from .test_transforms import _doc
    tree = ir_of(PAGES / "cwced_c3f7d079.html")
    assert warnings(tree) == []
    labels = [label for label, _heading in outline(tree)]
    assert labels[labels.index("三、") + 1:labels.index("四、")] == ["1.", "2.", "3.", "1.", "2.", "3."]
    opened = run_transforms(_doc("一、甲", "1.子", "正文。", "2.丑", "其次，还有别的原因。", "1.寅", "正文。"))
    assert warnings(opened) == []
    lost = run_transforms(_doc("一、甲", "1.子", "正文。", "2.丑", "还有别的原因。", "1.寅", "正文。"))
    assert warnings(lost) == ["1. restarts after 2."]


def test_a_second_regulation_in_one_notice_starts_again_without_a_warning():
    """国办发〔2018〕124号 prints two 规定 one after the other: the second's 一、 follows its
    title, not the first's 九、."""
    tree = ir_of(PAGES / "govcn_2019-02_018.html")
    labels = [label for label, _ in outline(tree)]
    assert labels == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "一、", "二、", "三、", "四、"]
    assert warnings(tree) == []


def test_a_label_the_scraper_broke_over_two_lines_is_joined():
    """云南 政府工作报告 scrape: （ alone on a line, then 三）改革开放持续深化、互促共进。"""
    from pipeline.clean.text import scrape_blocks

    lines = ["（二）产业发展提质增效、转型加快。", "正文。", "（", "三）改革开放持续深化、互促共进。", "正文。"]
    assert [p.text for p in scrape_blocks("\n".join(lines))][2] == "（三）改革开放持续深化、互促共进。"


@pytest.mark.corpus
@pytest.mark.slow
def test_every_tuned_state_council_page_is_free_of_numbering_warnings():
    if not SHARED_CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the shared corpus is missing: {SHARED_CORPUS}")
        pytest.skip(f"the shared corpus is not beside the project ({SHARED_CORPUS})")
    from bench.accuracy import Case

    pages = sorted((SHARED_CORPUS / "html" / "ZhouYNF-platform-1" / "extracted_60").glob("*.html"))
    tuned = [p for p in pages if not Case("State Council", True, p, None, None).held_out]
    warned = {p.name: warnings(ir_of(p)) for p in tuned}
    assert len(tuned) >= 40 and {name: w for name, w in warned.items() if w} == {}


# ---------------------------------------------------------------- chrome as structure


def clean_with_body_as_content(path):
    """The clean passes with the whole body taken as the content (a page whose container is not
    found): the chrome around the article reaches the line rules."""
    draft = Draft(load(Document(str(path), path.read_bytes())))
    for name, run in PASSES:
        if name == "content":
            draft.content = body_of(draft.page)
        else:
            run(draft)
    return draft


def test_a_chrome_heading_is_dropped_not_made_a_section():
    """The pixnet blog's <h5>相關文章</h5> (Traditional) is chrome, not a level-1 section."""
    draft = clean_with_body_as_content(PAGES / "pixnet_comments_excerpt.html")
    texts = ["".join(b.itertext()) for b in draft.blocks]
    assert "相關文章" not in texts and ("chrome", "相關文章") in draft.removed
    assert not any(b.tag == "section" for b in draft.blocks[:1])


def test_a_numbered_line_continuing_a_list_above_is_not_a_heading():
    """国办函〔2004〕80号 lists its attachments as 附件：1.… then 2.…: the 2. continues that list,
    a line of the attachment note, not a heading nor a numbered clause."""
    tree = ir_of(PAGES / "govcn_2019-02_023.html")
    assert [label for label, _ in outline(tree)] == ["一、", "二、", "三、", "四、"]
    assert clauses(tree, "arabic") == []
    assert warnings(tree) == []


def note_lines(tree) -> list[tuple[str, str, str]]:
    return [(ir.text_of(p), p.get("indent"), p.get("hang")) for p in tree.iter("p") if p.get("role") == "attachment-note"]


@pytest.mark.parametrize("page, lines", [
    # 国办函〔2004〕80号: 附件：1.… then 2.… under the 1., two attachments after the signature
    (PAGES / "govcn_2019-02_023.html", [("附件：1.国土资源部关于湖北省巴东县官渡口镇马鬃山村地质险情调研情况的报告", "0", "4"),
                                        ("2.湖北省巴东县官渡口镇马鬃山村地质险情调查专家组意见", "3", "4")]),
    # 教思政厅函〔2024〕10号: three linked attachments inside the last section, no attachment follows
    (CORPUS_COPY / "html" / "wjmoe.gov.cn.html", [("附件：1.知识竞答工作要求", "0", "4"),
                                                  ("2.数字微展览、工作案例、视频微课等作品报送要求", "3", "4"),
                                                  ("3.2024年高校“礼敬中华优秀传统文化”宣传教育活动成果征集表", "3", "4")]),
    # 国办函〔2018〕… 联席会议制度: one attachment, no number
    (PAGES / "govcn_2019-02_055.html", [("附件：国务院职业教育工作部际联席会议制度", "0", "3")]),
], ids=["two", "linked", "one"])
def test_the_attachment_note_hangs_each_name_under_its_first_character(page, lines):
    """GB/T 9704 §7.3.3 (附件说明): after 附件： each attachment's number under the one above and a
    name's later lines under its first character: where each line starts, in character widths."""
    tree = ir_of(page)
    assert note_lines(tree) == lines
    assert all(p.get("kind") is None for p in tree.iter("p") if p.get("role") == "attachment-note")


# ---------------------------------------------------------------- tables in text scrapes


def cells(table) -> list[tuple[str, str, str]]:
    return [(c.text or "", c.get("colspan", "1"), c.get("rowspan", "1")) for c in table.iter("cell") if c.text]


@pytest.mark.parametrize("page", [PAGES / "17_changchun_tables_as_lines.txt",
                                  CORPUS_COPY / "text" / "17_changchun_tyj_2023_xxgk_ndbg_table.txt"],
                         ids=["a cell per line", "rows of |"])
def test_disclosure_report_tables_are_put_back_from_the_national_template(page):
    """长春市体育局 2023 信息公开年报: its tables' row labels (一、本年新收…, 三、本年度…) are
    cells, not headings, and the tables get the template's merged cells back."""
    tree = ir_of(page)
    assert [label for label, _ in outline(tree)] == ["一、", "（一）", "（二）", "（三）", "二、", "三、"]
    assert warnings(tree) == []
    first, second = tree.iter("table")
    assert first.getparent().find("heading").text == "主动公开政府信息情况"
    assert ("第二十条第（一）项", "4", "1") in cells(first) and ("行政许可", "1", "1") in cells(first)
    assert ("申请人情况", "7", "1") in cells(second) and ("法人或其他组织", "5", "1") in cells(second)
    new = [row for row in second.iterfind("row") if row[0].text == "一、本年新收政府信息公开申请数量"]
    assert [c.text for c in new[0]] == ["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"]
    assert len(first.findall("row[@header='true']")) == 2


# ---------------------------------------------------------------- hard-wrapped text

#: A paragraph of 犬儒病 (CWCED 5dc3fa2d), which its page (lines ended by <br>) and its scrape
#: break at 72 columns (…通常将 / 它理解为…), the next paragraph's first line indented.
CYNICISM = ("犬儒主义（Cynicism）是个外来词，中文里本来没有现成的对应词汇，通常将它理解为讥诮嘲讽，愤世嫉俗，"
            "玩世不恭。这些理解大致不差，不过，我们若想对犬儒一词有更完整的把握，有必要略略追溯一下它的起源和演变。")


def paragraphs(tree) -> list[str]:
    return [ir.text_of(p) for p in tree.find("body").iter("p")]


@pytest.mark.parametrize("page", [CORPUS_COPY / "html" / "cwced_5dc3fa2d-6734-41e9-8520-a9c7c91ae1f8.html",
                                  PAGES / "cwced_5dc3fa2d_cleaned.txt"], ids=["page", "scrape"])
def test_the_lines_of_hard_wrapped_text_are_joined_into_their_paragraphs(page):
    tree = ir_of(page)
    found = paragraphs(tree)
    assert CYNICISM in found
    assert "当今中国最流行的是什么主义？答：犬儒主义。" in found  # a paragraph of one line stays one
    # a paragraph that runs on into the next line only where a line of the text started mid-sentence
    assert not [p for p in found if p[:1] in "，。、；：" or p.startswith("识形态挑战")]
    assert [label for label, _ in outline(tree)] == ["1.", "2.", "3.", "4.", "5.", "6."]  # headings stay apart
    assert 40 < len(found) < 60  # 360 lines


def test_the_links_of_hard_wrapped_lines_stay_in_the_joined_paragraph():
    """The page with a link on the first line of a paragraph and another on its second."""
    page = (CORPUS_COPY / "html" / "cwced_5dc3fa2d-6734-41e9-8520-a9c7c91ae1f8.html").read_bytes()
    for words, after, href in (("犬儒主义", "(Cynicism)", "https://example.org/cynicism"),
                               ("讥诮嘲讽", "", "https://example.org/irony")):
        encoded = words.encode("gb18030")
        page = page.replace(encoded + after.encode(), f'<a href="{href}">'.encode() + encoded + b"</a>" + after.encode(), 1)
    tree = build_ir(Document("cynicism.html", page), Settings())
    (found,) = [p for p in tree.find("body").iter("p") if ir.text_of(p) == CYNICISM]
    assert [(link.get("href"), link.text) for link in found.iter("link")] == [
        ("https://example.org/cynicism", "犬儒主义"), ("https://example.org/irony", "讥诮嘲讽")]


@pytest.mark.parametrize("page", [CORPUS_COPY / "html" / "cwced_2168485b-0614-4e1e-b88e-289bde57e5f0.html",
                                  PAGES / "gzbg_2026_hebei.txt"], ids=["schedule", "report"])
def test_lines_not_broken_at_one_width_stay_apart(page, monkeypatch):
    """A conference schedule (lines of times, places and names) and a report of a paragraph a
    line, whatever their lengths: no width the lines were broken at, nothing joined."""
    import pipeline.clean

    joined = paragraphs(ir_of(page))
    monkeypatch.setattr(pipeline.clean, "PASSES", tuple(p for p in pipeline.clean.PASSES if p[0] != "unwrap"))
    assert joined == paragraphs(ir_of(page))


# ---------------------------------------------------------------- label and bold headings


def test_label_headings_ending_in_a_colon():
    """宝安区司法局: 全面依法治区： 建设法治政府： 建设法治社会： head their parts under （一）,
    each with its own 1. 2. 3."""
    tree = ir_of(CORPUS_COPY / "text" / "24_szgov_baoan_sfj_2025h1_label_headings.txt")
    parent = tree.find("body/section/section")
    labels = [(s.get("kind"), ir.text_of(s.find("heading"))) for s in parent.findall("section")]
    assert labels == [("unnumbered", "全面依法治区"), ("unnumbered", "建设法治政府"), ("unnumbered", "建设法治社会")]
    assert [s.get("label") for s in parent.findall("section")[1].findall("section")] == ["1.", "2.", "3."]
    assert warnings(tree) == []


def test_addressees_and_lead_ins_ending_in_a_colon_are_not_headings():
    tree = ir_of(CORPUS_COPY / "text" / "gzbg_2026_zhejiang.txt")
    assert "各位代表" not in [text for _, text in outline(tree)]
    assert any(ir.text_of(p) == "各位代表：" for p in tree.iter("p"))


def test_bold_one_line_headings():
    """济宁 (jchgz.gov.cn) sets its article's parts in bold lines: they are headings; the 吉林
    通告 sets its title on four bold lines: those stay lines."""
    tree = ir_of(CORPUS_COPY / "html" / "jchgz.gov.cn.html")
    assert ("", "“巨无霸”正向“高质量”转型") in outline(tree)
    assert {s.get("kind") for s in tree.iter("section")} == {"unnumbered"}
    notice = ir_of(CORPUS_COPY / "html" / "cwced_e8847578-12f0-44cb-bdb7-4eec53c18ed1.html")
    assert outline(notice) == [] and clauses(notice, "cn") == [1, 2, 3]


# ---------------------------------------------------------------- content choice


def test_a_short_article_beside_a_list_of_related_headlines():
    """A 2005 news page: the article, then a list of dated related headlines and a channel's
    headlines; the body is the article alone (CWCED's truth)."""
    tree = ir_of(PAGES / "cwced_2bac7fb2.html")
    text = body_text(tree)
    assert char_f1(text, (PAGES / "cwced_2bac7fb2.truth.txt").read_text(encoding="utf-8")) >= 0.95
    assert "富夫妻望子成龙假离婚" not in text


def test_a_line_wholly_of_link_text_is_links_whatever_punctuation_it_holds():
    """.Text blog post: a ranked teaser of the sidebar's 评论排行榜 right before the article,
    3. 惟楚有才，于斯为盛————中南大学宿舍内部上传真实图片！(16), is one link from end to end: links,
    dropped, though its headline holds a ！. The article opens the body."""
    tree = ir_of(PAGES / "cwced_064b591b.html")
    lines = body_lines(tree)
    assert lines[0].startswith("本报讯 （实习记者 樊亮 张明超 记者惠禾）13岁")
    assert not any("惟楚有才" in line for line in lines)
    assert ("links", "3. 惟楚有才，于斯为盛————中南大学宿舍内部上传真实图片！(16)") in [
        (c.get("rule"), c.text) for c in tree.iterfind("removed/chrome")]


def test_a_platforms_disclaimer_closes_the_article_before_its_comments():
    """网易号 article: 特别声明：以上内容……本平台仅提供信息存储服务。 closes the article; the
    跟贴 (comments, 登录并发贴, readers' names) after it are not body text."""
    tree = ir_of(PAGES / "netease_fd0a94a0.html")
    lines = body_lines(tree)
    assert lines[0].startswith("鞭牛士报道，5月22日消息")
    assert lines[-1].startswith("「消费者不应该因为公司违反反垄断法而支付更高的价格。」")
    assert not any("登录并发贴" in line or "网友" in line or "特别声明" in line for line in lines)


def test_a_comment_list_heading_closes_the_article():
    """新浪 article: 最热评论 heads the readers' comments (只有不停地拆建…, 5月10日09:01举报赞118回复):
    a section break, so the article ends at its last paragraph."""
    lines = [line for line in body_lines(ir_of(PAGES / "sina_665b6857.html")) if not line.startswith("[图")]
    assert lines[0].startswith("建设4年、运营3年，又废弃3年")
    assert lines[-1].startswith("沈阳浑南新区的现代有轨电车")
    assert not any("只有不停地拆建" in line or "举报" in line for line in lines)


def test_a_blogs_comment_heading_closes_the_article():
    """Blog articles whose readers' comments follow under a heading of their own: 《…》已有1件评论
    (a WordPress blog) and 文章评论 (a .Text blog) are section breaks, so the article ends at its
    last paragraph and the comments (# re: …, 播客：10分钟拥有私人声音平台) are not kept."""
    wordpress = body_lines(ir_of(PAGES / "cwced_35687fb1.html"))
    assert not any("播客：10分钟拥有私人声音平台" in line or "已有1件评论" in line for line in wordpress)
    dottext = body_lines(ir_of(PAGES / "cwced_064b591b.html"))
    assert dottext[-1].startswith("当双方尚不能完全为自己的行为负责时")
    assert not any(line.startswith("# re:") or "恶心" in line for line in dottext)


def test_a_sentence_naming_the_copyright_owner_is_no_site_footer():
    """版权所有者 in the article's last paragraph (一定要获得版权所有者或制作人的许可) is no 版权所有
    footer mark: the paragraph is kept."""
    lines = body_lines(ir_of(PAGES / "cwced_35687fb1.html"))
    assert any(line.startswith("其次，提供音频和视频内容的播客") for line in lines)


def test_a_table_of_links_is_a_menu_not_a_data_table():
    """麻辣社区: the forum's sections laid out as a table of links (群众呼声 警民交流 …) are chrome,
    not a table of the body."""
    tree = ir_of(CORPUS_COPY / "html" / "cwced_386d70f8-19dc-495b-aa14-18cc057e1544.html")
    assert not any("群众呼声" in "".join(t.itertext()) for t in tree.iter("table"))
    assert any(c.get("rule") == "links" and c.text.startswith("群众呼声警民交流西部生态")
               for c in tree.iterfind("removed/chrome"))


def test_a_table_of_teaser_links_under_section_labels_is_no_data_table():
    """搜狐财经 article: after it, a box of teasers laid out as a table, each row a section's label,
    its colon, then links (理财：为什么有人富了 而有人不行 | 银行还款是怎么算出来的 | …). Besides its
    links a cell holds only the colon (link_grid_marks): a grid of links, dropped; the article stays."""
    tree = ir_of(DATA / "metadata" / "cwced_33a95b71.html")
    assert not list(tree.iter("table"))
    assert not any("银行还款" in line or line.startswith("理财：") for line in body_lines(tree))
    assert any(c.get("rule") == "links" and c.text.startswith("理财：为什么有人富了")
               for c in tree.iterfind("removed/chrome"))
    assert body_lines(tree)[0].startswith("“使用4周后，肌肤年轻12年，细纹减少47%，这是个明显存在误导成分的虚假宣传。”")


def test_a_table_of_links_with_text_beside_them_is_data(tmp_path):
    """A cell holding more than links and link_grid_marks (a number, a word) makes the table data:
    a numbered list of documents laid out as a table is kept."""
    markup = ("<html><body><p>" + "本局依法公开政府信息，现将有关情况报告如下。" * 4 + "</p><table>"
              "<tr><td>1</td><td><a href='a.html'>关于做好年度报告工作的通知</a></td></tr>"
              "<tr><td>2</td><td><a href='b.html'>关于加强政府信息公开的意见</a></td></tr>"
              "</table></body></html>")
    page = tmp_path / "page.html"
    page.write_text(markup, encoding="utf-8")
    tree = ir_of(page)
    assert [len(t.findall("row")) for t in tree.iter("table")] == [2]


def test_a_headline_byline_and_pager_laid_out_as_a_table_are_no_data_table():
    """雅虎新闻 2005 article: its headline, then 2005-04-05 06:40更新 来源：转载文章 beside a pager
    (第1页/共1页 << 上一页 | 下一页 >>) are laid out as a table with one row of two cells holding
    text (data_table_rows): layout, read as lines. The headline is the title, the byline (a stamp,
    更新 and a label's pair) gives the date and is dropped, the pager is chrome."""
    tree = ir_of(PAGES / "cwced_2bac7fb2.html")
    assert not list(tree.iter("table"))
    lines = body_lines(tree)
    assert not any("上一页" in line or "转载文章" in line for line in lines)
    assert lines[0].startswith("资料图：无性婚姻能走多远？") or lines[0].startswith("[图")
    assert tree.find("front/field[@name='date']").get("value") == "2005-04-05"
    removed = [(c.get("rule"), c.text) for c in tree.iterfind("removed/chrome")]
    assert ("metadata", "2005-04-05 06:40更新 来源：转载文章") in removed
    assert ("chrome", "第1页/共1页 << 上一页 | 下一页 >>") in removed


def test_a_breadcrumb_printed_a_line_per_entry_is_chrome():
    """陕西's 2026 政府工作报告 as scraped: its breadcrumb is a line per entry (首页 / > / 政府信息公开
    / > / 政府工作报告 / > / 省政府工作报告); none of its entries is body text."""
    head = "\n".join([
        "https://www.shaanxi.gov.cn/zfxxgk/zfgzbg/szfgzbg/202602/t20260202_3609862.html", "分享:",
        "陕西省2026年政府工作报告", "2026年1月27日在陕西省第十四届人民代表大会第四次会议上 陕西省省长 赵刚",
        "首页", ">", "政府信息公开", ">", "政府工作报告", ">", "省政府工作报告",
        "陕西省2026年政府工作报告", "2026年1月27日在陕西省第十四届人民代表大会第四次会议上 陕西省省长 赵刚",
        "时间：", "2026-02-02 09:20", "来源：", "陕西省人民政府", "分享:", "各位代表：",
        "现在，我代表省人民政府向大会报告工作，请予审议，并请各位政协委员和列席会议的同志提出意见。",
        "一、2025年工作回顾", "刚刚过去的一年，是“十四五”收官之年。"])
    tree = build_ir(Document("2026_陕西省_政府工作报告.txt", head.encode("utf-8")), Settings())
    assert body_lines(tree)[:3] == ["2026年1月27日在陕西省第十四届人民代表大会第四次会议上 陕西省省长 赵刚", "各位代表：",
                                    "现在，我代表省人民政府向大会报告工作，请予审议，并请各位政协委员和列席会议的同志提出意见。"]
    assert {"政府信息公开", "政府工作报告", "省政府工作报告"} <= {c.text for c in tree.iterfind("removed/chrome[@rule='chrome']")}


@pytest.mark.parametrize("page, first, comment", [
    # 观察者网's column: its readers' comments (div.gc-comment, 热门评论) beside it, three times its sentences
    ("guancha_excerpt.html", "“中美贸易战正在变成一场持久战，但我们已有准备。”在东莞洪梅镇", "标题说得好"),
    # a pixnet blog post: the comments (div#user-post > div#comment-box) in a block of their own beside it
    ("pixnet_comments_excerpt.html", "一波波接續性低溫寒流報到", "阿麗瑪晚安"),
])
def test_an_article_outweighed_by_its_comments_is_the_content(page, first, comment):
    """The comment sections are not the content, however many more sentences they hold."""
    lines = body_lines(ir_of(PAGES / page))
    assert lines[0].startswith(first) or lines[1].startswith(first)  # after a picture
    assert len(lines) >= 10 and not any(comment in line for line in lines)


def test_a_hidden_text_box_holding_a_gallerys_markup_is_not_the_content():
    """网易财经's 任正非有哪四把榔头？: a hidden <textarea> holds a photo gallery's markup as text, more
    sentences than the article; a text box's text is never the page's, the article is the content."""
    tree = ir_of(DATA / "metadata" / "cx_extractor_5.html")
    lines = body_lines(tree)
    assert not any("<li>" in line or "hidefocus" in line for line in lines)
    assert "原标题：[亦观察]No.555 任正非的四把榔头" in lines


def test_a_blog_posts_foot_line_is_chrome():
    """blogchina post (a repost of a 钱江晚报 article): the post's foot, - 作者： 流泉 访问统计：
    2005年08月30日， 星期二 13:22 加入博采 (its author, the time it was posted, a counter and a
    button), closes the article: chrome, not body text. The article's last paragraph stays."""
    tree = ir_of(DATA / "metadata" / "cwced_ab65832c.html")
    lines = body_lines(tree)
    assert lines[-1].startswith("例三：4月15日上午，杭州城北永丰村发生一起")
    assert not any("加入博采" in line or "访问统计" in line for line in lines)
    assert any(c.get("rule") == "chrome" and "加入博采" in c.text for c in tree.iterfind("removed/chrome"))


def test_a_syndication_notice_is_chrome():
    """39健康网 article: 39健康网(www.39.net)专稿，未经书面授权请勿转载。 closes it; not body text."""
    tree = ir_of(PAGES / "39net_0987b0ff.html")
    assert not any("转载" in line for line in body_lines(tree))
    assert ("chrome", "39健康网(www.39.net)专稿，未经书面授权请勿转载。") in [
        (c.get("rule"), c.text) for c in tree.iterfind("removed/chrome")]


def test_an_article_beside_a_list_of_dated_headlines_keeps_the_article():
    """39健康网 article of six short tips, beside twenty dated headlines of the site's other
    articles (ul.twocol: 2021-01-19癫痫病的诊断方法你知道吗？…): the headlines, more link text
    than the prose around them, are no main list of the page; the article is the body."""
    tree = ir_of(PAGES / "39net_0987b0ff.html")
    lines = body_lines(tree)
    assert tree.find(".//body//list") is None
    assert lines[0].startswith("核心提示：腊八节要吃腊八粥") and lines[1].startswith("农历腊月初八是腊八节，腊八节要吃腊八粥")
    assert "6.临出锅再加糖" in lines and not any("癫痫" in line for line in lines)


def test_a_login_box_comment_box_and_teaser_lists_of_a_news_page_are_not_body_text():
    """和讯 news page: a one-paragraph article, then 扫码阅读全文, a comment box (写评论已有0条评论…,
    提 交还可输入500字), a login box (登录快速注册没有账号？ 免注册 快速登录 登录超时，稍后再试),
    你可能会喜欢 and 热门新闻排行榜 teaser lists and 【免责声明】: the body is the paragraph alone."""
    tree = ir_of(PAGES / "gne_hexun_1.html")
    lines = body_lines(tree)
    assert len(lines) == 1 and lines[0].startswith("据财联社9月26日消息，今日从交通运输部")
    removed = {c.text for c in tree.iterfind("removed/chrome") if c.get("rule") == "chrome"}
    assert {"登录快速注册没有账号？", "免注册 快速登录", "登录超时，稍后再试", "扫码阅读全文",
            "写评论已有0条评论跟帖用户自律公约", "提 交还可输入500字", "你可能会喜欢", "热门新闻排行榜"} <= removed


def test_photo_captions_are_captions_not_body_text():
    """河北 政府工作报告 scrape: 王正谱作政府工作报告。本报记者 霍艳恩摄 is a caption whose photo the
    scrape lost (dropped, audited); on the 山西 page the caption goes to its picture."""
    tree = ir_of(PAGES / "gzbg_2026_hebei.txt")
    assert "霍艳恩摄" not in body_text(tree)
    assert ("caption", "王正谱作政府工作报告。本报记者 霍艳恩摄") in [(c.get("rule"), c.text) for c in tree.iterfind("removed/chrome")]
    shanxi = ir_of(CORPUS_COPY / "html" / "gne_shanxi.html")
    assert shanxi.find("body/figure").get("alt") == "图为山西品牌丝路行（南美站）启动仪式。（刘通摄）"
    assert "刘通摄" not in "".join(ir.text_of(p) for p in shanxi.iter("p"))



def test_the_first_post_of_a_blog_archive_is_the_content():
    """A 文学城 blog's archive page lists the month's posts in full, each a td.post-body under its
    own title and date: the body is the first post (the one the page's date is of), not the
    longest post nor all of them."""
    lines = [line for line in body_lines(ir_of(PAGES / "cwced_8f1cdd94.html")) if not line.startswith("[图")]
    assert lines[0].startswith("距墨爾本西北約110公里處")
    assert lines[-1].endswith("110公里好爽呀.")
    assert not any("元宵" in line or "长发" in line for line in lines)


def test_a_teasers_copy_of_the_title_does_not_move_the_headline():
    """1905电影网 article: its headline, a video player, the one-paragraph article, then a strip of
    teasers, one of them headed by the article's own title. The headline is the first copy of the
    title (the trim pass seeks the article after it, not after the teaser); the player's controls
    (倍速, 循环播放, 很抱歉，当前视频播放失败) are no text."""
    lines = body_lines(ir_of(PAGES / "m1905_3e863fa9.html"))
    assert lines[-2].startswith("1905电影网讯 以光影之名，探寻首都文化魅力。") and lines[-1] == "[图]"
    assert not any("戛纳" in line or "倍速" in line or "播放失败" in line for line in lines)


def test_an_articles_closing_photos_are_kept_with_their_captions():
    """今日头条 (新华社) article: one paragraph, then three photos, each captioned …新华社记者 李梦馨
    摄. A run of pictures after the article's last paragraph is the article's, not only a lone
    one; the captions are the pictures' (their alt), not body text."""
    tree = ir_of(PAGES / "toutiao_7fbc6805.html")
    credit = "在竞选总部发表胜选演讲。 新华社记者 李梦馨 摄"
    assert [f.get("alt") for f in tree.iterfind("body/figure")] == [
        "5月19日，在多米尼加首都圣多明各，阿比纳德尔（中）" + credit] + 2 * ["5月19日，在多米尼加首都圣多明各，阿比纳德尔" + credit]
    assert body_lines(tree)[0].startswith("多米尼加现任总统、现代革命党候选人阿比纳德尔19日晚")
    assert not any("李梦馨" in ir.text_of(p) for p in tree.iter("p"))


def test_a_closing_photo_is_kept_but_not_the_ad_and_avatars_after_it():
    """新浪 article closed by a photo, then an ad's picture (a link to the ad server) and the
    comment box's avatars (links to 微博 pages): the photo is the article's, the teasers' pictures
    are not."""
    tree = ir_of(PAGES / "sina_665b6857.html")
    srcs = [f.get("src") for f in tree.iter("figure")]
    assert len(srcs) == 6 and "9f64824054a7ff997b.jpg" in srcs[-1]
    assert not any("sinajs.cn" in src or "/ea/ad/" in src for src in srcs)


def test_related_thumbnails_and_a_skins_banner_are_no_closing_photos():
    """当代商报 article: a banner from the site's skin folder (/skin/ecms/img/…) above it, four
    thumbnails of other articles (links to them) after its last paragraph: no picture is kept."""
    tree = ir_of(PAGES / "gne_cjddsb_1.html")
    assert tree.find("body//figure") is None
    assert body_lines(tree)[0].startswith("为持续推动金融消费者教育和金融知识普及工作")


def test_an_encyclopedia_entrys_summary_leads_its_sections():
    """百度百科 entry: the summary (div.lemmaSummary) stands before the info box, the contents and
    the sections (div.J-lemma-content, the element the density search chooses): it is the body's
    lead. Citation marks (<sup> [1], [3-4]) and the sections' read-aloud buttons (播报) are no text;
    an edit button (编辑) takes no sentence as its value. (The page is the metadata tests' copy.)"""
    tree = ir_of(DATA / "metadata" / "baike_21475f4b.html")
    lines = body_lines(tree)
    assert lines[0] == ("河北雄安高新技术产业开发区，隶属河北省雄安新区，简称雄安高新区，为省级高新技术产业开发区。"
                        "规划用地总面积952.7463公顷，四至范围：东至规划道路N11，南至规划道路E33，西至规划道路N53、N24、"
                        "N100，北至规划道路E63、E64、E1（具体范围以坐标为准）。")
    assert lines[1:3] == ["2024年5月9日，雄安高新区正式揭牌启动。", "历史沿革"]
    assert lines[3] == "2023年12月，河北省政府批复设立省级河北雄安高新技术产业开发区。"
    assert not any(re.search(r"\[\d", line) or line == "播报" or "中文名" in line or "目录" in line for line in lines)
    assert ("citation", "[3-4]") in [(c.get("rule"), c.text) for c in tree.iterfind("removed/chrome")]


# ---------------------------------------------------------------- chrome that leaks


def test_related_reports_and_page_tools_of_a_scrape_are_dropped():
    tree = ir_of(PAGES / "gzbg_2026_hebei.txt")
    lines = body_lines(tree)
    assert "相关报道：" not in lines and not any(line in ("下载", "打印", "全屏", "收藏", "加大") for line in lines)
    assert lines[-1].startswith("各位代表！")


def test_a_site_footer_is_dropped_but_a_notices_organisers_are_kept():
    draft = clean_with_body_as_content(PAGES / "wmlhonghu.gov.cn.html")
    footer = [text for rule, text in draft.removed if rule == "footer"]
    assert footer[:2] == ["主办：洪湖市人民政府 技术支持：荆州新闻网 网站标识码：4210830008 网站地图",
                          "政府网站联系电话： 0716-2212368 地址：文泉东路特1号"]
    moe = body_lines(ir_of(CORPUS_COPY / "html" / "wjmoe.gov.cn.html"))
    assert "主办单位：教育部思想政治工作司" in moe


def test_editor_credits_and_traditional_or_pinyin_chrome():
    """Chrome lines of corpus pages, as found and in the spellings unseen pages give them."""
    r = global_rules()
    found = ["（ 责任编辑：魏喆 ）", "[责任编辑：肖春芳]", "【纠错】责任编辑：尹世杰", "相关报道：",
             "》》点击图片进入专题《《", "關閉視窗", "相關文章", "播报文章"]
    assert all(is_chrome(line, r) for line in found)
    assert is_chrome("掃一掃在手機上打開當前頁", r) and is_chrome("扫一扫在手机上打开当前页saoyisao", r)
    assert is_chrome("分享到fenxiang", r) and is_chrome("打印dayin 关闭guanbi", r)
    assert not is_chrome("责任编辑部门要切实履行职责，确保工作落实。", r)


# ---------------------------------------------------------------- punctuation after figures


def test_punctuation_folded_after_figures_is_restored():
    """万载县 2022 统计公报: 羊出栏16.4;年末… and 水质综合指数3.4830,同比… (GB/T 15834 forms)."""
    text = body_text(ir_of(PAGES / "wanzai_2022_tjgb.html"))
    assert "羊出栏16.4；年末" in text and "水质综合指数3.4830，同比变好" in text
    assert "16.4;" not in text and "3.4830," not in text


# ---------------------------------------------------------------- decimal outlines


def test_figures_after_a_label_are_no_decimal_outline():
    """2026 江西 政府工作报告 ends with 26 numbered notes; 20.2026年10件民生实事 and 21.5+2就业之家
    are notes 20 and 21 with a figure after the label, not 20.20 and 21.5 of a decimal outline.
    The one corpus page with a decimal outline (1 / 1.1 / 1.1.1) is read below; written documents
    are in tests/test_transforms.py."""
    tree = ir_of(PAGES / "gzbg_2026_jiangxi.txt")
    assert clauses(tree, "arabic") == list(range(1, 27))
    assert not any(el.get("kind") == "decimal" for el in tree.iter("section", "p"))
    assert warnings(tree) == []


def test_a_decimal_outline_set_in_bold_after_its_contents():
    """国家粮食应急预案 (国办函〔2005〕57号): its parts 1 总则 … 7 附则 are bold lines without a dot,
    1.1 … under them; the bold title above the 目　录 heads nothing; the contents (bold 1 总则
    entries included) are a list; each parent's members are decided apart: 2.1.1 … headings,
    1.2.1 … and 7.1 … 7.3 (sentences one after the other) clauses."""
    tree = ir_of(PAGES / "govcn_2019-02_041.html")
    labels = [label.strip() for label, _ in outline(tree)]
    assert [label for label in labels if "." not in label and not label.startswith("（")] == list("1234567")
    assert labels[:5] == ["1", "1.1", "1.2", "1.3", "1.4"]
    assert ["2.1.1", "2.1.2", "2.1.3"] == [label for label in labels if label.startswith("2.1.")]
    assert "国家粮食应急预案" not in [text for _, text in outline(tree)]
    assert all(s.get("label") != "7.1 " for s in tree.iter("section"))
    top = [ir.text_of(p) for p in tree.findall("body/p")]
    assert top[top.index("目 录") + 1:top.index("目 录") + 3] == ["1 总则", "1.1 编制目的及依据"]
    assert top[-1] == "7 附则" and tree.find("body/section").get("label") == "1 "
    assert [ir.text_of(p)[:3] for p in tree.iter("p") if ir.text_of(p)[:2] == "7."] == ["7.1", "7.2", "7.3"]
    assert warnings(tree) == []


def test_a_tie_with_a_member_too_long_for_any_heading_is_clauses():
    """国家粮食应急预案 4.2.2: （1）…（4） are two statements with a first sentence of 45 and 53
    characters (votes for run-in heads) and two of 120 (too long for any heading): clauses."""
    tree = ir_of(PAGES / "govcn_2019-02_041.html")
    section = next(s for s in tree.iter("section") if s.get("label") == "4.2 ")
    assert [s.get("label") for s in section.iter("section")] == ["4.2 "]
    assert [p.get("number") for p in section.iter("p") if p.get("kind") == "arabic-paren"] == \
        ["1", "2", "3", "4", "1", "2", "3", "4", "1", "2", "3"]


def test_a_tie_with_a_member_ending_in_a_semicolon_is_clauses():
    """个人所得税专项附加扣除暂行办法 第二十二条: …按照以下标准定额扣除： （一）…扣除； （二）… a first
    sentence of three clauses, then a second sentence (votes run-in head): a tie, and a line
    ending in ； is no heading, so both are clauses of the article, the second left whole."""
    tree = ir_of(PAGES / "govcn_2019-02_032.html")
    assert [label for label, _ in outline(tree)] == [f"第{n}章\u3000" for n in "一二三四五六七八九"]
    assert clauses(tree, "cn-paren") == [1, 2, 1, 2, *range(1, 11)]
    second = [ir.text_of(p) for p in tree.iter("p") if p.get("kind") == "cn-paren"][3]
    assert second.startswith("（二）纳税人为非独生子女的") and second.endswith("在一个纳税年度内不能变更。")
    assert warnings(tree) == []


def test_table_titles_and_attachment_lines_in_bold_head_no_section():
    """国务院关于深圳湾口岸港方口岸区…的批复: its attachments open with a bold 附件1., and bold
    lines right above each coordinate table are the table's title (深圳湾口岸港方口岸区的 /
    查验区界址点坐标 over two lines, B匝道桥界址点坐标): no headings. The notes under the
    second attachment (注：1、… then 2、 3、) count afresh in a new document: no warning."""
    tree = ir_of(PAGES / "govcn_2019-02_044.html")
    assert outline(tree) == []
    lines = body_text(tree).splitlines()
    assert "附件1." in lines and "查验区界址点坐标" in lines and "B匝道桥界址点坐标" in lines
    assert warnings(tree) == []


def attachment_parts(tree) -> list[tuple[str, str]]:
    return [(p.get("role"), ir.text_of(p)) for p in tree.iter("p") if (p.get("role") or "").startswith("attachment")]


@pytest.mark.parametrize("page, parts", [
    # 国办函〔2004〕80号: two attachments, each title centred over two lines, then 国务院：
    ("govcn_2019-02_023.html", [("attachment-note", "附件：1.国土资源部关于湖北省巴东县官渡口镇马鬃山村地质险情调研情况的报告"),
                                ("attachment-note", "2.湖北省巴东县官渡口镇马鬃山村地质险情调查专家组意见"),
                                ("attachment", "附件1"), ("attachment-title", "关于湖北省巴东县官渡口镇马鬃山村"),
                                ("attachment-title", "地质险情调研情况的报告"),
                                ("attachment", "附件2"), ("attachment-title", "湖北省巴东县官渡口镇马鬃山村"),
                                ("attachment-title", "地质险情调查意见")]),
    # 国函〔2007〕… 深圳湾口岸: a title over two lines the page did not centre, the first ending in 的;
    # under 附件2： the centred line right above the first table is that table's caption
    ("govcn_2019-02_044.html", [("attachment", "附件1."), ("attachment-title", "深圳湾口岸港方口岸区的"),
                                ("attachment-title", "查验区界址点坐标"),
                                ("attachment", "附件2："), ("attachment-title", "深圳湾公路大桥部分桥面界址点坐标")]),
    # 江西's 政府工作报告: its notes' title is a line of its own, the numbered notes are no title
    ("gzbg_2026_jiangxi.txt", [("attachment", "附件"), ("attachment-title", "《政府工作报告》有关内容名词注释")]),
])
def test_an_attachment_opens_a_page_with_its_line_and_title(page, parts):
    """GB/T 9704 §8: an attachment on a page of its own, 附件 at the top left, its title centred."""
    tree = ir_of(PAGES / page)
    assert attachment_parts(tree) == parts
    for line in (p for p in tree.iter("p") if p.get("role") == "attachment"):
        assert (line.get("break"), line.get("align"), line.getparent().tag) == ("page", "left", "body")
    assert all(p.get("align") is None for p in tree.iter("p") if p.get("role") == "attachment-title")


def signature_lines(tree) -> list[tuple[str, str, str]]:
    return [(p.get("role"), ir.text_of(p), p.get("inset")) for p in tree.iter("p")
            if (p.get("role") or "").startswith("signature")]


def test_the_signature_block_stands_in_from_the_right_as_gb_t_9704_sets_it():
    """国办函〔2004〕80号 and its two attachments' signatures (§7.3.5.2, no seal): the organ 右空二字
    and the date's first character two right of the organ's; a date longer than that stands
    右空二字 and the organ moves left with it (国务院办公厅 / 二〇〇四年十一月四日: the date 10
    characters, the organ 6, 2 + 10 + 2 − 6 = 8); two organ lines start under one another."""
    assert signature_lines(ir_of(PAGES / "govcn_2019-02_023.html")) == [
        ("signature", "国务院办公厅", "8"), ("signature-date", "二〇〇四年十一月四日", "2"),
        ("signature", "国土资源部", "8"), ("signature-date", "二〇〇四年十月十日", "2"),
        ("signature", "湖北省巴东县官渡口镇马鬃山村", "2"), ("signature", "地质险情调查专家组", "7"),
        ("signature-date", "二〇〇四年九月二十三日", "3")]
    assert [ir.text_of(p) for p in ir_of(PAGES / "govcn_2019-02_055.html").iter("p")
            if p.get("role") == "signature-note"] == ["（此件公开发布）"]  # the 附注 under the date
    # Latin digits are half a character: 2024年5月30日 is 6.5 characters
    assert signature_lines(ir_of(CORPUS_COPY / "html" / "wjmoe.gov.cn.html")) == [
        ("signature", "教育部办公厅", "4.5"), ("signature-date", "2024年5月30日", "2")]


def test_a_text_scrape_signature_and_the_document_it_issues():
    """A text scrape keeps no alignment: 南沙区's 印发 notice ends in two plain lines, the office
    and 2020年5月21日, right after its last sentence; they are its signature, aligned right, and
    the plain line under them, the name the notice quotes (《广州市南沙区2020年依法行政工作要点》),
    the issued document's title on a page of its own."""
    tree = ir_of(CORPUS_COPY / "text" / "14_gzns_nansha_2020_yfxz_metadata_nested.txt")
    assert signature_lines(tree) == [("signature", "广州市南沙区人民政府办公室", "2"),
                                     ("signature-date", "2020年5月21日", "6.5")]
    assert all(p.get("align") == "right" for p in tree.iter("p") if (p.get("role") or "").startswith("signature"))
    titles = [(ir.text_of(p), p.get("break")) for p in tree.iter("p") if p.get("role") == "attachment-title"]
    assert titles == [("广州市南沙区2020年依法行政工作要点", "page")]


def test_a_text_scrape_organ_and_date_after_no_sentence_are_no_signature():
    """In a scrape, an organ and a date that follow a line ending no sentence (a caption, a
    list's entry) are no signature block; after a sentence they are (made up: the corpus's one
    scrape with a signature is the 南沙 notice)."""
    def scrape(before: str) -> str:
        return (f"罗湖区2023年法治政府建设年度报告\n\n一、主要工作\n\n今年以来，各项工作有序推进。\n\n{before}\n\n"
                "深圳市罗湖区人民政府\n\n2024年3月29日\n\n二、下一步\n\n继续推进。\n")

    caption = build_ir(Document("made_up.txt", scrape("图1 行政复议案件情况").encode("utf-8")), Settings())
    sentence = build_ir(Document("made_up.txt", scrape("特此报告。").encode("utf-8")), Settings())
    assert signature_lines(caption) == []
    assert [role for role, _text, _inset in signature_lines(sentence)] == ["signature", "signature-date"]


def test_right_aligned_lines_that_end_in_no_date_are_no_signature():
    """A CWCED article's right-aligned credit line (执笔人：闵乐夫 …) keeps its alignment, no role;
    so do right-aligned lines whose last is no date (no corpus page has them: made up)."""
    from pipeline.transforms.signature import signature

    tree = ir_of(PAGES / "cwced_c3f7d079.html")
    credit = [p for p in tree.iter("p") if ir.text_of(p).startswith("执笔人：")]
    assert [p.get("align") for p in credit] == ["right"]
    assert signature_lines(tree) == []
    made = ir.new_report()
    etree.SubElement(made.find("body"), "p").text = "各地各部门要认真落实。"
    for text in ("国务院办公厅", "联系电话：12345"):
        etree.SubElement(made.find("body"), "p", align="right").text = text
    assert signature_lines(signature(made)) == []


@pytest.mark.parametrize("page, documents", [
    # 国办发〔2018〕124号 issues two 规定: the first, its title centred over two lines, after the
    # notice's signature, date and 附注; the second, which the notice names in 《》, at the end of
    # the first
    ("govcn_2019-02_018.html", [["文化体制改革中经营性文化事业单位", "转制为企业的规定"], ["进一步支持文化企业发展的规定"]]),
    # 国发〔2018〕41号 issues the 暂行办法, right after the 附注
    ("govcn_2019-02_032.html", [["个人所得税专项附加扣除暂行办法"]]),
    # 国办发〔1997〕11号 forwards 民政部's 意见: its title after （本文有删减） (its date in brackets
    # under it is a note, test_a_note_in_brackets_under_a_title_is_a_centred_line_of_the_text)
    ("govcn_2019-02_050.html", [["关于清理整顿社会团体的意见"]]),
    # 国办发〔2005〕… issues the 预案: its title a plain line right under the date, the name the
    # notice quotes
    ("govcn_2019-02_041.html", [["国家粮食应急预案"]]),
])
def test_a_document_a_notice_issues_starts_a_page_with_its_title(page, documents):
    """现印发给你们 (现转发给你们) … 国务院办公厅 / 2018年12月18日 / （此件公开发布）, then the document
    itself: its centred title lines are set as a title (as an attachment's is), the first on a
    new page."""
    tree = ir_of(PAGES / page)
    titles = [p for p in tree.iter("p") if p.get("role") == "attachment-title"]
    assert [ir.text_of(p) for p in titles] == [line for lines in documents for line in lines]
    assert [p.get("break") for p in titles] == [b for lines in documents for b in ["page"] + [None] * (len(lines) - 1)]
    assert all(p.get("align") is None for p in titles)
    before = [p for p in titles[0].itersiblings(preceding=True)][:2]
    assert "signature-date" in [p.get("role") for p in before]


@pytest.mark.parametrize("page, title, note", [
    # 国办发〔2018〕127号's attachment: its title, then （共130项）, then its 130 numbered items
    ("govcn_2019-02_056.html", "国务院第五次大督查发现的典型经验做法", "（共130项）"),
    # 国办发〔1997〕11号 forwards 民政部's 意见: its title, then who wrote it and when
    ("govcn_2019-02_050.html", "关于清理整顿社会团体的意见", "（民政部 一九九七年一月二十八日）"),
])
def test_a_note_in_brackets_under_a_title_is_a_centred_line_of_the_text(page, title, note):
    """A line in brackets under an attachment's or an issued document's title is a note to it:
    it ends the title and stays a centred line of the text (the text's face and size, as the
    note under a document's own title is), not a line of the title in the title's size."""
    tree = ir_of(PAGES / page)
    titles = [p for p in tree.iter("p") if p.get("role") == "attachment-title"]
    assert [ir.text_of(p) for p in titles] == [title]
    after = titles[-1].getnext()
    assert (ir.text_of(after), after.get("align"), after.get("role")) == (note, "center", None)


def test_a_list_of_requirements_with_a_note_after_one_is_clauses():
    """国办发〔1997〕11号's 意见: 1.有规范的名称。 … 10. under （二）…予以保留 one after the other,
    item 5 with a second sentence and a paragraph after item 5 and 10: a list of clauses."""
    tree = ir_of(PAGES / "govcn_2019-02_050.html")
    assert [label for label, _ in outline(tree)] == ["一、", "二、", "（一）", "（二）", "（三）", "三、", "（一）", "（二）",
                                                     "（三）", "（四）", "（五）", "（六）", "四、", "（一）", "（二）", "（三）",
                                                     "五、"]
    assert clauses(tree, "arabic") == [*range(1, 6), *range(1, 11), *range(1, 8), 1, 2, 3]
    assert any(ir.text_of(p).startswith("5.社会团体的法定代表人由会长") and ir.text_of(p).endswith("法定代表人。")
               for p in tree.iter("p"))
    assert warnings(tree) == []


def test_statements_in_a_sequence_are_clauses():
    """A first sentence that reads as a statement votes clause. 国办函〔2004〕57号's 三、: （一）…（三）
    after 发展改革委提出了以下意见：, （二） a first sentence of five clauses (庄河电厂属港口电厂，燃用
    晋北煤，…); 国办发〔1997〕2号's 二、: （一）…（六）, （五） opening 鉴于…， and （六） 为了…，: all
    clauses, although （二）做好…工作。 and （四）积极开展…教育。 read as run-in heads."""
    tree = ir_of(PAGES / "govcn_2019-02_021.html")
    assert [label for label, _ in outline(tree)] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    assert clauses(tree, "cn-paren") == [1, 2, 3, 1, 2]
    tree = ir_of(PAGES / "govcn_2019-02_051.html")
    assert [label for label, _ in outline(tree)] == ["一、", "二、"]
    assert clauses(tree, "cn-paren") == [1, 2, 3, 4, 5, 6]
    assert warnings(tree) == []


def test_a_lead_in_line_with_yixia_is_no_label_heading():
    """国办函〔2004〕57号: 发展改革委提出了以下意见： and 证监会、发展改革委提出了以下意见：, lines that
    introduce the items after them (以下 before the colon, not right before it), are no headings."""
    tree = ir_of(PAGES / "govcn_2019-02_021.html")
    assert not any(s.get("kind") == "unnumbered" for s in tree.iter("section"))
    assert "发展改革委提出了以下意见：" in [ir.text_of(p) for p in tree.iter("p")]


def test_titles_set_in_bold_head_no_section():
    """Bold centred lines that are titles are lines of the text: an attached 请示's title broken over
    two lines (关于内地西藏班（校） / 扩大规模有关问题的请示) and its table's title (…扩大招生计划表),
    a name list's title broken so (国务院职业教育工作 / 部际联席会议成员名单), an order's line
    (中华人民共和国国务院令): the numbered parts after them stand at the top."""
    for name, labels in (("052", ["一、", "二、", "三、", "（一）", "（二）", "（三）"]),
                         ("055", ["一、", "二、", "三、", "四、"]),
                         ("058", [f"第{n}章\u3000" for n in "一二三四五"])):
        tree = ir_of(PAGES / f"govcn_2019-02_{name}.html")
        assert [label for label, _ in outline(tree)] == labels, name
        assert [s.get("label") for s in tree.find("body").findall("section")] == \
            [label for label in labels if not label.startswith("（")], name
        assert warnings(tree) == [], name
    lines = body_lines(ir_of(PAGES / "govcn_2019-02_052.html"))
    assert "关于内地西藏班（校）" in lines and "内地西藏初中班（校）扩大招生计划表" in lines


# ---------------------------------------------------------------- forum threads


def test_a_forum_posts_markdown_body_is_the_content_not_the_reply_form():
    """A learnku (Vue.js 技术论坛) thread: the post rendered from Markdown is the body; the reply
    form's notice (讨论应以学习和精进为目的。请勿发布…), which outweighs a short post, is not."""
    text = body_text(ir_of(PAGES / "learnku_a2323d65.html"))
    assert "每次打开别人新的项目都要 npm 依赖都会各种报错很烦" in text and "depcheck" in text
    assert "讨论应以学习和精进为目的" not in text


def test_a_discuz_thread_is_its_posts_without_the_author_cards():
    """A Discuz! thread (csolbbs): the opening post and the reply, each a td.t_f message cell;
    the author cards (主题 帖子 积分) and the 发表于 … | 只看该作者 line between them are not kept."""
    lines = body_lines(ir_of(PAGES / "discuz_eaddae4e.html"))
    assert lines[0].startswith("我的电脑分辨率是2560*1440")
    assert lines[-1].startswith("我知道，只有回去翻下之前的网页浏览记录了")
    assert not {"主题", "帖子", "积分"} & set(lines)
    assert not any("只看该作者" in line or "发表于" in line for line in lines)


def test_a_flarum_thread_is_its_posts_without_the_event_posts():
    """A Flarum thread: the opening post (its address lines spelled out as links included) and
    every reply, in order; the rename and pin events (Emin 于 … 更改标题为, 置顶此帖) and the
    gaps between posts (9 天 后) are not posts."""
    lines = body_lines(ir_of(PAGES / "flarum_81abaa70.html"))
    assert lines[:2] == ["介绍", "国内做社区需要严格控制用户内容"]
    assert "https://github.com/HamCQ/flarum-ext-filter-plus" in lines
    assert "赞一个" in lines and lines[-1] == "更新了之后有了配置了，但是还是不能将正常内容自动审核通过"
    assert not any("更改标题为" in line or "置顶此帖" in line or line.endswith(" 后") for line in lines)


def test_a_zhidao_question_is_its_answers_shown():
    """百度知道: the best answer and the answer shown after it; the answerer cards (采纳数 …,
    展开全部), the vote row and 你对这个回答的评价是？ are not kept, nor the answers folded away
    behind 更多回答."""
    lines = body_lines(ir_of(PAGES / "zhidao_2c983edd.html"))
    assert lines[0] == "中国地震预警网能在地震发生前83秒做出正确的预警。"
    assert lines[-1] == "据报道，中国地震预警网的预告是十分精准的，而且实现了秒级地震预警能力。"
    text = "\n".join(lines)
    for chrome in ("采纳数", "展开全部", "你对这个回答的评价是", "抢首赞", "高能答主"):
        assert chrome not in text
    assert "中等偏高" not in text


def test_a_paopao_thread_is_its_post_comments_and_replies():
    """A paopao-ce thread: the post (#Crypto 发现个…), each comment and each reply to a comment, in
    page order; the places (上海市), times and vote counts (0) around them are not kept."""
    lines = body_lines(ir_of(PAGES / "paopao_20373e03.html"))
    assert lines[0] == "#Crypto 发现个端到端加密的聊天和文件共享工具，挺有意思～"
    assert lines[1].startswith("发展大了的电报毕竟也要受监管")
    assert lines[2].startswith("个人观点，端密聊天")  # a reply to that comment
    assert lines[-1] == "新的练手项目get"
    assert not {"0", "上海市", "浙江省杭州市"} & set(lines)
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", line) for line in lines)


def test_the_entries_of_a_list_that_are_chrome_lines_go():
    """当代商报 article: under it a box listing 版权声明 来源：当代商报 时间：… 作者： and 转载请注明：<title> |
    当代商报 +复制链接, the blog engine's copyright notice and permalink: chrome, and the list goes."""
    tree = ir_of(PAGES / "gne_cjddsb_1.html")
    assert body_lines(tree)[-1].endswith("（文/图 刘玺东 易赛楠）")
    assert tree.find("body//list") is None


def aligned(tree) -> list[tuple[str, str]]:
    return [(p.get("align"), ir.text_of(p)) for p in tree.find("body").iterfind("p") if p.get("align")]


def test_the_addressee_is_flush_left_and_the_lines_above_it_centred():
    """GB/T 9704 §7.3.2: the 主送机关 line is set flush left. A State Council notice: its 发文字号,
    then its addressees; a provincial 政府工作报告: its subtitle and speaker, then 各位代表：."""
    notice = aligned(ir_of(CORPUS_COPY / "html" / "govcn_2019-02_001.html"))
    assert notice[:2] == [("center", "国发〔2019〕5号"), ("left", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：")]
    report = aligned(ir_of(CORPUS_COPY / "text" / "gzbg_2026_zhejiang.txt"))
    assert report[:3] == [("center", "2026年1月14日在浙江省第十四届人民代表大会第四次会议上"),
                          ("center", "浙江省省长 刘捷"), ("left", "各位代表：")]

