"""The writer table: output format name → module whose ``render(tree, settings) -> bytes`` renders the IR.

Writers are imported on first use, so converting to text never imports python-docx or reportlab.
"""
from __future__ import annotations

import importlib
from typing import Callable

from ..errors import UsageError

WRITER_MODULES = {
    "xml": "pipeline.writers.xml",
    "txt": "pipeline.writers.text",
    "docx": "pipeline.writers.docx",
    "pdf": "pipeline.writers.pdf",
    "md": "pipeline.writers.markdown",
    "html": "pipeline.writers.html",
}

FORMATS: tuple[str, ...] = tuple(WRITER_MODULES)
EXTENSIONS = {"xml": ".xml", "txt": ".txt", "docx": ".docx", "pdf": ".pdf", "md": ".md", "html": ".html"}
#: The formats whose writers measure text with the fonts' metrics.
FONT_FORMATS = ("docx", "pdf")


def uses_fonts(formats) -> bool:
    """Whether any of ``formats`` is written with the fonts (``FONT_FORMATS``)."""
    return any(fmt in FONT_FORMATS for fmt in formats)


def get_writer(fmt: str) -> Callable:
    module_name = WRITER_MODULES.get(fmt)
    if module_name is None:
        raise UsageError(f"unknown output format {fmt!r}; known: {', '.join(WRITER_MODULES)}")
    return importlib.import_module(module_name).render
