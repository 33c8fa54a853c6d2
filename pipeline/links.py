"""Which link targets a document may keep: the one rule the clean stage applies when it reads
a page and the writers apply again when they print (an IR file may come from elsewhere)."""
from __future__ import annotations

import re

SAFE_SCHEMES = ("http", "https", "mailto")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
URL_TRIM = "".join(chr(c) for c in range(0x21))  # C0 controls and space, as browsers trim them
URL_DROP = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in an address


def link_target(href: str | None) -> str | None:
    """A link's target as browsers read it, when it is http, https, mailto or relative; None
    for any other scheme (javascript:, vbscript:, data:, file: …), a bare #anchor and an
    empty target: such a link is kept as its text alone."""
    if href is None:
        return None
    href = href.strip(URL_TRIM)
    if "\t" in href or "\n" in href or "\r" in href:  # most targets hold none: three scans, no substitution
        href = URL_DROP.sub("", href)
    if not href or href.startswith("#"):
        return None
    scheme = SCHEME.match(href)
    if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
        return None
    return href
