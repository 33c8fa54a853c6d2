"""Transform ``numbering``: the one place numbers, labels and levels are computed and checked.

Each section's ``level`` is its nesting depth and its ``label`` is printed from its kind and
number in the canonical form (（一） not (一), 1. not 1．). Within each parent the sections
of one kind must count 1, 2, 3 …: a gap, a restart, a list not starting at 1, and an orphan
(a section whose parent is missing a numbering level the document uses elsewhere) are
reported as diagnostics.
"""
from __future__ import annotations

from lxml import etree

from .. import ir
from ..diagnostics import Diagnostic, record
from .labels import kind_named, rank


def _path(section: etree._Element) -> str:
    labels = [s.get("label", "") for s in section.iterancestors("section")]
    return "/".join(reversed(labels)) + ("/" if labels else "") + section.get("label", "")


def numbering(tree: etree._Element) -> etree._Element:
    tree = ir.clone(tree)
    body = tree.find("body")
    found: list[Diagnostic] = []
    ranks_used = sorted({rank(s.get("kind")) for s in body.iter("section")})

    def walk(container: etree._Element, depth: int, parent_rank: int | None) -> None:
        previous: dict[str, int] = {}
        for section in container.findall("section"):
            kind_name = section.get("kind")
            section.set("level", str(depth))
            kind = kind_named(kind_name)
            number = int(section.get("number", "0"))
            if kind is not None and number:
                section.set("label", kind.label(number))
                last = previous.get(kind_name, 0)
                if last and number == 1:
                    found.append(Diagnostic("numbering-restart", f"{kind.label(number)} restarts after {kind.label(last)}", "numbering", _path(section)))
                elif last and number <= last:
                    found.append(Diagnostic("numbering-restart", f"{kind.label(number)} follows {kind.label(last)}", "numbering", _path(section)))
                elif last and number > last + 1:
                    found.append(Diagnostic("numbering-gap", f"{kind.label(last)} is followed by {kind.label(number)}", "numbering", _path(section)))
                elif not last and number != 1:
                    found.append(Diagnostic("numbering-start", f"the first {kind_name} item is {kind.label(number)}", "numbering", _path(section)))
                previous[kind_name] = number
                here = rank(kind_name)
                skipped = [r for r in ranks_used if (parent_rank if parent_rank is not None else -1) < r < here]
                if skipped and (parent_rank is not None or depth == 1) and number == 1 and skipped[-1] >= 6:
                    found.append(Diagnostic("numbering-orphan", f"{kind.label(number)} has no parent of the level above it", "numbering", _path(section)))
            walk(section, depth + 1, rank(kind_name))

    walk(body, 1, None)
    record(tree, "numbering", found)
    return tree
