"""Progress of a batch on stderr: a bar with rate and ETA on a terminal, plain lines otherwise.

The number of documents is not known up front (inputs are streamed); a background thread
counts them cheaply (file names, zip directories, WARC record headers) and the total, and
so the ETA, appears when it is done. What happens to each document (its error, its warnings)
is logged (``pipeline.logs``); while a bar is shown, log lines go through ``write``.
"""
from __future__ import annotations

import os
import sys
import threading
import time

from .report import DocResult, Summary

PLAIN_INTERVAL = 10.0  # seconds between plain progress lines


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _is_terminal(stream) -> bool:
    """A terminal with a width (a pseudo-terminal of size 0, as under `script`, is not)."""
    try:
        return stream.isatty() and os.get_terminal_size(stream.fileno()).columns > 0
    except (AttributeError, OSError, ValueError):
        return False


class Progress:
    def __init__(self, stream=None, mode: str = "auto", interval: float = PLAIN_INTERVAL):
        """``mode``: "bar", "plain", "off", or "auto" (a bar when ``stream`` is a terminal)."""
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if _is_terminal(self.stream) else "plain"
        self.mode = mode
        self.interval = interval
        self.summary = Summary()
        self.start = time.monotonic()
        self.last_line = self.start
        self.total: int | None = None
        self._counted: int | None = None
        self.bar = None
        if mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(total=None, unit="doc", file=self.stream, dynamic_ncols=True,
                            smoothing=0.05, desc="converting")

    def count_in_background(self, count) -> None:
        """Run ``count()`` (→ number of documents) in a daemon thread; the total shows when known."""
        def run():
            try:
                self._counted = count()
            except Exception:
                pass

        threading.Thread(target=run, name="pipeline-count", daemon=True).start()

    def _pick_up_total(self) -> None:
        if self._counted is not None and self.total is None:
            self.total = self._counted
            if self.bar is not None:
                self.bar.total = self.total
                self.bar.refresh()

    def update(self, result: DocResult) -> None:
        self.summary.add(result)
        self._pick_up_total()
        if self.bar is not None:
            s = self.summary
            self.bar.set_postfix_str(f"ok {s.ok}, failed {s.failed}, skipped {s.skipped}", refresh=False)
            self.bar.update(1)
        elif self.mode == "plain":
            now = time.monotonic()
            if now - self.last_line >= self.interval:
                self.last_line = now
                self.stream.write(self.line(now) + "\n")
                self.stream.flush()

    def line(self, now: float | None = None) -> str:
        now = now or time.monotonic()
        s = self.summary
        elapsed = max(now - self.start, 1e-9)
        rate = s.total / elapsed
        of = f"/{self.total}" if self.total else ""
        text = f"{s.total}{of} documents (ok {s.ok}, failed {s.failed}, skipped {s.skipped}), {rate:.1f} docs/s"
        if self.total and rate > 0 and s.total < self.total:
            text += f", ETA {_duration((self.total - s.total) / rate)}"
        return text

    def write(self, line: str) -> None:
        """A message (a log line) that must not garble the bar."""
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
