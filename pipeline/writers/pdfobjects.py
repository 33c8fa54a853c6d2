"""reportlab's PDF objects written faster, the same bytes (``patch_reportlab``, done when the
PDF writer loads its first face): numbers formatted once each, arrays and dictionaries whose
elements are mostly numbers and names, names and keys encoded without the codec's machinery,
whether a text is in PDFDocEncoding told without an exception for a Han character; and the
FlateDecode filter, with the deflater and level the settings name (``DEFLATE``: the one of
the document being rendered in this thread). These replace functions and methods of
``reportlab.pdfbase.pdfdoc``, so reportlab's version is bounded above in ``pyproject.toml``
and ``tests/test_pdf_speed_shapes.py`` fails when what they replace moves.
"""
from __future__ import annotations

import contextvars
import zlib
from collections import OrderedDict
from functools import lru_cache, partial
from typing import Callable

from ..text import HAN


@lru_cache(maxsize=64)
def font_size_code(size: float) -> str:
    """The operands reportlab writes for a font at ``size`` (its leading 1.2 × the size)."""
    from reportlab.lib.rl_accel import fp_str

    return f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"


@lru_cache(maxsize=4096)
def _number(value: float) -> str:
    from reportlab.lib.rl_accel import fp_str

    return fp_str(value)


def _pdf_number(*values) -> str:
    """reportlab's ``fp_str`` for the numbers of its PDF objects, one number remembered:
    the widths of a font's subsets are mostly the same few (without reportlab's C
    accelerator each takes a slow formatting)."""
    if len(values) == 1 and type(values[0]) in (int, float):
        return _number(values[0])
    from reportlab.lib.rl_accel import fp_str

    return fp_str(*values)


@lru_cache(maxsize=4096)
def _number_bytes(value: float) -> bytes:
    return _number(value).encode("ascii")


@lru_cache(maxsize=None)
def _reportlab_formatting():
    """reportlab's generic ``format`` of a PDF object and its configuration, imported once
    (an import statement costs more than formatting a short array)."""
    from reportlab import rl_config
    from reportlab.pdfbase.pdfdoc import format as formatted

    return formatted, rl_config


def _array_format(self, document, IND=b"\n "):
    """reportlab's ``PDFArray.format`` (``__wrapped__``), the same bytes, its elements
    written by ``_element_bytes`` (most of a font's ``W`` array are numbers)."""
    rl_config = _reportlab_formatting()[1]
    parts = [_element_bytes(e, document) for e in self.sequence]
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        return b"[ " + IND.join(parts) + b" ]"
    for i in reversed(range(10, len(parts), 10)):  # a line break every ten elements
        parts.insert(i, b"\n ")
    return b"[ " + b" ".join(parts) + b" ]"


def _element_bytes(element, document) -> bytes:
    """reportlab's ``format`` of an element of an array or dictionary, the same bytes; a
    number (a width, a coordinate) is one cached look-up and a name (a ``PDFName``, a str)
    one encoding, where reportlab's generic ``format`` tries four kinds first."""
    kind = type(element)
    if kind is int or kind is float:
        return _number_bytes(element)
    if kind is str:
        return _pdfdoc_encoded(element)
    return _reportlab_formatting()[0](element, document)


@lru_cache(maxsize=1024)
def _key_bytes(key: str) -> bytes:
    """A dictionary key as reportlab writes it: its ``PDFName``, encoded."""
    from reportlab.pdfbase import pdfdoc

    return _pdfdoc_encoded(pdfdoc.PDFName(key))


def _dict_format(self, document, IND=b"\n "):
    """reportlab's ``PDFDictionary.format`` (``__wrapped__``), the same bytes: the keys sorted
    (unless ordered), each written as its name, a line break every six entries unless the
    dictionary is multi-line; each key's bytes made once per process."""
    rl_config = _reportlab_formatting()[1]
    entries = self.dict
    keys = list(entries) if isinstance(entries, OrderedDict) else sorted(entries)
    parts = [_key_bytes(key) + b" " + _element_bytes(entries[key], document) for key in keys]
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        return b"<<\n" + IND.join(parts) + b"\n>>"
    for i in reversed(range(6, len(parts), 6)):
        parts.insert(i, b"\n ")
    return b"<<\n" + b" ".join(parts) + b"\n>>"


def _pdfdoc_encoded(x):
    """reportlab's ``pdfdocEnc`` (a string in its PDFDocEncoding codec, bytes as they are),
    the same bytes; printable ASCII, as the numbers and names of PDF objects are, is encoded
    without the codec's machinery (a call to a Python codec per number)."""
    if type(x) is str and x.isascii() and x.isprintable():
        return x.encode("ascii")
    return x.encode("extpdfdoc") if isinstance(x, str) else x


def _in_pdfdoc(text: str) -> bool:
    """reportlab's ``_checkPdfdoc``: whether ``text`` encodes in PDFDocEncoding (a text string
    is written in it, else in UTF-16), with the ``pdfdoc`` codec the process found first
    (reportlab's or pikepdf's). A text holding a Han character (``text.HAN``: PDFDocEncoding has
    none), as a Chinese title or bookmark does, does not: a search, where reportlab's encoding
    raises an error and catches it; any other text is asked of the codec as reportlab asks it."""
    return HAN.search(text) is None and bool(_in_pdfdoc.__wrapped__(text))


#: The deflate function of the streams of the document being rendered in this thread (``_flate``).
DEFLATE = contextvars.ContextVar("pdf_deflate", default=None)


def deflater(name: str, level: int) -> Callable[[bytes], bytes]:
    """``compress(data)`` of the deflate implementation ``name`` (``pdf.deflate``: libdeflate,
    isal or zlib) at ``level``: each writes zlib streams, which FlateDecode reads."""
    if name == "libdeflate":
        from deflate import zlib_compress

        return lambda data: bytes(zlib_compress(data, level))
    if name == "isal":
        from isal import isal_zlib

        return partial(isal_zlib.compress, level=level)
    return partial(zlib.compress, level=level)


def _flate(content: bytes | str) -> bytes:
    """reportlab's FlateDecode filter, with the deflater and level ``pdf.deflate`` and
    ``pdf.compression_level`` ask for."""
    compress = DEFLATE.get()
    if compress is None:  # outside a rendering: the settings' defaults
        from ..config import PdfSettings

        defaults = PdfSettings()
        compress = deflater(defaults.deflate, defaults.compression_level)
    return compress(content.encode("utf8") if isinstance(content, str) else content)


def patch_reportlab() -> None:
    from reportlab.pdfbase import pdfdoc

    pdfdoc.PDFZCompress.encode = _flate  # the one filter object every stream reportlab compresses uses
    pdfdoc.fp_str = _pdf_number
    pdfdoc.pdfdocEnc = _pdfdoc_encoded
    if pdfdoc._checkPdfdoc is not _in_pdfdoc:
        _in_pdfdoc.__wrapped__ = pdfdoc._checkPdfdoc
        pdfdoc._checkPdfdoc = _in_pdfdoc
    if pdfdoc.PDFArray.format is not _array_format:
        _array_format.__wrapped__ = pdfdoc.PDFArray.format
        pdfdoc.PDFArray.format = _array_format
    if pdfdoc.PDFDictionary.format is not _dict_format:
        _dict_format.__wrapped__ = pdfdoc.PDFDictionary.format
        pdfdoc.PDFDictionary.format = _dict_format
    if not hasattr(pdfdoc.PDFName, "cache_info"):  # a PDF object's keys are the same few names
        pdfdoc.PDFName = lru_cache(maxsize=1024)(pdfdoc.PDFName)
