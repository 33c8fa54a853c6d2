"""The DOCX writer: the IR as an editable Word document in the GB/T 9704 official-document layout.

Looks come from a reference document (``templates/reference.docx``, or the user's own via
``settings.docx.reference_docx``), as with pandoc: its styles, page setup and footers are
kept, its body is replaced. The writer only names styles:

- the title is ``Title``; publisher and date go in one ``Subtitle`` line under it;
- a section's heading is ``Heading 1``…``Heading 4`` by its level (deeper levels use
  ``Heading 4``), so Word's navigation pane shows the outline; its text starts with the label
  from the IR (``一、`` ``（一）`` ``1.`` ``（1）``);
- body paragraphs are ``Normal`` (first line indented two characters by the style); inline
  enumeration labels (一是…) are part of the text;
- a run-in head becomes a heading paragraph followed by its body (``docx.runin: split``) or
  stays in the paragraph as a ``Run-in Heading N`` span (``keep``);
- tables are Word tables (``Table Grid``, cells ``Table Text``/``Table Heading``) with merged
  cells kept; list entries are ``List Paragraph`` with their marker in the text; a figure is
  embedded when ``src`` is a readable local image, else a ``Figure`` placeholder line linked
  to the reference.

With ``docx.numbering: native`` the heading styles are bound to a Word numbering definition
(``chineseCounting`` ``%1、`` / ``（%2）``, decimal ``%3.`` / ``（%4）``) and the label is left
out of the heading text; a heading whose IR label the numbering would not reproduce (a gap,
a restart, an unnumbered or deeper heading) keeps its literal label and is taken out of the
list, so the rendered labels are always the IR's.

The text read back from the document (paragraphs and table rows, title lines excluded) is
``writers.text.body_lines``. Output is deterministic: fixed zip entry times and order, and
core-property dates from the report's date or ``SOURCE_DATE_EPOCH``.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Mapping
from urllib.parse import quote, urlsplit

from lxml import etree

from .. import ir
from ..errors import RenderError
from ..linebreak import balanced_lines
from .base import Visitor
from .images import image_folders, image_source

# python-docx is imported lazily (in _open_document), so importing this module is cheap.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RT_FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


W_VAL = w("val")
THEME_FONT_ATTRS = tuple(w(a) for a in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme"))
FONT_SLOTS = tuple(w(a) for a in ("ascii", "eastAsia", "hAnsi", "cs"))

# Styles the writer uses: our key (the shipped template's style id) → style name in Word.
STYLE_NAMES = {
    "Normal": "Normal",
    "Title": "Title",
    "Subtitle": "Subtitle",
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
    "TableText": "Table Text",
    "TableHeading": "Table Heading",
    "TableGrid": "Table Grid",
    "Hyperlink": "Hyperlink",
    "Footer": "footer",
}

# Style key → font role of ``settings.fonts`` (the template generator uses the same table).
STYLE_ROLES = {
    "Normal": "body",
    "Title": "title",
    "Subtitle": "heading2",
    "Heading1": "heading1",
    "Heading2": "heading2",
    "Heading3": "heading3",
    "Heading4": "heading4",
    "RunInHeading1": "heading1",
    "RunInHeading2": "heading2",
    "RunInHeading3": "heading3",
    "RunInHeading4": "heading4",
    "Footer": "page_number",
}

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

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_COLUMNS = 63  # Word's limit; a colspan beyond it (broken HTML) is cut
TEXT_SPECIALS = re.compile(r"(\t|\r\n|\n|\r)")
RUNIN_END = ("。", "！", "？", "：")
TITLE_PT = 22  # 2号, when the Title style names no size


# --------------------------------------------------------------------------- zip, template


def deterministic_zip(parts: Mapping[str, bytes]) -> bytes:
    """A zip of ``parts`` with fixed entry times, attributes and order ([Content_Types].xml first)."""
    order = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()


def _zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@lru_cache(maxsize=1)
def shipped_template() -> bytes:
    """The bytes of the shipped ``templates/reference.docx`` (read once per process)."""
    return resources.files("pipeline").joinpath("templates/reference.docx").read_bytes()


@lru_cache(maxsize=8)
def _user_template(path: str, _mtime_ns: int, _size: int) -> bytes:
    return Path(path).read_bytes()


def template_bytes(path: Path | str | None) -> bytes:
    """The reference document's bytes: the shipped one, or ``path`` (cached while unchanged)."""
    if path is None:
        return shipped_template()
    try:
        st = os.stat(path)
        return _user_template(str(path), st.st_mtime_ns, st.st_size)
    except OSError as exc:
        raise RenderError(f"{path}: cannot read reference docx: {exc.strerror}") from None


def _open_document(data: bytes, where: str):
    import docx  # noqa: PLC0415 - heavy import kept out of module import

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for a bad package
        raise RenderError(f"{where}: not a usable reference docx: {exc}") from None


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


def _cn_date(iso: str) -> str:
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"


def _link_target(href: str | None) -> str | None:
    """The relationship target for a link, or None when it is not worth a hyperlink."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    if scheme in ("javascript", "vbscript", "data"):
        return None
    return quote(href, safe=":/?#[]@!$&'()*+,;=%~")


def _clip(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- the writer


class DocxWriter(Visitor):
    """Builds the document body from the IR into a copy of the reference document."""

    def __init__(self, settings):
        self.settings = settings
        self.opts = settings.docx
        ref = self.opts.reference_docx
        self.doc = _open_document(template_bytes(ref), str(ref) if ref else "reference.docx")
        self.part = self.doc.part
        self.body = self.doc.element.body
        self.native = self.opts.numbering == "native"
        self.meta: dict[str, str] = {}
        self._para = None  # the w:p inline content is written into
        self._rstyle: str | None = None  # run style for inline text (run-in heads)
        self._counters = [0] * 5  # native numbering, as Word counts it: index = level
        self._cells: dict = {}  # IR cell → (its w:tr, colspan, rowspan), while a table is built
        self._image_folders: tuple[Path | None, Path | None] | None = None  # on the first figure

        sect = self.body.findall(w("sectPr"))
        self.sect_pr = sect[-1] if sect else None
        for child in list(self.body):
            self.body.remove(child)
        self.text_width = self._text_width()
        self.styles = self._resolve_styles()
        self._apply_fonts(ref is None)
        self._setup_numbering()

    # ------------------------------------------------------------ set-up

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

    def _title_measure(self):
        """Widths in points of title text in the Title style's size (full-width = 1 em)."""
        style = self.doc.styles.element.find(f"{w('style')}[@{w('styleId')}='{self.styles['Title']}']")
        size = style.find(f"{w('rPr')}/{w('sz')}") if style is not None else None
        em = int(size.get(W_VAL)) / 2 if size is not None else TITLE_PT
        # Ambiguous-width marks (“ ” …) are full width in Chinese faces.
        return lambda unit: sum(em if unicodedata.east_asian_width(c) in "WFA" else em * 0.55 for c in unit)

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
        self._style_elements = {
            key: root.find(f"{w('style')}[@{w('styleId')}='{sid}']") for key, sid in resolved.items()
        }
        return resolved

    def _apply_fonts(self, shipped: bool) -> None:
        """Write the configured faces into the styles' East Asian (and other) font slots.

        With the shipped template every role is written; with a user's reference document only
        the roles the configuration names explicitly, so its own looks stand otherwise.
        """
        fonts = self.settings.fonts
        roles = set(type(fonts).model_fields) if shipped else set(fonts.model_fields_set)
        if not roles:
            return
        faces = []
        for key, role in STYLE_ROLES.items():
            if role not in roles:
                continue
            face = getattr(fonts, role)
            faces.append(face)
            style = self._style_elements[key]
            rpr = style.find(w("rPr"))
            if rpr is None:
                rpr = etree.SubElement(style, w("rPr"))
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
            rfonts = etree.SubElement(rpr, w("rFonts"))
            first = rpr[0]
            rpr.insert(1 if first.tag == w("rStyle") and first is not rfonts else 0, rfonts)  # after rStyle
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
        heading_styles = [self._style_elements[f"Heading{n}"] for n in range(1, 5)]
        for style in heading_styles:
            ppr = style.find(w("pPr"))
            num_pr = ppr.find(w("numPr")) if ppr is not None else None
            if num_pr is not None:
                ppr.remove(num_pr)
        if not self.native:
            return
        numbering = self.part.numbering_part.element
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
            self._native_indent(etree.SubElement(etree.SubElement(lvl, w("pPr")), w("ind")))
        first_num = numbering.find(w("num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            existing = numbering.findall(w("abstractNum"))
            if existing:
                existing[-1].addnext(abstract)
            else:
                numbering.insert(0, abstract)
        num = etree.SubElement(numbering, w("num"))
        num.set(w("numId"), str(self.num_id))
        etree.SubElement(num, w("abstractNumId")).set(W_VAL, str(abstract_id))
        for level, style in enumerate(heading_styles, start=1):
            style_ppr = style.get_or_add_pPr()
            num_pr = style_ppr.get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = level - 1
            num_pr.get_or_add_numId().val = self.num_id

    @staticmethod
    def _native_indent(ind) -> None:
        """Headings under native numbering: first line indented two characters, like body text."""
        ind.set(w("left"), "0")
        ind.set(w("firstLineChars"), "200")
        ind.set(w("firstLine"), "640")

    # ------------------------------------------------------------ building blocks

    def _p(self, key: str, parent=None):
        p = etree.SubElement(self.body if parent is None else parent, w("p"))
        if key != "Normal":
            ppr = etree.SubElement(p, w("pPr"))
            etree.SubElement(ppr, w("pStyle")).set(W_VAL, self.styles[key])
        return p

    def _run(self, parent, text: str | None, rstyle: str | None = None) -> None:
        if not text:
            return
        r = etree.SubElement(parent, w("r"))
        if rstyle:
            etree.SubElement(etree.SubElement(r, w("rPr")), w("rStyle")).set(W_VAL, rstyle)
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
        rid = self.part.relate_to(target, RT_HYPERLINK, is_external=True)
        link = etree.SubElement(parent, w("hyperlink"))
        link.set(f"{{{R_NS}}}id", rid)
        link.set(w("history"), "1")
        self._run(link, text, self.styles["Hyperlink"])

    def _inline(self, el, para) -> None:
        """Text, items and links of an inline container, as runs of ``para``."""
        outer, self._para = self._para, para
        self._run(para, el.text, self._rstyle)
        for child in el:
            if isinstance(child.tag, str):
                self.visit(child)
            self._run(para, child.tail, self._rstyle)
        self._para = outer

    # ------------------------------------------------------------ document and metadata

    def visit_report(self, el):
        self.tree = el
        self.visit_children(el)

    def visit_meta(self, el):
        self.visit_children(el)
        title = self.meta.get("title", "")
        if title.strip():
            self._run(self._p("Title"), "\n".join(balanced_lines(title, self._title_measure(), 0.95 * self.text_width / 20)))
        line = "\u3000".join(
            part for part in (self.meta.get("publisher", ""), _cn_date(self.meta.get("date", ""))) if part.strip()
        )
        if line:
            self._run(self._p("Subtitle"), line)

    def _keep_meta(self, el):
        self.meta[el.tag] = (el.text or "").strip()

    visit_title = visit_publisher = visit_date = visit_site = visit_url = _keep_meta

    def visit_source(self, el):
        name = el.get("name")
        if name:
            self.meta["source"] = name

    def visit_body(self, el):
        self.visit_children(el)

    def _not_printed(self, el):
        """Audit lists and diagnostics are not part of the document."""

    visit_removed = visit_chrome = visit_diagnostics = visit_diagnostic = _not_printed

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
        if not ir.heading_line(section).strip():
            return
        level = min(int(section.get("level")), 4)
        p = self._p(f"Heading{level}")
        if self._numbered_natively(section):
            self._inline(el, p)
            return
        if self.native:  # a literal label: keep this paragraph out of the style's list,
            ppr = p.find(w("pPr"))  # indented as the numbered headings are
            etree.SubElement(etree.SubElement(ppr, w("numPr")), w("numId")).set(W_VAL, "0")
            self._native_indent(etree.SubElement(ppr, w("ind")))
        self._run(p, section.get("label", ""))
        self._inline(el, p)

    def _runin_paragraph(self, section, heading, p_el):
        """``runin: keep``: the head as a styled span at the start of its paragraph."""
        level = min(int(section.get("level")), 4)
        para = self._p("Normal")
        self._rstyle = self.styles[f"RunInHeading{level}"]
        self._run(para, section.get("label", ""), self._rstyle)
        self._inline(heading, para)
        if not ir.text_of(heading).endswith(RUNIN_END):
            self._run(para, "。", self._rstyle)
        self._rstyle = None
        self._inline(p_el, para)

    # ------------------------------------------------------------ paragraphs and inline

    def visit_p(self, el):
        if not ir.text_of(el).strip():
            return
        self._inline(el, self._p("Normal"))

    def visit_item(self, el):
        self._run(self._para, el.get("label", ""), self._rstyle)
        self._inline(el, self._para)

    def visit_link(self, el):
        self._hyperlink(self._para, el.get("href"), el.text or "", self._rstyle)

    # ------------------------------------------------------------ lists and figures

    def visit_list(self, el):
        self.visit_children(el)

    def visit_li(self, el):
        parent = el.getparent()
        marker = f"{parent.index(el) + 1}. " if parent.get("ordered") else "• "
        p = self._p("ListParagraph")
        self._run(p, marker)
        self._inline(el, p)

    def visit_figure(self, el):
        src = el.get("src", "")
        alt = el.get("alt") or ""
        if self._embed_image(src, alt):
            return
        p = self._p("Figure")
        self._hyperlink(p, src, f"[图：{alt}]" if alt else f"[图：{src}]")

    def _embed_image(self, src: str, alt: str) -> bool:
        from docx.image.exceptions import UnrecognizedImageError  # noqa: PLC0415

        if self._image_folders is None:
            self._image_folders = image_folders(self.tree, self.settings)
        source = image_source(src, self._image_folders)
        if source is None:
            return False
        try:
            _rid, image = self.part.get_or_add_image(source)
            if hasattr(source, "seek"):
                source.seek(0)
            max_w = self.text_width * 635  # twips → EMU
            max_h = 225 * 36000 * 9 // 10  # nine tenths of the 225 mm block, in EMU
            width, height = image.width, image.height
            if width > max_w:
                width, height = max_w, height * max_w // width
            if height > max_h:
                width, height = width * max_h // height, max_h
            inline = self.part.new_pic_inline(source, width, height)
        except (UnrecognizedImageError, OSError, ValueError, ZeroDivisionError, KeyError):
            return False
        doc_pr = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
        if doc_pr is not None:
            if alt:
                doc_pr.set("descr", alt)
            doc_pr.set("title", src if len(src) < 256 else src[:255])
        run = etree.SubElement(self._p("Figure"), w("r"))
        etree.SubElement(run, w("drawing")).append(inline)
        return True

    # ------------------------------------------------------------ tables

    def visit_table(self, el):
        rows = [r for r in el if r.tag == "row"]
        occupied: dict[tuple[int, int], tuple[int, int]] = {}  # (row, col) → origin
        spans: dict[tuple[int, int], tuple[int, int]] = {}  # origin → (colspan, rowspan)
        origin_cells: dict[tuple[int, int], etree._Element] = {}
        for r, row in enumerate(rows):
            c = 0
            for cell in row:
                if cell.tag != "cell":
                    continue
                while (r, c) in occupied:
                    c += 1
                colspan = min(max(1, int(cell.get("colspan", "1"))), MAX_COLUMNS)
                rowspan = min(max(1, int(cell.get("rowspan", "1"))), len(rows) - r)
                width = 0
                while width < colspan and (r, c + width) not in occupied:
                    width += 1
                for rr in range(r, r + rowspan):
                    for cc in range(c, c + width):
                        occupied[(rr, cc)] = (r, c)
                spans[(r, c)] = (width, rowspan)
                origin_cells[(r, c)] = cell
                c += width
        ncols = max((c for _r, c in occupied), default=0) + 1
        col_w = self.text_width // ncols

        tbl = etree.SubElement(self.body, w("tbl"))
        tbl_pr = etree.SubElement(tbl, w("tblPr"))
        etree.SubElement(tbl_pr, w("tblStyle")).set(W_VAL, self.styles["TableGrid"])
        tbl_w = etree.SubElement(tbl_pr, w("tblW"))
        tbl_w.set(w("w"), "5000")
        tbl_w.set(w("type"), "pct")
        look = etree.SubElement(tbl_pr, w("tblLook"))
        look.set(W_VAL, "04A0")
        grid = etree.SubElement(tbl, w("tblGrid"))
        for _ in range(ncols):
            etree.SubElement(grid, w("gridCol")).set(w("w"), str(col_w))

        leading_header = True
        self._table = (tbl, occupied, spans, origin_cells, ncols, col_w)
        for r, row in enumerate(rows):
            cells = [c for c in row if c.tag == "cell"]
            is_header = bool(cells) and all(c.get("header") == "true" for c in cells)
            leading_header = leading_header and is_header
            self._row = (r, leading_header)
            self.visit(row)

    def visit_row(self, el):
        tbl, occupied, spans, origin_cells, ncols, col_w = self._table
        r, repeat = self._row
        tr = etree.SubElement(tbl, w("tr"))
        tr_pr = etree.SubElement(tr, w("trPr"))
        c = 0
        left = None  # (w:tc, origin) of the cell this row started just before column c
        while c < ncols:
            origin = occupied.get((r, c))
            if origin is None:
                if all((r, cc) not in occupied for cc in range(c, ncols)):
                    if tr.find(w("tc")) is not None:
                        etree.SubElement(tr_pr, w("gridAfter")).set(W_VAL, str(ncols - c))
                    else:  # a row without cells still needs one
                        self._tc(tr, ncols - c, col_w, None, None)
                    break
                # A hole: the row's cells ran out before a cell merged down from above.
                if left is not None and self._widen(left, c, occupied, spans, col_w):
                    c += 1
                    continue
                pad = self._tc(tr, 1, col_w, None, None)
                etree.SubElement(pad.find(w("tcPr")), w("hideMark"))  # not an IR cell
                left = None
                c += 1
                continue
            colspan, rowspan = spans[origin]
            if origin[0] == r:
                self._cells[origin_cells[origin]] = (tr, colspan, rowspan)
                self.visit(origin_cells[origin])
                left = (tr[-1], origin)
            else:
                self._tc(tr, colspan, col_w, "continue", None)
                left = None
            c += colspan
        if repeat:
            etree.SubElement(tr_pr, w("tblHeader"))
        if len(tr_pr) == 0:
            tr.remove(tr_pr)

    def visit_cell(self, el):
        tr, colspan, rowspan = self._cells.pop(el)
        col_w = self._table[5]
        style = "TableHeading" if el.get("header") == "true" else "TableText"
        self._tc(tr, colspan, col_w, "restart" if rowspan > 1 else None, (el.text or "", style))

    def _tc(self, tr, colspan: int, col_w: int, vmerge: str | None, content):
        tc = etree.SubElement(tr, w("tc"))
        tc_pr = etree.SubElement(tc, w("tcPr"))
        tc_w = etree.SubElement(tc_pr, w("tcW"))
        tc_w.set(w("w"), str(col_w * colspan))
        tc_w.set(w("type"), "dxa")
        if colspan > 1:
            etree.SubElement(tc_pr, w("gridSpan")).set(W_VAL, str(colspan))
        if vmerge == "restart":
            etree.SubElement(tc_pr, w("vMerge")).set(W_VAL, "restart")
        elif vmerge == "continue":
            etree.SubElement(tc_pr, w("vMerge"))
        etree.SubElement(tc_pr, w("vAlign")).set(W_VAL, "center")
        text, style = content if content else ("", "TableText")
        lines = [" ".join(line.split()) for line in text.split("\n")]
        lines = [line for line in lines if line] or [""]
        for line in lines:
            self._run(self._p(style, tc), line)
        return tc

    @staticmethod
    def _widen(left, c: int, occupied, spans, col_w: int) -> bool:
        """Widen the cell left of a hole at column ``c`` over it, in every row the cell spans."""
        tc, origin = left
        colspan, rowspan = spans[origin]
        rows = range(origin[0], origin[0] + rowspan)
        if any((rr, c) in occupied for rr in rows):
            return False
        for rr in rows:
            occupied[(rr, c)] = origin
        spans[origin] = (colspan + 1, rowspan)
        tc_pr = tc.find(w("tcPr"))
        span = tc_pr.find(w("gridSpan"))
        if span is None:
            span = etree.SubElement(tc_pr, w("gridSpan"))
            tc_pr.find(w("tcW")).addnext(span)
        span.set(W_VAL, str(colspan + 1))
        tc_pr.find(w("tcW")).set(w("w"), str(col_w * (colspan + 1)))
        return True

    # ------------------------------------------------------------ output

    def _core_properties(self) -> None:
        cp = self.doc.core_properties
        el = cp._element
        for child in list(el):
            el.remove(child)
        cp.title = _clip(self.meta.get("title", ""))
        cp.author = _clip(self.meta.get("publisher", ""))
        if self.opts.subject:
            cp.subject = _clip(self.opts.subject)
        if self.opts.keywords:
            cp.keywords = _clip(self.opts.keywords)
        cp.language = "zh-CN"
        if self.meta.get("url"):
            cp.identifier = _clip(self.meta["url"])
        if self.meta.get("site"):
            cp.comments = _clip(f"网站：{self.meta['site']}")
        cp.revision = 1
        created = modified = None
        if self.meta.get("date"):
            try:
                d = dt.date.fromisoformat(self.meta["date"])
                created = dt.datetime(d.year, d.month, d.day)
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
        out = io.BytesIO()
        self.doc.save(out)
        return deterministic_zip(_zip_parts(out.getvalue()))


def render(tree: etree._Element, settings=None) -> bytes:
    """The IR ``tree`` (a schema-valid ``<report>``) as DOCX bytes."""
    if settings is None:
        from ..config import Settings  # noqa: PLC0415

        settings = Settings()
    writer = DocxWriter(settings)
    writer.visit(tree)
    return writer.to_bytes()
