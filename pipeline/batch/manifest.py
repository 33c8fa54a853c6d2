"""``OUTDIR/manifest.json``: which outputs came from which input bytes, settings and tool version.

Its header also records what else shapes the bytes (``shaped_by``): the versions of Python
and of the libraries the writers use, with the C libraries under them, and the font file of
each role; each entry keeps a fingerprint of it (``shaped_by_hash``), so a resumed batch and
``pipeline check`` count a document as current only when those are the same too.

One entry per document of the last batch, in batch order::

    {"input": "a/b/index.html", "input_sha256": "…", "settings_hash": "…",
     "tool_version": "0.1.0", "shaped_by_hash": "…", "status": "ok", "warnings": […],
     "title": "…", "date": "2023-12-21", "publisher": "…", "url": "…",  (those the IR states)
     "outputs": {"xml": {"path": "a/b/index.xml", "sha256": "…", "size": 1234}, …}}

A failed document has ``"status": "failed"``, its ``error`` and no outputs.

While a batch runs, each finished document is appended as one JSON line to
``OUTDIR/.manifest-journal.jsonl`` (after its outputs were renamed into place), so a batch
killed at any point loses nothing it finished. ``manifest.json`` itself is only ever
replaced whole (written to a temporary file, then renamed) at the end of a batch or when it
is interrupted; the journal is then removed. Reading merges the two.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from msgspec import Struct, field

try:
    import fcntl
except ImportError:  # Windows: no lock, the rest works
    fcntl = None

from ..errors import UsageError
from ..fsio import atomic_open

MANIFEST_NAME = "manifest.json"
JOURNAL_NAME = ".manifest-journal.jsonl"
MANIFEST_VERSION = 1


class ManifestState(Struct):
    """What a previous batch left: its header and its entries by input key."""

    header: dict = field(default_factory=dict)
    entries: dict[str, dict] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return bool(self.header) or bool(self.entries)


def manifest_path(outdir: Path) -> Path:
    return Path(outdir) / MANIFEST_NAME


def journal_path(outdir: Path) -> Path:
    return Path(outdir) / JOURNAL_NAME


def read_state(outdir: Path) -> ManifestState:
    """The manifest and, after it, the journal of a batch that did not finish."""
    state = ManifestState()
    path = manifest_path(outdir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = None
    except (OSError, ValueError):
        data = None  # unreadable manifest: treated as absent, everything is redone
    if isinstance(data, dict):
        state.header = {k: v for k, v in data.items() if k != "documents"}
        for entry in data.get("documents") or []:
            if isinstance(entry, dict) and "input" in entry:
                state.entries[entry["input"]] = entry
    try:
        with open(journal_path(outdir), encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a kill: that document is redone
                if "header" in record:
                    state.header = record["header"]
                elif "entry" in record:
                    state.entries[record["entry"]["input"]] = record["entry"]
    except FileNotFoundError:
        pass
    return state


class Journal:
    """Append-only log of finished documents; one ``write`` per line, so a kill never splits one."""

    def __init__(self, outdir: Path, header: dict, keep: bool):
        self.path = journal_path(outdir)
        Path(outdir).mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise UsageError(f"{outdir}: another batch is writing there now") from None
        if not keep:
            os.ftruncate(self.fd, 0)
        self._write({"header": header})

    def _write(self, record: dict) -> None:
        os.write(self.fd, (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))

    def append(self, entry: dict) -> None:
        self._write({"entry": entry})

    def close(self, remove: bool) -> None:
        if self.fd is None:
            return
        if remove:  # while still holding the lock
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
        os.close(self.fd)
        self.fd = None


def write_manifest(outdir: Path, header: dict, entries: Iterable[dict]) -> None:
    """Replace ``manifest.json`` (streamed: the entries are written one at a time)."""
    with atomic_open(manifest_path(outdir), text=True) as out:
        out.write("{\n")
        for key, value in header.items():
            out.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        out.write(' "documents": [')
        for n, entry in enumerate(entries):
            text = json.dumps(entry, ensure_ascii=False, indent=1, sort_keys=True).replace("\n", "\n  ")
            out.write(("," if n else "") + "\n  " + text)
        out.write("\n ]\n}\n")


#: The distributions whose versions shape output bytes (the IR and XML, DOCX, PDF and PDF/A,
#: font subsets, pictures; pikepdf ships the PDF/A output intent's ICC profile; htmldate and
#: dateparser guess the date of a page no source dates).
SHAPING_DISTRIBUTIONS = ("lxml", "python-docx", "reportlab", "pikepdf", "fonttools", "pillow", "deflate", "isal",
                         "htmldate", "dateparser")


def shaped_by(settings, formats) -> dict:
    """What shapes the bytes of ``formats`` besides the tool and the settings: the versions
    of Python, of ``SHAPING_DISTRIBUTIONS`` and of libxml2 and zlib (with ``pdf.deflate: isal``,
    the CPU's kind too); with DOCX or PDF, the font file of each role (path, face index
    and size: DOCX measures with them too)."""
    import platform
    import zlib
    from importlib import metadata

    from lxml import etree

    versions = {"python": platform.python_version()}
    for name in SHAPING_DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["libxml2"] = ".".join(map(str, etree.LIBXML_VERSION))
    versions["zlib"] = zlib.ZLIB_RUNTIME_VERSION
    if "pdf" in formats and settings.pdf.deflate == "isal":
        versions["cpu"] = cpu_kind()
    found = {"versions": versions}
    if {"docx", "pdf"} & set(formats):
        from .. import fonts

        found["fonts"] = {role: f"{font.path}#{font.index} {_size(font.path)} bytes"
                          for role, font in fonts.font_choice(settings).resolved.items()}
    return found


#: The vector extensions ISA-L picks its deflate code by (at level 3 it writes other bytes with
#: AVX-512 than with AVX2), as /proc/cpuinfo names them.
ISAL_EXTENSIONS = ("sse4_2", "avx2", "avx512f")


def cpu_kind() -> str:
    """The machine's architecture, and on Linux which of ``ISAL_EXTENSIONS`` its CPU has."""
    import platform

    try:
        flags = set(next((line for line in Path("/proc/cpuinfo").read_text().splitlines()
                          if line.startswith(("flags", "Features"))), "").split())
    except OSError:
        flags = set()
    return " ".join([platform.machine(), *(name for name in ISAL_EXTENSIONS if name in flags)])


def _size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def shaping_hash(shaping: dict) -> str:
    """A fingerprint of a ``shaped_by`` record: each entry keeps the one it was made under."""
    return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:16]


def shaping_changes(before: dict | None, now: dict) -> list[str]:
    """What differs between two ``shaped_by`` records, one phrase each (``reportlab 4.4.1 →
    4.4.2``); a record missing before is one change."""
    if not before:
        return ["the versions that made them were not recorded"]
    changes = []
    for group in ("versions", "fonts"):
        old, new = before.get(group) or {}, now.get(group) or {}
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                changes.append(f"{key} {old.get(key, 'none')} → {new.get(key, 'none')}")
    return changes


def make_header(*, tool_version: str, settings_hash: str, formats, sources, include, exclude,
                config: str | None = None, shaping: dict | None = None) -> dict:
    """``config``: the settings file the batch read, as given (``pipeline check`` reads it
    again); ``shaping``: ``shaped_by``."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "tool": "pipeline",
        "tool_version": tool_version,
        "settings_hash": settings_hash,
        "shaped_by": shaping or {},
        "formats": list(formats),
        "sources": [str(s) for s in sources],
        "include": list(include),
        "exclude": list(exclude),
        "config": None if config is None else str(config),
    }


def is_current(entry: dict | None, input_sha256: str, settings_hash: str, tool_version: str,
               shaped_by_hash: str) -> bool:
    """True when ``entry`` was made from these input bytes, settings, tool version and what
    else shapes the bytes (``shaping_hash``)."""
    return bool(entry) and entry.get("input_sha256") == input_sha256 \
        and entry.get("settings_hash") == settings_hash and entry.get("tool_version") == tool_version \
        and entry.get("shaped_by_hash") == shaped_by_hash


def outputs_present(outdir: Path, entry: dict) -> bool:
    """Every output the entry names exists with its recorded size (cheap; ``check`` hashes)."""
    for output in (entry.get("outputs") or {}).values():
        try:
            if (Path(outdir) / output["path"]).stat().st_size != output.get("size"):
                return False
        except (OSError, KeyError, TypeError):
            return False
    return True
