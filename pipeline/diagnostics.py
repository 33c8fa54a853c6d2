"""Diagnostics: non-fatal findings (code, message, location), kept in the IR's <diagnostics>.

A transform records its findings with ``record``; re-running the transform replaces them,
so transforms stay idempotent.
"""
from __future__ import annotations

from lxml import etree
from msgspec import Struct


class Diagnostic(Struct, frozen=True):
    code: str
    message: str
    stage: str
    where: str = ""

    def __str__(self) -> str:
        at = f" at {self.where}" if self.where else ""
        return f"{self.code}: {self.message}{at}"


def _container(tree: etree._Element) -> etree._Element:
    found = tree.find("diagnostics")
    if found is None:
        found = etree.SubElement(tree, "diagnostics")
    return found


def record(tree: etree._Element, stage: str, found: list[Diagnostic]) -> None:
    """Replace the diagnostics of ``stage`` in ``tree`` by ``found``."""
    container = _container(tree)
    for old in container.findall(f"diagnostic[@stage='{stage}']"):
        container.remove(old)
    for diag in found:
        el = etree.SubElement(container, "diagnostic", code=diag.code, stage=diag.stage or stage)
        if diag.where:
            el.set("where", diag.where)
        el.text = diag.message
    if len(container) == 0:
        tree.remove(container)


def diagnostics_of(tree: etree._Element) -> list[Diagnostic]:
    return [
        Diagnostic(d.get("code"), d.text or "", d.get("stage"), d.get("where", ""))
        for d in tree.iterfind("diagnostics/diagnostic")
    ]
