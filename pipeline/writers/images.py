"""Where a figure's picture comes from, decided once for every writer that embeds pictures.

A ``src`` is embedded when it is a ``data:image`` URI, or a relative reference to a readable
file under the image folder: ``settings.image_dir`` when set, else the folder of the input
file the IR names (as given, or under ``settings.input``), so a saved page's ``page_files/``
or ``./static/`` pictures are found and nothing outside that folder is ever read. Anything
else (remote URLs, absolute paths, ``..`` escapes, missing files) is not embedded: the
writer prints its placeholder.
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


def image_folder(tree: etree._Element, settings) -> Path | None:
    """The folder relative picture references start from (and must stay under)."""
    if settings.image_dir is not None:
        return Path(settings.image_dir).resolve()
    source = tree.find("meta/source")
    name = source.get("name", "") if source is not None else ""
    if not name:
        return None
    found = next((c for c in (Path(name), Path(settings.input) / name) if c.is_file()), None)
    return found.parent.resolve() if found is not None else None


def image_source(src: str, folder: Path | None) -> io.BytesIO | str | None:
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
    if folder is None or parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    candidate = (folder / unquote(parts.path)).resolve()
    if not candidate.is_relative_to(folder) or not candidate.is_file():
        return None
    return str(candidate)
