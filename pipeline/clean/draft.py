"""The Draft: the document the clean passes work on, from the loaded page to the parts of the
IR (metadata as evidence: every value found, with where it was found); and how the passes read
a block's text."""
from __future__ import annotations

import re

from lxml import etree
from msgspec import Struct, field

from ..diagnostics import Diagnostic
from ..load import Loaded
from ..text import collapse_space
from .evidence import Evidence, resolve
from .rules import CleanRules, global_rules

SENTENCE_PUNCT_CHARS = "。，；：！？、"
SENTENCE_PUNCT = re.compile(f"[{SENTENCE_PUNCT_CHARS}]")
SENTENCE_END = re.compile(r"[。！？；]")


def sentence_punctuation(text: str) -> int:
    """How many sentence punctuation marks (``SENTENCE_PUNCT``) ``text`` holds: a count per mark
    in C, where the expression's ``findall`` made a string of each."""
    return sum(map(text.count, SENTENCE_PUNCT_CHARS))


class Draft(Struct):
    """One page on its way through the clean passes."""

    loaded: Loaded
    rules: CleanRules = field(default_factory=global_rules)  # the page's host's table, once known
    page: etree._Element | None = None  # the parsed HTML document (None for a text scrape)
    content: etree._Element | None = None  # the element of the page holding the report
    evidence: list = field(default_factory=list)  # Evidence: every metadata value found, in the order found
    blocks: list = field(default_factory=list)  # lxml elements: p, section (heading marker), table, list, figure
    removed: list = field(default_factory=list)  # (rule, text)
    page_lines: list = field(default_factory=list)  # short lines of the whole page, for metadata
    breaks: list = field(default_factory=list)  # blocks that follow a list heading (相关新闻): no run crosses into them
    bold_lines: list = field(default_factory=list)  # paragraphs set wholly in bold that are headings
    teasers: list = field(default_factory=list)  # figures whose picture is a teaser's (a thumbnail, an ad, an avatar)
    captioned: list = field(default_factory=list)  # figures whose caption is a line of the page
    line_starts: dict = field(default_factory=dict)  # paragraph → its LineStart (unwrap.py), until the unwrap pass
    after_headline: etree._Element | None = None  # the block that followed the page's headline when it was dropped
    addresses: tuple | None = None  # (rules, head.page_urls) as the site pass read the page's addresses
    resolved: tuple | None = None  # (evidence count, rules, meta) ``meta`` last gave
    attribute_values: dict | None = None  # the page's, read once (``html.page_values``)
    metas: dict | None = None  # the page's meta tags, read once (``head.meta_tags``)
    scripts: str | None = None  # the page's scripts' text, read once (``head.script_text``)

    @property
    def is_text(self) -> bool:
        return self.loaded.format == "text"

    def drop(self, rule: str, text: str) -> None:
        audit(self.removed, rule, text)

    def offer(self, key: str, value: str | None, origin: str) -> None:
        """Note ``value`` as evidence for the metadata field ``key``, found at ``origin``
        (``kind:detail``, e.g. ``meta:PubDate``, ``line:发布时间``; kinds in ``rules.evidence_order``)."""
        value = collapse_space(value or "")
        if value:
            self.evidence.append(Evidence(key, value, origin))

    @property
    def meta(self) -> dict:
        """Each field's value from its most trusted evidence, and ``from``: field → origin. Resolved
        again only once evidence has been offered or the rule table changed (evidence is only
        ever added), so the passes share one dict: read it, never change it."""
        seen = (len(self.evidence), self.rules)
        if self.resolved is None or self.resolved[0] != seen[0] or self.resolved[1] is not seen[1]:
            self.resolved = (*seen, resolve(self.evidence, self.rules))
        return self.resolved[2]

    def notice(self, code: str, message: str) -> None:
        """A finding of the clean stage, kept in the IR's diagnostics."""
        self.loaded.diagnostics.append(Diagnostic(code, message, "clean"))


def audit(removed: list, rule: str, text: str) -> None:
    """Record in ``removed`` that ``text`` was dropped by ``rule`` (blank text is not recorded)."""
    if text.strip():
        removed.append((rule, text.strip()))


def paragraph_text(block: etree._Element) -> str:
    """The text of a paragraph block; empty for every other kind of block."""
    return block_text(block) if block.tag == "p" else ""


def line_text(block: etree._Element) -> str:
    """The text of a paragraph or a heading marker (a line of the page); empty for every other
    kind of block."""
    return block_text(block) if block.tag in ("p", "section") else ""


def element_text(el: etree._Element) -> str:
    """An HTML element's text with its descendants' (``text_content``); a childless one's own
    text, read without the XPath ``text_content`` evaluates."""
    return (el.text_content() if len(el) else el.text) or ""


def block_text(block: etree._Element) -> str:
    # A block without children (most paragraphs) is its text: no iterator set up for it.
    return collapse_space(("".join(block.itertext()) if len(block) else block.text) or "")
