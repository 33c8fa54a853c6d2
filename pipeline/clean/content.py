"""Choosing the element of an HTML page that holds the report (the ``content`` pass), and the
measure of report text it is chosen by. A forum thread's content is its posts, gathered from
the page in order (``thread_posts``); a page whose report is a list of linked entries (a
document catalogue, a chapter index) has that list as its content (``main_list``); a lead in
a block of its own before the element the density search chose (an encyclopedia entry's summary)
is read with it (``lead_before``)."""
from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy

from lxml import etree

from ..text import collapse_space
from .draft import SENTENCE_END, Draft, element_text, sentence_punctuation
from .html import AttributeValues, body_of, page_values, selected
from .rules import CleanRules

HAN = re.compile(r"[\u3400-\u9fff]+")  # a run of Han characters
HAN_PER_UNIT = 40  # Han characters outside links counted as one unit of report text
THREAD = "data-thread"  # marks the element ``thread_of`` gathers a thread's posts in
MAIN_LIST = "data-main-list"  # marks the element ``main_list_of`` gathers a page's main list in, and its <ul>
# Elements that can be one entry of a list: an item, a table row, a line.
ENTRY_TAGS = {"li", "tr", "p", "div", "dd", "dt", "h3", "h4", "h5", "h6"}
# An entry holding one of these is a group of entries (a menu with its submenu), not one.
GROUP_TAGS = ("ul", "ol", "table", "dl")
LINK_SHARE = 0.6  # text whose link text is this share of it or more is links (a menu, a list of teasers)
HEADING_CHARS = 40  # a line this short right before a run heads it (信息公开年报, or 相关新闻)
# The density search never descends into a single paragraph: content is a container of them.
PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "b", "em", "i", "u", "br", "img", "pre"}


def table_chars(table: etree._Element) -> int:
    """Characters of a table that looks like data (a fifth of its cells hold digits); 0 for
    layout and menu tables."""
    texts = [c.text_content() for c in table.iter("td", "th") if next(c.iterdescendants("td"), None) is None]
    if not texts or sum(1 for text in texts if any(map(str.isdigit, text))) < 0.2 * len(texts):
        return 0
    return sum(len(text.strip()) for text in texts)


def weight(el: etree._Element) -> float:
    """How much report text an element holds: its sentence punctuation outside links (related
    article lists are links), plus data-table text (which has little punctuation) at one unit
    per 15 characters, plus Chinese text outside links at one unit per 40 characters (a post
    of code and commands has little punctuation too)."""
    tables = [t for t in el.iter("table") if t.find(".//table") is None]
    links = "".join(map(element_text, el.iter("a")))  # characters counted: the links' sum, joined
    text = el.text_content()
    linked = sentence_punctuation(links)
    han = han_chars(text) - han_chars(links)
    return sentence_punctuation(text) - linked + sum(map(table_chars, tables)) / 15 + han / HAN_PER_UNIT


# The high bytes of the UTF-16 code units of HAN's characters (U+3400 … U+9FFF: 0x34 … 0x9F).
HAN_HIGH_BYTES = bytes(range(0x34, 0xA0))


def han_chars(text: str) -> int:
    """How many Han characters (``HAN``) ``text`` holds: its UTF-16 code units whose high byte
    is one of theirs, counted in C (an expression's scan costs several times as much)."""
    high = text.encode("utf-16-le", "surrogatepass")[1::2]
    return len(high) - len(high.translate(None, HAN_HIGH_BYTES))


def choose_content(draft: Draft) -> None:
    """The content element: a forum thread's posts; else a CMS container with text; else a
    generic container holding a fair share of the page's sentences; else the smallest element
    holding most of the weight."""
    if draft.page is not None:
        draft.content, copies = content_element(draft.page, draft.rules, page_values(draft))
        for copy in copies:
            draft.drop("copy", collapse_space(" ".join(copy.itertext())))


def prose_chars(el: etree._Element) -> int:
    """Han characters of an element outside its links."""
    return han_chars(el.text_content()) - sum(han_chars(a.text_content()) for a in el.iter("a"))


def is_main_list(el: etree._Element | None) -> bool:
    """Whether a content element is a page's main list gathered by ``main_list_of``."""
    return el is not None and el.get(MAIN_LIST) == "entries"


def list_entry(el: etree._Element, r: CleanRules):
    """(link, its text, the entry's whole text) of a list entry: one link with a title-like
    text, not a picture, and little beside it; None for anything else."""
    if el.tag not in ENTRY_TAGS or any(el.find(f".//{tag}") is not None for tag in GROUP_TAGS if tag != el.tag):
        return None
    m = r.main_list
    titled = [(a, collapse_space(a.text_content())) for a in el.iter("a")
              if (a.get("href") or "").strip() and a.find(".//img") is None]
    titled = [(a, t) for a, t in titled if len(t.replace(" ", "")) >= m.entry_chars]
    if len(titled) != 1:
        return None
    link, text = titled[0]
    whole = collapse_space(el.text_content())
    if len(whole.replace(text, "", 1).replace(" ", "")) > m.extra_chars:
        return None
    return link, text, whole


def entry_runs(body: etree._Element, r: CleanRules):
    """Each run of sibling list entries on the page, as (element, link, link text, whole text);
    children without text (spacers) do not break a run."""
    for parent in body.iter():
        if not isinstance(parent.tag, str):
            continue
        run = []
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            entry = list_entry(child, r)
            if entry:
                run.append((child, *entry))
            elif collapse_space(child.text_content()):
                if run:
                    yield run
                run = []
        if run:
            yield run


def marked_as_chrome(el: etree._Element, body: etree._Element, r: CleanRules) -> bool:
    """Whether the element or one around it (up to the body) has a class or id of chrome."""
    for here in (el, *el.iterancestors()):
        if here is body:
            return False
        if r.main_list.chrome_marks.search(" ".join((here.get("class") or "", here.get("id") or ""))):
            return True
    return False


def line_before(el: etree._Element, body: etree._Element) -> tuple[etree._Element | None, str]:
    """The nearest element with text before ``el`` (one of its earlier siblings, else of its
    parent's, up to the body) and its text; (None, "") when there is none."""
    here = el
    while here is not None and here is not body:
        before = here.getprevious()
        while before is not None and not (isinstance(before.tag, str) and collapse_space(before.text_content())):
            before = before.getprevious()
        if before is not None:
            return before, collapse_space(before.text_content())
        here = here.getparent()
    return None, ""


def main_list_of(page: etree._Element, node: etree._Element, r: CleanRules) -> etree._Element | None:
    """The page's main list, gathered into a new element (its heading line, then a <ul> with an
    <li> of text and link per entry), when the content the density search chose (``node``)
    holds little prose and a run of list entries outweighs it (``main_list``); else None."""
    m = r.main_list
    prose = prose_chars(node)
    if prose >= m.max_prose:
        return None
    body = body_of(page)
    runs = [run for run in entry_runs(body, r) if len(run) >= m.min_entries]
    shown = Counter(frozenset(link.get("href") for _, link, _, _ in run) for run in runs)
    best, best_chars = None, 0
    for run in runs:
        texts = [text for _, _, text, _ in run]
        _, heading = line_before(run[0][0], body)
        if (shown[frozenset(link.get("href") for _, link, _, _ in run)] > 1 or len(set(texts)) < len(texts)
                or marked_as_chrome(run[0][0].getparent(), body, r)
                or (len(heading) <= HEADING_CHARS and r.section_breaks.fullmatch(heading))):
            continue
        chars = sum(len(t.replace(" ", "")) for t in texts)
        if chars > best_chars:
            best, best_chars = run, chars
    if best is None or best_chars < max(r.min_content_chars, m.share * prose):
        return None
    out = page.makeelement("div", {MAIN_LIST: "entries"})
    before, heading = line_before(best[0][0], body)
    if (heading and len(heading) <= HEADING_CHARS and before.find(".//a") is None
            and not r.chrome.fullmatch(heading)):
        etree.SubElement(out, "p").text = heading  # the list's heading (a breadcrumb has links)
    entries = etree.SubElement(out, "ul", {MAIN_LIST: "items"})
    for _, link, text, whole in best:
        item = etree.SubElement(entries, "li")
        at = whole.find(text)
        item.text = whole[:at].strip() + (" " if at > 0 else "")
        a = etree.SubElement(item, "a", href=link.get("href").strip())
        a.text = text
        rest = whole[at + len(text):].strip()
        a.tail = " " + rest if rest else None
    return out


def is_thread(el: etree._Element | None) -> bool:
    """Whether a content element is a forum thread's posts gathered by ``thread_of``."""
    return el is not None and el.get(THREAD) == "posts"


def thread_of(page: etree._Element, r: CleanRules, values: AttributeValues) -> etree._Element | None:
    """A forum thread's posts (``thread_posts``: the first engine row whose opening post is
    found) gathered in page order into one new element, each in a <div> of its own; None on a
    page no row finds a post on, or whose posts hold less than ``min_content_chars``.
    ``values``: the page's attribute values (``html.AttributeValues``)."""
    firsts = selected(page, tuple(first for first, _every in r.thread_posts), values)
    for (_first, every), opening in zip(r.thread_posts, firsts):
        if not any(collapse_space(p.text_content()) for p in opening):
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


def content_element(page: etree._Element, r: CleanRules, values: AttributeValues) -> tuple[etree._Element, list]:
    """The content element, and the copies of it the page also holds (left out); ``values``:
    the page's attribute values (``html.page_values``)."""
    body = body_of(page)
    total = weight(body)
    if total == 0:
        listed = main_list_of(page, body, r)
        return (body if listed is None else listed), []
    thread = thread_of(page, r, values)
    if thread is not None:
        return thread, []
    for selection in selected(page, r.cms_content, values):
        for found in selection:
            if len(collapse_space(found.text_content())) >= r.min_content_chars:
                return found, []
    # An article's comment sections weigh nothing beside it (not on a page of comments only).
    comments = {section: weight(section) for section in comment_sections(body, r, values)}
    if total - sum(comments.values()) < r.comment_article_weight:
        comments = {}
    article = total - sum(comments.values())
    for selection in selected(page, r.content, values):
        for found in selection:
            if (len(collapse_space(found.text_content())) >= r.min_content_chars
                    and weight(found) >= r.selector_min_share * article):
                listed = main_list_of(page, found, r)
                return (found if listed is None else listed), []
    node, copies = densest_element(body, r, comments)
    listed = main_list_of(page, node, r)
    if listed is not None:
        return listed, []
    lead = lead_before(node, body, r)
    if lead is None:
        return node, copies
    content = page.makeelement("div")
    for part in (lead, node):
        copy = deepcopy(part)
        copy.tail = None
        content.append(copy)
    return content, copies


def lead_before(node: etree._Element, body: etree._Element, r: CleanRules) -> etree._Element | None:
    """The lead of the content the density search chose (an encyclopedia's summary) when it
    stands in a block of its own before it: the nearest earlier sibling holding a sentence
    outside links, with only blocks without one between (an info box, a table of contents),
    when it holds ``lead_min_prose`` Han characters outside links, is not mostly link text,
    holds no picture or heading (a box of teasers, a gallery) and is not marked as chrome; else
    None."""
    if node is body:
        return None
    # The search may have gone down wrappers holding the content alone (<section><section>…):
    # the lead stands before the outermost of them.
    text = collapse_space(node.text_content())
    while node.getparent() is not body and collapse_space(node.getparent().text_content()) == text:
        node = node.getparent()
    before = node.getprevious()
    while before is not None:
        if isinstance(before.tag, str):
            links = [a.text_content() for a in before.iter("a")]
            text = before.text_content()
            if len(SENTENCE_END.findall(text)) > sum(len(SENTENCE_END.findall(t)) for t in links):
                linked = sum(len("".join(t.split())) for t in links)
                boxed = next(before.iter("img", "h1", "h2", "h3", "h4", "h5", "h6"), None) is not None
                if (prose_chars(before) >= r.lead_min_prose and linked < LINK_SHARE * len("".join(text.split()))
                        and not boxed and not marked_as_chrome(before, body, r)):
                    return before
                return None
        before = before.getprevious()
    return None


def densest_element(body: etree._Element, r: CleanRules, comments: dict) -> tuple[etree._Element, list]:
    """The smallest element holding most of the weight (descending while one child holds
    ``descend_share`` of it), and the copies of it the page also holds. ``comments``: the
    article's comment sections (``comment_sections``) and their weights, which count for
    nothing where the rest weighs ``comment_article_weight`` or more."""
    node, copies = body, []
    here = weight(node)
    while True:
        weights = {child: weight(child) for child in node
                   if isinstance(child.tag, str) and child.tag not in PARAGRAPH_TAGS}
        scored = [(score, child) for child, score in weights.items()]
        inside = _comments_by_child(node, comments)
        if inside and here - sum(inside.values()) >= r.comment_article_weight:
            scored = [(score - inside.get(child, 0.0), child) for score, child in scored]
            here -= sum(inside.values())
        best = next((child for score, child in scored if score >= r.descend_share * here), None)
        if best is None:
            pair = two_copies(scored, here)
            if pair:
                best, copy = pair
                copies.append(copy)
        if best is None:
            return node, copies
        node, here = best, weights[best]  # its weight as it was weighed among its siblings


def comment_sections(body: etree._Element, r: CleanRules, values: AttributeValues) -> list[etree._Element]:
    """The outermost elements in ``body`` whose class or id marks an article's comment section
    (``comment_section``: 观察者网's gc-comment, a blog's comment-box)."""
    if not any(r.comment_section.search(values[name][1]) for name in ("class", "id")):
        return []
    marked = {v.getparent() for name in ("class", "id") for v in values[name][0] if r.comment_section.search(v)}
    return [el for el in marked
            if body in el.iterancestors() and not any(up in marked for up in el.iterancestors())]


def _comments_by_child(node: etree._Element, comments: dict) -> dict:
    """The weight of the comment sections under each child of ``node`` that holds any."""
    inside: dict = {}
    for section, score in comments.items():
        for here in (section, *section.iterancestors()):
            if here is node:
                break
            if here.getparent() is node:
                inside[here] = inside.get(here, 0.0) + score
                break
    return inside


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
