"""The reference document (the Luohu district's 2023 report, a text scrape) end to end."""
from __future__ import annotations

import json

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.inspect import summary
from pipeline.writers.text import render as render_text

from .conftest import REFERENCE

CHROME = ["<", "×", "扫一扫在手机上打开当前页", "知识图谱", "相关信息和服务",
          "当前展示专题专栏信息类别内容 返回", "点击标签名称查看更多信息"]


def test_metadata(reference_tree):
    info = summary(reference_tree)
    assert info["title"] == "深圳市罗湖区人民政府2023年法治政府建设年度报告"
    assert info["date"] == "2023-12-21"
    assert info["publisher"] == "罗湖区委（政府）办"


def test_heading_tree(reference_tree):
    headings = summary(reference_tree)["headings"]
    level1 = [h["label"] + h["text"] for h in headings if h["level"] == 1]
    level2 = [h for h in headings if h["level"] == 2]
    assert level1 == ["一、主要工作情况", "二、存在问题及下一步工作思路"]
    assert [h["label"] for h in level2] == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）",
                                           "（一）", "（二）", "（三）", "（四）"]
    assert level2[0]["text"] == "统筹谋划，深入学习宣传贯彻党的二十大精神和习近平法治思想"
    assert level2[-1]["text"] == "持续推动社会矛盾纠纷多元化解"
    assert all("。" not in h["text"] for h in headings)


def test_inline_enumerations_are_items(reference_tree):
    first = reference_tree.find("body/section/section/p")
    assert [i.get("label") for i in first.findall("item")] == ["一是", "二是", "三是"]
    assert first.find("item").text.startswith("强化学习宣传。")
    # the page has seven 一是…二是 sequences: one in each of （一）–（六） and one in 二、
    assert [i.get("label") for i in reference_tree.iterfind(".//item")].count("一是") == 7


def test_no_chrome_anywhere(reference_tree):
    body = summary(reference_tree)["body_text"]
    text = render_text(reference_tree).decode()
    for line in body.splitlines() + text.splitlines():
        assert line.strip() not in CHROME
    for phrase in CHROME[2:]:
        assert phrase not in text
    removed = [c.text for c in reference_tree.iterfind("removed/chrome")]
    assert "扫一扫在手机上打开当前页" in removed and "知识图谱" in removed


def test_full_width_punctuation(reference_tree):
    body = summary(reference_tree)["body_text"]
    assert "，" in body and "：" in body and "；" in body and "（扩大）" in body
    assert not any(ch in body for ch in ",;()")
    assert "95.8%" in body and "2023年" in body and "“1+3”" in body and "AI视频" in body


def test_inspect_json_contract():
    result = CliRunner().invoke(main, ["inspect", "--json", str(REFERENCE)])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert list(info)[:8] == ["title", "date", "publisher", "site", "url", "headings", "body_text", "warnings"]
    assert info["headings"][0] == {"level": 1, "label": "一、", "text": "主要工作情况"}
    assert info["body_text"].splitlines()[1] == "一、主要工作情况"
    assert info["title"] not in info["body_text"]
    assert "发布时间" not in info["body_text"] and "来源" not in info["body_text"]


def test_text_output_layout(reference_tree):
    lines = render_text(reference_tree).decode().splitlines()
    assert lines[0] == "深圳市罗湖区人民政府2023年法治政府建设年度报告"
    assert "发布机构：罗湖区委（政府）办" in lines[:8]
    assert "一、主要工作情况" in lines and "（一）统筹谋划，深入学习宣传贯彻党的二十大精神和习近平法治思想" in lines
