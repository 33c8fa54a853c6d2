"""The converted-glyph store: the TrueType outlines of a CFF face's glyphs, kept on disk in the
font cache so that a glyph is converted once per machine, not once per process.

Converting a CFF glyph (fontTools' charstring interpreter, then cubic to quadratic splines)
takes about a millisecond; a CJK page sets hundreds of glyphs, and every batch worker, each
replacement worker after its 500 documents and every single conversion would convert the
same common characters again. The store holds each glyph's compiled ``glyf`` bytes, which
are all a converted font needs of it (``fonts.ConvertedGlyph``), in one SQLite file per face
(``<cache>/glyphs/<stem>-<index>-<digest>.sqlite``, the digest of the face file's path, size
and time, fontTools' version and the conversion's), which any number of processes read and
add to at once.

A connection is opened per use and closed after it: a batch's worker processes are forked
from one that has converted already, and a SQLite connection must not cross a fork. The
store is a cache: where it cannot be opened or read (a read-only or full disk, a locked or
damaged file), glyphs are converted as they would be without it (the same bytes); a damaged
file is removed, to be made again.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Iterable

LOG = logging.getLogger("pipeline.fonts")

#: Of the store's layout: a store of another version is another file.
STORE_VERSION = 1
#: Seconds a process waits for another one writing to the store before doing without it.
BUSY_TIMEOUT = 10.0
#: Glyph names per query (SQLite's limit on a statement's parameters is at least 999).
NAMES_PER_QUERY = 500


class GlyphStore:
    """The compiled glyphs of one face, by glyph name, in the SQLite file ``file``."""

    def __init__(self, file: Path):
        self.file = file

    def _connect(self) -> sqlite3.Connection:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.file, timeout=BUSY_TIMEOUT, isolation_level=None)
        connection.execute("CREATE TABLE IF NOT EXISTS glyph (name TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID")
        return connection

    def exchange(self, names: Iterable[str], convert) -> dict[str, bytes]:
        """The compiled glyph of each of ``names``: read from the store, or made by
        ``convert(name)`` and added to it (in one transaction, so another process reads all
        of a document's new glyphs or none)."""
        wanted = list(dict.fromkeys(names))
        try:
            connection = self._connect()
        except (OSError, sqlite3.Error) as exc:
            self._failed("not used", exc)
            return {name: convert(name) for name in wanted}
        try:
            found = self._read(connection, wanted)
            made = {name: convert(name) for name in wanted if name not in found}
            if made:
                self._add(connection, made)
            return {**found, **made}
        finally:
            connection.close()

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
        this time. A file that is not a database (damaged) is removed, to be made again."""
        damaged = isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)
        LOG.debug("glyph store %s %s: %s%s", self.file, what, exc, " (damaged: removed)" if damaged else "")
        if damaged:
            try:
                os.unlink(self.file)
            except OSError:
                pass
