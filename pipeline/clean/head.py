"""What a page says about itself outside its body: its address (whose host picks the rule
table, the ``site`` pass) and the metadata of meta tags, an archive's <text> envelope, a
saver's comment, the canonical link and the <title> (the ``head`` pass), and a date only a
script writes into the page (WeChat's ``var ct``), each offered as evidence naming its source.

An address is only evidence when it is absolute: a relative one (``<meta name="Url"
content="./t2019….shtml">``) is resolved against the page's absolute address (``<base
href>``, then the other sources), or dropped with a diagnostic; a meta tag's bare site root
(``http://xxgk.jl.gov.cn/``) names the site, not the page, and is dropped the same way. An
address written without its scheme but starting with a host name (``www.sohu.com/a/…``) takes
the page's scheme (else https), as a scheme-relative one does.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from itertools import islice
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..text import collapse_space
from .dates import offer_date, unix_day
from .draft import Draft
from .html import page_values
from .metadata import DATE_FIELDS, publisher_value
from .rules import CleanRules, global_rules, host_of, rules_for
from .title import HEADLINE_MIN, headline_split, names_only, outermost_name, split_title, title_parts

LINE_BREAKS = re.compile(r"[\r\n\t]+")
ENVELOPE = re.compile(r"<text\b([^>]*)>", re.I)
ENVELOPE_ATTR = re.compile(r"""\b(id|title)=["']([^"']*)["']""", re.I)
# The page's XPath searches, compiled once (``xpath`` compiles its expression at every call).
IN_LINK = etree.XPath("ancestor-or-self::a")
MARKED = etree.XPath("//body//*[@class or @id]")
# The page's headlines, and its elements holding a date with the attribute that holds it (walks of those tags).
HEADLINE_TAGS = ("h1", "h2", "h3")
TIME_ATTRIBUTE = {"time": "datetime", "abbr": "title"}


def meta_tags(draft: Draft) -> dict[str, str]:
    """Lower-case <meta> name (or property) → its first non-empty content; read once (the site
    and head passes ask, before any element is dropped)."""
    if draft.metas is None:
        draft.metas = {}
        for m in draft.page.iter("meta"):
            name = (m.get("name") or m.get("property") or "").strip().lower()
            if name and name not in draft.metas and (m.get("content") or "").strip():
                draft.metas[name] = m.get("content").strip()
    return draft.metas


def envelope(draft: Draft) -> dict[str, str]:
    """The id and title attributes of an archive's <text> envelope around the page."""
    found = ENVELOPE.search(draft.loaded.text[:4096])
    return {k.lower(): v for k, v in ENVELOPE_ATTR.findall(found.group(1))} if found else {}


def page_urls(draft: Draft, rules: CleanRules) -> list[tuple[str, str]]:
    """The page's address as each source gives it, strongest first, as (origin, address): the
    loaded document's (a text scrape's first line), <meta name="Url">, an absolute
    <meta name="dc.identifier">, the envelope, a saver's
    comment or an archive's replay script (``comment``), the canonical link, the page's own
    address as a script states it (``script``)."""
    urls = [("document", draft.loaded.url)]
    if draft.page is None:
        return [(origin, url) for origin, url in urls if url]
    metas = meta_tags(draft)
    urls += [(f"meta:{name}", metas.get(name)) for name in rules.meta_names["url"]]
    urls += [(f"meta:{name}", metas[name]) for name in rules.meta_names["identifier"]
             if name in metas and host_of(metas[name].strip())]
    urls.append(("envelope:id", envelope(draft).get("id")))
    head = draft.loaded.text[:4096]
    urls += [("comment", found.group(1)) for found in filter(None, (p.search(head) for p in rules.address_comments))]
    urls += [("canonical", link.get("href")) for link in draft.page.iter("link")
             if (link.get("rel") or "").lower() == "canonical"]
    scripts = script_text(draft)
    urls += [("script", found.group(1)) for found in filter(None, (p.search(scripts) for p in rules.script_addresses))]
    return [(origin, url.strip()) for origin, url in urls if url and url.strip()]


def script_text(draft: Draft) -> str:
    """The text of the page's scripts, one after another; read once (the site and head passes
    ask, before the scripts pass drops them)."""
    if draft.scripts is None:
        draft.scripts = "\n".join(el.text or "" for el in draft.page.iter("script"))
    return draft.scripts


def find_site(draft: Draft) -> None:
    """The host of the first absolute address, and its rule table. The addresses are read
    with the global table (a site file cannot say where to find its own host), and kept for
    the head pass."""
    draft.addresses = (global_rules(), page_urls(draft, global_rules()))
    hosts = (host_of(url) for _, url in draft.addresses[1])
    draft.rules = rules_for(next(filter(None, hosts), None))


def is_site_root(url: str) -> bool:
    return urlsplit(url).path in ("", "/") and not urlsplit(url).query


def base_address(draft: Draft, urls: list[tuple[str, str]]) -> str | None:
    """The absolute address relative ones are resolved against: <base href>, else the page's."""
    base = draft.page.find(".//base") if draft.page is not None else None
    candidates = [base.get("href")] if base is not None and base.get("href") else []
    candidates += [url for _, url in urls if not is_site_root(url)]
    return next((url for url in candidates if host_of(url)), None)


def resolve_link_targets(draft: Draft) -> None:
    """Each relative link target made absolute against the page's ``<base href>``, else its
    address (``url``), so that a link in an output document opens what it opened on the page;
    left as it is where the page states neither. A scheme-relative target takes the base's
    scheme."""
    base = draft.page.find(".//base") if draft.page is not None else None
    candidates = [base.get("href") if base is not None else None, draft.meta.get("url")]
    base = next((url for url in candidates if host_of(url)), None)
    if base is None:
        return
    for block in draft.blocks:
        for link in block.iter("link"):
            href = link.get("href", "")
            if not host_of(href):
                link.set("href", urljoin(base, href))


def offer_urls(draft: Draft) -> None:
    """Every absolute address of the page; relative ones resolved, else dropped (a diagnostic)."""
    read_with, urls = draft.addresses or (None, None)
    if read_with is not draft.rules:  # a site file's table reads them again
        urls = page_urls(draft, draft.rules)
    base = base_address(draft, urls)
    scheme = urlsplit(base).scheme if base and not base.startswith("//") else "https"  # for addresses without one
    for origin, url in urls:
        if url.startswith("//"):  # scheme-relative
            url = f"{scheme}:{url}"
            origin += ":scheme-relative" if ":" not in origin else " (scheme-relative)"
        if not host_of(url) and draft.rules.bare_host.match(url):  # www.sohu.com/a/…: a host, not a path
            url = f"{scheme}://{url}"
            origin += " (scheme-less)"
        if not host_of(url):
            if not base:
                draft.notice("url-dropped", f"{origin} gives the relative address {url} and the page has no "
                             "absolute address to resolve it against")
                continue
            url = urljoin(base, url)
            origin += " (resolved)"
        if origin.startswith("meta:") and is_site_root(url):
            draft.notice("url-dropped", f"{origin} gives {url}, the site's home page, not the page's address")
            continue
        draft.offer("url", url, origin)


def offer_titles(draft: Draft, metas: dict[str, str]) -> None:
    """Titles: the meta tags', then the envelope's and the <title>'s without their site and
    channel names, entities left escaped twice (``&amp;raquo;``) decoded; a meta title that
    repeats the <title> with its names is read as the <title>. A <title> that starts or ends
    with one of the page's headlines (h1–h3, or a line the page prints whole outside links:
    ``title_runs``), parted from the rest by a separator or a space, has that headline for its
    title and the rest for names (``headline_split``). A cut made inside the
    page's own headline (``图说洛阳|…``) is undone: the longest headline of the page that holds
    the title and is part of the <title> is the title. The outermost name taken off (the last,
    or the first when the title comes last) is evidence for the site when it is a name, unless
    it is one of the page's keywords, neither shaped like a site's name nor set in brackets (a
    tag: 标题_中国_法国_全球; not _【快资讯】);
    so is a <title> that is the first entry of the page's breadcrumb (网易娱乐 > 明星俱乐部). A
    template's placeholder title (显示, 无标题文档 …), and a <title> made only of the site's and
    channel's names (科普中国-辟谣文章, or the og:site_name alone, or the first entry of the page's
    breadcrumb: 网易娱乐 > 明星俱乐部), is no title: a diagnostic; unless the page's one <h1> is one
    of those names (蔡健雅_百度百科: ``headed_by``)."""
    r = draft.rules
    site = draft.meta.get("site")
    headlines = page_headlines(draft)
    tag = " ".join(html.unescape(draft.page.findtext(".//title") or "").split())
    tag_names = bool(headline_split(tag, headlines, site, r) or split_title(tag, site, r)[1])
    for name in r.meta_names["title"]:
        value = html.unescape(metas.get(name) or "")
        if not (tag_names and " ".join(value.split()) == tag):  # og:title repeating the <title>, names and all
            draft.offer("title", value, f"meta:{name}")
    for origin, raw in (("envelope:title", envelope(draft).get("title", "")),
                        ("title-tag", draft.page.findtext(".//title") or "")):
        raw = html.unescape(LINE_BREAKS.sub("", raw)).strip()
        if r.placeholder_titles.fullmatch(raw):
            draft.notice("title-placeholder", f"{origin} {raw!r} names no document")
            continue
        title, names = headline_split(raw, headlines + title_runs(draft, raw), site, r) or split_title(raw, site, r)
        outer = outermost_name(raw, title, names, site, r)
        outer = None if outer and is_keyword(outer, metas) and not r.site_name.fullmatch(outer) \
            and f"【{outer}】" not in raw and f"[{outer}]" not in raw else outer
        crumb = heads_breadcrumb(draft, raw)
        if outer or (crumb and not names):
            draft.offer("site", outer or raw, origin)  # 网易娱乐, the breadcrumb's first entry
        if (names_only(raw, metas, r) and not headed_by(raw, draft)) or crumb:
            if not any(metas.get(name) for name in r.meta_names["title"]):
                draft.notice("title-placeholder", f"{origin} {raw!r} names only the site and its channels")
            continue
        if names:
            title = max((h for h in headlines if title in h and h in raw and not (outer and outer in h)),
                        key=len, default=title)
        draft.offer("title", title, origin)


KEYWORD_SEPARATORS = re.compile(r"[,，;；、\s]+")  # between the entries of the keywords meta


def is_keyword(name: str, metas: dict[str, str]) -> bool:
    """Whether a name taken off a page title is one of the page's keywords (meta keywords): a tag
    (标题_中国_法国_全球) or the page's subject (中华人民共和国监察法-纪检)."""
    return name in KEYWORD_SEPARATORS.split(metas.get("keywords") or "")


def title_runs(draft: Draft, raw: str) -> list[str]:
    """The runs of text of the page (an element's own text, or the text after it) that a page
    title starts or ends with, each the whole text of its element and outside links (a menu's
    entry is no headline, nor the first line of a headline set on two): the headline the page
    prints in a <div>, or after a button (标题 湖南省…医院, 泡泡详情 | 泡泡 - …)."""
    body = draft.page.find(".//body")
    if body is None or not raw:
        return []
    runs = []

    def offer(text: str, owner) -> None:
        ends = text.strip()
        if not ends or (ends[0] != raw[0] and ends[-1] != raw[-1]):
            return  # cannot open or close the title (most of the page's text)
        run = collapse_space(ends)
        if len(run) >= HEADLINE_MIN and run != raw and (raw.startswith(run) or raw.endswith(run)) \
                and owner is not None and not IN_LINK(owner) \
                and collapse_space(block_of(owner).text_content()) == run:
            runs.append(run)

    for el in body.iter(etree.Element):
        text, tail = el.text, el.tail
        if text and not text.isspace():
            offer(text, el)
        if tail and not tail.isspace():  # most tails: the indentation before the next tag
            offer(tail, el.getparent())
    return runs


def heads_breadcrumb(draft: Draft, raw: str) -> bool:
    """Whether a page title is the first entry of a breadcrumb the page prints (网易娱乐 >
    明星俱乐部 > 明星话题 under <title>网易娱乐</title>): it names the site, not the document."""
    body = draft.page.find(".//body")
    if body is None or not raw.strip():
        return False
    text = body.text_content()
    if unspaced(raw) not in unspaced(text):
        return False  # the whole text not collapsed for nothing (a regular expression over every character)
    text = collapse_space(text)
    return re.search(rf"(?<!\S){re.escape(raw.strip())}\s*(?:{draft.rules.crumb_separator.pattern})\s*\S", text) is not None


def unspaced(text: str) -> str:
    """``text`` without its white space (``text.WHITE``: what ``str.split`` splits at, a zero-width
    space and a byte-order mark): a string ``collapse_space`` makes of ``text`` holds no other."""
    return "".join(text.split()).replace("\u200b", "").replace("\ufeff", "")


INLINE_TAGS = {"span", "b", "strong", "font", "em", "i", "u", "small", "big", "label"}


def block_of(el):
    """The element a run of text is a line of: ``el`` or its nearest ancestor that is no inline
    element (the <p> around a headline's <span>s)."""
    while el.tag in INLINE_TAGS and el.getparent() is not None:
        el = el.getparent()
    return el


def headed_by(raw: str, draft: Draft) -> bool:
    """Whether a page title's first or last part is the text of the page's one <h1> (蔡健雅 of
    蔡健雅_百度百科, an encyclopedia's entry): a document's name, however short, not a channel's."""
    texts = [text for text in (collapse_space(h.text_content()) for h in draft.page.iter("h1")) if text]
    parts = title_parts(raw, draft.rules)
    return len(texts) == 1 and texts[0] in (parts[0], parts[-1])


def page_headlines(draft: Draft) -> list[str]:
    """The texts of the page's headings (h1–h3)."""
    found = list(islice(draft.page.iter(*HEADLINE_TAGS), 100))
    return [text for text in (collapse_space(e.text_content()) for e in found) if text]


MARKED_CHARS = 40  # a marked source's element holds no more text than this
MARKED_MOST = 2  # a mark on more elements than this is a feed's, on each card


def marked_source(draft: Draft) -> None:
    """The first element of the page marked as the article's source (``class="a_source"``,
    ``class="source"``) or as the self-media account that published it (``class="media-name"``,
    WeChat's ``id="js_name"``) whose short text, without its lead (本文来源于), is one name: the
    publisher (``marked``). A mark on more than ``MARKED_MOST`` elements is a feed's, on each of
    its cards (a teaser's source, its comment count), and marks no source of the article; nor
    does a mark inside a sidebar, menu or related list (``main_list.chrome_marks``)."""
    r = draft.rules
    values = page_values(draft)
    tokens = set((values["class"][1] + values["id"][1]).replace("\0", " ").split())
    if not any(r.source_marks.fullmatch(m) or r.account_marks.fullmatch(m) for m in tokens):
        return  # no class or id on the page is a mark (most pages): no element need be looked at
    found: dict[str, str | None] = {}  # a page repeats its classes: each set of names judged once

    def mark_of(el) -> str | None:
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if names not in found:
            found[names] = next((m for m in names.split() if r.source_marks.fullmatch(m)
                                 or r.account_marks.fullmatch(m)), None)
        return found[names]

    marked = [(el, mark_of(el)) for el in MARKED(draft.page)]
    marked = [(el, mark) for el, mark in marked if mark and el.tag not in ("img", "script", "style", "link")]
    inner = {el for el, _ in marked}
    counts = Counter(mark for _el, mark in marked)
    for el, mark in marked:
        if counts[mark] > MARKED_MOST:
            continue  # the mark of every card of a feed (a teaser's source, its comment count …)
        if any(d in inner for d in el.iterdescendants()):
            continue  # the innermost marked element: <div class="sourceTitle"><div class="sourceTitleText">
        if any(r.main_list.chrome_marks.search(f"{up.get('class') or ''} {up.get('id') or ''}")
               for up in el.iterancestors()):
            continue  # a widget's source in a sidebar, menu or related list (百度百科's 来自艾漫指数)
        text = collapse_space(el.text_content())
        if not text or len(text) > MARKED_CHARS:
            continue
        value = publisher_value(r.source_lead.sub("", text, count=1) if r.source_lead.match(text) else text, r)
        if r.source_name.fullmatch(value) and not r.metadata_pair.match(value):
            draft.offer("publisher", value, f"marked:{mark}")
            return


def comment_fields(draft: Draft) -> None:
    """The fields a publishing system writes into a comment of the page (方正's e-paper
    ``<!--mpproperty <founder-date>…`` ): ``comment:<field>``."""
    for key, patterns in draft.rules.comment_fields.items():
        found = next(filter(None, (p.search(draft.loaded.text) for p in patterns)), None)
        if found is None:
            continue
        if key in DATE_FIELDS:
            offer_date(draft, key, found.group(1), f"comment:{key}")
        else:
            draft.offer(key, found.group(1), f"comment:{key}")


def marked_time(draft: Draft) -> None:
    """The date of the page's first ``<time datetime>`` or ``<abbr title>`` that holds one (a
    forum topic's ``<abbr class="timeago" title="2024年04月22日">``): ``time-element``."""
    body = draft.page.find("body")
    for el in () if body is None else body.iter("time", "abbr"):
        if el.get(TIME_ATTRIBUTE[el.tag]) is not None and offer_date(
                draft, "date", el.get("datetime") or el.get("title"), f"time-element:{el.tag}"):
            return


def script_date(draft: Draft) -> None:
    """The date a script writes into the page (WeChat's ``var ct = "1659274471"``, shown as
    发表于): the first ``script_dates`` pattern that finds one in the page's scripts (``script``)."""
    scripts = script_text(draft)
    for pattern in draft.rules.script_dates:
        found = pattern.search(scripts)
        if found:
            value = found.group(1)
            offer_date(draft, "date", unix_day(value) if value.isdigit() else value, "script")
            return


def read_head(draft: Draft) -> None:
    r = draft.rules
    offer_urls(draft)
    if draft.page is None:
        return
    metas = meta_tags(draft)
    for key in ("site", "publisher"):
        for name in r.meta_names[key]:
            value = metas.get(name)
            draft.offer(key, publisher_value(value, r) if key == "publisher" and value else value, f"meta:{name}")
    owner = r.site_copyright.fullmatch(metas.get("copyright") or "")
    if owner:
        draft.offer("site", owner.group(1), "copyright:copyright")
    comment_fields(draft)
    marked_source(draft)
    marked_time(draft)
    script_date(draft)
    generated = [v for v in metas.values() if r.generated_time in v]
    for name in r.meta_names["date"]:
        value = metas.get(name)
        kind = "generated" if value and any(value in g for g in generated) else "meta"
        offer_date(draft, "date", value, f"{kind}:{name}")
    offer_titles(draft, metas)
