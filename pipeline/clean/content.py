"""Choosing the element of an HTML page that holds the report (the ``content`` pass), and the
measure of report text it is chosen by. A forum thread's content is its posts, gathered from
the page in order (``thread_posts``)."""
from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from ..text import collapse_space
from .draft import SENTENCE_PUNCT, Draft
from .html import body_of
from .rules import CleanRules

HAN = re.compile(r"[\u3400-\u9fff]")
HAN_PER_UNIT = 40  # Han characters outside links counted as one unit of report text
THREAD = "data-thread"  # marks the element ``thread_of`` gathers a thread's posts in
# The density search never descends into a single paragraph: content is a container of them.
PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "b", "em", "i", "u", "br", "img", "pre"}


def table_chars(table: etree._Element) -> int:
    """Characters of a table that looks like data (a fifth of its cells hold digits); 0 for
    layout and menu tables."""
    cells = [c for c in table.iter("td", "th") if c.find(".//td") is None]
    if not cells or cells_with_digits(cells) < 0.2 * len(cells):
        return 0
    return sum(len(c.text_content().strip()) for c in cells)


def cells_with_digits(cells) -> int:
    return sum(1 for c in cells if any(ch.isdigit() for ch in c.text_content()))


def weight(el: etree._Element) -> float:
    """How much report text an element holds: its sentence punctuation outside links (related
    article lists are links), plus data-table text (which has little punctuation) at one unit
    per 15 characters, plus Chinese text outside links at one unit per 40 characters (a post
    of code and commands has little punctuation too)."""
    tables = [t for t in el.iter("table") if t.find(".//table") is None]
    links = [a.text_content() for a in el.iter("a")]
    text = el.text_content()
    linked = sum(len(SENTENCE_PUNCT.findall(t)) for t in links)
    han = len(HAN.findall(text)) - sum(len(HAN.findall(t)) for t in links)
    return len(SENTENCE_PUNCT.findall(text)) - linked + sum(map(table_chars, tables)) / 15 + han / HAN_PER_UNIT


def choose_content(draft: Draft) -> None:
    """The content element: a forum thread's posts; else a CMS container with text; else a
    generic container holding a fair share of the page's sentences; else the smallest element
    holding most of the weight."""
    if draft.page is not None:
        draft.content, copies = content_element(draft.page, draft.rules)
        for copy in copies:
            draft.drop("copy", collapse_space(" ".join(copy.itertext())))


def is_thread(el: etree._Element | None) -> bool:
    """Whether a content element is a forum thread's posts gathered by ``thread_of``."""
    return el is not None and el.get(THREAD) == "posts"


def thread_of(page: etree._Element, r: CleanRules) -> etree._Element | None:
    """A forum thread's posts (``thread_posts``: the first engine row whose opening post is
    found) gathered in page order into one new element, each in a <div> of its own; None on a
    page no row finds a post on, or whose posts hold less than ``min_content_chars``."""
    for first, every in r.thread_posts:
        if not any(collapse_space(p.text_content()) for p in first(page)):
            continue
        found = every(page)
        inside = set(found)  # a post quoted in another is read with it
        texts = {p: collapse_space(p.text_content()) for p in found}
        posts = [p for p in found if texts[p] and not any(a in inside for a in p.iterancestors())]
        if sum(len(texts[p]) for p in posts) < r.min_content_chars:
            continue
        thread = page.makeelement("div", {THREAD: "posts"})
        for post in posts:
            copy = deepcopy(post)
            copy.tail = None
            wrapper = page.makeelement("div")
            wrapper.append(copy)
            thread.append(wrapper)
        return thread
    return None


def content_element(page: etree._Element, r: CleanRules) -> tuple[etree._Element, list]:
    """The content element, and the copies of it the page also holds (left out)."""
    body = body_of(page)
    total = weight(body)
    if total == 0:
        return body, []
    thread = thread_of(page, r)
    if thread is not None:
        return thread, []
    for selector in r.cms_content:
        for found in selector(page):
            if len(collapse_space(found.text_content())) >= r.min_content_chars:
                return found, []
    for selector in r.content:
        for found in selector(page):
            if (len(collapse_space(found.text_content())) >= r.min_content_chars
                    and weight(found) >= r.selector_min_share * total):
                return found, []
    node, copies = body, []
    while True:
        here = weight(node)
        scored = [(weight(child), child) for child in node
                  if isinstance(child.tag, str) and child.tag not in PARAGRAPH_TAGS]
        best = next((child for score, child in scored if score >= r.descend_share * here), None)
        if best is None:
            pair = two_copies(scored, here)
            if pair:
                best, copy = pair
                copies.append(copy)
        if best is None:
            return node, copies
        node = best


def two_copies(scored, total: float):
    """Two children carrying the same text (a page with a print or mobile copy), first in page
    order first; None when there are no such two."""
    top = sorted((s for s in scored if s[0] >= 0.35 * total), key=lambda s: -s[0])[:2]
    if len(top) == 2 and abs(top[0][0] - top[1][0]) <= 0.1 * top[0][0]:
        a, b = (collapse_space(child.text_content()) for _, child in top)
        shared = len(set(a.split("。")) & set(b.split("。")))
        if shared >= 0.5 * max(1, len(set(a.split("。")))):
            first, second = (child for _, child in scored if child in (top[0][1], top[1][1]))
            return first, second
    return None
