"""The conversion core: one document's bytes → IR → rendered outputs, all in memory.

This is the one place that runs the stages in order: the reader the table picks (load →
clean → pictures for a page), the transforms, the writers. It touches no files: callers
(the CLI, the batch runner, the Python API) read inputs and write outputs.
"""
from __future__ import annotations

import re
import unicodedata

from lxml import etree
from msgspec import Struct, field

from . import fonts, ir
from .assemble import front_matter
from .config import Settings
from .diagnostics import Diagnostic, diagnostics_of
from .environment import settings_environment
from .errors import InputError
from .load import Document
from .readers import reader_for
from .transforms import run_transforms
from .writers import get_writer, uses_fonts


# The tags that start a block, counted in the raw bytes to refuse an oversized page at once.
BLOCK_TAG = re.compile(rb"<(?:p|tr|li|h[1-6]|img)\b", re.I)


class Conversion(Struct):
    """The result of converting one document: its IR, the rendered outputs by format, the findings."""

    tree: etree._Element
    outputs: dict[str, bytes] = field(default_factory=dict)
    # Findings about rendering (a character the PDF cannot set): not kept in the IR, whose
    # bytes must not depend on which formats were asked for.
    rendering: list[Diagnostic] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return diagnostics_of(self.tree) + self.rendering


def build_ir(document: Document, settings: Settings) -> etree._Element:
    """Read the document with its reader, then run the transforms and print the front matter
    as ``settings.front_matter`` says (unless the reader gave a finished IR), validating the IR
    after each stage."""
    limits = settings.limits
    refusal = limits.over_input(len(document.data))
    if refusal:
        raise InputError(refusal)
    tags = len(BLOCK_TAG.findall(document.data))
    if (tags or document.data.count(b"\n")) > limits.blocks:  # a page's block tags, a text's lines
        raise InputError(f"more than {limits.blocks} blocks (paragraphs, rows, list entries), over the limit "
                         "(limits.blocks)")
    reader = reader_for(document)
    tree = ir.validate(reader.read(document), f"reading ({reader.name})")
    if reader.finished:
        return tree
    blocks = sum(1 for _ in tree.find("body").iter("p", "section", "row", "li", "figure"))
    if blocks > limits.blocks:
        raise InputError(f"{blocks} blocks, over the limit of {limits.blocks} (limits.blocks)")
    tree = run_transforms(tree, settings.transforms, validate=True)
    return ir.validate(front_matter(tree, settings.front_matter), "front matter")


def render(tree: etree._Element, settings: Settings, formats) -> dict[str, bytes]:
    """The IR in each of ``formats`` (by name, in order). A PDF whose fonts include a
    stand-in (no 仿宋 installed …) is made, and the stand-in logged once per process
    (``fonts.warn_standins``: the writers only return bytes)."""
    writers = {fmt: get_writer(fmt) for fmt in formats}
    if "pdf" in writers:
        fonts.warn_standins(settings)
    with settings_environment(settings):
        return {fmt: write(tree, settings) for fmt, write in writers.items()}


def missing_glyphs(tree: etree._Element, settings: Settings) -> list[Diagnostic]:
    """The characters of ``tree`` that no installed font has, as one diagnostic naming each (one
    thing to act on: a font to install, however many characters it lacks): the PDF prints them
    as ``[U+XXXX]`` (``pdf.missing_glyph: notation``) or fails (``error``); the other formats
    keep them."""
    choice = fonts.font_choice(settings)
    text = "".join(tree.find("front").itertext()) + "".join(tree.find("body").itertext())
    chars = set(text)
    missing = sorted(choice.uncovered("body", chars.difference(filter(str.isspace, chars))))
    if not missing:
        return []
    notation = settings.pdf.missing_glyph == "notation"
    if len(missing) == 1:
        ch = missing[0]
        shown = "prints it as" if notation else "cannot be made; with pdf.missing_glyph: notation it would print"
        message = f"no installed font has U+{ord(ch):04X} {unicodedata.name(ch, '')} ({ch}): the PDF {shown} [U+{ord(ch):04X}]"
    else:
        shown = "prints each as" if notation else "cannot be made; with pdf.missing_glyph: notation it would print each as"
        named = ", ".join(f"U+{ord(ch):04X} ({ch})" for ch in missing)
        message = f"no installed font has these {len(missing)} characters: {named}: the PDF {shown} [U+XXXX]"
    return [Diagnostic("glyph-missing", message.replace("  ", " "), "render")]


def convert(document: Document, settings: Settings, formats=None) -> Conversion:
    formats = tuple(formats or settings.formats)
    for fmt in formats:
        get_writer(fmt)  # an unknown format fails before any work
    if uses_fonts(formats):
        fonts.start_lookups(settings)
    conversion = Conversion(build_ir(document, settings))
    if "pdf" in formats:
        conversion.rendering = missing_glyphs(conversion.tree, settings)
    if settings.strict and conversion.diagnostics:
        found = conversion.diagnostics
        raise InputError(f"{len(found)} warning(s) under strict settings, first: {found[0]}")
    conversion.outputs = render(conversion.tree, settings, formats)
    return conversion
