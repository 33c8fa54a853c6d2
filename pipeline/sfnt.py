"""TrueType font files as bytes: the tables a font converted from a CFF face is made of
(``glyf`` and ``loca`` of its glyphs, ``ConvertedGlyph``; ``hmtx``, ``head``, ``hhea``, ``maxp``,
``OS/2``, ``cmap``, ``name``), the ``name`` records a font in a PDF keeps, a table's checksum,
and the file a set of tables makes (the table directory, each table padded to four bytes, the
``head`` table's checksum adjustment), and whether a file is a collection of fonts. Used by the
CFF faces' conversion to TrueType outlines (``embeddable.CffOutlines``), by the PDF writer's font
subsets (``writers.pdffonts``) and by the reading of installed faces (``fonts``)."""
from __future__ import annotations

import array
import struct
import sys
from itertools import accumulate

#: The order fontTools writes a TrueType font's tables in (``reorderTables``; the OpenType
#: specification's recommendation); a table not listed follows, in the order of its tag.
TRUETYPE_TABLE_ORDER = ("head", "hhea", "maxp", "OS/2", "hmtx", "LTSH", "VDMX", "hdmx", "DMAP", "cmap",
                        "fpgm", "prep", "cvt ", "loca", "glyf", "kern", "name", "post", "gasp", "PCLT")


def is_collection(path: str) -> bool:
    """Whether the font file ``path`` is a collection (``.ttc``, ``.otc``): a face of it is
    opened by its number."""
    with open(path, "rb") as fh:
        return fh.read(4) == b"ttcf"


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


#: The name records a font embedded in a PDF keeps, as fontTools' subsetter keeps them by
#: default: copyright, family, style, unique identifier, full name, version and PostScript name
#: (what reportlab reads of a face). The rest is mostly a licence's full text (20 KB in the AR
#: PL faces), which reportlab copied into every subset of 256 characters, so a page of a
#: thousand distinct characters carried it four times.
ESSENTIAL_NAME_IDS = range(7)


def essential_names(data: bytes) -> bytes:
    """The ``name`` table ``data`` holding only the records of ``ESSENTIAL_NAME_IDS`` (format 0;
    a format 1 table, with language tags, is kept whole)."""
    version, count, storage = struct.unpack_from(">HHH", data)
    if version != 0:
        return data
    records, strings, at = [], {}, 0
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack_from(">6H", data, 6 + 12 * i)
        if name_id in ESSENTIAL_NAME_IDS:
            text = data[storage + offset:storage + offset + length]
            if text not in strings:
                strings[text], at = at, at + len(text)
            records.append(struct.pack(">6H", platform, encoding, language, name_id, length, strings[text]))
    return struct.pack(">HHH", 0, len(records), 6 + 12 * len(records)) + b"".join(records) + b"".join(strings)


def glyf_and_loca(glyphs: list[ConvertedGlyph]) -> tuple[bytes, int, bytes, int, list[int]]:
    """The ``glyf`` table of ``glyphs`` and its checksum, and the ``loca`` table, its format
    and the glyphs' offsets, as fontTools writes them: no padding, but a zero byte after each
    glyph of odd length when that lets the offsets be short ones."""
    compiled = [glyph.compiled for glyph in glyphs]
    offsets = list(accumulate(map(len, compiled), initial=0))
    odd = [i for i, data in enumerate(compiled) if len(data) % 2]
    if odd and offsets[-1] + len(odd) < 0x20000:
        compiled = [data + b"\0" if len(data) % 2 else data for data in compiled]
        offsets = list(accumulate(map(len, compiled), initial=0))
    if offsets[-1] < 0x20000 and not any(offset % 2 for offset in offsets):
        loca_format, loca = 0, struct.pack(f">{len(offsets)}H", *(offset >> 1 for offset in offsets))
    else:
        loca_format, loca = 1, struct.pack(f">{len(offsets)}L", *offsets)
    checksum = sum(map(ConvertedGlyph.checksum_at, glyphs, offsets)) & 0xFFFFFFFF
    glyf = b"".join(compiled) or b"\0"  # a zero byte when no glyph has an outline
    return glyf, checksum, loca, loca_format, offsets


def hmtx_table(advances: list[int], bearings: list[int]) -> tuple[bytes, int]:
    """The ``hmtx`` table and its count of full metrics: the glyphs after the last change of
    advance hold their side bearing only."""
    last, count = advances[-1], len(advances)
    while advances[count - 2] == last:
        count -= 1
        if count <= 1:
            count = 1
            break
    full = [value for pair in zip(advances[:count], bearings[:count]) for value in pair]
    rest = bearings[count:]
    return struct.pack(f">{'Hh' * count}{len(rest)}h", *full, *rest), count


def head_table(template: bytes, outlined: list[tuple[ConvertedGlyph, int, int]], loca_format: int) -> bytes:
    """The face's ``head`` with the bounds of the glyphs ``outlined`` (those with an outline,
    each with its advance and left side bearing), the flag that each one's left side bearing
    is its x_min, and the ``loca`` format."""
    head = bytearray(template)
    flags = struct.unpack_from(">H", head, 16)[0]
    lsb_is_x_min = all(glyph.x_min == bearing for glyph, _, bearing in outlined)
    struct.pack_into(">H", head, 16, flags | 0x2 if lsb_is_x_min else flags & ~0x2)
    bounds = (0, 0, 0, 0)
    if outlined:
        bounds = (min(glyph.x_min for glyph, _, _ in outlined), min(glyph.y_min for glyph, _, _ in outlined),
                  max(glyph.x_max for glyph, _, _ in outlined), max(glyph.y_max for glyph, _, _ in outlined))
    struct.pack_into(">4h", head, 36, *bounds)
    struct.pack_into(">h", head, 50, loca_format)
    return bytes(head)


def hhea_table(template: bytes, outlined: list[tuple[ConvertedGlyph, int, int]], advance_max: int,
          metrics_count: int) -> bytes:
    """The face's ``hhea`` with the greatest advance, the least left and right side bearings
    and the greatest extent of the glyphs ``outlined``, and the count of full metrics."""
    hhea = bytearray(template)
    sides = (0, 0, 0)
    if outlined:
        sides = (min(bearing for _, _, bearing in outlined),
                 min(advance - bearing - (glyph.x_max - glyph.x_min) for glyph, advance, bearing in outlined),
                 max(bearing + glyph.x_max - glyph.x_min for glyph, _, bearing in outlined))
    struct.pack_into(">H3h", hhea, 10, advance_max, *sides)
    struct.pack_into(">H", hhea, 34, metrics_count)
    return bytes(hhea)


def maxp_table(glyphs: list[ConvertedGlyph]) -> bytes:
    """A ``maxp`` of version 1.0 for simple glyphs: their count, most points and contours,
    one zone, no instructions."""
    simple = [glyph for glyph in glyphs if glyph.contours > 0]
    points = max((glyph.points for glyph in simple), default=0)
    contours = max((glyph.contours for glyph in simple), default=0)
    return struct.pack(">LH13H", 0x00010000, len(glyphs), points, contours, 0, 0, 1, *(0,) * 8)


#: The characters whose presence fontTools' ``calcCodePageRanges`` reads (a code page's sign,
#: the printable ASCII, the line-drawing and other marks it asks for): only these of a
#: font's characters change its answer, and a page's hundreds of others made it a third of
#: the font's build. A test holds the answers equal.
CODE_PAGE_SIGNS = frozenset(range(0x20, 0x7E)) | frozenset(map(ord, "ÞĽБΆİאرŗ₫ๅエㄅㄱ央곴♥þ╚ÅéõЅ╜½√‰∑┤"))


def os2_table(face: dict, points: set[int]) -> bytes:
    """The face's ``OS/2`` table (``embeddable._face_tables``) for a font of the characters ``points``:
    the Unicode ranges and code pages none of them is in cleared (at least the Latin 1 code
    page kept), the first and last character set."""
    from fontTools.ttLib.tables.O_S_2f_2 import calcCodePageRanges, intersectUnicodeRanges

    os2 = bytearray(face["OS/2"])
    unicode_ranges = set(face["unicode ranges"]) - intersectUnicodeRanges(points, inverse=True)
    code_pages = calcCodePageRanges(points & CODE_PAGE_SIGNS) & set(face["code pages"]) or {0}
    struct.pack_into(">4L", os2, 42, *_bit_fields(unicode_ranges, 4))
    if points:
        struct.pack_into(">HH", os2, 64, min(0xFFFF, min(points)), min(0xFFFF, max(points)))
    struct.pack_into(">2L", os2, 78, *_bit_fields(code_pages, 2))
    return bytes(os2)


def _bit_fields(bits: set[int], fields: int) -> list[int]:
    """Bit numbers as ``fields`` 32-bit fields, bit 0 the first field's lowest."""
    return [sum(1 << (bit - 32 * i) for bit in bits if 32 * i <= bit < 32 * (i + 1)) for i in range(fields)]


def cmap_table(character_map: dict[int, int]) -> bytes:
    """The ``cmap`` table of ``character_map`` (character → glyph number): one format 4
    subtable for both Unicode encodings (its characters in the Basic Multilingual Plane),
    and a format 12 one for Windows when a character lies beyond it."""
    four = _cmap_format_4({point: glyph for point, glyph in character_map.items() if point <= 0xFFFF})
    subtables = [(0, 3, four), (3, 1, four)]
    if character_map and max(character_map) > 0xFFFF:
        subtables.append((3, 10, _cmap_format_12(character_map)))
    header = [struct.pack(">HH", 0, len(subtables))]
    offsets, data = {}, []
    at = 4 + 8 * len(subtables)
    for platform, encoding, subtable in subtables:
        if subtable not in offsets:
            offsets[subtable] = at
            at += len(subtable)
            data.append(subtable)
        header.append(struct.pack(">HHL", platform, encoding, offsets[subtable]))
    return b"".join(header + data)


def _cmap_format_4(character_map: dict[int, int]) -> bytes:
    """A format 4 subtable, cut into segments as fontTools cuts them (``splitRange``: a run
    of characters is cut where doing so saves bytes)."""
    from fontTools.ttLib.tables._c_m_a_p import splitRange

    codes = sorted(character_map)
    if not codes:
        starts, ends = [0xFFFF], [0xFFFF]
    else:
        starts, ends, last = [codes[0]], [], codes[0]
        for code in [*codes[1:], None]:
            if code is not None and code == last + 1:
                last = code
                continue
            if starts[-1] == last:  # a run of one character is its own segment
                ends.append(last)
            else:
                more_starts, more_ends = splitRange(starts[-1], last, character_map)
                starts += more_starts
                ends += more_ends
            starts.append(0xFFFF if code is None else code)
            last = code
        ends.append(0xFFFF)
    deltas, range_offsets, glyph_ids = [], [], []
    for i, (start, end) in enumerate(zip(starts[:-1], ends[:-1])):
        if start == end:  # most segments of a page's characters: one character each
            deltas.append((character_map[start] - start) % 0x10000)
            range_offsets.append(0)
            continue
        glyphs = [character_map[code] for code in range(start, end + 1)]
        if glyphs == list(range(glyphs[0], glyphs[0] + len(glyphs))):
            deltas.append((glyphs[0] - start) % 0x10000)
            range_offsets.append(0)
        else:
            deltas.append(0)
            range_offsets.append(2 * (len(ends) + len(glyph_ids) - i))
            glyph_ids += glyphs
    deltas.append(1)  # the last segment (0xFFFF) maps to .notdef
    range_offsets.append(0)
    count = len(ends)
    data = struct.pack(f">{count}HH{count}H{count}H{count + len(glyph_ids)}H",
                       *ends, 0, *starts, *deltas, *range_offsets, *glyph_ids)
    return struct.pack(">7H", 4, 14 + len(data), 0, 2 * count, *search_range(count, 2)) + data


def _cmap_format_12(character_map: dict[int, int]) -> bytes:
    """A format 12 subtable: a group for each run of characters whose glyph numbers run too."""
    codes = sorted(character_map)
    groups, start = [], codes[0]
    for previous, code in zip(codes, [*codes[1:], None]):
        if code is None or code != previous + 1 or character_map[code] != character_map[previous] + 1:
            groups.append(struct.pack(">LLL", start, previous, character_map[start]))
            start = code
    data = b"".join(groups)
    return struct.pack(">HHLLL", 12, 0, 16 + len(data), 0, len(groups)) + data


def name_table(records: dict[tuple[int, int, int, int], tuple[str, str]], tag: str) -> bytes:
    """The ``name`` table of ``records`` (``embeddable._face_tables``) in their order, the
    PostScript name (6) tagged with ``tag``; a text met again is stored once."""
    header, strings, offsets = [], [], {}
    at = 0
    for (platform, encoding, language, name_id), (text, codec) in sorted(records.items()):
        data = _encoded(f"{text[:54]}-{tag}" if name_id == 6 else text, codec)
        if data not in offsets:
            offsets[data], at = at, at + len(data)
            strings.append(data)
        header.append(struct.pack(">6H", platform, encoding, language, name_id, len(data), offsets[data]))
    return struct.pack(">HHH", 0, len(header), 6 + 12 * len(header)) + b"".join(header + strings)


def _encoded(text: str, codec: str) -> bytes:
    try:
        return text.encode(codec)
    except LookupError:  # one of fontTools' Mac codecs, which its module registers when imported
        import fontTools.encodings.codecs  # noqa: F401

        return text.encode(codec)


class ConvertedGlyph:
    """A converted glyph as a font is assembled of it (``embeddable.CffOutlines.truetype``): its compiled
    ``glyf`` bytes, and what the font's ``head``, ``hhea`` and ``maxp`` figures are computed
    from (contours, bounds, points), read from those bytes. A glyph is compiled once, whatever
    fonts it goes into, and its coordinates are not kept (a tenth of the memory)."""

    __slots__ = ("compiled", "contours", "x_min", "y_min", "x_max", "y_max", "points", "sums")

    def __init__(self, compiled: bytes):
        self.compiled = compiled
        if compiled:  # a simple glyph's header, then its contours' last points' numbers
            self.contours, self.x_min, self.y_min, self.x_max, self.y_max = struct.unpack_from(">5h", compiled)
            self.points = struct.unpack_from(">H", compiled, 8 + 2 * self.contours)[0] + 1
        else:  # no outline (a space)
            self.contours = self.x_min = self.y_min = self.x_max = self.y_max = self.points = 0
        self.sums: list[int | None] = [None] * 4  # ``checksum_at``, by where in a word the glyph starts

    @property
    def padded(self) -> bytes:
        """The compiled bytes zero padded to a multiple of four, as a font subset holds them
        (made when asked: a process keeps every glyph it met, and a copy of each would double
        what they take)."""
        return self.compiled + b"\0" * (-len(self.compiled) % 4)

    def checksum_at(self, offset: int) -> int:
        """What the glyph adds to the checksum of a ``glyf`` table in which it starts at
        ``offset``: the table's checksum is the sum of its glyphs', each summed as if it began
        where it does within a four-byte word (summing the table's words took a third of a
        font's build)."""
        shift = offset % 4
        found = self.sums[shift]
        if found is None:
            found = self.sums[shift] = checksum(b"\0" * shift + self.compiled)
        return found
