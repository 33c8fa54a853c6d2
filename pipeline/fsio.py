"""File-system edges: reading inputs and writing outputs atomically (temp file + rename)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    """The process umask (mkstemp creates files 0600; outputs get the usual permissions)."""
    current = os.umask(0)
    os.umask(current)
    return current


def stem_of(name: str) -> str:
    """The output stem of an input name: the file name without its last extension."""
    base = Path(name).name
    stem, dot, _ext = base.rpartition(".")
    return stem if dot and stem else base
