"""What a batch tells CI and people: the report JSON, JUnit XML and ``OUTDIR/index.html``.

All three list the documents in batch order and hold no timestamps or durations, so two
runs over the same inputs with the same settings write the same bytes.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable
from urllib.parse import quote

from lxml import etree

from ..fsio import atomic_open

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

    @classmethod
    def from_json(cls, data: dict) -> "DocResult":
        return cls(data["input"], data["status"], data.get("error"), list(data.get("warnings") or []),
                   dict(data.get("outputs") or {}), data.get("url"))


@dataclass
class Summary:
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


def write_junit_xml(out: IO[str], results: Iterable[DocResult], summary: Summary,
                    fail_on_warning: bool = False) -> None:
    """One testsuite, one testcase per input: failed → <failure>, skipped → <skipped>. Streams ``results``."""
    failures = summary.failed + (summary.warned_not_failed if fail_on_warning else 0)
    counts = {"tests": str(summary.total), "failures": str(failures), "errors": "0",
              "skipped": str(summary.skipped)}
    out.write("<?xml version='1.0' encoding='UTF-8'?>\n")
    out.write(f"<testsuites {_attrs({'name': 'pipeline batch', **counts})}>\n")
    out.write(f"  <testsuite {_attrs({'name': 'pipeline batch', **counts})}>\n")
    for result in results:
        parent, _, name = result.key.rpartition("/")
        case = etree.Element("testcase", classname=parent or ".", name=name, file=result.key)
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
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3em .6em; border-bottom: 1px solid #ddd; }
td.status { font-weight: bold; }
tr.failed td.status { color: #b00; }
tr.skipped td.status { color: #777; }
tr.ok td.status { color: #070; }
div.error { color: #b00; }
ul { margin: 0; padding-left: 1.2em; }
code { font-size: 90%; }
"""


def _href(path: str) -> str:
    return quote(path, safe="/")


def _index_row(result: DocResult) -> str:
    esc = html.escape
    links = " ".join(f'<a href="{esc(_href(path))}">{esc(fmt)}</a>' for fmt, path in result.outputs.items())
    notes = []
    if result.error:
        notes.append(f'<div class="error">{esc(result.error)}</div>')
    if result.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in result.warnings)
        notes.append(f"<details><summary>{len(result.warnings)} warning(s)</summary><ul>{items}</ul></details>")
    source = esc(result.key)
    if result.url:
        source += f'<br><small><a href="{esc(result.url)}">{esc(result.url)}</a></small>'
    return (f'<tr class="{esc(result.status)}"><td><code>{source}</code></td>'
            f'<td class="status">{esc(result.status)}</td><td>{"".join(notes)}</td><td>{links}</td></tr>\n')


def write_index_html(out: IO[str], results: Iterable[DocResult], summary: Summary, info: dict) -> None:
    """A static page listing every document with its status, warnings and links to its outputs."""
    esc = html.escape
    counts = ", ".join(f"{getattr(summary, s)} {s}" for s in STATUSES)
    out.write(f"""<!DOCTYPE html>
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
""")
    for result in results:
        out.write(_index_row(result))
    out.write("</tbody>\n</table>\n</body>\n</html>\n")


def write_reports(outdir: Path, results: Callable[[], Iterable[DocResult]], summary: Summary, info: dict, *,
                  report: Path | None, junit: Path | None, fail_on_warning: bool) -> None:
    """``results()`` gives the documents in batch order, afresh for each file written."""
    with atomic_open(Path(outdir) / "index.html", text=True) as out:
        write_index_html(out, results(), summary, info)
    if report is not None:
        with atomic_open(report, text=True) as out:
            write_report_json(out, results(), summary, info)
    if junit is not None:
        with atomic_open(junit, text=True) as out:
            write_junit_xml(out, results(), summary, fail_on_warning)
