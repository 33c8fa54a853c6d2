"""Parsing an HTML page (the ``parse`` pass), and finding what a rule table's selectors select
in it (``selected``): a selector of element names alone by a walk of those elements; one that
selects only elements with some attribute holding some text (``.share``,
``[style*='display:none']``) not at all on a page none of whose values of those attributes hold
it, and where it names one attribute by testing only the elements whose value holds it; any
other by its XPath over the whole page."""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree, html

from ..errors import InputError
from .draft import Draft
from .rules import PageSelector

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


@lru_cache(maxsize=None)
def values_of(name: str) -> etree.XPath:
    """Every value of the attribute ``name`` on a page, each knowing its element (compiled once)."""
    return etree.XPath(f"//*/@{name}")  # as //@name, without a step over every text node


class AttributeValues(dict):
    """Attribute name → every value of it on ``page`` and those values joined, each after a NUL
    ("" when no element has it), read when first asked for."""

    def __init__(self, page):
        super().__init__()
        self.page = page

    def __missing__(self, name: str) -> tuple[list, str]:
        values = values_of(name)(self.page)
        self[name] = values, "".join("\0" + v for v in values)
        return self[name]

    def meet(self, needs) -> bool:
        return any(self[name][1] if text is None else text in self[name][1] for name, text in needs)

    def holders(self, needs) -> list:
        """The elements of the page, in order, whose value of the one attribute ``needs`` names
        holds one of its texts (an element dropped since the values were read is not)."""
        name = needs[0][0]
        texts = [text for _, text in needs]
        return [v.getparent() for v in self[name][0]
                if any(text is None or text in v for text in texts) and in_page(v.getparent(), self.page)]


def page_values(draft: Draft) -> AttributeValues:
    """The page's attribute values, read once for every pass that selects in it: the passes
    only drop elements from the page, and a value of a dropped element may make ``meet`` run a
    selector that finds nothing, never give ``holders`` an element that is gone."""
    if draft.attribute_values is None:
        draft.attribute_values = AttributeValues(draft.page)
    return draft.attribute_values


def in_page(el, page) -> bool:
    """Whether ``el`` is ``page`` or inside it (not in a subtree dropped from it)."""
    top = el
    for top in el.iterancestors():
        pass
    return top is page


def selected(page, selectors: tuple[PageSelector, ...], values: AttributeValues | None = None):
    """The elements of ``page`` each selector selects, a list per selector, each found after the
    caller has dealt with the list before (dropped its elements); ``values`` the page's, when
    already read."""
    values = AttributeValues(page) if values is None else values
    for selector in selectors:
        if selector.tags:
            yield list(page.iter(*selector.tags))
        elif selector.needs is None:
            yield selector.select(page)
        elif not values.meet(selector.needs):
            yield []
        elif selector.test is not None:
            yield [el for el in values.holders(selector.needs) if selector.test(el)]
        else:
            yield selector.select(page)
