"""Reader of a saved IR file: the XML the ``xml`` writer wrote, read back and validated, so
that converting it gives the same outputs as converting the page it came from."""
from __future__ import annotations

import re

from lxml import etree

from .. import ir
from ..errors import InputError, InvalidIR
from ..load import Document

IR_ROOT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<report\b", re.S)


def sniff(document: Document) -> bool:
    return bool(IR_ROOT.match(document.data[:4096]))


def read(document: Document) -> etree._Element:
    try:
        return ir.validate(ir.parse(document.data), "reading")
    except InvalidIR as exc:
        raise InputError(f"not a valid IR file: {exc}") from None
