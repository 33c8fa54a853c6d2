"""Templates shipped with the package: the reference document the DOCX writer starts from.

Reading the reference document (the shipped one, or the user's ``docx.reference_docx``) is a
setting, not content, and happens here, so the writers open no files.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import RenderError


@lru_cache(maxsize=1)
def shipped_template() -> bytes:
    """The bytes of the shipped ``templates/reference.docx`` (read once per process)."""
    return resources.files("pipeline").joinpath("templates/reference.docx").read_bytes()


@lru_cache(maxsize=8)
def _user_template(path: str, _mtime_ns: int, _size: int) -> bytes:
    return Path(path).read_bytes()


def template_bytes(path: Path | str | None) -> bytes:
    """The reference document's bytes: the shipped one, or ``path`` (cached while unchanged)."""
    if path is None:
        return shipped_template()
    try:
        st = os.stat(path)
        return _user_template(str(path), st.st_mtime_ns, st.st_size)
    except OSError as exc:
        raise RenderError(f"{path}: cannot read reference docx: {exc.strerror}") from None
