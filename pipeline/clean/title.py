"""The title: a page title's site-name suffix, and the ``title`` pass that finds the title among
the first paragraphs and drops it (and, from a text scrape, the page chrome above it)."""
from __future__ import annotations

import re

from .draft import Draft, paragraph_text
from .rules import CleanRules, global_rules

ENUMERATION_START = re.compile(r"[（(]?[一二三四五六七八九十\d]+[、.．)）]")


def strip_site_suffix(title: str, site: str | None, rules: CleanRules | None = None) -> str:
    """Remove a trailing " - 站点名" (or _ | —) from a page title."""
    rules = rules or global_rules()
    title = title.strip()
    for sep in rules.title_separators:
        if sep.strip() and title.endswith(sep.strip()):
            return strip_site_suffix(title[:-len(sep.strip())], site, rules)
    for sep in rules.title_separators:
        if sep not in title:
            continue
        head, tail = title.rsplit(sep, 1)
        tail = tail.strip()
        if tail and (tail == site or rules.site_name.fullmatch(tail) or "网" in tail[-4:]):
            return strip_site_suffix(head, site, rules)
    return title


def is_title_like(text: str, rules: CleanRules) -> bool:
    return (
        8 <= len(text) <= 80
        and not text.endswith(("。", "：", ":", "；", "，"))
        and bool(rules.title_words.search(text))
        and not ENUMERATION_START.match(text)
    )


def title_position(draft: Draft) -> tuple[int, int] | None:
    """(index, number of paragraphs) of the title among the first paragraphs: the known title,
    maybe set on two lines; in a text scrape without one, the first title-like line."""
    wanted = (draft.meta.get("title") or "").replace(" ", "")
    limit = min(len(draft.blocks), 15)
    if wanted:
        for i in range(limit):
            text = paragraph_text(draft.blocks[i]).replace(" ", "")
            following = paragraph_text(draft.blocks[i + 1]).replace(" ", "") if i + 1 < len(draft.blocks) else ""
            if text == wanted:
                return i, 1
            if text and following and text + following == wanted:
                return i, 2
    if draft.is_text:
        for i in range(limit):
            text = paragraph_text(draft.blocks[i])
            if text and is_title_like(text, draft.rules):
                return i, 1
    return None


def find_title(draft: Draft) -> None:
    """Drop the title paragraph(s), taking the title from them when no other source gave it.
    A text scrape's lines above the title are page chrome (a site name among them is the
    site); an HTML page keeps its blocks above the title, though the audit lists them."""
    position = title_position(draft)
    if position is None:
        return
    index, span = position
    draft.offer("title", paragraph_text(draft.blocks[index]))
    for block in draft.blocks[:index]:
        text = paragraph_text(block)
        if draft.is_text and draft.rules.site_name.fullmatch(text):
            draft.offer("site", text)
        draft.drop("before-title", text)
    for block in draft.blocks[index:index + span]:
        draft.drop("title", paragraph_text(block))
    after = draft.blocks[index + span:]
    draft.blocks = after if draft.is_text else draft.blocks[:index] + after
