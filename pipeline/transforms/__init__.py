"""The ordered table of named IR → IR transforms, and the runner that applies them.

Each transform is a pure function: it takes an IR tree and returns a new one (the input is
not changed), the tree rewritten in a copy (``ir.rewrites_a_copy``); the runner copies its
input once and has each transform rewrite that copy in place. ``config.yaml``'s
``transforms:`` picks and orders them by name; an unknown name is a usage error. Running a
transform twice gives the same tree as running it once.
"""
from __future__ import annotations

from typing import Callable

from lxml import etree
from msgspec import Struct

from .. import ir
from ..errors import UsageError
from .addressee import addressee
from .attachments import attachments
from .enumerations import enumerations
from .numbering import numbering
from .punctuation import punctuation
from .sections import sections
from .signature import signature


class Transform(Struct, frozen=True):
    """A named IR → IR function and the transforms that must run before it when both are chosen."""

    name: str
    apply: Callable[[etree._Element], etree._Element]  # pure; its ``in_place`` rewrites the tree it is given
    after: tuple[str, ...] = ()


TABLE: tuple[Transform, ...] = (
    Transform("punctuation", punctuation),
    # Labels are recognized in their full-width forms.
    Transform("sections", sections, after=("punctuation",)),
    # Items are found in the paragraphs that section recognition leaves (it rebuilds paragraphs).
    Transform("enumerations", enumerations, after=("sections",)),
    # Levels and labels are computed over the finished section tree.
    Transform("numbering", numbering, after=("sections", "enumerations")),
    # The addressee is the body's first paragraph once the sections are found.
    Transform("addressee", addressee, after=("sections",)),
    # The signature block is right-aligned paragraphs of the body once the sections are found.
    Transform("signature", signature, after=("sections",)),
    # An attachment's 附件 line is a paragraph of the body once the sections are found; a
    # document a notice issues follows the notice's signature (aligned right in a scrape too).
    Transform("attachments", attachments, after=("sections", "signature")),
)
TRANSFORMS: dict[str, Transform] = {t.name: t for t in TABLE}
DEFAULT_ORDER: tuple[str, ...] = tuple(TRANSFORMS)


def resolve(names) -> list[Transform]:
    """The chosen transforms in order; an unknown name, a repeated one, or an order that puts a
    transform before one it needs to follow is a usage error."""
    names = DEFAULT_ORDER if names is None else tuple(names)
    unknown = [n for n in names if n not in TRANSFORMS]
    if unknown:
        raise UsageError(f"unknown transform(s) {', '.join(unknown)}; known: {', '.join(TRANSFORMS)}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UsageError(f"transform(s) listed twice: {', '.join(repeated)}")
    for position, name in enumerate(names):
        for before in TRANSFORMS[name].after:
            if before in names and names.index(before) > position:
                raise UsageError(f"transform {name} must come after {before}")
    return [TRANSFORMS[name] for name in names]


def run_transforms(tree: etree._Element, names=None, validate: bool = True) -> etree._Element:
    """``tree`` through the chosen transforms in order. With ``validate`` the result is checked
    against the schema; when it is invalid, or a transform fails, they run again one by one,
    each output checked, so the error names the first transform whose output is invalid
    (each is pure: the runs agree). Checking every output took a twentieth of the IR's time."""
    chosen = resolve(names)
    try:
        result = ir.clone(tree)  # the chain's own copy, rewritten in place by each transform
        for transform in chosen:
            result = transform.apply.in_place(result)
        if not validate or not ir.problems(result):
            return result
    except Exception:
        if not validate:
            raise
    for transform in chosen:
        tree = ir.validate(transform.apply(tree), f"transform {transform.name}")
    return tree
