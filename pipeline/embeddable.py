"""Faces the PDF writer can embed: what reportlab's parser reads of a TrueType face, kept on
disk (``reportlab_font``), and a CFF-outline face's characters converted to TrueType outlines,
which reportlab embeds where it cannot embed CFF ones (``truetype_subset``).

The faces themselves are found, resolved and measured by ``pipeline.fonts``; this module
takes a face it chose. A CFF face (Noto/Source Han CJK, Fandol) is converted a character set
at a time: its glyph names, character map and metrics are read once and kept on disk
(``CffOutlines``), each glyph converted once per machine and kept in a store on disk
(``glyph_store``), the font of a character set assembled table by table, of tables ``sfnt``
makes, and kept in the font cache (``prune_converted`` keeps it from growing without end).
A font this process just converted is handed to ``reportlab_font`` as the conversion computed
it, so its file is not parsed again.

Only ``reportlab_reading`` and ``reportlab_font`` import reportlab.
"""
from __future__ import annotations

import copy
import hashlib
import io
import logging
import mmap
import os
import struct
import threading
import time
import weakref
from array import array
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import NamedTuple

from . import sfnt
from .errors import RenderError
from .fonts import cache_dir, disk_memo
from .fsio import write_atomic
from .glyph_store import STORE_VERSION, GlyphStore

CONVERT_VERSION = 4
LOG = logging.getLogger("pipeline.fonts")

#: What reportlab's face parser sets that is not kept: the file's bytes and name, and a scale
#: function (made again from ``unitsPerEm``).
#: Attributes of reportlab's face not kept on disk: the file's bytes and name and the scale,
#: set afresh; and glyph → characters (half of what a CJK face's data takes to read back),
#: which besides the parser only reportlab's text shaping reads: the fonts made here are
#: marked unshaped, the writer drawing its own text objects.
_UNKEPT = ("_ttf_data", "filename", "_pdfScale", "glyphToChar")
MAPPED_FROM = 1 << 20  # bytes: a font file this large is mapped into memory, a smaller one read


def reportlab_reading(source) -> tuple[dict[str, str], dict]:
    """What reportlab's parser reads of a TrueType font (``TTFontFace``: a file's path, or a
    file object): its names (as text) and its other attributes, less those a face is given
    afresh (``_UNKEPT``)."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFontFace

    path, index = source if isinstance(source, tuple) else (source, 0)
    attrs = vars(TTFontFace(path, subfontIndex=index))
    names = {k: v.ustr for k, v in attrs.items() if isinstance(v, TTFNameBytes)}
    return names, {k: v for k, v in attrs.items() if k not in names and k not in _UNKEPT}


def reportlab_font(name: str, load: str, index: int, folder):
    """reportlab's ``TTFont(name, load, subfontIndex=index)``. What its parser reads from
    the file (the character map, advance widths and glyph offsets of every glyph: about a
    tenth of a second for a CJK face) is kept on disk under ``folder`` and set on a face
    made without parsing; a font this process just converted (``truetype_subset``) comes
    with it (``CffOutlines.converted``). A test holds the result equal to reportlab's own."""
    import reportlab
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

    with _convert_lock:
        converted = _readings.pop(load, None) if index == 0 else None
    names, plain = converted.reading if converted else disk_memo(
        folder, "rlface", load, f"{index}|{reportlab.Version}", partial(reportlab_reading, (load, index)))
    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    vars(face).update(plain)
    vars(face).update({k: TTFNameBytes(v.encode("utf-8")) for k, v in names.items()})
    # A large file is mapped, not read: a CJK face is 10-20 MB, of which a document's subset
    # reads a few hundred glyphs (reading it all was a fortieth of a second of a cold
    # conversion). Every reader of ``_ttf_data`` slices it or unpacks from it, which a map
    # answers too. A small one (a document's converted subset) is read: a map holds a file
    # descriptor for as long as the face lives.
    # A converted face comes with its bytes and glyphs as the conversion made them (the PDF's
    # subsetter, ``writers.pdffonts._Subsetter``, takes the glyphs).
    if converted:
        face._ttf_data, face.converted_glyphs = converted.data, converted.glyphs
    else:
        with open(load, "rb") as file:
            large = os.fstat(file.fileno()).st_size >= MAPPED_FROM
            face._ttf_data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) if large else file.read()
    face.filename = load
    scale = 1000 / face.unitsPerEm
    face._pdfScale = (lambda x: x) if face.unitsPerEm == 1000 else (lambda x: x * scale)
    font = TTFont.__new__(TTFont)  # the attributes TTFont.__init__ sets, with this face
    font.fontName, font.face, font.encoding = name, face, TTEncoding()
    font.state = weakref.WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = False  # no glyphToChar (``_UNKEPT``): never shaped
    return font


# --- CFF → TrueType -----------------------------------------------------------------------

_convert_lock = threading.Lock()
#: Each font ``truetype_subset`` converted in this process and no face loaded yet, by file:
#: the face is set from what it knows of it without parsing the file (``reportlab_font``).
_readings: dict[str, Converted] = {}
READINGS_KEPT = 8


class Converted(NamedTuple):
    """A font converted of a CFF face (``CffOutlines.converted``)."""

    data: bytes  # the font file
    reading: tuple[dict, dict]  # what reportlab's parser reads of it (``reportlab_reading``)
    glyphs: tuple[sfnt.ConvertedGlyph, ...]  # by glyph number


def truetype_subset(path: str, index: int, chars: str, settings=None) -> Path:
    """A TrueType-outline font holding the glyphs of ``chars`` from CFF face ``index`` of
    ``path`` (reportlab embeds TrueType outlines only), kept on disk by character set. The
    face is opened once per process (``CffOutlines``) and each glyph converted once per
    machine (kept in the font cache's glyph store, ``glyph_store``), so a document whose
    characters are new costs the build of a small font, where converting a whole CJK font
    takes 20–40 s and fontTools' subsetter a fifth of a second a document."""
    st = os.stat(path)
    wanted = "".join(sorted(set(chars) | {" "}))
    digest = hashlib.sha256(f"{_face_ident(path, index, st)}|{wanted}".encode()).hexdigest()[:16]
    target = cache_dir(settings) / "ttf" / f"{Path(path).stem}-{index}-{digest}.ttf"
    with _convert_lock:
        try:
            os.utime(target)  # used now: the pruning removes the fonts unused longest
            return target
        except FileNotFoundError:
            pass
        except OSError:  # a read-only cache
            if target.is_file():
                return target
        LOG.debug("converting %d characters of %s (face %d) to TrueType outlines", len(wanted), path, index)
        outlines = _cff_outlines(os.path.abspath(path), index, st.st_size, st.st_mtime_ns, str(cache_dir(settings)))
        converted = outlines.converted(wanted, glyph_store(path, index, settings))
        write_atomic(target, converted.data)
        _readings[str(target)] = converted
        while len(_readings) > READINGS_KEPT:  # built but never loaded (not by a PDF)
            del _readings[next(iter(_readings))]
        if int(digest, 16) % PRUNE_EVERY == 0:  # about one write in PRUNE_EVERY, whatever process makes it
            prune_converted(target.parent, CONVERTED_KEPT)
    return target


def glyph_store(path: str, index: int, settings=None) -> GlyphStore:
    """The store of face ``index`` of ``path``'s converted glyphs in the font cache: one per
    face file as it is (path, size, time) and per fontTools and conversion version."""
    digest = hashlib.sha256(f"{_face_ident(path, index, os.stat(path))}|{STORE_VERSION}".encode()).hexdigest()[:16]
    return GlyphStore(cache_dir(settings) / "glyphs" / f"{Path(path).stem}-{index}-{digest}.sqlite")


def _face_ident(path: str, index: int, st: os.stat_result) -> str:
    """What a face's conversion depends on: the file as it is, fontTools and the conversion."""
    import fontTools

    return f"{os.path.abspath(path)}|{index}|{st.st_size}|{st.st_mtime_ns}|{fontTools.version}|{CONVERT_VERSION}"


#: How many fonts converted for a character set the font cache keeps (those used last): nearly
#: every page of an archive has a set of its own, and a font is made again in milliseconds.
CONVERTED_KEPT = 2000
#: About one conversion in this many prunes the kept fonts.
PRUNE_EVERY = 100
#: A font used this recently (seconds) is never removed: another process may be loading it.
PRUNE_UNUSED_FOR = 3600


def prune_converted(folder: Path, keep: int) -> None:
    """The ``keep`` ``.ttf`` files of ``folder`` used last (by modification time, which a use
    sets) kept, and any other one unused for ``PRUNE_UNUSED_FOR`` seconds removed; a file
    another process removes first is no error."""
    found = []
    oldest_kept = time.time_ns() - PRUNE_UNUSED_FOR * 10**9
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".ttf"):
                    try:
                        found.append((entry.stat().st_mtime_ns, entry.path))
                    except OSError:
                        pass
    except OSError:
        return
    for mtime, path in sorted(found, reverse=True)[keep:]:
        if mtime < oldest_kept:
            try:
                os.unlink(path)
            except OSError:
                pass


#: The greatest distance, in font units, between a cubic curve of a CFF glyph and the
#: quadratic splines that replace it.
MAX_CONVERSION_ERROR = 1.0
class CffOutlines:
    """A CFF-outline face open for converting: its character map, glyph names and metrics
    read once (kept on disk under ``folder``: reading them is a third of a second for a CJK face,
    in every process), its outlines only when a glyph has to be converted, and each glyph's
    TrueType (quadratic) outline made once, when a document first sets it.
    ``truetype(chars)`` builds a TrueType font of those characters' glyphs."""

    def __init__(self, path: str, index: int, folder: str | None = None):
        import fontTools

        self.path, self.index = path, index
        kept = partial(disk_memo, Path(folder) if folder else None)
        face = kept("cffface", path, f"{index}|{fontTools.version}|{CFF_FACE_FORMAT}",
                    lambda: _cff_face_data(self.font))
        self.names: list[str] = face["names"].split("\0")  # glyph number → name
        self.bmp = _array("H", face["bmp"])  # character of the BMP → glyph number, NO_GLYPH if none
        self.beyond: dict[int, int] = face["beyond"]  # character beyond the BMP → glyph number
        # variation sequences: selector → [(character, its glyph number, None for the default one)]
        self.variants: dict[int, list] = face["variants"]
        self.advances = _array("H", face["advances"])  # by glyph number
        self.side_bearings = _array("h", face["side_bearings"])
        self.tables: dict = face["tables"]  # what every font converted of it takes from it
        self.converted_glyphs: dict[str, sfnt.ConvertedGlyph] = {}  # glyph name → its TrueType glyph
        self._template: tuple[dict, dict] | None = None  # reportlab's reading of a font of a space

    def glyphs_of(self, points) -> dict[int, int]:
        """The glyph number of each of the characters ``points`` the face maps."""
        bmp, beyond = self.bmp, self.beyond
        found = {point: glyph for point in points if point <= 0xFFFF and (glyph := bmp[point]) != NO_GLYPH}
        found.update((point, beyond[point]) for point in points if point in beyond)
        return found

    @cached_property
    def font(self):
        """The face's font file, opened when what is kept on disk of it is not enough: to read
        it the first time, or to convert a glyph. It is read lazily through a map of the file,
        so a process forked after it was opened (a batch's forkserver warms up on a fresh
        machine) reads at positions of its own: through the file's descriptor, two workers
        would share one and read each other's bytes. Closed when these outlines are let go
        (a process's cache keeps a few), not left open for the collector to find."""
        from fontTools.ttLib import TTFont

        with open(self.path, "rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            font = TTFont(mapped, fontNumber=self.index if sfnt.is_collection(self.path) else -1, lazy=True,
                          recalcTimestamp=False)
        except Exception:
            mapped.close()
            raise
        if "CFF " not in font:
            font.close()
            raise RenderError(f"{self.path}: face {self.index} has no CFF outlines to convert")
        weakref.finalize(self, font.close)
        return font

    @cached_property
    def glyph_set(self):
        """The face's outlines (fontTools reads the CFF's charset and index when first asked)."""
        return self.font.getGlyphSet()

    def glyphs(self, names: list[str], store: GlyphStore | None = None) -> dict[str, sfnt.ConvertedGlyph]:
        """The TrueType outlines of glyphs ``names``, each converted once: kept in this
        process, and in ``store`` for other processes."""
        missing = [name for name in names if name not in self.converted_glyphs]
        if missing:
            made = store.exchange(missing, self._convert) if store else {name: self._convert(name) for name in missing}
            self.converted_glyphs.update((name, sfnt.ConvertedGlyph(data)) for name, data in made.items())
        return {name: self.converted_glyphs[name] for name in names}

    def _convert(self, name: str) -> bytes:
        """Glyph ``name`` in TrueType (quadratic) outline, compiled."""
        from fontTools.pens.cu2quPen import Cu2QuPen
        from fontTools.pens.ttGlyphPen import TTGlyphPen

        pen = TTGlyphPen(self.glyph_set)
        self.glyph_set[name].draw(Cu2QuPen(pen, MAX_CONVERSION_ERROR, reverse_direction=True))
        return pen.glyph().compile(None)

    def truetype(self, chars: str, store: GlyphStore | None = None) -> bytes:
        """The bytes of the TrueType font of ``chars`` (``converted``)."""
        return self._build(chars, store)[0]

    def converted(self, chars: str, store: GlyphStore | None = None) -> Converted:
        """The TrueType font of ``chars`` (``Converted``): its bytes, what reportlab's parser
        reads of them (``reportlab_reading``), computed from the font's parts instead of
        parsing it (a page's font took reportlab 6 ms to parse): the face's attributes that
        every such font shares from reportlab's reading of one (of a space, once per
        process), the rest (names, bounds, character map, widths, metrics, glyph offsets,
        table directory) as its parser reads them; and its glyphs. A test holds the reading
        equal to reportlab's."""
        data, parts = self._build(chars, store)
        if self._template is None:
            self._template = reportlab_reading(io.BytesIO(self._build(" ", store)[0]))
        return Converted(data, _reading_of(self._template, data, parts), tuple(parts["glyphs"]))

    def _build(self, chars: str, store: GlyphStore | None) -> tuple[bytes, dict]:
        """The bytes of a TrueType font of the glyphs of ``chars`` (and .notdef) in the face's
        glyph order, with the face's header, metrics, OS/2 table and essential names; its
        PostScript name tagged with the characters (reportlab takes fonts of one name for one
        font). The same bytes for the same characters. The glyphs are those fontTools'
        subsetter keeps for them: with each character's mirror image (《 brings 》) and the
        glyph of each variation sequence the characters hold. Glyphs not yet converted in
        this process are taken from ``store`` or converted and added to it.

        The file is the one fontTools' ``FontBuilder`` saves (``reorderTables``) of these
        glyphs, the face's ``head``, ``hhea`` and ``OS/2`` tables with the figures it
        recalculates from the glyphs, a ``maxp`` of version 1.0 (one zone), a ``post`` of
        format 3, the character map and the name records, assembled here table by table:
        fontTools' own build took 3 ms for a few dozen characters and 15 ms for a page's
        six hundred, mostly in its general machinery. A test holds the two to the same bytes."""
        from fontTools.unicodedata import mirrored

        wanted = set(map(ord, chars))
        wanted |= {mirror for mirror in map(mirrored, wanted) if mirror is not None}
        mapped = self.glyphs_of(wanted)
        sequences = {glyph for selector in wanted & self.variants.keys()
                     for point, glyph in self.variants[selector] if point in wanted and glyph is not None}
        numbers = sorted({0, *mapped.values(), *sequences})  # glyph 0 is .notdef
        glyphs = self.glyphs([self.names[number] for number in numbers], store)
        parts = list(glyphs.values())
        # the face's own advances and side bearings, as the subsetter left them: not the
        # converted outline's xMin, which a glyph compiled for an earlier document carries,
        # so that a document's bytes never depend on the documents converted before it
        advances = [self.advances[number] for number in numbers]
        bearings = [self.side_bearings[number] for number in numbers]
        new_number = {number: i for i, number in enumerate(numbers)}
        character_map = {point: new_number[number] for point, number in mapped.items()}
        tag = hashlib.sha1(chars.encode()).hexdigest()[:8].upper()
        glyf, glyf_sum, loca, loca_format, offsets = sfnt.glyf_and_loca(parts)
        metrics, metrics_count = sfnt.hmtx_table(advances, bearings)
        outlined = [(glyph, advance, bearing) for glyph, advance, bearing in zip(parts, advances, bearings)
                    if glyph.contours]
        face = self.tables
        tables = {
            "head": sfnt.head_table(face["head"], outlined, loca_format),
            "hhea": sfnt.hhea_table(face["hhea"], outlined, max(advances), metrics_count),
            "maxp": sfnt.maxp_table(parts),
            "OS/2": sfnt.os2_table(face, set(character_map)),
            "hmtx": metrics,
            "cmap": sfnt.cmap_table(character_map),
            "loca": loca,
            "glyf": glyf,
            "name": sfnt.name_table(face["names"], tag),
            "post": face["post"],
        }
        parts = {"glyphs": parts, "character map": character_map, "advances": advances, "bearings": bearings,
                 "metrics count": metrics_count, "loca format": loca_format, "offsets": offsets, "tag": tag,
                 "bounds": struct.unpack_from(">4h", tables["head"], 36)}
        return sfnt.font_file(tables, {"glyf": glyf_sum}, order=sfnt.truetype_order(tables)), parts

def _reading_of(template: tuple[dict, dict], data: bytes, parts: dict) -> tuple[dict, dict]:
    """reportlab's reading (``reportlab_reading``) of converted font ``data`` of one face,
    from reportlab's reading of another font of that face (``template``) and the parts the
    font was built of: its PostScript name tagged anew, and the attributes reportlab reads
    from the tables that differ font by font, as its parser reads them: the last Windows
    character map (format 12 when a character lies beyond the BMP, else format 4, whose
    closing segment maps U+FFFF to .notdef), the no-break space given the space's glyph, each
    glyph's advance after the last full metric repeated (scaled, as reportlab repeats it)."""
    names, plain = template
    units = plain["unitsPerEm"]
    scale = (lambda x: x) if units == 1000 else (lambda x, ratio=1000 / units: x * ratio)
    character_map, advances, bearings = parts["character map"], parts["advances"], parts["bearings"]
    count = parts["metrics count"]
    ps_name = names["name"]
    old_tag = ps_name.rsplit("-", 1)[1]
    new_name = ps_name[:len(ps_name) - len(old_tag)] + parts["tag"]
    to_glyph = dict(sorted(character_map.items()))
    if not to_glyph or max(to_glyph) <= 0xFFFF:
        to_glyph[0xFFFF] = 0
    widths = {point: scale(advances[glyph]) for point, glyph in to_glyph.items()}
    if 0x20 in to_glyph:
        to_glyph[0xA0], widths[0xA0] = to_glyph[0x20], widths[0x20]
    elif 0xA0 in to_glyph:
        to_glyph[0x20], widths[0x20] = to_glyph[0xA0], widths[0xA0]
    last = scale(advances[count - 1])
    metrics = [(advance, bearing & 0xFFFF) for advance, bearing in zip(advances[:count], bearings[:count])]
    metrics += [(last, bearing & 0xFFFF) for bearing in bearings[count:]]
    tables = []
    for i in range(struct.unpack_from(">H", data, 4)[0]):
        tag, checksum, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
        tables.append({"tag": tag.decode("latin-1"), "checksum": checksum, "offset": offset, "length": length})
    table = {entry["tag"]: entry for entry in tables}
    loca_entry = 2 if parts["loca format"] == 0 else 4
    return ({key: new_name if value == ps_name else value for key, value in names.items()}, {
        **plain,
        "bbox": list(map(scale, parts["bounds"])),
        "charToGlyph": to_glyph,
        "charWidths": widths,
        "defaultWidth": scale(advances[0]),
        "hmetrics": metrics,
        "glyphPos": parts["offsets"],
        "numGlyphs": len(advances),
        "table": table,
        "tables": tables,
        "_pos": table["loca"]["offset"] + loca_entry * (len(advances) + 1),
    })


def _face_tables(font) -> dict:
    """What every font converted of a CFF face takes from it, as plain data: its ``head``
    (glyph data format 0), ``hhea`` and ``OS/2`` tables as fontTools writes them (the figures
    a font recalculates are set per font; an ``OS/2`` of version 0 becomes one of version 1,
    as fontTools makes it when it sets the code pages), the ``OS/2`` table's Unicode range and
    code page bits, a ``post`` table of format 3 with the face's italic angle, underline and
    pitch, and the name records kept (``sfnt.ESSENTIAL_NAME_IDS``): by (platform, encoding,
    language, name), the text and its encoding. Kept on disk: reading them takes fontTools'
    table modules, a twentieth of a second to import."""
    from types import SimpleNamespace

    from fontTools.ttLib import newTable

    as_is = SimpleNamespace(recalcBBoxes=False, recalcTimestamp=False)  # compile without recalculating
    head = copy.copy(font["head"])
    head.glyphDataFormat = 0
    os2 = copy.copy(font["OS/2"])
    code_pages = os2.getCodePageRanges()
    os2.setCodePageRanges(code_pages)
    source_post = font["post"]
    post = newTable("post")
    post.formatType = 3.0
    post.italicAngle, post.underlinePosition = source_post.italicAngle, source_post.underlinePosition
    post.underlineThickness, post.isFixedPitch = source_post.underlineThickness, source_post.isFixedPitch
    post.minMemType42 = post.maxMemType42 = post.minMemType1 = post.maxMemType1 = 0
    names = {}
    for record in font["name"].names:  # a record set twice keeps its place and its last text
        if record.nameID in sfnt.ESSENTIAL_NAME_IDS:
            key = (record.platformID, record.platEncID, record.langID, record.nameID)
            names[key] = (record.toUnicode(), record.getEncoding())
    return {
        "head": head.compile(as_is),
        "hhea": copy.copy(font["hhea"]).compile(as_is),
        "OS/2": os2.compile({}),  # no font: nothing else of it is read or checked
        "unicode ranges": sorted(os2.getUnicodeRanges()),
        "code pages": sorted(code_pages),
        "post": post.compile(None),
        "names": names,
    }


#: The form ``_cff_face_data`` keeps a face's data in (a new form is read afresh).
CFF_FACE_FORMAT = 2
#: No glyph, in a face's character map kept as an array (a face has at most 65,535 glyphs:
#: glyph numbers run to 65,534).
NO_GLYPH = 0xFFFF


def _array(kind: str, data: bytes) -> array:
    found = array(kind)
    found.frombytes(data)
    return found


def _cff_face_data(font) -> dict:
    """What converting needs of a CFF face besides its outlines, as plain data kept compact
    (a new process reads it back in a fifth of the time lists and a dictionary of tens of
    thousands of numbers and names took): the glyph names in order (joined by NUL), the
    character map (an array of the BMP's characters' glyph numbers, ``NO_GLYPH`` where none,
    and a dictionary beyond it), the variation sequences, the horizontal metrics (arrays
    by glyph number) and what a font converted of it takes from it (``_face_tables``)."""
    names = font.getGlyphOrder()
    number = {name: i for i, name in enumerate(names)}
    metrics = font["hmtx"].metrics
    sequences = next((t.uvsDict for t in font["cmap"].tables if t.format == 14), {})
    cmap = font.getBestCmap() or {}
    bmp = array("H", [NO_GLYPH]) * 0x10000
    for point, name in cmap.items():
        if point <= 0xFFFF:
            bmp[point] = number[name]
    return {
        "names": "\0".join(names),
        "bmp": bmp.tobytes(),
        "beyond": {point: number[name] for point, name in cmap.items() if point > 0xFFFF},
        "variants": {selector: [(point, None if name is None else number[name]) for point, name in pairs]
                     for selector, pairs in sequences.items()},
        "advances": array("H", (metrics[name][0] for name in names)).tobytes(),
        "side_bearings": array("h", (metrics[name][1] for name in names)).tobytes(),
        "tables": _face_tables(font),
    }


@lru_cache(maxsize=4)
def _cff_outlines(path: str, index: int, size: int, mtime_ns: int, folder: str | None = None) -> CffOutlines:
    """The face ``index`` of ``path`` open for converting, once per process (``size`` and
    ``mtime_ns``: a changed file is opened afresh), what it reads kept under ``folder``."""
    return CffOutlines(path, index, folder)
