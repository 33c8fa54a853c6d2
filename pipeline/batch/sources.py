"""Streaming enumeration of the documents in a batch's inputs.

An input (``SRC``) is a folder (walked recursively), a file, a zip archive, a WARC /
WARC.gz file (each HTML response record is one document) or an MHTML file (``.mht``,
``.mhtml``: its HTML part is the document). Containers may be nested (a zip of WARCs).

Documents come out of a generator, one at a time, in a deterministic order: each folder's
entries are sorted by name while walking, zip members by name, WARC records in file order.
Nothing lists a whole tree in memory; a document's bytes are read only when it is yielded.

Every document has a *key*: its path inside the batch, with ``/`` separators
(``a/b/index.html``, ``reports.zip/2023/report.html``, ``crawl.warc.gz/www.gov.cn/x.htm``).
The key names it in the report, the manifest and error lines. Its *output base* is the key
with container suffixes and the last extension dropped (``a/b/index``, ``reports/2023/report``,
``crawl/www.gov.cn/x``); outputs are ``OUTDIR/<output base>.<ext>``.
"""
from __future__ import annotations

import email
import email.policy
import hashlib
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

from ..load import HTML_SUFFIXES, Document

DEFAULT_INCLUDE = (
    "*.html", "*.htm", "*.shtml", "*.xhtml", "*.txt",
    "*.mht", "*.mhtml", "*.zip", "*.warc", "*.warc.gz",
)
ZIP_SUFFIXES = (".zip",)
WARC_SUFFIXES = (".warc", ".warc.gz")
MHTML_SUFFIXES = (".mht", ".mhtml")
CONTAINER_SUFFIXES = ZIP_SUFFIXES + WARC_SUFFIXES  # become folders in the output tree
HTML_TYPES = ("text/html", "application/xhtml+xml")
UNSAFE_CHARS = re.compile(r'[\x00-\x1f<>:"\\|?*\x7f]')
MAX_SEGMENT = 120


@dataclass(frozen=True)
class Item:
    """One document of a batch, or the reason an input could not be read as documents."""

    key: str
    out_base: str
    document: Document | None = None
    error: str | None = None


@dataclass(frozen=True)
class Selector:
    """Include / exclude globs, matched case-insensitively.

    A pattern without ``/`` matches a file's (or folder's) name; one with ``/`` matches its
    whole path inside the batch (``*`` crosses ``/``). A folder that an exclude pattern
    matches is not entered. Names starting with ``.`` are skipped.
    """

    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()

    @staticmethod
    def _matches(path: str, patterns: Iterable[str]) -> bool:
        path = path.lower()
        name = path.rsplit("/", 1)[-1]
        for pattern in patterns:
            pattern = pattern.lower()
            if "/" in pattern:
                if fnmatchcase(path, pattern.lstrip("/")):
                    return True
            elif fnmatchcase(name, pattern):
                return True
        return False

    def wants_file(self, path: str) -> bool:
        return self._matches(path, self.include) and not self._matches(path, self.exclude)

    def excludes(self, path: str) -> bool:
        return self._matches(path, self.exclude)


def has_suffix(name: str, suffixes: tuple[str, ...]) -> bool:
    return name.lower().endswith(suffixes)


def strip_container_suffix(name: str) -> str:
    lower = name.lower()
    for suffix in sorted(CONTAINER_SUFFIXES + MHTML_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def drop_extension(name: str) -> str:
    stem, dot, _ext = name.rpartition(".")
    return stem if dot and stem else name


def out_base_of(key: str) -> str:
    """``a/b.zip/c/index.html`` → ``a/b/c/index``; ``x/page.mht`` → ``x/page``."""
    parts = key.split("/")
    parts = [strip_container_suffix(p) for p in parts[:-1]] + [parts[-1]]
    last = parts[-1]
    if has_suffix(last, MHTML_SUFFIXES):
        parts[-1] = strip_container_suffix(last)
    else:
        parts[-1] = drop_extension(last)
    return "/".join(parts)


def _safe_segment(segment: str) -> str:
    segment = UNSAFE_CHARS.sub("_", segment).strip()
    if segment in ("", ".", ".."):
        return ""
    if len(segment) > MAX_SEGMENT:
        digest = hashlib.sha256(segment.encode()).hexdigest()[:10]
        segment = f"{segment[:MAX_SEGMENT - 11]}_{digest}"
    return segment


def safe_member_path(name: str) -> str:
    """A zip member name as a relative posix path: no drive, no ``..``, no empty parts."""
    parts = [_safe_segment(p) for p in name.replace("\\", "/").split("/")]
    return "/".join(p for p in parts if p)


def url_to_path(url: str) -> str:
    """A URL as a relative path ``host/path/name.html`` (query folded into the name)."""
    split = urlsplit(url)
    host = _safe_segment(split.hostname or "") or "unknown-host"
    if split.port:
        host = f"{host}_{split.port}"
    raw = unquote(split.path)
    segments = [s for s in (_safe_segment(p) for p in raw.split("/")) if s]
    if not segments or raw.endswith("/"):
        segments.append("index.html")
    last = segments[-1]
    html_named = has_suffix(last, HTML_SUFFIXES)
    if split.query:
        query = _safe_segment(unquote(split.query).replace("/", "_").replace("&", "_"))
        if len(query) > 40:
            query = hashlib.sha256(split.query.encode()).hexdigest()[:12]
        if html_named:
            stem, _dot, ext = last.rpartition(".")
            last = f"{stem}_{query}.{ext}"
        else:
            last = f"{last}_{query}"
    if not html_named:
        last += ".html"
    segments[-1] = last
    return "/".join([host] + segments)


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """Member names without the UTF-8 flag are cp437 to zipfile; Chinese tools write GBK."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


# --- walking folders -------------------------------------------------------------------


def _walk(root: Path, prefix: str, selector: Selector, skip: set[tuple[int, int]]) -> Iterator[tuple[str, Path]]:
    """(key, path) of the wanted files under ``root``, depth first, each folder sorted by name."""
    stack: list[Iterator[os.DirEntry]] = []
    ancestors: list[tuple[int, int]] = []

    def enter(path: Path) -> Iterator[os.DirEntry] | None:
        try:
            st = path.stat()
            ident = (st.st_dev, st.st_ino)
            if ident in skip or ident in ancestors:  # the output folder, or a symlink loop
                return None
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return None
        ancestors.append(ident)
        return iter(entries)

    first = enter(root)
    if first is None:
        return
    stack.append(first)
    prefixes = [prefix]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            ancestors.pop()
            prefixes.pop()
            continue
        if entry.name.startswith("."):
            continue
        key = f"{prefixes[-1]}{entry.name}"
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if selector.excludes(key):
                continue
            sub = enter(Path(entry.path))
            if sub is not None:
                stack.append(sub)
                prefixes.append(key + "/")
        elif selector.wants_file(key):
            yield key, Path(entry.path)


def iter_files(sources: list[Path], selector: Selector, skip_dirs: Iterable[Path] = ()) -> Iterator[tuple[str, Path, bool]]:
    """(key, path, named) for each input file; ``named`` when the user named the file itself.

    With one source its entries are keyed relative to it; with several, each source's
    name is the first part of its keys, so that two sources never share a key by accident.
    """
    skip = set()
    for d in skip_dirs:
        try:
            st = Path(d).stat()
            skip.add((st.st_dev, st.st_ino))
        except OSError:
            pass
    several = len(sources) > 1
    for src in sources:
        src = Path(src)
        name = src.resolve().name or "root"
        if src.is_dir():
            prefix = f"{name}/" if several else ""
            for key, path in _walk(src, prefix, selector, skip):
                yield key, path, False
        else:
            yield src.name, src, True


# --- expanding containers --------------------------------------------------------------


def _item(key: str, data: bytes, content_type: str | None = None, url: str | None = None) -> Item:
    return Item(key, out_base_of(key), Document(key, data, content_type, url))


def _failed(key: str, message: str) -> Item:
    return Item(key, out_base_of(key), None, message)


def _expand(key: str, open_bytes: Callable[[], BinaryIO], selector: Selector, count_only: bool) -> Iterator[Item]:
    """The documents of one input: itself, or the members of a container."""
    lower = key.lower()
    try:
        if lower.endswith(ZIP_SUFFIXES):
            yield from _expand_zip(key, open_bytes, selector, count_only)
        elif lower.endswith(WARC_SUFFIXES):
            yield from _expand_warc(key, open_bytes, selector, count_only)
        elif lower.endswith(MHTML_SUFFIXES):
            yield _mhtml_item(key, open_bytes, count_only)
        elif count_only:
            yield Item(key, out_base_of(key))
        else:
            with open_bytes() as handle:
                yield _item(key, handle.read())
    except OSError as exc:
        yield _failed(key, f"cannot read: {exc.strerror or exc}")


def _expand_zip(key, open_bytes, selector, count_only) -> Iterator[Item]:
    with open_bytes() as raw:
        handle = raw if raw.seekable() else io.BytesIO(raw.read())
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError) as exc:
            yield _failed(key, f"not a readable zip archive: {exc}")
            return
        with archive:
            members = []
            for info in archive.infolist():
                if info.is_dir():
                    continue
                member = safe_member_path(_zip_member_name(info))
                if member and not any(p.startswith(".") for p in member.split("/")) \
                        and selector.wants_file(member):
                    members.append((member, info))
            members.sort(key=lambda m: m[0])
            for member, info in members:
                sub_key = f"{key}/{member}"
                try:
                    yield from _expand(sub_key, lambda info=info: _ZipMember(archive, info), selector, count_only)
                except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
                    yield _failed(sub_key, f"cannot extract from zip: {exc}")


class _ZipMember(io.BytesIO):
    """A zip member's bytes as a seekable file (nested containers need to seek)."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        super().__init__(archive.read(info))


def _http_mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _expand_warc(key, open_bytes, selector, count_only) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with open_bytes() as handle:
        try:
            for record in ArchiveIterator(handle):
                if not record.format.startswith("warc"):
                    yield _failed(key, f"not a WARC file (found an {record.format.upper()} record)")
                    return
                if record.rec_type == "response":
                    if record.http_headers is None:
                        continue
                    status = record.http_headers.get_statuscode() or ""
                    if not status.startswith("2"):
                        continue
                    content_type = record.http_headers.get_header("Content-Type")
                elif record.rec_type == "resource":
                    content_type = record.rec_headers.get_header("Content-Type")
                else:
                    continue
                if _http_mime(content_type) not in HTML_TYPES:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                sub_key = f"{key}/{url_to_path(url)}"
                if selector.excludes(sub_key):
                    continue
                if count_only:
                    yield Item(sub_key, out_base_of(sub_key))
                else:
                    yield _item(sub_key, record.content_stream().read(), content_type, url or None)
        except ArchiveLoadFailed as exc:
            yield _failed(key, f"not a readable WARC file: {str(exc).splitlines()[0]}")
        except (EOFError, ValueError) as exc:  # truncated gzip member, bad record header
            yield _failed(key, f"WARC file is damaged: {exc}")


def _mhtml_item(key, open_bytes, count_only) -> Item:
    if count_only:
        return Item(key, out_base_of(key))
    with open_bytes() as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.compat32)
    root = _mhtml_root(message)
    if root is None:
        return _failed(key, "MHTML file has no HTML part")
    data = root.get_payload(decode=True) or b""
    url = message.get("Snapshot-Content-Location") or root.get("Content-Location")
    return _item(key, data, root.get("Content-Type"), str(url).strip() if url else None)


def _mhtml_root(message):
    """The HTML part a browser shows: the ``start`` part of multipart/related, else the first HTML part."""
    start = message.get_param("start") if message.is_multipart() else None
    html_parts = [p for p in message.walk() if not p.is_multipart() and p.get_content_type() in HTML_TYPES]
    if start:
        wanted = str(start).strip("<>")
        for part in message.walk():
            if str(part.get("Content-ID", "")).strip().strip("<>") == wanted:
                return part
    return html_parts[0] if html_parts else None


def _file_opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: open(path, "rb")


def iter_items(sources: list[Path], selector: Selector, skip_dirs: Iterable[Path] = (),
               count_only: bool = False) -> Iterator[Item]:
    """Every document of the batch, in order; with ``count_only``, items without bytes (cheap)."""
    for key, path, named in iter_files(sources, selector, skip_dirs):
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            yield _failed(key, f"cannot read: {exc.strerror or exc}")
            continue
        if not stat.S_ISREG(mode):
            if named:
                yield _failed(key, "not a regular file")
            continue
        yield from _expand(key, _file_opener(path), selector, count_only)


def count_items(sources: list[Path], selector: Selector, skip_dirs: Iterable[Path] = ()) -> int:
    return sum(1 for _ in iter_items(sources, selector, skip_dirs, count_only=True))
