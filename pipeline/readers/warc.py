"""Reader of a WARC file holding one page: its HTML response (or resource) record is the
page, its picture records are the pictures it refers to. A WARC of several pages is a batch
(``pipeline batch`` reads each page with its pictures)."""
from __future__ import annotations

import io

from lxml import etree

from ..errors import InputError
from ..load import HTML_TYPES, Document, saved_time
from . import page


def sniff(document: Document) -> bool:
    data = document.data
    return data.startswith(b"WARC/") or (data[:2] == b"\x1f\x8b" and document.name.lower().endswith((".warc.gz", ".warc")))


def record_kind(record) -> tuple[str, str, str | None]:
    """(target URL, media type, Content-Type) of a 2xx response or a resource record; empty
    for any other record."""
    if record.rec_type == "response":
        if record.http_headers is None or not (record.http_headers.get_statuscode() or "").startswith("2"):
            return "", "", None
        content_type = record.http_headers.get_header("Content-Type")
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return "", "", None
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return record.rec_headers.get_header("WARC-Target-URI") or "", media, content_type


def records(stream):
    """(url, media type, payload, content type, WARC-Date) of each 2xx response or resource
    record; EOFError for one cut short (``check_whole``)."""
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    for record in ArchiveIterator(stream):
        url, media, content_type = record_kind(record)
        if media:
            payload = record.content_stream().read()
            check_whole(record)
            yield url, media, payload, content_type, record.rec_headers.get_header("WARC-Date")


def check_whole(record) -> None:
    """EOFError when ``record``, read to its end, holds fewer bytes than its header says: the
    file is cut or damaged there, and no later record can be read. (warcio's record reads its
    block through a ``LimitReader``, whose ``tell`` is the bytes read: pyproject bounds warcio.
    warcio itself ends a file cut there as if it were whole.)"""
    from warcio.limitreader import LimitReader

    stream = record.raw_stream
    if isinstance(stream, LimitReader) and record.length and stream.tell() < record.length:
        url = record.rec_headers.get_header("WARC-Target-URI") or record.rec_headers.get_header("WARC-Record-ID")
        raise EOFError(f"its record of {url} ends {record.length - stream.tell():,} bytes short of its length: "
                       "the file is cut or damaged there, and no later record can be read")


def read(document: Document) -> etree._Element:
    from warcio.exceptions import ArchiveLoadFailed  # noqa: PLC0415

    pages, resources = [], {}
    try:
        for url, media, payload, content_type, date in records(io.BytesIO(document.data)):
            if media in HTML_TYPES:
                pages.append((url, payload, content_type, date))
            elif media.startswith("image/"):
                resources.setdefault(url, payload)
    except (ArchiveLoadFailed, EOFError, ValueError) as exc:
        raise InputError(f"not a readable WARC file: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    if len(pages) != 1:
        raise InputError(f"a WARC file of {len(pages)} pages: convert it with `pipeline batch`")
    url, payload, content_type, date = pages[0]
    return page.read(Document(document.name, payload, content_type, url or document.url, resources, url or None,
                              saved_time(date)))
