"""The DOCX writer: the IR as an editable Word document in the GB/T 9704 official-document layout.

Looks come from a reference document (``templates/reference.docx``, or the user's own via
``settings.docx.reference_docx``, read by ``pipeline.templates``), as with pandoc: its styles,
page setup and footers are kept, its body is replaced. The writer only names styles and
prints what the IR holds, through the shared views (``writers.views``):

- the title is ``Title`` (broken into balanced lines); each front-matter field line
  (``发布机构：…``) is a ``Front Matter`` paragraph under it, centred when it fits on one
  line; the blank line that follows the title block follows the last of them;
- a section's heading is ``Heading 1``…``Heading 4`` by its level (deeper levels use
  ``Heading 4``), so Word's navigation pane shows the outline; its text starts with the label
  from the IR (``一、`` ``（一）`` ``1.`` ``（1）``);
- body paragraphs are ``Normal`` (first line indented two characters by the style); inline
  enumeration labels (一是…) are part of the text; a paragraph the IR aligns right (a
  signature and date block) or centres is set so, without the indent;
- an attachment starts a page (``pageBreakBefore``): its 附件 line is ``Attachment`` (黑体,
  flush left, a blank line under it), each line of its title ``Attachment Title`` (as
  ``Title``; ``contextualSpacing`` keeps the blank line under the last line only), the
  附件 line at outline level 1 and the attachment's headings a level under it (Word's
  navigation pane, as the PDF's outline); the
  attachment note at the end of the main text is ``Attachment Note`` (a blank line above its
  first line only), each line with the hanging indent the IR gives it; the signature block
  (落款) is ``Signature`` (right-aligned, a blank line above its first line), each line
  standing in from the right margin as the IR's ``inset`` says, the organ's lines and the
  paragraph before them ``keepNext`` (no page holds the signature alone), and so the date
  when a 附注 follows it;
- a run-in head becomes a heading paragraph followed by its body (``docx.runin: split``) or
  stays in the paragraph as a ``Run-in Heading N`` span (``keep``);
- tables are Word tables (``Table Grid``, cells ``Table Text``/``Table Heading``) drawn from
  the IR's grid as it stands: ``cols`` grid columns, every row covering all of them, merges as
  ``gridSpan``/``vMerge``, the header rows repeated on each page; list entries are ``List
  Paragraph`` with their label in the text; a figure's picture (from the IR's ``<pictures>``)
  is embedded in a ``Figure`` paragraph with its alt text as a ``Caption`` line under it, and
  a figure without one prints its placeholder (``[图：alt]``) as a ``Figure`` line.

With ``docx.numbering: native`` the heading styles are bound to a Word numbering definition
(``chineseCounting`` ``%1、`` / ``（%2）``, decimal ``%3.`` / ``（%4）``) and the label is left
out of the heading text; a heading whose IR label the numbering would not reproduce (a gap,
a restart, an unnumbered or deeper heading) keeps its literal label and is taken out of the
list, so the rendered labels are always the IR's.

A user's reference document is taken as its program wrote it and made valid where that is
not (``ooxml.normalize_package``: children out of schema order as LibreOffice and WPS write
some, Word's ``w:zoom`` without a percentage; a .dotx or .dotm made a document); what the
writer adds goes where the ECMA-376 schema allows (``ooxml.insert_child``: a new ``w:num``
before Word's ``w:numIdMacAtCleanup``), and the settings name Word 2013's layout
(``compatibilityMode`` 15) so Word does not open the file in compatibility mode. Every part is
valid against the ECMA-376 transitional schemas (``tests/test_docx_schema.py``).

The reference document is opened and set up (styles, faces, numbering, Word's settings) once
per process, template bytes, faces and numbering mode (``_Template``); a document copies its
main part and package and shares the parts it only reads. Its parts are taken from
python-docx's package and zipped once (``deterministic_zip``); the shared parts are written out
and deflated once per template, so a document deflates only what it changed.

The text read back from the document (paragraphs and table rows, front matter excluded) is
``writers.text.body_lines``. Output is deterministic: fixed zip entry times and order, and
core-property dates from the report's date or ``SOURCE_DATE_EPOCH``.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import re
import struct
import unicodedata
import zipfile
import zlib
from functools import lru_cache
from typing import Mapping, NamedTuple
from urllib.parse import quote

from lxml import etree

from .. import fonts, ir, ooxml
from ..errors import RenderError
from ..linebreak import break_lines
from ..templates import shipped_template, template_bytes
from . import views
from .base import DocumentWriter

# python-docx is imported lazily (in _open_document), so importing this module is cheap.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RT_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
RT_FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
CT_NUMBERING = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
CT_CORE_PROPERTIES = "application/vnd.openxmlformats-package.core-properties+xml"
WORD_COMPAT_URI = "http://schemas.microsoft.com/office/word"
WORD_2013 = "15"  # compatibilityMode: the layout of Word 2013 and later, not a compatibility mode


@lru_cache(maxsize=None)
def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


CHINA = dt.timezone(dt.timedelta(hours=8), "CST")  # the reports' dates are dates in China
W_VAL = w("val")
THEME_FONT_ATTRS = tuple(w(a) for a in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme"))
FONT_SLOTS = tuple(w(a) for a in ("ascii", "eastAsia", "hAnsi", "cs"))

# Styles the writer uses: our key (the shipped template's style id) → style name in Word.
STYLE_NAMES = {
    "Normal": "Normal",
    "Title": "Title",
    "FrontMatter": "Front Matter",
    "Heading1": "heading 1",
    "Heading2": "heading 2",
    "Heading3": "heading 3",
    "Heading4": "heading 4",
    "RunInHeading1": "Run-in Heading 1",
    "RunInHeading2": "Run-in Heading 2",
    "RunInHeading3": "Run-in Heading 3",
    "RunInHeading4": "Run-in Heading 4",
    "ListParagraph": "List Paragraph",
    "Figure": "Figure",
    "Caption": "caption",
    "TableText": "Table Text",
    "TableHeading": "Table Heading",
    "TableGrid": "Table Grid",
    "Hyperlink": "Hyperlink",
    "Footer": "footer",
    "Attachment": "Attachment",
    "AttachmentTitle": "Attachment Title",
    "AttachmentNote": "Attachment Note",
    "Signature": "Signature",
}

# Style key → font role of ``settings.fonts`` (the template generator uses the same table).
STYLE_ROLES = {
    "Normal": "body",
    "Title": "title",
    "FrontMatter": "body",
    "Heading1": "heading1",
    "Heading2": "heading2",
    "Heading3": "heading3",
    "Heading4": "heading4",
    "RunInHeading1": "heading1",
    "RunInHeading2": "heading2",
    "RunInHeading3": "heading3",
    "RunInHeading4": "heading4",
    "Footer": "page_number",
    "Attachment": "heading1",
    "AttachmentTitle": "title",
}
# The style of each part the IR marks (``views.part_of``): an attachment's, the
# signature block's.
PART_STYLES = {"attachment": "Attachment", "attachment-title": "AttachmentTitle",
               "attachment-note": "AttachmentNote", "signature": "Signature", "signature-date": "Signature"}

# When a named face is missing, Word and WPS use the alternate the font table names.
ALT_NAMES = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "方正小标宋_GBK": "宋体",
    "黑体": "SimHei",
    "宋体": "SimSun",
    "仿宋": "FangSong",
    "楷体": "KaiTi",
}

# Native numbering: the section kind each heading level numbers, its format and level text.
NATIVE_LEVELS = {
    1: ("cn", "chineseCounting", "%1、"),
    2: ("cn-paren", "chineseCounting", "（%2）"),
    3: ("arabic", "decimal", "%3."),
    4: ("arabic-paren", "decimal", "（%4）"),
}

# The zip headers ``zipfile`` writes for a deflated entry (``deterministic_zip``): version 2.0,
# made on MS-DOS, permissions rw------- (what it gives an entry without any), no extra field or
# comment, the fixed time 1980-01-01 00:00 (DOS date 33).
ZIP_LOCAL_HEADER = "<4s2B4HL2L2H"
ZIP_CENTRAL_HEADER = "<4s4B4HL2L5H2L"
ZIP_END = "<4s4H2LH"
ZIP_LOCAL_SIZE = struct.calcsize(ZIP_LOCAL_HEADER)
ZIP_VERSION = 20
ZIP_DATE = 33
ZIP_UTF8_NAME = 0x800
ZIP_ATTRIBUTES = 0o600 << 16
#: Characters of ambiguous width (quotation marks, ellipsis, dashes, middle dot …): Word sets
#: them in the Latin face unless the run says they are East Asian (``w:rFonts w:hint``).
AMBIGUOUS = re.compile("[" + "".join(
    re.escape(chr(cp)) for cp in range(0x80, 0x3000) if unicodedata.east_asian_width(chr(cp)) == "A") + "]")
TEXT_SPECIALS = re.compile(r"(\t|\r\n|\n|\r)")
RUNIN_END = ("。", "！", "？", "：")
TITLE_PT = 22  # 2号, when the Title style names no size
BODY_PT = 16  # 3号, when a style names no size
INDENT_CHARS = 2  # a body paragraph's first-line indent (the Normal style's firstLineChars)
CHAR_PITCH = 315  # twips a body character takes: 16 pt tracked −0.25 pt (the Normal style's)
TABLE_PT = 12  # 小4号, when the Table Text style names no size (the PDF's pdf.table_size)
CELL_MARGIN = 108  # twips, each side of a table cell (the Table Grid style's)
WP_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


# --------------------------------------------------------------------------- zip, template


class Member(NamedTuple):
    """An entry's data as ``deterministic_zip`` stores it: its CRC-32, its size and the data
    deflated."""

    crc: int
    size: int
    deflated: bytes


def deflate(data: bytes) -> Member:
    """``data`` deflated as ``zipfile`` deflates an entry at level 6 (raw deflate)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


def deterministic_zip(parts: Mapping[str, bytes], known: Mapping[str, tuple[bytes, Member]] | None = None) -> bytes:
    """A zip of ``parts`` with fixed entry times, attributes and order ([Content_Types].xml
    first): the bytes ``zipfile`` writes for them at compression level 6 (so documents that
    share parts zip them once). ``known`` maps an entry name to data and its ``Member``, used
    when the entry holds the same data (a template's parts)."""
    known = known or {}
    order = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
    local, central = [], []
    offset = 0
    for name in order:
        data = parts[name]
        found = known.get(name)
        member = found[1] if found is not None and found[0] == data else deflate(data)
        try:
            raw, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw, flags = name.encode("utf-8"), ZIP_UTF8_NAME
        fields = (flags, zipfile.ZIP_DEFLATED, 0, ZIP_DATE, member.crc, len(member.deflated), member.size,
                  len(raw), 0)
        local += (struct.pack(ZIP_LOCAL_HEADER, b"PK\x03\x04", ZIP_VERSION, 0, *fields), raw, member.deflated)
        central += (struct.pack(ZIP_CENTRAL_HEADER, b"PK\x01\x02", ZIP_VERSION, 0, ZIP_VERSION, 0, *fields,
                                0, 0, 0, ZIP_ATTRIBUTES, offset), raw)
        offset += ZIP_LOCAL_SIZE + len(raw) + len(member.deflated)
    directory = b"".join(central)
    end = struct.pack(ZIP_END, b"PK\x05\x06", 0, 0, len(order), len(order), len(directory), offset, 0)
    return b"".join(local) + directory + end


def _zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


class _PartType(NamedTuple):
    """A part as the content types name it: its name and content type."""

    partname: str
    content_type: str


@lru_cache(maxsize=16)
def _content_types(types: tuple[_PartType, ...]) -> bytes:
    """``[Content_Types].xml`` of a package of parts of ``types``, by python-docx's builder."""
    from docx.opc.pkgwriter import _ContentTypesItem  # noqa: PLC0415

    return _ContentTypesItem.from_parts(types).blob


def _rels_xml(rels, base: str) -> bytes:
    """What python-docx writes of relationships whose source is at ``base`` (``rels.xml``),
    made once per set of relationships: most documents relate their main part to the same
    parts as the next."""
    return _rels_item(base, tuple((rel.rId, rel.reltype, rel.is_external,
                                   rel.target_ref if rel.is_external else rel.target_part.partname)
                                  for rel in rels.values()))


@lru_cache(maxsize=64)
def _rels_item(base: str, rels: tuple) -> bytes:
    from docx.opc.oxml import CT_Relationships  # noqa: PLC0415

    element = CT_Relationships.new()
    for rid, reltype, external, target in rels:
        element.add_rel(rid, reltype, target if external else target.relative_ref(base), external)
    return element.xml


def _part_items(part) -> dict[str, bytes]:
    """What python-docx's ``save`` writes of one part: its blob, and its relationships when it
    has any."""
    part.before_marshal()
    items = {part.partname.membername: part.blob}
    if len(part.rels):
        items[part.partname.rels_uri.membername] = _rels_xml(part.rels, part.partname.baseURI)
    return items


def _package_parts(package, known: Mapping | None = None) -> dict[str, bytes]:
    """What python-docx's ``save`` writes into its zip, by entry name, without the zip (which
    would be compressed here only to be read back). Uses its content-types builder. ``known``
    maps parts that have not changed since they were written out to their ``_part_items``."""
    known = known or {}
    parts = package.parts
    out = {"[Content_Types].xml": _content_types(tuple(_PartType(p.partname, p.content_type) for p in parts)),
           "_rels/.rels": _rels_xml(package.rels, "/")}
    for part in parts:
        out.update(known.get(part) or _part_items(part))
    return out


def _open_document(data: bytes, where: str):
    import docx  # noqa: PLC0415 - heavy import kept out of module import

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for a bad package
        raise RenderError(f"{where}: not a usable reference docx: {exc}") from None


@lru_cache(maxsize=8)
def _normalized_template(data: bytes) -> bytes:
    """The reference document with what its program wrote against the schema put right
    (``ooxml.normalize_package``: children out of schema order, a zoom without a percentage);
    the same bytes when nothing needed it."""
    try:
        parts = _zip_parts(data)
    except (zipfile.BadZipFile, OSError, ValueError):
        return data  # _open_document says what is wrong with it
    fixed = ooxml.normalize_package(parts)
    return data if fixed == parts else deterministic_zip(fixed)


@lru_cache(maxsize=1)
def _shipped_styles() -> dict[str, etree._Element]:
    """The shipped template's style elements by style id (the source of missing styles)."""
    with zipfile.ZipFile(io.BytesIO(shipped_template())) as zf:
        root = etree.fromstring(zf.read("word/styles.xml"))
    return {s.get(w("styleId")): s for s in root.iter(w("style"))}


# --------------------------------------------------------------------------- small helpers


def chinese_counting(n: int) -> str | None:
    """``n`` as Word's chineseCounting number format writes it (1–99), else None."""
    digits = "〇一二三四五六七八九"
    if not 1 <= n <= 99:
        return None
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    head = "十" if tens == 1 else digits[tens] + "十"
    return head + (digits[ones] if ones else "")


def native_label(level: int, number: int) -> str | None:
    """The label Word's native numbering prints for the ``number``-th heading at ``level``."""
    if level not in NATIVE_LEVELS:
        return None
    _kind, fmt, text = NATIVE_LEVELS[level]
    value = chinese_counting(number) if fmt == "chineseCounting" else str(number)
    if value is None:
        return None
    return text.replace(f"%{level}", value)


def _link_target(href: str | None) -> str | None:
    """The relationship target for a link (``views.link_target``, %-quoted), or None."""
    target = views.link_target(href)
    return quote(target, safe=":/?#[]@!$&'()*+,;=%~") if target else None


def _printable(text: str | None) -> str:
    """``views.printable`` for a piece of a paragraph: the same characters dropped and tabs and
    line breaks made spaces, but its ends kept (the paragraph's ends are trimmed by ``_trim``)."""
    return views.printable(text or "", trim=False)


def _clip(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- the writer


def _keep_previous_with(p) -> None:
    """The paragraph before ``p`` kept on ``p``'s page (``keepNext``), when there is one."""
    before = p.getprevious()
    if before is None or before.tag != w("p"):
        return
    if before.find(w("pPr")) is None:
        before.insert(0, etree.Element(w("pPr")))
    ooxml.sub_element(before.find(w("pPr")), w("keepNext"))


def _hanging_indent(ind, first: float, rest: float) -> None:
    """A paragraph's first line ``first`` and its other lines ``rest`` character widths past
    the first-line indent of body text, in characters (Word, WPS) and in twips (LibreOffice)."""
    left, hanging = INDENT_CHARS + rest, rest - first
    ind.set(w("leftChars"), str(round(left * 100)))
    ind.set(w("left"), str(round(left * CHAR_PITCH)))
    ind.set(w("hangingChars"), str(round(hanging * 100)))
    ind.set(w("hanging"), str(round(hanging * CHAR_PITCH)))


def _native_indent(ind) -> None:
    """Headings under native numbering: first line indented two characters, like body text."""
    ind.set(w("left"), "0")
    ind.set(w("firstLineChars"), "200")
    ind.set(w("firstLine"), "640")


class _Template:
    """The reference document set up for a set of faces and a numbering mode: its body emptied
    to the section properties, styles resolved (missing ones copied from the shipped
    template), the faces written into them, the headings' numbering bound and Word's settings
    made. Built once per template and settings (``_template``) and never changed after, so
    that threads can share it; each document writes into a copy of its ``doc``
    (``new_document``)."""

    def __init__(self, data: bytes, where: str, shipped: bool, native: bool, faces, changed: frozenset[str]):
        self.doc = _open_document(data, where)
        self.part = self.doc.part
        self.native = native
        body = self.doc.element.body
        sect = body.findall(w("sectPr"))
        self.sect_pr = sect[-1] if sect else None
        for child in list(body):
            if child is not self.sect_pr:
                body.remove(child)
        self.text_width = self._text_width()
        self.styles = self._resolve_styles()
        self._apply_fonts(faces, set(faces.__struct_fields__) if shipped else set(changed))
        self._setup_numbering()
        self._word_settings()
        self.next_drawing_id = self._max_drawing_id() + 1
        self.shared_parts = [part for part in self.part.package.iter_parts()
                             if part is not self.part and part.content_type != CT_CORE_PROPERTIES]
        # What a document's zip takes of them, written out and deflated once.
        self.shared_items = {part: _part_items(part) for part in self.shared_parts}
        self.members = {name: (data, deflate(data))
                        for name, data in _package_parts(self.part.package, self.shared_items).items()}

    def new_document(self):
        """A copy of ``doc`` for one document: the main part, the core properties and the
        package copied; the other parts (styles, settings, numbering, footers, font table),
        which a document only reads, shared."""
        return copy.deepcopy(self.doc, {id(part): part for part in self.shared_parts})

    def _text_width(self) -> int:
        """Width of the text block in twips, from the section's page size and margins."""
        try:
            pg_sz = self.sect_pr.find(w("pgSz"))
            pg_mar = self.sect_pr.find(w("pgMar"))
            width = int(pg_sz.get(w("w")))
            for side in ("left", "right", "gutter"):
                width -= int(pg_mar.get(w(side), "0"))
            if width > 0:
                return width
        except (AttributeError, TypeError, ValueError):
            pass
        return 8845

    def _resolve_styles(self) -> dict[str, str]:
        """Style key → style id in this document, copying missing styles from the shipped template."""
        root = self.doc.styles.element
        by_name = {}
        for style in root.iter(w("style")):
            name = style.find(w("name"))
            if name is not None:
                by_name.setdefault(name.get(W_VAL, "").lower(), style.get(w("styleId")))
        ids = set(by_name.values())
        resolved: dict[str, str] = {}

        def resolve(key: str) -> str:
            if key in resolved:
                return resolved[key]
            name = STYLE_NAMES.get(key) or _shipped_styles()[key].find(w("name")).get(W_VAL)
            found = by_name.get(name.lower())
            if found is not None:
                resolved[key] = found
                return found
            from docx.oxml.parser import parse_xml  # noqa: PLC0415 - gives python-docx element classes

            new = parse_xml(etree.tostring(_shipped_styles()[key]))
            new_id = key
            while new_id in ids:
                new_id += "X"
            new.set(w("styleId"), new_id)
            new.attrib.pop(w("default"), None)
            resolved[key] = new_id
            ids.add(new_id)
            for ref in ("basedOn", "next", "link"):
                el = new.find(w(ref))
                if el is not None and el.get(W_VAL) in _shipped_styles():
                    el.set(W_VAL, resolve(el.get(W_VAL)))
            root.append(new)
            return new_id

        for key in STYLE_NAMES:
            resolve(key)
        self.style_elements = {
            key: root.find(f"{w('style')}[@{w('styleId')}='{sid}']") for key, sid in resolved.items()
        }
        self.normal_named = not self._default_to_normal(root)
        return resolved

    def _default_to_normal(self, root) -> bool:
        """Whether a paragraph without ``w:pStyle`` is in our Normal style. LibreOffice marks no
        paragraph style as the default; then Normal is made it (Word and LibreOffice read such
        a paragraph so). When another style is the default, body paragraphs name Normal."""
        on = ("1", "true", "on")
        defaults = [s for s in root.iter(w("style")) if s.get(w("type")) == "paragraph" and s.get(w("default")) in on]
        normal = self.style_elements["Normal"]
        if not defaults:
            normal.set(w("default"), "1")
            return True
        return normal in defaults

    def _apply_fonts(self, fonts, roles: set[str]) -> None:
        """Write the faces of ``roles`` into the styles' East Asian (and other) font slots.

        With the shipped template every role is written; with a user's reference document only
        the roles whose face the configuration changes from the default (``changed_faces``),
        so its own looks stand otherwise.
        """
        if not roles:
            return
        faces = []
        for key, role in STYLE_ROLES.items():
            if role not in roles:
                continue
            face = getattr(fonts, role)
            faces.append(face)
            style = self.style_elements[key]
            rpr = style.find(w("rPr"))
            if rpr is None:
                rpr = ooxml.sub_element(style, w("rPr"))
            self._set_fonts(rpr, face)
        if "body" in roles:
            defaults = self.doc.styles.element.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
            if defaults is not None:
                self._set_fonts(defaults, fonts.body)
        self._add_to_font_table(faces)

    @staticmethod
    def _set_fonts(rpr, face: str) -> None:
        rfonts = rpr.find(w("rFonts"))
        if rfonts is None:
            rfonts = ooxml.sub_element(rpr, w("rFonts"))
        for attr in THEME_FONT_ATTRS:
            rfonts.attrib.pop(attr, None)
        for slot in FONT_SLOTS:
            rfonts.set(slot, face)

    def _add_to_font_table(self, faces) -> None:
        try:
            part = self.part.part_related_by(RT_FONT_TABLE)
        except KeyError:
            return
        root = etree.fromstring(part.blob)
        known = {f.get(w("name")) for f in root.iter(w("font"))}
        changed = False
        for face in dict.fromkeys(faces):
            if face in known:
                continue
            font = etree.SubElement(root, w("font"))
            font.set(w("name"), face)
            alt = ALT_NAMES.get(face)
            if alt and alt != face:
                etree.SubElement(font, w("altName")).set(W_VAL, alt)
            etree.SubElement(font, w("charset")).set(W_VAL, "86")
            etree.SubElement(font, w("family")).set(W_VAL, "modern")
            etree.SubElement(font, w("pitch")).set(W_VAL, "fixed")
            changed = True
        if changed and hasattr(part, "_blob"):
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _setup_numbering(self) -> None:
        """Literal mode: heading styles carry no numbering. Native: bind them to one definition."""
        heading_styles = [self.style_elements[f"Heading{n}"] for n in range(1, 5)]
        for style in heading_styles:
            ppr = style.find(w("pPr"))
            num_pr = ppr.find(w("numPr")) if ppr is not None else None
            if num_pr is not None:
                ppr.remove(num_pr)
        if not self.native:
            return
        numbering = self._numbering_root()
        abstract_ids = [int(a.get(w("abstractNumId"))) for a in numbering.findall(w("abstractNum"))]
        num_ids = [int(n.get(w("numId"))) for n in numbering.findall(w("num"))]
        abstract_id = max(abstract_ids, default=-1) + 1
        self.num_id = max(num_ids, default=0) + 1
        abstract = etree.Element(w("abstractNum"))
        abstract.set(w("abstractNumId"), str(abstract_id))
        etree.SubElement(abstract, w("multiLevelType")).set(W_VAL, "multilevel")
        for level, (_kind, fmt, text) in NATIVE_LEVELS.items():
            lvl = etree.SubElement(abstract, w("lvl"))
            lvl.set(w("ilvl"), str(level - 1))
            etree.SubElement(lvl, w("start")).set(W_VAL, "1")
            etree.SubElement(lvl, w("numFmt")).set(W_VAL, fmt)
            etree.SubElement(lvl, w("pStyle")).set(W_VAL, self.styles[f"Heading{level}"])
            etree.SubElement(lvl, w("suff")).set(W_VAL, "nothing")
            etree.SubElement(lvl, w("lvlText")).set(W_VAL, text)
            etree.SubElement(lvl, w("lvlJc")).set(W_VAL, "left")
            _native_indent(etree.SubElement(etree.SubElement(lvl, w("pPr")), w("ind")))
        ooxml.insert_child(numbering, abstract)  # after the template's definitions, before its nums
        num = ooxml.sub_element(numbering, w("num"))  # before a numIdMacAtCleanup Word may have left
        num.set(w("numId"), str(self.num_id))
        etree.SubElement(num, w("abstractNumId")).set(W_VAL, str(abstract_id))
        for level, style in enumerate(heading_styles, start=1):
            style_ppr = style.get_or_add_pPr()
            num_pr = style_ppr.get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = level - 1
            num_pr.get_or_add_numId().val = self.num_id

    def _numbering_root(self):
        """The numbering part's ``w:numbering``, the part made when the template has none."""
        try:
            return self.part.part_related_by(RT_NUMBERING).element
        except KeyError:
            pass
        from docx.opc.packuri import PackURI  # noqa: PLC0415
        from docx.oxml.parser import parse_xml  # noqa: PLC0415
        from docx.parts.numbering import NumberingPart  # noqa: PLC0415

        package = self.part.package
        element = parse_xml(f'<w:numbering xmlns:w="{W_NS}"/>')
        names = {str(p.partname) for p in package.iter_parts()}
        name = "/word/numbering.xml" if "/word/numbering.xml" not in names else package.next_partname(
            "/word/numbering%d.xml")
        part = NumberingPart(PackURI(name), CT_NUMBERING, element, package)
        self.part.relate_to(part, RT_NUMBERING)
        return element

    def _word_settings(self) -> None:
        """What Word needs in the settings part, the template's other settings kept (its
        kinsoku lists, character spacing control, drawing grid): ``w:compat`` naming the layout
        of Word 2013 and later (``compatibilityMode`` 15; an older mode, or none, makes Word open
        the file in compatibility mode), and Chinese as the language whose East Asian theme fonts
        apply (python-docx's default template, made by Word for Mac, says Japanese)."""
        settings = self.doc.settings.element
        compat = settings.find(w("compat"))
        if compat is None:
            compat = ooxml.sub_element(settings, w("compat"))
        modes = [c for c in compat.findall(w("compatSetting"))
                 if c.get(w("name")) == "compatibilityMode" and c.get(w("uri")) in (WORD_COMPAT_URI, None)]
        for extra in modes[1:]:
            compat.remove(extra)
        if modes:
            mode = modes[0]
        else:
            mode = ooxml.sub_element(compat, w("compatSetting"))
            mode.set(w("name"), "compatibilityMode")
            mode.set(w("uri"), WORD_COMPAT_URI)
        mode.set(W_VAL, WORD_2013)
        lang = settings.find(w("themeFontLang"))
        if lang is None:
            lang = ooxml.sub_element(settings, w("themeFontLang"))
            lang.set(W_VAL, "en-US")
        lang.set(w("eastAsia"), "zh-CN")  # the text is Chinese: Chinese theme faces, not Japanese

    def _max_drawing_id(self) -> int:
        """The largest drawing id (``wp:docPr/@id``) in the template's headers, footers and notes:
        Word wants every drawing in the document to have its own."""
        top = 0
        for part in self.part.package.iter_parts():
            element = getattr(part, "element", None)
            if element is None:
                continue
            for doc_pr in element.iter(WP_DOC_PR):
                value = doc_pr.get("id", "")
                if value.isdigit():
                    top = max(top, int(value))
        return top


@lru_cache(maxsize=8)
def _template(data: bytes, where: str, shipped: bool, native: bool, faces, changed: frozenset[str]) -> _Template:
    return _Template(data, where, shipped, native, faces, changed)


@lru_cache(maxsize=8)
def changed_faces(faces) -> frozenset[str]:
    """The roles whose face differs from the default one. Naming a default face in the
    configuration changes nothing: the output depends on the faces alone, as
    ``settings_hash`` does."""
    import msgspec  # noqa: PLC0415  (loaded with the settings)

    return frozenset(f.name for f in msgspec.structs.fields(faces) if getattr(faces, f.name) != f.default)


def _template_for(settings) -> _Template:
    """The set-up reference document for ``settings`` (cached by its bytes, faces and numbering)."""
    ref = settings.docx.reference_docx
    return _template(_normalized_template(template_bytes(ref)), str(ref) if ref else "reference.docx",
                     ref is None, settings.docx.numbering == "native", settings.fonts,
                     changed_faces(settings.fonts))



class DocxWriter(DocumentWriter):
    """Builds the document body from the IR into a copy of the reference document."""

    def __init__(self, settings):
        self.settings = settings
        self.opts = settings.docx
        self.native = self.opts.numbering == "native"
        self.template = template = _template_for(settings)
        self.doc = template.new_document()
        self.part = self.doc.part
        self.body = self.doc.element.body
        self.sect_pr = self.body.find(w("sectPr"))
        if self.sect_pr is not None:  # put back after the content
            self.body.remove(self.sect_pr)
        self.text_width = template.text_width
        self.styles = template.styles
        self._style_elements = template.style_elements  # the template's: read, never changed
        self._normal_named = template.normal_named
        self._next_drawing_id = template.next_drawing_id
        self.tree = None  # the report, while it is written
        self._cell_size: str | None = None  # half-points of table text set smaller than its style
        self._para = None  # the w:p inline content is written into
        self._rstyle: str | None = None  # run style for inline text (run-in heads)
        self._in_attachment = False  # past an attachment's 附件 line: headings one outline level down
        self._counters = [0] * 5  # native numbering, as Word counts it: index = level
        self._related: dict | None = None  # hyperlink target or picture part → its relationship (``_rid``)
        self._rid_from = 1  # no relationship number below this is free
        self._pictures: dict[str, object] | None = None  # a picture's SHA-1 → its part (``_picture_part``)
        self._picture_numbers: set[int] = set()  # of the media parts' names (image1.png …)
        self._largest_id: int | None = None  # of the document's ids, as python-docx's ``next_id`` finds it

    # ------------------------------------------------------------ sizes

    def _size(self, key: str, default_pt: float) -> float:
        """The font size a style names, in points (``default_pt`` when it names none)."""
        size = self._style_elements[key].find(f"{w('rPr')}/{w('sz')}")
        return int(size.get(W_VAL)) / 2 if size is not None else default_pt

    def _measure(self, key: str, default_pt: float, role: str | None = None):
        """Widths in points of text in a style's size, with the real metrics of the face the
        role is set in (``fonts.FontChoice``, as the PDF measures)."""
        return fonts.font_choice(self.settings).measure(role or STYLE_ROLES.get(key, "body"),
                                                        self._size(key, default_pt), 0.0)

    # ------------------------------------------------------------ building blocks

    def _p(self, key: str, parent=None):
        p = etree.SubElement(self.body if parent is None else parent, w("p"))
        if key != "Normal" or self._normal_named:
            ppr = etree.SubElement(p, w("pPr"))
            etree.SubElement(ppr, w("pStyle")).set(W_VAL, self.styles[key])
        return p

    def _run(self, parent, text: str | None, rstyle: str | None = None) -> None:
        if not text:
            return
        r = etree.SubElement(parent, w("r"))
        east_asian = AMBIGUOUS.search(text) is not None  # “ ” ‘ ’ … — ·: the East Asian face, not the Latin one
        if rstyle or east_asian:
            rpr = etree.SubElement(r, w("rPr"))
            if rstyle:
                etree.SubElement(rpr, w("rStyle")).set(W_VAL, rstyle)
            if east_asian:
                etree.SubElement(rpr, w("rFonts")).set(w("hint"), "eastAsia")
        for piece in TEXT_SPECIALS.split(text):
            if not piece:
                continue
            if piece == "\t":
                etree.SubElement(r, w("tab"))
            elif piece in ("\n", "\r", "\r\n"):
                etree.SubElement(r, w("br"))
            else:
                t = etree.SubElement(r, w("t"))
                t.text = piece
                if piece[0].isspace() or piece[-1].isspace():
                    t.set(XML_SPACE, "preserve")

    def _hyperlink(self, parent, href: str | None, text: str, rstyle: str | None = None) -> None:
        target = _link_target(href)
        if target is None or not text:
            self._run(parent, text, rstyle)
            return
        rid = self._rid(RT_HYPERLINK, target, external=True)
        link = etree.SubElement(parent, w("hyperlink"))
        link.set(f"{{{R_NS}}}id", rid)
        link.set(w("history"), "1")
        self._run(link, text, self.styles["Hyperlink"])

    def _rid(self, reltype: str, target, external: bool = False) -> str:
        """The relationship of the document to ``target`` (an address, or a part), as
        python-docx's ``relate_to`` gives it: the first one of ``reltype`` to that target, else
        a new one numbered with the lowest free rId. It finds both by going through every
        relationship of the document, for each link and picture: a page of thousands of links
        took time growing with the square of them (4,000: 4 s). Here the relationships are
        kept by type and target, and the numbers below the last taken are known to be used, as
        the document's relationships are only ever added to."""
        rels = self.part.rels
        if self._related is None:
            self._related = {}
            for rel in rels.values():
                key = (rel.reltype, rel.target_ref if rel.is_external else rel.target_part, rel.is_external)
                self._related.setdefault(key, rel.rId)
        key = (reltype, target, external)
        rid = self._related.get(key)
        if rid is None:
            while f"rId{self._rid_from}" in rels:
                self._rid_from += 1
            rid = self._related[key] = f"rId{self._rid_from}"
            rels.add_relationship(reltype, target, rid, is_external=external)
        return rid

    def _next_id(self) -> int:
        """What python-docx's ``next_id`` gives: one more than the largest id of the document's
        elements (it searches the whole document for it, for each picture: here the largest is
        kept, a picture's drawing the one element this writer adds an id to)."""
        if self._largest_id is None:
            self._largest_id = max((int(v) for v in self.part.element.xpath("//@id") if v.isdigit()), default=0)
        return self._largest_id + 1

    def _picture_part(self, data: bytes):
        """The document's media part of picture ``data``, as python-docx's
        ``get_or_add_image_part`` gives it: the part of the same bytes (by SHA-1), else a new
        one named with the lowest free number (``/word/media/image3.png``). It goes through
        every media part for both, computing each one's SHA-1 again: here they are kept."""
        from docx.image.image import Image  # noqa: PLC0415
        from docx.opc.packuri import PackURI  # noqa: PLC0415
        from docx.parts.image import ImagePart  # noqa: PLC0415

        parts = self.part.package.image_parts
        if self._pictures is None:
            self._pictures = {}
            for part in parts:
                self._pictures.setdefault(part.sha1, part)
                self._picture_numbers.add(part.partname.idx)
        image = Image.from_file(io.BytesIO(data))
        part = self._pictures.get(image.sha1)
        if part is None:
            number = next(n for n in itertools.count(1) if n not in self._picture_numbers)
            part = ImagePart.from_image(image, PackURI(f"/word/media/image{number}.{image.ext}"))
            parts.append(part)
            self._pictures[image.sha1] = part
            self._picture_numbers.add(number)
        return part

    def _inline(self, el, para) -> None:
        """Text, items and links of an inline container, as runs of ``para``."""
        outer, self._para = self._para, para
        self._run(para, _printable(el.text), self._rstyle)
        for child in el:
            if isinstance(child.tag, str):
                self.visit(child)
            self._run(para, _printable(child.tail), self._rstyle)
        self._para = outer

    @staticmethod
    def _trim(para, start: bool = True) -> None:
        """White space off the ends of a paragraph built of several runs (``views.printable``
        trims the ends of the whole text, not of each run); not off its start when Word prints
        a label before it (native numbering)."""
        texts = list(para.iter(w("t")))
        ends = ((texts, str.lstrip), (texts[::-1], str.rstrip)) if start else ((texts[::-1], str.rstrip),)
        for ordered, strip in ends:
            for t in ordered:
                t.text = strip(t.text or "")
                if t.text:
                    break

    # ------------------------------------------------------------ document and metadata

    def visit_report(self, el):
        self.tree = el
        self.visit_children(el)

    def visit_front(self, el):
        """The title (balanced lines), then one centred line per field, as ``views.front_lines``."""
        front = views.front_lines(el.getparent())
        width = self.text_width / 20
        paras = []
        for line in front:
            if line.kind == "title":
                p = self._p("Title")
                self._run(p, "\n".join(views.title_lines(line.text, self._measure("Title", TITLE_PT), width)))
            else:
                p = self._p("FrontMatter")
                if self._measure("FrontMatter", BODY_PT)(line.text) > width:  # more than a line: justified
                    ooxml.sub_element(p.find(w("pPr")), w("jc")).set(W_VAL, "both")
                self._run(p, line.text)
            paras.append(p)
        if paras and front[-1].kind == "field":
            self._move_space_after(paras[0] if front[0].kind == "title" else None, paras[-1])

    def _move_space_after(self, title, last) -> None:
        """The blank line under the title block: from the title's style (off the title, when
        there is one) to the last front line."""
        spacing = self._style_elements["Title"].find(f"{w('pPr')}/{w('spacing')}")
        after = {a: spacing.get(w(a)) for a in ("after", "afterLines")} if spacing is not None else {}
        after = {a: v for a, v in after.items() if v is not None}
        if not after:
            return
        for p, values in ((title, {a: "0" for a in after}), (last, after)):
            if p is None:
                continue
            el = ooxml.sub_element(p.find(w("pPr")), w("spacing"))
            for a, v in values.items():
                el.set(w(a), v)

    def visit_body(self, el):
        self.visit_children(el)

    # ------------------------------------------------------------ sections and headings

    def visit_section(self, el):
        heading = el.find("heading")
        blocks = [c for c in el if isinstance(c.tag, str) and c.tag != "heading"]
        first = blocks[0] if blocks else None
        if (
            self.opts.runin == "keep"
            and el.get("runin") == "true"
            and first is not None
            and first.tag == "p"
        ):
            self._runin_paragraph(el, heading, first)
            blocks = blocks[1:]
        else:
            self.visit(heading)
        for block in blocks:
            self.visit(block)

    def _numbered_natively(self, section) -> bool:
        """Whether Word's numbering prints this section's label; counts it as Word would."""
        if not self.native:
            return False
        level = int(section.get("level"))
        number = section.get("number")
        if level not in NATIVE_LEVELS or NATIVE_LEVELS[level][0] != section.get("kind") or not number:
            return False
        if int(number) != self._counters[level] + 1:
            return False
        if native_label(level, int(number)) != section.get("label"):
            return False
        self._counters[level] += 1
        for deeper in range(level + 1, len(self._counters)):
            self._counters[deeper] = 0
        return True

    def visit_heading(self, el):
        section = el.getparent()
        if not views.printable(ir.heading_line(section)):
            return
        level = min(int(section.get("level")), 4)
        p = self._p(f"Heading{level}")
        if self._in_attachment:  # under its attachment's entry (Attachment: outline level 1)
            ooxml.sub_element(p.find(w("pPr")), w("outlineLvl")).set(W_VAL, str(level))
        if self._numbered_natively(section):
            self._inline(el, p)
            self._trim(p, start=False)
            self._face_by_kind(p, section, level)
            return
        if self.native:  # a literal label: keep this paragraph out of the style's list,
            ppr = p.find(w("pPr"))  # indented as the numbered headings are
            etree.SubElement(ooxml.sub_element(ppr, w("numPr")), w("numId")).set(W_VAL, "0")
            _native_indent(ooxml.sub_element(ppr, w("ind")))
        self._run(p, _printable(section.get("label", "")))
        self._inline(el, p)
        self._trim(p)
        self._face_by_kind(p, section, level)

    def _face_by_kind(self, p, section, level: int) -> None:
        """A heading whose label kind asks for another face than its level's style (a report
        whose top level is （一）: 楷体 in Heading 1) gets that face, and its boldness, on its runs."""
        role = views.heading_role(section)
        if role == f"heading{level}":
            return
        face = getattr(self.settings.fonts, role)
        bold = self._style_elements[f"Heading{role[-1]}"].find(f"{w('rPr')}/{w('b')}")
        bold = bold is not None and bold.get(W_VAL, "1") not in ("0", "false", "off")
        for r in p.iter(w("r")):
            rpr = r.find(w("rPr"))
            if rpr is None:
                rpr = etree.Element(w("rPr"))
                r.insert(0, rpr)
            rfonts = rpr.find(w("rFonts"))
            if rfonts is None:
                rfonts = ooxml.sub_element(rpr, w("rFonts"))
            for slot in FONT_SLOTS:
                rfonts.set(slot, face)
            for tag in ("b", "bCs"):
                el = rpr.find(w(tag))
                if el is None:
                    el = ooxml.sub_element(rpr, w(tag))
                el.set(W_VAL, "1" if bold else "0")

    def _runin_paragraph(self, section, heading, p_el):
        """``runin: keep``: the head as a styled span at the start of its paragraph."""
        level = min(int(section.get("level")), 4)
        para = self._p("Normal")
        self._rstyle = self.styles[f"RunInHeading{level}"]
        self._run(para, _printable(section.get("label", "")), self._rstyle)
        self._inline(heading, para)
        head = ir.text_of(heading).strip()
        if head and not head.endswith(RUNIN_END):
            self._run(para, "。", self._rstyle)
        self._rstyle = None
        before = len(para.findall(f".//{w('t')}"))
        self._inline(p_el, para)
        for t in para.findall(f".//{w('t')}")[before:]:  # the paragraph's text follows the head directly
            t.text = (t.text or "").lstrip()
            if t.text:
                break
        self._trim(para)

    # ------------------------------------------------------------ paragraphs and inline

    def visit_p(self, el):
        text = ir.text_of(el)
        if not views.printable(text):
            return
        part = views.part_of(el)
        self._in_attachment = self._in_attachment or part == "attachment"
        p = self._p(PART_STYLES.get(part, "Normal"))
        align = None if part else views.alignment(el)  # a part's style sets its alignment
        ppr = p.find(w("pPr"))  # a part's paragraph has one: it names its style
        if ppr is None and (align is not None or views.starts_page(el)):
            ppr = etree.SubElement(p, w("pPr"))
        if align is not None:  # a signature and date block (right), a centred line, an addressee: no indent
            ind = ooxml.sub_element(ppr, w("ind"))
            ind.set(w("firstLineChars"), "0")
            ind.set(w("firstLine"), "0")
            ooxml.sub_element(ppr, w("jc")).set(W_VAL, "both" if align == "left" else align)
            if align == "center":  # a title line: never the last on a page
                ooxml.sub_element(ppr, w("keepNext"))
        if views.starts_page(el):
            ooxml.sub_element(ppr, w("pageBreakBefore"))
        if part == "attachment-note":  # each name's later lines under its first character
            _hanging_indent(ooxml.sub_element(ppr, w("ind")), *views.note_indents(el))
        elif part in ("signature", "signature-date"):  # 右空二字, the date under the organ
            if part == "signature":  # 落款与正文同处一面: the organ with its date, the text before with it
                ooxml.sub_element(ppr, w("keepNext"))
                if views.blank_line_above(el):
                    _keep_previous_with(p)
            ind = ooxml.sub_element(ppr, w("ind"))
            ind.set(w("rightChars"), str(round(views.signature_inset(el) * 100)))
            ind.set(w("right"), str(round(views.signature_inset(el) * CHAR_PITCH)))
        if part == "signature-note":  # the 附注 on the date's page
            _keep_previous_with(p)
        if part == "attachment-title":  # in balanced lines, as the document's title
            lines = views.title_lines(text, self._measure("AttachmentTitle", TITLE_PT), self.text_width / 20)
            self._run(p, "\n".join(lines))
        elif align == "center" and not len(el):  # balanced lines, as the PDF breaks them
            text = views.printable(text)
            lines = views.centred_lines(text, self._measure("Normal", BODY_PT), self.text_width / 20)
            self._run(p, views.with_breaks(text, lines))
        else:
            self._inline(el, p)
        self._trim(p)

    def visit_item(self, el):
        self._run(self._para, _printable(el.get("label", "")), self._rstyle)
        self._inline(el, self._para)

    def visit_link(self, el):
        self._hyperlink(self._para, el.get("href"), _printable(el.text), self._rstyle)

    # ------------------------------------------------------------ lists and figures

    def visit_list(self, el):
        self.visit_children(el)

    def visit_li(self, el):
        p = self._p("ListParagraph")
        self._run(p, _printable(views.li_marker(el)))
        self._inline(el, p)
        self._trim(p)

    def visit_figure(self, el):
        caption = views.figure_caption(el)
        if not self._embed_picture(views.picture(el), caption):
            self._run(self._p("Figure"), views.figure_placeholder(el))
        elif caption:
            self._run(self._p("Caption"), caption)

    def _embed_picture(self, picture: views.Picture | None, caption: str) -> bool:
        """The picture in a Figure paragraph, scaled to fit the text block; False when there is
        none or python-docx cannot read it."""
        from docx.image.exceptions import UnrecognizedImageError  # noqa: PLC0415
        from docx.oxml.shape import CT_Inline  # noqa: PLC0415

        if picture is None:
            return False
        try:
            part = self._picture_part(picture.data)
            image = part.image
            max_w = self.text_width * 635  # twips → EMU
            max_h = 225 * 36000 * 9 // 10  # nine tenths of the 225 mm block, in EMU
            width, height = image.width, image.height
            if width > max_w:
                width, height = max_w, height * max_w // width
            if height > max_h:
                width, height = width * max_h // height, max_h
            cx, cy = image.scaled_dimensions(width, height)
        except (UnrecognizedImageError, OSError, ValueError, ZeroDivisionError, KeyError):
            return False
        # The inline python-docx's new_pic_inline makes (named after ``_next_id``), given the
        # drawing's own number, unique in the package (``_max_drawing_id``).
        inline = CT_Inline.new_pic_inline(self._next_id(), self._rid(RT_IMAGE, part), image.filename, cx, cy)
        doc_pr = inline.find(WP_DOC_PR)
        doc_pr.set("id", str(self._next_drawing_id))
        self._largest_id = max(self._largest_id or 0, self._next_drawing_id)
        self._next_drawing_id += 1
        if caption:
            doc_pr.set("descr", caption)
            doc_pr.set("title", _clip(caption))
        run = etree.SubElement(self._p("Figure"), w("r"))
        etree.SubElement(run, w("drawing")).append(inline)
        return True

    # ------------------------------------------------------------ tables

    def visit_table(self, el):
        """The IR's grid as it stands: ``cols`` grid columns sized by content as the PDF sizes
        them (``views.table_columns``, the real font metrics), a fixed layout so Word and
        LibreOffice keep them, each row a cell per covering cell (a merge from above continues
        as ``vMerge``), header rows repeated, rows that fit on a page kept whole
        (``cantSplit``). Columns too narrow for the cell margins get narrower margins, and too
        narrow for a character of the Table Text size get smaller text (as in the PDF)."""
        grid = views.grid(el)
        half_points = round(2 * self._size("TableText", TABLE_PT))
        size_pt = half_points / 2
        choice = fonts.font_choice(self.settings)
        measures = {role: choice.measure(role, size_pt, 0.0) for role in ("body", "heading1")}

        def measure(cell, text):
            return measures["heading1" if cell.header else "body"](text)

        widths_pt = views.table_columns(grid, measure, self.text_width / 20, 2 * CELL_MARGIN / 20, size_pt)
        edges = [round(sum(widths_pt[:c]) * 20) for c in range(grid.cols + 1)]
        edges[-1] = self.text_width
        col_w = [max(edges[c + 1] - edges[c], 1) for c in range(grid.cols)]
        narrowest = min(col_w)
        margin = CELL_MARGIN if narrowest >= 4 * CELL_MARGIN else narrowest // 8
        room = (narrowest - 2 * margin) // 10  # in half-points
        self._cell_size = str(max(2, room * 95 // 100)) if room < half_points else None
        tbl = etree.SubElement(self.body, w("tbl"))
        tbl_pr = etree.SubElement(tbl, w("tblPr"))
        etree.SubElement(tbl_pr, w("tblStyle")).set(W_VAL, self.styles["TableGrid"])
        tbl_w = etree.SubElement(tbl_pr, w("tblW"))
        tbl_w.set(w("w"), str(self.text_width))
        tbl_w.set(w("type"), "dxa")
        etree.SubElement(tbl_pr, w("tblLayout")).set(w("type"), "fixed")
        if margin != CELL_MARGIN:  # narrow columns: narrow margins, so text still has room
            margins = etree.SubElement(tbl_pr, w("tblCellMar"))
            for side in ("left", "right"):
                side_margin = etree.SubElement(margins, w(side))
                side_margin.set(w("w"), str(margin))
                side_margin.set(w("type"), "dxa")
        etree.SubElement(tbl_pr, w("tblLook")).set(W_VAL, "04A0")
        tbl_grid = etree.SubElement(tbl, w("tblGrid"))
        for width in col_w:
            etree.SubElement(tbl_grid, w("gridCol")).set(w("w"), str(width))
        origin_at = grid.origin_at()
        text_size = int(self._cell_size) / 2 if self._cell_size else size_pt
        groups = views.group_rows(grid)
        for r in range(grid.rows):
            tr = etree.SubElement(tbl, w("tr"))
            tr_pr = etree.Element(w("trPr"))
            if self._row_fits_a_page(grid, r, col_w, margin, text_size, measure):
                etree.SubElement(tr_pr, w("cantSplit"))
            if r < grid.header_rows:
                etree.SubElement(tr_pr, w("tblHeader"))
            if len(tr_pr):
                tr.append(tr_pr)
            c = 0
            while c < grid.cols:
                cell = origin_at[(r, c)]
                span_w = sum(col_w[cell.col:cell.col + cell.colspan])
                if cell.row == r:
                    self._tc(tr, cell, span_w, "restart" if cell.rowspan > 1 else None, r in groups)
                else:
                    self._tc(tr, cell, span_w, "continue")
                c += cell.colspan

    def _row_fits_a_page(self, grid, r, col_w, margin, size, measure) -> bool:
        """Whether row ``r``'s cells (those of one row) fit in nine tenths of a page: such a
        row is kept whole; a taller one may break (else Word cuts it off at the page end)."""
        scale = size / (2 * self._size("TableText", TABLE_PT)) or 1.0
        tallest = 0.0
        for cell in grid.cells[r]:
            if cell.rowspan != 1:
                continue
            room = (sum(col_w[cell.col:cell.col + cell.colspan]) - 2 * margin) / 20
            lines = sum(max(len(break_lines(t, lambda u, c=cell: measure(c, u) * scale, room)), 1)
                        for t in cell.lines) or 1
            tallest = max(tallest, lines * size * 1.3)
        return tallest < 0.9 * 225 * 72 / 25.4

    def _not_drawn(self, el):
        """Drawn by its table."""

    visit_row = visit_cell = _not_drawn

    def _tc(self, tr, cell: views.GridCell, width: int, vmerge: str | None, keep_next: bool = False) -> None:
        """A cell; ``keep_next``: a group's row, its paragraphs kept with the next row."""
        tc = etree.SubElement(tr, w("tc"))
        tc_pr = etree.SubElement(tc, w("tcPr"))
        tc_w = etree.SubElement(tc_pr, w("tcW"))
        tc_w.set(w("w"), str(width))
        tc_w.set(w("type"), "dxa")
        if cell.colspan > 1:
            etree.SubElement(tc_pr, w("gridSpan")).set(W_VAL, str(cell.colspan))
        if vmerge == "restart":
            etree.SubElement(tc_pr, w("vMerge")).set(W_VAL, "restart")
        elif vmerge == "continue":
            etree.SubElement(tc_pr, w("vMerge"))
        etree.SubElement(tc_pr, w("vAlign")).set(W_VAL, "center")
        if vmerge == "continue":  # the merged cell's text is in its first row
            self._p("TableText", tc)
            return
        style = "TableHeading" if cell.header else "TableText"
        for line in cell.lines or ("",):
            p = self._p(style, tc)
            if keep_next:  # a table style's paragraph: it has its pPr
                ooxml.sub_element(p.find(w("pPr")), w("keepNext"))
            self._run(p, line)
        if self._cell_size is not None:
            for run in tc.iter(w("r")):
                rpr = etree.Element(w("rPr"))
                for tag in ("sz", "szCs"):
                    etree.SubElement(rpr, w(tag)).set(W_VAL, self._cell_size)
                run.insert(0, rpr)

    # ------------------------------------------------------------ output

    def _core_properties(self) -> None:
        cp = self.doc.core_properties
        el = cp._element
        for child in list(el):
            el.remove(child)
        meta = {name: (ir.meta_value(self.tree, name) or "").strip()
                for name in ("title", "publisher", "date", "url", "site")}
        cp.title = _clip(meta["title"])
        cp.author = _clip(meta["publisher"])
        if self.opts.subject:
            cp.subject = _clip(self.opts.subject)
        if self.opts.keywords:
            cp.keywords = _clip(self.opts.keywords)
        cp.language = "zh-CN"
        if meta["url"]:
            cp.identifier = _clip(meta["url"])
        if meta["site"]:
            cp.comments = _clip(f"网站：{meta['site']}")
        cp.revision = 1
        created = modified = None
        if meta["date"]:
            try:
                d = dt.date.fromisoformat(meta["date"])  # midnight in China, as the PDF says it
                created = dt.datetime(d.year, d.month, d.day, tzinfo=CHINA).astimezone(dt.timezone.utc).replace(tzinfo=None)
            except ValueError:
                pass
        epoch = self.settings.source_date_epoch
        if epoch is not None:
            modified = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
            created = created or modified
        modified = modified or created
        if created is not None:
            cp.created = created
            cp.modified = modified

    def _separate_tables(self) -> None:
        """An empty paragraph between two tables (Word would join them) and after a final table."""
        previous = None
        for child in list(self.body):
            if child.tag == w("tbl") and previous is not None and previous.tag == w("tbl"):
                child.addprevious(etree.SubElement(self.body, w("p")))
            previous = child
        if previous is not None and previous.tag == w("tbl"):
            etree.SubElement(self.body, w("p"))

    def to_bytes(self) -> bytes:
        self._separate_tables()
        if self.sect_pr is not None:
            self.body.append(self.sect_pr)
        self._core_properties()
        template = self.template
        return deterministic_zip(_package_parts(self.doc.part.package, template.shared_items), template.members)


def render(tree: etree._Element, settings=None) -> bytes:
    """The IR ``tree`` (a schema-valid ``<report>``) as DOCX bytes."""
    if settings is None:
        from ..config import Settings  # noqa: PLC0415

        settings = Settings()
    writer = DocxWriter(settings)
    writer.visit(tree)
    return writer.to_bytes()
