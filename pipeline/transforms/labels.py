"""Numbering kinds and labels, compiled from ``rules/structure.yaml``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..numerals import cn_to_int, int_to_cn
from ..rules import load_rules

HTML_KINDS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A heading recognized by its form alone (a bold line, a short line ending in a colon): it has
# no rank of its own and nests under the heading before it (``sections``).
UNNUMBERED = "unnumbered"


@dataclass(frozen=True)
class Kind:
    name: str
    rank: int
    pattern: re.Pattern
    label_format: str
    continuing: re.Pattern | None  # a label that counts only where it continues a sequence

    def label(self, number: int) -> str:
        return self.label_format.format(cn=int_to_cn(number), n=number)

    @staticmethod
    def number_of(raw: str) -> int | None:
        """The number a label's numeral stands for (Arabic or Chinese)."""
        return int(raw) if raw.isdigit() else cn_to_int(raw)


@lru_cache(maxsize=1)
def kinds() -> tuple[Kind, ...]:
    data = load_rules("structure")["kinds"]
    return tuple(
        Kind(k["name"], len(HTML_KINDS) + i, re.compile(k["pattern"]), k["label"],
             re.compile(k["continuing"]) if k.get("continuing") else None)
        for i, k in enumerate(data)
    )


def rank(kind_name: str) -> int:
    """The nesting rank of a numbered or HTML kind (smaller is outer); unnumbered headings have none."""
    if kind_name in HTML_KINDS:
        return HTML_KINDS.index(kind_name)
    return next(k.rank for k in kinds() if k.name == kind_name)


def kind_named(name: str) -> Kind | None:
    return next((k for k in kinds() if k.name == name), None)


def match_label(text: str) -> tuple[Kind, int, str] | None:
    """(kind, number, rest of text) when ``text`` starts with a numbering label."""
    for kind in kinds():
        match = kind.pattern.match(text)
        if not match:
            continue
        number = kind.number_of(match.group(1))
        if number:
            return kind, number, text[match.end():]
    return None


def match_continuing(text: str) -> tuple[Kind, int, str] | None:
    """(kind, number, rest of text) when ``text`` starts with a label that counts only where it
    continues a sequence of its kind (20.2026年… after 19.)."""
    for kind in kinds():
        match = kind.continuing.match(text) if kind.continuing else None
        if match:
            return kind, kind.number_of(match.group(1)), text[match.end():]
    return None


@lru_cache(maxsize=1)
def structure_rules() -> dict:
    return load_rules("structure")
