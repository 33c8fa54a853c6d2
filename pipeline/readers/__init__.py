"""The reader table: how each kind of input is recognized and read into IR.

A reader has a name, a ``sniff`` test on a Document and a ``read`` function giving an IR
tree. ``READERS`` is tried in order and the first whose sniff says yes reads the document;
``convert``, ``inspect`` and ``batch`` all go through ``reader_for``. A ``finished`` reader
(a saved IR file) gives a tree the transforms have already shaped; the others give the
flat tree of the clean stage. A new kind of input is one module and one row here
(``register`` adds a row, e.g. from a test or a plug-in).
"""
from __future__ import annotations

from typing import Callable

from lxml import etree
from msgspec import Struct

from ..errors import UsageError
from ..load import Document
from . import binary, irfile, mhtml, page, warc


class Reader(Struct, frozen=True):
    name: str
    sniff: Callable[[Document], bool]
    read: Callable[[Document], etree._Element]
    finished: bool = False  # the tree is a finished IR: no transforms are run on it


READERS: list[Reader] = [
    Reader("binary", binary.sniff, binary.read),  # refuses PDFs, pictures, office documents …
    Reader("ir", irfile.sniff, irfile.read, finished=True),
    Reader("mhtml", mhtml.sniff, mhtml.read),
    Reader("warc", warc.sniff, warc.read),
    Reader("html", page.sniff_html, page.read),
    Reader("text", page.sniff_text, page.read),
]


def register(reader: Reader, before: str | None = None) -> None:
    """Add a reader to the table, ahead of the reader named ``before`` (else last)."""
    if any(r.name == reader.name for r in READERS):
        raise UsageError(f"a reader named {reader.name!r} exists already")
    names = [r.name for r in READERS]
    READERS.insert(names.index(before) if before in names else len(READERS), reader)


def unregister(name: str) -> None:
    READERS[:] = [r for r in READERS if r.name != name]


def reader_for(document: Document) -> Reader:
    """The first reader of the table that recognizes ``document`` (text scrapes take the rest)."""
    for reader in READERS:
        if reader.sniff(document):
            return reader
    raise UsageError(f"no reader for {document.name}")
