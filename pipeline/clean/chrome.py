"""Page furniture removed from an HTML page by CSS selector before its content is chosen: the
elements that never hold report text (the ``scripts`` pass) and, after the short lines of the
whole page are noted for metadata (the ``page-lines`` pass), the chrome elements (the
``chrome`` pass).

A selector of element names alone is a walk of those elements; one that selects only elements
with some attribute holding some text (``.share``, ``[style*='display:none']``) is not run on
a page none of whose values of those attributes hold it, and where it names one attribute, it
tests only the elements whose value holds it (``selected``); any other runs over the whole page."""
from __future__ import annotations

from functools import lru_cache

from lxml import etree

from ..text import collapse_space
from .blocks import BlockReader
from .content import weight
from .draft import Draft, block_text, line_text
from .html import body_of
from .rules import DropSelector


@lru_cache(maxsize=None)
def values_of(name: str) -> etree.XPath:
    """Every value of the attribute ``name`` on a page, each knowing its element (compiled once)."""
    return etree.XPath(f"//@{name}")


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


def in_page(el, page) -> bool:
    """Whether ``el`` is ``page`` or inside it (not in a subtree dropped from it)."""
    top = el
    for top in el.iterancestors():
        pass
    return top is page


def selected(page, selectors: tuple[DropSelector, ...]):
    """The elements of ``page`` each selector selects, a list per selector, each found after the
    caller has dealt with the list before (dropped its elements)."""
    values = AttributeValues(page)
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


def drop_scripts(draft: Draft) -> None:
    if draft.page is None:
        return
    for found in selected(draft.page, draft.rules.always_drop):
        for el in found:
            if el.getparent() is not None:
                el.drop_tree()


PAGE_LINE_CHARS = 200  # a longer line of the page is prose, never metadata


def note_page_lines(draft: Draft) -> None:
    """Keep the short lines of the whole page: an info bar outside the content may hold the
    publisher and date."""
    if draft.page is None:
        return
    reader = BlockReader(draft.rules)
    reader.read(body_of(draft.page))
    texts = [text for block in reader.blocks
             for text in (map(block_text, block) if block.tag == "list" else (line_text(block),))]
    draft.page_lines = [t for t in texts if t and len(t) <= PAGE_LINE_CHARS]


def drop_chrome(draft: Draft) -> None:
    """Drop the chrome elements, except one holding a large share of the page's sentences (old
    templates wrap the whole page in a <form> or a hidden-until-loaded <div>)."""
    if draft.page is None:
        return
    total = weight(body_of(draft.page))
    for found in selected(draft.page, draft.rules.drop):
        for el in found:
            if el.getparent() is not None and not (total and weight(el) > 0.3 * total):
                draft.drop(f"selector:{el.tag}", collapse_space(el.text_content())[:200])
                el.drop_tree()
