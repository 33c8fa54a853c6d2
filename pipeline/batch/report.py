"""What a batch tells CI and people: the report JSON, JUnit XML and ``OUTDIR/index.html``.

All three list the documents in batch order and hold no timestamps or durations, so two
runs over the same inputs with the same settings write the same bytes.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from ..fsio import write_atomic

STATUSES = ("ok", "failed", "skipped")


@dataclass
class DocResult:
    """The outcome of one document: ``outputs`` maps format → path relative to OUTDIR."""

    key: str
    status: str
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    url: str | None = None

    def as_json(self) -> dict:
        data = {"input": self.key, "status": self.status, "error": self.error,
                "warnings": list(self.warnings), "outputs": dict(self.outputs)}
        if self.url:
            data["url"] = self.url
        return data


@dataclass
class Summary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    with_warnings: int = 0

    def add(self, result: DocResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        if result.warnings:
            self.with_warnings += 1

    @property
    def total(self) -> int:
        return self.ok + self.failed + self.skipped

    def as_json(self) -> dict:
        return {"total": self.total, "ok": self.ok, "failed": self.failed,
                "skipped": self.skipped, "with_warnings": self.with_warnings}


def summarize(results: list[DocResult]) -> Summary:
    summary = Summary()
    for result in results:
        summary.add(result)
    return summary


def report_json(results: list[DocResult], info: dict) -> bytes:
    """``info``: tool_version, settings_hash, formats, fail_on."""
    document = {
        "tool": "pipeline",
        **info,
        "summary": summarize(results).as_json(),
        "inputs": [r.as_json() for r in results],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def junit_xml(results: list[DocResult], fail_on_warning: bool = False) -> bytes:
    """One testsuite, one testcase per input: failed → <failure>, skipped → <skipped>."""
    summary = summarize(results)
    failures = sum(1 for r in results if r.status == "failed"
                   or (fail_on_warning and r.status != "failed" and r.warnings))
    suites = etree.Element("testsuites", name="pipeline batch", tests=str(summary.total),
                           failures=str(failures), errors="0", skipped=str(summary.skipped))
    suite = etree.SubElement(suites, "testsuite", name="pipeline batch", tests=str(summary.total),
                             failures=str(failures), errors="0", skipped=str(summary.skipped))
    for result in results:
        parent, _, name = result.key.rpartition("/")
        case = etree.SubElement(suite, "testcase", classname=parent or ".", name=name, file=result.key)
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
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).rstrip(b"\n") + b"\n"


INDEX_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3em .6em; border-bottom: 1px solid #ddd; }
td.status { font-weight: bold; }
tr.failed td.status { color: #b00; }
tr.skipped td.status { color: #777; }
tr.ok td.status { color: #070; }
td.error { color: #b00; }
ul { margin: 0; padding-left: 1.2em; }
code { font-size: 90%; }
"""


def _href(path: str) -> str:
    return quote(path, safe="/")


def index_html(results: list[DocResult], info: dict) -> bytes:
    """A static page listing every document with its status, warnings and links to its outputs."""
    summary = summarize(results)
    esc = html.escape
    rows = []
    for result in results:
        links = " ".join(
            f'<a href="{esc(_href(path))}">{esc(fmt)}</a>' for fmt, path in result.outputs.items())
        notes = []
        if result.error:
            notes.append(f'<div class="error">{esc(result.error)}</div>')
        if result.warnings:
            items = "".join(f"<li>{esc(w)}</li>" for w in result.warnings)
            notes.append(f"<details><summary>{len(result.warnings)} warning(s)</summary><ul>{items}</ul></details>")
        source = esc(result.key)
        if result.url:
            source += f'<br><small><a href="{esc(result.url)}">{esc(result.url)}</a></small>'
        rows.append(
            f'<tr class="{esc(result.status)}"><td><code>{source}</code></td>'
            f'<td class="status">{esc(result.status)}</td><td>{"".join(notes)}</td><td>{links}</td></tr>')
    counts = ", ".join(f"{getattr(summary, s)} {s}" for s in STATUSES)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pipeline {esc(str(info.get("tool_version", "")))}">
<title>pipeline batch: {summary.total} documents</title>
<style>{INDEX_STYLE}</style>
</head>
<body>
<h1>{summary.total} documents</h1>
<p>{esc(counts)}; {summary.with_warnings} with warnings. Formats: {esc(", ".join(info.get("formats", [])))}.
Settings <code>{esc(str(info.get("settings_hash", "")))}</code>.</p>
<table>
<thead><tr><th>Input</th><th>Status</th><th>Findings</th><th>Outputs</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
    return page.encode("utf-8")


def write_reports(outdir: Path, results: list[DocResult], info: dict, *, report: Path | None,
                  junit: Path | None, fail_on_warning: bool) -> None:
    write_atomic(Path(outdir) / "index.html", index_html(results, info))
    if report is not None:
        write_atomic(Path(report), report_json(results, info))
    if junit is not None:
        write_atomic(Path(junit), junit_xml(results, fail_on_warning))
