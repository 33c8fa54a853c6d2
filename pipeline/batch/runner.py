"""Running a batch: enumerate, skip what is current, convert on an executor, write, record.

The parent process reads each input, hashes it and decides whether to convert it; an executor
converts it and writes its outputs (atomically: temporary file + rename, ``worker.Job``); the
parent then appends the document to the manifest journal. At most two documents per worker are
in flight (the one it converts and the next, waiting in its pipe), so memory stays flat however
many inputs there are.

Executors share one interface, ``map(tasks) -> iterator of (tag, outcome)``, where a task is
``(tag, job)``; a task whose job is ``None`` passes straight through. An ``ok`` outcome's
``outputs`` are those the job wrote (path, SHA-256, size):

- ``LocalPool``: worker processes fed over pipes, forked warm (``forkserver``, which warms up
  once: ``preload``); each writes the outputs of the documents it converts. A document waits
  in a busy worker's pipe only when it fits there (``_Worker.room``): a larger one is sent
  when the worker is free, so the parent never blocks on a write while a worker converts. A document that
  runs past the time limit has its worker killed and replaced; one that crashes its worker
  (segfault, ``os._exit``, OOM kill) fails alone, and the worker is replaced; the temporary
  files of a killed worker's writes are removed, and the document queued behind the one it
  was converting goes to the next free worker. Workers are also replaced after
  ``MAX_TASKS_PER_WORKER`` documents.
- ``DaskPool``: the same on a Dask distributed cluster (``cn-gov-report-pipeline[dask]``);
  the client writes the outputs. The time limit is enforced by the client (the document is
  reported failed; Dask cannot stop a running task's thread); a document that kills its
  worker fails alone once Dask gives up on it. Each task carries the settings, so workers
  need no configuration.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import signal
import socket
import threading
import time
from contextlib import contextmanager
from multiprocessing.connection import wait
from pathlib import Path
from typing import Iterable, Iterator

from msgspec import Struct, field

from .. import __version__, fonts, logs
from ..config import Settings, settings_hash
from ..errors import OutputError, PipelineError, UsageError
from ..fsio import ensure_writable, output_error, remove_temporaries
from ..writers import EXTENSIONS, get_writer
from . import forkserver
from . import manifest as mf
from .report import DocResult, Summary, write_reports
from .sources import Item, Selector, iter_items
from .spool import Spool
from .worker import Job, run_job, worker_main, write_outcome

MAX_TASKS_PER_WORKER = 500
QUEUED_PER_WORKER = 2  # documents sent to a worker ahead of its outcomes (``LocalPool``)
RESERVED_NAMES = frozenset({"index.html", mf.MANIFEST_NAME})  # the batch's own files at the top of OUTDIR
WORKER_START_LIMIT = 300.0  # seconds a new worker may take to import and warm up


class BatchInterrupted(PipelineError):
    """Ctrl-C or SIGTERM: the manifest was saved, ``--resume`` goes on from there."""


class BatchOptions(Struct):
    sources: list[Path]
    outdir: Path
    formats: tuple[str, ...]
    jobs: int = 0  # 0: one worker per CPU
    timeout: float = 300.0
    resume: bool = False
    selector: Selector = field(default_factory=Selector)
    report: Path | None = None
    junit: Path | None = None
    fail_on_warning: bool = False
    executor: str = "local"
    scheduler: str | None = None
    ignore_warnings: tuple[str, ...] = ()  # warning codes (globs) left out of the reports
    config: str | None = None  # the settings file, as given (recorded for `pipeline check`)


class BatchOutcome(Struct):
    summary: Summary
    elapsed: float

    @property
    def converted(self) -> int:
        return self.summary.ok + self.summary.failed


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


# --- local worker processes ---------------------------------------------------------------


class _Worker:
    def __init__(self, ctx, target, settings: Settings, formats: tuple[str, ...]):
        parent_end, child_end = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(child_end, settings, formats),
                                   name="pipeline-worker", daemon=True)
        self.process.start()
        child_end.close()
        self.conn = parent_end
        self.room = _pipe_room(parent_end)
        self.ready = False
        # The tasks sent and not yet answered, in the order the worker takes them: the first
        # is the one it converts, whose time limit ``deadline`` is.
        self.sent: list[tuple[object, Job]] = []
        self.deadline = time.monotonic() + WORKER_START_LIMIT
        self.done = 0

    @property
    def busy(self) -> bool:
        return bool(self.sent)

    def ask_to_stop(self, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()

    def join(self) -> None:
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()

    def exit_description(self) -> str:
        self.process.join(timeout=1)
        code = self.process.exitcode
        if code is not None and code < 0:
            import signal as _signal

            try:
                return f"signal {_signal.Signals(-code).name}"
            except ValueError:
                return f"signal {-code}"
        return f"exit code {code}"


def _pipe_room(conn) -> int:
    """The bytes a write to a worker's pipe can leave there while the worker is busy, without
    the write waiting for it to read: half the socket's send buffer (the kernel counts its own
    bookkeeping against the buffer too). 0 where the pipe is no socket."""
    try:
        with socket.socket(fileno=os.dup(conn.fileno())) as end:
            return end.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) // 2
    except (OSError, ValueError):
        return 0


def _bytes_of(job: Job) -> int:
    """The bytes a job carries (its page and pictures): what its write to a pipe holds, but
    for a few hundred of names and pickling, without pickling it (a page held back until a
    worker is free is asked again at each outcome)."""
    return len(job.document.data) + sum(map(len, job.document.resources.values()))


class LocalPool:
    """Worker processes, one document each at a time, with a time limit and crash isolation."""

    def __init__(self, jobs: int, settings: Settings, formats: tuple[str, ...], timeout: float,
                 target=worker_main):
        """``target(conn, settings, formats)`` is the worker's main function (tests swap it)."""
        self.ctx = forkserver.context()
        self.settings, self.formats, self.timeout, self.target = settings, formats, timeout, target
        self.jobs = max(1, jobs)
        self.workers: list[_Worker] = []  # started when the first document needs converting

    def _replace(self, worker: _Worker, kill: bool) -> _Worker:
        self._stop([worker], kill)
        fresh = _Worker(self.ctx, self.target, self.settings, self.formats)
        self.workers[self.workers.index(worker)] = fresh
        return fresh

    def _stop(self, workers: list[_Worker], kill: bool) -> None:
        """Stop ``workers``, killing them with ``kill`` or while busy: all are asked before any
        is waited for, so that they wind down together. One killed while busy may have left
        temporary files of its job's outputs."""
        for worker in workers:
            worker.ask_to_stop(kill or worker.busy)
        for worker in workers:
            worker.join()
            for _tag, job in worker.sent:
                for fmt in self.formats:
                    remove_temporaries(job.output(fmt)[1])

    def map(self, tasks: Iterable[tuple[object, Job | None]]) -> Iterator[tuple[object, dict | None]]:
        tasks = iter(tasks)
        passed: list = []  # tasks without a document, to hand back in order
        retry: list = []  # tasks sent to a worker that was killed before it took them
        exhausted = False

        def next_task():
            nonlocal exhausted
            while retry or not exhausted:
                task = retry.pop(0) if retry else next(tasks, None)
                if task is None:
                    exhausted = True
                elif task[1] is None:
                    passed.append(task[0])
                else:
                    return task
            return None

        def feed(worker: _Worker) -> None:
            """Keep ``QUEUED_PER_WORKER`` documents in a worker's pipe (at once: it converts
            while we write, and finds its next document waiting when it sends an outcome), but
            none past the document after which it is replaced. Behind the one it converts, only
            a document that fits in the pipe: a write of a larger one would wait until the
            worker reads it, and with it the time limits and the other workers."""
            while len(worker.sent) < QUEUED_PER_WORKER and worker.done + len(worker.sent) < MAX_TASKS_PER_WORKER:
                task = next_task()
                if task is None:
                    return
                if worker.sent and _bytes_of(task[1]) > worker.room:
                    retry.insert(0, task)  # sent when a worker is free
                    return
                try:
                    worker.conn.send(task[1])
                except OSError:
                    # Its end of the pipe is gone: the worker ended since it last answered (a
                    # crash on the document it took next). The task goes to the next free
                    # worker; a busy one is killed, so the crash below fails its document.
                    retry.insert(0, task)
                    if worker.busy:
                        worker.process.kill()
                    else:
                        self._replace(worker, kill=True)
                    return
                if not worker.sent:
                    worker.deadline = time.monotonic() + self.timeout
                worker.sent.append(task)

        def fail_first(worker: _Worker, error: str):
            """The document a worker was converting failed with ``error``; the worker is
            replaced and the documents queued behind it go to the next free worker."""
            (tag, _job), *queued = worker.sent
            self._replace(worker, kill=True)
            retry[:0] = queued
            return tag, {"status": "failed", "error": error}

        first = None
        for task in tasks:  # nothing to convert yet (skipped documents): no workers yet
            if task[1] is not None:
                first = task
                break
            yield task[0], None
        if first is None:
            return
        tasks = itertools.chain([first], tasks)
        self.workers = [_Worker(self.ctx, self.target, self.settings, self.formats) for _ in range(self.jobs)]
        while True:
            for worker in self.workers:
                if worker.ready:
                    feed(worker)
            while passed:
                yield passed.pop(0), None
            waiting = [w for w in self.workers if w.busy or not w.ready]
            if exhausted and not retry and not any(w.busy for w in self.workers):
                return
            limit = max(0.0, min(w.deadline for w in waiting) - time.monotonic())
            handles = [w.conn for w in waiting] + [w.process.sentinel for w in waiting]
            ready = set(wait(handles, timeout=limit))
            now = time.monotonic()
            for worker in list(waiting):
                if worker.conn in ready:
                    try:
                        outcome = worker.conn.recv()
                    except (EOFError, OSError):
                        pass
                    else:
                        if not worker.ready:  # its first message: "ready"
                            worker.ready = True
                            feed(worker)
                            continue
                        tag, _job = worker.sent.pop(0)
                        worker.done += 1
                        worker.deadline = now + self.timeout  # the next queued document's
                        if worker.done >= MAX_TASKS_PER_WORKER:
                            self._replace(worker, kill=False)
                        else:
                            feed(worker)
                        yield tag, outcome
                        continue
                if worker.conn in ready or worker.process.sentinel in ready:
                    # the process ended (or its pipe broke) without answering
                    how = worker.exit_description()
                    if not worker.busy:
                        raise PipelineError(f"a worker process failed to start ({how})")
                    yield fail_first(worker, f"worker crashed ({how}) while converting this document")
                elif now >= worker.deadline:
                    if not worker.busy:
                        raise PipelineError(f"a worker process did not start within {WORKER_START_LIMIT:.0f} s")
                    yield fail_first(worker, f"timed out after {self.timeout:g} s")

    def close(self, kill: bool = False) -> None:
        self._stop(self.workers, kill)
        self.workers = []


# --- Dask ------------------------------------------------------------------------------


class DaskPool:
    """The same batch on a Dask distributed cluster; the client writes every output."""

    def __init__(self, scheduler: str, settings: Settings, formats: tuple[str, ...], timeout: float):
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("--executor dask needs the dask extra: pip install 'cn-gov-report-pipeline[dask]'") from None
        try:
            self.client = Client(scheduler, timeout="30s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        self.settings, self.formats, self.timeout = settings, formats, timeout
        threads = sum(self.client.nthreads().values()) or 1
        self.window = threads + 1

    def map(self, tasks):
        from distributed import wait as dask_wait
        from distributed.client import FIRST_COMPLETED

        from .worker import dask_task

        tasks = iter(tasks)
        inflight: dict = {}  # future → (tag, job, deadline)
        exhausted = False
        while True:
            while not exhausted and len(inflight) < self.window:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                tag, job = task
                if job is None:
                    yield tag, None
                    continue
                future = self.client.submit(dask_task, job.document, self.settings, self.formats, pure=False)
                inflight[future] = (tag, job, time.monotonic() + self.timeout)
            if not inflight:
                if exhausted:
                    return
                continue
            limit = max(0.05, min(d for _, _, d in inflight.values()) - time.monotonic())
            try:
                with self.client.as_current():
                    done = dask_wait(list(inflight), timeout=limit, return_when=FIRST_COMPLETED).done
            except TimeoutError:
                done = set()
            now = time.monotonic()
            for future in list(inflight):
                tag, job, deadline = inflight[future]
                if future in done:
                    del inflight[future]
                    yield tag, write_outcome(job, self._outcome(future))
                elif now >= deadline:
                    del inflight[future]
                    future.cancel()
                    yield tag, {"status": "failed", "error": f"timed out after {self.timeout:g} s"}

    @staticmethod
    def _outcome(future) -> dict:
        if future.status == "finished":
            return future.result()
        exc = future.exception()
        name = type(exc).__name__
        if name == "KilledWorker":
            return {"status": "failed", "error": "worker crashed while converting this document (Dask KilledWorker)"}
        return {"status": "failed", "error": f"internal error: {name}: {' '.join(str(exc).split())}"}

    def close(self, kill: bool = False) -> None:
        self.client.close()


class InProcess:
    """Converts in this process (no time limit, no crash isolation): for debugging and tests."""

    def __init__(self, settings: Settings, formats: tuple[str, ...]):
        self.settings, self.formats = settings, formats

    def map(self, tasks):
        for tag, job in tasks:
            yield tag, None if job is None else run_job(job, self.settings, self.formats)

    def close(self, kill: bool = False) -> None:
        pass


def make_executor(options: BatchOptions, settings: Settings):
    if options.executor == "dask":
        if not options.scheduler:
            raise UsageError("--executor dask needs --scheduler ADDRESS")
        return DaskPool(options.scheduler, settings, options.formats, options.timeout)
    if options.executor == "inprocess":
        return InProcess(settings, options.formats)
    if options.executor != "local":
        raise UsageError(f"unknown executor {options.executor!r}; known: local, dask")
    return LocalPool(options.jobs or default_jobs(), settings, options.formats, options.timeout)


# --- the batch -------------------------------------------------------------------------


def sweep_partials(outdir: Path) -> int:
    """Remove temporary files a killed batch left (``.<name>.<random>.part``)."""
    removed = 0
    for folder, dirs, files in os.walk(outdir):
        for name in files:
            if name.startswith(".") and name.endswith(".part"):
                try:
                    os.unlink(os.path.join(folder, name))
                    removed += 1
                except OSError:
                    pass
    return removed


class _Tag(Struct):
    seq: int
    item: Item
    sha256: str | None = None
    ready: DocResult | None = None  # decided without converting (skipped, unreadable, collision)
    entry: dict | None = None


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


class Batch:
    """One run: per-document records go to a spool on disk, so the parent's memory stays flat
    (what it keeps per document is two 12-byte digests, to catch name collisions)."""

    def __init__(self, options: BatchOptions, settings: Settings, progress=None):
        self.options = options
        self.settings = settings
        self.progress = progress
        self.outdir = Path(options.outdir)
        self.hash = settings_hash(settings)
        shaping = mf.shaped_by(settings, options.formats)
        self.shaping_hash = mf.shaping_hash(shaping)
        self.header = mf.make_header(
            tool_version=__version__, settings_hash=self.hash, formats=options.formats,
            sources=options.sources, include=options.selector.include, exclude=options.selector.exclude,
            config=options.config, shaping=shaping)
        self.shown = logs.WarningFilter(options.ignore_warnings)
        self.previous = mf.ManifestState()
        self.spool = Spool()
        self.summary = Summary()

    def info(self) -> dict:
        return {"tool_version": __version__, "settings_hash": self.hash,
                "formats": list(self.options.formats),
                "fail_on": "warning" if self.options.fail_on_warning else "error"}

    # the parent's side of each document

    def tasks(self) -> Iterator[tuple[_Tag, Job | None]]:
        keys: set[bytes] = set()
        outputs: set[bytes] = set()
        items = iter_items(self.options.sources, self.options.selector, skip_dirs=[self.outdir],
                           picture_root=self.settings.image_dir, limits=self.settings.limits)
        for seq, item in enumerate(items):
            tag = _Tag(seq, item)
            key = _digest(item.key)
            out = _digest(item.out_base.casefold())  # a case-insensitive file system would merge these
            if key in keys:
                tag.ready = DocResult(item.key, "failed", error="another input has the same name in this batch")
            elif out in outputs:
                tag.ready = DocResult(item.key, "failed",
                                      error=f"its outputs ({item.out_base}.*) would overwrite an earlier input's")
            elif reserved := [n for f in self.options.formats
                              if (n := item.out_base + EXTENSIONS[f]).casefold() in RESERVED_NAMES]:
                tag.ready = DocResult(item.key, "failed",
                                      error=f"its output {reserved[0]} would overwrite the batch's own; "
                                            "put it in a folder")
            elif item.error:
                tag.ready = DocResult(item.key, "failed", error=item.error)
                tag.entry = self._entry(item, None, "failed", error=item.error)
            if tag.ready is not None:
                yield tag, None
                continue
            keys.add(key)
            outputs.add(out)
            document = item.document
            tag.sha256 = document.fingerprint()
            if self.options.resume:
                old = self.previous.entries.get(item.key)
                if old and old.get("status") == "ok" \
                        and mf.is_current(old, tag.sha256, self.hash, __version__, self.shaping_hash) \
                        and mf.outputs_present(self.outdir, old):
                    tag.entry = old
                    tag.ready = DocResult(item.key, "skipped", warnings=self.shown(old.get("warnings") or []),
                                          outputs={f: o["path"] for f, o in old["outputs"].items()},
                                          url=old.get("url") or document.url, title=old.get("title"),
                                          date=old.get("date"), publisher=old.get("publisher"))
                    yield tag, None
                    continue
            yield tag, Job(document, self.outdir, item.out_base)

    def _entry(self, item: Item, sha: str | None, status: str, *, error=None, warnings=(), outputs=None,
               url=None, about: dict | None = None) -> dict:
        entry = {"input": item.key, "input_sha256": sha, "settings_hash": self.hash,
                 "tool_version": __version__, "shaped_by_hash": self.shaping_hash, "status": status}
        url = url or (item.document.url if item.document is not None else None)
        if url:
            entry["url"] = url
        for name in ("title", "date", "publisher"):
            if (about or {}).get(name):
                entry[name] = about[name]
        if error:
            entry["error"] = error
        entry["warnings"] = list(warnings)
        entry["outputs"] = outputs or {}
        return entry

    def finish(self, tag: _Tag, outcome: dict | None, journal: mf.Journal) -> DocResult:
        item = tag.item
        if tag.ready is not None:
            result, entry = tag.ready, tag.entry
        elif outcome["status"] == "unwritable":
            raise OutputError(outcome["error"])
        elif outcome["status"] == "ok":
            written = outcome["outputs"]
            url = outcome.get("url") or item.document.url
            entry = self._entry(item, tag.sha256, "ok", warnings=outcome["warnings"], outputs=written, url=url,
                                about=outcome)
            result = DocResult(item.key, "ok", warnings=self.shown(outcome["warnings"]),
                               outputs={f: o["path"] for f, o in written.items()}, url=url,
                               title=outcome.get("title"), date=outcome.get("date"),
                               publisher=outcome.get("publisher"), seconds=outcome.get("seconds", 0.0))
        else:
            self._remove_outputs(item)
            entry = self._entry(item, tag.sha256, "failed", error=outcome["error"])
            result = DocResult(item.key, "failed", error=outcome["error"], url=item.document.url,
                               seconds=outcome.get("seconds", 0.0))
        if entry is not None and result.status != "skipped":
            journal.append(entry)
        self.spool.add(tag.seq, {"result": result.as_json(), "entry": entry, "seconds": result.seconds})
        self.summary.add(result)
        logs.document_result(result.key, result.status, result.error, result.warnings)
        if self.progress is not None:
            self.progress.update(result)
        return result

    def _remove_outputs(self, item: Item) -> None:
        """A document that fails now leaves no outputs of an earlier run behind."""
        for ext in EXTENSIONS.values():
            try:
                os.unlink(self.outdir / (item.out_base + ext))
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                pass

    def results(self) -> Iterator[DocResult]:
        return (DocResult.from_json(record["result"], record.get("seconds", 0.0)) for record in self.spool)

    def run(self) -> BatchOutcome:
        start = time.monotonic()
        out = self.outdir.resolve()
        for src in self.options.sources:
            if Path(src).resolve() == out:
                raise UsageError(f"{src}: the output folder cannot be an input folder")
        for fmt in self.options.formats:
            get_writer(fmt)  # an unknown format or a missing writer is a usage error, before any work
        if "pdf" in self.options.formats:
            fonts.warn_standins(self.settings)  # here, once: workers keep their logs to themselves
        for folder in {self.outdir} | {Path(p).parent for p in (self.options.report, self.options.junit) if p}:
            ensure_writable(folder)  # an output place that cannot be written fails before any work
        killed_before = mf.journal_path(self.outdir).exists()
        executor = make_executor(self.options, self.settings)
        try:
            journal = mf.Journal(self.outdir, self.header, keep=self.options.resume)
        except BaseException:
            executor.close(kill=True)
            raise
        finished = False
        with _Signals() as signals:
            try:
                if killed_before:
                    sweep_partials(self.outdir)  # temporary files a killed batch left
                if self.options.resume:
                    self.previous = mf.read_state(self.outdir)
                for tag, outcome in executor.map(self.tasks()):
                    with signals.deferred():  # outputs and their journal line go together
                        self.finish(tag, outcome, journal)
                finished = True
            except KeyboardInterrupt:
                raise BatchInterrupted("interrupted; run again with --resume to go on") from None
            finally:
                signals.hold()
                try:
                    executor.close(kill=not finished)
                    try:
                        self._save(complete=finished)
                    except OSError as exc:
                        if finished:
                            raise output_error(exc, mf.manifest_path(self.outdir)) from None
                    else:
                        journal.close(remove=True)
                finally:
                    journal.close(remove=False)
                    if not finished:
                        self.spool.close()
            try:
                write_reports(self.outdir, self.results, self.summary, self.info(), report=self.options.report,
                              junit=self.options.junit, fail_on_warning=self.options.fail_on_warning,
                              elapsed=time.monotonic() - start)
            except OSError as exc:
                raise output_error(exc, self.outdir) from None
            finally:
                self.spool.close()
        return BatchOutcome(self.summary, time.monotonic() - start)

    def _save(self, complete: bool) -> None:
        entries = (record["entry"] for record in self.spool if record["entry"] is not None)
        if not complete and self.previous.entries:
            # keep what an earlier run recorded for the documents this one did not reach
            reached = {record["result"]["input"] for record in self.spool}
            earlier = [e for k, e in self.previous.entries.items() if k not in reached]
            entries = itertools.chain(earlier, entries)
        mf.write_manifest(self.outdir, self.header, entries)


class _Signals:
    """Ctrl-C and SIGTERM stop a batch (as KeyboardInterrupt), but never between a document's
    outputs and its journal line: inside ``deferred()`` the stop waits for the block's end."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.critical = False
        self.pending = False
        self.saved: dict = {}

    def __enter__(self) -> "_Signals":
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self.saved[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)

    def _handler(self, signum, frame):
        if self.critical:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextmanager
    def deferred(self):
        self.critical = True
        try:
            yield
        finally:
            self.critical = False
        if self.pending:
            raise KeyboardInterrupt

    def hold(self) -> None:
        """From now on (cleaning up) signals are noted, not raised."""
        self.critical = True


def run_batch(options: BatchOptions, settings: Settings, progress=None) -> BatchOutcome:
    return Batch(options, settings, progress).run()
