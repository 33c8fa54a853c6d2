"""Pictures: a figure's reference → the picture's bytes in the IR, decided when the input is read.

A reference is a ``data:image`` URI (decoded here) or an address resolved against the page's
place (``target``): a path inside the page's folder or archive, or an absolute URL. The
bytes come from ``Document.resources``, which the edge that read the page filled with what
it could find there; the core reads nothing else. Each picture is stored once in
``<pictures>`` (PNG, JPEG and GIF as they are; other raster formats converted to PNG) with
its size; a figure whose picture cannot be had gets a diagnostic saying why.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from lxml import etree

from .diagnostics import Diagnostic, record
from .load import Document

DATA_URI = re.compile(r"data:(image/[A-Za-z0-9.+-]+)?(;[^,]*)?,", re.I)
# <img src>, <img data-src> and the like, found in the raw bytes by the edges that collect
# the pictures a page refers to (before anything is decoded).
IMG_TAG = re.compile(rb"<img\b[^>]*>", re.I)
IMG_REFERENCE = re.compile(rb"""\b(?:data-src|data-original|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
KEPT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
MAX_PICTURE_BYTES = 20 * 1024 * 1024
URL_SCHEMES = ("http", "https")


def references(data: bytes) -> list[str]:
    """The picture references of a page's raw bytes, each in the spellings it may decode to
    (UTF-8, GB18030), without duplicates; ``data:`` URIs are left to the core."""
    found: list[str] = []
    for match in (m for tag in IMG_TAG.finditer(data) for m in IMG_REFERENCE.finditer(tag.group())):
        raw = next(g for g in match.groups() if g is not None).strip()
        if not raw or raw[:5].lower() == b"data:":
            continue
        for codec in ("utf-8", "gb18030"):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            text = text.replace("&amp;", "&")
            if text not in found:
                found.append(text)
    return found


def target(src: str, base: str | None) -> str | None:
    """Where ``src`` points from a page at ``base``: an absolute URL (without fragment) when
    either is a URL, ``cid:…`` for an MHTML part, else a normalized relative path inside the
    page's folder or archive; None for a reference that leaves it (``../..`` past the top,
    an absolute file path)."""
    src = src.strip()
    if not src:
        return None
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
    if parts.scheme.lower() == "cid":
        return "cid:" + unquote(parts.path)
    if parts.scheme.lower() in URL_SCHEMES:
        return urlunsplit(parts._replace(fragment=""))
    if parts.scheme or parts.netloc.strip():
        if parts.netloc and not parts.scheme and base and urlsplit(base).scheme in URL_SCHEMES:
            return urlunsplit(urlsplit(urljoin(base, src))._replace(fragment=""))  # //host/path
        return None
    if base and urlsplit(base).scheme.lower() in URL_SCHEMES:
        return urlunsplit(urlsplit(urljoin(base, src))._replace(fragment=""))
    if not parts.path or parts.path.startswith("/"):
        return None
    folder = posixpath.dirname(base or "")
    path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    if path == ".." or path.startswith("../") or path.startswith("/"):
        return None
    return path


def _decode_data_uri(src: str) -> bytes | None:
    match = DATA_URI.match(src)
    if not match or ";base64" not in (match.group(2) or "").lower():
        return None
    try:
        return base64.b64decode(re.sub(r"\s+", "", src[match.end():]), validate=True)
    except (binascii.Error, ValueError):
        return None


def picture_data(data: bytes) -> tuple[bytes, str, int, int] | str:
    """(bytes, media type, width, height) of a picture as it will be stored, or why it cannot be."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415  (only pages with pictures pay for it)

    if len(data) > MAX_PICTURE_BYTES:
        return f"larger than {MAX_PICTURE_BYTES // (1024 * 1024)} MB"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
            kind = image.format
            if kind not in KEPT_TYPES:
                out = io.BytesIO()
                converted = image if image.mode in ("RGB", "RGBA", "L", "LA", "P") else image.convert("RGBA")
                converted.save(out, format="PNG", optimize=False)
                data, kind = out.getvalue(), "PNG"
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        return f"not a picture that can be shown ({type(exc).__name__})"
    if width <= 0 or height <= 0:
        return "a picture without size"
    return data, KEPT_TYPES[kind], width, height


def _why_missing(key: str | None, document: Document) -> str:
    if key is None:
        return "it points outside the page's folder"
    if "://" in key and (document.base is None or "://" not in document.base):
        return "a remote address, and no copy was saved with the page"
    return "not found beside the page"


def attach(tree: etree._Element, document: Document) -> etree._Element:
    """Give every figure of ``tree`` (in place) its picture from ``document``, or a diagnostic."""
    figures = list(tree.iterfind("body//figure"))
    if not figures:
        return tree
    stored: dict[str, str] = {}  # sha256 → picture id
    holder = etree.Element("pictures")
    found: list[Diagnostic] = []
    for figure in figures:
        src = figure.get("src", "")
        if src[:5].lower() == "data:":
            data = _decode_data_uri(src)
            why = "a data: URI that is not a base64 picture" if data is None else None
            shown = "data: URI"
        else:
            key = target(src, document.base if document.base is not None else document.url)
            data = document.resources.get(key) if key else None
            shown = " ".join(src.split())
            shown = shown if len(shown) <= 120 else shown[:119] + "…"
            why = None if data is not None else _why_missing(key, document)
        if data is not None:
            made = picture_data(data)
            if isinstance(made, str):
                why, data = made, None
        if data is None:
            found.append(Diagnostic("picture-missing", f"picture {shown} not embedded: {why}", "pictures"))
            continue
        content, media_type, width, height = made
        digest = hashlib.sha256(content).hexdigest()
        if digest not in stored:
            stored[digest] = f"picture{len(stored) + 1}"
            el = etree.SubElement(holder, "picture", id=stored[digest], type=media_type,
                                  width=str(width), height=str(height), sha256=digest)
            el.text = base64.b64encode(content).decode("ascii")
        figure.set("picture", stored[digest])
    if len(holder):
        tree.find("body").addnext(holder)
    if found:
        record(tree, "pictures", found)
    return tree
