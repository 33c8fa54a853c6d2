"""Keeping a batch's per-document records on disk, in batch order, so memory stays flat.

Results come back from the workers slightly out of order (a few per worker); the
spool holds those few until the ones before them arrive, then appends each as a JSON line to
an anonymous temporary file (deleted by the system however the process ends). The manifest
and the reports are written at the end by reading the spool back, one record at a time.
"""
from __future__ import annotations

import json
import os
import tempfile
from typing import Iterator


class Spool:
    def __init__(self):
        self.file = tempfile.TemporaryFile(mode="w+b", prefix="pipeline-batch-")
        self.pending: dict[int, bytes] = {}
        self.next = 0

    def add(self, seq: int, record: dict) -> None:
        self.pending[seq] = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        while self.next in self.pending:
            self.file.write(self.pending.pop(self.next))
            self.next += 1

    def __iter__(self) -> Iterator[dict]:
        """The records written so far, in batch order (the ones still waiting for an earlier one last)."""
        self.file.flush()
        self.file.seek(0)
        for line in self.file:
            yield json.loads(line)
        self.file.seek(0, os.SEEK_END)
        for seq in sorted(self.pending):
            yield json.loads(self.pending[seq])

    def close(self) -> None:
        self.file.close()


