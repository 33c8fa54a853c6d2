"""What runs in a worker (a local worker process or a Dask worker): convert one document.

Conversion failures come back as values (``{"status": "failed", "error": one line}``), never
as exceptions, so that only a crash or a time limit is the executor's business. A worker
warms up once (schema, rules, writers, fonts: by converting a two-line document) and keeps
those in its module-level caches for every document it converts after.

A local worker also writes the outputs of a ``Job`` (each atomically: temporary file, then
rename) and sends back only what the manifest records of them (path, SHA-256, size), not their
bytes; an output that cannot be written comes back as ``{"status": "unwritable", "error":
the message}``, which stops the batch. A Dask worker may run on another machine: it sends
the bytes, and the client writes them the same way (``write_outcome``).

Everything a conversion depends on travels with the task in its Settings, so a document gives
the same bytes on any machine (``pipeline.environment`` holds the one variable a library
reads from the process environment).
"""
from __future__ import annotations

import gc
import hashlib
import logging
import signal
import threading
import time
from pathlib import Path

from msgspec import Struct

from ..config import Settings, settings_hash
from ..errors import PipelineError
from ..fsio import output_error, write_atomic
from ..load import Document
from ..writers import EXTENSIONS

WARM_UP = Document("warm-up.txt", "工作报告\n\n一、总体情况\n\n今年以来，各项工作有序推进。\n".encode("utf-8"))
MAX_ERROR = 500

_warmed: set[tuple[str, tuple[str, ...]]] = set()


class Job(Struct, frozen=True):
    """A document to convert and where its outputs go: ``outdir/<out_base>.<ext>``."""

    document: Document
    outdir: Path
    out_base: str

    def output(self, fmt: str) -> tuple[str, Path]:
        """The output of ``fmt``: its path in the output folder, and the file."""
        rel = self.out_base + EXTENSIONS[fmt]
        return rel, self.outdir / rel
_lock = threading.Lock()


def one_line(message: str) -> str:
    line = " ".join(str(message).split())
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"


def warm_up(settings: Settings, formats: tuple[str, ...]) -> None:
    """Load everything a conversion needs once per process (idempotent, thread-safe)."""
    key = (settings_hash(settings), tuple(formats))
    with _lock:
        if key in _warmed:
            return
        _warmed.add(key)
        try:
            from .. import ir
            from ..convert import convert

            ir.schema()
            convert(WARM_UP, settings, formats)
        except Exception:  # a real document will report the problem properly
            pass


def metadata(tree) -> dict:
    """What a report lists about a converted document: title, date, publisher, URL."""
    from .. import ir

    found = {name: (ir.meta_value(tree, name) or "").strip() for name in ("title", "date", "publisher", "url")}
    return {name: value for name, value in found.items() if value}


def convert_document(document: Document, settings: Settings, formats: tuple[str, ...]) -> dict:
    """Convert one document; the outcome as plain data (picklable, no exceptions), with the
    seconds it took."""
    start = time.perf_counter()
    outcome = _convert(document, settings, formats)
    outcome["seconds"] = round(time.perf_counter() - start, 3)
    return outcome


def _convert(document: Document, settings: Settings, formats: tuple[str, ...]) -> dict:
    from ..convert import convert

    try:
        conversion = convert(document, settings, formats)
    except PipelineError as exc:
        return {"status": "failed", "error": one_line(str(exc) or type(exc).__name__)}
    except RecursionError:
        return {"status": "failed", "error": "internal error: document nested too deeply (RecursionError)"}
    except MemoryError:
        return {"status": "failed", "error": "internal error: out of memory"}
    except Exception as exc:  # a bug in a stage: this document fails, the batch goes on
        return {"status": "failed", "error": one_line(f"internal error: {type(exc).__name__}: {exc}")}
    return {
        "status": "ok",
        **metadata(conversion.tree),
        "outputs": {fmt: conversion.outputs[fmt] for fmt in formats},
        "warnings": [one_line(str(d)) for d in conversion.diagnostics],
    }


def write_outcome(job: Job, outcome: dict) -> dict:
    """``outcome`` with the outputs of an ``ok`` one written, each replaced by what the
    manifest records of it; ``unwritable`` (the batch stops) when one cannot be written."""
    if outcome["status"] != "ok":
        return outcome
    written = {}
    for fmt, data in outcome["outputs"].items():
        rel, path = job.output(fmt)
        try:
            write_atomic(path, data)
        except OSError as exc:
            return {"status": "unwritable", "error": str(output_error(exc, path))}
        written[fmt] = {"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return {**outcome, "outputs": written}


def run_job(job: Job, settings: Settings, formats: tuple[str, ...]) -> dict:
    """Convert a job's document and write its outputs (``write_outcome``)."""
    return write_outcome(job, convert_document(job.document, settings, formats))


def dask_task(document: Document, settings: Settings, formats: tuple[str, ...]) -> dict:
    """The task a Dask worker runs."""
    warm_up(settings, formats)
    return convert_document(document, settings, formats)


def quiet_logs() -> None:
    """What a worker finds comes back in its outcomes; the parent alone talks to the user (and
    says the font stand-ins once), so a worker's own log records go nowhere."""
    logging.getLogger("pipeline").addHandler(logging.NullHandler())


def worker_main(conn, settings: Settings, formats: tuple[str, ...]) -> None:
    """A local worker process: say "ready" once warm, then receive a ``Job`` and send back its
    outcome (``run_job``), one at a time; ``None`` stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    quiet_logs()
    warm_up(settings, formats)
    gc.freeze()  # the modules and tables the warm-up loaded live as long as the worker: no collection scans them
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent went away
            break
        if job is None:
            break
        outcome = run_job(job, settings, formats)
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            break
