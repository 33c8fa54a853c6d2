"""What a page says about itself outside its body: its address (whose host picks the rule
table, the ``site`` pass) and the metadata of meta tags, an archive's <text> envelope, a
saved-from comment, the canonical link and the <title> (the ``head`` pass)."""
from __future__ import annotations

import re

from ..text import collapse_space
from .draft import Draft
from .metadata import iso_date
from .rules import CleanRules, global_rules, host_of, rules_for
from .title import strip_site_suffix

SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
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


def page_urls(draft: Draft, rules: CleanRules) -> list[str | None]:
    """The page's address as each source gives it, strongest first: the loaded document's
    (a text scrape's first line), <meta name="Url">, the envelope, the saved-from comment,
    the canonical link."""
    urls = [draft.loaded.url]
    if draft.page is None:
        return urls
    metas = meta_tags(draft)
    urls += [metas.get(name) for name in rules.meta_names["url"]]
    envelope_id = envelope(draft).get("id", "")
    urls.append(envelope_id if envelope_id.startswith("http") else None)
    saved = SAVED_FROM.search(draft.loaded.text[:4096])
    urls.append(saved.group(1) if saved else None)
    urls += [link.get("href") for link in draft.page.iter("link") if (link.get("rel") or "").lower() == "canonical"]
    return urls


def find_site(draft: Draft) -> None:
    """The host of the first absolute address, and its rule table. The addresses are read
    with the global table: a site file cannot say where to find its own host."""
    draft.rules = rules_for(next(filter(None, map(host_of, page_urls(draft, global_rules()))), None))


def read_head(draft: Draft) -> None:
    r = draft.rules
    for url in page_urls(draft, r):
        draft.offer("url", url)
    if draft.page is None:
        return
    metas = meta_tags(draft)
    for key in ("site", "publisher"):
        for name in r.meta_names[key]:
            draft.offer(key, metas.get(name))
    for name in r.meta_names["date"]:
        draft.offer("date", iso_date(metas.get(name)))
    for name in r.meta_names["title"]:
        draft.offer("title", metas.get(name))
    site = draft.meta.get("site")
    draft.offer("title", strip_site_suffix(envelope(draft).get("title", ""), site, r))
    page_title = draft.page.findtext(".//title")
    if page_title:
        draft.offer("title", strip_site_suffix(collapse_space(page_title), site, r))
