"""The reader table, pictures read with their page (folder, zip, WARC, MHTML, data: URI),
saved IR files as inputs, the transform order check and the Python API."""
from __future__ import annotations

import email.mime.image
import email.mime.multipart
import email.mime.text
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pipeline import api, ir, pictures
from pipeline import load as pipeline_load
from pipeline.config import Settings
from pipeline.convert import build_ir, convert
from pipeline.errors import InputError, UsageError
from pipeline.load import Document
from pipeline.readers import READERS, Reader, reader_for, register, unregister
from pipeline.transforms import resolve

from .conftest import CORPUS_COPY, QUICK_SWEEP, REFERENCE, corpus_samples, sample_params

# A real page (Guangzhou government news) whose article shows one picture, referred to as
# static/picture/9360641.jpg from the page; the picture itself was not saved with it.
PAGE = CORPUS_COPY / "html" / "jchgz.gov.cn.html"
PAGE_URL = "https://www.gz.gov.cn/ysgz/xwdt/ysdt/content/post_9360641.html"
PICTURE_SRC = "static/picture/9360641.jpg"


def jpeg(width=64, height=48) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def _figure(tree) -> etree._Element:
    (figure,) = tree.iterfind("body//figure")
    return figure


def _embedded(tree) -> bytes | None:
    from pipeline.writers.views import picture

    shown = picture(_figure(tree))
    return shown.data if shown else None


# ---------------------------------------------------------------- the table


def test_each_kind_of_input_has_its_reader(tmp_path):
    saved = ir.serialize(build_ir(Document(str(REFERENCE), REFERENCE.read_bytes()), Settings()))
    assert reader_for(Document("x.xml", saved)).name == "ir"
    assert reader_for(Document("page.mht", _mhtml(PAGE.read_bytes(), jpeg()))).name == "mhtml"
    assert reader_for(Document("crawl.warc", _warc(PAGE.read_bytes(), jpeg(), gzip=False))).name == "warc"
    assert reader_for(Document("jchgz.gov.cn.html", PAGE.read_bytes())).name == "html"
    assert reader_for(Document("seed.txt", REFERENCE.read_bytes())).name == "text"


def test_a_new_reader_is_one_table_row():
    """A reader registered by a test is used by convert: JSON {"title", "paragraphs"}."""
    import json

    def read(document):
        data = json.loads(document.data)
        text = "\n".join([data["title"], *data["paragraphs"]]).encode("utf-8")
        return READERS[-1].read(Document(document.name + ".txt", text))

    register(Reader("json", lambda d: d.name.endswith(".json"), read), before="ir")
    try:
        page = {"title": "关于2023年度法治政府建设情况的报告",
                "paragraphs": ["一、主要工作", "全面推进依法行政。", "二、存在问题", "仍有差距。"]}
        result = convert(Document("r.json", json.dumps(page, ensure_ascii=False).encode()), Settings(), ("txt",))
        assert [s.get("label") for s in result.tree.iter("section")] == ["一、", "二、"]
        with pytest.raises(UsageError):
            register(Reader("json", lambda d: False, read))
    finally:
        unregister("json")
    assert reader_for(Document("r.json", b"{}")).name == "text"


# ---------------------------------------------------------------- pictures


def test_picture_beside_a_page_in_a_folder(tmp_path):
    from pipeline.fsio import folder_pictures

    (tmp_path / "static" / "picture").mkdir(parents=True)
    (tmp_path / PICTURE_SRC).write_bytes(jpeg())
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.read_bytes())
    resources, base = folder_pictures(page.read_bytes(), page)
    tree = build_ir(Document("page.html", page.read_bytes(), resources=resources, base=base), Settings())
    assert _embedded(tree) == jpeg()
    picture = tree.find("pictures/picture")
    assert (picture.get("type"), picture.get("width"), picture.get("height")) == ("image/jpeg", "64", "48")
    assert not [d for d in tree.iter("diagnostic") if d.get("code") == "picture-missing"]


def test_nothing_outside_the_page_folder_is_read(tmp_path):
    from pipeline.fsio import folder_pictures

    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg())
    (tmp_path / "site").mkdir()
    page = tmp_path / "site" / "page.html"
    page.write_bytes(b'<html><body><p>\xe6\x8a\xa5\xe5\x91\x8a\xe6\xad\xa3\xe6\x96\x87\xe3\x80\x82</p>'
                     b'<img src="../secret.jpg" alt="x"><img src="/etc/passwd"></body></html>')
    assert folder_pictures(page.read_bytes(), page) == ({}, "page.html")
    assert pictures.target("../secret.jpg", "page.html") is None
    assert pictures.target("a/../../x.png", "sub/page.html") == "x.png"


def _zip(page: bytes, picture: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("2023/jchgz.html", page)
        archive.writestr(f"2023/{PICTURE_SRC}", picture)
    return out.getvalue()


def _warc(page: bytes, picture: bytes, gzip=True, date: str | None = None) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    picture_url = PAGE_URL.rsplit("/", 1)[0] + "/" + PICTURE_SRC
    for url, body, kind in ((PAGE_URL, page, "text/html; charset=utf-8"), (picture_url, picture, "image/jpeg")):
        headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                                      warc_headers_dict={"WARC-Date": date} if date else None))
    return out.getvalue()


@pytest.mark.parametrize("compressed", [True, False])
def test_a_one_page_warc_cut_inside_its_page_is_refused_naming_the_record(compressed):
    """A one-page WARC cut inside its page's record (a download stopped short) is refused,
    not converted from part of the page (warcio ends such a file as if it were whole)."""
    data = _warc(PAGE.read_bytes(), jpeg(), gzip=compressed)
    cut = data[:len(data) // 3]
    with pytest.raises(InputError, match=f"its record of {PAGE_URL} ends [0-9,]+ bytes short of its length"):
        convert(Document("page.warc.gz" if compressed else "page.warc", cut), Settings(), ("txt",))


def test_an_mhtml_file_without_its_closing_boundary_is_converted_with_a_warning():
    """An MHTML file cut short (no closing boundary) converts what it holds, and says it may be
    incomplete; the whole file says nothing of the kind."""
    data = _mhtml(PAGE.read_bytes(), jpeg())
    whole = convert(Document("page.mht", data), Settings(), ("txt",))
    cut = convert(Document("page.mht", data[:len(data) * 2 // 3]), Settings(), ("txt",))
    assert "mhtml-cut" not in {d.code for d in whole.diagnostics}
    assert "mhtml-cut" in {d.code for d in cut.diagnostics}


def _mhtml(page: bytes, picture: bytes, date: str | None = None) -> bytes:
    message = email.mime.multipart.MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = PAGE_URL
    if date:
        message["Date"] = date
    html = email.mime.text.MIMEText(page.decode("utf-8"), "html", "utf-8")
    html["Content-Location"] = PAGE_URL
    message.attach(html)
    image = email.mime.image.MIMEImage(picture, "jpeg")
    image["Content-Location"] = PAGE_URL.rsplit("/", 1)[0] + "/" + PICTURE_SRC
    message.attach(image)
    return message.as_bytes()


@pytest.mark.parametrize("kind", ["zip", "warc", "mhtml"])
def test_picture_in_the_same_archive_is_embedded_everywhere(tmp_path, kind):
    """A page in a zip / WARC / MHTML referring to a picture stored beside it in the archive:
    the IR holds the picture, and DOCX, PDF and HTML embed it."""
    from pipeline.batch.sources import Selector, iter_items

    picture = jpeg()
    name = {"zip": "pages.zip", "warc": "crawl.warc.gz", "mhtml": "page.mht"}[kind]
    archive = {"zip": _zip, "warc": _warc, "mhtml": _mhtml}[kind](PAGE.read_bytes(), picture)
    (tmp_path / name).write_bytes(archive)
    (item,) = list(iter_items([tmp_path / name], Selector()))
    result = convert(item.document, Settings(), ("xml", "docx", "pdf", "html"))
    assert _embedded(result.tree) == picture
    with zipfile.ZipFile(io.BytesIO(result.outputs["docx"])) as docx:
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
        assert [docx.read(n) for n in media] == [picture]
    assert b"/Subtype /Image" in result.outputs["pdf"]
    assert b"data:image/jpeg;base64," in result.outputs["html"]


# The page is dated 2023-12-05 (China Standard Time). Each archive says when it was saved: a
# date later than that day there is no date of the page.
SAVED = [
    ("warc", "2023-12-06T02:00:00Z", "2023-12-05"),
    ("warc", "2023-12-04T23:00:00Z", "2023-12-05"),  # 12-05 07:00 in China
    ("warc", "2023-12-04T10:00:00Z", None),  # 12-04 18:00 in China: the page's date is later
    ("mhtml", "Mon, 04 Dec 2023 18:00:00 +0800", None),
    ("mhtml", "Tue, 05 Dec 2023 09:00:00 +0800", "2023-12-05"),
    ("http", "Mon, 04 Dec 2023 10:00:00 GMT", None),
    ("batch-warc", "2023-12-04T10:00:00Z", None),
]


@pytest.mark.parametrize("kind, saved, date", SAVED)
def test_no_date_later_than_the_day_the_page_was_saved(tmp_path, kind, saved, date):
    """When a WARC record (WARC-Date), an MHTML message (Date) or a saved HTTP response (Date)
    says when the page was saved, a date on the page later than that day (in China Standard
    Time) is rejected with a diagnostic saying so; the IR's provenance keeps the time."""
    from pipeline.batch.sources import Selector, iter_items

    page = PAGE.read_bytes()
    if kind == "batch-warc":
        (tmp_path / "crawl.warc.gz").write_bytes(_warc(page, jpeg(), date=saved))
        (item,) = list(iter_items([tmp_path / "crawl.warc.gz"], Selector()))
        document = item.document
    elif kind == "http":
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nDate: {saved}\r\n\r\n"
        document = Document("jchgz.gov.cn.html", head.encode() + page)
    else:
        data = {"warc": _warc, "mhtml": _mhtml}[kind](page, jpeg(), date=saved)
        document = Document({"warc": "page.warc.gz", "mhtml": "page.mht"}[kind], data)
    result = convert(document, Settings(), ("xml",))
    assert ir.meta_value(result.tree, "date") == date
    stamp = result.tree.find("front/provenance/source").get("saved")
    assert stamp == pipeline_load.saved_time(saved) and stamp.endswith("Z")
    rejected = [d.message for d in result.diagnostics if d.code == "date-rejected"]
    if date is None:
        day = stamp[:10] if kind != "mhtml" else "2023-12-04"
        assert any(f"2023-12-05 is after the day the page was saved ({day})" in m for m in rejected), rejected
    else:
        assert not any("saved" in m for m in rejected), rejected


def test_without_a_saved_time_the_bound_is_today_and_the_provenance_says_nothing():
    result = convert(Document("jchgz.gov.cn.html", PAGE.read_bytes()), Settings(), ("xml",))
    assert ir.meta_value(result.tree, "date") == "2023-12-05"
    assert result.tree.find("front/provenance/source").get("saved") is None


def test_a_missing_picture_is_a_diagnostic_and_a_placeholder_never_a_path():
    result = convert(Document("jchgz.gov.cn.html", PAGE.read_bytes()), Settings(), ("txt", "html", "md"))
    missing = [d for d in result.diagnostics if d.code == "picture-missing"]
    assert len(missing) == 1 and PICTURE_SRC in missing[0].message
    assert _figure(result.tree).get("picture") is None
    for fmt, data in result.outputs.items():
        assert "[图" in data.decode("utf-8").replace("\\", ""), fmt  # Markdown escapes the brackets
        assert PICTURE_SRC not in data.decode("utf-8"), fmt


def test_data_uri_pictures_are_decoded_and_stored_once():
    import base64

    uri = "data:image/jpeg;base64," + base64.b64encode(jpeg()).decode()
    html = (f'<html><body><p>一、总体情况。全年工作有序推进。</p><img src="{uri}" alt="图一">'
            f'<p>二、下一步打算。继续推进。</p><img src="{uri}" alt="图二"></body></html>')
    tree = api.to_ir(html, name="page.html")
    assert len(tree.findall("pictures/picture")) == 1
    assert [f.get("picture") for f in tree.iter("figure")] == ["picture1", "picture1"]


# ---------------------------------------------------------------- saved IR files


SAVED = [REFERENCE] + [p for p in corpus_samples() if p != REFERENCE]


@pytest.mark.parametrize("page", sample_params(SAVED, QUICK_SWEEP))
def test_a_saved_ir_file_converts_to_the_same_bytes(page: Path):
    formats = ("txt", "docx", "pdf", "md", "html")
    original = convert(Document(page.name, page.read_bytes()), Settings(), ("xml",) + formats)
    again = convert(Document(page.stem + ".xml", original.outputs["xml"]), Settings(), ("xml",) + formats)
    for fmt in ("xml",) + formats:
        assert again.outputs[fmt] == original.outputs[fmt], fmt


# ---------------------------------------------------------------- transforms and API


def test_transform_order_is_checked():
    assert [t.name for t in resolve(None)] == ["punctuation", "sections", "enumerations", "numbering", "addressee",
                                                "signature", "attachments"]
    assert [t.name for t in resolve(["punctuation", "sections"])] == ["punctuation", "sections"]
    with pytest.raises(UsageError, match="numbering must come after sections"):
        resolve(["numbering", "sections"])
    with pytest.raises(UsageError, match="listed twice"):
        resolve(["sections", "sections"])
    with pytest.raises(UsageError, match="unknown"):
        resolve(["sections", "headings"])
    with pytest.raises(UsageError, match="must come after"):
        api.settings_of({"transforms": ["enumerations", "sections"]})


def test_python_api_converts_in_memory():
    text = REFERENCE.read_text(encoding="utf-8")
    tree = api.to_ir(text, name="seed.txt")
    assert ir.meta_value(tree, "title") == "深圳市罗湖区人民政府2023年法治政府建设年度报告"
    outputs = api.convert(text, formats=("txt", "md"), name="seed.txt", settings={"transforms": ["punctuation"]})
    assert set(outputs) == {"txt", "md"}
    assert "一、主要工作情况" in outputs["txt"].decode()
    assert api.render(tree, "txt") == api.convert(text, formats=("txt",), name="seed.txt")["txt"]
    with pytest.raises(UsageError):
        api.render(tree, "odt")


def test_odd_tables_render_in_every_format():
    """A 60-column table, a colspan="3000" cell and a ragged table, as a page gives them."""
    from pipeline.writers import WRITER_MODULES

    wide = "<tr>" + "".join(f"<td>{i}</td>" for i in range(60)) + "</tr>"
    html = ("<html><body><p>一、总体情况。全年收支如下表。</p>"
            f"<table><tr><td colspan='3000'>合计</td></tr>{wide}<tr><td>工资</td><td>12</td></tr>{wide}</table>"
            "<p>二、分项情况。全年收支平衡。</p></body></html>")
    result = convert(Document("tables.html", html.encode()), Settings(), tuple(WRITER_MODULES))
    (table,) = result.tree.findall("body//table")
    assert (table.get("rows"), table.get("cols")) == ("4", "60")
    assert [len(row) for row in table] == [1, 60, 60, 60]  # the ragged row is filled
    for fmt, data in result.outputs.items():
        assert data, fmt
    assert "工资\t12\t\t" in result.outputs["txt"].decode()
    assert "<td>59</td>" in result.outputs["md"].decode()  # merged cells: an HTML table


def test_the_epoch_setting_and_the_environment_give_the_same_pdf(monkeypatch):
    """reportlab reads SOURCE_DATE_EPOCH from the environment: the conversion holds it to the
    settings, so the API gives the same bytes whatever the caller's environment says."""
    text = REFERENCE.read_bytes()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    by_setting = api.convert(text, formats=("pdf",), name="seed.txt", settings={"source_date_epoch": 1700000000})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    by_variable = api.convert(text, formats=("pdf",), name="seed.txt")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    overridden = api.convert(text, formats=("pdf",), name="seed.txt", settings={"source_date_epoch": 1700000000})
    assert by_setting["pdf"] == by_variable["pdf"] == overridden["pdf"]
    import os

    assert os.environ["SOURCE_DATE_EPOCH"] == "1"  # the caller's environment is given back
