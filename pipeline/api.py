"""The Python API: convert a page given as bytes or text into IR and into any output format,
in memory, with the same settings model as the command line.

    from pipeline import api
    tree = api.to_ir(html_bytes, name="report.html", url="https://www.example.gov.cn/x.html")
    outputs = api.convert(html_bytes, formats=("docx", "pdf"), name="report.html")
    pdf = api.render(tree, "pdf")

``settings`` is a ``pipeline.config.Settings``, a mapping with the keys of ``config.yaml``,
or None for the defaults. Pictures the page refers to can be passed as ``resources``
(reference as resolved by ``pipeline.pictures.target`` → bytes). Errors are the exceptions
of ``pipeline.errors``.
"""
from __future__ import annotations

from typing import Mapping

from lxml import etree

from . import convert as core
from . import ir
from .config import Settings, load_settings
from .load import Document


def settings_of(settings: Settings | Mapping | None = None) -> Settings:
    """A Settings object from a Settings, a mapping of config.yaml keys, or None (defaults)."""
    if isinstance(settings, Settings):
        return settings
    return load_settings(None, **dict(settings or {}))


def document(data: bytes | str, name: str = "input.html", url: str | None = None,
             resources: Mapping[str, bytes] | None = None, content_type: str | None = None) -> Document:
    """A Document of ``data`` (text is encoded as UTF-8); ``name`` helps tell HTML from text."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return Document(name, raw, content_type, url, dict(resources or {}), None)


def to_ir(data: bytes | str, name: str = "input.html", url: str | None = None,
          settings: Settings | Mapping | None = None, resources: Mapping[str, bytes] | None = None) -> etree._Element:
    """The finished IR of a page (or of a saved IR file), validated."""
    return core.build_ir(document(data, name, url, resources), settings_of(settings))


def render(tree: etree._Element, fmt: str, settings: Settings | Mapping | None = None) -> bytes:
    """One IR tree in one format (xml, txt, docx, pdf, md, html)."""
    return core.render(ir.validate(tree, "render"), settings_of(settings), (fmt,))[fmt]


def convert(data: bytes | str, formats=None, name: str = "input.html", url: str | None = None,
            settings: Settings | Mapping | None = None,
            resources: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """A page in each of ``formats`` (default: the settings' formats), as bytes by format."""
    return core.convert(document(data, name, url, resources), settings_of(settings), formats).outputs
