"""The converted-glyph store: the TrueType outlines of a CFF face's glyphs, kept on disk in the
font cache so that a glyph is converted once per machine, not once per process.

Converting a CFF glyph (fontTools' charstring interpreter, then cubic to quadratic splines)
takes about a millisecond; a CJK page sets hundreds of glyphs, and every batch worker, each
replacement worker after its 500 documents and every single conversion would convert the
same common characters again. The store holds each glyph's compiled ``glyf`` bytes, which
are all a converted font needs of it (``sfnt.ConvertedGlyph``), in one SQLite file per face
(``<cache>/glyphs/<stem>-<index>-<digest>.sqlite``, the digest of the face file's path, size
and time, fontTools' version and the conversion's), which any number of processes read and
add to at once (write-ahead log: readers never wait for the writer).

A process keeps one connection per store. A batch's workers are forked from a process that
may have one open, and a SQLite connection must not be used, nor closed, across a fork: a
connection made in another process is left alone and a new one opened. The store is a
cache: where it cannot be opened or read (a read-only or full disk, a lock held past the
timeout, a damaged file), glyphs are converted as they would be without it (the same
bytes); a damaged file is removed, to be made again. A Python built without SQLite converts
each glyph once per process.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Callable, Iterable

#: The sqlite3 module once a store is first used (most runs find their fonts converted and
#: never import it); None in a Python built without SQLite.
sqlite3 = _UNLOADED = object()

LOG = logging.getLogger("pipeline.fonts")

#: Of the store's layout: a store of another version is another file.
STORE_VERSION = 1
#: Seconds a process waits for another one writing to the store before doing without it.
BUSY_TIMEOUT = 10.0
#: Glyph names per query (SQLite's limit on a statement's parameters is at least 999).
NAMES_PER_QUERY = 500

_lock = threading.Lock()
#: This process's connection to each store file.
_connections: dict[Path, tuple[int, sqlite3.Connection]] = {}
#: Connections a parent process opened before forking this one: kept, never used or closed.
_inherited: list[sqlite3.Connection] = []


class GlyphStore:
    """The compiled glyphs of one face, by glyph name, in the SQLite file ``file``."""

    def __init__(self, file: Path):
        self.file = file

    def exchange(self, names: Iterable[str], convert: Callable[[str], bytes]) -> dict[str, bytes]:
        """The compiled glyph of each of ``names``: read from the store, or made by
        ``convert(name)`` and added to it (in one transaction, so another process reads all
        of a document's new glyphs or none)."""
        wanted = list(dict.fromkeys(names))
        with _lock:
            connection = self._connection()
            found = self._read(connection, wanted) if connection else {}
            made = {name: convert(name) for name in wanted if name not in found}
            if made and connection and _connections.get(self.file, (0, None))[1] is connection:  # not found damaged
                self._add(connection, made)
        return {**found, **made}

    def _connection(self) -> sqlite3.Connection | None:
        if _sqlite3() is None:
            return None
        pid = os.getpid()
        owner, connection = _connections.get(self.file, (pid, None))
        if owner != pid:
            _inherited.append(connection)
            connection = None
        if connection is None:
            try:
                connection = _open(self.file)
            except (OSError, sqlite3.Error) as exc:
                self._failed("not used", exc)
                return None
            _connections[self.file] = (pid, connection)
        return connection

    def _read(self, connection: sqlite3.Connection, names: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        try:
            for at in range(0, len(names), NAMES_PER_QUERY):
                chunk = names[at:at + NAMES_PER_QUERY]
                found.update(connection.execute(
                    f"SELECT name, data FROM glyph WHERE name IN ({','.join('?' * len(chunk))})", chunk))
        except sqlite3.Error as exc:
            self._failed("not read", exc)
        return found

    def _add(self, connection: sqlite3.Connection, glyphs: dict[str, bytes]) -> None:
        try:
            with connection:
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany("INSERT OR IGNORE INTO glyph (name, data) VALUES (?, ?)", glyphs.items())
        except sqlite3.Error as exc:
            self._failed("not written", exc)

    def _failed(self, what: str, exc: Exception) -> None:
        """A read-only or full disk, a lock held past the timeout: the store is done without
        this time. A file that is not a database (damaged) is closed and removed, to be made
        again at the next use."""
        damaged = isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)
        LOG.debug("glyph store %s %s: %s%s", self.file, what, exc, " (damaged: removed)" if damaged else "")
        if damaged:
            _pid, connection = _connections.pop(self.file, (None, None))
            if connection is not None:
                connection.close()
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.unlink(f"{self.file}{suffix}")
                except OSError:
                    pass


def _sqlite3():
    global sqlite3
    if sqlite3 is _UNLOADED:
        try:
            import sqlite3 as module
        except ImportError:  # glyphs are converted in each process
            module = None
        sqlite3 = module
    return sqlite3


def _open(file: Path) -> sqlite3.Connection:
    """A connection to the store ``file``, made if need be: write-ahead log (readers and the
    one writer do not wait for each other), commits not synced to the disk (a glyph lost in
    a crash is converted again)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(file, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
    try:
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS glyph (name TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID")
    except BaseException:
        connection.close()
        raise
    return connection
