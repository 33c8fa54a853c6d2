"""Numbering kinds and labels, compiled from ``rules/structure.yaml``."""
from __future__ import annotations

import re
from functools import lru_cache

from msgspec import Struct

from ..numerals import cn_to_int, int_to_cn
from ..rules import load_rules

HTML_KINDS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A heading recognized by its form alone (a bold line, a short line ending in a colon): it has
# no rank of its own and nests under the heading before it (``sections``).
UNNUMBERED = "unnumbered"


PARTS = re.compile(r"[.．]")
# The ranks of an outline's levels lie between its kind's rank and the next kind's.
OUTLINE_STEP = 0.1


class Kind(Struct, frozen=True):
    name: str
    rank: int
    pattern: re.Pattern
    label_format: str
    continuing: re.Pattern | None  # a label that counts only where it continues a sequence
    top: re.Pattern | None = None  # an outline's first level (1 总则), only where the outline goes on below it
    top_kind: str | None = None  # the kind whose labels (1.) may be an outline's first level

    @property
    def outline(self) -> bool:
        """Whether a number has parts, one per level (1 / 1.1 / 1.1.1)."""
        return self.top is not None

    def label(self, number: int, path: tuple[int, ...] = ()) -> str:
        """The label printed for ``number``; an outline's for its whole ``path`` (ending in ``number``)."""
        return self.label_format.format(cn=int_to_cn(number), n=number,
                                        path=".".join(map(str, path or (number,))))

    def rank_at(self, depth: int) -> float:
        """The nesting rank of this kind's labels at an outline ``depth`` (1 for other kinds)."""
        return self.rank + OUTLINE_STEP * (min(depth, 9) - 1)

    @staticmethod
    def number_of(raw: str) -> int | None:
        """The number a label's numeral stands for (Arabic or Chinese; an outline number's last part)."""
        raw = PARTS.split(raw)[-1]
        return int(raw) if raw.isdigit() else cn_to_int(raw)

    @staticmethod
    def path_of(raw: str) -> tuple[int, ...]:
        """An outline number's parts (2.3.1 → (2, 3, 1))."""
        return tuple(int(part) for part in PARTS.split(raw.strip()) if part.isdigit())


@lru_cache(maxsize=1)
def kinds() -> tuple[Kind, ...]:
    data = load_rules("structure")["kinds"]
    return tuple(
        Kind(k["name"], len(HTML_KINDS) + i, re.compile(k["pattern"]), k["label"],
             re.compile(k["continuing"]) if k.get("continuing") else None,
             re.compile(k["top"]) if k.get("top") else None, k.get("top_kind"))
        for i, k in enumerate(data)
    )


def rank(kind_name: str) -> int:
    """The nesting rank of a numbered or HTML kind (smaller is outer); unnumbered headings have none."""
    if kind_name in HTML_KINDS:
        return HTML_KINDS.index(kind_name)
    return kinds_by_name()[kind_name].rank


def section_rank(section) -> float:
    """The nesting rank of a numbered or HTML section (an outline's by the depth of its label)."""
    kind = kind_named(section.get("kind"))
    if kind is None or not kind.outline:
        return rank(section.get("kind"))
    return kind.rank_at(len(Kind.path_of(section.get("label", ""))))


def outline_path(kind: Kind, text: str) -> tuple[int, ...]:
    """The path of the outline label ``text`` starts with; () when it has none or ``kind`` is no outline."""
    match = kind.pattern.match(text) if kind.outline else None
    return Kind.path_of(match.group(1)) if match else ()


def kind_named(name: str) -> Kind | None:
    return kinds_by_name().get(name)


@lru_cache(maxsize=1)
def kinds_by_name() -> dict[str, Kind]:
    return {k.name: k for k in kinds()}


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


def match_top(text: str) -> tuple[Kind, int, str] | None:
    """(kind, number, rest of text) when ``text`` starts with an outline's first-level label
    written without a dot (1 总则), which counts only where the outline goes on below it."""
    for kind in kinds():
        match = kind.top.match(text) if kind.top else None
        if match:
            return kind, kind.number_of(match.group(1)), text[match.end():]
    return None


@lru_cache(maxsize=1)
def structure_rules() -> dict:
    return load_rules("structure")
