"""What the tool tells its user on stderr, through the ``logging`` module.

Every message is a log record of the ``pipeline`` logger (``pipeline.documents`` for what
happened to each document): errors at ERROR, warnings at WARNING (with the warning's code in
``record.code``), progress and summaries at INFO, details at DEBUG. A command line session
(``session``) shows them as one line each, ``pipeline: <input>: <problem>``:

- ``--quiet``: errors only; default: also warnings, progress and summaries; ``-v``: also
  details and other libraries' warnings (warcio, distributed …); ``-vv``: everything;
- ``--ignore-warning CODE`` (a glob: ``picture-*``) hides warnings of that code.

Libraries that print to stderr themselves (warcio) are run inside ``library_output``, which
turns what they print into log records of their own logger (shown with ``-v``).
Python programs using the batch runner get the same records and configure logging as they like.
"""
from __future__ import annotations

import logging
import re
import sys
import threading
from contextlib import contextmanager
from fnmatch import fnmatchcase
from typing import Callable, Iterable, Iterator

import click

LOG = logging.getLogger("pipeline")
DOCS = logging.getLogger("pipeline.documents")

WARNING_CODE = re.compile(r"^([a-z][a-z0-9-]*): ")


def warning_code(text: str) -> str:
    """The code a warning line starts with (``picture-missing: …``), or ``""``."""
    match = WARNING_CODE.match(text)
    return match.group(1) if match else ""


class WarningFilter:
    """Which warnings to keep: codes matching an ignored glob (case-insensitive) are dropped."""

    def __init__(self, ignore: Iterable[str] = ()):
        self.ignore = tuple(p.strip().lower() for v in ignore for p in v.split(",") if p.strip())

    def keeps(self, text: str) -> bool:
        code = warning_code(text).lower()
        return not any(fnmatchcase(code, pattern) for pattern in self.ignore)

    def __call__(self, warnings: Iterable[str]) -> list[str]:
        return [w for w in warnings if self.keeps(w)]


def document_result(key: str, status: str, error: str | None, warnings: Iterable[str]) -> None:
    """Log one document's outcome: its error, its warnings, or that it converted."""
    if error:
        DOCS.error("%s: %s", key, error, extra={"input": key})
    for text in warnings:
        DOCS.warning("%s: warning: %s", key, text, extra={"input": key, "code": warning_code(text)})
    if not error:
        DOCS.debug("%s: %s", key, "unchanged, skipped" if status == "skipped" else "converted",
                   extra={"input": key})


# --- the command line's handler -------------------------------------------------------


def _echo(line: str) -> None:
    click.echo(line, err=True)


_writer: Callable[[str], None] = _echo
_verbosity = 0


def verbosity() -> int:
    """The session's verbosity: -1 quiet, 0 normal, 1 and 2 verbose."""
    return _verbosity


@contextmanager
def writing_through(write: Callable[[str], None]) -> Iterator[None]:
    """While a progress bar is shown, log lines go through its ``write`` (so they do not garble it)."""
    global _writer
    previous, _writer = _writer, write
    try:
        yield
    finally:
        _writer = previous


class _Handler(logging.Handler):
    def __init__(self, verbosity: int, ignore: WarningFilter):
        super().__init__(logging.DEBUG)
        self.verbosity, self.ignore = verbosity, ignore

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name == "pipeline" or record.name.startswith("pipeline.")
        if ours:
            if self.verbosity < 0:
                shown = record.levelno >= logging.ERROR
            else:
                shown = record.levelno >= (logging.DEBUG if self.verbosity >= 1 else logging.INFO)
        else:  # other libraries: their warnings with -v, everything with -vv
            shown = self.verbosity >= 2 or (self.verbosity == 1 and record.levelno >= logging.WARNING)
        if shown and record.levelno == logging.WARNING and ours:
            code = getattr(record, "code", "")
            shown = not code or self.ignore.keeps(f"{code}: ")
        return shown

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = " ".join(record.getMessage().split("\n"))
            if not (record.name == "pipeline" or record.name.startswith("pipeline.")):
                message = f"{record.name}: {record.levelname.lower()}: {message}"
            _writer(f"pipeline: {message}")
        except Exception:  # noqa: BLE001 - a message that cannot be shown must not stop the work
            self.handleError(record)


@contextmanager
def session(verbosity: int = 0, ignore: WarningFilter | None = None) -> Iterator[None]:
    """Show log records on stderr for one command: ``verbosity`` -1 quiet, 0 normal, 1 and 2
    verbose. Python warnings become log records (of ``py.warnings``) meanwhile."""
    global _verbosity
    handler = _Handler(verbosity, ignore or WarningFilter())
    saved_verbosity, _verbosity = _verbosity, verbosity
    root = logging.getLogger()
    saved = (root.level, LOG.level, LOG.propagate)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbosity >= 2 else logging.WARNING)
    LOG.setLevel(logging.DEBUG)
    LOG.propagate = True
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        _verbosity = saved_verbosity
        root.removeHandler(handler)
        root.setLevel(saved[0])
        LOG.setLevel(saved[1])
        LOG.propagate = saved[2]


# --- libraries that print ----------------------------------------------------------------


class _Router:
    """Stands in for ``sys.stderr``: text a library prints from a thread inside
    ``library_output`` goes to that library's logger; everything else passes through."""

    def __init__(self, real):
        self.real = real

    def write(self, text: str) -> int:
        sink = getattr(_local, "sink", None)
        if sink is None:
            return self.real.write(text)
        sink(text)
        return len(text)

    def flush(self) -> None:
        self.real.flush()

    def __getattr__(self, name):
        return getattr(self.real, name)


_local = threading.local()
_router_lock = threading.Lock()
_router_users = 0


@contextmanager
def library_output(library: str, about: str = "") -> Iterator[None]:
    """What ``library`` prints on stderr in this thread meanwhile becomes WARNING records of
    the ``library`` logger, one per message (``about`` names the input it concerns). Keep the
    block short: it must not span a ``yield`` of a generator."""
    global _router_users
    logger = logging.getLogger(library)
    pending: list[str] = []

    def sink(text) -> None:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        pending.append(text)
        if not text.endswith("\n"):
            return
        message = " ".join("".join(pending).split())  # one write, one record, on one line
        pending.clear()
        if not message:
            return
        _local.sink = None  # what the log handlers write goes to the real stderr
        try:
            logger.warning("%s%s", f"{about}: " if about else "", message)
        finally:
            _local.sink = sink

    with _router_lock:
        if not isinstance(sys.stderr, _Router):
            sys.stderr = _Router(sys.stderr)
        _router_users += 1
    outer = getattr(_local, "sink", None)
    _local.sink = sink
    try:
        yield
    finally:
        if pending:
            sink("\n")
        _local.sink = outer
        with _router_lock:
            _router_users -= 1
            if _router_users == 0 and isinstance(sys.stderr, _Router):
                sys.stderr = sys.stderr.real
