"""The reader that refuses what is not a page or text: files with the signature of a known
binary format (a PDF, a picture, an office document, an archive) are named and refused."""
from __future__ import annotations

from ..errors import InputError
from ..load import Document

# (leading bytes, what the file is). A zip holds pages only as an archive given by path.
SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG picture"),
    (b"\xff\xd8\xff", "a JPEG picture"),
    (b"GIF87a", "a GIF picture"),
    (b"GIF89a", "a GIF picture"),
    (b"BM", None),  # too short to tell alone: see _bmp
    (b"PK\x03\x04", "a zip archive or an office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office 97–2003 document"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable program"),
    (b"MZ", None),  # see _exe
    (b"{\\rtf", "an RTF document"),
)
RIFF_KINDS = {b"WEBP": "a WebP picture", b"WAVE": "a WAV sound", b"AVI ": "an AVI video"}


def what(data: bytes) -> str | None:
    """What a known binary format's leading bytes say the data is, or None."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            if kind is not None:
                return kind
            if signature == b"BM" and len(data) > 14 and int.from_bytes(data[2:6], "little") == len(data):
                return "a BMP picture"
            if signature == b"MZ" and b"This program cannot be run in DOS mode" in data[:512]:
                return "an executable program"
    if data[:4] == b"RIFF" and data[8:12] in RIFF_KINDS:
        return RIFF_KINDS[data[8:12]]
    if data[4:12] in (b"ftypisom", b"ftypmp42", b"ftypM4A "):
        return "an MP4 file"
    return None


def sniff(document: Document) -> bool:
    return what(document.data[:1024]) is not None


def read(document: Document):
    kind = what(document.data[:1024])
    hint = " (a zip of pages converts by its file name, or with `pipeline batch`)" if "zip" in kind else ""
    raise InputError(f"{kind}, not a web page or text{hint}")
