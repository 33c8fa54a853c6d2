"""The title: a page title's site and channel names, and the ``title`` pass that finds the
title among the first paragraphs and drops it (and, from a text scrape, the page chrome above
it); an HTML page whose <title> is a placeholder (显示, 无标题文档) or names only the site and
that no other source names a title for takes its first short line, else the headline printed
right above its content (``heading``)."""
from __future__ import annotations

import re

from .draft import SENTENCE_PUNCT, Draft, paragraph_text
from .dates import DATE
from .metadata import content_span
from .rules import CleanRules, global_rules

ENUMERATION_START = re.compile(r"[（(]?[一二三四五六七八九十\d]+[、.．)）]")
HEADLINE_CHARS = 40
HEADLINE_SEARCH = 3  # blocks looked at for a first line, past placeholder titles
TITLE_LINES = 4  # a title may be set on up to this many lines
SITE_CHARS = 20  # a site's name is no longer
NAME_CHARS = 8  # a part of a page title this short may be a channel's name (辟谣文章)
NAME_PUNCT = re.compile(r"[\d？?！!，,、“”\"：:（）()《》]")
# A part of a page title holding sentence punctuation is no channel's name (标题？--某某的博客).
SENTENCE_MARKS = re.compile(r"[？?！!，,“”：]")
LATIN_NAME = re.compile(r"[A-Za-z0-9 .&'-]+")  # a site's Latin name or address (The Paper, cjn.cn)
HAN = re.compile(r"[\u4e00-\u9fff]")
# A site's address in brackets after its name (央视网(cctv.com)): the name is the site's.
ADDRESS_AFTER = re.compile(r"\s*[(（][A-Za-z0-9.-]+\.[A-Za-z]{2,6}[)）]$")
NAME_BRACKETS = re.compile(r"【([^【】]+)】|\[([^\[\]]+)\]")  # a name set in brackets (【快资讯】)
HEADLINE_MIN = 4  # a headline shorter than this is not looked for in the page title


def strip_site_suffix(title: str, site: str | None, rules: CleanRules | None = None) -> str:
    """A page title without its site and channel names (``标题 - 站点名``, ``标题_频道_站点``,
    ``站点-栏目-标题``)."""
    return split_title(title, site, rules or global_rules())[0]


def split_title(title: str, site: str | None, rules: CleanRules) -> tuple[str, list[str]]:
    """(the article title of a page title, the site and channel names taken off it). At a
    separator that splits no brackets, the one part that is not a name is the title when every
    other part is a name:
    the site's, one shaped like a site name, or a short channel name without document words
    (when every part is a name, the one not shaped like a site name)."""
    title = title.strip().strip(rules.title_edge_marks).strip() or title.strip()
    bracketed = rules.bracketed_site.search(title)
    if bracketed and bracketed.start() and is_site_name(bracketed.group(1), site, rules):
        inner, more = split_title(title[:bracketed.start()], site, rules)
        return inner, more + [bracketed.group(1)]
    for sep in rules.title_separators:
        if sep.strip() and title.endswith(sep.strip()):
            return split_title(title[:-len(sep.strip())], site, rules)
    for sep in rules.title_separators:
        parts = [part.strip() for part in split_at(title, sep) if part.strip()] if sep in title else []
        if len(parts) < 2 or not all(map(balanced, parts)):
            continue
        latin = {part for part in parts if latin_name(part)} if any(map(HAN.search, parts)) else set()
        documents = [part for part in parts if part not in latin and not is_name(part, site, rules)]
        documents = documents or [part for part in parts if part not in latin and not is_site_name(part, site, rules)]
        if len(documents) > 1:
            continue
        main = documents[0] if documents else max(parts, key=len)
        inner, more = split_title(main, site, rules)
        return inner, [part for part in parts if part is not main] + more
    return title, []


def split_at(title: str, sep: str) -> list[str]:
    """``title`` cut at ``sep``; a separator without spaces between two Latin letters or digits
    is part of a name (CCTV-14, COVID-19), it cuts nothing."""
    pieces = title.split(sep)
    if sep != "".join(sep.split()):
        return pieces
    joined = pieces[:1]
    for piece in pieces[1:]:
        if joined[-1][-1:].isascii() and joined[-1][-1:].isalnum() and piece[:1].isascii() and piece[:1].isalnum():
            joined[-1] += sep + piece
        else:
            joined.append(piece)
    return joined


def latin_name(part: str) -> bool:
    """Whether a part of a page title is a name in Latin letters (Ruby China, Joel on Software):
    beside a part in Chinese, a name, not the document."""
    return len(part) <= SITE_CHARS and bool(LATIN_NAME.fullmatch(part)) and any(c.isalpha() for c in part)


def headline_split(raw: str, headlines: list[str], site: str | None, rules: CleanRules) -> tuple[str, list[str]] | None:
    """(the headline, the names) of a page title that starts or ends with one of the page's
    headlines, the rest parted from it by a separator or a space: the headline is the title,
    whatever the rest holds (tags, a 10%公司 keyword, Powered by …), and the rest's parts are
    names (标题_数据_宏观频道首页_财经网 - CAIJING.COM.CN, 标题 松花江网). A headline shaped like a site
    name is not taken, nor one shaped like a channel's name beside a part that is no name (the
    blog's name over its post: 标题？--某某的博客). The longest headline is tried first; of two
    as long, the one ``headlines`` gives first (a set's order would change from run to run)."""
    raw = raw.strip()
    for headline in sorted(dict.fromkeys(headlines), key=len, reverse=True):
        if len(headline) < HEADLINE_MIN or len(headline) >= len(raw) or is_site_name(headline, site, rules):
            continue
        if raw.startswith(headline):
            sep, rest = leading_separator(raw[len(headline):], rules)
        elif raw.endswith(headline):
            sep, rest = leading_separator(raw[:-len(headline)][::-1], rules)  # separators read alike both ways
            rest = rest[::-1]
        else:
            continue
        if sep is None or not rest.strip():
            continue
        parts = split_at(rest, sep) if sep.strip() else [rest]  # a space parts once
        names = [name for part in parts if part.strip() for name in all_parts(part.strip(), rules)]
        if is_name(headline, site, rules) and not all(is_name(name, site, rules) for name in names):
            continue  # a name heading the page (某某的博客) beside the document's title
        return headline, names
    return None


def leading_separator(rest: str, rules: CleanRules) -> tuple[str | None, str]:
    """(the separator ``rest`` starts with, ``rest`` after it): a separator as listed (`` - ``),
    else one after spaces (`` _ ``), else the spaces; None when ``rest`` starts with neither."""
    separators = sorted(rules.title_separators, key=len, reverse=True)
    found = next((sep for sep in separators if rest.startswith(sep)), None)
    if found:
        return found, rest[len(found):]
    body = rest.lstrip()
    found = next((sep.strip() for sep in separators if sep.strip() and body.startswith(sep.strip())), None)
    if found:
        return found, body[len(found):]
    return (" ", body) if body != rest else (None, rest)


def all_parts(title: str, rules: CleanRules) -> list[str]:
    """A page title cut at every separator that splits it into balanced parts."""
    parts = title_parts(title, rules)
    return parts if len(parts) == 1 else [name for part in parts for name in all_parts(part, rules)]


def title_parts(title: str, rules: CleanRules) -> list[str]:
    """The parts of a page title at the first separator that splits it into balanced parts."""
    for sep in rules.title_separators:
        parts = [part.strip() for part in split_at(title, sep) if part.strip()] if sep in title else []
        if len(parts) >= 2 and all(map(balanced, parts)):
            return parts
    return [title.strip()]


def names_only(title: str, metas: dict[str, str], rules: CleanRules) -> bool:
    """Whether a page title may name only the site and its channels, no document: it is the
    site's name as the page's meta tags give it, or every part of it is a short name without
    punctuation (科普中国-辟谣文章, 泡泡详情 | 泡泡). The caller checks the page for a headline."""
    sites = {metas.get(name) for name in rules.meta_names["site"]} - {None}
    if title.strip() in sites:
        return True
    parts = title_parts(title, rules)
    return len(parts) >= 2 and all(is_name(part, None, rules) and len(part) <= NAME_CHARS
                                   and not NAME_PUNCT.search(part) for part in parts)


def outermost_name(raw: str, title: str, names: list[str], site: str | None, rules: CleanRules) -> str | None:
    """The site's name in a page title: the outermost name taken off it (the last, or the first
    when the title comes last: 标题_频道_站点, 站点-栏目-标题), when it is shaped like a site's
    name, or is a name (of a channel's shape, or in Latin letters beside the Chinese title), set in
    brackets or not (【快资讯】), its address in brackets after it or not (央视网(cctv.com)). A
    description of the site past its name (河南日报网-河南日报官方网站, 泡泡 - 一个清新文艺的微社区:
    ``site_tagline``) is passed over for the name."""
    if not names:
        return None
    title_last = raw.rstrip().endswith(title) and not raw.lstrip().startswith(title)
    ordered = sorted(names, key=raw.find) if title_last else sorted(names, key=raw.rfind, reverse=True)
    if len(ordered) > 1 and rules.site_tagline.fullmatch(ordered[0]):
        ordered = ordered[1:]
    outer = ordered[0]
    if LATIN_NAME.fullmatch(outer) and len(ordered) > 1 and rules.site_name.fullmatch(ordered[1]) \
            and not LATIN_NAME.fullmatch(ordered[1]):
        return ordered[1]  # 长江网_cjn.cn, 澎湃新闻-The Paper: the site's own name, not its address
    bracketed = NAME_BRACKETS.fullmatch(outer)
    outer = ADDRESS_AFTER.sub("", next(filter(None, bracketed.groups())) if bracketed else outer) or outer
    if len(outer) > SITE_CHARS or rules.title_words.search(outer):
        return None
    if rules.site_name.fullmatch(outer) or is_name(outer, site, rules) or (HAN.search(title) and latin_name(outer)):
        return outer
    return None


def is_site_name(part: str, site: str | None, rules: CleanRules) -> bool:
    part = ADDRESS_AFTER.sub("", part) or part  # 央视网(cctv.com)
    return part == site or bool(rules.site_name.fullmatch(part)) or "网" in part[-4:]


def is_name(part: str, site: str | None, rules: CleanRules) -> bool:
    """A part of a page title that names the site or a channel, not the document."""
    if is_site_name(part, site, rules):
        return True
    return (len(part) <= rules.channel_name_chars and not part[:1].isdigit()
            and not rules.title_words.search(part) and not SENTENCE_MARKS.search(part))


def balanced(part: str) -> bool:
    """Whether every bracket opened in ``part`` closes there: a separator inside brackets
    (【DVDSCR-RMVB】, 纲要(2015-2020年)) does not split a title."""
    return all(part.count(a) == part.count(b) for a, b in ("()", "（）", "[]", "【】", "《》"))


def is_title_like(text: str, rules: CleanRules) -> bool:
    return (
        6 <= len(text) <= 80
        and not text.endswith(("。", "：", ":", "；", "，"))
        and bool(rules.title_words.search(text))
        and not ENUMERATION_START.match(text)
    )


def title_position(draft: Draft) -> tuple[int, int] | None:
    """(index, number of paragraphs) of the title among the first paragraphs: the known title,
    maybe set on up to four lines; in a text scrape without one, the first title-like line."""
    wanted = (draft.meta.get("title") or "").replace(" ", "")
    limit = min(len(draft.blocks), 15)
    if wanted:
        texts = [paragraph_text(b).replace(" ", "") for b in draft.blocks[:limit + TITLE_LINES - 1]]
        for i, text in enumerate(texts[:limit]):
            if text == wanted or strip_site_suffix(text, None, draft.rules).replace(" ", "") == wanted:
                return i, 1
            lines = texts[i:i + TITLE_LINES]
            for span in range(2, len(lines) + 1):
                if all(lines[:span]) and "".join(lines[:span]) == wanted:
                    return i, span
    if draft.is_text:
        for i in range(limit):
            text = paragraph_text(draft.blocks[i])
            if text and is_title_like(text, draft.rules):
                return i, 1
    elif not wanted and (draft.rules.placeholder_titles.fullmatch(page_title(draft)) or names_only(
            page_title(draft), {e.detail: e.value for e in draft.evidence if e.origin.startswith("meta:")}, draft.rules)
            or any(d.code == "title-placeholder" for d in draft.loaded.diagnostics)):
        for i in range(min(len(draft.blocks), HEADLINE_SEARCH)):
            text = paragraph_text(draft.blocks[i])
            if not draft.rules.placeholder_titles.fullmatch(text):
                return (i, 1) if is_headline(text) else None
    return None


def page_title(draft: Draft) -> str:
    return " ".join((draft.page.findtext(".//title") or "").split()) if draft.page is not None else ""


def is_headline(text: str) -> bool:
    """An HTML page's first line that can stand as its title when nothing else names one:
    short, without sentence punctuation (a question or exclamation mark may close it)."""
    return 2 <= len(text) <= HEADLINE_CHARS and not SENTENCE_PUNCT.search(text.rstrip("？！?!"))


def headline_above(draft: Draft) -> str | None:
    """The headline printed right above an HTML page's content, for a page whose <title> names
    no document: the nearest of the lines above the content's first that can stand as a title, is
    still on the page once chrome is dropped and is not a link's text, past lines holding a date or
    a label (the byline, 来源：…)."""
    first, _ = content_span(draft)
    for text in reversed(draft.page_lines[max(0, first - HEADLINE_SEARCH):first] if first else []):
        if DATE.search(text) or draft.rules.metadata_pair.search(text):
            continue
        return text if is_headline(text) and not draft.rules.placeholder_titles.fullmatch(text) \
            and is_plain_text(draft, text) else None
    return None


def is_plain_text(draft: Draft, text: str) -> bool:
    """Whether ``text`` is still on the page, chrome dropped, and not only as a link's (an entry of
    a list of links)."""
    found = draft.page.xpath("//body//*[normalize-space(.)=$text]", text=text)
    return any(not el.xpath("ancestor-or-self::a | .//a[normalize-space(.)=$text]", text=text) for el in found)


def find_title(draft: Draft) -> None:
    """Drop the title paragraph(s), taking the title from them when no other source gave it,
    and note the block after them (the trim pass looks for the article there). A text scrape's
    lines above the title are page chrome (a site name among them is the site); an HTML page
    keeps its blocks above the title, though the audit lists them, except a placeholder title
    (显示). A page with no title at all is a ``title-missing`` diagnostic."""
    position = title_position(draft)
    if position is None:
        above = headline_above(draft) if draft.page is not None and not draft.meta.get("title") \
            and any(d.code == "title-placeholder" for d in draft.loaded.diagnostics) else None
        draft.offer("title", above, "heading")  # 徒手抓子弹真的存在吗？ over 来源：… over the text
        if not draft.meta.get("title"):
            draft.notice("title-missing", "no title found on the page (nor in its metadata): every format "
                                          "opens with the body")
        return
    index, span = position
    draft.offer("title", "".join(map(paragraph_text, draft.blocks[index:index + span])), "heading")
    placeholders = [b for b in draft.blocks[:index] if draft.rules.placeholder_titles.fullmatch(paragraph_text(b))]
    for block in draft.blocks[:index]:
        text = paragraph_text(block)
        if draft.is_text and draft.rules.site_name.fullmatch(text):
            draft.offer("site", text, "masthead")
        draft.drop("title-placeholder" if block in placeholders else "before-title", text)
    for block in draft.blocks[index:index + span]:
        draft.drop("title", paragraph_text(block))
    after = draft.blocks[index + span:]
    draft.after_headline = after[0] if after else None
    above = [b for b in draft.blocks[:index] if b not in placeholders]
    draft.blocks = after if draft.is_text else above + after
