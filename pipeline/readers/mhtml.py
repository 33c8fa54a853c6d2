"""Reader of an MHTML file (a page saved with its pictures as one MIME message, .mht/.mhtml):
the HTML part a browser shows is the page, the other parts are the pictures it refers to."""
from __future__ import annotations

import re

from lxml import etree

from ..diagnostics import Diagnostic, record
from ..errors import InputError
from ..load import HTML_TYPES, Document, saved_time
from . import page

MIME_HEAD = re.compile(rb"\A(?:[\x21-\x39\x3b-\x7e]+:[^\n]*\n(?:[ \t][^\n]*\n)*)*?Content-Type:\s*multipart/related", re.I)


def sniff(document: Document) -> bool:
    head = document.data[:8192].replace(b"\r\n", b"\n")
    return bool(MIME_HEAD.match(head))


def root_part(message):
    """The HTML part a browser shows: the ``start`` part of multipart/related, else the first HTML part."""
    start = message.get_param("start") if message.is_multipart() else None
    if start:
        wanted = str(start).strip("<>")
        for part in message.walk():
            if str(part.get("Content-ID", "")).strip().strip("<>") == wanted:
                return part
    return next((p for p in message.walk() if not p.is_multipart() and p.get_content_type() in HTML_TYPES), None)


def split(data: bytes) -> tuple[bytes, str | None, str | None, dict[str, bytes], str | None, bool]:
    """(the page's bytes, its Content-Type, its address, the other parts by address and cid:,
    when it was saved: the message's Date, whether the message ends without its closing
    boundary: cut short, its last part perhaps incomplete)."""
    import email.errors  # noqa: PLC0415 (the e-mail package is imported only for a saved message)
    import email.policy  # noqa: PLC0415

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    cut = any(isinstance(defect, email.errors.CloseBoundaryNotFoundDefect)
              for part in message.walk() for defect in part.defects)
    root = root_part(message)
    if root is None:
        raise InputError("MHTML file has no HTML part")
    resources: dict[str, bytes] = {}
    for part in message.walk():
        if part.is_multipart() or part is root:
            continue
        payload = part.get_payload(decode=True) or b""
        location = str(part.get("Content-Location", "")).strip()
        cid = str(part.get("Content-ID", "")).strip().strip("<>")
        if location:
            resources.setdefault(location, payload)
        if cid:
            resources.setdefault("cid:" + cid, payload)
    url = message.get("Snapshot-Content-Location") or root.get("Content-Location")
    return (root.get_payload(decode=True) or b"", root.get("Content-Type"), str(url).strip() if url else None,
            resources, saved_time(str(message.get("Date", ""))), cut)


def read(document: Document) -> etree._Element:
    data, content_type, url, resources, saved, cut = split(document.data)
    inner = Document(document.name, data, content_type, document.url or url, resources, url, document.saved or saved)
    tree = page.read(inner)
    if cut:
        record(tree, "read", [Diagnostic("mhtml-cut", "the MHTML file ends without its closing boundary: it may be "
                                                       "cut short, and the page or a picture incomplete", "read")])
    return tree
