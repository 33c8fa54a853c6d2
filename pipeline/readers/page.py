"""Readers of a web page (HTML) and of a text scrape: load → clean → pictures."""
from __future__ import annotations

from lxml import etree

from .. import pictures
from ..clean import clean
from ..load import Document, load, sniff_format


def sniff_html(document: Document) -> bool:
    return sniff_format(document.name, document.data) == "html"


def sniff_text(document: Document) -> bool:
    return True  # anything else that decodes is read as a text scrape


def read(document: Document) -> etree._Element:
    return pictures.attach(clean(load(document)), document)
