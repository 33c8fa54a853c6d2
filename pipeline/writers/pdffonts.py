"""The faces the PDF embeds: each loaded and registered with reportlab once per process
(``load_face``; a CFF face's TrueType conversion for a document's characters, ``load_subset_face``,
kept while documents use it and among the last used, ``release``); the composite font of a face
in one document (``CidFont``: Type0, Identity-H, a code of two bytes per character in the order
the document first draws it), and the TrueType subset of its characters that goes into the file
(``_Subsetter``: reportlab's subset, the same bytes but for the ``name`` table, built from the
glyphs read in place), with its widths and its ToUnicode map.
"""
from __future__ import annotations

import hashlib
import struct
import threading
from collections import OrderedDict
from functools import lru_cache
from itertools import accumulate, compress, groupby, repeat
from operator import attrgetter
from typing import Callable, NamedTuple

from .. import embeddable, fonts, sfnt
from ..errors import RenderError
from .pdfobjects import patch_reportlab


class _Made(dict):
    """Values made of keys by ``make``, each made once, when first looked up (a ToUnicode
    map's pieces, a face's metrics of a glyph)."""

    def __init__(self, make: Callable[[int], object]):
        super().__init__()
        self.make = make

    def __missing__(self, key: int):
        found = self[key] = self.make(key)
        return found


#: A code point's UTF-16 in hex as a ToUnicode map writes it (``<4E2D>``, a surrogate pair
#: ``<D840DC00>`` beyond the BMP).
_UNICODE_HEX = _Made(lambda point: f"<{point:04X}>" if point < 0x10000
                     else f"<{chr(point).encode('utf-16-be').hex().upper()}>")
#: A code's entry head in a ToUnicode map (``<0001> ``).
_CODE_HEX = _Made("<{:04X}> ".format)


def _to_unicode_cmap(fontname: str, subset) -> str:
    """The ToUnicode CMap of a font whose code ``i`` (two bytes) shows character ``subset[i]``,
    code points beyond U+FFFF written as UTF-16 surrogate pairs; code 0 (.notdef) shows none.
    A CMap holds at most 100 entries per block."""
    entries = list(map(str.__add__, map(_CODE_HEX.__getitem__, range(1, len(subset))),
                       map(_UNICODE_HEX.__getitem__, subset[1:])))
    blocks = []
    for at in range(0, len(entries), 100):
        chunk = entries[at:at + 100]
        blocks += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        "<< /Registry (Adobe)", "/Ordering (UCS)", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        "<0000> <FFFF>", "endcodespacerange", *blocks,
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


# reportlab's glyf composite-glyph flags (``reportlab.pdfbase.ttfonts``)
_MORE_COMPONENTS, _ARGS_ARE_WORDS, _SCALE, _XY_SCALE, _TWO_BY_TWO = 0x20, 0x01, 0x08, 0x40, 0x80


class _Glyph(NamedTuple):
    """A glyph as it goes into a subset (``_Subsetter``)."""

    data: bytes  # zero padded to a multiple of 4 bytes
    checksum: int
    components: tuple[tuple[int, int], ...]  # (where in data, glyph number) per component; () if simple
    renumber: bool  # a composite glyph whose component numbers are rewritten in a subset


#: A ``_Glyph``'s fields, read in C (a subset gathers them for hundreds of glyphs).
_GLYPH_DATA, _GLYPH_CHECKSUM, _GLYPH_RENUMBER = attrgetter("data"), attrgetter("checksum"), attrgetter("renumber")


class _Subsetter:
    """reportlab's TrueType subset (``TTFontFile.makeSubset``) of the characters of a composite
    font (``CidFont``), the same bytes but for the ``name`` table (its essential records only,
    ``sfnt.essential_names``), built faster: the glyphs are read in place from the font file
    (reportlab copies the whole glyf table, megabytes for a CJK face, for every subset), each
    glyph (its padded bytes, checksum and components) once per face, and so are the tables
    copied as they are and their checksums; the file's checksum is summed from the tables'
    (TrueType checksums add up). No read cursor is shared, so two documents may take subsets of
    one face at the same time."""

    COPIED = ("name", "OS/2", "cvt ", "fpgm", "prep")

    def __init__(self, face):
        self.face = face
        self.data = face._ttf_data
        self.glyf = face.get_table_pos("glyf")[0]
        self.tables = {tag: face.get_table(tag) for tag in self.COPIED + ("post", "hhea", "maxp", "head")
                       if tag in face.table}
        self.same = {tag: self.tables[tag] for tag in self.COPIED if tag in self.tables}  # in every subset
        if "name" in self.same:
            self.same["name"] = sfnt.essential_names(self.same["name"])
        self.same["post"] = b"\x00\x03\x00\x00" + self.tables["post"][4:16] + b"\x00" * 16
        self.sums = {tag: sfnt.checksum(data) for tag, data in self.same.items()}
        # by glyph number, read when a subset first takes the glyph (a CJK face has tens of
        # thousands, a document a few hundred: converting them all was a fiftieth of a cold start)
        self.advances = _Made(lambda glyph: int(face.hmetrics[glyph][0]))
        self.bearings = _Made(lambda glyph: int(face.hmetrics[glyph][1]))
        self.made: tuple[list | None, list[int]] = (None, [])  # the last subset's characters, their glyphs in it
        self.glyphs: dict[int, _Glyph] = {  # original glyph index → the glyph
            # a font converted in this process comes with its glyphs (simple ones: no components)
            index: _Glyph(glyph.padded, glyph.checksum_at(0), (), False)
            for index, glyph in enumerate(getattr(face, "converted_glyphs", ()))}

    def _read(self, index: int) -> _Glyph:
        """Glyph ``index`` of the face, read once. Its components are looked for as reportlab
        looks for them (in any glyph not empty) and renumbered as it renumbers them (in a
        glyph longer than 2 bytes)."""
        pos, data = self.face.glyphPos, self.data
        start, end = self.glyf + pos[index], self.glyf + pos[index + 1]
        raw = data[start:end]
        components = ()
        if end > start and struct.unpack_from(">h", data, start)[0] < 0:
            components = tuple((where - start, part) for where, part in _components(data, start + 10))
        glyph = self.glyphs[index] = _Glyph(raw + b"\0" * (-len(raw) % 4), sfnt.checksum(raw), components,
                                            len(raw) > 2 and bool(components))
        return glyph

    def glyphs_of(self, subset) -> list[int]:
        """The glyph of each code in the subset of ``subset`` (``_subset_glyphs``): as the
        subset just made of that list numbered them, else worked out again."""
        made = self.made
        return made[1] if made[0] is subset else _subset_glyphs(self.face, subset)

    def __call__(self, subset) -> bytes:
        face, glyphs, read = self.face, self.glyphs, self._read
        originals = _face_glyphs(face, subset)
        glyph_map = _glyph_order(originals)
        glyph_set = {original: i for i, original in enumerate(glyph_map)}
        parts = list(map(glyphs.get, glyph_map))
        if None in parts:  # glyphs not read before
            parts = [glyph or read(original) for glyph, original in zip(parts, glyph_map)]
        done = 0
        while composite := [glyph for glyph in parts[done:] if glyph.components]:
            done = len(parts)  # then the glyphs composite glyphs are made of, and theirs
            for glyph in composite:
                for _where, index in glyph.components:
                    if index not in glyph_set:
                        glyph_set[index] = len(glyph_map)
                        glyph_map.append(index)
                        parts.append(glyphs.get(index) or read(index))

        out = dict(self.same)
        count = len(glyph_map)
        advances = list(map(self.advances.__getitem__, glyph_map))
        bearings = list(map(self.bearings.__getitem__, glyph_map))
        long = len(advances) - 1  # the glyphs after the last advance that differs repeat it
        while long and advances[long] == advances[long - 1]:
            long -= 1
        long += 1
        metrics = [0] * (2 * long)
        metrics[0::2], metrics[1::2] = advances[:long], bearings[:long]
        out["hmtx"] = struct.pack(f">{long + count}H", *metrics, *bearings[long:])
        out["hhea"] = _set_ushort(self.tables["hhea"], 34, long)
        out["maxp"] = _set_ushort(self.tables["maxp"], 4, count)
        code_glyphs = list(map(glyph_set.__getitem__, originals))
        self.made = (subset, code_glyphs)  # the composite font's code → glyph map is this (``glyphs_of``)
        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset), *code_glyphs]
        out["cmap"] = struct.pack(f">{len(cmap)}H", *cmap)

        glyf = list(map(_GLYPH_DATA, parts))
        glyf_sum = sum(map(_GLYPH_CHECKSUM, parts))
        for at in compress(range(count), map(_GLYPH_RENUMBER, parts)):
            glyf[at] = _renumbered(parts[at], glyph_set)
            glyf_sum += sfnt.checksum(glyf[at]) - parts[at].checksum
        offsets = list(accumulate(map(len, glyf), initial=0))
        pos = offsets[-1]
        out["glyf"] = b"".join(glyf)
        if (pos + 1) >> 1 > 0xFFFF:
            loc_format, loca = 1, struct.pack(f">{len(offsets)}L", *offsets)
        else:
            loc_format, loca = 0, struct.pack(f">{len(offsets)}H", *[o >> 1 for o in offsets])
        out["loca"] = loca
        out["head"] = _set_ushort(self.tables["head"], 50, loc_format)  # its checksum adjustment set anew
        return sfnt.font_file(out, {**self.sums, "glyf": glyf_sum & 0xFFFFFFFF})


def _renumbered(glyph: _Glyph, glyph_set: dict[int, int]) -> bytes:
    """A composite glyph's bytes with its components' numbers in the subset."""
    data = glyph.data
    for where, index in glyph.components:
        data = _set_ushort(data, where, glyph_set[index])
    return data


def _components(data: bytes, at: int):
    """(where its glyph number is, the glyph number) of each component of the composite glyph
    whose component records start at ``at`` in ``data``."""
    flags = _MORE_COMPONENTS
    while flags & _MORE_COMPONENTS:
        flags, index = struct.unpack_from(">HH", data, at)
        yield at + 2, index
        at += 4
        at += 4 if flags & _ARGS_ARE_WORDS else 2
        at += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO else 0


def _set_ushort(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + struct.pack(">H", value) + data[at + 2:]


class Face:
    """A face registered with reportlab, loaded from ``load`` (the font file, or for a CFF
    face the TrueType subset of the characters a document uses)."""

    def __init__(self, load: str, index: int, source: fonts.FaceMetrics, ident: str, folder):
        from reportlab.pdfbase import pdfmetrics

        patch_reportlab()
        digest = hashlib.sha1(ident.encode()).hexdigest()[:10]  # the same name wherever the cache is
        self.name = f"F{digest}"
        self.source = source
        try:
            font = embeddable.reportlab_font(self.name, load, index, folder)
        except Exception as exc:
            raise RenderError(f"cannot load font {source.path} (face {source.index}): {exc}") from None
        font.face.makeSubset = _Subsetter(font.face)
        pdfmetrics.registerFont(font)
        self.font = font
        self.users = 0  # documents being rendered with it (a converted subset is not let go then)
        self.chars = None if source.outline == "glyf" else frozenset(font.face.charToGlyph)


class _Codes(dict):
    """Character → its code in a composite font, as the text of a PDF literal string: a code is
    two bytes, big-endian, written as reportlab's ``escapePDF`` writes bytes (a backslash before
    a parenthesis or backslash, an octal escape outside printable ASCII). ``str.translate`` asks
    for each character of a text in turn, so a character met for the first time gets the next
    code right there, in the order the document draws characters. A no-break space is drawn as
    a space."""

    def __init__(self):
        super().__init__()
        self.chars: list[int] = [0]  # code → character (code 0: .notdef)

    def __missing__(self, point: int) -> str:
        code = len(self.chars)
        if code > 0xFFFE:  # a font holds at most 65,535 glyphs, .notdef one of them
            raise RenderError(f"more than {0xFFFE} characters in one face: more than a font holds")
        found = self[point] = _CODE_LITERAL[code]
        self.chars.append(32 if point == 0xA0 else point)
        return found


@lru_cache(maxsize=1)
def _escaped_bytes() -> tuple[str, ...]:
    """Each byte as ``escapePDF`` writes it, which writes a string of bytes byte by byte."""
    from reportlab.lib.rl_accel import escapePDF

    return tuple(escapePDF(bytes([b])) for b in range(256))


#: A code's two bytes as a literal string's text (``_Codes``).
_CODE_LITERAL = _Made(lambda code: _escaped_bytes()[code >> 8] + _escaped_bytes()[code & 0xFF])


class CidFont:
    """A face as one composite font of a document (Type0, Identity-H encoding, over a
    CIDFontType2 of the face's glyphs): every character a code of two bytes, numbered in the
    order the document first draws it (code 0 is .notdef), so a line is one string in one font
    however many characters the document uses. At ``addObjects`` (reportlab calls it when the
    file is written) the font file is the subset of those characters (``_Subsetter``) and the
    widths, the code → glyph map and the ToUnicode map are written for them."""

    def __init__(self, font, doc):
        self.font = font
        self.code = _Codes()  # character → its code, as a character (``str.translate`` numbers new ones)
        self.chars = self.code.chars  # code → character (code 0: .notdef)
        self.name = f"FC{len(doc.fontMapping) + 1}"
        doc.fontMapping[font.fontName] = "/" + self.name
        doc.delayedFonts.append(self)

    def literal(self, text: str) -> str:
        """``text`` as the font's codes, the text of a PDF literal string (``_Codes``)."""
        return text.translate(self.code)

    def addObjects(self, doc) -> None:  # noqa: N802 (reportlab's name)
        from reportlab.pdfbase import pdfdoc

        face, chars = self.font.face, self.chars
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha1(repr(chars).encode()).digest()[:6])
        base = f"{tag}+{face.name.decode('latin-1')}{face.subfontNameX.decode('latin-1')}"
        descriptor = face.addSubsetObjects(doc, base, chars)
        glyphs = face.makeSubset.glyphs_of(chars)
        if glyphs == list(range(len(chars))):
            to_glyph = pdfdoc.PDFName("Identity")
        else:
            mapping = pdfdoc.PDFStream(content=struct.pack(f">{len(glyphs)}H", *glyphs), filters=[pdfdoc.PDFZCompress])
            to_glyph = doc.Reference(mapping, f"cidToGidMap:{base}")
        widths = list(map(face.charWidths.get, chars[1:], repeat(face.defaultWidth)))  # ``getCharWidth`` of each
        cid_font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"), "Subtype": pdfdoc.PDFName("CIDFontType2"),
            "BaseFont": pdfdoc.PDFName(base),
            "CIDSystemInfo": pdfdoc.PDFDictionary({"Registry": pdfdoc.PDFString("Adobe"),
                                                   "Ordering": pdfdoc.PDFString("Identity"), "Supplement": 0}),
            "FontDescriptor": descriptor, "DW": face.defaultWidth,
            "W": pdfdoc.PDFArray(_cid_widths(widths, 1)), "CIDToGIDMap": to_glyph,
        })
        unicode_map = pdfdoc.PDFStream(content=_to_unicode_cmap(base, chars), filters=[pdfdoc.PDFZCompress])
        font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"), "Subtype": pdfdoc.PDFName("Type0"), "BaseFont": pdfdoc.PDFName(base),
            "Encoding": pdfdoc.PDFName("Identity-H"),
            "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font, f"cidFont:{base}")]),
            "ToUnicode": doc.Reference(unicode_map, f"toUnicodeCMap:{base}"),
        })
        doc.idToObject["BasicFonts"].dict[self.name] = doc.Reference(font, self.name)


def _cid_widths(widths: list[float], first: int) -> list:
    """A CIDFont's ``W`` array for codes ``first`` on: a run of codes of one width as
    ``c_first c_last w`` (a CJK face's characters are mostly one width), the others as
    ``c [w …]``."""
    from reportlab.pdfbase.pdfdoc import PDFArray

    out: list = []
    loose: list[float] = []  # widths waiting to be written as c [w …]
    code = first
    for width, run in groupby(widths):
        count = len(list(run))
        if count > 2:
            if loose:
                out += [code - len(loose), PDFArray(loose)]
                loose = []
            out += [code, code + count - 1, width]
        else:
            loose += [width] * count
        code += count
    if loose:
        out += [code - len(loose), PDFArray(loose)]
    return out


def _subset_glyphs(face, chars: list[int]) -> list[int]:
    """The glyph of each code in the subset ``_Subsetter`` makes of ``chars``."""
    originals = _face_glyphs(face, chars)
    numbered = {original: i for i, original in enumerate(_glyph_order(originals))}
    return [numbered[original] for original in originals]


def _face_glyphs(face, chars) -> list[int]:
    """The face's glyph of each character (0, .notdef, for one it lacks)."""
    return list(map(face.charToGlyph.get, chars, repeat(0)))


def _glyph_order(originals: list[int]) -> list[int]:
    """The first glyphs of a subset: glyph 0, then each of ``originals`` once, in order (the
    glyphs composite glyphs are made of follow)."""
    return list(dict.fromkeys([0, *originals]))


_lock = threading.Lock()  # loading and registering a face
_faces: dict[tuple[str, int], Face] = {}  # font files, once per process
#: The subsets of CFF faces converted for character sets: at most ``SUBSET_FACES_KEPT``, those
#: used last, more only while documents being rendered use them. Nearly every page of an
#: archive has a set of its own, and kept for good (in reportlab's registry too) they grew a
#: batch worker by half a megabyte a page.
_subset_faces: OrderedDict[tuple[str, int], Face] = OrderedDict()
SUBSET_FACES_KEPT = 16


def load_face(load: str, index: int, source: fonts.FaceMetrics, ident: str, settings) -> Face:
    """The face of font file ``load``, loaded once per process (its reading kept in the
    settings' font cache)."""
    with _lock:
        key = (load, index)
        if key not in _faces:
            _faces[key] = Face(load, index, source, ident, fonts.cache_dir(settings))
        return _faces[key]


def load_subset_face(load: str, source: fonts.FaceMetrics, ident: str) -> Face:
    """The face of the converted subset ``load`` for a document being rendered, which lets it
    go when done (``release``)."""
    with _lock:
        key = (load, 0)
        found = _subset_faces.get(key)
        if found is None:
            # reportlab's reading of a document's own small font is not kept on disk: parsing
            # it costs what writing it would, and it would be one more file per document
            found = _subset_faces[key] = Face(load, 0, source, ident, None)
        else:
            _subset_faces.move_to_end(key)
        found.users += 1
        return found


def release(faces) -> None:
    """A document done with the converted subsets ``faces``: beyond ``SUBSET_FACES_KEPT``, the
    faces no document uses are let go, those used longest ago first, in reportlab's registry
    too."""
    from reportlab.pdfbase import pdfmetrics

    with _lock:
        for face in faces:
            face.users -= 1
        unused = [key for key, face in _subset_faces.items() if not face.users]
        for key in unused[:max(len(_subset_faces) - SUBSET_FACES_KEPT, 0)]:
            font = _subset_faces.pop(key).font
            # ``registerFont`` has no inverse: its name and face entries are what hold the font
            pdfmetrics._fonts.pop(font.fontName, None)
            if pdfmetrics._dynFaceNames.get(font.face.name) is font:
                del pdfmetrics._dynFaceNames[font.face.name]


def loaded_faces() -> dict[tuple[str, int], Face]:
    """The faces this process holds, by file and face index: font files and converted subsets."""
    with _lock:
        return {**_faces, **_subset_faces}
