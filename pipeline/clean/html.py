"""Parsing an HTML page (the ``parse`` pass)."""
from __future__ import annotations

import re

from lxml import etree, html

from ..errors import InputError
from .draft import Draft

XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)


def parse(draft: Draft) -> None:
    if draft.is_text:
        return
    text = XML_DECL.sub("", draft.loaded.text, count=1)
    try:
        draft.page = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse HTML: {exc}") from None


def body_of(page: etree._Element) -> etree._Element:
    """The page's <body>, or the whole document when it has none."""
    body = page.find("body")
    return page if body is None else body
