"""What ``pipeline inspect`` reports about one converted document: a dict and a readable outline.

``metadata`` is the whole record of ``<front>``, printed or not: each field's name, label,
value and where it was found (``from``), the title first."""
from __future__ import annotations

from lxml import etree

from . import ir
from .diagnostics import diagnostics_of
from .writers.text import body_lines
from .writers.views import attachment_entry


def summary(tree: etree._Element) -> dict:
    """The inspect JSON object: metadata, headings, body text, warnings, the whole metadata
    record, the attachments (each as its outline entry, 附件1　its title, and how many headings
    come before it), then counts."""
    headings = [
        {"level": int(s.get("level")), "label": s.get("label", ""), "text": ir.text_of(s.find("heading"))}
        for s in tree.iterfind("body//section")
    ]
    body = tree.find("body")
    title = tree.find("front/title")
    record = [{"name": "title", "label": "", "value": title.get("value", title.text or ""), "from": title.get("from"),
               "printed": bool(title.text)}]
    record += [{"name": f.get("name"), "label": f.get("label"), "value": f.get("value", f.text or ""),
                "from": f.get("from"), "printed": bool(f.text)} for f in tree.iterfind("front/field")]
    return {
        "title": record[0]["value"],
        "date": ir.meta_value(tree, "date"),
        "publisher": ir.meta_value(tree, "publisher"),
        "site": ir.meta_value(tree, "site"),
        "url": ir.meta_value(tree, "url"),
        "headings": headings,
        "body_text": "\n".join(body_lines(tree)),
        "warnings": [str(d) for d in diagnostics_of(tree)],
        "metadata": [entry for entry in record if entry["value"]],
        "attachments": [{"text": attachment_entry(p), "headings_before": _headings_before(p)}
                        for p in body.iterfind("p[@role='attachment']")],
        "counts": {
            "sections": len(headings),
            "paragraphs": sum(1 for _ in body.iter("p")),
            "items": sum(1 for _ in body.iter("item")),
            "tables": sum(1 for _ in body.iter("table")),
            "figures": sum(1 for _ in body.iter("figure")),
            "pictures": len(tree.findall("pictures/picture")),
            "characters": sum(len(line) for line in body_lines(tree)),
            "removed": len(tree.findall("removed/chrome")),
        },
        "source": dict(ir.source_of(tree).attrib) if ir.source_of(tree) is not None else None,
    }


def _headings_before(block: etree._Element) -> int:
    """How many headings (sections at any depth) come before a block of the body."""
    return sum(sum(1 for _ in s.iter("section")) for s in block.itersiblings("section", preceding=True))


def outline(info: dict) -> str:
    """A readable outline of ``summary(tree)``."""
    lines = [info["title"] or "(no title)"]
    for entry in info["metadata"]:
        origin = f"  (from {entry['from']})" if entry["from"] else ""
        shown = "" if entry["printed"] else "  [not printed]"
        lines.append(f"  {entry['name']}: {entry['value']}{origin}{shown}")
    lines.append("")
    attachments = {}
    for entry in info["attachments"]:  # each in its place among the headings, at the top level
        attachments.setdefault(entry["headings_before"], []).append(entry["text"])
    for at, h in enumerate([*info["headings"], None]):
        lines.extend(f"  {text}" for text in attachments.get(at, []))
        if h is not None:
            lines.append("  " * h["level"] + h["label"] + h["text"])
    lines.append("")
    lines.append("  " + ", ".join(f"{k}: {v}" for k, v in info["counts"].items()))
    if info["warnings"]:
        lines.append("")
        lines.append("warnings:")
        lines.extend(f"  {w}" for w in info["warnings"])
    return "\n".join(lines)
