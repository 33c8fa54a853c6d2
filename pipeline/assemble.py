"""Assembly: what the clean stage found (metadata, blocks, removals) → a schema-valid IR.

The one place that decides how the front matter is printed (which fields, in which order,
with which label and wording: ``rules/front.yaml``; how much of it, by the ``front_matter``
setting: ``front_matter``), normalizes every table into a grid (``tables.normalize``) and
numbers list entries, so that writers only print.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lxml import etree

from . import ir
from .diagnostics import Diagnostic, record
from .load import CONTROL_CHARS
from .rules import load_rules
from .tables import normalize
from .text import HAN

BULLET = "•"


FRONT_MATTER = ("full", "title", "none")


@lru_cache(maxsize=1)
def _front_fields() -> tuple[tuple[str, dict, bool], ...]:
    return tuple((f["name"], f["label"], f.get("printed", True)) for f in load_rules("front")["fields"])


@lru_cache(maxsize=1)
def _date_fields() -> frozenset[str]:
    return frozenset(load_rules("front")["date_fields"])


def language(title: str, blocks) -> str:
    """``zh`` for a page in Chinese, ``en`` for one without Han characters in its title and first blocks."""
    sample = title + "".join("".join(b.itertext()) for b in blocks[:5])
    return "zh" if HAN.search(sample) or not sample.strip() else "en"


def printed_date(iso: str, lang: str) -> str:
    """An ISO date as a reader of the page's language writes it (2023年3月1日)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def front(root: etree._Element, meta: dict, lang: str, source: dict | None) -> None:
    """Fill ``<front>``: the title, the metadata record (each field with where it came from;
    the fields ``rules/front.yaml`` does not print hold their value in ``value`` only), the
    provenance block."""
    el = root.find("front")
    origins = meta.get("from") or {}
    title = el.find("title")
    title.text = meta.get("title", "") or ""
    if origins.get("title"):
        title.set("from", origins["title"])
    for name, labels, printed in _front_fields():
        value = (meta.get(name) or "").strip()
        if not value:
            continue
        field = etree.SubElement(el, "field", name=name, label=labels.get(lang) or labels["zh"])
        text = printed_date(value, lang) if name in _date_fields() else value
        if text != value or not printed:
            field.set("value", value)
        field.text = text if printed else ""
        if origins.get(name):
            field.set("from", origins[name])
    el.set("printed", "full")
    if source:
        etree.SubElement(etree.SubElement(el, "provenance"), "source", **source)


def front_matter(tree: etree._Element, mode: str) -> etree._Element:
    """The IR with its front matter printed as the ``front_matter`` setting says: ``full`` (the
    title and the printed fields), ``title`` (the title alone) or ``none``. What is not printed
    stays in the record: a field's or the title's ``value`` keeps its text."""
    if mode not in FRONT_MATTER:
        raise ValueError(f"front_matter must be one of {', '.join(FRONT_MATTER)}, not {mode!r}")
    el = tree.find("front")
    quiet = list(el.iterfind("field")) if mode != "full" else []
    quiet += [el.find("title")] if mode == "none" else []
    for item in quiet:
        if item.text:
            item.set("value", item.get("value", item.text))
            item.text = ""
    el.set("printed", mode)
    return tree


def number_list(lst: etree._Element) -> None:
    """Give each entry of a list its printed label: the ordinal of an ordered list (1.), else a bullet."""
    ordered = lst.get("ordered") == "true"
    start = int(lst.get("start", "1")) if (lst.get("start") or "").isdigit() else 1
    lst.attrib.pop("start", None)
    for i, li in enumerate(lst.iterfind("li")):
        li.set("label", f"{start + i}." if ordered else BULLET)


def body_blocks(body: etree._Element, blocks) -> list[Diagnostic]:
    """Append ``blocks`` to ``body`` with tables normalized and lists numbered."""
    found = []
    for block in blocks:
        if block.tag == "table":
            block, clipped = normalize(block)
            found += [Diagnostic("table-clipped", message, "clean") for message in clipped]
        for lst in block.iter("list"):
            number_list(lst)
        body.append(block)
    return found


def strip_unprintable(elements) -> int:
    """Remove from the text of ``elements`` (and their descendants) the characters no output can
    show (``load.CONTROL_CHARS``): the page's character references (&#61656;) bring them back
    after the load stage removed them from the bytes. Returns how many were removed."""
    removed = 0
    for root in elements:
        for el in root.iter():
            for attr in ("text", "tail") if el is not root else ("text",):
                value = getattr(el, attr)
                if value:
                    value, n = CONTROL_CHARS.subn("", value)
                    if n:
                        setattr(el, attr, value)
                        removed += n
            for name in ("alt",):
                if el.get(name):
                    value, n = CONTROL_CHARS.subn("", el.get(name))
                    el.set(name, value)
                    removed += n
    return removed


def report(meta: dict, blocks, removed, source: dict | None, diagnostics=()) -> etree._Element:
    """The IR of one document. ``meta`` maps field names (title, publisher, date, site, url)
    to values (dates ISO 8601) and ``from`` to each field's origin; ``removed`` is
    (rule, text) pairs; ``diagnostics`` the findings of the stages so far."""
    root = ir.new_report()
    meta = {key: CONTROL_CHARS.sub("", value) if isinstance(value, str) else value for key, value in meta.items()}
    front(root, meta, language(meta.get("title", "") or "", blocks), source)
    found = list(diagnostics) + body_blocks(root.find("body"), blocks)
    unprintable = strip_unprintable(root.find("body"))
    if unprintable:
        found.append(Diagnostic("control-characters", f"{unprintable} control, invisible or private-use "
                                "character(s) from character references removed", "clean"))
    if removed:
        audit = etree.SubElement(root, "removed")
        for rule, text in removed:
            etree.SubElement(audit, "chrome", rule=rule).text = text
    by_stage: dict[str, list[Diagnostic]] = {}
    for diag in found:
        by_stage.setdefault(diag.stage, []).append(diag)
    for stage, diags in by_stage.items():
        record(root, stage, diags)
    return root
