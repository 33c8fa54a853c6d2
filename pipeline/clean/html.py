"""Parsing an HTML page (the ``parse`` pass)."""
from __future__ import annotations

import re

from lxml import etree, html

from ..errors import InputError
from .draft import Draft

XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
# libxml2 otherwise stops nesting at 256 levels and drops what lies deeper without a word;
# deeper than the stages can walk is refused in one line (limits, and RecursionError).
PARSER = html.HTMLParser(huge_tree=True)
# lxml.html's own lookup is a Python call per element proxy, to give form controls classes
# of their own; no pass uses those, and a lookup in C keeps every other method.
PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity))
MAX_DEPTH = 600
# An element MAX_DEPTH + 1 levels under the root: one walk in C, where ``depth`` is one in Python.
TOO_DEEP = etree.XPath("boolean(" + "*/" * MAX_DEPTH + "*)")


def parse(draft: Draft) -> None:
    if draft.is_text:
        return
    text = XML_DECL.sub("", draft.loaded.text, count=1)
    try:
        draft.page = html.document_fromstring(text, parser=PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse HTML: {exc}") from None
    if TOO_DEEP(draft.page):
        raise InputError(f"elements nested {depth(draft.page)} deep, deeper than the {MAX_DEPTH} levels read")


def depth(root: etree._Element) -> int:
    """How deep elements nest under ``root``, in one walk."""
    here = deepest = 0
    for event, _el in etree.iterwalk(root, events=("start", "end")):
        here += 1 if event == "start" else -1
        deepest = max(deepest, here)
    return deepest - 1


def body_of(page: etree._Element) -> etree._Element:
    """The page's <body>, or the whole document when it has none."""
    body = page.find("body")
    return page if body is None else body
