"""The load stage: an input's bytes → Unicode text plus what the bytes said about themselves.

The only place that decodes. Order of evidence: byte-order mark, HTTP headers (given by the
caller, e.g. from a WARC record, or at the top of a saved response), the page's own
``<meta charset>``, then charset-normalizer. A declared label is only trusted when the bytes
decode under it; gb2312/gbk are decoded as their superset gb18030. A lossy decode is a
diagnostic naming the first bad byte offset; Latin-1 is never chosen silently.

When the page was saved comes from its transport too (``saved_time``): a WARC record's
WARC-Date, an MHTML message's Date, the Date of a saved HTTP response. The clean stage takes no
date on the page that is later than that.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import unicodedata
from typing import Mapping

from msgspec import Struct, field

from .diagnostics import Diagnostic
from .errors import InputError

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
TEXT_SUFFIXES = (".txt",)
HTML_TYPES = ("text/html", "application/xhtml+xml")  # the media types of a page

LABEL_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
    "cp936": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030", "gb18030": "gb18030",
    "utf8": "utf-8", "unicode": "utf-16", "ucs-2": "utf-16",
}
# A detector's guess is only taken when it names one of these: on Chinese pages a guess of a
# single-byte code page (latin-1, cp1252, ptcp154 …) is always a misreading of GB bytes.
# UTF-16 is not guessed either: it is recognised by its BOM or its NUL bytes.
TRUSTED_GUESSES = {"utf-8", "gb18030", "big5", "big5hkscs", "shift_jis", "euc_jp", "euc_kr", "cp949", "cp950"}

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
HTTP_HEAD = re.compile(rb"\AHTTP/\d(?:\.\d)? \d{3}[^\r\n]*\r?\n((?:[^\r\n]+\r?\n)*)\r?\n")
CHARSET_IN_CONTENT_TYPE = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
META_CHARSET = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
ENVELOPE_ENCODING = re.compile(rb"<text\b[^>]*\bencoding=[\"']([A-Za-z0-9_.:-]+)[\"']", re.I)
# Characters no output can show: C0 controls, invisible format characters, private use.
CONTROL_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2060-\u206f\ue000-\uf8ff]")
#: The C1 control characters (U+0080-U+009F) windows-1252 gives a mark to, as those marks: text
#: written in windows-1252 and read as Latin-1 somewhere on its way carries them where its
#: “ ” ‘ ’ – — … € stood (HTML reads the character references &#147; … the same way).
WINDOWS_1252_MARKS = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
                      if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
C1_MARK = re.compile("[" + "".join(map(chr, WINDOWS_1252_MARKS)) + "]")
FIRST_LINE_URL = re.compile(r"\A\s*(https?://\S+)\s*\n")
# The white space of a page that str.isprintable refuses: with these made spaces, a printable
# text holds no control, unassigned, private-use or surrogate character, so none of
# CONTROL_CHARS (a check in C far quicker than the expression's scan or a look at each character).
PAGE_SPACES = ("\n", "\r", "\t", "\u3000", "\xa0")


class Document(Struct, frozen=True):
    """One input: its name (a path or a URL-derived name), its bytes, and transport facts.

    ``resources`` holds the pictures the page refers to that the edge that read it could find
    (files beside it, members of the same archive), keyed by ``pictures.target`` of each
    reference; ``base`` is the page's own place in that key space (its path inside the folder
    or archive, or its URL). The core never looks further than this mapping.
    """

    name: str
    data: bytes
    content_type: str | None = None  # HTTP Content-Type, when the transport knew it
    url: str | None = None
    resources: Mapping[str, bytes] = field(default_factory=dict)
    base: str | None = None
    saved: str | None = None  # when the page was saved, ISO 8601 in UTC (``saved_time``)

    def fingerprint(self) -> str:
        """SHA-256 of the page's bytes, of each picture it carries (name and bytes) and of the
        time it was saved: what the outputs depend on, for telling whether they are up to date."""
        if not self.resources and not self.saved:
            return hashlib.sha256(self.data).hexdigest()
        digest = hashlib.sha256(self.data)
        for key in sorted(self.resources):
            digest.update(b"\0" + key.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(hashlib.sha256(self.resources[key]).digest())
        if self.saved:
            digest.update(b"\0saved\0" + self.saved.encode())
        return digest.hexdigest()


def saved_time(value: str | None) -> str | None:
    """A transport's time stamp (a WARC-Date's ISO 8601, an HTTP or MIME date) as ISO 8601 in
    UTC (``2023-12-21T08:30:00Z``); None when there is none or it cannot be read. A stamp
    without a zone is taken as UTC, as WARC and HTTP write them."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        from email.utils import parsedate_to_datetime  # noqa: PLC0415 (only for a transport's stamp)

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Loaded(Struct):
    """Decoded text and the facts the load stage found."""

    name: str
    text: str
    format: str  # "html" or "text"
    encoding: str
    url: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    saved: str | None = None  # when the page was saved (``Document.saved``, or a saved response's Date)


def normalize_label(label: str) -> str | None:
    label = label.strip().lower()
    label = LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def sniff_format(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    head = data[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    probe = data[:4096].replace(b"\x00", b"").lower()
    if head.startswith(b"<") or b"<html" in probe or b"<body" in probe:
        return "html"
    return "text"


def _strip_http_head(data: bytes) -> tuple[bytes, dict[str, str]]:
    """The body of a saved HTTP response, and its head's fields (lower-case names); the data
    as it is and no fields when it does not start with a response head."""
    match = HTTP_HEAD.match(data)
    if not match:
        return data, {}
    fields = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(b":")
        fields.setdefault(key.strip().lower().decode("latin-1"), value.strip().decode("latin-1"))
    return data[match.end():], fields


def _declared(data: bytes, content_type: str | None, fmt: str) -> list[tuple[str, str]]:
    """Declared encodings, strongest first, as (codec name, what was declared and where: the
    label as the page writes it, which a message quotes, e.g. ``meta charset gb2312`` read as
    gb18030)."""
    found = []
    if content_type:
        match = CHARSET_IN_CONTENT_TYPE.search(content_type.encode("latin-1", "replace"))
        if match:
            found.append((match.group(1).decode("ascii", "replace"), "http header"))
    if fmt == "html":
        head = data[:8192]
        for pattern, where in ((META_CHARSET, "meta charset"), (ENVELOPE_ENCODING, "envelope")):
            match = pattern.search(head)
            if match:
                found.append((match.group(1).decode("ascii", "replace"), where))
    result = []
    for label, where in found:
        codec = normalize_label(label)
        if codec and codec not in {c for c, _ in result}:
            result.append((codec, f"{where} says {label}"))
    return result


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte NUL in ASCII-heavy markup."""
    sample = data[:2000]
    if len(sample) < 20:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, name: str, content_type: str | None, fmt: str) -> tuple[str, str, list[Diagnostic]]:
    """Decode ``data``; return (text, codec name, diagnostics)."""
    diagnostics: list[Diagnostic] = []
    for bom, codec in BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is not None:
                return text, codec.replace("-sig", ""), diagnostics
    utf16 = _looks_utf16(data)
    if utf16:
        text = _strict(data, utf16)
        if text is not None:
            return text, "utf-16", diagnostics

    declared = _declared(data, content_type, fmt)
    for codec, where in declared:
        text = _strict(data, codec)
        if text is not None:
            return text, codec, diagnostics
    if declared:
        text = _strict(data, "utf-8")
        if text is not None:
            diagnostics.append(Diagnostic(
                "encoding-mislabelled",
                f"{declared[0][1]} but the bytes are UTF-8", "load"))
            return text, "utf-8", diagnostics

    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8", diagnostics

    import charset_normalizer  # noqa: PLC0415 (only for bytes of no declared or UTF-8 encoding)

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    guessed = normalize_label(best.encoding) if best else None
    candidates = [c for c, _ in declared]
    if guessed in TRUSTED_GUESSES:
        candidates.append(guessed)
    candidates.append("gb18030")
    for codec in candidates:
        text = _strict(data, codec)
        if text is not None:
            if declared and codec != declared[0][0]:
                diagnostics.append(Diagnostic(
                    "encoding-mislabelled",
                    f"{declared[0][1]} but the bytes decode as {codec}", "load"))
            return text, codec, diagnostics

    codec = candidates[0]
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd")
    diagnostics.append(Diagnostic(
        "lossy-decode",
        f"{bad} undecodable byte sequence(s) replaced with U+FFFD while decoding as {codec}",
        "load", where=f"byte {first_bad}"))
    return text, codec, diagnostics


def _mostly_unprintable(text: str) -> bool:
    """Binary data decoded as text: NUL bytes make up most of it, or other unprintable
    characters more than a twentieth of what is left."""
    sample = text[:8000]
    if sample.count("\x00") > 0.5 * len(sample):
        return True
    sample = sample.replace("\x00", "")
    bad = sum(sample.count(c) for c in set(sample)
              if unicodedata.category(c) in ("Cc", "Cn", "Co", "Cs") and c not in "\n\r\t")
    return bad > 0.05 * len(sample)


def _printable(text: str) -> bool:
    """Whether ``text``, its ``PAGE_SPACES`` aside, is all printable characters."""
    for space in PAGE_SPACES:
        text = text.replace(space, " ")
    return text.isprintable()


def _byte_offset(text: str, index: int, codec: str, skipped: int) -> int:
    """Where character ``index`` of the decoded ``text`` started in the input's bytes (give or
    take a byte-order mark)."""
    return skipped + len(text[:index].encode(codec, errors="replace"))


def load(document: Document) -> Loaded:
    data = document.data
    if not data.strip(b" \t\r\n\x00"):
        raise InputError("empty input")
    body, head = _strip_http_head(data)
    skipped = len(data) - len(body)
    fmt = sniff_format(document.name, body)
    text, codec, diagnostics = decode(body, document.name, document.content_type or head.get("content-type"), fmt)
    printable = _printable(text)
    if not printable and _mostly_unprintable(text):
        raise InputError(f"binary data, not a web page or text (decoded as {codec})")
    marks = None if printable else C1_MARK.search(text)
    if marks:
        count = len(C1_MARK.findall(text))
        diagnostics.append(Diagnostic(
            "windows-1252-marks", f"{count} C1 control character(s) read as the windows-1252 marks they stand for "
            f"(U+{ord(marks.group()):04X} as {WINDOWS_1252_MARKS[ord(marks.group())]})", "load",
            where=f"byte {_byte_offset(text, marks.start(), codec, skipped)}"))
        text = text.translate(WINDOWS_1252_MARKS)
    first = None if printable else CONTROL_CHARS.search(text)
    if first:
        at = _byte_offset(text, first.start(), codec, skipped)
        text, dropped = CONTROL_CHARS.subn("", text)
        diagnostics.append(Diagnostic(
            "control-characters", f"{dropped} NUL, control, invisible or private-use character(s) removed",
            "load", where=f"byte {at}"))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.lstrip("\ufeff")
    url = document.url
    if fmt == "text":
        match = FIRST_LINE_URL.match(text)
        if match:
            url = url or match.group(1)
            text = text[match.end():]
    return Loaded(document.name, text, fmt, codec, url, diagnostics, document.saved or saved_time(head.get("date")))
