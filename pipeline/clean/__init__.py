"""The clean stage: decoded page text → a flat IR (metadata, body blocks, audit of what was removed).

A page runs through the named passes of ``PASSES``, each a function over one ``Draft``
(``draft.py``); the passes for HTML only leave a text scrape alone, and the form-tables pass
leaves a page alone. Passes, in order: parse, site, head, home-link, scripts, page-lines, info-tables,
chrome, content, blocks, form-tables, lines, unwrap, centred-lines, captions, metadata, link-targets, title, issuer,
repeats, date, trim, bold-headings.

HTML: the page is parsed, the host of its address picks the rule table (``rules.py``), its
head gives metadata (``head.py``), as does a link to the site's home page naming it
(``metadata.py``), chrome elements are dropped by selector (``chrome.py``),
the content container is chosen (``content.py``: a forum thread's posts by its engine's
``thread_posts`` row first, then known CMS selectors, else the smallest element holding most
of the sentence punctuation; where that holds little prose, a run of linked entries that
outweighs it, the page's ``main_list``) and its blocks are read out in order
(``blocks.py``). A text scrape's blocks are its lines, `|` rows as tables (``text.py``), and
the statistics tables of a known national template, flattened to lines, are put back together
(``formtables.py``). Both then pass the same line rules: chrome phrases, chrome headings and
site footers are dropped and metadata lines lifted (``lines.py``, ``metadata.py``: for HTML
also from info bars outside the content), the lines of hard-wrapped text are joined into their
paragraphs (``unwrap.py``), relative link targets are made absolute (``head.py``), a centred line stays centred where short and
photo captions join their picture or are dropped (``captions.py``), the title and a repeated body (print copy) are dropped (``title.py``,
``repeats.py``), and for HTML only the densest run of blocks is kept (``trim.py``) and short
lines set wholly in bold become headings (``blocks.py``).

An HTML page left with no sentence and hardly a word (its text loaded by a script) is a
``text-missing`` diagnostic. Metadata is evidence (``evidence.py``): each pass offers the values it finds with their
origin (meta tags and the address in ``head.py``, info tables in ``infotable.py``, labelled
lines, bylines, the signature block, the address's date and htmldate in ``metadata.py``),
dates checked on the way (``dates.py``); each field takes the value of its most trusted
evidence and records where it came from. Every rule is data in ``rules/clean.yaml`` and
``rules/sites/<host>.yaml``; every drop is recorded in <removed>.
"""
from __future__ import annotations

import re

from lxml import etree

from ..assemble import report
from ..errors import InputError
from ..load import Loaded
from .blocks import mark_bold_headings, read_blocks
from .captions import attach_captions, settle_centred_lines
from .chrome import drop_chrome, drop_scripts, note_page_lines
from .content import choose_content, han_chars
from .draft import Draft, block_text
from .formtables import read_form_tables
from .head import find_site, read_head, resolve_link_targets
from .html import parse
from .infotable import read_info_tables
from .lines import sort_lines
from .metadata import fill_date, home_link, resolve_metadata, title_issuer
from .repeats import drop_repeats
from .title import find_title, strip_site_suffix
from .trim import trim_to_densest_run
from .unwrap import join_wrapped_lines

__all__ = ["PASSES", "clean", "strip_site_suffix"]

#: A sentence's mark: Chinese punctuation, or a Latin word's full stop, question or exclamation mark.
#: The word is matched from its first letter only: tried from each letter of a long run of
#: letters, the search took time growing with the square of the run's length.
PROSE = re.compile(r"[。，；：！？、]|(?<![A-Za-z])[A-Za-z]{2,}[.!?](?:\s|$)")
#: A page's text without a sentence holds at least this many Han characters (a song's lyrics).
TEXT_MIN_HAN = 20

PASSES = (
    ("parse", parse),
    ("site", find_site),
    ("head", read_head),
    ("home-link", home_link),
    ("scripts", drop_scripts),
    ("page-lines", note_page_lines),
    ("info-tables", read_info_tables),
    ("chrome", drop_chrome),
    ("content", choose_content),
    ("blocks", read_blocks),
    ("form-tables", read_form_tables),
    ("lines", sort_lines),
    ("unwrap", join_wrapped_lines),
    ("centred-lines", settle_centred_lines),
    ("captions", attach_captions),
    ("metadata", resolve_metadata),
    ("link-targets", resolve_link_targets),
    ("title", find_title),
    ("issuer", title_issuer),
    ("repeats", drop_repeats),
    ("date", fill_date),
    ("trim", trim_to_densest_run),
    ("bold-headings", mark_bold_headings),
)


def clean(loaded: Loaded) -> etree._Element:
    draft = Draft(loaded)
    for _, run in PASSES:
        run(draft)
    if not any(block_text(b) for b in draft.blocks):
        raise InputError("no report text found")
    texts = [block_text(b) for b in draft.blocks]
    if draft.page is not None and not any(map(PROSE.search, texts)) and han_chars("".join(texts)) < TEXT_MIN_HAN:
        draft.notice("text-missing", "no text found on the page outside its chrome (a script may load it): "
                                     "the outputs hold only what little there is")
    source = {"name": loaded.name, "format": loaded.format, "encoding": loaded.encoding}
    if loaded.saved:
        source["saved"] = loaded.saved
    return report(draft.meta, draft.blocks, draft.removed, source, loaded.diagnostics)
