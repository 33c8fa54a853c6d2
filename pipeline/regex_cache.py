"""Compiled regular expressions kept on disk from one run of the command line to the next.

Python compiles a regular expression in Python code (``re._parser``, ``re._compiler``), and a
character class spanning the CJK ranges, or any class under IGNORECASE, costs it a loop over
every code point in it: the 360 patterns a cold conversion compiles (the clean rules, the
stages' own, reportlab's and the standard library's) were a third of its instructions. While
``kept_patterns`` is active, what the compiler makes of a pattern (the program and group
tables ``_sre.compile`` takes) is kept, and a pattern kept by an earlier run is made from
them instead of compiled: the same pattern object (``==`` compares the programs).

The programs are kept in one file per Python build (its version, the regular expression
engine's magic number and marshal's format are in the name, so another Python compiles
afresh). A run that compiled a pattern the file did not hold replaces the file (atomically)
with the programs it used followed by the others the file held, the first ``MAX_PATTERNS``,
each with the number of the last save whose run used it. Patterns made per page, or from a
set in an order that changes from process to process (reportlab's unsafe names, the standard
library's e-mail parser), are made afresh by every run: a program no run of the last
``KEPT_SAVES`` saves used is let go, so that they do not fill the file (they did: 1,000
programs, 2.3 MB, read and written again by every cold conversion), while the commands'
different patterns stay. A compiler warning (a possible set operation …) is given at a
pattern's first compilation only.
"""
from __future__ import annotations

import _sre
import logging
import marshal
import re
import sys
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from re import _compiler, _parser
from typing import Iterator

LOG = logging.getLogger("pipeline.regex_cache")
FORMAT_VERSION = 2
MAX_PATTERNS = 1000
KEPT_SAVES = 20
#: Flags whose patterns are always compiled: DEBUG prints the program as it is compiled, and
#: a LOCALE pattern is left to ``re`` as locale-dependent.
UNKEPT_FLAGS = re.DEBUG | re.LOCALE


def _build() -> str:
    """This Python build, as the name of its file says it."""
    return f"{sys.implementation.cache_tag}-{sys.hexversion:x}-sre{_sre.MAGIC}-m{marshal.version}"


def store_path(folder: Path) -> Path:
    """The file of this Python build's programs under ``folder``."""
    return folder / "regex" / f"programs-v{FORMAT_VERSION}-{_build()}.bin"


def program(pattern: str | bytes, flags: int) -> tuple:
    """What ``re`` compiles ``pattern`` to: the arguments ``re._compiler.compile`` gives
    ``_sre.compile`` after the pattern (flags, code, groups, group index, index group)."""
    parsed = _parser.parse(pattern, flags)
    state = parsed.state
    indexgroup = [None] * state.groups
    for name, index in state.groupdict.items():
        indexgroup[index] = name
    code = [int(word) for word in _compiler._code(parsed, flags)]
    return int(flags | state.flags), code, state.groups - 1, dict(state.groupdict), tuple(indexgroup)


def _read(path: Path) -> tuple[int, dict]:
    """The number of saves of ``path`` and its programs (key → the last save whose run used
    it, and the program); none when it is missing or not such a file."""
    try:
        found = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return 0, {}
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], int) and isinstance(found[1], dict):
        return found
    return 0, {}


class _Store:
    """The programs of one file, and those used or made while it is active."""

    def __init__(self, path: Path, compile_):
        self.path, self.compile_ = path, compile_
        self.saves, self.kept = _read(path)
        self.used: dict[tuple, tuple] = {}
        self.made = False

    def compile(self, pattern, flags=0):
        """``re._compiler.compile``, from a kept program where there is one."""
        if not isinstance(pattern, (str, bytes)) or flags & UNKEPT_FLAGS:
            return self.compile_(pattern, flags)
        key = (pattern, int(flags))
        found = self.kept.get(key)
        if found is not None:
            found = found[1]
        else:
            found = program(pattern, flags)
            self.made = True
        self.used[key] = found
        return _sre.compile(pattern, *found)

    def save(self) -> None:
        """Keep the programs used, then the others held that a run of the last ``KEPT_SAVES``
        saves used, when a pattern was compiled."""
        from .fsio import write_atomic

        if not self.made:
            return
        save = self.saves + 1
        programs = {key: (save, found) for key, found in self.used.items()}
        for key, (last, found) in self.kept.items():
            if save - last < KEPT_SAVES:
                programs.setdefault(key, (last, found))
        try:
            write_atomic(self.path, marshal.dumps((save, dict(islice(programs.items(), MAX_PATTERNS)))))
            for older in self.path.parent.glob(f"programs-v*-{_build()}.bin"):  # an earlier format's
                if older != self.path:
                    older.unlink(missing_ok=True)
        except OSError as exc:
            LOG.warning("regex-cache: cannot keep compiled patterns in %s (%s): every run compiles them "
                        "again", self.path.parent, exc.strerror or exc, extra={"code": "regex-cache"})


#: The Pythons whose regular expression compiler this module knows (``re._parser.parse``,
#: ``re._compiler._code`` and ``_sre.compile``'s arguments, the tests' check); on any other,
#: ``kept_patterns`` keeps nothing and ``re`` compiles as usual.
KNOWN_PYTHONS = ((3, 11),)


@contextmanager
def kept_patterns(folder: Path) -> Iterator[None]:
    """Patterns compiled meanwhile (in any module) are made from the programs kept under
    ``folder``, and those compiled afresh are kept there at the end (on ``KNOWN_PYTHONS``)."""
    if sys.version_info[:2] not in KNOWN_PYTHONS:
        yield
        return
    original = _compiler.compile
    store = _Store(store_path(folder), original)
    _compiler.compile = store.compile
    try:
        yield
    finally:
        _compiler.compile = original
        store.save()
