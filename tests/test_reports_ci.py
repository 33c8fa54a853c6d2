"""What a batch leaves for CI and for people: JUnit XML valid under the common junit-10.xsd,
an index.html a reader can use (checked in a real browser where Chromium is installed), the
GitHub Actions workflow of docs/ci.md as written, and the distribution's name.

Batches here run in this process (the runner's ``inprocess`` executor), so they start no
worker processes.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
import yaml
from lxml import etree, html

from pipeline import logs
from pipeline.batch.runner import BatchOptions, run_batch
from pipeline.cli import main
from pipeline.config import Settings

from .conftest import CORPUS_COPY, REFERENCE, in_ci

ROOT = Path(__file__).parent.parent
XSD = Path(__file__).parent / "data" / "junit" / "junit-10.xsd"
WARNED = CORPUS_COPY / "text" / "03_szlh_zsj_2025_fzzf_depth3.txt"
MOE = CORPUS_COPY / "html" / "wjmoe.gov.cn.html"


def inputs(tmp_path: Path) -> Path:
    """ok pages in folders, one with a warning, two that fail."""
    src = tmp_path / "in"
    (src / "a").mkdir(parents=True)
    (src / "b.c").mkdir()
    shutil.copy(REFERENCE, src / "a" / "report.txt")
    shutil.copy(MOE, src / "b.c" / "index.html")
    shutil.copy(WARNED, src / "warned.txt")
    (src / "empty.html").write_bytes(b"")
    (src / "zz-binary.html").write_bytes(bytes(range(256)) * 8)
    return src


def batch(src: Path, out: Path, formats=("xml", "txt"), **options):
    return run_batch(BatchOptions(sources=[src], outdir=out, formats=formats, executor="inprocess", **options),
                     Settings(formats=formats))


# --- JUnit --------------------------------------------------------------------------------


def test_junit_is_valid_under_junit_10_xsd(tmp_path):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    src, out = inputs(tmp_path), tmp_path / "out"
    files = {"plain": tmp_path / "plain.xml", "resumed": tmp_path / "resumed.xml", "strict": tmp_path / "strict.xml"}
    batch(src, out, junit=files["plain"])
    batch(src, out, junit=files["resumed"], resume=True)  # skipped documents
    batch(src, tmp_path / "o2", junit=files["strict"], fail_on_warning=True)
    for name, path in files.items():
        tree = etree.parse(str(path))
        assert schema.validate(tree), (name, [str(e) for e in schema.error_log])
        root = tree.getroot()
        assert root.tag == "testsuites" and "skipped" not in root.attrib
        assert re.fullmatch(r"\d+\.\d{3}", root.get("time"))
        suite = root.find("testsuite")
        assert re.fullmatch(r"\d+\.\d{3}", suite.get("time"))
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [
            "a/report.txt", "b.c/index.html", "empty.html", "warned.txt", "zz-binary.html"]
        for case in cases:
            assert re.fullmatch(r"\d+\.\d{3}", case.get("time")), name
            assert not re.search(r"[./\\]", case.get("classname")), case.get("classname")
        assert suite.find("properties/property[@name='settings_hash']") is not None
    resumed = etree.parse(str(files["resumed"])).getroot().find("testsuite")
    assert resumed.get("skipped") == "3" and len(resumed.findall("testcase/skipped")) == 3
    strict = etree.parse(str(files["strict"])).getroot()
    assert strict.get("failures") == "3" and strict.find(".//failure[@type='warning']") is not None


def test_the_old_junit_shape_fails_the_schema():
    """The schema test has teeth: what the batch wrote before (``skipped`` on testsuites, a
    ``file`` attribute on testcase) is invalid."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    old = etree.fromstring(b'<testsuites name="x" tests="1" failures="0" errors="0" skipped="0">'
                           b'<testsuite name="x" tests="1" failures="0" errors="0" skipped="0">'
                           b'<testcase classname="a/b.c" name="i.html" file="a/b.c/i.html"/></testsuite></testsuites>')
    assert not schema.validate(old)


# --- index.html ---------------------------------------------------------------------------


def rows_of(index: Path) -> list:
    return html.parse(str(index)).getroot().findall(".//table[@id='documents']/tbody/tr")


def test_index_shows_title_date_publisher_failures_first_and_files_in_one_order(tmp_path):
    src, out = inputs(tmp_path), tmp_path / "out"
    batch(src, out, formats=("txt", "xml", "html", "md"))  # the files' order below does not follow -f
    page = html.parse(str(out / "index.html")).getroot()
    rows = rows_of(out / "index.html")
    assert [r.get("class") for r in rows] == ["failed", "failed", "ok", "ok", "ok"]
    assert [r.find(".//code").text for r in rows] == [
        "empty.html", "zz-binary.html", "a/report.txt", "b.c/index.html", "warned.txt"]
    first_ok = rows[2]
    cells = first_ok.findall("td")
    assert cells[1].find("div[@class='title']").text_content() == "深圳市罗湖区人民政府2023年法治政府建设年度报告"
    assert cells[2].text_content() == "罗湖区委（政府）办" and cells[3].text_content() == "2023-12-21"
    for row in rows[2:]:
        assert [a.text for a in row.findall(".//td[@class='files']/a")] == ["HTML", "Markdown", "Text", "XML"]
        assert row.find(".//div[@class='title']").text_content().strip()
    assert "empty input" in rows[0].text_content()
    assert "1 warning" in rows[4].text_content() and rows[4].get("data-problem") is not None
    search = page.find(".//input[@id='filter']")
    assert search is not None and search.get("type") == "search"
    assert page.find(".//input[@id='problems']").get("type") == "checkbox"
    settings_hash = page.find(".//meta[@name='pipeline-settings-hash']").get("content")
    body = page.find("body")
    for script in body.findall(".//script"):
        script.getparent().remove(script)
    assert len(settings_hash) == 16 and settings_hash not in body.text_content()


def test_skipped_documents_keep_their_title_in_the_index(tmp_path):
    src, out = inputs(tmp_path), tmp_path / "out"
    batch(src, out)
    batch(src, out, resume=True)
    rows = rows_of(out / "index.html")
    skipped = [r for r in rows if r.get("class") == "skipped"]
    assert len(skipped) == 3
    assert skipped[0].find(".//div[@class='title']").text_content() == "深圳市罗湖区人民政府2023年法治政府建设年度报告"
    assert skipped[0].findall("td")[3].text_content() == "2023-12-21"


@pytest.mark.slow
@pytest.mark.render
def test_index_filter_works_in_a_browser(tmp_path):
    """Headless Chromium runs the page's script: the filter box and the problems switch hide rows."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        if in_ci():
            pytest.fail("Chromium is not installed (apt-get install chromium): CI must run this check")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    src, out = inputs(tmp_path), tmp_path / "out"
    batch(src, out)
    page = (out / "index.html").read_text(encoding="utf-8")

    def dom(script: str) -> html.HtmlElement:
        probe = out / "probe.html"
        probe.write_text(page.replace("</body>", f"<script>{script}</script></body>"), encoding="utf-8")
        proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                               probe.as_uri()], capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return html.fromstring(proc.stdout)

    def shown(root) -> list[str]:
        return [r.find(".//code").text for r in root.findall(".//table[@id='documents']/tbody/tr")
                if r.get("hidden") is None]

    untouched = dom("")
    assert untouched.get_element_by_id("tools").get("hidden") is None
    assert untouched.get_element_by_id("shown").text == "5 of 5 shown"
    filtered = dom('var b = document.getElementById("filter"); b.value = "罗湖 2023";'
                   'b.dispatchEvent(new Event("input"));')
    assert shown(filtered) == ["a/report.txt"] and filtered.get_element_by_id("shown").text == "1 of 5 shown"
    problems = dom('var c = document.getElementById("problems"); c.checked = true;'
                   'c.dispatchEvent(new Event("change"));')
    assert shown(problems) == ["empty.html", "zz-binary.html", "warned.txt"]


# --- messages of libraries ------------------------------------------------------------------


def test_library_output_is_captured_in_its_thread_only(capsys):
    import threading

    seen = []
    other = threading.Event()
    done = threading.Event()

    def elsewhere():
        other.wait(5)
        sys.stderr.write("from another thread\n")
        done.set()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    handler_records = []

    class Keep(__import__("logging").Handler):
        def emit(self, record):
            handler_records.append(record.getMessage())

    keep = Keep()
    logger = __import__("logging").getLogger("warcio")
    logger.addHandler(keep)
    try:
        with logs.library_output("warcio", "crawl.warc"):
            sys.stderr.write("WARNING: Record not followed by newline\n")
            other.set()
            done.wait(5)
            seen.append(sys.stderr)
    finally:
        logger.removeHandler(keep)
        thread.join()
    assert handler_records == ["crawl.warc: WARNING: Record not followed by newline"]
    err = capsys.readouterr().err
    assert "from another thread" in err and "Record not followed" not in err
    assert sys.stderr is not seen[0]  # the stand-in is gone once no thread needs it


# --- the GitHub Actions workflow of docs/ci.md -------------------------------------------------


def workflow() -> dict:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return yaml.safe_load(blocks[0])


def run_steps(flow: dict) -> dict[str, str]:
    return {step.get("name", step.get("uses", "")): step["run"]
            for step in flow["jobs"]["convert"]["steps"] if "run" in step}


def test_the_ci_workflow_installs_what_it_needs_and_may_report(tmp_path):
    flow = workflow()
    assert flow["permissions"] == {"contents": "read", "checks": "write"}
    steps = flow["jobs"]["convert"]["steps"]
    uses = {step["uses"].split("@")[0]: step for step in steps if "uses" in step}
    assert {"actions/checkout", "actions/setup-python", "actions/upload-artifact",
            "mikepenz/action-junit-report"} <= set(uses)
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert uses["actions/upload-artifact"]["with"]["path"] == "output/"
    assert uses["actions/upload-artifact"]["if"] == "always()"
    assert uses["mikepenz/action-junit-report"]["with"]["report_paths"] == "junit.xml"
    install = next(script for name, script in run_steps(flow).items() if name.startswith("Install"))
    for package in ("fonts-arphic-ukai", "fonts-arphic-uming", "fonts-symbola", "poppler-utils"):
        assert package in install, package
    assert "sudo apt-get install" in install and "pip install ." in install
    distribution = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    assert f"{distribution} @ git+https://" in (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")


def test_every_pipeline_command_in_the_workflow_parses():
    commands = []
    for script in run_steps(workflow()).values():
        for line in script.replace("\\\n", " ").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("pipeline "):
                commands.append(shlex.split(line)[1:])
    assert ["run", "--resume", "--junit", "junit.xml"] in commands
    for args in commands:
        try:
            main.make_context("pipeline", list(args))
        except click.exceptions.Exit:
            pass  # --version


@pytest.mark.slow
@pytest.mark.render
def test_the_workflows_steps_run_as_written(tmp_path):
    """The convert, PDF check and summary steps, run by bash in a copy of the project (its
    config.yaml and input/), as GitHub's runner would run them."""
    for tool in ("jq", "pdfinfo", "pdffonts", "bash"):
        if shutil.which(tool) is None:
            if os.environ.get("CI"):
                pytest.fail(f"{tool} not found: CI must install jq and poppler-utils")
            pytest.skip(f"{tool} is not installed")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "config.yaml", project / "config.yaml")
    shutil.copytree(ROOT / "input", project / "input")
    (project / "output").mkdir()
    flow = workflow()
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary), **flow["jobs"]["convert"]["env"],
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PIPELINE_CONFIG", None)
    for name, script in run_steps(flow).items():
        if name.startswith("Install"):
            continue
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=project,
                              env=env, capture_output=True, text=True, timeout=600, check=False)
        assert proc.returncode == 0, (name, proc.stdout, proc.stderr)
    assert {"index.html", "manifest.json", "report.json"} <= {p.name for p in (project / "output").iterdir()}
    assert (project / "junit.xml").is_file()
    assert summary.read_text(encoding="utf-8").startswith("**3 converted, 0 failed, 0 unchanged**")


# --- the distribution --------------------------------------------------------------------------


def test_the_distribution_has_its_own_name_and_keeps_the_pipeline_command():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "cn-gov-report-pipeline"  # "pipeline" on PyPI is another project
    assert project["scripts"] == {"pipeline": "pipeline.cli:entry"}
    for doc in ("docs/batch.md", "docs/ci.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert "'pipeline[" not in text and " pipeline[" not in text and "`pipeline[" not in text, doc
        assert "cn-gov-report-pipeline[dask]" in text, doc
