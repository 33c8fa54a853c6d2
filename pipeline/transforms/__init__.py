"""The ordered table of named IR → IR transforms, and the runner that applies them.

Each transform is a pure function: it takes an IR tree and returns a new one (the input is
not changed). ``config.yaml``'s ``transforms:`` picks and orders them by name; an unknown
name is a usage error. Running a transform twice gives the same tree as running it once.
"""
from __future__ import annotations

from typing import Callable

from lxml import etree

from .. import ir
from ..errors import UsageError
from .enumerations import enumerations
from .numbering import numbering
from .punctuation import punctuation
from .sections import sections

Transform = Callable[[etree._Element], etree._Element]

TRANSFORMS: dict[str, Transform] = {
    "punctuation": punctuation,
    "sections": sections,
    "enumerations": enumerations,
    "numbering": numbering,
}
DEFAULT_ORDER: tuple[str, ...] = tuple(TRANSFORMS)


def resolve(names) -> list[tuple[str, Transform]]:
    names = DEFAULT_ORDER if names is None else tuple(names)
    unknown = [n for n in names if n not in TRANSFORMS]
    if unknown:
        raise UsageError(f"unknown transform(s) {', '.join(unknown)}; known: {', '.join(TRANSFORMS)}")
    return [(name, TRANSFORMS[name]) for name in names]


def run_transforms(tree: etree._Element, names=None, validate: bool = True) -> etree._Element:
    for name, transform in resolve(names):
        tree = transform(tree)
        if validate:
            ir.validate(tree, f"transform {name}")
    return tree
