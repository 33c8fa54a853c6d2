"""What a page says about itself outside its body: its address (whose host picks the rule
table, the ``site`` pass) and the metadata of meta tags, an archive's <text> envelope, a
saver's comment, the canonical link and the <title> (the ``head`` pass), each offered as
evidence naming its source.

An address is only evidence when it is absolute: a relative one (``<meta name="Url"
content="./t2019….shtml">``) is resolved against the page's absolute address (``<base
href>``, then the other sources), or dropped with a diagnostic; a meta tag's bare site root
(``http://xxgk.jl.gov.cn/``) names the site, not the page, and is dropped the same way.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .dates import offer_date
from .draft import Draft
from .rules import CleanRules, global_rules, host_of, rules_for
from .title import split_title

LINE_BREAKS = re.compile(r"[\r\n\t]+")
ENVELOPE = re.compile(r"<text\b([^>]*)>", re.I)
ENVELOPE_ATTR = re.compile(r"""\b(id|title)=["']([^"']*)["']""", re.I)


def meta_tags(draft: Draft) -> dict[str, str]:
    """Lower-case <meta> name (or property) → its first non-empty content."""
    metas: dict[str, str] = {}
    for m in draft.page.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        if name and name not in metas and (m.get("content") or "").strip():
            metas[name] = m.get("content").strip()
    return metas


def envelope(draft: Draft) -> dict[str, str]:
    """The id and title attributes of an archive's <text> envelope around the page."""
    found = ENVELOPE.search(draft.loaded.text[:4096])
    return {k.lower(): v for k, v in ENVELOPE_ATTR.findall(found.group(1))} if found else {}


def page_urls(draft: Draft, rules: CleanRules) -> list[tuple[str, str]]:
    """The page's address as each source gives it, strongest first, as (origin, address): the
    loaded document's (a text scrape's first line), <meta name="Url">, the envelope, a saver's
    comment, the canonical link."""
    urls = [("document", draft.loaded.url)]
    if draft.page is None:
        return [(origin, url) for origin, url in urls if url]
    metas = meta_tags(draft)
    urls += [(f"meta:{name}", metas.get(name)) for name in rules.meta_names["url"]]
    urls.append(("envelope:id", envelope(draft).get("id")))
    head = draft.loaded.text[:4096]
    urls += [("comment", found.group(1)) for found in filter(None, (p.search(head) for p in rules.address_comments))]
    urls += [("canonical", link.get("href")) for link in draft.page.iter("link")
             if (link.get("rel") or "").lower() == "canonical"]
    return [(origin, url.strip()) for origin, url in urls if url and url.strip()]


def find_site(draft: Draft) -> None:
    """The host of the first absolute address, and its rule table. The addresses are read
    with the global table: a site file cannot say where to find its own host."""
    hosts = (host_of(url) for _, url in page_urls(draft, global_rules()))
    draft.rules = rules_for(next(filter(None, hosts), None))


def is_site_root(url: str) -> bool:
    return urlsplit(url).path in ("", "/") and not urlsplit(url).query


def base_address(draft: Draft, urls: list[tuple[str, str]]) -> str | None:
    """The absolute address relative ones are resolved against: <base href>, else the page's."""
    base = draft.page.find(".//base") if draft.page is not None else None
    candidates = [base.get("href")] if base is not None and base.get("href") else []
    candidates += [url for _, url in urls if not is_site_root(url)]
    return next((url for url in candidates if host_of(url)), None)


def offer_urls(draft: Draft) -> None:
    """Every absolute address of the page; relative ones resolved, else dropped (a diagnostic)."""
    urls = page_urls(draft, draft.rules)
    base = base_address(draft, urls)
    for origin, url in urls:
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
    channel names (the last name taken off, when shaped like a site name, is evidence for the
    site). A template's placeholder title (显示, 无标题文档 …) is no title: a diagnostic."""
    r = draft.rules
    for name in r.meta_names["title"]:
        draft.offer("title", metas.get(name), f"meta:{name}")
    site = draft.meta.get("site")
    for origin, raw in (("envelope:title", envelope(draft).get("title", "")),
                        ("title-tag", draft.page.findtext(".//title") or "")):
        raw = LINE_BREAKS.sub("", raw).strip()
        if r.placeholder_titles.fullmatch(raw):
            draft.notice("title-placeholder", f"{origin} {raw!r} names no document")
            continue
        title, names = split_title(raw, site, r)
        draft.offer("title", title, origin)
        if names and r.site_name.fullmatch(names[-1]):
            draft.offer("site", names[-1], origin)


def read_head(draft: Draft) -> None:
    r = draft.rules
    offer_urls(draft)
    if draft.page is None:
        return
    metas = meta_tags(draft)
    for key in ("site", "publisher"):
        for name in r.meta_names[key]:
            draft.offer(key, metas.get(name), f"meta:{name}")
    generated = [v for v in metas.values() if r.generated_time in v]
    for name in r.meta_names["date"]:
        value = metas.get(name)
        kind = "generated" if value and any(value in g for g in generated) else "meta"
        offer_date(draft, "date", value, f"{kind}:{name}")
    offer_titles(draft, metas)
