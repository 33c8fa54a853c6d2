"""The clean stage: chrome out, metadata lifted, repeated bodies once, removals audited."""
from __future__ import annotations

import pytest

from pipeline.clean import clean, strip_site_suffix
from pipeline.inspect import summary
from pipeline.load import Document, load

from .conftest import CORPUS_COPY, corpus_samples, ir_of

HTML = CORPUS_COPY / "html"
CLEAN_PAGES = CORPUS_COPY.parent / "clean"


def _clean_html(markup: str, name="page.html"):
    return clean(load(Document(name, markup.encode("utf-8"))))


def test_gov_cms_meta_tags():
    info = summary(ir_of(HTML / "wjmoe.gov.cn.html"))
    assert info["title"] == "教育部办公厅关于举办2024年高校“礼敬中华优秀传统文化”宣传教育活动的通知"
    assert info["date"] == "2024-06-13" and info["publisher"] == "教育部"
    assert info["site"] == "中华人民共和国教育部政府门户网站"
    labels = [h["label"] for h in info["headings"] if h["level"] == 1]
    assert labels[:5] == ["一、", "二、", "三、", "四、", "五、"]


def test_page_with_two_copies_of_the_body_keeps_one():
    tree = ir_of(HTML / "jchgz.gov.cn.html")
    body = summary(tree)["body_text"]
    first = "广州有这么一个制造业，其工业产值超过1000亿元"
    assert body.count(first) == 1
    assert "无障碍" not in body and "手机端" not in body


def test_title_suffix_removed():
    assert strip_site_suffix("黄坤明会见参访团 - 广东省人民政府门户网站", None) == "黄坤明会见参访团"
    assert strip_site_suffix("纲要(2015-2020年)", None) == "纲要(2015-2020年)"
    assert strip_site_suffix("某某通知_某某市人民政府", None) == "某某通知"


@pytest.mark.parametrize("first, second", [("关于加强安全生产工作的通知", "关于做好防汛抗旱工作的通知"),
                                           ("关于做好防汛抗旱工作的通知", "关于加强安全生产工作的通知")])
def test_of_two_headlines_as_long_that_the_page_title_joins_the_first_printed_is_the_title(first, second):
    """A page title made of two of the page's headlines, as long as each other (甲_乙): the one
    the page prints first is the title, in every run (not the one a set happens to give first,
    which changes with the process's string hashing)."""
    from pipeline.clean.rules import global_rules
    from pipeline.clean.title import headline_split

    page = (f"<html><head><title>{first}_{second}</title></head><body><h2>{first}</h2>"
            f"<p>　　各单位要认真贯彻落实，切实抓好各项工作。</p><h2>{second}</h2>"
            "<p>　　请结合实际，认真组织实施。</p></body></html>")
    assert summary(_clean_html(page))["title"] == first
    assert headline_split(f"{first}_{second}", [first, second], None, global_rules())[0] == first


def test_source_and_date_line_and_saved_from_url():
    tree = _clean_html(
        "<!-- saved from url=(0040)https://www.szlh.gov.cn/post_1.html -->"
        "<html><head><title>年度报告 - 深圳市罗湖区人民政府</title></head><body>"
        "<div class='nav'>首页 &gt; 信息公开</div>"
        "<div><h1>年度报告</h1><p>来源：罗湖区司法局　发布时间：2024年1月5日</p>"
        "<p>　　2023年，我区法治政府建设取得积极成效，现将有关情况报告如下。</p>"
        "<p>分享到：</p><p>【打印本页】 【关闭窗口】</p></div></body></html>")
    info = summary(tree)
    assert info["title"] == "年度报告"
    assert info["publisher"] == "罗湖区司法局" and info["date"] == "2024-01-05"
    assert info["url"] == "https://www.szlh.gov.cn/post_1.html"
    assert info["body_text"] == "2023年，我区法治政府建设取得积极成效，现将有关情况报告如下。"
    rules = {c.get("rule") for c in tree.iterfind("removed/chrome")}
    assert {"chrome", "metadata"} <= rules


def test_hidden_print_copy_dropped_and_audited():
    paragraph = "各区人民政府，市政府各部门：现将有关事项通知如下，请认真贯彻执行。"
    tree = _clean_html(f"<html><body><div class='c'><p>{paragraph}</p><p>一、总体要求。坚持依法行政。</p></div>"
                       f"<div class='print'><p>{paragraph}</p><p>一、总体要求。坚持依法行政。</p></div></body></html>")
    texts = [p.text for p in tree.iter("p")]
    assert texts.count(paragraph) == 1 and len(texts) == 2
    (copy,) = tree.iterfind("removed/chrome[@rule='copy']")
    assert copy.text == f"{paragraph} 一、总体要求。坚持依法行政。"


def test_data_table_rowspan_colspan():
    tree = _clean_html(
        "<html><body><p>情况如下，具体见表格。内容较多，详见下表所列各项。</p><table>"
        "<tr><th rowspan='2'>信息内容</th><th colspan='2'>本年</th></tr>"
        "<tr><td>制发</td><td>废止</td></tr><tr><td>规章</td><td>0</td><td>0</td></tr></table></body></html>")
    cells = tree.findall(".//table/row/cell")
    assert cells[0].get("rowspan") == "2" and cells[0].get("header") == "true"
    assert cells[1].get("colspan") == "2"


def test_simple_lists_kept_menus_dropped():
    tree = _clean_html(
        "<html><body><div><p>工作要点如下，请各单位认真组织实施，确保各项任务落到实处。</p>"
        "<ol><li>完善重大行政决策程序制度</li><li>加强行政规范性文件监督管理</li></ol>"
        "<ul><li>上一页</li><li>1</li><li>2</li><li>下一页</li></ul>"
        "<p>各单位要结合实际，细化工作措施，确保取得实效。</p></div></body></html>")
    (kept,) = tree.findall(".//list")
    assert kept.get("ordered") == "true"
    assert [li.text for li in kept] == ["完善重大行政决策程序制度", "加强行政规范性文件监督管理"]
    assert "上一页 1 2 下一页" in [c.text for c in tree.iterfind("removed/chrome")]


def test_nfra_penalty_table_keeps_its_merged_cells():
    """The NFRA page's ground truth: two records sharing 文号, 违法行为 and 决定机关 (rowspan 2)."""
    tree = ir_of(HTML / "nfra_merged_cells.html")
    (table,) = tree.findall(".//table")
    rows = [[(c.text, c.get("rowspan")) for c in row] for row in table]
    assert [text for text, _ in rows[0]] == ["序号", "当事人名称", "行政处罚决定书文号", "主要违法违规行为", "行政处罚内容", "作出决定机关"]
    assert rows[1][2] == ("浙金罚决字〔2024〕52号", "2") and rows[1][5] == ("浙江金融监管局", "2")
    assert [text for text, _ in rows[2]] == ["2", "陈首伟（时任中国太平洋财产保险股份有限公司温州分公司副总经理）", "警告并罚款14万元"]
    assert summary(tree)["title"].startswith("国家金融监督管理总局浙江监管局行政处罚信息公开表")


def test_a_cells_paragraphs_and_line_breaks_stay_lines():
    """A forum page's login box (part of its hand-labelled text): its cells' <br> lines are the
    labelled text's lines, kept as the cell's newlines rather than run together."""
    tree = ir_of(HTML / "cwced_386d70f8-19dc-495b-aa14-18cc057e1544.html")
    cells = {c.text.split("\n")[0]: c.text.split("\n") for c in tree.iter("cell")}
    assert cells["Cookie 选项"] == ["Cookie 选项", "请选择你的 Cookie 保存时间，", "下次访问可以方便输入。"]
    assert cells["不保存，关闭浏览器就失效"] == ["不保存，关闭浏览器就失效", "保存一天", "保存一月", "保存一年"]
    assert cells["正常登录"] == ["正常登录", "隐身登录"]


def test_a_page_saved_without_its_text_says_so():
    """中国政府网's page of a 决议, saved before its script loaded the text: the head's title and
    metadata are all there is, and a warning says so (no toolbar separators pass for text)."""
    tree = ir_of(CORPUS_COPY.parent / "metadata" / "gne_other_1.html")
    assert "text-missing" in [d.get("code") for d in tree.iterfind("diagnostics/diagnostic")]
    assert not any(p.text and p.text.strip() == "|" for p in tree.iter("p"))
    assert tree.findtext("front/title").startswith("全国人民代表大会常务委员会关于批准财政部发行特别国债")


@pytest.mark.parametrize("chrome", [
    "页面功能 【我来说两句】【我要“揪”错】【推荐】【字体：大 中 小】【打印】 【关闭】",  # a CWCED page's toolbar
    "需要 登录 后方可回复， 如果你还没有账号请 注册新账号",  # a forum's reply box
    "努力加载中，请稍后...",  # 央视网's video player
    "收视TOP榜",  # 央视网's sidebar
    "阅读数(15878）",  # 环球网's counter
    "分享：",  # a share bar's label
    "【",  # 宁夏's report as scraped: 【 / 打印本页 / 】, a button's brackets on lines of their own
    "|",  # 中国政府网's header toolbar: 首页 / | / 简 / | / 繁
    "正文已结束，您可以按alt+4进行评论",  # 腾讯新闻's note for screen readers, then its 标签 and 相关搜索
    "标签",
    "相关搜索",
    "图集",  # 新华网's gallery button over the text and its like counter under it
    "+1",
    "(本文发表于首页批评与建议, 已被阅读178次)",  # a CWCED forum post's foot line
    "（本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP）",  # news apps' and accounts' promotions
    "更多猛料！欢迎扫描左方二维码关注新浪新闻官方微信",
    "新浪新闻公众号",
    "不感兴趣",  # 环球网's feedback box
    "*请填写原因",
    "感谢您的反馈，我们将会减少此类文章的推荐",
    "声明：证券时报力求信息真实、准确，文章提及内容仅供参考，不构成实质性投资建议，据此操作风险自担。",
])
def test_toolbars_and_reply_box_notices_are_chrome(chrome):
    paragraph = "各区人民政府，市政府各部门：现将有关事项通知如下，请认真贯彻执行。"
    tree = _clean_html(f"<html><body><div><p>{paragraph}</p><p>{paragraph}再次强调。</p><p>{chrome}</p></div></body></html>")
    assert [p.text for p in tree.iter("p")] == [paragraph, paragraph + "再次强调。"]
    assert chrome in [c.text for c in tree.iterfind("removed/chrome")]


# A page whose report is a list of linked entries: the channel of a county's annual reports on
# government information disclosure (the TRS list template: ul > li > a + span date), with a
# menu, a side menu, a breadcrumb, a pager and a footer around it.
CATALOGUE = """<html><head><title>信息公开年报_某某县人民政府</title></head><body>
<div class="top"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/xxgk/">信息公开</a></li></ul></div>
<div class="main"><div class="left"><ul><li><a href="../zn/">信息公开指南</a></li>
<li><a href="../zd/">信息公开制度</a></li><li><a href="./">信息公开年报</a></li></ul></div>
<div class="right"><div class="pos">您现在的位置：<a href="/">首页</a> &gt; <a href="./">信息公开年报</a></div>
<h2>信息公开年报</h2>
<ul class="list">
<li><a href="./202403/t20240320_1.html">某某县2023年政府信息公开工作年度报告</a><span>2024-03-20</span></li>
<li><a href="./202303/t20230328_2.html">某某县2022年政府信息公开工作年度报告</a><span>2023-03-28</span></li>
<li><a href="./202203/t20220330_3.html">某某县2021年政府信息公开工作年度报告</a><span>2022-03-30</span></li>
<li><a href="./202103/t20210331_4.html">某某县2020年政府信息公开工作年度报告</a><span>2021-03-31</span></li>
<li><a href="./202003/t20200331_5.html">某某县2019年政府信息公开工作年度报告</a><span>2020-03-31</span></li>
<li><a href="./201903/t20190329_6.html">某某县2018年政府信息公开工作年度报告</a><span>2019-03-29</span></li>
</ul>
<div class="page">共1页 <a href="index.html">首页</a> 上一页 1 下一页 尾页</div>
</div></div>
<div class="foot"><p>主办单位：某某县人民政府办公室　地址：某某县人民路1号　电话：0000-1234567</p>
<p>网站标识码：1234567890　某ICP备12345678号</p></div>
</body></html>"""


def test_a_catalogue_page_is_its_list_of_entries_with_their_dates():
    tree = _clean_html(CATALOGUE)
    (listed,) = tree.findall("body/list")
    assert len(tree.find("body")) == 1
    entries = [("".join(li.itertext()), li.find("link").get("href")) for li in listed]
    assert entries[0] == ("某某县2023年政府信息公开工作年度报告 2024-03-20", "./202403/t20240320_1.html")
    assert entries[-1] == ("某某县2018年政府信息公开工作年度报告 2019-03-29", "./201903/t20190329_6.html")
    assert len(entries) == 6
    assert summary(tree)["title"] == "信息公开年报"  # the list's heading


def test_a_catalogue_in_table_rows_is_its_list_of_entries():
    """The older template: a table row per document (an icon, the link, the date) under a
    breadcrumb, which is no heading of the list."""
    rows = "".join(f"<tr><td><img src='../../images/ico2.jpg'></td><td><a href='./20{y}05/t20{y}0530_{y}.html'>"
                   f"某某市{2000 + y - 1}年政府信息公开工作年度报告</a></td><td>20{y}-05-30</td></tr>"
                   for y in range(24, 16, -1))
    tree = _clean_html(
        "<html><head><title>某某示范区</title></head><body>"
        "<table><tr><td><a href='../../'>首页</a></td><td><a href='../'>信息公开</a></td></tr></table>"
        "<table><tr><td>您现在的位置是：<a href='../../'>首页</a>&gt;&gt;<a href='./'>信息公开年报</a></td></tr>"
        f"<tr><td><table class='gl_list'>{rows}</table></td></tr></table>"
        "<table><tr><td>主办：某某示范区管委会　<a href='../../lxwm/'>联系我们</a></td></tr>"
        "<tr><td>违法和不良信息举报电话：0000-1234567　网站标识码：1234567890</td></tr></table></body></html>")
    (listed,) = tree.findall("body/list")
    assert len(tree.find("body")) == 1 and len(listed) == 8
    assert "".join(listed[0].itertext()) == "某某市2023年政府信息公开工作年度报告 2024-05-30"


def test_a_list_of_related_news_or_a_menu_is_never_the_main_list():
    """A short news item whose page has more link text than prose: its 相关新闻 list (headed by
    a section break) and a menu marked as one (class nav) are no main list."""
    related = "".join(f"<li><a href='/n/{i}.html'>某某市召开第{i}次全体会议部署近期重点工作</a>"
                      f"<span>2024-05-{i:02d}</span></li>" for i in range(1, 9))
    menu = "".join(f"<li><a href='/c/{i}/'>政务公开第{i}栏目信息汇总</a></li>" for i in range(11, 21))
    article = "5月20日，某某市召开会议，研究部署防汛工作。"
    tree = _clean_html(
        f"<html><head><title>某某市部署防汛工作</title></head><body><ul class='nav'>{menu}</ul>"
        f"<h1>某某市部署防汛工作</h1><p>{article}</p><h3>相关新闻</h3><ul>{related}</ul></body></html>")
    assert [b.tag for b in tree.find("body")] == ["p"]
    assert tree.findtext("body/p") == article


def test_a_lead_before_wrappers_holding_the_rest():
    """北京市发改委's article: the lead paragraph sits in a <section> beside the one whose
    nested <section>s hold the rest; the density search goes down those wrappers, and the lead
    before the outermost of them is kept."""
    body = ir_of(CORPUS_COPY.parent / "metadata" / "yjybeijing.gov.cn.html").find("body")
    paragraphs = [p.text for p in body.iter("p")]
    assert paragraphs[0].startswith("近日，由北京市教委组织的“组团式”教育援助专家团队抵达青海省玉树藏族自治州")
    assert paragraphs[1].startswith("7月7日至7月10日")


def test_an_articles_opening_photos_are_kept():
    """浙江省教育厅's article opens with four photos in one <p> before its text: the run of
    them stays, as a run of closing photos does."""
    body = ir_of(CLEAN_PAGES / "jyt.zj.gov.cn_mltjyt.html").find("body")
    blocks = [child.tag for child in body]
    assert blocks[:5] == ["figure"] * 4 + ["p"]
    assert [f.get("src").rsplit("/", 1)[-1] for f in body.iter("figure")][0] == "s2410211246031653119.jpg"


def test_a_short_centred_line_after_a_picture_is_its_caption():
    """广州市人民政府's article: 逸仙生物科技生产线, centred under its photo, captions it."""
    tree = ir_of(HTML / "jchgz.gov.cn.html")
    captions = [figure.get("alt") for figure in tree.iter("figure")]
    assert "逸仙生物科技生产线" in captions
    assert "逸仙生物科技生产线" not in ["".join(p.itertext()) for p in tree.iter("p")]


def test_a_centred_numbered_line_after_a_picture_is_no_caption():
    """A centred 二、 right under a photo heads the next part: it is no caption. No corpus page
    has one (the class was found by reading the rule): a made-up article in a TRS container."""
    paragraph = "<p>" + "近年来，黄埔区持续优化营商环境，推动生物医药产业集聚发展，成效明显。" * 3 + "</p>"
    tree = _clean_html(f'<html><body><div class="TRS_Editor">{paragraph}<p><img src="a.jpg"></p>'
                       f'<p style="text-align:center">二、产业集聚</p>{paragraph}</div></body></html>')
    assert [figure.get("alt") for figure in tree.iter("figure")] == [None]
    assert "二、产业集聚" in ["".join(p.itertext()) for p in tree.iter("p")]


def irs_under_hash_seed(seed: str, pages: list) -> list[str]:
    """The SHA-1 of each page's IR, built by a new Python process whose string hashing is
    seeded with ``seed``."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import hashlib, sys\n"
        "from pathlib import Path\n"
        "from pipeline import api, ir\n"
        "for name in sys.argv[1:]:\n"
        "    tree = api.to_ir(Path(name).read_bytes(), name=Path(name).name)\n"
        "    print(hashlib.sha1(ir.serialize(tree)).hexdigest())\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", script, *map(str, pages)], check=True, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONHASHSEED=seed), cwd=root)
    return done.stdout.split()


@pytest.mark.slow
def test_the_ir_of_every_page_is_the_same_whatever_the_string_hashing():
    """Nothing the clean stage and the transforms decide hangs on the order of a set or a
    dictionary of strings, which changes with each process's hash seed."""
    pages = corpus_samples()
    first = irs_under_hash_seed("1", pages)
    assert len(first) == len(pages)
    assert irs_under_hash_seed("2", pages) == first
