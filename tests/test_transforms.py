"""The normalize transforms: labels, run-in heads, enumerations, numbering checks, punctuation;
and, as properties, that every transform keeps the IR valid and is idempotent."""
from __future__ import annotations

import pytest

from hypothesis import HealthCheck, example, given, settings, strategies as st
from lxml import etree

from pipeline import ir
from pipeline.transforms import TRANSFORMS, run_transforms
from pipeline.text import WHITESPACE, collapse_space, is_cjk
from pipeline.transforms.punctuation import punctuated, restore

from .conftest import corpus_samples, ir_of
from .test_formats_agree import docx_text


def _doc(*paragraphs: str) -> etree._Element:
    root = ir.new_report()
    body = root.find("body")
    for text in paragraphs:
        etree.SubElement(body, "p").text = text
    return root


def _outline(tree):
    return [(int(s.get("level")), s.get("label"), ir.text_of(s.find("heading"))) for s in tree.iter("section")]


def _codes(tree):
    return [d.get("code") for d in tree.iterfind("diagnostics/diagnostic")]


def test_four_levels_in_ascii_and_full_width_variants():
    tree = run_transforms(_doc("一、总体要求", "(一)指导思想", "1．基本原则", "（1）坚持党的领导",
                               "1、工作目标", "二、主要任务"))
    assert _outline(tree) == [(1, "一、", "总体要求"), (2, "（一）", "指导思想"), (3, "1.", "基本原则"),
                              (4, "（1）", "坚持党的领导"), (3, "1.", "工作目标"), (1, "二、", "主要任务")]
    assert _codes(tree) == ["numbering-restart"]


def test_chapter_above_cn_and_missing_parent():
    tree = run_transforms(_doc("第一章 总则", "一、目的", "第二章 职责", "二、范围"))
    assert _outline(tree)[0] == (1, "第一章\u3000", "总则") and _outline(tree)[1] == (2, "一、", "目的")
    tree = run_transforms(_doc("一、总体", "（一）甲", "（三）丙", "（二）乙", "二、其他", "（一）丁"))
    assert _codes(tree) == ["numbering-gap", "numbering-restart"]
    tree = run_transforms(_doc("一、总体", "正文。", "（一）甲"))
    assert _outline(tree)[1][0] == 2


def test_run_in_head_split_at_first_full_stop():
    tree = run_transforms(_doc("（一）统筹谋划，深入学习。区委高度重视。一是强化学习。内容。二是压实责任。"))
    section = tree.find("body/section")
    assert section.get("runin") == "true" and ir.text_of(section.find("heading")) == "统筹谋划，深入学习"
    p = section.find("p")
    assert p.text == "区委高度重视。" and [i.get("label") for i in p] == ["一是", "二是"]
    assert p[0].text == "强化学习。内容。"


def test_long_numbered_clause_stays_a_paragraph():
    clause = "一、根据《中华人民共和国宪法》《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》，参照有关规定，结合本县实际，制定本规则。"
    tree = run_transforms(_doc(clause))
    assert tree.find(".//section") is None and tree.find("body/p").text == clause


def test_enumeration_gap_and_semicolons():
    tree = run_transforms(_doc("存在不足：一是执法仍需时间；二是成效仍需提升；四是其他。"))
    p = tree.find("body/p")
    assert [i.get("label") for i in p] == ["一是", "二是", "四是"]
    assert p[0].text == "执法仍需时间；"
    assert _codes(tree) == ["enumeration-gap"]
    tree = run_transforms(_doc("他更是一个好人。二是不算。"))
    assert len(tree.find("body/p")) == 0


def test_punctuation_restored_only_next_to_cjk():
    assert restore("2023年,罗湖区坚持(扩大)会议;截至11月底,调解成功率95.8%") == \
        "2023年，罗湖区坚持（扩大）会议；截至11月底，调解成功率95.8%"
    assert restore("来源:罗湖区委(政府)办") == "来源：罗湖区委（政府）办"
    assert restore("1,000 and 10:30, see http://a.gov.cn/x?a=1,2 (AI)") == \
        "1,000 and 10:30, see http://a.gov.cn/x?a=1,2 (AI)"
    assert restore("构建“1+3”政策体系,依托AI视频") == "构建“1+3”政策体系，依托AI视频"


def test_no_space_beside_full_width_marks():
    """Spaces a page's &nbsp; or a width fold left beside full-width marks (real lines of the
    corpus: a 统计公报, a news page, a CWCED article)."""
    assert punctuated("以举办特色少儿系列赛为抓手, 加强体育文化建设") == "以举办特色少儿系列赛为抓手，加强体育文化建设"
    assert punctuated("共有200人出席此次活动 。") == "共有200人出席此次活动。"
    assert punctuated("贯籍： 河南省洛阳市孟津区。 2017年，在好") == "贯籍：河南省洛阳市孟津区。2017年，在好"
    assert punctuated("冯亦代：《 怀念与反思》") == "冯亦代：《怀念与反思》"
    assert punctuated("（常书香 马丹阳 ）") == "（常书香 马丹阳）"
    assert punctuated("see http://a.gov.cn/x, 见 1, 2") == "see http://a.gov.cn/x, 见 1, 2"


@pytest.mark.parametrize("first, addressee", [
    ("各区人民政府，市政府各部门：", True),
    ("国家发展改革委：", True),
    ("王超斌委员：", True),
    ("现将有关情况报告如下：", False),  # a lead-in, not an addressee
    ("各区人民政府，市政府各部门：现将有关事项通知如下。", False),  # a sentence follows in the paragraph
])
def test_the_addressee_is_the_first_line_naming_organs_or_people(first, addressee):
    tree = run_transforms(_doc(first, "为进一步做好有关工作，现就有关事项通知如下。"))
    assert [p.get("align") for p in tree.iter("p")] == (["left", None] if addressee else [None, None])


def test_an_attachment_line_starts_a_page_flush_left():
    """GB/T 9704 sets an attachment on a page of its own, its 附件 line at the top left."""
    tree = run_transforms(_doc("现将有关改革举措推广清单印发给你们，请认真贯彻执行。", "附件", "第二批支持创新相关改革举措推广清单"))
    attachment, title = [p for p in tree.iter("p")][1:]
    assert (attachment.get("break"), attachment.get("align"), attachment.get("role")) == ("page", "left", "attachment")
    assert title.get("role") == "attachment-title"
    tree = run_transforms(_doc("附件", "第二批支持创新相关改革举措推广清单"))  # nothing before it: no page to end
    assert (next(tree.iter("p")).get("break"), next(tree.iter("p")).get("role")) == (None, "attachment")


def test_an_attachment_opening_with_a_sentence_has_no_title():
    """A CWCED page's 附件 (an accident report) opens with its first paragraph, not a title."""
    tree = run_transforms(_doc("特此通报。", "附件", "今年1月至5月，杭州工矿企业共发生各类事故59起，死亡73人，受伤24人。",
                               "例一：2月2日中午11时50分左右，杭州祥符桥渡驾桥村四组一幢废弃的三层楼房突然倒塌。"))
    assert [p.get("role") for p in tree.iter("p")] == [None, "attachment", None, None]


def test_unknown_transform_name_is_a_usage_error():
    import pytest

    from pipeline.errors import UsageError
    with pytest.raises(UsageError, match="unknown transform"):
        run_transforms(_doc("x"), ["sections", "no-such"])


def test_transforms_do_not_change_their_input():
    tree = _doc("一、总体要求", "(一)指导思想,内容。正文。")
    before = ir.serialize(tree)
    for transform in TRANSFORMS.values():
        transform.apply(tree)
    assert ir.serialize(tree) == before


def test_the_runner_rewrites_a_copy_of_its_input_as_the_transforms_one_by_one_would():
    # the runner copies its input once and has each transform rewrite that copy in place
    tree = _doc("各区人民政府：", "一、总体要求", "(一)指导思想,内容。一是加强领导;二是压实责任。", "附件:1.任务分工",
                "罗湖区人民政府", "2024年3月1日")
    before = ir.serialize(tree)
    one_by_one = tree
    for transform in TRANSFORMS.values():
        one_by_one = transform.apply(one_by_one)
    assert ir.serialize(run_transforms(tree)) == ir.serialize(one_by_one)
    assert ir.serialize(tree) == before


LABELS = st.sampled_from(["一、", "二、", "（一）", "(二)", "1.", "2．", "3、", "（1）", "第一章", "1.1 ", "1.2", "2.1.1 ",
                         "2 ", "", "", ""])
SENTENCES = st.text(alphabet=st.sampled_from(list("法治政府建设年度报告一是二是三是，,。;：:()（）2023AI.% ")),
                    min_size=0, max_size=40)
PARAGRAPHS = st.lists(st.tuples(LABELS, SENTENCES).map("".join).filter(lambda s: s.strip()), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PARAGRAPHS)
@example(["一、0():。"])  # the colon restored after the pair qualifies the pair: one fixed point for both
@example(["一、0。2.:"])  # the text split from a run-in head starts with a label: still the head's text
@example(["一、0。0000:", "一、", "一、0。0000:", "一、"])  # the text after a run-in head is no label heading
def test_property_transforms_keep_ir_valid_and_are_idempotent(paragraphs):
    tree = ir.validate(_doc(*paragraphs))
    for name, transform in TRANSFORMS.items():
        once = ir.validate(transform.apply(tree), name)
        twice = transform.apply(once)
        assert ir.serialize(twice) == ir.serialize(once), name
        tree = once
    assert ir.serialize(run_transforms(tree)) == ir.serialize(tree)


def test_pipeline_idempotent_on_corpus_samples():
    for sample in corpus_samples():
        tree = ir_of(sample)
        assert ir.serialize(run_transforms(tree)) == ir.serialize(tree), sample.name


def test_heading_written_as_a_sentence_and_numbered_clauses():
    tree = run_transforms(_doc("（一）经济运行顶住压力、稳中有进。", "正文。",
                               "（二）立足壮大实体经济，建设现代化产业体系。", "一要加快传统产业提质升级。"))
    headings = [ir.text_of(s.find("heading")) for s in tree.iter("section")]
    assert headings == ["经济运行顶住压力、稳中有进", "立足壮大实体经济，建设现代化产业体系"]
    assert all(s.get("runin") is None for s in tree.iter("section"))
    clauses = ["一、本通告自发布之日起施行，有效期五年。", "二、自本通告发布之日起，新迁入的人口不享有补偿政策。",
               "三、本通告由县政府负责解释，各单位遵照执行。"]
    tree = run_transforms(_doc("为做好有关工作，现通告如下：", *clauses))
    assert tree.find(".//section") is None and [p.text for p in tree.iter("p")][1:] == clauses


def test_orphan_level_is_reported():
    tree = run_transforms(_doc("（一）甲项工作", "正文。", "一、总体要求", "（一）乙项工作"))
    assert _outline(tree) == [(1, "（一）", "甲项工作"), (1, "一、", "总体要求"), (2, "（一）", "乙项工作")]
    assert [(d.get("code"), d.get("where")) for d in tree.iterfind("diagnostics/diagnostic")] == [
        ("numbering-orphan", "（一）")]


def test_enumeration_across_paragraphs_and_with_yao():
    tree = run_transforms(_doc("（一）加快农牧业转型发展。", "一要提升综合生产能力。实施粮食单产提升工程。",
                               "二要发展现代设施农业。", "三要壮大农牧业龙头企业。", "这是一段普通的正文。"))
    paragraphs = tree.findall(".//section/p")
    assert [[i.get("label") for i in p] for p in paragraphs] == [["一要"], ["二要"], ["三要"], []]
    assert paragraphs[0][0].text == "提升综合生产能力。实施粮食单产提升工程。" and paragraphs[0].text == ""
    lone = run_transforms(_doc("一是加强领导。这一段没有下文。", "其他内容。"))
    assert lone.find(".//item") is None


def test_decimal_outline_nests_by_its_parts():
    """1 / 1.1 / 1.1.1 (a 规划 or a standard): the depth is the number of parts; a 1 written
    without a dot heads its branch, 2 术语 without children stays in the outline; full-sentence
    1.1.1 clauses stay clauses below headings; the labels print as 1.1 with a space."""
    tree = run_transforms(_doc("1 总则", "1.1 编制目的", "为了加强管理，制定本规划。", "1.2 编制依据", "依据有关法律。",
                               "2 术语", "本规划所称数据是指……。", "3 基本规定", "3.1 一般规定",
                               "3.1.1 各单位应当按照规定建立健全管理制度，明确职责分工，落实工作责任。",
                               "3.1.2 各单位应当定期开展检查，发现问题及时整改，确保工作落到实处。"))
    assert _outline(tree) == [(1, "1 ", "总则"), (2, "1.1 ", "编制目的"), (2, "1.2 ", "编制依据"), (1, "2 ", "术语"),
                              (1, "3 ", "基本规定"), (2, "3.1 ", "一般规定")]
    assert [(p.get("kind"), p.get("number")) for p in tree.iterfind(".//section/section/p[@kind]")] == \
        [("decimal", "1"), ("decimal", "2")]
    assert _codes(tree) == []


def test_decimal_outline_below_or_instead_of_chinese_numbering():
    """1.1 under 一、 or 第一章 nests below it; a 1. heading with 1.1 below it is the outline's 1."""
    tree = run_transforms(_doc("一、总体要求", "1.1 指导思想", "正文。", "1.2 基本原则", "正文。", "二、主要任务",
                               "2.1 任务一", "正文。"))
    assert _outline(tree) == [(1, "一、", "总体要求"), (2, "1.1 ", "指导思想"), (2, "1.2 ", "基本原则"),
                              (1, "二、", "主要任务"), (2, "2.1 ", "任务一")]
    tree = run_transforms(_doc("第一章 发展基础", "1.1 发展成就", "正文。", "第二章 总体要求", "2.1 指导思想", "正文。"))
    assert [level for level, _, _ in _outline(tree)] == [1, 2, 1, 2]
    tree = run_transforms(_doc("1. 总则", "1.1 编制目的", "正文。", "1.2 编制依据", "正文。", "2. 范围", "2.1 适用", "正文。"))
    assert _outline(tree) == [(1, "1 ", "总则"), (2, "1.1 ", "编制目的"), (2, "1.2 ", "编制依据"), (1, "2 ", "范围"),
                              (2, "2.1 ", "适用")]
    assert _codes(tree) == []


def test_lists_figures_and_a_table_of_contents_are_no_decimal_headings():
    """A 1. list of clauses inside 2.1 stays a list; 增长1.1% and a lone 1.5万人… are figures; a
    table of contents (1 … 1.1 … 1.2 one under the other) is a list, the outline after it headings."""
    tree = run_transforms(_doc("2.1 编制目的", "正文。", "1. 第一", "2. 第二", "2.2 其他", "正文。", "全年增长1.1%。",
                               "1.5万人参加培训。"))
    assert _outline(tree) == [(1, "2.1 ", "编制目的"), (1, "2.2 ", "其他")]
    assert [p.get("kind") for p in tree.iter("p") if p.get("kind")] == ["arabic", "arabic"]
    tree = run_transforms(_doc("目录", "1 总则", "1.1 编制目的", "1.2 编制依据", "2 范围", "正文", "1 总则", "1.1 编制目的",
                               "正文。", "1.2 编制依据", "正文。", "2 范围", "正文。"))
    assert [label for _, label, _ in _outline(tree)] == ["1 ", "1.1 ", "1.2 ", "2 "]
    assert [p.text for p in tree.findall("body/p")] == ["目录", "1 总则", "1.1 编制目的", "1.2 编制依据", "2 范围", "正文"]
    assert len(tree.findall("body/p[@kind='decimal']")) == 4 and _codes(tree) == []  # its last 2 范围 too


def test_decimal_labels_print_alike_in_every_format():
    """Every writer prints a decimal heading as 1.1 编制目的; DOCX native numbering, which has no
    decimal outline definition, prints the label as written."""
    from lxml import html

    from pipeline import api

    tree = run_transforms(_doc("1 总则", "1.1 编制目的", "正文。", "1.2 编制依据", "正文。"))
    for fmt, overrides in (("txt", None), ("md", None), ("html", None), ("docx", None),
                           ("docx", {"docx": {"numbering": "native"}})):
        data = api.render(tree, fmt, settings=overrides)
        text = docx_text(data) if fmt == "docx" else html.fromstring(data).text_content() if fmt == "html" \
            else data.decode("utf-8")
        assert "1.1 编制目的" in text and "1 总则" in text, fmt


def collapse_space_by_runs(text: str) -> str:
    """``collapse_space`` as its docstring says it, run by run: each white-space run becomes
    one space, except a run holding a line break between two CJK characters, which goes."""
    out, pos = [], 0
    for match in WHITESPACE.finditer(text):
        before, after = text[match.start() - 1:match.start()], text[match.end():match.end() + 1]
        wrapped = before and after and is_cjk(before) and is_cjk(after) and any(c in "\n\r\t" for c in match.group())
        out += [text[pos:match.start()], "" if wrapped else " "]
        pos = match.end()
    return ("".join(out) + text[pos:]).strip()


@given(st.text(alphabet="字a1 \n\t\r\u3000\u00a0\u200b\ufeff\u2028“》,(", max_size=30))
@example("分析\n\u3000研判")
@example("a\u3000\n字")
@example("字\n\u3000b")
def test_collapse_space_drops_only_line_wraps_between_cjk(text):
    assert collapse_space(text) == collapse_space_by_runs(text)


def test_a_transform_whose_output_is_invalid_is_named(monkeypatch):
    """The result of the transforms is checked against the schema; when it is invalid, the
    error names the transform whose output first was, also when a later transform fails on
    that output before the check."""
    from pipeline import transforms
    from pipeline.errors import InvalidIR

    def breaks(tree):
        tree = ir.clone(tree)
        etree.SubElement(tree.find("body"), "no-such-element")
        return tree

    monkeypatch.setitem(transforms.TRANSFORMS, "enumerations",
                        transforms.Transform("enumerations", breaks, after=("sections",)))
    with pytest.raises(InvalidIR, match="after transform enumerations"):
        run_transforms(_doc("一、总体情况", "正文。"))

    def fails_on_it(tree):
        if tree.find("body/no-such-element") is not None:
            raise AttributeError("an element no transform expects")
        return tree

    monkeypatch.setitem(transforms.TRANSFORMS, "numbering",
                        transforms.Transform("numbering", fails_on_it, after=("sections", "enumerations")))
    with pytest.raises(InvalidIR, match="after transform enumerations"):
        run_transforms(_doc("一、总体情况", "正文。"))
    assert run_transforms(_doc("一、总体情况", "正文。"), ["punctuation", "sections"]).find("body/section") is not None
