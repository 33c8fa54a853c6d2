"""Streaming enumeration of the documents in a batch's inputs.

An input (``SRC``) is a folder (walked recursively), a file, a zip archive, a WARC /
WARC.gz file (each HTML response record is one document) or an MHTML file (``.mht``,
``.mhtml``: one document, split into its page and pictures by the MHTML reader). Containers
may be nested (a zip of WARCs). Each page document carries the pictures it refers to that
lie beside it: files under its source folder, members of its zip, records of its WARC.

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

import hashlib
import io
import os
import re
import stat
import zipfile
from fnmatch import fnmatchcase
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

from msgspec import Struct

from .. import logs, pictures
from ..config import Limits
from ..fsio import display_name, folder_pictures, short_name
from ..load import HTML_SUFFIXES, HTML_TYPES, Document, saved_time
from ..readers.warc import check_whole, record_kind

DEFAULT_INCLUDE = (
    "*.html", "*.htm", "*.shtml", "*.xhtml", "*.txt",
    "*.mht", "*.mhtml", "*.zip", "*.warc", "*.warc.gz",
)
ZIP_SUFFIXES = (".zip",)
WARC_SUFFIXES = (".warc", ".warc.gz")
MHTML_SUFFIXES = (".mht", ".mhtml")
CONTAINER_SUFFIXES = ZIP_SUFFIXES + WARC_SUFFIXES  # become folders in the output tree
UNSAFE_CHARS = re.compile(r'[\x00-\x1f<>:"\\|?*\x7f]')


class Item(Struct, frozen=True):
    """One document of a batch, or the reason an input could not be read as documents."""

    key: str
    out_base: str
    document: Document | None = None
    error: str | None = None


class Selector(Struct, frozen=True):
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
    return "/".join(short_name(part) for part in parts)


def _safe_segment(segment: str) -> str:
    segment = UNSAFE_CHARS.sub("_", segment).strip()
    if segment in ("", ".", ".."):
        return ""
    return short_name(segment)


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
        key = f"{prefixes[-1]}{display_name(entry.name)}"
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


def iter_files(sources: list[Path], selector: Selector, skip_dirs: Iterable[Path] = ()) -> Iterator[tuple[str, Path, bool, Path]]:
    """(key, path, named, root) for each input file; ``named`` when the user named the file
    itself; ``root`` the source folder it was found in (a named file's own folder).

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
        name = display_name(src.resolve().name) or "root"
        if src.is_dir():
            prefix = f"{name}/" if several else ""
            for key, path in _walk(src, prefix, selector, skip):
                yield key, path, False, src
        else:
            yield display_name(src.name), src, True, src.parent


# --- expanding containers --------------------------------------------------------------


def _item(key: str, data: bytes, content_type: str | None = None, url: str | None = None,
          resources: dict[str, bytes] | None = None, base: str | None = None, saved: str | None = None) -> Item:
    return Item(key, out_base_of(key), Document(key, data, content_type, url, resources or {}, base, saved))


def _failed(key: str, message: str) -> Item:
    return Item(key, out_base_of(key), None, message)


def _expand(key: str, open_bytes: Callable[[], BinaryIO], selector: Selector, count_only: bool,
            pictures_of: Callable[[bytes], tuple[dict[str, bytes], str]] | None = None,
            size: int = 0, limits: Limits | None = None) -> Iterator[Item]:
    """The documents of one input of ``size`` bytes: itself (with the pictures ``pictures_of``
    finds for it), or the members of a container. With ``limits``, a document over
    ``input_mb`` fails from its size, unread."""
    lower = key.lower()
    try:
        if lower.endswith(ZIP_SUFFIXES):
            yield from _expand_zip(key, open_bytes, selector, count_only, limits)
        elif lower.endswith(WARC_SUFFIXES):
            yield from _expand_warc(key, open_bytes, selector, count_only, limits)
        elif count_only:
            yield Item(key, out_base_of(key))
        elif limits is not None and (refusal := limits.over_input(size)):
            yield _failed(key, refusal)
        else:
            with open_bytes() as handle:
                data = handle.read()
            resources, base = pictures_of(data) if pictures_of else ({}, None)
            yield _item(key, data, resources=resources, base=base)
    except OSError as exc:
        yield _failed(key, f"cannot read: {exc.strerror or exc}")


def _expand_zip(key, open_bytes, selector, count_only, limits) -> Iterator[Item]:
    with open_bytes() as raw:
        handle = raw if raw.seekable() else io.BytesIO(raw.read())
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError) as exc:
            yield _failed(key, f"not a readable zip archive: {exc}")
            return
        with archive:
            members = []
            by_path = {}
            for info in archive.infolist():
                if info.is_dir():
                    continue
                member = safe_member_path(_zip_member_name(info))
                by_path.setdefault(member, info)
                if member and not any(p.startswith(".") for p in member.split("/")) \
                        and selector.wants_file(member):
                    members.append((member, info))
            members.sort(key=lambda m: m[0])
            for member, info in members:
                sub_key = f"{key}/{member}"
                try:
                    yield from _expand(sub_key, lambda info=info: _ZipMember(archive, info), selector, count_only,
                                       lambda data, member=member: _zip_pictures(archive, by_path, data, member),
                                       info.file_size, limits)
                except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
                    yield _failed(sub_key, f"cannot extract from zip: {exc}")


def _zip_pictures(archive: zipfile.ZipFile, by_path: dict, data: bytes, member: str) -> tuple[dict[str, bytes], str]:
    """The pictures a zip member page refers to that are members of the same archive."""
    found: dict[str, bytes] = {}
    for ref in pictures.references(data):
        key = pictures.target(ref, member)
        info = by_path.get(key)
        if info is None or key in found or info.file_size > pictures.MAX_PICTURE_BYTES:
            continue
        try:
            found[key] = archive.read(info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError):
            continue
    return found, member


class _ZipMember(io.BytesIO):
    """A zip member's bytes as a seekable file (nested containers need to seek)."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        super().__init__(archive.read(info))


def _records(handle, key: str, whole: bool = False):
    """(iterator, record) for each record of a WARC file; what warcio prints on stderr about
    the file (a record not followed by a blank line, a damaged gzip member) is logged instead
    (``pipeline -v`` shows it). With ``whole``, a record that ends short of its length (where
    warcio ends a cut or damaged file without a word) raises EOFError (``readers.warc.check_whole``)."""
    from warcio.archiveiterator import ArchiveIterator

    with logs.library_output("warcio", key):
        records = ArchiveIterator(handle)
    record = None
    while True:
        previous = record
        with logs.library_output("warcio", key):
            record = next(records, None)  # reads the previous record to its end
        if whole and previous is not None:
            check_whole(previous)
        if record is None:
            return
        yield records, record


def _expand_warc(key, open_bytes, selector, count_only, limits) -> Iterator[Item]:
    """Each HTML page of a WARC file, with the pictures it refers to that the WARC holds: a
    first pass notes where each picture record lies, a second yields the pages."""
    from warcio.exceptions import ArchiveLoadFailed

    try:
        picture_at: dict[str, int] = {}
        if not count_only:
            with open_bytes() as handle:
                for records, record in _records(handle, key):
                    url, media = record_kind(record)[:2]
                    if media.startswith("image/") and url not in picture_at:
                        picture_at[url] = records.get_record_offset()
        with open_bytes() as handle:
            for _, record in _records(handle, key, whole=True):
                if not record.format.startswith("warc"):
                    yield _failed(key, f"not a WARC file (found an {record.format.upper()} record)")
                    return
                url, media = record_kind(record)[:2]
                if media not in HTML_TYPES:
                    continue
                sub_key = f"{key}/{url_to_path(url)}"
                if selector.excludes(sub_key):
                    continue
                if count_only:
                    yield Item(sub_key, out_base_of(sub_key))
                    continue
                if limits is not None and (refusal := limits.over_input(record.length or 0)):
                    yield _failed(sub_key, refusal)
                    continue
                with logs.library_output("warcio", key):
                    data = record.content_stream().read()
                check_whole(record)  # before its page is converted
                content_type = (record.http_headers or record.rec_headers).get_header("Content-Type")
                resources = _warc_pictures(open_bytes, picture_at, data, url, key)
                yield _item(sub_key, data, content_type, url or None, resources, url or None,
                            saved_time(record.rec_headers.get_header("WARC-Date")))
    except ArchiveLoadFailed as exc:
        yield _failed(key, f"not a readable WARC file: {str(exc).splitlines()[0]}")
    except (EOFError, ValueError) as exc:  # truncated gzip member, bad record header
        yield _failed(key, f"WARC file is damaged: {exc}")


def _warc_pictures(open_bytes, picture_at: dict[str, int], data: bytes, url: str, key: str) -> dict[str, bytes]:
    from warcio.archiveiterator import ArchiveIterator

    found: dict[str, bytes] = {}
    for ref in pictures.references(data):
        target = pictures.target(ref, url or None)
        if target is None or target in found or target not in picture_at:
            continue
        with open_bytes() as handle, logs.library_output("warcio", key):
            handle.seek(picture_at[target])
            record = next(iter(ArchiveIterator(handle)), None)
            if record is not None:
                payload = record.content_stream().read(pictures.MAX_PICTURE_BYTES + 1)
                if len(payload) <= pictures.MAX_PICTURE_BYTES:
                    found[target] = payload
    return found


def _file_opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: open(path, "rb")


def iter_items(sources: list[Path], selector: Selector, skip_dirs: Iterable[Path] = (),
               count_only: bool = False, picture_root: Path | None = None,
               limits: Limits | None = None) -> Iterator[Item]:
    """Every document of the batch, in order; with ``count_only``, items without bytes (cheap).
    A page's pictures are read from its source folder tree (or ``picture_root``) and from its
    archive; nothing outside them. With ``limits``, a document over ``input_mb`` (a file, a
    zip member, a WARC record) fails from its size, unread: it is not read whole first."""
    for key, path, named, root in iter_files(sources, selector, skip_dirs):
        try:
            status = path.stat()
        except OSError as exc:
            yield _failed(key, f"cannot read: {exc.strerror or exc}")
            continue
        if not stat.S_ISREG(status.st_mode):
            if named:
                yield _failed(key, "not a regular file")
            continue
        yield from _expand(key, _file_opener(path), selector, count_only,
                           lambda data, path=path, root=root: folder_pictures(data, path, picture_root or root),
                           status.st_size, limits)


def count_items(sources: list[Path], selector: Selector, skip_dirs: Iterable[Path] = ()) -> int:
    return sum(1 for _ in iter_items(sources, selector, skip_dirs, count_only=True))
