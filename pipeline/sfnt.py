"""TrueType font files as bytes: a table's checksum, and the file a set of tables makes (the
table directory, each table padded to four bytes, the ``head`` table's checksum adjustment).
Used by the PDF writer's font subsets and by the CFF faces' conversion to TrueType outlines."""
from __future__ import annotations

import array
import struct
import sys

#: The order fontTools writes a TrueType font's tables in (``reorderTables``; the OpenType
#: specification's recommendation); a table not listed follows, in the order of its tag.
TRUETYPE_TABLE_ORDER = ("head", "hhea", "maxp", "OS/2", "hmtx", "LTSH", "VDMX", "hdmx", "DMAP", "cmap",
                        "fpgm", "prep", "cvt ", "loca", "glyf", "kern", "name", "post", "gasp", "PCLT")


def checksum(data: bytes) -> int:
    """The TrueType checksum: the 32-bit big-endian words of ``data`` (zero padded) summed."""
    words = array.array("I")
    words.frombytes(data + b"\0" * (-len(data) % 4))
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


def search_range(count: int, item_size: int) -> tuple[int, int, int]:
    """The binary-search header of ``count`` items of ``item_size`` bytes: search range,
    entry selector, range shift."""
    search, selector = 1, 0
    while search * 2 <= count:
        search, selector = search * 2, selector + 1
    return search * item_size, selector, max(count * item_size - search * item_size, 0)


def font_file(tables: dict[str, bytes], sums: dict[str, int] | None = None, order=None) -> bytes:
    """The font file of ``tables``: the directory in the order of the tags, the tables in
    ``order`` (default: the tags' order too), each padded to four bytes, the ``head`` table's
    checksum adjustment set (its own checksum summed with the adjustment zero). ``sums`` are
    checksums already known (a ``head`` one with the adjustment zero). The adjustment is set
    in the ``head`` table before the file is joined, so the file is copied once."""
    sums = sums or {}
    count = len(tables)
    header = [struct.pack(">lHHHH", 0x00010000, count, *search_range(count, 16))]
    ordered = sorted(tables) if order is None else list(order)
    offsets, offset = {}, 12 + count * 16
    for tag in ordered:
        offsets[tag] = offset
        offset += (len(tables[tag]) + 3) & ~3
    total = 0
    for tag in sorted(tables):
        data = tables[tag]
        if tag in sums:
            value = sums[tag]
        else:
            value = checksum(data[:8] + b"\0\0\0\0" + data[12:] if tag == "head" else data)
        total += value
        header.append(tag.encode("latin1") + struct.pack(">LLL", value, offsets[tag], len(data)))
    directory = b"".join(header)
    total += checksum(directory)
    adjustment = struct.pack(">L", (0xB1B0AFBA - total) & 0xFFFFFFFF)
    body = [directory]
    for tag in ordered:
        data = tables[tag]
        if tag == "head":
            data = data[:8] + adjustment + data[12:]
        body += (data, b"\0" * (-len(data) % 4))
    return b"".join(body)


def truetype_order(tags) -> list[str]:
    """``tags`` in the order fontTools writes a TrueType font's tables in."""
    return [tag for tag in TRUETYPE_TABLE_ORDER if tag in tags] + sorted(set(tags) - set(TRUETYPE_TABLE_ORDER))
