"""Page furniture removed from an HTML page by CSS selector before its content is chosen: the
elements that never hold report text (the ``scripts`` pass) and, after the short lines of the
whole page are noted for metadata (the ``page-lines`` pass), the chrome elements (the
``chrome`` pass).

Selectors are run by ``html.selected``: one that selects only elements with some attribute
holding some text (``.share``, ``[style*='display:none']``) is not run on a page none of whose
values of those attributes hold it."""
from __future__ import annotations

from ..text import collapse_space
from .blocks import LineReader
from .content import weight
from .draft import Draft, block_text
from .html import body_of, page_values, selected


def drop_scripts(draft: Draft) -> None:
    if draft.page is None:
        return
    for found in selected(draft.page, draft.rules.always_drop, page_values(draft)):
        for el in found:
            if el.getparent() is not None:
                el.drop_tree()


PAGE_LINE_CHARS = 200  # a longer line of the page is prose, never metadata


def note_page_lines(draft: Draft) -> None:
    """Keep the short lines of the whole page: an info bar outside the content may hold the
    publisher and date."""
    if draft.page is None:
        return
    reader = LineReader(draft.rules)
    reader.read(body_of(draft.page))
    texts = [text for block in reader.blocks
             for text in ((block,) if isinstance(block, str) else map(block_text, block) if block.tag == "list" else ())]
    draft.page_lines = [t for t in texts if t and len(t) <= PAGE_LINE_CHARS]


def drop_chrome(draft: Draft) -> None:
    """Drop the chrome elements, except one holding a large share of the page's sentences (old
    templates wrap the whole page in a <form> or a hidden-until-loaded <div>)."""
    if draft.page is None:
        return
    total = weight(body_of(draft.page))
    for found in selected(draft.page, draft.rules.drop, page_values(draft)):
        for el in found:
            if el.getparent() is not None and not (total and weight(el) > 0.3 * total):
                draft.drop(f"selector:{el.tag}", collapse_space(el.text_content())[:200])
                el.drop_tree()
