"""`pipeline batch`, `pipeline run` and `pipeline check`: inputs of every kind, determinism,
resume after a kill, reports for CI, crash and time-limit isolation, and the Dask executor on
a local cluster with a different environment.

Most tests convert to txt+xml only, on a handful of small real pages (tests/data/corpus).
Tests that start worker processes are marked slow.
"""
from __future__ import annotations

import email.mime.multipart
import email.mime.text
import gzip
import hashlib
import inspect
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline import ir
from pipeline.batch import manifest as mf
from pipeline.batch.runner import LocalPool
from pipeline.batch.sources import Selector, iter_items, out_base_of, url_to_path
from pipeline.batch.worker import Job, convert_document, worker_main
from pipeline.cli_batch import batch, check
from pipeline.config import PdfSettings, Settings
from pipeline.convert import build_ir, convert
from pipeline.fsio import atomic_open
from pipeline.load import Document
from pipeline.readers import reader_for

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data" / "corpus"
PAGES = {
    "henan": DATA / "html" / "zyjhenan.gov.cn.html",  # UTF-8
    "gbk": DATA / "html" / "cwced_386d70f8-19dc-495b-aa14-18cc057e1544.html",  # GB2312 bytes
    "moe": DATA / "html" / "wjmoe.gov.cn.html",
    "text": DATA / "text" / "03_szlh_zsj_2025_fzzf_depth3.txt",
    "text2": DATA / "text" / "16_shanghai_2022_xxgk_ndbg.txt",
}
FAST = ["-f", "txt,xml"]
SUBPROCESS_CLI = [sys.executable, "-m", "pipeline", "batch"]


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path, monkeypatch):
    """Run in a fresh folder without PIPELINE_CONFIG, so the defaults (and SOURCE_DATE_EPOCH) apply."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PIPELINE_CONFIG", raising=False)


def cli(command, args, env=None):
    result = CliRunner().invoke(command, [str(a) for a in args], env=env, catch_exceptions=False)
    return result


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def report_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def statuses(report: dict) -> dict[str, str]:
    return {entry["input"]: entry["status"] for entry in report["inputs"]}


@pytest.fixture
def tree(tmp_path) -> Path:
    """A small input tree: two index.html in different folders, GBK, text, and a non-input."""
    src = tmp_path / "input"
    (src / "henan").mkdir(parents=True)
    (src / "moe").mkdir()
    (src / "texts").mkdir()
    shutil.copy(PAGES["henan"], src / "henan" / "index.html")
    shutil.copy(PAGES["moe"], src / "moe" / "index.html")
    shutil.copy(PAGES["gbk"], src / "gbk-page.htm")
    shutil.copy(PAGES["text"], src / "texts" / "report.txt")
    (src / "notes.json").write_text("{}", encoding="utf-8")
    (src / ".hidden.html").write_text("<p>hidden</p>", encoding="utf-8")
    return src


# --- enumeration -----------------------------------------------------------------------


def test_sources_are_streamed_in_sorted_order_with_mirrored_names(tree):
    items = list(iter_items([tree], Selector()))
    assert [i.key for i in items] == [
        "gbk-page.htm", "henan/index.html", "moe/index.html", "texts/report.txt"]
    assert [i.out_base for i in items] == ["gbk-page", "henan/index", "moe/index", "texts/report"]
    assert items[1].document.data == PAGES["henan"].read_bytes()
    # a generator: nothing is listed up front
    assert inspect.isgenerator(iter_items([tree], Selector()))


def test_include_exclude_and_several_sources(tree, tmp_path):
    only_html = [i.key for i in iter_items([tree], Selector(include=("*.html",)))]
    assert only_html == ["henan/index.html", "moe/index.html"]
    no_moe = [i.key for i in iter_items([tree], Selector(exclude=("moe",)))]
    assert "moe/index.html" not in no_moe and "henan/index.html" in no_moe
    by_path = [i.key for i in iter_items([tree], Selector(exclude=("texts/*",)))]
    assert "texts/report.txt" not in by_path
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(PAGES["text2"], other / "a.txt")
    keys = [i.key for i in iter_items([tree, other, PAGES["henan"]], Selector())]
    assert keys[0] == "input/gbk-page.htm" and "other/a.txt" in keys and keys[-1] == "zyjhenan.gov.cn.html"


def test_names_of_container_members_and_urls():
    assert out_base_of("a/reports.zip/2023/index.html") == "a/reports/2023/index"
    assert out_base_of("crawl.warc.gz/www.gov.cn/x/content_1.htm") == "crawl/www.gov.cn/x/content_1"
    assert out_base_of("saved/page.mhtml") == "saved/page"
    assert url_to_path("http://www.gov.cn/zhengce/content_5.htm") == "www.gov.cn/zhengce/content_5.htm"
    assert url_to_path("https://x.gov.cn/") == "x.gov.cn/index.html"
    assert url_to_path("https://x.gov.cn/show.php?id=3") == "x.gov.cn/show.php_id=3.html"
    assert url_to_path("https://x.gov.cn/../../etc/passwd") == "x.gov.cn/etc/passwd.html"


# --- zip, WARC, MHTML ------------------------------------------------------------------


def make_zip(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("2022/index.html", PAGES["henan"].read_bytes())
        archive.writestr("2023/index.html", PAGES["moe"].read_bytes())
        archive.writestr("2023/logo.png", b"\x89PNG\r\n\x1a\n")
        archive.writestr("__MACOSX/._index.html", b"\x00\x05")
        archive.writestr("XXXX.txt", PAGES["text2"].read_bytes())
    # a member name as a Chinese Windows tool writes it: GBK bytes, no UTF-8 flag
    path.write_bytes(buffer.getvalue().replace(b"XXXX.txt", "报告.txt".encode("gbk")))


GBK_PAGE = ("<html><head><title>关于做好春季防火工作的通知</title></head><body>"
            "<h1>关于做好春季防火工作的通知</h1><p>各乡镇人民政府：</p>"
            "<p>一、提高认识，加强领导。春季是森林火灾的高发期，各地要高度重视。</p>"
            "<p>二、落实责任，严格管控。各地要层层落实防火责任。</p></body></html>")


def make_warc(path: Path, compressed: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=compressed)

        def response(url, body, content_type, status="200 OK"):
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers))

        # GBK bytes with no <meta charset>: only the HTTP header tells the charset
        response("http://www.example.gov.cn/zwgk/notice.htm", GBK_PAGE.encode("gbk"),
                 "text/html; charset=GBK")
        response("http://www.example.gov.cn/", PAGES["henan"].read_bytes(), "text/html; charset=utf-8")
        response("http://www.example.gov.cn/logo.png", b"\x89PNG\r\n", "image/png")
        response("http://www.example.gov.cn/missing.html", b"<html>gone</html>", "text/html",
                 status="404 Not Found")


def make_mhtml(path: Path) -> None:
    message = email.mime.multipart.MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = "http://www.example.gov.cn/mht/notice.html"
    message["Subject"] = "saved page"
    html = email.mime.text.MIMEText(GBK_PAGE, "html", "gb2312")  # base64 in GB2312
    html["Content-Location"] = "http://www.example.gov.cn/mht/notice.html"
    message.attach(html)
    css = email.mime.text.MIMEText("body { color: red }", "css", "utf-8")
    css["Content-Location"] = "http://www.example.gov.cn/mht/style.css"
    message.attach(css)
    path.write_bytes(message.as_bytes())


@pytest.mark.slow
def test_zip_warc_and_mhtml_inputs_convert_with_the_right_names(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    make_zip(src / "reports.zip")
    make_warc(src / "crawl.warc.gz")
    make_mhtml(src / "saved.mht")
    items = list(iter_items([src], Selector()))
    keys = [i.key for i in items]
    assert keys == [
        "crawl.warc.gz/www.example.gov.cn/zwgk/notice.htm",
        "crawl.warc.gz/www.example.gov.cn/index.html",
        "reports.zip/2022/index.html",
        "reports.zip/2023/index.html",
        "reports.zip/报告.txt",
        "saved.mht",
    ]
    warc_doc = items[0].document
    assert warc_doc.content_type == "text/html; charset=GBK"
    assert warc_doc.url == "http://www.example.gov.cn/zwgk/notice.htm"
    assert reader_for(items[-1].document).name == "mhtml"
    assert ir.meta_value(build_ir(items[-1].document, Settings()), "url") == "http://www.example.gov.cn/mht/notice.html"

    out = tmp_path / "out"
    result = cli(batch, [src, "-o", out, "-j", "1", "--report", tmp_path / "r.json", *FAST])
    assert result.exit_code == 0, result.output
    produced = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert produced == [
        "crawl/www.example.gov.cn/index.txt",
        "crawl/www.example.gov.cn/zwgk/notice.txt",
        "reports/2022/index.txt",
        "reports/2023/index.txt",
        "reports/报告.txt",
        "saved.txt",
    ]
    # the HTTP charset was honoured, and the MHTML part decoded from base64 GB2312
    for name in ("crawl/www.example.gov.cn/zwgk/notice.txt", "saved.txt"):
        text = (out / name).read_text(encoding="utf-8")
        assert "关于做好春季防火工作的通知" in text and "春季是森林火灾的高发期" in text
    report = report_of(tmp_path / "r.json")
    by_input = {e["input"]: e for e in report["inputs"]}
    assert by_input["saved.mht"]["url"] == "http://www.example.gov.cn/mht/notice.html"
    assert by_input["reports.zip/2022/index.html"]["outputs"]["xml"] == "reports/2022/index.xml"


@pytest.mark.slow
def test_broken_archives_fail_alone(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (src / "bad.warc.gz").write_bytes(gzip.compress(b"this is not a WARC record\r\n\r\n"))
    shutil.copy(PAGES["henan"], src / "good.html")
    report = tmp_path / "r.json"
    result = cli(batch, [src, "-o", tmp_path / "out", "-j", "1", "--report", report, *FAST])
    assert result.exit_code == 1
    got = statuses(report_of(report))
    assert got == {"bad.warc.gz": "failed", "bad.zip": "failed", "good.html": "ok"}
    assert "bad.zip: not a readable zip archive" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_cut_warc_file_fails_naming_the_record_where_it_was_cut(tmp_path, name):
    """A WARC file cut inside its second record (a download stopped short): the page before
    converts, the cut page is not converted from half its bytes, and the file fails naming the
    record (warcio itself ends such a file as if it were whole)."""
    from warcio.archiveiterator import ArchiveIterator

    src = tmp_path / "in"
    src.mkdir()
    make_warc(src / name, compressed=name.endswith(".gz"))
    with open(src / name, "rb") as handle:
        records = ArchiveIterator(handle)
        next(records)
        second = next(records)
        second.content_stream().read()
        cut = records.get_record_offset() + records.get_record_length() // 2
    (src / name).write_bytes((src / name).read_bytes()[:cut])
    report = tmp_path / "r.json"
    result = cli(batch, [src, "-o", tmp_path / "out", "-j", "1", "--report", report, *FAST])
    assert result.exit_code == 1
    assert statuses(report_of(report)) == {f"{name}/www.example.gov.cn/zwgk/notice.htm": "ok", name: "failed"}
    assert (f"{name}: WARC file is damaged: its record of http://www.example.gov.cn/ ends" in result.output
            and "short of its length" in result.output), result.output


# --- the batch: outputs, reports, exit codes -------------------------------------------


@pytest.mark.slow
def test_batch_mirrors_the_tree_and_writes_manifest_report_junit_index(tree, tmp_path):
    out = tmp_path / "out"
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    result = cli(batch, [tree, "-o", out, "-j", "2", "--report", report, "--junit", junit, *FAST])
    assert result.exit_code == 0, result.output
    for base in ("henan/index", "moe/index", "gbk-page", "texts/report"):
        assert (out / f"{base}.txt").is_file() and (out / f"{base}.xml").is_file()
    assert not (out / "notes.txt").exists() and not list(out.rglob("*.part"))
    assert "ok 4, failed 0, skipped 0" in result.output

    data = report_of(report)
    # the GBK forum page's date is only a guess and a picture is not saved beside it; the
    # text report's own enumeration skips 三是
    assert [e["input"] for e in data["inputs"] if e.get("warnings")] == ["gbk-page.htm", "texts/report.txt"]
    assert data["summary"] == {"total": 4, "ok": 4, "failed": 0, "skipped": 0, "with_warnings": 2}
    assert [e["input"] for e in data["inputs"]] == [
        "gbk-page.htm", "henan/index.html", "moe/index.html", "texts/report.txt"]
    assert data["inputs"][1]["outputs"] == {"txt": "henan/index.txt", "xml": "henan/index.xml"}

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["documents"] if e["input"] == "henan/index.html")
    assert entry["input_sha256"] == hashlib.sha256(PAGES["henan"].read_bytes()).hexdigest()
    assert entry["tool_version"] and entry["settings_hash"] == manifest["settings_hash"]
    assert entry["outputs"]["xml"]["sha256"] == hashlib.sha256(
        (out / "henan/index.xml").read_bytes()).hexdigest()
    assert not (out / mf.JOURNAL_NAME).exists()

    suite = etree.parse(str(junit)).getroot()
    assert suite.get("tests") == "4" and suite.get("failures") == "0"
    assert len(suite.findall(".//testcase")) == 4

    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="henan/index.xml"' in index and 'href="moe/index.txt"' in index
    assert "4 converted" in index


@pytest.mark.slow
def test_failures_are_one_line_each_and_exit_1(tree, tmp_path):
    (tree / "empty.html").write_bytes(b"")
    (tree / "binary.html").write_bytes(bytes(range(256)) * 8)
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    result = cli(batch, [tree, "-o", tmp_path / "out", "-j", "2", "--report", report, "--junit", junit, *FAST])
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if l.startswith(("pipeline: empty.html:", "pipeline: binary.html:"))]
    assert len(lines) == 2, result.output
    data = report_of(report)
    failed = {e["input"]: e["error"] for e in data["inputs"] if e["status"] == "failed"}
    assert set(failed) == {"empty.html", "binary.html"}
    assert all(error and "\n" not in error for error in failed.values())
    assert data["summary"]["failed"] == 2 and data["summary"]["ok"] == 4
    suite = etree.parse(str(junit)).getroot()
    assert suite.get("failures") == "2"
    assert suite.find(".//testcase[@name='empty.html']/failure") is not None
    assert not (tmp_path / "out" / "empty.txt").exists()


@pytest.mark.slow
def test_fail_on_warning(tmp_path):
    settings = Settings(formats=("txt",))
    warned = [p for p in PAGES.values()
              if convert(Document(p.name, p.read_bytes()), settings).diagnostics]
    if not warned:
        pytest.skip("no fixture page has a warning with the current rules")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(warned[0], src / warned[0].name)
    junit = tmp_path / "junit.xml"
    assert cli(batch, [src, "-o", tmp_path / "a", "-j", "1", *FAST]).exit_code == 0
    result = cli(batch, [src, "-o", tmp_path / "b", "-j", "1", "--fail-on", "warning", "--junit", junit, *FAST])
    assert result.exit_code == 1
    assert etree.parse(str(junit)).getroot().find(".//failure[@type='warning']") is not None


def test_usage_errors_exit_2(tree, tmp_path):
    assert cli(batch, [tree, "-o", tmp_path / "o", "-f", "rtf"]).exit_code == 2
    assert cli(batch, [tree, "-o", tree, *FAST]).exit_code == 2
    assert cli(batch, [tmp_path / "nowhere", "-o", tmp_path / "o"]).exit_code == 2
    assert cli(batch, [tree, "-o", tmp_path / "o", "--executor", "dask"]).exit_code == 2
    assert cli(check, [tmp_path]).exit_code == 2  # no manifest there


@pytest.mark.slow
def test_two_batches_never_write_one_folder_at_once(tree, tmp_path):
    out = tmp_path / "out"
    holder = mf.Journal(out, {"test": True}, keep=False)  # as a running batch holds it
    try:
        result = cli(batch, [tree, "-o", out, "-j", "1", *FAST])
        assert result.exit_code == 2 and "another batch is writing there now" in result.output
    finally:
        holder.close(remove=True)
    assert cli(batch, [tree, "-o", out, "-j", "1", *FAST]).exit_code == 0


@pytest.mark.slow
@pytest.mark.slow
def test_an_output_a_worker_cannot_write_stops_the_batch_with_exit_3(tmp_path):
    src = tmp_path / "input"
    (src / "a").mkdir(parents=True)
    shutil.copy(PAGES["text"], src / "a" / "report.txt")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").write_text("in the way", encoding="utf-8")
    result = cli(batch, [src, "-o", out, *FAST, "-j", "1", "--progress", "off"])
    assert result.exit_code == 3, result.output
    assert "cannot write output: a file is in the way of a folder" in result.output
    assert mf.read_state(out).entries == {}


@pytest.mark.slow
def test_same_output_name_in_one_folder_is_reported_not_overwritten(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(PAGES["henan"], src / "index.htm")
    shutil.copy(PAGES["moe"], src / "index.html")
    report = tmp_path / "r.json"
    result = cli(batch, [src, "-o", tmp_path / "out", "-j", "1", "--report", report, *FAST])
    assert result.exit_code == 1
    assert "index.html: its outputs (index.*) would overwrite an earlier input's" in result.output
    assert statuses(report_of(report)) == {"index.htm": "ok", "index.html": "failed"}


@pytest.mark.slow
def test_run_is_the_batch_with_the_configs_settings(tmp_path):
    """`pipeline run` mirrors folders (two index.html do not collide), opens zip, WARC and MHTML
    archives, and writes the manifest, report.json and index.html; `pipeline check` then reads
    the config the run read."""
    from pipeline.cli import main

    job = tmp_path / "job"
    src = job / "pages"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    shutil.copy(PAGES["henan"], src / "a" / "index.html")
    shutil.copy(PAGES["moe"], src / "b" / "index.html")
    make_zip(src / "reports.zip")
    make_warc(src / "crawl.warc.gz")
    make_mhtml(src / "saved.mht")
    (job / "config.yaml").write_text("input: pages\noutput: converted\nformats: [txt, xml]\n", encoding="utf-8")
    os.chdir(job)
    result = CliRunner().invoke(main, ["run", "-j", "2", "--progress", "off"])
    assert result.exit_code == 0, result.output
    out = job / "converted"
    produced = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert produced == ["a/index.txt", "b/index.txt", "crawl/www.example.gov.cn/index.txt",
                        "crawl/www.example.gov.cn/zwgk/notice.txt", "reports/2022/index.txt",
                        "reports/2023/index.txt", "reports/报告.txt", "saved.txt"]
    report = report_of(out / "report.json")
    assert report["summary"]["ok"] == 8 and report["formats"] == ["txt", "xml"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"] == "config.yaml" and len(manifest["documents"]) == 8
    assert "a/index.html" in (out / "index.html").read_text(encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", "converted"])
    assert checked.exit_code == 0 and "8 up to date, 0 out of date" in checked.output


# --- determinism -----------------------------------------------------------------------


@pytest.mark.slow
def test_identical_bytes_across_runs_and_between_jobs_1_and_2(tree, tmp_path):
    runs = {}
    for name, jobs in (("a", "1"), ("b", "2"), ("c", "2")):
        out = tmp_path / name
        result = cli(batch, [tree, "-o", out, "-j", jobs, "--report", out / "report.json",
                             "--junit", out / "junit.xml", *FAST])
        assert result.exit_code == 0, result.output
        runs[name] = files_of(out)
        # the JUnit file alone carries durations (CI systems show them); the rest is the same bytes
        runs[name]["junit.xml"] = re.sub(rb' time="[0-9.]+"', b"", runs[name]["junit.xml"])
    assert runs["a"] == runs["b"] == runs["c"]
    assert {"manifest.json", "index.html", "report.json", "junit.xml"} <= set(runs["a"])


# --- resume and check ------------------------------------------------------------------


@pytest.mark.slow
def test_resume_skips_unchanged_and_redoes_changed(tree, tmp_path):
    out, report = tmp_path / "out", tmp_path / "r.json"
    assert cli(batch, [tree, "-o", out, "-j", "1", *FAST]).exit_code == 0
    assert cli(check, [out]).exit_code == 0

    shutil.copy(PAGES["text2"], tree / "texts" / "report.txt")  # changed input
    (tree / "new.txt").write_bytes(PAGES["text"].read_bytes())  # new input
    result = cli(check, [out])
    assert result.exit_code == 1
    assert "texts/report.txt: input changed" in result.output
    assert "new.txt: not converted yet" in result.output

    result = cli(batch, [tree, "-o", out, "-j", "1", "--resume", "--report", report, *FAST])
    assert result.exit_code == 0, result.output
    assert statuses(report_of(report)) == {
        "gbk-page.htm": "skipped", "henan/index.html": "skipped", "moe/index.html": "skipped",
        "new.txt": "ok", "texts/report.txt": "ok"}
    assert cli(check, [out]).exit_code == 0
    fresh = tmp_path / "fresh"
    assert cli(batch, [tree, "-o", fresh, "-j", "2", *FAST]).exit_code == 0
    resumed_files, fresh_files = files_of(out), files_of(fresh)
    del resumed_files["index.html"], fresh_files["index.html"]  # these say 'skipped' vs 'ok'
    assert resumed_files == fresh_files  # resuming ends where a fresh batch does (manifest too)

    # a changed setting (here SOURCE_DATE_EPOCH) makes everything out of date
    assert cli(check, [out], env={"SOURCE_DATE_EPOCH": "1700000000"}).exit_code == 1
    result = cli(batch, [tree, "-o", out, "-j", "1", "--resume", "--report", report, *FAST],
                 env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert set(statuses(report_of(report)).values()) == {"ok"}


def test_manifest_records_what_shaped_the_bytes_and_a_change_makes_outputs_stale(tree, tmp_path):
    """The manifest's header names the versions of Python and of the libraries the writers
    use (and with DOCX or PDF the font file of each role); outputs made under other versions
    are out of date for ``check`` and converted again by ``--resume``."""
    from importlib import metadata

    from pipeline.batch import manifest as mf

    out, report = tmp_path / "out", tmp_path / "r.json"
    assert cli(batch, [tree, "-o", out, "-j", "1", "-f", "txt,docx"]).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    shaped = manifest["shaped_by"]
    assert shaped["versions"]["python-docx"] == metadata.version("python-docx")
    assert shaped["versions"]["lxml"] == metadata.version("lxml")
    assert shaped["versions"]["deflate"] == metadata.version("deflate")  # it bundles libdeflate
    assert set(shaped["fonts"]) == {"title", "body", "heading1", "heading2", "heading3", "heading4", "page_number"}
    assert all(Path(face.split("#")[0]).is_file() for face in shaped["fonts"].values())
    assert cli(check, [out, tree]).exit_code == 0

    shaped["versions"]["python-docx"] = "0.1"  # as if made under another python-docx
    for entry in manifest["documents"]:
        entry["shaped_by_hash"] = mf.shaping_hash(shaped)
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = cli(check, [out, tree])
    assert result.exit_code == 1
    assert f"converted with other versions or fonts: python-docx 0.1 → {metadata.version('python-docx')}" in result.output
    assert cli(batch, [tree, "-o", out, "-j", "1", "-f", "txt,docx", "--resume", "--report", report]).exit_code == 0
    assert set(statuses(report_of(report)).values()) == {"ok"}
    assert cli(check, [out, tree]).exit_code == 0


@pytest.mark.slow
def test_check_finds_modified_missing_and_stale_outputs(tree, tmp_path):
    out = tmp_path / "out"
    assert cli(batch, [tree, "-o", out, "-j", "1", *FAST]).exit_code == 0
    (out / "henan" / "index.xml").write_bytes(b"<edited/>")
    (out / "moe" / "index.txt").unlink()
    (tree / "gbk-page.htm").unlink()
    result = cli(check, [out])
    assert result.exit_code == 1
    assert "henan/index.html: output henan/index.xml was modified" in result.output
    assert "moe/index.html: output moe/index.txt is missing" in result.output
    assert "gbk-page.htm: input no longer exists" in result.output
    # other formats are other settings
    assert cli(check, [out, "-f", "xml"]).exit_code == 1


def _start_batch(src: Path, out: Path, *extra) -> subprocess.Popen:
    return subprocess.Popen([*SUBPROCESS_CLI, str(src), "-o", str(out), "-j", "1", "--progress", "off",
                             *FAST, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=out.parent, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _many_inputs(tmp_path: Path, copies: int) -> Path:
    src = tmp_path / "many"
    pages = [PAGES["henan"], PAGES["gbk"], PAGES["text"], PAGES["text2"]]
    for n in range(copies):
        folder = src / f"{n:03d}"
        folder.mkdir(parents=True)
        for page in pages:
            shutil.copy(page, folder / page.name)
    return src


def _wait_for_entries(out: Path, proc: subprocess.Popen, count: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = len(mf.read_state(out).entries) if out.exists() else 0
        if done >= count:
            return done
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.005)
    raise AssertionError("the batch made no progress")


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_batch_leaves_no_partial_file_and_resumes_without_redoing(tmp_path, how):
    src = _many_inputs(tmp_path, 40)  # 160 documents
    out = tmp_path / "out"
    proc = _start_batch(src, out)
    _wait_for_entries(out, proc, 12)
    proc.send_signal(how)
    proc.wait(timeout=30)
    if how == signal.SIGTERM:
        assert proc.returncode == 130
        assert not (out / mf.JOURNAL_NAME).exists()  # merged into manifest.json
        assert not list(out.rglob("*.part"))
    done = mf.read_state(out).entries
    assert 12 <= len(done) < 160
    for entry in done.values():  # every recorded output is whole
        for output in entry["outputs"].values():
            data = (out / output["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == output["sha256"]

    report = tmp_path / "r.json"
    resumed = _start_batch(src, out, "--resume", "--report", str(report))
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err.decode()
    got = statuses(report_of(report))
    assert len(got) == 160
    assert {k for k, s in got.items() if s == "skipped"} == set(done)
    assert all(s == "ok" for k, s in got.items() if k not in done)
    assert not list(out.rglob("*.part")) and not (out / mf.JOURNAL_NAME).exists()
    assert cli(check, [out]).exit_code == 0


def test_the_order_formats_are_named_in_is_not_a_setting():
    """`-f pdf,docx` then `-f docx,pdf --resume` skips what is done (the settings hash ignores the order)."""
    from pipeline.config import settings_hash

    assert settings_hash(Settings(formats=("pdf", "docx"))) == settings_hash(Settings(formats=("docx", "pdf")))
    assert settings_hash(Settings(formats=("pdf",))) != settings_hash(Settings(formats=("pdf", "docx")))


# --- crash and time-limit isolation ----------------------------------------------------


def misbehaving_worker(conn, settings, formats):
    """worker_main, except that documents named crash.* kill the process, hang.* never end
    and hang-writing.* never end while writing their output."""
    import pipeline.batch.worker as worker

    real_convert, real_write = worker.convert_document, worker.write_atomic

    def convert_or_misbehave(document, settings, formats):
        if document.name.startswith("crash"):
            os.kill(os.getpid(), signal.SIGSEGV)
        if document.name.startswith("hang."):
            while True:
                time.sleep(1)
        return real_convert(document, settings, formats)

    def write_or_hang(path, data):
        if path.name.startswith("hang-writing"):
            with atomic_open(path) as handle:
                handle.write(data[:10])
                handle.flush()
                while True:
                    time.sleep(1)
        real_write(path, data)

    worker.convert_document, worker.write_atomic = convert_or_misbehave, write_or_hang
    worker_main(conn, settings, formats)


@pytest.mark.slow
def test_a_crash_or_a_hang_fails_that_document_alone(tmp_path):
    settings = Settings(formats=("txt",))
    page = PAGES["henan"].read_bytes()
    names = ["a.html", "crash.html", "b.html", "hang.html", "c.html", "hang-writing.html", "d.html"]
    pool = LocalPool(2, settings, ("txt",), timeout=3.0, target=misbehaving_worker)
    try:
        outcomes = dict(pool.map((name, Job(Document(name, page), tmp_path, Path(name).stem)) for name in names))
    finally:
        pool.close()
    assert outcomes["crash.html"]["status"] == "failed"
    assert "worker crashed (signal SIGSEGV)" in outcomes["crash.html"]["error"]
    assert outcomes["hang.html"] == outcomes["hang-writing.html"] == {"status": "failed", "error": "timed out after 3 s"}
    for name in ("a.html", "b.html", "c.html", "d.html"):  # written by the worker, as it says
        output = outcomes[name]["outputs"]["txt"]
        assert hashlib.sha256((tmp_path / output["path"]).read_bytes()).hexdigest() == output["sha256"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "c.txt", "d.txt"]  # no temporary left


def outcomes_within(pool: LocalPool, documents: list[tuple[str, bytes]], outdir: Path, seconds: float = 60) -> dict:
    """``pool``'s outcomes of ``documents`` (name, bytes), by name; fails when the batch has not
    finished within ``seconds`` (one that hangs would hold up the suite). The pool is closed."""
    import threading

    outcomes: dict = {}
    run = threading.Thread(target=lambda: outcomes.update(
        pool.map((name, Job(Document(name, data), outdir, Path(name).stem)) for name, data in documents)),
        daemon=True)
    try:
        run.start()
        run.join(seconds)
        assert not run.is_alive(), "the batch did not finish"
    finally:
        pool.close(kill=True)
    return outcomes


@pytest.mark.slow
def test_a_large_document_behind_a_hang_does_not_hold_up_the_batch(tmp_path):
    """A document larger than a pipe holds is not written behind one the worker converts (the
    write would wait for the worker to read it): the hang still times out, and the large
    document is converted after it."""
    page = PAGES["henan"].read_bytes()
    large = page + b"<!--" + b"x" * 3_000_000 + b"-->"
    pool = LocalPool(1, Settings(formats=("txt",)), ("txt",), timeout=3.0, target=misbehaving_worker)
    outcomes = outcomes_within(pool, [("hang.html", page), ("large.html", large), ("c.html", page)], tmp_path)
    assert outcomes["hang.html"] == {"status": "failed", "error": "timed out after 3 s"}
    assert outcomes["large.html"]["status"] == outcomes["c.html"]["status"] == "ok"


def pipe_breaking_worker(conn, settings, formats):
    """worker_main, except that a document named shut.* closes the reading side of the
    worker's pipe before its outcome is sent (every later write of the parent fails, as to a
    worker that has died), and one named after-shut.* never ends."""
    import socket

    import pipeline.batch.worker as worker

    real_convert = worker.convert_document

    def convert_or_break(document, settings, formats):
        if document.name.startswith("shut."):
            socket.socket(fileno=os.dup(conn.fileno())).shutdown(socket.SHUT_RD)
        if document.name.startswith("after-shut."):
            while True:
                time.sleep(1)
        return real_convert(document, settings, formats)

    worker.convert_document = convert_or_break
    worker_main(conn, settings, formats)


@pytest.mark.slow
def test_a_worker_gone_before_its_next_document_is_sent_fails_only_the_one_it_had(tmp_path):
    """A worker that answers, takes the document queued in its pipe and dies on it can be gone
    when the next one is written to it: that document goes to its replacement, the one it
    died on fails, and the batch goes on."""
    page = PAGES["henan"].read_bytes()
    names = ["shut.html", "after-shut.html", "b.html", "c.html"]
    pool = LocalPool(1, Settings(formats=("txt",)), ("txt",), timeout=30.0, target=pipe_breaking_worker)
    try:
        outcomes = dict(pool.map((name, Job(Document(name, page), tmp_path, Path(name).stem)) for name in names))
    finally:
        pool.close()
    assert [outcomes[name]["status"] for name in names] == ["ok", "failed", "ok", "ok"]
    assert outcomes["after-shut.html"]["error"].startswith("worker crashed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt", "c.txt", "shut.txt"]


def pipe_breaking_starter(conn, settings, formats):
    """worker_main, except that the first worker started with these settings closes the
    reading side of its pipe just before it says it is ready, and never ends (the font cache
    folder, the test's own, holds the mark that it was the first)."""
    import socket

    mark = settings.pdf.font_cache_dir / "pipe-broken-once"
    if not mark.exists():
        mark.touch()
        socket.socket(fileno=os.dup(conn.fileno())).shutdown(socket.SHUT_RD)
        conn.send("ready")
        while True:
            time.sleep(1)
    worker_main(conn, settings, formats)


@pytest.mark.slow
def test_an_idle_worker_that_cannot_be_written_to_is_replaced(tmp_path):
    """A worker whose pipe breaks while it holds no document is replaced, and its documents
    are converted by the new one; the batch neither fails nor waits on it."""
    page = PAGES["henan"].read_bytes()
    cache = tmp_path / "cache"
    cache.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    settings = Settings(formats=("txt",), pdf=PdfSettings(font_cache_dir=cache))
    pool = LocalPool(1, settings, ("txt",), timeout=30.0, target=pipe_breaking_starter)
    outcomes = outcomes_within(pool, [("a.html", page), ("b.html", page)], out)
    assert [outcomes[name]["status"] for name in ("a.html", "b.html")] == ["ok", "ok"]
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]


@pytest.mark.slow
def test_the_documents_queued_behind_a_crash_or_a_hang_are_converted(tmp_path):
    """One worker holds the document it converts and the next; when the first kills it or
    runs out of time, the next is converted by its replacement, not lost or failed with it."""
    page = PAGES["henan"].read_bytes()
    names = ["crash.html", "a.html", "hang.html", "b.html", "c.html"]
    pool = LocalPool(1, Settings(formats=("txt",)), ("txt",), timeout=3.0, target=misbehaving_worker)
    try:
        outcomes = list(pool.map((name, Job(Document(name, page), tmp_path, Path(name).stem)) for name in names))
    finally:
        pool.close()
    assert [(name, outcome["status"]) for name, outcome in outcomes] == [
        ("crash.html", "failed"), ("a.html", "ok"), ("hang.html", "failed"), ("b.html", "ok"), ("c.html", "ok")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "c.txt"]


@pytest.mark.slow
def test_at_most_two_documents_per_worker_are_in_flight(tmp_path):
    page = PAGES["text2"].read_bytes()
    pulled = []

    def tasks():
        for n in range(12):
            pulled.append(n)
            yield n, Job(Document(f"{n}.txt", page), tmp_path, str(n))

    pool = LocalPool(2, Settings(formats=("txt",)), ("txt",), timeout=60)
    try:
        for done, (tag, outcome) in enumerate(pool.map(tasks()), start=1):
            assert outcome["status"] == "ok"
            assert len(pulled) - done <= 4  # read ahead of the results by two per worker at most
    finally:
        pool.close()
    assert done == 12


def test_plain_progress_lines():
    from pipeline.batch.progress import Progress
    from pipeline.batch.report import DocResult

    stream = io.StringIO()
    progress = Progress(stream=stream, mode="auto", interval=0.0)  # not a terminal: plain lines
    progress._counted = 3
    progress.update(DocResult("a.html", "ok"))
    progress.update(DocResult("b.html", "failed", error="empty input"))
    progress.write("pipeline: b.html: empty input")  # a log line, as logs.writing_through sends it
    progress.close()
    lines = stream.getvalue().splitlines()
    assert "pipeline: b.html: empty input" in lines
    assert any(l.startswith("2/3 documents (ok 1, failed 1, skipped 0)") and "docs/s" in l for l in lines)


def test_log_lines_go_through_the_progress_bar():
    """While a bar is shown, failure and warning lines are written by it (tqdm.write), so they
    never land in the middle of the bar."""
    from pipeline import logs
    from pipeline.batch.progress import Progress

    stream = io.StringIO()
    progress = Progress(stream=stream, mode="bar")
    with logs.session(0), logs.writing_through(progress.write):
        logs.document_result("b.html", "failed", "empty input", [])
        logs.document_result("c.html", "ok", None, ["picture-missing: picture a.png not embedded"])
    progress.close()
    text = stream.getvalue()
    assert "pipeline: b.html: empty input\n" in text
    assert "pipeline: c.html: warning: picture-missing: picture a.png not embedded\n" in text


def test_conversion_errors_come_back_as_values():
    outcome = convert_document(Document("x.html", b"   "), Settings(formats=("txt",)), ("txt",))
    assert outcome["status"] == "failed" and outcome["error"]


# --- Dask ------------------------------------------------------------------------------


@pytest.mark.slow
def test_dask_executor_on_a_local_cluster(tree, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = tmp_path / "local"
    assert cli(batch, [tree, "-o", local, "-j", "1", *FAST]).exit_code == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://",
                                  host="127.0.0.1", scheduler_port=0, dashboard_address=None) as cluster:
        out = tmp_path / "dask"
        result = cli(batch, [tree, "-o", out, "--executor", "dask", "--scheduler",
                             cluster.scheduler_address, "--timeout", "60", *FAST])
    assert result.exit_code == 0, result.output
    assert files_of(out) == files_of(local)


@pytest.mark.slow
def test_dask_workers_in_another_environment_give_the_same_bytes(tree, tmp_path):
    """Workers started in another environment (another SOURCE_DATE_EPOCH, time zone and
    language) write what a local batch writes, DOCX and PDF included: the settings travel with
    each task, and the environment is held to them while a document converts."""
    distributed = pytest.importorskip("distributed")
    (tree / "texts" / "report.txt").unlink()  # three documents are enough for PDF and DOCX
    formats = ["-f", "xml,txt,docx,pdf"]
    client_env = {"SOURCE_DATE_EPOCH": "1704067200", "TZ": "Asia/Shanghai"}
    local = tmp_path / "local"
    assert cli(batch, [tree, "-o", local, "-j", "2", *formats], env=client_env).exit_code == 0
    worker_env = {"SOURCE_DATE_EPOCH": "999999999", "TZ": "America/Los_Angeles", "LANG": "C", "LC_ALL": "C"}
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, protocol="tcp://",
                                  host="127.0.0.1", scheduler_port=0, dashboard_address=None,
                                  env=worker_env) as cluster, \
            distributed.Client(cluster.scheduler_address) as client:
        seen = client.run(lambda: (os.environ.get("SOURCE_DATE_EPOCH"), os.environ.get("TZ")))
        assert list(seen.values()) == [("999999999", "America/Los_Angeles")]  # really another environment
        out = tmp_path / "dask"
        result = cli(batch, [tree, "-o", out, "--executor", "dask", "--scheduler", cluster.scheduler_address,
                             "--timeout", "120", *formats], env=client_env)
        assert result.exit_code == 0, result.output
        assert list(client.run(lambda: os.environ.get("SOURCE_DATE_EPOCH")).values()) == ["999999999"]
    produced, expected = files_of(out), files_of(local)
    assert sorted(produced) == sorted(expected) and any(name.endswith(".pdf") for name in produced)
    for name in expected:
        assert produced[name] == expected[name], name


SHARED_HTML = ROOT.parent / "shared" / "corpus" / "html"


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.skipif(not SHARED_HTML.is_dir(), reason="the shared corpus is not beside the project")
def test_whole_corpus_html_tree_in_every_format(tmp_path):
    """Good, broken, GBK and UTF-16 pages: every convertible page converts; each failure is one
    line naming its input; the exit code is 1 exactly when something failed."""
    out, report = tmp_path / "out", tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "batch", str(SHARED_HTML), "-o", str(out), "--jobs", "2",
         "-f", "xml,txt,docx,pdf", "--report", str(report), "--progress", "off"],
        capture_output=True, text=True, timeout=900, check=False)
    assert "Traceback" not in proc.stderr
    docs = json.loads(report.read_text(encoding="utf-8"))["inputs"]
    failed = [d for d in docs if d["status"] == "failed"]
    # every page of the corpus converts in every format (with Symbola, even the forum page
    # with an emoji; a character no font has is a warning and a [U+XXXX] in the PDF)
    assert len(docs) == 327 and failed == []
    assert proc.returncode == (1 if failed else 0)
    for doc in failed:
        lines = [l for l in proc.stderr.splitlines() if doc["input"] in l and "warning" not in l]
        assert len(lines) == 1 and "\n" not in doc["error"]
    for doc in docs:
        if doc["status"] == "ok":
            assert sorted(doc["outputs"]) == ["docx", "pdf", "txt", "xml"]
            assert all((out / path).is_file() for path in doc["outputs"].values())
    assert not list(out.rglob("*.part"))


@pytest.mark.slow
def test_the_forkserver_warms_up_with_the_regular_expressions_the_command_line_keeps(tmp_path):
    """The forkserver a batch's workers are forked from makes its regular expressions from the
    programs kept on disk (``regex_cache``), as the command line does: compiling them afresh
    was a third of every batch's warm-up."""
    from pipeline import regex_cache

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "import pipeline.batch.preload"], env=env, check=True,
                   capture_output=True, timeout=120)
    _saves, kept = regex_cache._read(regex_cache.store_path(tmp_path / "pipeline"))
    assert len(kept) > 100  # the clean rules' among them


@pytest.mark.slow
@pytest.mark.parametrize("command", ["batch", "run"])
def test_a_batch_starts_its_forkserver_before_it_reads_its_settings(tmp_path, command):
    """``pipeline batch`` and ``pipeline run`` start the forkserver their workers are forked
    from first thing, so that it warms up (half a second) while the parent reads its settings
    and inputs: at that moment the settings model is not yet imported; the batch converts."""
    (tmp_path / "in").mkdir()
    shutil.copy(PAGES["text"], tmp_path / "in" / "report.txt")
    (tmp_path / "config.yaml").write_text(f"input: {tmp_path / 'in'}\noutput: {tmp_path / 'out'}\nformats: [txt]\n")
    args = (["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-f", "txt"] if command == "batch"
            else ["run", "--config", str(tmp_path / "config.yaml")])
    code = ("import sys, json, atexit; from pipeline.batch import forkserver; calls = []; start = forkserver.start; "
            "forkserver.start = lambda: (calls.append('pipeline.config' in sys.modules), start())[1]; "
            "atexit.register(lambda: print(json.dumps(calls))); "
            f"sys.argv = ['pipeline', *{args!r}, '-q', '--progress', 'off']; "
            "from pipeline.cli import entry; entry()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip()) == [False]
    assert (tmp_path / "out" / "report.txt").is_file()


def test_the_forkserver_imports_what_the_command_line_imports_only_when_a_page_needs_it():
    """The modules a conversion imports only for some pages (charset_normalizer for bytes of
    no known encoding, the e-mail package for a saved message or a transport's date) are
    imported by the forkserver, once, not by each worker at its first such page."""
    code = ("import sys, pipeline.batch.preload; "
            "print([m for m in ('charset_normalizer', 'email.policy', 'email.utils') if m not in sys.modules])")
    found = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=120)
    assert found.stdout.strip() == "[]"
