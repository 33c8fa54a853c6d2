"""The clean stage: decoded page text → a flat IR (metadata, body blocks, audit of what was removed).

HTML: chrome elements are dropped by selector, the content container is chosen (known CMS
selectors first, else the smallest element holding most of the sentence punctuation), and
its blocks are read out in order (paragraphs with their links, data tables, simple lists,
figures, h1–h6 as heading markers). Text scrapes: one paragraph per line, `|` rows as
tables. Both then pass the same line rules: chrome phrases are dropped, metadata lines are
lifted into <meta> (for HTML also from info bars outside the content), the title and a
repeated body (print copy) are dropped, and for HTML only the densest run of blocks is kept.
Every rule is data in ``rules/clean.yaml``; every drop is recorded in <removed>.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree, html
from lxml.cssselect import CSSSelector

from .assemble import report
from .errors import InputError
from .load import Loaded
from .rules import load_rules
from .text import collapse_space

SENTENCE_PUNCT = re.compile(r"[。，；：！？、]")
SENTENCE_END = re.compile(r"[。！？；]")
DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
DATE_STAMP_ONLY = re.compile(r"[\d\s:：年月日/.-]+")
XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
ENVELOPE = re.compile(r"<text\b([^>]*)>", re.I)
ENVELOPE_ATTR = re.compile(r"""\b(id|title)=["']([^"']*)["']""", re.I)
# The density search never descends into a single paragraph: content is a container of them.
PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "b", "em", "i", "u", "br", "img", "pre"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCK_TAGS = HEADING_TAGS | {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
    "center", "pre", "tr", "td", "th", "tbody", "thead", "tfoot", "table", "hr", "br", "figure",
    "figcaption", "address", "body",
}


@dataclass(frozen=True)
class CleanRules:
    always_drop: tuple[CSSSelector, ...]
    drop: tuple[CSSSelector, ...]
    cms_content: tuple[CSSSelector, ...]
    content: tuple[CSSSelector, ...]
    min_content_chars: int
    min_list_entry_chars: int
    selector_min_share: float
    chrome_images: re.Pattern
    attachment_lead: re.Pattern
    stamp_line: re.Pattern
    descend_share: float
    chrome: tuple[re.Pattern, ...]
    metadata_pair: re.Pattern
    metadata_label_only: re.Pattern
    metadata_fields: dict
    meta_names: dict
    site_name: re.Pattern
    title_words: re.Pattern
    title_separators: tuple[str, ...]
    url_dates: tuple[re.Pattern, ...]


@lru_cache(maxsize=1)
def rules() -> CleanRules:
    data = load_rules("clean")
    labels = "|".join(sorted(map(re.escape, data["metadata_labels"]), key=len, reverse=True))
    return CleanRules(
        always_drop=tuple(CSSSelector(s) for s in data["always_drop_selectors"]),
        drop=tuple(CSSSelector(s) for s in data["drop_selectors"]),
        cms_content=tuple(CSSSelector(s) for s in data["cms_content_selectors"]),
        content=tuple(CSSSelector(s) for s in data["content_selectors"]),
        min_content_chars=data["min_content_chars"],
        min_list_entry_chars=data["min_list_entry_chars"],
        selector_min_share=data["selector_min_share"],
        chrome_images=re.compile(data["chrome_images"]),
        attachment_lead=re.compile(data["attachment_lead"]),
        stamp_line=re.compile(data["stamp_line"]),
        descend_share=data["descend_share"],
        chrome=tuple(re.compile(p) for p in data["chrome_lines"]),
        metadata_pair=re.compile(rf"[•·]?\s*({labels})\s*[:：]\s*"),
        metadata_label_only=re.compile(rf"[•·]?\s*({labels})\s*[:：]?"),
        metadata_fields=data["metadata_fields"],
        meta_names={k: [n.lower() for n in v] for k, v in data["meta_names"].items()},
        site_name=re.compile(data["site_name"]),
        title_words=re.compile(data["title_words"]),
        title_separators=tuple(data["title_suffix_separators"]),
        url_dates=tuple(re.compile(p) for p in data["url_dates"]),
    )


@dataclass
class Draft:
    """What the clean stage assembles before it becomes IR."""

    meta: dict = field(default_factory=dict)
    blocks: list = field(default_factory=list)  # lxml elements: p, section (heading marker), table, list, figure
    removed: list = field(default_factory=list)  # (rule, text)
    page_lines: list = field(default_factory=list)  # short lines of the whole page, for metadata
    labelled: dict = field(default_factory=dict)  # field → {label: value} seen in "label: value" lines

    def drop(self, rule: str, text: str) -> None:
        if text.strip():
            self.removed.append((rule, text.strip()))

    def offer(self, key: str, value: str | None) -> None:
        """Set a metadata field unless a stronger source already set it."""
        if value and value.strip() and not self.meta.get(key):
            self.meta[key] = value.strip()


def iso_date(value: str | None) -> str | None:
    match = DATE.search(value or "")
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------- HTML


def _parse_html(text: str) -> etree._Element:
    text = XML_DECL.sub("", text, count=1)
    try:
        return html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse HTML: {exc}") from None


def _html_meta(doc: etree._Element, text: str, draft: Draft) -> None:
    r = rules()
    metas = {}
    for m in doc.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        if name and name not in metas and (m.get("content") or "").strip():
            metas[name] = m.get("content").strip()
    for key in ("site", "url", "publisher"):
        for name in r.meta_names[key]:
            draft.offer(key, metas.get(name))
    for name in r.meta_names["date"]:
        draft.offer("date", iso_date(metas.get(name)))
    for name in r.meta_names["title"]:
        draft.offer("title", metas.get(name))
    envelope = ENVELOPE.search(text[:4096])
    if envelope:
        attrs = {k.lower(): v for k, v in ENVELOPE_ATTR.findall(envelope.group(1))}
        draft.offer("url", attrs.get("id") if attrs.get("id", "").startswith("http") else None)
        draft.offer("title", strip_site_suffix(attrs.get("title", ""), draft.meta.get("site")))
    saved = SAVED_FROM.search(text[:4096])
    if saved:
        draft.offer("url", saved.group(1))
    for link in doc.iter("link"):
        if (link.get("rel") or "").lower() == "canonical":
            draft.offer("url", link.get("href"))
    page_title = doc.findtext(".//title")
    if page_title:
        draft.offer("title", strip_site_suffix(collapse_space(page_title), draft.meta.get("site")))


def strip_site_suffix(title: str, site: str | None) -> str:
    """Remove a trailing " - 站点名" (or _ | —) from a page title."""
    title = title.strip()
    for sep in rules().title_separators:
        if sep.strip() and title.endswith(sep.strip()):
            return strip_site_suffix(title[:-len(sep.strip())], site)
    for sep in rules().title_separators:
        if sep not in title:
            continue
        head, tail = title.rsplit(sep, 1)
        tail = tail.strip()
        if tail and (tail == site or rules().site_name.fullmatch(tail) or "网" in tail[-4:]):
            return strip_site_suffix(head, site)
    return title


def _table_chars(table: etree._Element) -> int:
    """Characters of a table that looks like data (a fifth of its cells hold digits); 0 for
    layout and menu tables."""
    cells = [c for c in table.iter("td", "th") if c.find(".//td") is None]
    if not cells or _cells_with_digits(cells) < 0.2 * len(cells):
        return 0
    return sum(len(c.text_content().strip()) for c in cells)


def _cells_with_digits(cells) -> int:
    return sum(1 for c in cells if any(ch.isdigit() for ch in c.text_content()))


def _weight(el: etree._Element) -> float:
    """How much report text an element holds: its sentence punctuation outside links (related
    article lists are links), plus data-table text (which has little punctuation) at one unit
    per 15 characters."""
    tables = [t for t in el.iter("table") if t.find(".//table") is None]
    linked = sum(len(SENTENCE_PUNCT.findall(a.text_content())) for a in el.iter("a"))
    return len(SENTENCE_PUNCT.findall(el.text_content())) - linked + sum(map(_table_chars, tables)) / 15


def _choose_content(doc: etree._Element) -> etree._Element:
    """The content element: a CMS container with text; else a generic container holding a fair
    share of the page's sentences; else the smallest element holding most of the weight."""
    r = rules()
    body = doc.find("body")
    if body is None:
        body = doc
    total = _weight(body)
    if total == 0:
        return body
    for selector in r.cms_content:
        for found in selector(doc):
            if len(collapse_space(found.text_content())) >= r.min_content_chars:
                return found
    for selector in r.content:
        for found in selector(doc):
            if (len(collapse_space(found.text_content())) >= r.min_content_chars
                    and _weight(found) >= r.selector_min_share * total):
                return found
    node = body
    while True:
        here = _weight(node)
        scored = [(_weight(child), child) for child in node
                  if isinstance(child.tag, str) and child.tag not in PARAGRAPH_TAGS]
        best = next((child for score, child in scored if score >= r.descend_share * here), None)
        if best is None:
            best = _first_of_copies(scored, here)
        if best is None:
            return node
        node = best


def _first_of_copies(scored, total: int):
    """The first of two children carrying the same text (a page with a print or mobile copy)."""
    top = sorted((s for s in scored if s[0] >= 0.35 * total), key=lambda s: -s[0])[:2]
    if len(top) == 2 and abs(top[0][0] - top[1][0]) <= 0.1 * top[0][0]:
        a, b = (collapse_space(child.text_content()) for _, child in top)
        shared = len(set(a.split("。")) & set(b.split("。")))
        if shared >= 0.5 * max(1, len(set(a.split("。")))):
            return next(child for _, child in scored if child in (top[0][1], top[1][1]))
    return None


def _is_data_table(table: etree._Element) -> bool:
    if table.find(".//table") is not None:
        return False
    rows = table.findall(".//tr")
    if len(rows) < 2 or max(len(r.findall("td") + r.findall("th")) for r in rows) < 2:
        return False
    return all(len(collapse_space(c.text_content())) <= 300 for c in table.iter("td", "th"))


def _table_block(table: etree._Element) -> etree._Element:
    out = etree.Element("table")
    for tr in table.iter("tr"):
        row = etree.SubElement(out, "row")
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            c = etree.SubElement(row, "cell")
            for attr in ("rowspan", "colspan"):
                value = (cell.get(attr) or "").strip()
                if value.isdigit() and int(value) > 1:
                    c.set(attr, value)
            if cell.tag == "th":
                c.set("header", "true")
            c.text = collapse_space(cell.text_content())
    return out


class BlockReader:
    """Reads an HTML content element into IR blocks in document order."""

    def __init__(self, draft: Draft):
        self.draft = draft
        self.buffer: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text) of the links kept in the buffer
        self.link_chars = 0  # characters inside any <a>, kept as a link or not
        self.in_attachments = False

    def flush(self) -> None:
        text = collapse_space("".join(self.buffer))
        links, self.links, self.buffer = self.links, [], []
        link_chars, self.link_chars = self.link_chars, 0
        if not text:
            return
        attachment = bool(rules().attachment_lead.match(text)) or (
            self.in_attachments and links and text[:1].isdigit())
        self.in_attachments = attachment
        if not attachment and link_chars >= 0.6 * len(text.replace(" ", "")) and not SENTENCE_END.search(text):
            self.draft.drop("links", text)
            return
        self.draft.blocks.append(_paragraph(text, links))

    def add(self, text: str | None) -> None:
        if text:
            self.buffer.append(text)

    def read_list(self, el: etree._Element) -> None:
        """A list of plain entries becomes a <list>; one made of links or of one-word entries
        (a menu, a pager, a button row) is chrome."""
        entries = []
        for li in el.iterfind("li"):
            reader = BlockReader(Draft())
            reader.read(li)
            reader.flush()
            text = collapse_space(li.text_content())
            if text:
                entries.append((reader, text))
        linked = sum(len(t) for r, t in entries if r.draft.removed)
        total = sum(len(t) for _, t in entries)
        if not entries or linked >= 0.6 * total or total < rules().min_list_entry_chars * len(entries):
            self.draft.drop("links", " ".join(t for _, t in entries))
            return
        out = etree.Element("list")
        if el.tag == "ol":
            out.set("ordered", "true")
        for reader, text in entries:
            item = etree.SubElement(out, "li")
            paragraph = reader.draft.blocks[0] if reader.draft.blocks else None
            if paragraph is not None and paragraph.tag == "p":
                item.text = paragraph.text
                item.extend(list(paragraph))
            else:
                item.text = text
        self.draft.blocks.append(out)

    def add_link(self, el: etree._Element) -> bool:
        """Buffer a hyperlink as a link; False when it is not one worth keeping (scripts, anchors)."""
        href = (el.get("href") or "").strip()
        text = collapse_space(el.text_content())
        self.link_chars += len(text.replace(" ", ""))
        if not text or not href or href.startswith(("javascript:", "#")) or el.find(".//img") is not None:
            return False
        self.buffer.append(el.text_content())
        self.links.append((href, text))
        return True

    def read(self, el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag:
            self.add(el.tail)
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            self.draft.blocks.append(_table_block(el))
        elif tag in HEADING_TAGS:
            self.flush()
            text = collapse_space(el.text_content())
            if text:
                marker = etree.Element("section", kind=tag, label="", level="1")
                etree.SubElement(marker, "heading").text = text
                self.draft.blocks.append(marker)
        elif tag == "img":
            src = el.get("src") or el.get("data-src") or ""
            if src and not src.startswith("data:") and not _tiny(el) and not rules().chrome_images.search(src):
                self.flush()
                fig = etree.Element("figure", src=src)
                if (el.get("alt") or "").strip():
                    fig.set("alt", collapse_space(el.get("alt")))
                self.draft.blocks.append(fig)
        elif tag == "br":
            self.flush()
        elif tag in ("ul", "ol") and _is_simple_list(el):
            self.flush()
            self.read_list(el)
        else:
            if tag == "a" and self.add_link(el):
                self.add(el.tail)
                return
            block = tag in BLOCK_TAGS
            if block:
                self.flush()
            self.add(el.text)
            for child in el:
                self.read(child)
            if block:
                self.flush()
        self.add(el.tail)


def _paragraph(text: str, links: list[tuple[str, str]]) -> etree._Element:
    """A <p> of ``text`` whose link texts, found in order, become <link> children."""
    p = etree.Element("p")
    cursor, last = 0, None
    p.text = ""
    for href, link_text in links:
        at = text.find(link_text, cursor)
        if at < 0:
            continue
        before = text[cursor:at]
        if last is None:
            p.text += before
        else:
            last.tail = (last.tail or "") + before
        last = etree.SubElement(p, "link", href=href)
        last.text = link_text
        cursor = at + len(link_text)
    if last is None:
        p.text = text
    else:
        last.tail = (last.tail or "") + text[cursor:]
    return p


def _is_simple_list(el: etree._Element) -> bool:
    """A ul/ol whose entries are short runs of text (no nested blocks, images or tables)."""
    items = el.findall("li")
    return bool(items) and len(items) == len([c for c in el if isinstance(c.tag, str)]) and all(
        li.find(".//p") is None and li.find(".//div") is None and li.find(".//table") is None
        and li.find(".//img") is None and li.find(".//ul") is None and li.find(".//ol") is None
        for li in items)


def _tiny(img: etree._Element) -> bool:
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < 40:
            return True
    return False


def clean_html(loaded: Loaded, draft: Draft) -> None:
    doc = _parse_html(loaded.text)
    _html_meta(doc, loaded.text, draft)
    for selector in rules().always_drop:
        for el in selector(doc):
            if el.getparent() is not None:
                el.drop_tree()
    body = doc.find("body")
    whole_page = Draft()
    BlockReader(whole_page).read(body if body is not None else doc)
    draft.page_lines = [t for t in map(_text, whole_page.blocks) if t and len(t) <= 200]
    total = _weight(body if body is not None else doc)
    for selector in rules().drop:
        for el in selector(doc):
            parent = el.getparent()
            if parent is not None and not (total and _weight(el) > 0.3 * total):
                draft.drop(f"selector:{el.tag}", collapse_space(el.text_content())[:200])
                el.drop_tree()
    content = _choose_content(doc)
    reader = BlockReader(draft)
    reader.read(content)
    reader.flush()


# ---------------------------------------------------------------- text scrapes


def clean_text(loaded: Loaded, draft: Draft) -> None:
    lines = loaded.text.split("\n")
    table: list[list[str]] = []
    for raw in lines + [""]:
        line = raw.strip()
        if line.startswith("|"):
            table.append([collapse_space(c) for c in line.strip("|").split("|")])
            continue
        if table:
            draft.blocks.append(_pipe_table(table))
            table = []
        text = collapse_space(raw)
        if text:
            p = etree.Element("p")
            p.text = text
            draft.blocks.append(p)


def _pipe_table(rows: list[list[str]]) -> etree._Element:
    out = etree.Element("table")
    for cells in rows:
        row = etree.SubElement(out, "row")
        for text in cells:
            etree.SubElement(row, "cell").text = text
    return out


# ---------------------------------------------------------------- shared line rules


def _text(block) -> str:
    return collapse_space("".join(block.itertext())) if block.tag == "p" else ""


def _metadata_line(text: str, draft: Draft) -> bool:
    """Lift metadata from a line made only of "label: value" pairs; True when it was one."""
    pairs = list(rules().metadata_pair.finditer(text))
    if not pairs or pairs[0].start() != 0:
        return False
    _note_pairs(text, pairs, draft)
    return True


def _note_pairs(text: str, pairs: list[re.Match], draft: Draft) -> None:
    """Note each "label: value" pair of a line under the field its label gives."""
    for i, match in enumerate(pairs):
        end = pairs[i + 1].start() if i + 1 < len(pairs) else len(text)
        _note(match.group(1), text[match.end():end].strip(), draft)


def _note(label: str, value: str, draft: Draft) -> None:
    for key, labels in rules().metadata_fields.items():
        if label not in labels or not value:
            continue
        if key == "date":
            value = iso_date(value)
        elif key == "publisher":
            value = value.split()[0]
        if value:
            draft.labelled.setdefault(key, {}).setdefault(label, value)


def _resolve_fields(draft: Draft) -> None:
    """Fill each field from its noted values, the strongest label first."""
    for key, labels in rules().metadata_fields.items():
        found = draft.labelled.pop(key, {})
        for label in labels:
            if label in found:
                draft.offer(key, found[label])
                break


def _page_metadata(draft: Draft) -> None:
    """Publisher and date from labelled lines anywhere on the page (an info bar outside the
    content), when neither the meta tags nor the content gave them."""
    if draft.meta.get("publisher") and draft.meta.get("date"):
        return
    found = Draft()
    for text in draft.page_lines:
        _note_pairs(text, list(rules().metadata_pair.finditer(text)), found)
    _resolve_fields(found)
    for key in ("publisher", "date"):
        draft.offer(key, found.meta.get(key))


def _is_title_like(text: str) -> bool:
    return (
        8 <= len(text) <= 80
        and not text.endswith(("。", "：", ":", "；", "，"))
        and bool(rules().title_words.search(text))
        and not re.match(r"[（(]?[一二三四五六七八九十\d]+[、.．)）]", text)
    )


def apply_line_rules(draft: Draft, is_text: bool) -> None:
    r = rules()
    kept = []
    pending_label = None  # a label alone on its line, whose value is the next line
    for block in draft.blocks:
        text = _text(block)
        if block.tag != "p":
            kept.append(block)
            continue
        if any(p.fullmatch(text) for p in r.chrome):
            draft.drop("chrome", text)
            continue
        if pending_label and len(text) <= 60 and not r.metadata_label_only.match(text):
            _note(pending_label, text, draft)
            draft.drop("metadata", text)
            pending_label = None
            continue
        pending_label = None
        label_only = r.metadata_label_only.fullmatch(text)
        if label_only:
            pending_label = label_only.group(1)
            draft.drop("metadata", text)
            continue
        if len(text) <= 200 and _metadata_line(text, draft):
            draft.drop("metadata", text)
            continue
        kept.append(block)
    draft.blocks = kept
    _resolve_fields(draft)
    _page_metadata(draft)
    _find_title(draft, is_text)
    _drop_repeats(draft)
    _date_from_stamp(draft)
    _date_from_url(draft)
    if not is_text:
        _trim_to_densest_run(draft)


def _date_from_stamp(draft: Draft) -> None:
    """With no labelled date, take a short date-stamped line among the first blocks (a byline
    such as ``2005-06-14 03:25:55`` or ``2024年1月5日 来源：…``); drop it when it is only that."""
    if draft.meta.get("date"):
        return
    for i, block in enumerate(draft.blocks[:8]):
        text = _text(block)
        if not text or len(text) > 60 or SENTENCE_END.search(text):
            continue
        match = rules().stamp_line.search(text) or DATE.search(text)
        day = iso_date(match.group()) if match else None
        if day:
            draft.offer("date", day)
            if DATE_STAMP_ONLY.fullmatch(text) and len(draft.blocks) > 1:
                draft.drop("metadata", text)
                del draft.blocks[i]
            return


def _date_from_url(draft: Draft) -> None:
    """The last resort for the date: one written in the page's address."""
    url = draft.meta.get("url")
    if draft.meta.get("date") or not url:
        return
    for pattern in rules().url_dates:
        match = pattern.search(url)
        if match:
            draft.offer("date", iso_date("-".join(match.groups())))
            return


def _block_score(block) -> float:
    """A block's evidence of being report text: sentence punctuation outside links; data-table
    text; image thumbnails and short date-stamped lines count against."""
    if block.tag == "figure":
        return -0.5
    if block.tag == "table":
        return sum(len(c.text or "") for c in block.iter("cell")) / 15
    if block.tag != "p":
        return 0.0
    own = (block.text or "") + "".join(child.tail or "" for child in block)
    score = len(SENTENCE_PUNCT.findall(own))
    if score == 0 and rules().stamp_line.search(own) and len(own) <= 60:
        return -1.0
    return float(score)


def _trim_to_densest_run(draft: Draft) -> None:
    """Keep the contiguous run of blocks with the most evidence (maximum-sum run), extended over
    neutral neighbours and a lone adjacent figure; what lies outside it (teasers, thumbnail
    strips, comment counts) is dropped and audited."""
    scores = [_block_score(b) for b in draft.blocks]
    best, best_span, running, start = 0.0, None, 0.0, 0
    for i, score in enumerate(scores):
        if running <= 0:
            running, start = 0.0, i
        running += score
        if running > best:
            best, best_span = running, (start, i)
    if best_span is None:
        return
    first, last = best_span
    blocks = draft.blocks

    def joins(i: int, beyond: int) -> bool:
        """Block i next to the run joins it: a neutral block, or a lone figure (a lead photo)."""
        if scores[i] == 0:
            return True
        lone = not (0 <= beyond < len(blocks)) or blocks[beyond].tag != "figure"
        return blocks[i].tag == "figure" and lone

    while first > 0 and joins(first - 1, first - 2):
        first -= 1
    while last + 1 < len(blocks) and joins(last + 1, last + 2):
        last += 1
    for block in blocks[:first] + blocks[last + 1:]:
        draft.drop("outside-content", _block_key(block) or block.get("src", ""))
    draft.blocks = blocks[first:last + 1]


def _find_title(draft: Draft, is_text: bool) -> None:
    """Find the title among the first paragraphs; drop it and any page chrome above it."""
    r = rules()
    title = draft.meta.get("title")
    limit = min(len(draft.blocks), 15)
    index = None
    span = 1
    wanted = (title or "").replace(" ", "")
    for i in range(limit):
        text = _text(draft.blocks[i]).replace(" ", "")
        following = _text(draft.blocks[i + 1]).replace(" ", "") if i + 1 < len(draft.blocks) else ""
        if wanted and text == wanted:
            index = i
            break
        if wanted and text and following and text + following == wanted:
            index, span = i, 2  # a title set on two lines
            break
    if index is None and is_text:
        for i in range(limit):
            text = _text(draft.blocks[i])
            if text and _is_title_like(text):
                index = i
                break
    if index is None:
        return
    if not title:
        draft.offer("title", _text(draft.blocks[index]))
    for block in draft.blocks[:index]:
        text = _text(block)
        if is_text and r.site_name.fullmatch(text):
            draft.offer("site", text)
        draft.drop("before-title", text)
    for block in draft.blocks[index:index + span]:
        draft.drop("title", _text(block))
    after = draft.blocks[index + span:]
    draft.blocks = after if is_text else draft.blocks[:index] + after


def _block_key(block) -> str:
    return collapse_space("".join(block.itertext()))


def _drop_repeats(draft: Draft) -> None:
    """Drop a repeated title and a repeated run of body blocks (a print copy)."""
    title = (draft.meta.get("title") or "").replace(" ", "")
    kept = []
    seen: dict[str, int] = {}
    following = None  # index in kept that the current repeated run continues from
    for block in draft.blocks:
        key = _block_key(block)
        if title and key.replace(" ", "") == title:
            draft.drop("title", key)
            continue
        if following is not None and following < len(kept) and _block_key(kept[following]) == key:
            draft.drop("duplicate", key)
            following += 1
            continue
        following = None
        if len(key) >= 20 and key in seen:
            draft.drop("duplicate", key)
            following = seen[key] + 1
            continue
        seen.setdefault(key, len(kept))
        kept.append(block)
    draft.blocks = kept


# ---------------------------------------------------------------- assembly


def clean(loaded: Loaded) -> etree._Element:
    draft = Draft()
    draft.offer("url", loaded.url)
    if loaded.format == "html":
        clean_html(loaded, draft)
    else:
        clean_text(loaded, draft)
    apply_line_rules(draft, is_text=loaded.format == "text")
    if not any(_block_key(b) for b in draft.blocks):
        raise InputError("no report text found")
    return _to_ir(loaded, draft)


def _to_ir(loaded: Loaded, draft: Draft) -> etree._Element:
    source = {"name": loaded.name, "format": loaded.format, "encoding": loaded.encoding}
    return report(draft.meta, draft.blocks, draft.removed, source, loaded.diagnostics)
