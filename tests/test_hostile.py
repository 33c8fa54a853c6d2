"""Hostile and odd input, made by the tests themselves: what is not a page is refused in one
line naming what it is; damaged text is converted with the bad characters dropped and a
warning naming the byte; unsafe links never reach an output."""
from __future__ import annotations

import email.mime.multipart
import importlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
import email.mime.text

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.errors import PipelineError
from pipeline.cli import main
from pipeline.links import link_target

PAGE = ("<html><head><meta charset='{charset}'><title>关于做好春季防火工作的通知</title></head><body>"
        "<h1>关于做好春季防火工作的通知</h1><p>各乡镇人民政府：</p>"
        "<p>一、提高认识，加强领导。春季是森林火灾的高发期，各地要高度重视{damage}。</p>"
        "<p>二、落实责任，严格管控。各地要层层落实防火责任。</p></body></html>")


def page(damage: str = "", charset: str = "utf-8", codec: str = "utf-8") -> bytes:
    return PAGE.format(damage=damage, charset=charset).encode(codec)


def convert(tmp_path, name: str, data: bytes, *formats: str):
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(src), "-o", str(out), "-f", ",".join(formats or ("xml", "txt"))])
    written = sorted(p.name for p in out.iterdir()) if out.exists() else []
    return result, written


@pytest.mark.parametrize("data, kind", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 8, "a PDF document"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "a PNG picture"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(300), "a zip archive or an office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "an Office 97–2003 document"),
])
def test_not_a_page_is_refused_in_one_line_naming_what_it_is(tmp_path, data, kind):
    result, written = convert(tmp_path, "report.html", data)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [f"pipeline: {tmp_path / 'report.html'}: {lines[0].split(': ', 2)[2]}"]
    assert kind in lines[0] and "not a web page or text" in lines[0]
    assert written == []


def test_an_mhtml_file_converts_as_the_page_it_holds(tmp_path):
    message = email.mime.multipart.MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = "http://www.example.gov.cn/notice.html"
    message.attach(email.mime.text.MIMEText(page().decode(), "html", "utf-8"))
    result, written = convert(tmp_path, "notice.mht", message.as_bytes())
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "notice.txt").read_text(encoding="utf-8")
    assert text.startswith("关于做好春季防火工作的通知\n")
    assert "Content-Type" not in text and "MIME" not in text and "=E5" not in text
    assert "网址：http://www.example.gov.cn/notice.html" in text


@pytest.mark.parametrize("damage", ["\x00\x00", "\x01\x02\x1b", "\x7f"])
def test_control_characters_are_dropped_with_the_byte_named(tmp_path, damage):
    data = page(damage)
    at = data.index(damage.encode())
    result, written = convert(tmp_path, "notice.html", data)
    assert result.exit_code == 0, result.output
    assert written == ["notice.txt", "notice.xml"]
    assert f"control-characters: {len(damage)} NUL, control, invisible or private-use character(s) removed at byte {at}" \
        in result.output
    assert "各地要高度重视。" in (tmp_path / "out" / "notice.txt").read_text(encoding="utf-8")


def test_a_lone_surrogate_is_replaced_and_the_rest_kept(tmp_path):
    data = page("X").replace(b"X", b"\xed\xa0\x80")  # UTF-8 of U+D800, which UTF-8 forbids
    at = data.index(b"\xed\xa0\x80")
    result, _ = convert(tmp_path, "notice.html", data)
    assert result.exit_code == 0, result.output
    assert "lossy-decode" in result.output and f"at byte {at}" in result.output
    text = (tmp_path / "out" / "notice.txt").read_text(encoding="utf-8")
    assert "春季是森林火灾的高发期" in text and "二、落实责任" in text


@pytest.mark.parametrize("charset", ["gb2312", "gbk", "gb18030", None])
def test_gb18030_four_byte_characters_survive(tmp_path, charset):
    rare = "𠀀𪚥"  # Extension B ideographs: four bytes each in GB18030
    data = page(rare, charset or "", "gb18030")
    if charset is None:
        data = data.replace(b"<meta charset=''>", b"")
    result, _ = convert(tmp_path, "notice.html", data)
    assert result.exit_code == 0, result.output
    assert rare in (tmp_path / "out" / "notice.txt").read_text(encoding="utf-8")


UNSAFE = ["javascript:alert(1)", " JavaScript:alert(2)", "java\tscript:alert(3)", "vbscript:msgbox(1)",
          "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd"]


@pytest.mark.parametrize("href", UNSAFE + ["java\nscript:alert(4)", "java\rscript:alert(5)", "\x00javascript:alert(6)",
                                  " \t\njavascript:alert(7)\r\n", "#top", " ", ""])
def test_a_target_a_browser_would_run_as_a_script_or_that_goes_nowhere_is_no_link(href):
    # browsers trim C0 controls and spaces off an address and drop tabs and line breaks anywhere in it
    assert link_target(href) is None


def test_a_kept_targets_tabs_and_line_breaks_are_dropped_as_browsers_drop_them():
    assert link_target(" https://www.gov.cn/zhengce/\n2023-03/\r\n\tcontent.html\t") == \
        "https://www.gov.cn/zhengce/2023-03/content.html"
    assert link_target("post_11236547.html") == "post_11236547.html"


def test_unsafe_links_never_reach_an_output():
    links = "".join(f'<a href="{href}">链接{i}</a>，' for i, href in enumerate(UNSAFE))
    html = page().replace(b"</body>", f"<p>三、详见{links}及<a href='https://www.gov.cn/a.html'>通知</a>。</p></body>".encode())
    outputs = api.convert(html, formats=("xml", "txt", "docx", "md", "html"), name="notice.html")
    tree = api.to_ir(html, name="notice.html")
    assert [link.get("href") for link in tree.iter("link")] == ["https://www.gov.cn/a.html"]
    for fmt, data in outputs.items():
        if fmt == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as docx:
                data = b"".join(docx.read(name) for name in docx.namelist())
        low = data.lower()
        for marker in (b"javascript", b"vbscript", b"data:text", b"file:///"):
            assert marker not in low, (fmt, marker)
    assert "链接5" in outputs["txt"].decode()  # the text of an unsafe link stays


REFERENCE_TEXT = (Path(__file__).parent / "data" / "corpus" / "text" / "seed_luohu_2023.txt").read_bytes()


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "pipeline", "convert", str(fifo), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.strip() == f"pipeline: {fifo}: not a regular file (a pipe, device or socket is not read)"
    assert not (tmp_path / "out").exists()


def test_a_very_long_name_gets_a_short_safe_output_name(tmp_path):
    src = tmp_path / ("长" * 80 + ".txt")  # 240 bytes: with an extension and a temporary suffix, over 255
    src.write_bytes(REFERENCE_TEXT)
    result = cli("convert", src, "-o", tmp_path / "out", "-f", "txt,pdf")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(written) == 2 and all(len(name.encode()) <= 200 for name in written)
    assert written[0].startswith("长" * 20) and written[0].endswith(".pdf")


def test_names_that_are_not_utf8_convert_and_reports_stay_utf8(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    raw = os.fsencode(src) + b"/bad\xff\xfename.txt"
    with open(raw, "wb") as handle:
        handle.write(REFERENCE_TEXT)
    (src / ("长" * 80 + ".txt")).write_bytes(REFERENCE_TEXT)
    one = cli("convert", os.fsdecode(raw), "-o", tmp_path / "one", "-f", "txt")
    assert one.exit_code == 0, one.output
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["bad\ufffd\ufffdname.txt"]
    report = tmp_path / "report.json"
    batch = cli("batch", src, "-o", tmp_path / "out", "-f", "txt", "-j", "1", "--report", report)
    assert batch.exit_code == 0, batch.output
    data = json.loads(report.read_bytes().decode("utf-8"))
    assert sorted(i["input"][:6] for i in data["inputs"]) == ["bad\ufffd\ufffdn", "长" * 6]
    assert all(i["status"] == "ok" for i in data["inputs"])


def test_a_file_where_the_output_folder_should_be(tmp_path):
    src = tmp_path / "page.txt"
    src.write_bytes(REFERENCE_TEXT)
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    result = cli("convert", src, "-o", blocker / "sub", "-f", "txt")
    assert result.exit_code == 3
    assert len(result.output.strip().splitlines()) == 1 and "cannot write output" in result.output
    assert blocker.read_text() == "not a folder" and sorted(p.name for p in tmp_path.iterdir()) == ["out", "page.txt"]


def test_an_oversized_page_is_refused_at_once_naming_the_limit(tmp_path):
    """A page of a million paragraphs would take minutes: it is refused before it is parsed."""
    page = "<html><body>" + "<p>第一段，工作有序推进。</p>" * 1_000_000 + "</body></html>"
    # "more than": counted in the raw bytes, before parsing (which would take minutes)
    with pytest.raises(PipelineError, match=r"^more than 100000 blocks .* over the limit \(limits.blocks\)"):
        api.convert(page, formats=("xml",), name="big.html")
    lines = "\n".join(["一、总体情况", "全年工作有序推进。"] * 600)
    with pytest.raises(PipelineError, match=r"limits.blocks"):
        api.convert(lines, formats=("xml",), name="big.txt", settings={"limits": {"blocks": 1000}})
    within = api.convert(lines, formats=("xml",), name="big.txt", settings={"limits": {"blocks": 2000}})
    assert within["xml"].startswith(b"<?xml")
    with pytest.raises(PipelineError, match=r"over the limit of 0.001 MB \(limits.input_mb\)"):
        api.convert(page[:5000], formats=("xml",), name="big.html", settings={"limits": {"input_mb": 0.001}})


def test_an_input_over_the_size_limit_is_refused_from_its_size_before_it_is_read(tmp_path, monkeypatch):
    """A file, a zip member or a WARC record over ``limits.input_mb`` is refused from the size
    it declares, unread (a 300 MB page had been read whole, and sent to a worker, first); one
    within the limit beside it is read."""
    from pipeline.batch.sources import Selector, iter_items
    from pipeline.cli import _read
    from pipeline.config import Limits, validate

    from .test_batch import make_warc

    small = "<html><body><p>一、总体情况。全年工作有序推进。</p></body></html>".encode()
    large = small + b"<!--" + b"x" * 20_000 + b"-->"
    (tmp_path / "small.html").write_bytes(small)
    (tmp_path / "large.html").write_bytes(large)
    with zipfile.ZipFile(tmp_path / "pages.zip", "w") as archive:
        archive.writestr("small.html", small)
        archive.writestr("large.html", large)
    make_warc(tmp_path / "crawl.warc.gz")  # a page of 9 KB, one of under 1 KB
    limits = Limits(input_mb=0.005)  # 5,242 bytes
    items = {item.key: item for item in iter_items([tmp_path], Selector(), limits=limits)}
    refused = {key for key, item in items.items() if item.document is None}
    assert refused == {"large.html", "pages.zip/large.html", "crawl.warc.gz/www.example.gov.cn/index.html"}
    assert all(items[key].error.endswith("over the limit of 0.005 MB (limits.input_mb)") for key in refused)
    assert items["pages.zip/small.html"].document.data == small

    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    with pytest.raises(PipelineError, match=r"^0.0 MB, over the limit of 0.005 MB"):
        _read(str(tmp_path / "large.html"), validate({"limits": {"input_mb": 0.005}}))


@pytest.mark.slow
def test_a_5000_row_rowspan_table_converts():
    rows = "".join(f"<tr>{'<td rowspan=5000>合计</td>' if i == 0 else ''}<td>{i}</td><td>数据{i}</td></tr>"
                   for i in range(5000))
    outputs = api.convert(f"<html><body><p>一、总体情况。如下表。</p><table>{rows}</table></body></html>",
                          formats=("xml", "txt", "docx"), name="table.html")
    assert outputs["txt"].decode().count("\n") > 5000


def _uncovered() -> str:
    """A character no installed font has (Extension B, G, I ideographs, Tangut, hieroglyphs)."""
    from pipeline.config import Settings
    from pipeline.fonts import font_choice

    choice = font_choice(Settings())
    found = [ch for ch in "\U00020000\U00030000\U0002EBF0\U00017000\U00013000" if not choice.covers("body", ch)]
    if not found:
        pytest.skip("every candidate character has an installed font here")
    return found[0]


def test_characters_no_font_has_are_one_warning_naming_each(tmp_path):
    """A page of many characters no installed font has (rare ideographs): one warning naming
    every one of them, where there was a line per character (300 lines for a page of them): the
    one thing to act on is a font to install. Each is printed as its code point in the PDF."""
    from pipeline.config import Settings
    from pipeline.fonts import font_choice

    choice = font_choice(Settings())
    rare = [chr(cp) for cp in range(0x2A700, 0x2A800) if not choice.covers("body", chr(cp))][:40]
    if len(rare) < 40:
        pytest.skip("Extension C ideographs have an installed font here")
    src = tmp_path / "rare.html"
    src.write_bytes(page("".join(rare)))
    result = cli("convert", src, "-o", tmp_path / "out", "-f", "txt,pdf")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "glyph-missing" in line]
    assert len(warnings) == 1
    assert "no installed font has these 40 characters: " in warnings[0]
    assert all(f"U+{ord(ch):04X} ({ch})" in warnings[0] for ch in rare)
    assert "".join(rare) in (tmp_path / "out" / "rare.txt").read_text(encoding="utf-8")


def test_one_character_no_font_has_does_not_sink_the_document(tmp_path):
    rare = _uncovered()
    src = tmp_path / "notice.html"
    src.write_bytes(page(f"（{rare}村）"))
    result = cli("convert", src, "-o", tmp_path / "out", "-f", "xml,txt,docx,pdf")
    assert result.exit_code == 0, result.output
    code = f"U+{ord(rare):04X}"
    assert f"warning: glyph-missing: no installed font has {code}" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["notice.docx", "notice.pdf", "notice.txt", "notice.xml"]
    assert rare in (tmp_path / "out" / "notice.txt").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "notice.pdf").read_bytes()[:5] == b"%PDF-"
    from pipeline.writers.pdf import layout

    lines = [line.text for page_lines in layout(api.to_ir(src.read_bytes(), name=src.name)) for line in page_lines]
    assert any(f"[{code}]" in line for line in lines)  # the visible stand-in
    strict = cli("convert", src, "-o", tmp_path / "strict", "-f", "txt,pdf", "--config", _config(tmp_path, "strict: true"))
    assert strict.exit_code == 1 and "glyph-missing" in strict.output
    assert not (tmp_path / "strict").exists() or not list((tmp_path / "strict").iterdir())
    refuse = cli("convert", src, "-o", tmp_path / "err", "-f", "pdf", "--config",
                 _config(tmp_path, "pdf:\n  missing_glyph: error"))
    assert refuse.exit_code == 1 and code in refuse.output


def _config(tmp_path, text: str) -> Path:
    path = tmp_path / f"c{abs(hash(text))}.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name, paste", [("page.html", "<p>{}</p>"), ("scrape.txt", "\n{}\n")])
def test_a_run_of_a_million_letters_converts(name, paste):
    """A blob pasted into a page or a text scrape (a million letters with no space or mark) is
    converted, not tried for a sentence's end from each of its letters or measured again for
    each of its lines (each took time growing with the square of its length: hours). In a
    process of its own, so that a search that never ends fails the test rather than hang it."""
    text = "<html><body>{}<p>一、总体情况。全年工作有序推进，各项任务圆满完成。</p></body></html>" \
        if name.endswith(".html") else "一、总体情况\n\n全年工作有序推进，各项任务圆满完成。{}"
    script = ("import sys; from pipeline import api; "
              f"page = {text!r}.format({paste!r}.format('y' * 1_000_000)); "
              f"out = api.convert(page, formats=('txt', 'pdf'), name={name!r}); "
              "sys.exit(0 if out['txt'].decode().count('y') == 1_000_000 else 1)")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_a_page_of_many_pictures_reads_its_text_a_few_times_not_once_a_picture(monkeypatch):
    """400 pictures, each alone in a paragraph between two of text: whether each is a teaser's
    is answered by the text around it, here the page's own, read once for all of them (it was
    read again for each picture: time growing with the square of the pictures, 4,000 of them
    4.2 s). All the pictures are kept, none taken for a teaser's."""
    import lxml.html

    read = []
    text_content = lxml.html.HtmlMixin.text_content
    monkeypatch.setattr(lxml.html.HtmlMixin, "text_content", lambda self: read.append(len(text := text_content(self))) or text)
    body = "".join(f"<p><img src='p{i}.png' alt='图{i}'></p><p>第{i}段，工作有序推进，各项任务圆满完成。</p>" for i in range(400))
    tree = api.to_ir(f"<html><body><div class='TRS_Editor'><p>一、总体情况</p>{body}</div></body></html>", name="p.html")
    assert len(tree.findall(".//figure")) == 400
    assert sum(read) < 10 * len("".join(tree.find("body").itertext()))


def test_a_scrape_of_many_signed_notices_reads_each_paragraph_once_for_the_names_it_quotes(monkeypatch):
    """2,000 notices one after another in a text scrape, each signed and dated: whether the line
    after a date is the title of a document the notice issues asks what the notices before it
    quote in 《》, read once as the dates go by (it was read again from the top at each date:
    time growing with the square of the dates, 4,000 of them 6 s). Each signature is kept."""
    attachments = importlib.import_module("pipeline.transforms.attachments")
    read = []
    named = attachments._named
    monkeypatch.setattr(attachments, "_named", lambda paragraphs, rules: read.append(len(paragraphs)) or named(paragraphs, rules))
    text = "某区2023年工作报告\n\n" + "".join(f"内容{i}，工作推进。\n\n某某区人民政府\n2023年12月{i % 28 + 1}日\n\n" for i in range(2000))
    tree = api.to_ir(text, name="notices.txt")
    paragraphs = len(tree.findall(".//p"))
    assert len(tree.findall(".//p[@align='right']")) == 4000
    assert sum(read) <= paragraphs


def test_deep_nesting_is_read_or_refused_in_one_line():
    """libxml2 stops at 256 levels unless told otherwise and drops the rest silently: 500
    levels are read; past what the stages walk, the page is refused naming the depth."""
    text = "<p>一、总体情况。全年工作有序推进，各项任务圆满完成。</p>"
    deep = api.convert("<html><body>" + "<div>" * 500 + text + "</div>" * 500 + "</body></html>",
                       formats=("txt", "docx"), name="deep.html")
    assert "全年工作有序推进" in deep["txt"].decode()
    with pytest.raises(PipelineError, match=r"^elements nested \d+ deep, deeper than the 600 levels read$"):
        api.convert("<html><body>" + "<div>" * 1000 + text + "</div>" * 1000 + "</body></html>",
                    formats=("txt",), name="deeper.html")


@pytest.mark.parametrize("levels, refused", [(599, False), (600, True), (700, True)])
def test_the_depth_limit_is_exact(levels, refused):
    """An element 600 levels under <html> is read (<body>, then 599 divisions); one level more is refused."""
    from pipeline.clean.draft import Draft
    from pipeline.clean.html import parse
    from pipeline.load import Document, load

    page = "<html><body>" + "<div>" * levels + "字<!-- a comment is no level --></div>" + "</div>" * (levels - 1)
    draft = Draft(load(Document("deep.html", page.encode())))
    if refused:
        with pytest.raises(PipelineError, match=rf"^elements nested {levels + 1} deep"):
            parse(draft)
    else:
        parse(draft)


@pytest.mark.parametrize("cols, chars", [pytest.param(70, 200, marks=pytest.mark.slow), (3, 3000)])
def test_a_heading_before_a_row_taller_than_a_page(cols, chars):
    """A heading is kept with what follows it, but a table row taller than a page cannot come
    along: the PDF still renders (the heading stands alone, the row is split across pages)."""
    from lxml import etree

    from pipeline.assemble import report
    from pipeline.transforms import run_transforms

    heading = etree.Element("p")
    heading.text = "一、总体情况"
    table = etree.Element("table")
    for _ in range(2):
        row = etree.SubElement(table, "row")
        for _ in range(cols):
            etree.SubElement(row, "cell").text = "字" * chars
    tree = run_transforms(report({"title": "统计表"}, [heading, table], [],
                                 {"name": "tall.html", "format": "html", "encoding": "utf-8"}))
    assert tree.find("body/section/table") is not None
    assert api.render(tree, "pdf")[:5] == b"%PDF-"
