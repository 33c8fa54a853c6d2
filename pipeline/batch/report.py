"""What a batch tells CI and people: the report JSON, JUnit XML and ``OUTDIR/index.html``.

The report JSON and ``index.html`` hold no timestamps or durations, so two runs over the
same inputs with the same settings write the same bytes; the JUnit file carries each
document's conversion time (CI systems show it), so it differs between runs.
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import IO, Callable, Iterable
from urllib.parse import quote

from lxml import etree
from msgspec import Struct, field

from ..fsio import atomic_open


class DocResult(Struct):
    """The outcome of one document: ``outputs`` maps format → path relative to OUTDIR;
    ``title``, ``date`` (ISO), ``publisher`` and ``url`` as its IR states them; ``seconds``
    the conversion took (only the JUnit file shows it)."""

    key: str
    status: str
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    seconds: float = 0.0

    def as_json(self) -> dict:
        data = {"input": self.key, "status": self.status, "error": self.error,
                "warnings": list(self.warnings), "outputs": ordered_outputs(self.outputs)}
        for name in ("title", "date", "publisher", "url"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        return data

    @classmethod
    def from_json(cls, data: dict, seconds: float = 0.0) -> "DocResult":
        return cls(data["input"], data["status"], data.get("error"), list(data.get("warnings") or []),
                   dict(data.get("outputs") or {}), data.get("url"), data.get("title"), data.get("date"),
                   data.get("publisher"), seconds)


def ordered_outputs(outputs: dict[str, str]) -> dict[str, str]:
    """Outputs in the one order every report uses (the order of ``FORMATS``)."""
    from ..config import FORMATS

    rank = {fmt: n for n, fmt in enumerate(FORMATS)}
    return {fmt: outputs[fmt] for fmt in sorted(outputs, key=lambda f: (rank.get(f, len(rank)), f))}


class Summary(Struct):
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    with_warnings: int = 0
    warned_not_failed: int = 0  # what --fail-on warning adds to the failures

    def add(self, result: DocResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        if result.warnings:
            self.with_warnings += 1
            if result.status != "failed":
                self.warned_not_failed += 1

    @property
    def total(self) -> int:
        return self.ok + self.failed + self.skipped

    def as_json(self) -> dict:
        return {"total": self.total, "ok": self.ok, "failed": self.failed,
                "skipped": self.skipped, "with_warnings": self.with_warnings}


def summarize(results) -> Summary:
    summary = Summary()
    for result in results:
        summary.add(result)
    return summary


def _indented(value, indent: str) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + indent)


def write_report_json(out: IO[str], results: Iterable[DocResult], summary: Summary, info: dict) -> None:
    """``info``: tool_version, settings_hash, formats, fail_on. Streams ``results``."""
    out.write('{\n "tool": "pipeline",\n')
    for key, value in info.items():
        out.write(f" {json.dumps(key)}: {_indented(value, ' ')},\n")
    out.write(f' "summary": {_indented(summary.as_json(), " ")},\n "inputs": [')
    for n, result in enumerate(results):
        out.write(("," if n else "") + "\n  " + _indented(result.as_json(), "  "))
    out.write("\n ]\n}\n")


JUNIT_CLASSNAME = "documents"  # no dots or slashes: CI viewers read dots as packages


def write_junit_xml(out: IO[str], results: Iterable[DocResult], summary: Summary,
                    fail_on_warning: bool = False, info: dict | None = None, elapsed: float = 0.0) -> None:
    """JUnit XML valid under the common ``junit-10.xsd``: one testsuite, one testcase per input
    (``name`` its path in the batch): failed → ``<failure>``, unchanged → ``<skipped>``,
    warnings in ``<system-out>`` (or a ``<failure type="warning">`` with ``fail_on_warning``).
    ``time`` is the conversion's seconds (the batch's for the suite). Streams ``results``."""
    failures = summary.failed + (summary.warned_not_failed if fail_on_warning else 0)
    counts = {"tests": str(summary.total), "failures": str(failures), "errors": "0"}
    time = f"{elapsed:.3f}"
    out.write("<?xml version='1.0' encoding='UTF-8'?>\n")
    out.write(f"<testsuites {_attrs({'name': 'pipeline batch', **counts, 'time': time})}>\n")
    out.write(f"  <testsuite {_attrs({'name': 'pipeline batch', **counts, 'skipped': str(summary.skipped), 'time': time})}>\n")
    if info:
        out.write("    <properties>\n")
        for name in ("tool_version", "settings_hash", "formats", "fail_on"):
            if name in info:
                value = info[name]
                value = ",".join(value) if isinstance(value, (list, tuple)) else str(value)
                out.write(f"      <property {_attrs({'name': name, 'value': value})}/>\n")
        out.write("    </properties>\n")
    for result in results:
        case = etree.Element("testcase", name=result.key, classname=JUNIT_CLASSNAME, time=f"{result.seconds:.3f}")
        if result.status == "failed":
            failure = etree.SubElement(case, "failure", message=result.error or "failed", type="failed")
            failure.text = result.error or "failed"
        elif result.warnings and fail_on_warning:
            failure = etree.SubElement(case, "failure", message=f"{len(result.warnings)} warning(s)",
                                       type="warning")
            failure.text = "\n".join(result.warnings)
        if result.status == "skipped":
            etree.SubElement(case, "skipped", message="unchanged since the last batch")
        if result.warnings and not fail_on_warning:
            etree.SubElement(case, "system-out").text = "\n".join(result.warnings)
        etree.indent(case, space="  ", level=2)
        out.write("    " + etree.tostring(case, encoding="unicode") + "\n")
    out.write("  </testsuite>\n</testsuites>\n")


def _attrs(values: dict) -> str:
    return " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in values.items())


INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC",
       "Microsoft YaHei", sans-serif; margin: 1.5em 2em; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.5em; margin: 0 0 .3em; }
p.counts { margin: 0 0 1em; }
.count { display: inline-block; padding: .1em .6em; border-radius: 1em; margin-right: .3em; font-weight: 600; }
.count.failed { background: #ffebe9; color: #a40e26; }
.count.ok { background: #dafbe1; color: #116329; }
.count.skipped { background: #eaeef2; color: #57606a; }
.count.warned { background: #fff8c5; color: #7d4e00; }
.tools { display: flex; gap: 1em; align-items: center; flex-wrap: wrap; margin-bottom: .8em; }
.tools input[type=search] { font: inherit; padding: .35em .6em; width: 28em; max-width: 100%;
       border: 1px solid #d0d7de; border-radius: 6px; }
#shown { color: #57606a; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .45em .6em; border-bottom: 1px solid #d8dee4; }
th { background: #f6f8fa; font-weight: 600; position: sticky; top: 0; }
td.status { white-space: nowrap; font-weight: 600; }
tr.failed td.status { color: #a40e26; }
tr.ok td.status { color: #116329; }
tr.skipped td.status { color: #57606a; }
tr.failed { background: #fff5f5; }
.title { font-weight: 600; }
.title.none { font-weight: normal; font-style: italic; color: #57606a; }
.source { font-size: 85%; color: #57606a; word-break: break-all; }
.source a { color: inherit; }
.error { color: #a40e26; margin-top: .2em; }
details { margin-top: .2em; color: #7d4e00; }
details ul { margin: .2em 0; padding-left: 1.2em; }
td.date { white-space: nowrap; }
td.files { white-space: nowrap; }
td.files a { display: inline-block; min-width: 3.2em; text-align: center; margin: 0 .15em .2em 0;
       padding: .05em .4em; border: 1px solid #d0d7de; border-radius: 4px; text-decoration: none;
       font-size: 85%; color: #0969da; }
td.files a:hover { background: #f3f4f6; }
footer { margin-top: 1.5em; color: #57606a; font-size: 85%; }
"""

INDEX_SCRIPT = """
(function () {
  var box = document.getElementById("filter"), only = document.getElementById("problems"),
      shown = document.getElementById("shown"),
      rows = Array.prototype.slice.call(document.querySelectorAll("#documents tbody tr"));
  document.getElementById("tools").hidden = false;
  function apply() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean), count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var show = words.every(function (w) { return text.indexOf(w) >= 0; })
                 && (!only.checked || row.hasAttribute("data-problem"));
      row.hidden = !show;
      if (show) count++;
    });
    shown.textContent = count + " of " + rows.length + " shown";
  }
  box.addEventListener("input", apply);
  only.addEventListener("change", apply);
  apply();
})();
"""

# The files of a document in the order a reader wants them, the same in every row.
INDEX_FORMATS = (("pdf", "PDF"), ("docx", "DOCX"), ("html", "HTML"), ("md", "Markdown"), ("txt", "Text"),
                 ("xml", "XML"))
STATUS_WORDS = {"ok": "converted", "failed": "failed", "skipped": "unchanged"}


def _href(path: str) -> str:
    return quote(path, safe="/")


def _index_row(result: DocResult) -> str:
    esc = html.escape
    links = " ".join(f'<a href="{esc(_href(result.outputs[fmt]))}" title="{esc(result.outputs[fmt])}">{label}</a>'
                     for fmt, label in INDEX_FORMATS if fmt in result.outputs)
    if result.title:
        title = f'<div class="title">{esc(result.title)}</div>'
    else:
        title = f'<div class="title none">{"not converted" if result.status == "failed" else "no title found"}</div>'
    source = f"<code>{esc(result.key)}</code>"
    if result.url:
        source += f' · <a href="{esc(result.url)}">{esc(result.url)}</a>'
    notes = ""
    if result.error:
        notes += f'<div class="error">{esc(result.error)}</div>'
    if result.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in result.warnings)
        noun = "warning" if len(result.warnings) == 1 else "warnings"
        notes += f"<details><summary>{len(result.warnings)} {noun}</summary><ul>{items}</ul></details>"
    problem = " data-problem" if result.error or result.warnings else ""
    return (f'<tr class="{esc(result.status)}"{problem}><td class="status">{STATUS_WORDS.get(result.status, result.status)}</td>'
            f'<td>{title}<div class="source">{source}</div>{notes}</td>'
            f'<td>{esc(result.publisher or "")}</td><td class="date">{esc(result.date or "")}</td>'
            f'<td class="files">{links}</td></tr>\n')


def write_index_html(out: IO[str], results: Callable[[], Iterable[DocResult]], summary: Summary, info: dict) -> None:
    """A static page for people browsing a batch's outputs: per document its title, publisher,
    date, status, error or warnings, and its files in a fixed order; failures first, then the
    rest in batch order; a filter box. ``results()`` is read twice."""
    esc = html.escape
    version = esc(str(info.get("tool_version", "")))
    counts = (f'<span class="count failed">{summary.failed} failed</span>'
              f'<span class="count ok">{summary.ok} converted</span>'
              f'<span class="count skipped">{summary.skipped} unchanged</span>'
              f'<span class="count warned">{summary.with_warnings} with warnings</span>')
    failed = f", {summary.failed} failed" if summary.failed else ""
    out.write(f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pipeline {version}">
<meta name="pipeline-settings-hash" content="{esc(str(info.get("settings_hash", "")))}">
<title>Converted documents ({summary.total}{failed})</title>
<style>{INDEX_STYLE}</style>
</head>
<body>
<h1>Converted documents</h1>
<p class="counts">{counts}</p>
<div class="tools" id="tools" hidden>
<input type="search" id="filter" placeholder="Filter by title, publisher, date or file" aria-label="Filter the documents">
<label><input type="checkbox" id="problems"> only failures and warnings</label>
<span id="shown"></span>
</div>
<table id="documents">
<thead><tr><th>Status</th><th>Document</th><th>Publisher</th><th>Date</th><th>Files</th></tr></thead>
<tbody>
""")
    for result in results():
        if result.status == "failed":
            out.write(_index_row(result))
    for result in results():
        if result.status != "failed":
            out.write(_index_row(result))
    out.write(f"""</tbody>
</table>
<footer>{summary.total} documents, made by pipeline {version}. Formats: {esc(", ".join(info.get("formats", [])))}.</footer>
<script>{INDEX_SCRIPT}</script>
</body>
</html>
""")


def write_reports(outdir: Path, results: Callable[[], Iterable[DocResult]], summary: Summary, info: dict, *,
                  report: Path | None, junit: Path | None, fail_on_warning: bool, elapsed: float = 0.0) -> None:
    """``results()`` gives the documents in batch order, afresh for each file written."""
    with atomic_open(Path(outdir) / "index.html", text=True) as out:
        write_index_html(out, results, summary, info)
    if report is not None:
        with atomic_open(report, text=True) as out:
            write_report_json(out, results(), summary, info)
    if junit is not None:
        with atomic_open(junit, text=True) as out:
            write_junit_xml(out, results(), summary, fail_on_warning, info, elapsed)
