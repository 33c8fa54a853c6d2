"""The clean stage's rule tables, compiled: the global table (``rules/clean.yaml``) and, per
host, that table merged with the host's own file ``rules/sites/<host>.yaml``.

A site file holds entries with the keys of ``clean.yaml``. Its lists are put in front of the
global lists (tried first), its mappings are merged key by key the same way, and its scalars
replace the global ones. It applies to its exact host; with ``match_subdomains: true`` also to
every subdomain (the most specific file wins: one site file per page). The folder is
``sites_folder()``; each table is compiled once per folder and site.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import msgspec
from cssselect import parse as parse_css
from cssselect.parser import Attrib, Class, CombinedSelector, Element, Hash
from lxml import etree
from lxml.cssselect import CSSSelector, LxmlTranslator

from ..errors import UsageError
from ..rules import load_rules, read_yaml

SUBDOMAINS_KEY = "match_subdomains"


class MainListRules(msgspec.Struct, frozen=True):
    """How a page whose report is a list of linked entries is recognized (``main_list``)."""

    min_entries: int  # entries in the run at least
    entry_chars: int  # characters of an entry's link text at least (a title, not a menu word)
    extra_chars: int  # characters beside the link in an entry at most (a date, a source)
    max_prose: int  # Han characters outside links of the content chosen: below it, a list is looked for
    share: float  # the run's link text against that prose, at least
    chrome_marks: re.Pattern  # a class or id of the run or an element around it: not the main list


class HardWrapRules(msgspec.Struct, frozen=True):
    """How a run of lines broken at a fixed width is recognized (``unwrap.py``)."""

    min_width: int  # columns (a character outside ASCII two) the width is at least
    tolerance: int  # columns below the width a line that reached it may end
    min_lines: int  # lines that reach the width, at least
    min_share: float  # and that share of the run's lines, at least
    over_share: float  # share of the lines running past the width, at most
    prose_share: float  # share of the lines reaching the width that hold sentence punctuation, at least


class PageSelector(msgspec.Struct, frozen=True):
    """A CSS selector (a group) and how its elements are found quicker than by its XPath, which
    tests every element of the page: ``tags``, the element names of a group of bare names (a walk
    of those elements alone); ``needs``, what every element it selects holds: one of some
    attributes, each with a text its value holds (None: the attribute alone), None where a
    selector of the group asks for no such attribute (a tag); and ``test``, the group as a test
    of one element, where its selectors have no combinator and their ``needs`` name one
    attribute (only the elements whose value of it holds one of the texts are tested)."""

    select: CSSSelector
    needs: tuple[tuple[str, str | None], ...] | None
    tags: tuple[str, ...] = ()
    test: etree.XPath | None = None


class CleanRules(msgspec.Struct, frozen=True):
    """The compiled cleaning rules of a page's host (``rules_for``). A frozen struct rather
    than a dataclass: a dataclass of this many fields costs a cold start 7 ms to define."""

    always_drop: tuple[PageSelector, ...]
    drop: tuple[PageSelector, ...]
    cms_content: tuple[PageSelector, ...]
    thread_posts: tuple[tuple[PageSelector, CSSSelector], ...]  # (opening post, every post) per engine
    content: tuple[PageSelector, ...]
    min_content_chars: int
    min_list_entry_chars: int
    link_grid_marks: re.Pattern  # what a cell of a grid of links may hold besides its links
    data_table_rows: int  # rows with two or more cells holding text a data table has at least
    selector_min_share: float
    chrome_images: re.Pattern
    picture_address: re.Pattern  # a link's target that is a picture (a photo's larger copy)
    citation_mark: re.Pattern  # a superscript citation mark ([3], [3-4]), full match
    attachment_lead: re.Pattern
    stamp_line: re.Pattern
    stamp_word: re.Pattern  # a word after a byline's stamp saying what it stamps (更新, 发布)
    descend_share: float
    comment_section: re.Pattern  # a class or id marking an article's comment section, searched
    comment_article_weight: float  # the weight beside a comment section that makes it not the content
    lead_min_prose: int  # Han characters outside links of a lead before the content, at least
    main_list: MainListRules
    hard_wrap: HardWrapRules
    chrome: re.Pattern  # one of the chrome lines (``one_of``)
    footer_lines: re.Pattern
    footer_marks: re.Pattern
    traditional_chrome: dict[int, str]  # str.translate table: Traditional → Simplified
    traditional_chars: re.Pattern  # one of the table's Traditional characters (a scan far quicker than translate)
    chrome_latin: re.Pattern
    caption_line: re.Pattern
    centred_line_chars: int
    section_breaks: re.Pattern  # one of the section breaks (``one_of``)
    bold_heading: re.Pattern
    bold_style: re.Pattern
    metadata_pair: re.Pattern
    metadata_label_only: re.Pattern
    metadata_fields: dict
    meta_names: dict
    site_name: re.Pattern
    title_words: re.Pattern
    title_separators: tuple[str, ...]
    title_edge_marks: str  # marks taken off either end of a title part (多维博客  » 标题)
    url_dates: tuple[re.Pattern, ...]
    evidence_order: tuple[str, ...]
    complete_fields: tuple[str, ...]
    complete_from: tuple[str, ...]
    named_titles_from: tuple[str, ...]  # kinds of title evidence that may end with the publisher's name
    generated_time: str
    address_comments: tuple[re.Pattern, ...]
    placeholder_titles: re.Pattern
    clock_line: re.Pattern
    signature_issuer: re.Pattern
    issuer_before: str  # what follows the issuer heading a title (国务院关于…)
    channel_name_chars: int
    bracketed_site: re.Pattern
    home_link: re.Pattern  # a link's title or text naming the site's home page, group 1 the name, full match
    site_copyright: re.Pattern  # a copyright meta naming the site (人民网版权所有), full match
    copyright_mark: re.Pattern  # what every copyright line holds
    copyright_lines: tuple[re.Pattern, ...]  # a page's copyright line naming the site, group 1, in order
    site_tagline: re.Pattern  # a description of a site past its name in a page title, full match
    number_line: re.Pattern
    publisher_label: re.Pattern  # a source label heading a publisher's value (来源：人民网)
    publisher_end: re.Pattern  # what ends a publisher's name (a date, a following label …)
    publisher_person: re.Pattern  # an outlet's name with a person's name run on (中国新闻网王帆)
    publisher_outlet: re.Pattern  # an outlet's name alone (新华社, 澎湃新闻), full match
    publisher_before_site: re.Pattern  # an outlet's or edition's name the site's name runs on after, full match
    source_marks: re.Pattern  # a class or id marking the article's source (a_source), full match
    source_lead: re.Pattern  # a lead before a marked source's name (本文来源于)
    source_name: re.Pattern  # a marked source's text that is one name, full match
    first_post_date: re.Pattern  # a forum post's stamp right before the thread's date (1楼, 本贴由…于)
    bare_host: re.Pattern  # a host name heading an address written without its scheme
    author_before_outlet: re.Pattern  # an author's name and a slash before an outlet's (石佳/)
    account_marks: re.Pattern  # a class or id marking a self-media account's name (media-name), full match
    script_dates: tuple[re.Pattern, ...]  # a date a script writes into the page (WeChat's var ct), group 1
    script_addresses: tuple[re.Pattern, ...]  # the page's own address a script states, group 1
    grant_line: re.Pattern  # a sentence granting the article from an outlet, group 1 the outlet
    comment_fields: dict[str, tuple[re.Pattern, ...]]  # field → a system's property comment, group 1
    other_date_label: re.Pattern  # a label naming a date that is not the publication date (批准时间), full match
    speech_occasion: re.Pattern  # a speech's subtitle: the day and meeting it was given at (no byline), searched
    website_name: re.Pattern  # a website's name (辽阳网站): a meta publisher naming the site, full match
    crumb_separator: re.Pattern  # what parts a breadcrumb's entries (网易娱乐 > 明星俱乐部)
    crumb_start: re.Pattern  # a breadcrumb's first line (首页, 当前位置：), full match
    dateline: re.Pattern  # a wire dateline opening the first sentence (据新华社拉萨电), group 1 the agency


def label_pattern(label: str) -> str:
    """A label as a pattern; one of three or more characters may have spaces between them
    (索  引  号), a shorter one may not (时 间：7:00 in a schedule is text)."""
    return r"\s*".join(map(re.escape, label)) if len(label) >= 3 else re.escape(label)


def pair_start(labels: list[str]) -> str:
    """A lookahead for the characters a "label: value" pair starts with (a bullet, a space, a
    label's first character): a search rejects any other position with one test, where the
    pattern alone tries every label there."""
    return f"(?=[•·\\s{re.escape(''.join(sorted({label[0] for label in labels})))}])"


# What a selector's attribute test (operator) says of a selected element's value: it holds the
# text, or only that the attribute is there; != is absent (an element without the attribute).
HOLDS_TEXT = {"=", "~=", "|=", "^=", "$=", "*="}
ATTRIBUTE_NAME = re.compile(r"[A-Za-z_][\w-]*")


def one_of(patterns: list[str]) -> re.Pattern:
    """A list of patterns as one expression, each alternative a group of its own: it matches
    (in full) where one of them does, in one call rather than a call per pattern. Its
    patterns refer to no group by number and set no global flag ((?i) …)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")


def page_selector(css: str) -> PageSelector:
    selectors = parse_css(css)
    select = CSSSelector(css)
    if all(is_bare_name(s.parsed_tree) and s.pseudo_element is None for s in selectors):
        return PageSelector(select, None, tags=tuple(s.parsed_tree.element for s in selectors))
    needs, combined = [], False
    for selector in selectors:
        tree = selector.parsed_tree
        while isinstance(tree, CombinedSelector):  # a b, a > b: the element selected is b
            tree, combined = tree.subselector, True
        if isinstance(tree, Class):
            needs.append(("class", tree.class_name))
        elif isinstance(tree, Hash):
            needs.append(("id", tree.id))
        elif isinstance(tree, Attrib) and tree.namespace is None and ATTRIBUTE_NAME.fullmatch(tree.attrib) \
                and (tree.operator == "exists" or tree.operator in HOLDS_TEXT):
            needs.append((tree.attrib, tree.value.value if tree.operator in HOLDS_TEXT else None))
        else:
            return PageSelector(select, None)
    one_attribute = not combined and len({name for name, _ in needs}) == 1
    test = etree.XPath(LxmlTranslator().css_to_xpath(css, prefix="self::")) if one_attribute else None
    return PageSelector(select, tuple(needs), test=test)


def is_bare_name(tree) -> bool:
    """Whether a parsed selector is an element name alone (``script``), no namespace."""
    return isinstance(tree, Element) and tree.namespace is None and tree.element not in (None, "*")


def thread_row(entry: dict) -> tuple[PageSelector, CSSSelector]:
    """A forum engine's row of ``thread_posts``: the selector of its opening post, and the
    selector of every post (the opening post's and the replies', found in page order)."""
    every = ", ".join(s for s in (entry["first"], entry.get("replies")) if s)
    return page_selector(entry["first"]), CSSSelector(every)


def compile_rules(data: dict) -> CleanRules:
    labels = "|".join(map(label_pattern, sorted(data["metadata_labels"], key=len, reverse=True)))
    return CleanRules(
        always_drop=tuple(map(page_selector, data["always_drop_selectors"])),
        drop=tuple(map(page_selector, data["drop_selectors"])),
        cms_content=tuple(map(page_selector, data["cms_content_selectors"])),
        thread_posts=tuple(map(thread_row, data["thread_posts"])),
        content=tuple(map(page_selector, data["content_selectors"])),
        min_content_chars=data["min_content_chars"],
        min_list_entry_chars=data["min_list_entry_chars"],
        link_grid_marks=re.compile(data["link_grid_marks"]),
        data_table_rows=data["data_table_rows"],
        selector_min_share=data["selector_min_share"],
        chrome_images=re.compile(data["chrome_images"]),
        picture_address=re.compile(data["picture_address"]),
        citation_mark=re.compile(data["citation_mark"]),
        attachment_lead=re.compile(data["attachment_lead"]),
        stamp_line=re.compile(data["stamp_line"]),
        stamp_word=re.compile(data["stamp_word"]),
        descend_share=data["descend_share"],
        comment_section=re.compile(data["comment_section"]["marks"]),
        comment_article_weight=data["comment_section"]["article_weight"],
        lead_min_prose=data["lead_min_prose"],
        main_list=main_list_rules(data["main_list"]),
        hard_wrap=HardWrapRules(**data["hard_wrap"]),
        chrome=one_of(data["chrome_lines"]),
        footer_lines=re.compile(data["footer_lines"]),
        footer_marks=re.compile(data["footer_marks"]),
        traditional_chrome=str.maketrans(data["traditional_chrome"]),
        traditional_chars=re.compile("|".join(map(re.escape, data["traditional_chrome"])) or "(?!)"),
        chrome_latin=re.compile(data["chrome_latin"]),
        caption_line=re.compile(data["caption_line"]),
        centred_line_chars=int(data["centred_line_chars"]),
        section_breaks=one_of(data["section_breaks"]),
        bold_heading=re.compile(data["bold_heading"]),
        bold_style=re.compile(data["bold_style"], re.I),
        metadata_pair=re.compile(rf"{pair_start(data['metadata_labels'])}[•·]?\s*({labels})\s*[:：]\s*"),
        metadata_label_only=re.compile(rf"[•·]?\s*({labels})\s*[:：]?"),
        metadata_fields=data["metadata_fields"],
        meta_names={k: [n.lower() for n in v] for k, v in data["meta_names"].items()},
        site_name=re.compile(data["site_name"]),
        title_words=re.compile(data["title_words"]),
        title_separators=tuple(data["title_suffix_separators"]),
        title_edge_marks=data["title_edge_marks"],
        url_dates=tuple(re.compile(p) for p in data["url_dates"]),
        evidence_order=tuple(data["evidence_order"]),
        complete_fields=tuple(data["complete_fields"]),
        complete_from=tuple(data["complete_from"]),
        named_titles_from=tuple(data["named_titles_from"]),
        generated_time=data["generated_time"],
        address_comments=tuple(re.compile(p, re.I) for p in data["address_comments"]),
        placeholder_titles=re.compile(data["placeholder_titles"], re.I),
        clock_line=re.compile(data["clock_line"]),
        signature_issuer=re.compile(data["signature_issuer"]),
        issuer_before=data["issuer_before"],
        channel_name_chars=data["channel_name_chars"],
        bracketed_site=re.compile(data["bracketed_site"]),
        home_link=re.compile(data["home_link"]),
        site_copyright=re.compile(data["site_copyright"]),
        copyright_mark=re.compile(data["copyright_mark"], re.I),
        copyright_lines=tuple(re.compile(p, re.I) for p in data["copyright_lines"]),
        site_tagline=re.compile(data["site_tagline"]),
        number_line=re.compile(data["number_line"]),
        source_marks=re.compile(data["source_marks"]),
        source_lead=re.compile(data["source_lead"]),
        source_name=re.compile(data["source_name"]),
        first_post_date=re.compile(data["first_post_date"]),
        bare_host=re.compile(data["bare_host"]),
        author_before_outlet=re.compile(data["author_before_outlet"]),
        account_marks=re.compile(data["account_marks"]),
        script_dates=tuple(re.compile(p) for p in data["script_dates"]),
        script_addresses=tuple(re.compile(p) for p in data["script_addresses"]),
        grant_line=re.compile(data["grant_line"]),
        comment_fields={k: tuple(map(re.compile, v)) for k, v in data["comment_fields"].items()},
        other_date_label=re.compile(data["other_date_label"]),
        speech_occasion=re.compile(data["speech_occasion"]),
        website_name=re.compile(data["website_name"]),
        crumb_separator=re.compile(data["crumb_separator"]),
        crumb_start=re.compile(data["crumb_start"]),
        dateline=re.compile(data["dateline"]),
        **publisher_patterns(data),
    )


def main_list_rules(entry: dict) -> MainListRules:
    return MainListRules(min_entries=entry["min_entries"], entry_chars=entry["entry_chars"],
                         extra_chars=entry["extra_chars"], max_prose=entry["max_prose"],
                         share=float(entry["share"]), chrome_marks=re.compile(entry["chrome_marks"]))


def publisher_patterns(data: dict) -> dict:
    """The publisher's patterns from ``metadata_fields.publisher``, ``publisher_end``,
    ``outlet_name``, ``edition_name`` and ``surnames``."""
    labels = "|".join(sorted(map(re.escape, data["metadata_fields"]["publisher"]), key=len, reverse=True))
    person = rf"(?:{data['outlet_name']})([{data['surnames']}][\u4e00-\u9fff]{{1,2}})(?<![版刊网报社台])"
    return {"publisher_label": re.compile(rf"(本文|本稿)?({labels})\s*[:：]\s*"),
            "publisher_end": re.compile(data["publisher_end"]),
            "publisher_person": re.compile(rf"(.+?{person})"),
            "publisher_outlet": re.compile(rf"[\u4e00-\u9fff·]{{1,10}}(?:{data['outlet_name']})"),
            "publisher_before_site": re.compile(rf"[\u4e00-\u9fff·]{{1,10}}(?:{data['outlet_name']}|{data['edition_name']})")}


@lru_cache(maxsize=1)
def sites_folder() -> Path:
    """Where the site files are: ``rules/sites`` of this package."""
    return Path(str(resources.files("pipeline.rules").joinpath("sites")))


def merged(site: dict, base: dict) -> dict:
    """``base`` with ``site``'s entries in front: lists prepended, mappings merged, scalars replaced."""
    out = dict(base)
    for key, value in site.items():
        if isinstance(value, list):
            out[key] = value + list(base.get(key) or [])
        elif isinstance(value, dict):
            out[key] = merged(value, base.get(key) or {})
        else:
            out[key] = value
    return out


@lru_cache(maxsize=None)
def site_files(folder: Path) -> dict[str, dict]:
    """host → the parsed site file, for every ``<host>.yaml`` in ``folder``."""
    known = set(load_rules("clean")) | {SUBDOMAINS_KEY}
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        data = read_yaml(path.read_text(encoding="utf-8")) or {}
        unknown = sorted(set(data) - known)
        if unknown:
            raise UsageError(f"{path}: unknown clean rule key(s): {', '.join(unknown)}")
        found[path.stem.lower()] = data
    return found


def site_for(host: str | None, folder: Path) -> str | None:
    """The site file that applies to ``host``: its own, else the nearest parent domain's that
    matches subdomains."""
    if not host:
        return None
    files = site_files(folder)
    if host in files:
        return host
    labels = host.split(".")
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        if files.get(parent, {}).get(SUBDOMAINS_KEY):
            return parent
    return None


@lru_cache(maxsize=None)
def compiled(folder: Path | None, site: str | None) -> CleanRules:
    """The global table merged with the site file ``site`` of ``folder`` (None: the global
    table alone), compiled once."""
    data = load_rules("clean")
    if site:
        entries = {k: v for k, v in site_files(folder)[site].items() if k != SUBDOMAINS_KEY}
        data = merged(entries, data)
    return compile_rules(data)


def global_rules() -> CleanRules:
    """The table every page starts from (and the one for hosts without a site file)."""
    return compiled(None, None)


def rules_for(host: str | None) -> CleanRules:
    """The table for a page of ``host``."""
    folder = sites_folder()
    site = site_for(host, folder)
    return compiled(folder, site) if site else global_rules()


def host_of(url: str | None) -> str | None:
    """The lower-case host name of an absolute URL; None for a relative one."""
    try:
        host = urlsplit((url or "").strip()).hostname
    except ValueError:
        return None
    return host.rstrip(".") if host else None
