"""Where a figure's picture comes from, decided once for every writer that embeds pictures.

A ``src`` is embedded when it is a ``data:image`` URI, or a reference relative to the input
file the IR names to a readable file that stays inside the image root. The input file is
looked for under ``settings.image_dir`` (a batch names its documents relative to the batch
folder), as given, and under ``settings.input``; the root is ``settings.image_dir`` when set,
else the input's own folder. So a saved page's ``page_files/`` or ``./static/`` pictures are
found and nothing outside the root is ever read. Anything else (remote URLs, absolute paths,
escapes, missing files) is not embedded: the writer prints its placeholder.
"""
from __future__ import annotations

import base64
import binascii
import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

IMAGE_MIME = re.compile(r"data:image/(png|jpe?g|gif|bmp|tiff?);base64,", re.I)


def image_folders(tree: etree._Element, settings) -> tuple[Path | None, Path | None]:
    """(the root pictures must stay inside, the folder relative references start from)."""
    source = tree.find("meta/source")
    name = source.get("name", "") if source is not None else ""
    configured = Path(settings.image_dir).resolve() if settings.image_dir is not None else None
    candidates = [configured / name] if configured is not None and name else []
    if name:
        candidates += [Path(name), Path(settings.input) / name]
    found = next((c for c in candidates if c.is_file()), None)
    if found is not None:
        base = found.parent.resolve()
        return configured or base, base
    return configured, configured


def image_source(src: str, folders: tuple[Path | None, Path | None]) -> io.BytesIO | str | None:
    """The picture for ``src``: decoded bytes of a data URI, a file path, or None."""
    match = IMAGE_MIME.match(src)
    if match:
        try:
            return io.BytesIO(base64.b64decode(src[match.end():], validate=False))
        except (binascii.Error, ValueError):
            return None
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
    root, base = folders
    if root is None or parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    candidate = (base / unquote(parts.path)).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return str(candidate)
