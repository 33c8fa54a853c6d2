"""Metadata from the page's text, each value offered as evidence with where it was found.

- "label: value" pairs, one or several on a line, run together or not (``note_line``): the
  ``lines`` pass reads the content's, the ``metadata`` pass the lines of the whole page above
  the content (``line``) and below it (``line-below``: comment bylines are weak evidence);
- the ``metadata`` pass also reads a byline stamp near the headline (``byline``: a short line
  with a date, above the first sentence) and the signature block at the end (``signature``:
  the issuer line and the date line of a 落款) and a document number alone on a line above
  the first sentence (``byline:文号``);
- the ``home-link`` pass reads the site's name from a link to the site's home page that names
  it (``<a href="https://www.sohu.com/" title="点击进入搜狐首页">``: ``home-link``), before the
  page's chrome is dropped;
- the ``issuer`` pass takes the organ heading the title (全国人民代表大会常务委员会关于…的决议) as
  the publisher, the weakest evidence of it (``issuer``);
- the ``date`` pass adds the date in the page's address (``address``) and, for an HTML page
  whose date no source gave, the htmldate library's guess (``htmldate``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from ..text import collapse_space
from .chrome import PAGE_LINE_CHARS
from .dates import DATE, EARLIEST, ENGLISH_DATE, latest_day, offer_date
from .draft import SENTENCE_END, Draft, line_text, paragraph_text
from .rules import CleanRules, host_of

DATE_STAMP_ONLY = re.compile(r"[\d\s:：年月日/.-]+")
HAN = re.compile(r"[\u4e00-\u9fff]")
ORIGINAL_MARK = re.compile(r"^\s*(原创|独家|转载)\s*")  # a feed's mark before a byline's outlet
STAMP_REST = re.compile(r"^(日|[:：]\d{2}|\s|[·|｜丨])+")  # what a stamp match leaves: 日, the seconds, a bar
# What a page shows no reader: comments (a CMS's <!--<PublishDate>…-->), scripts and styles, and
# the addresses of its links and pictures (/upload/image/2022/09/29/….jpg).
UNSEEN_MARKUP = re.compile(r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>"
                           r"""|\b(?:src|href)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)""", re.S | re.I)
YEAR_ON = re.compile(r"(?<!\d)(19|20)\d{2}\s*[-年/.]\s*\d{1,2}")
DATE_FIELDS = ("date", "written")
OTHER_LABEL = re.compile(r"\s*[:：]")  # what ends a label heading a line
BYLINE_CHARS = 60
# The links whose title or text may name a home page (in C, not a look at every link's text).
HOME_LINKS = "//a[contains(@title, '首页') or contains(., '首页')]"
# How many lines above the content, and how many paragraphs at its end, are searched.
LINES_ABOVE_CONTENT = 8
LABEL_CHARS = 12  # a label this short may be spaced out to its cell's or line's width (索 引 号：)
LABEL_VALUE_CHARS = 60  # the longest value on the line after its label
SIGNATURE_PARAGRAPHS = 4


def note_line(text: str, draft: Draft, kind: str) -> bool:
    """Offer the pairs of a line made only of "label: value" pairs; True when it was one."""
    pairs = list(draft.rules.metadata_pair.finditer(text))
    if not pairs or pairs[0].start() != 0:
        return False
    note_pairs(text, pairs, draft, kind)
    return True


def note_pairs(text: str, pairs: list[re.Match], draft: Draft, kind: str) -> None:
    """Offer each "label: value" pair of a line: a value runs to the next label."""
    for i, match in enumerate(pairs):
        end = pairs[i + 1].start() if i + 1 < len(pairs) else len(text)
        note(match.group(1), text[match.end():end].strip(), draft, kind)


def note(label: str, value: str, draft: Draft, kind: str) -> None:
    """Offer ``value`` for the field ``label`` gives, as ``kind:label`` (dates as ISO dates,
    a publisher up to the first space)."""
    label = "".join(label.split())
    for key, labels in draft.rules.metadata_fields.items():
        if label not in labels or not value.strip(" ：:|"):
            continue
        origin = f"{kind}:{label}"
        if key in DATE_FIELDS:
            offer_date(draft, key, value, origin)
        else:
            draft.offer(key, publisher_value(value, draft.rules) if key == "publisher" else value, origin)


def publisher_value(value: str, r: CleanRules) -> str:
    """A publisher as the page prints it, without what runs into it: a source label heading the
    value (来源：人民网), brackets ([ 国际金融报 ]), the date, time or label that follows it
    (央视网2016年07月10日, 上海奉贤选稿：…, …分享到：), the words after the first space (of a
    Chinese name), a
    person's name run on after an outlet's (中国新闻网王帆)."""
    label, end, person = r.publisher_label, r.publisher_end, r.publisher_person
    value = label.sub("", value.strip(), count=1) if label.match(value.strip()) else value
    value = value.strip(" \t:：|[]【】［］〔〕")
    cut = [m.start() for m in (YEAR_ON.search(value), end.search(value)) if m]
    value = value[:min(cut)] if cut else value
    value = value.strip(" :：|[]【】［］")
    value = value.split()[0] if HAN.search(value) else value  # a Latin name has spaces in it
    named = person.fullmatch(value)
    return named.group(1)[: -len(named.group(2))] if named else value


def closed_up(text: str) -> str:
    """Text as labels are matched: white space collapsed, and a short text (a label spaced out
    to its cell's or line's width: 标      题：) closed up."""
    text = collapse_space(text)
    return "".join(text.split()) if len(text) <= LABEL_CHARS else text


def label_and_value(text: str, after: str, draft: Draft, kind: str) -> None:
    """A line that is only a label (索 引 号：, its letters perhaps spaced out) with its value on
    the next line (an info list whose label and value are separate blocks): the pair, for a
    field whose value shows what it is (a date, checked as a date; an index or document number,
    holding a digit), unless the next line is a label too or longer than a value
    (``LABEL_VALUE_CHARS``). A label left empty is often followed by another block's text
    (文 号： above the issuer's name), so a name is not taken this way."""
    if len(text) > LABEL_CHARS or not text.rstrip().endswith(("：", ":")):
        return
    label = draft.rules.metadata_label_only.fullmatch(closed_up(text))
    if not label or len(after) > LABEL_VALUE_CHARS or draft.rules.metadata_label_only.fullmatch(after) \
            or draft.rules.metadata_pair.match(after):
        return
    name = "".join(label.group(1).split())
    field = next((key for key, labels in draft.rules.metadata_fields.items() if name in labels), None)
    if field in DATE_FIELDS or (field in ("index", "number") and any(ch.isdigit() for ch in after)):
        note(name, after, draft, kind)


def content_span(draft: Draft) -> tuple[int, int]:
    """(first, last) index among the page's lines of the content's first and last paragraphs,
    headings or picture captions (lines of the page too), short enough to be page lines (a long
    one is not kept there); the whole page when they cannot be found there."""
    lines = draft.page_lines
    captioned = {id(figure) for figure in draft.captioned}
    texts = [t for t in (b.get("alt") if id(b) in captioned else line_text(b) for b in draft.blocks)
             if t and len(t) <= PAGE_LINE_CHARS]
    if not texts or texts[0] not in lines or texts[-1] not in lines:
        return 0, len(lines)
    return _placed(lines, texts[:2]), len(lines) - 1 - _placed(lines[::-1], texts[::-1][:2])


def _placed(lines: list[str], texts: list[str]) -> int:
    """The index of ``texts[0]`` among ``lines``: where the next text follows it, else its first
    (the headline printed above the byline and again as the content's first line)."""
    found = [i for i, line in enumerate(lines) if line == texts[0]]
    return next((i for i in found if lines[i + 1:i + 2] == texts[1:2]), found[0])


def resolve_metadata(draft: Draft) -> None:
    """Labelled lines of the page outside the content (and those among its lines that are not
    its own: an info bar inside the article element), a byline near the headline, the signature
    block."""
    first, last = content_span(draft)
    content = {line_text(b) for b in draft.blocks}
    for i, text in enumerate(draft.page_lines):
        if first <= i <= last and (first, last) != (0, len(draft.page_lines)) and text in content:
            continue  # the content's own line; a line among them that is not (an info bar) is read
        pairs = list(draft.rules.metadata_pair.finditer(text))
        if pairs and pairs[0].start(1) and HAN.fullmatch(text[pairs[0].start(1) - 1]) and len(pairs[0].group(1)) <= 2:
            pairs = pairs[1:]  # the tail of a longer label (批准时间, 图片来源), not a label; a longer one
            # is a label after a word (阅读次数: 次信息来源：…, the count filled in by a script)
        note_pairs(text, pairs, draft, "line-below" if i > last else "line")
        if i + 1 < len(draft.page_lines):
            label_and_value(text, draft.page_lines[i + 1], draft, "line-below" if i > last else "line")
    first_post = next(filter(None, map(draft.rules.first_post_date.search, draft.page_lines)), None)
    if first_post:  # 1楼2022-10-02 23:02, 本贴由某某于2005年8月12日…发表: the thread's date, not a reply's
        mark = "".join(first_post.group("mark").split())
        offer_date(draft, "date", first_post.string[first_post.end():], f"line:{mark}")
    above = draft.page_lines[max(0, first - LINES_ABOVE_CONTENT):first]
    for i, text in enumerate(above):
        outlet = draft.rules.author_before_outlet.sub("", above[i - 1], count=1) if i else ""
        if byline_date(draft, text, above[i - 1] if i else "") and outlet and draft.rules.publisher_outlet.fullmatch(outlet):
            draft.offer("publisher", outlet, "byline")  # 新华社 (or 石佳/中国青年报) on its own line above 2020-01-03 18:13
    take_byline(draft)
    signature(draft)
    copyright_line(draft)
    grant_line(draft)


def grant_line(draft: Draft) -> None:
    """The outlet a sentence of the page grants the article from (本文为百略网授权网易财经发布):
    the publisher (``grant``). A writer granting a column piece (本文为王利阳授权…) is no outlet."""
    found = next(filter(None, map(draft.rules.grant_line.search, draft.page_lines)), None)
    if found and draft.rules.publisher_outlet.fullmatch(found.group(1)):
        draft.offer("publisher", found.group(1), "grant")


def copyright_line(draft: Draft) -> None:
    """The site's name a copyright line of the page gives (Copyright © 2019 科普中国, 中国西藏新闻网
    版权所有, 版权所有 湖南省中医药研究院附属医院): the last such line, the footer's (``copyright:line``);
    only the lines holding a copyright mark are tried."""
    for text in filter(draft.rules.copyright_mark.search, reversed(draft.page_lines)):
        for pattern in draft.rules.copyright_lines:
            found = pattern.search(text)
            if found:
                draft.offer("site", found.group(1), "copyright:line")
                return


def byline_date(draft: Draft, text: str, before: str = "") -> str | None:
    """Offer the date of a byline: a short line without sentences (not the page header's clock,
    nor the value of another date's label heading it or alone on the line ``before`` it). A
    speech's subtitle (``speech_occasion``) is no byline."""
    if not text or len(text) > BYLINE_CHARS or SENTENCE_END.search(text) or draft.rules.clock_line.search(text):
        return None
    if other_date(draft.rules, before) or other_date(draft.rules, OTHER_LABEL.split(text, maxsplit=1)[0]):
        return None  # 批准时间 / 2023年12月27日: when something was approved, not when the page was published
    if draft.rules.speech_occasion.search(text):
        return None  # ——2026年1月27日在…会议上: the day a report was given, not the day it was published
    match = draft.rules.stamp_line.search(text) or DATE.search(text) or ENGLISH_DATE.search(text)
    if not match:
        return None
    after = STAMP_REST.sub("", text[match.end():])
    before = ORIGINAL_MARK.sub("", text[:match.start()]).strip(" ·|｜丨")
    if after and (draft.rules.site_name.fullmatch(after) or draft.rules.publisher_outlet.fullmatch(after)) \
            and not draft.rules.metadata_pair.search(after):
        draft.offer("publisher", after, "byline")  # 2019-09-26 10:56:28 证券时报网, 2024-05-20 14:33·新华社
    elif before and draft.rules.publisher_outlet.fullmatch(before):
        draft.offer("publisher", before, "byline")  # 原创 南方都市报 2019-09-09 16:01:46
    return offer_date(draft, "date", match.group(), "byline")


def other_date(r: CleanRules, label: str) -> bool:
    """Whether ``label`` (a line, or what heads a line before a colon) names a date that is not
    the publication date: ``other_date_label`` and no label a metadata field takes."""
    label = "".join(label.split())
    return bool(r.other_date_label.fullmatch(label)) and not any(label in labels for labels in r.metadata_fields.values())


def take_byline(draft: Draft) -> None:
    """The first byline among the content's paragraphs above its first sentence, dropped from
    the body when it is only a date stamp (``2005-06-14 03:25:55``); a document number line
    there (``教思政厅函〔2024〕10号``) gives the number and stays. The page's headline, still among
    the paragraphs, is no sentence, whatever closes it (谁来为无序拆房“埋单”？). A wire dateline
    opening the first sentence (据新华社拉萨电) or on a line of its own before it (TNW中文站 10月14日报道)
    gives the agency as the publisher."""
    title = "".join((draft.meta.get("title") or "").split())
    for i, block in enumerate(draft.blocks):
        text = paragraph_text(block)
        wire = draft.rules.dateline.match(text) if text and "".join(text.split()) != title else None
        if wire:  # 据新华社拉萨电（记者 …）…, or TNW中文站 10月14日报道 on its own: the text is the agency's
            draft.offer("publisher", wire.group(1), "byline:电头")
            return
        if text and SENTENCE_END.search(text) and "".join(text.split()) != title:
            return
        if text and draft.rules.number_line.fullmatch(text):
            draft.offer("number", text, "byline:文号")
        elif text and byline_date(draft, text, paragraph_text(draft.blocks[i - 1]) if i else ""):
            paired = stamp_and_pairs(text, draft.rules)
            if paired:  # 2019-09-26 12:11来源：证券时报网作者：李在山: its pairs are a labelled line's
                note_pairs(text, list(draft.rules.metadata_pair.finditer(text)), draft, "line")
            if (DATE_STAMP_ONLY.fullmatch(text) or paired) and len(draft.blocks) > 1:
                draft.drop("metadata", text)
                del draft.blocks[i]
            return


def stamp_and_pairs(text: str, r: CleanRules) -> bool:
    """Whether a byline is its date stamp, perhaps a word saying what it stamps (``stamp_word``:
    更新, 发布), and "label: value" pairs only (2005-04-05 06:40更新 来源：转载文章)."""
    match = r.stamp_line.match(text) or DATE.match(text)
    if not match:
        return False
    rest = STAMP_REST.sub("", text[match.end():])
    word = r.stamp_word.match(rest)
    rest = rest[word.end():].lstrip() if word else rest
    pair = r.metadata_pair.match(rest)
    return bool(pair) and not SENTENCE_END.search(rest)


def signature(draft: Draft) -> None:
    """The signature block (落款) among the last paragraphs: a date line, and the issuer line
    above it. Gives the written date, and the publisher and date as weak evidence."""
    paragraphs = [paragraph_text(b) for b in draft.blocks if b.tag == "p"][-SIGNATURE_PARAGRAPHS:]
    for i in range(len(paragraphs) - 1, 0, -1):
        if not DATE_STAMP_ONLY.fullmatch(paragraphs[i]) or not DATE.search(paragraphs[i]):
            continue
        issuer = paragraphs[i - 1]
        if draft.rules.signature_issuer.fullmatch(issuer):
            draft.offer("publisher", issuer, "signature")
            if offer_date(draft, "written", paragraphs[i], "signature"):
                offer_date(draft, "date", paragraphs[i], "signature")
        return


def title_issuer(draft: Draft) -> None:
    """The organ a document's title starts with, before ``issuer_before`` (国务院办公厅关于…的通知:
    发文机关, 关于, 事由, 文种): the publisher (``issuer``)."""
    head, found, _ = (draft.meta.get("title") or "").partition(draft.rules.issuer_before)
    if found and draft.rules.signature_issuer.fullmatch(head.strip()):
        draft.offer("publisher", head.strip(), "issuer")


#: The languages htmldate's fallback parser (dateparser) reads a date in: the pages are
#: Chinese, the few dates on them written in words English (Dec 28 Sat 2013). Left to
#: itself it tries each of dateparser's 200 locales: two seconds of regular expressions
#: compiled the first time a page needs it, in every worker process of a batch.
DATE_GUESS_LANGUAGES = ("zh", "en")
#: The settings htmldate gives its fallback parser (``htmldate.extractors.get_external_parser``,
#: htmldate 1.9–1.11): a date in full, in the past, never one filled in from today.
DATE_GUESS_SETTINGS = {
    "NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"], "PREFER_DATES_FROM": "past",
    "PREFER_LOCALE_DATE_ORDER": True, "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True,
}


@lru_cache(maxsize=None)
def date_guesser():
    """htmldate's ``find_date`` with its fallback parser reading ``DATE_GUESS_LANGUAGES`` only:
    the parser htmldate makes (``extractors.get_external_parser``, an internal: pyproject.toml
    bounds htmldate's version, and tests/test_metadata.py fails when it moves) replaced by one
    with htmldate's settings and these languages."""
    import htmldate.extractors
    from dateparser import DateDataParser
    from htmldate import find_date

    parser = DateDataParser(languages=list(DATE_GUESS_LANGUAGES), settings=DATE_GUESS_SETTINGS)
    htmldate.extractors.get_external_parser = lambda: parser
    return find_date


def fill_date(draft: Draft) -> None:
    """The date in the page's address; with no date from any source, htmldate's guess."""
    url = draft.meta.get("url")
    for pattern in draft.rules.url_dates if url else ():
        match = pattern.search(url)
        if match:
            offer_date(draft, "date", "-".join(match.groups()), "address")
            break
    if not draft.meta.get("date") and draft.page is not None:
        find_date = date_guesser()  # only for pages no source dates (its import is slow)
        # bytes, not the text: htmldate fetches a text that looks like an address (http…, no
        # space), and a conversion never goes to the network
        guess = find_date(draft.loaded.text.encode("utf-8", "replace"), url=url, original_date=True,
                          outputformat="%Y-%m-%d", min_date=EARLIEST.isoformat(),
                          max_date=latest_day(draft.loaded.saved)[0].isoformat())
        if guess and not written_on_page(guess, draft.loaded.text + (url or "")):
            draft.notice("date-rejected", f"date from htmldate: {guess} is not written on the page "
                         "(a guess from a year or a month alone)")
        elif guess:
            offer_date(draft, "date", guess, "htmldate")


def written_on_page(iso: str, text: str) -> bool:
    """Whether the day ``iso`` is written in ``text`` (2024-01-05, 2024年1月5日, 20240105 …),
    outside its comments, scripts and the addresses of its links and pictures: a date only there
    is no date the page states."""
    text = UNSEEN_MARKUP.sub(" ", text)
    year, month, day = iso.split("-")
    written = rf"{year}\D{{0,3}}0?{int(month)}\D{{0,3}}0?{int(day)}(?!\d)|{year}{month}{day}(?!\d)"
    return re.search(written, text) is not None


def home_link(draft: Draft) -> None:
    """The site's name a link to the site's home page gives in its title or text (点击进入搜狐首页,
    网易首页, 返回南方网首页): the first such link whose host is the page's or a parent of it
    (``home-link``). A page without an address of its own cannot tell its home from another's."""
    if draft.page is None:
        return
    own = next(filter(None, (host_of(e.value) for e in draft.evidence if e.field == "url")), None)
    if own is None:
        return
    own = own.removeprefix("www.")
    for link in draft.page.xpath(HOME_LINKS):
        href = (link.get("href") or "").strip()
        host = host_of(href)
        if not host or urlsplit(href).path not in ("", "/") or not is_same_site(own, host.removeprefix("www.")):
            continue
        for text in (link.get("title"), link.text_content()):
            found = draft.rules.home_link.fullmatch(" ".join((text or "").split()))
            if found:
                draft.offer("site", found.group(1), "home-link")
                return


def is_same_site(own: str, host: str) -> bool:
    """``host`` (without www.) is the page's host or a parent domain of it (news.163.com: 163.com)."""
    return own == host or own.endswith("." + host)
