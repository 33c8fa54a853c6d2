"""File-system edges: reading inputs, writing outputs atomically (temp file + rename),
making sure an output place can be written before any work is done, and where the program
keeps what it caches between runs (``user_cache_folder``)."""
from __future__ import annotations

import glob
import hashlib
import os
import secrets
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import OutputError


@contextmanager
def _replacing(path: Path) -> Iterator[int]:
    """The descriptor of a new temporary file beside ``path``, open for writing (the block
    closes it), renamed over ``path`` when the block ends, removed when it fails."""
    fd, tmp = _temporary_beside(Path(path))
    try:
        yield fd
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@contextmanager
def atomic_open(path: Path, text: bool = False) -> Iterator[IO]:
    """Open ``path`` for writing so that readers see the old file or the whole new one, never a
    part: the handle writes a temporary file in the same folder, renamed over ``path`` on success."""
    mode = {"mode": "w", "encoding": "utf-8", "newline": "\n"} if text else {"mode": "wb"}
    with _replacing(path) as fd, os.fdopen(fd, **mode) as handle:
        yield handle


def write_atomic(path: Path, data: bytes) -> None:
    """``data`` written to ``path`` as ``atomic_open`` writes, through the descriptor itself: no
    file object, whose making asks the system three more questions (a batch writes four
    outputs per document)."""
    with _replacing(path) as fd:
        try:
            with memoryview(data) as view:
                done = 0
                while done < len(view):
                    done += os.write(fd, view[done:])
        finally:
            os.close(fd)


#: The name of an atomic write's temporary file, beside the file it becomes.
TEMPORARY_NAME = ".{name}.{token}.part"

#: How a temporary file is created: new (never an existing file or link), not inherited by
#: child processes.
TEMPORARY_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new file ``.<name>.<random>.part`` in ``path``'s folder (made when missing), open for
    writing, with the permissions any new file gets (0666 less the umask). Four system calls
    per output, where ``tempfile.mkstemp`` and a ``chmod`` to the usual permissions took nine:
    a batch writes four outputs per document."""
    for _ in range(100):
        tmp = path.with_name(TEMPORARY_NAME.format(name=path.name, token=secrets.token_hex(4)))
        try:
            return os.open(tmp, TEMPORARY_FLAGS, 0o666), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
    raise FileExistsError(f"{path.parent}: no free temporary name for {path.name}")


def remove_temporaries(path: Path) -> None:
    """Remove the temporary files that atomic writes of ``path`` left (a writer killed midway)."""
    path = Path(path)
    for tmp in path.parent.glob(TEMPORARY_NAME.format(name=glob.escape(path.name), token="*")):
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass


# The longest output name segment, in UTF-8 bytes: with an extension and the temporary
# ".<name>.<random>.part" of an atomic write it stays under the usual 255-byte limit.
MAX_NAME_BYTES = 180


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as lone surrogates) become
    U+FFFD, so that messages, reports and output names are valid UTF-8."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def short_name(segment: str, limit: int = MAX_NAME_BYTES) -> str:
    """``segment`` cut to ``limit`` UTF-8 bytes, ending in a digest of the whole when cut (so two
    long names stay apart)."""
    raw = segment.encode("utf-8")
    if len(raw) <= limit:
        return segment
    digest = hashlib.sha256(raw).hexdigest()[:10]
    return f"{raw[:limit - 11].decode('utf-8', 'ignore')}_{digest}"


def stem_of(name: str) -> str:
    """The output stem of an input name: the file name without its last extension, short
    enough for any file system."""
    base = Path(name).name
    stem, dot, _ext = base.rpartition(".")
    return short_name(stem if dot and stem else base)


def folder_pictures(data: bytes, page: Path, root: Path | None = None) -> tuple[dict[str, bytes], str]:
    """The pictures a page's bytes refer to that lie in its folder tree: ``(resources, base)``
    for its Document. ``root`` (default: the page's folder) is the folder nothing outside of
    which is read; ``base`` is the page's path inside it. Symlinks leading out, special files
    and files over the picture size limit are left out (the page then reports them missing)."""
    from . import pictures  # noqa: PLC0415  (only reading a page needs it)

    page = page.resolve()
    root = (root or page.parent).resolve()
    if not page.is_relative_to(root):
        root = page.parent
    base = page.relative_to(root).as_posix()
    found: dict[str, bytes] = {}
    for ref in pictures.references(data):
        key = pictures.target(ref, base)
        if key is None or key in found or "://" in key or key.startswith("cid:"):
            continue
        file = root / key
        try:
            found_file = file.stat()  # first: a missing picture (most, in a page saved alone) costs one call
            if stat.S_ISREG(found_file.st_mode) and found_file.st_size <= pictures.MAX_PICTURE_BYTES \
                    and file.resolve().is_relative_to(root):
                found[key] = file.read_bytes()
        except OSError:
            continue
    return found, base


def ensure_writable(folder: Path) -> list[Path]:
    """Create ``folder`` if needed and make sure a file can be written there, before any work
    is done; an OutputError (exit 3) naming the folder otherwise. Returns the folders it
    created, deepest first (a caller that ends up writing nothing can remove them)."""
    folder = Path(folder)
    created = []
    parent = folder
    while not parent.exists() and parent != parent.parent:
        created.append(parent)
        parent = parent.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(exc, folder) from None
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".pipeline-probe-"):
            pass
    except OSError as exc:
        raise output_error(exc, folder, named=False) from None
    return created


def output_error(exc: OSError, path: Path | str, named: bool = True) -> OutputError:
    """An OSError met while writing ``path``, as the one-line OutputError the user sees
    (naming the file the error names, unless ``named`` is false)."""
    where = (exc.filename if named else None) or path
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        reason = "a file is in the way of a folder"
    else:
        reason = exc.strerror or str(exc)
    return OutputError(f"{where}: cannot write output: {reason}")


def user_cache_folder() -> Path:
    """The user's cache folder of the program: the font data and the regular expressions'
    programs are kept under it."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("pipeline", appauthor=False))
