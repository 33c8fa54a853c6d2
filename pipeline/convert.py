"""The conversion core: one document's bytes → IR → rendered outputs, all in memory.

This is the one place that runs the stages in order. It touches no files: callers (the CLI,
the batch runner) read inputs and write outputs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from . import ir
from .clean import clean
from .config import Settings
from .diagnostics import Diagnostic, diagnostics_of
from .errors import InputError
from .load import Document, load
from .transforms import run_transforms
from .writers import get_writer


@dataclass
class Conversion:
    """The result of converting one document: its IR, the rendered outputs by format, the findings."""

    tree: etree._Element
    outputs: dict[str, bytes] = field(default_factory=dict)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return diagnostics_of(self.tree)


def build_ir(document: Document, settings: Settings) -> etree._Element:
    """load → clean → transforms, validating the IR after each stage."""
    loaded = load(document)
    tree = ir.validate(clean(loaded), "clean")
    return run_transforms(tree, settings.transforms, validate=True)


def convert(document: Document, settings: Settings, formats=None) -> Conversion:
    formats = tuple(formats or settings.formats)
    writers = {fmt: get_writer(fmt) for fmt in formats}
    conversion = Conversion(build_ir(document, settings))
    if settings.strict and conversion.diagnostics:
        found = conversion.diagnostics
        raise InputError(f"{len(found)} warning(s) under strict settings, first: {found[0]}")
    for fmt, render in writers.items():
        conversion.outputs[fmt] = render(conversion.tree, settings)
    return conversion
