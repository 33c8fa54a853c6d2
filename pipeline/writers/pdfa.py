"""Archival (PDF/A-2b) and tagged PDF: what the PDF writer adds to reportlab's file.

Three parts, used by ``writers.pdf``:

- ``flatten_picture``: a picture PDF/A would have to carry as a soft mask or in CMYK is set
  onto white (alpha, a transparent palette entry) or converted to RGB (CMYK), with Pillow,
  in memory. The page is white, so nothing visible changes, and the file holds no
  transparency at all.
- ``Tagger``: the structure of the document as the writer visits the IR (``Node``s in IR
  order: ``Document``, ``Title``, ``H1``–``H4``, ``P``, ``L``/``LI``/``Lbl``/``LBody``,
  ``Table``/``TR``/``TH``/``TD``, ``Figure``/``Caption``), and the marked-content operators
  (``BDC``/``EMC`` with an MCID per page, ``/Artifact`` for page numbers, table rules and
  repeated table headers) written into the content stream through reportlab's
  ``canvas.addLiteral`` while the writer draws.
- ``canvas_class``: reportlab's canvas, whose file is finished as reportlab writes it (no
  other library reads it back and writes it again). Archival: the header says PDF 1.7; the
  document info keeps its entries that are not empty but ``Trapped`` (PDF/A has no XMP for
  it); the catalog holds an XMP packet equivalent to that info (``xmp``, built with lxml:
  ``dc:title``, ``dc:creator``, ``xmp:CreateDate``, ``pdf:Producer`` …, ``pdfaid:part`` 2,
  ``pdfaid:conformance`` B) and an sRGB output intent with its ICC profile embedded (the
  bytes come from ``pipeline.colour``); pages carry no ``Trans``; every stream's data is
  followed by an EOL marker. Tagged: the catalog holds the structure tree
  (``StructTreeRoot``, a ``ParentTree`` entry per page, ``MarkInfo``) and each page its
  ``StructParents``. ``identified`` then sets the file identifier to a digest of the
  content, so the same input gives the same bytes.
"""
from __future__ import annotations

import hashlib
import io
import re
import zlib
from functools import lru_cache

from msgspec import Struct, field

#: The PDF/A part and conformance level the archival output claims.
PDFA_PART, PDFA_CONFORMANCE = 2, "B"
#: Types outside the PDF 1.7 standard structure types, and the standard type each stands for.
ROLE_MAP = {"Title": "P"}


# --- pictures -----------------------------------------------------------------------------

@lru_cache(maxsize=16)
def flatten_picture(data: bytes) -> bytes:
    """The picture without transparency and in RGB or grey: alpha (or a transparent palette
    entry) composited onto white, CMYK converted to RGB; the same bytes when there is
    nothing to change or Pillow cannot read or convert them."""
    from PIL import Image

    out = io.BytesIO()
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
        if alpha:
            rgba = image.convert("RGBA")
            flat = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
            flat.convert("L" if image.mode in ("L", "LA", "La") else "RGB").save(out, "PNG")
        elif image.mode == "CMYK":
            image.convert("RGB").save(out, "JPEG" if image.format == "JPEG" else "PNG", quality=95)
        else:
            return data
    except Exception:  # not a picture Pillow reads: left to the writer (its placeholder)
        return data
    return out.getvalue()


# --- structure ----------------------------------------------------------------------------

class Node(Struct, eq=False):
    """One structure element: its type, its content (``(page, mcid)`` marks, drawn first) and
    its child elements (after the marks, but for an inline one: among them, where its text is
    drawn), alt text and table attributes. A link (``target``) also holds its annotations."""

    role: str
    children: list["Node"] = field(default_factory=list)
    marks: list[tuple[int, int]] = field(default_factory=list)
    alt: str | None = None
    attributes: dict[str, object] = field(default_factory=dict)
    keep_empty: bool = False  # a table cell without text still holds its place
    inline: bool = False  # set in its parent's text (a Link): placed among the parent's marks
    after: int | None = None  # an inline element: how many of its parent's marks come before it
    target: str | None = None  # a Link's target
    objects: list[tuple[int, object, int]] = field(default_factory=list)  # a Link's annotations: (page, reference, parent-tree key)
    parent: "Node | None" = None

    def add(self, role: str, **kwargs) -> "Node":
        child = Node(role, parent=self, **kwargs)
        self.children.append(child)
        return child

    def empty(self) -> bool:
        return not self.marks and all(child.empty() for child in self.children) and not self.keep_empty


class Tagger:
    """The structure tree built while visiting, and the marked content written while drawing."""

    def __init__(self):
        self.root = Node("Document")
        self._next: dict[int, int] = {}  # page → next MCID
        self.keys = 0  # the parent tree's keys given out: each page's, then each annotation's as drawn
        self.page_keys: list[int] = []  # each page's key, in page order

    def key(self) -> int:
        """The next key of the parent tree (a page's ``StructParents``, an annotation's ``StructParent``)."""
        self.keys += 1
        return self.keys - 1

    def begin(self, canv, node: Node) -> None:
        page = canv.getPageNumber()
        mcid = self._next.get(page, 0)
        self._next[page] = mcid + 1
        if node.inline and node.after is None:
            node.after = len(node.parent.marks)
        node.marks.append((page, mcid))
        canv.addLiteral(f"/{node.role} <</MCID {mcid}>> BDC")

    def artifact(self, canv, kind: str = "Pagination") -> None:
        """Content that is not part of the document: page numbers (Pagination), rules (Layout)."""
        canv.addLiteral(f"/Artifact <</Type /{kind}>> BDC")

    def end(self, canv) -> None:
        canv.addLiteral("EMC")


# --- the finished file --------------------------------------------------------------------

#: The header's version of an archival file: PDF/A-2 is based on PDF 1.7 (ISO 32000-1), and
#: the file uses what came after reportlab's 1.3 (output intents, XMP metadata, tab order).
PDF_VERSION = (1, 7)
#: The attribute of a reportlab document whose streams each end with an EOL marker before
#: ``endstream`` (ISO 19005-2, 6.1.7.1; reportlab writes the keyword right after the data).
EOL_BEFORE_ENDSTREAM = "pipeline_eol_before_endstream"


class OutputIntent(Struct, frozen=True):
    """The output intent's ICC profile and the name of its condition."""

    profile: bytes
    identifier: str
    components: int = 3


@lru_cache(maxsize=4)
def _compressed(profile: bytes) -> bytes:
    return zlib.compress(profile, 9)


def _stream_format(self, document):
    """reportlab's ``PDFStream.format`` (``__wrapped__``), with an EOL marker between the data
    and ``endstream`` in a document marked ``EOL_BEFORE_ENDSTREAM`` (the stream's ``Length``
    still counts the data only)."""
    written = _stream_format.__wrapped__(self, document)
    if getattr(document, EOL_BEFORE_ENDSTREAM, False) and written.endswith(b"endstream\n"):
        return written[:-10] + b"\nendstream\n"
    return written


@lru_cache(maxsize=None)
def canvas_class():
    """``FinishingCanvas``: reportlab's canvas, the file it writes archival and/or tagged."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFName, PDFObject, PDFStream, PDFString
    from reportlab.pdfgen.canvas import Canvas

    if PDFStream.format is not _stream_format:
        _stream_format.__wrapped__ = PDFStream.format
        PDFStream.format = _stream_format

    class ArchivalInfo(PDFInfo):
        """The document info as PDF/A has it: reportlab's entries but those left empty and
        ``Trapped`` (XMP has no property for it), the dates ``date`` (``entries``)."""

        def __init__(self, date: str):
            super().__init__()
            self.date = date

        def entries(self) -> dict[str, str]:
            found = {"/Title": self.title, "/Author": self.author, "/Subject": self.subject,
                     "/Keywords": self.keywords, "/Creator": self.creator, "/Producer": self.producer,
                     "/CreationDate": self.date, "/ModDate": self.date}
            return {key: value for key, value in found.items() if value}

        def format(self, document):
            return PDFDictionary({key[1:]: PDFString(value) for key, value in self.entries().items()}).format(document)

    class Metadata(PDFStream):
        """The XMP packet of the document info (``xmp``), made as the file is written (when the
        info is complete); not filtered, as PDF/A asks."""

        def __init__(self, info: ArchivalInfo):
            super().__init__(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}))
            self.info = info

        def format(self, document):
            self.content = xmp(self.info.entries())
            return super().format(document)

    class StructTreeRoot(PDFObject):
        """The structure tree of a tagger, made as the file is written (all pages drawn)."""

        def __init__(self, tagger: Tagger, pages: list):
            self.tagger, self.pages = tagger, pages

        def format(self, document):
            tree = _structure(document, document.Reference(self), self.tagger, self.pages)
            return PDFDictionary(tree).format(document)

    class FinishingCanvas(Canvas):
        """reportlab's canvas, whose file is finished as reportlab writes it. With an output
        intent it is PDF/A-2b: version 1.7, the document info of ``ArchivalInfo``, the
        catalog's ``OutputIntents`` (the profile deflated by zlib at level 9) and
        ``Metadata`` (the XMP packet), no ``Trans`` on the pages (reportlab writes an empty
        one), each stream's data followed by an EOL. With a tagger it is tagged: the catalog's
        ``StructTreeRoot`` and ``MarkInfo``, each page's ``StructParents`` and ``Tabs``. The
        file identifier is set afterwards (``identified``). ``date`` is the file's date
        (``D:YYYYMMDDHHmmSS+hh'mm'``)."""

        def __init__(self, *args, date: str, intent: OutputIntent | None = None,
                     tagger: Tagger | None = None, **kwargs):
            if intent is not None:
                kwargs["pdfVersion"] = PDF_VERSION
            super().__init__(*args, **kwargs)
            self._intent, self._tagger, self._page_refs = intent, tagger, []
            doc, catalog = self._doc, self._doc.Catalog
            if intent is not None:
                doc.info = ArchivalInfo(date)
                setattr(doc, EOL_BEFORE_ENDSTREAM, True)
                profile = PDFStream(PDFDictionary({"N": intent.components, "Filter": PDFName("FlateDecode")}),
                                    _compressed(intent.profile))
                output_intent = doc.Reference(PDFDictionary({
                    "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
                    "OutputConditionIdentifier": PDFString(intent.identifier),
                    "Info": PDFString(intent.identifier), "DestOutputProfile": profile}))
                # reportlab writes the catalog entries its class lists, OutputIntents not among them
                catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]
                self.setCatalogEntry("OutputIntents", [output_intent])
                self.setCatalogEntry("Metadata", Metadata(doc.info))
            if tagger is not None:
                self.setCatalogEntry("StructTreeRoot", StructTreeRoot(tagger, self._page_refs))
                self.setCatalogEntry("MarkInfo", {"Marked": "true"})
            self.setDateFormatter(lambda *_: date)

        def showPage(self):
            super().showPage()
            if self._intent is None and self._tagger is None:
                return
            page = self._doc.Pages[-1]  # the page just written
            if self._intent is not None:
                page.Trans = None
            if self._tagger is not None:
                # reportlab writes the page entries its class lists, these two not among them
                page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
                page.StructParents, page.Tabs = self._tagger.key(), PDFName("S")
                self._tagger.page_keys.append(page.StructParents)
                self._page_refs.append(self._doc.Reference(page))

    return FinishingCanvas


#: A trailer's file identifier as reportlab writes it: two strings of 16 bytes in hex.
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")


def identified(data: bytes) -> bytes:
    """The PDF ``data`` with both strings of its trailer's ``/ID`` the first 16 bytes of the
    SHA-256 of the file without that ``/ID`` entry: the same content, the same identifier;
    any other content, another one."""
    trailer = data.rfind(b"trailer")
    found = _TRAILER_ID.search(data, trailer) if trailer >= 0 else None
    if found is None:
        raise ValueError("the PDF has no file identifier in its trailer to set")
    view = memoryview(data)
    digest = hashlib.sha256(view[:found.start()])
    digest.update(view[found.end():])
    hexed = digest.hexdigest()[:32].encode("ascii")
    return b"".join((view[:found.start(1)], hexed, view[found.end(1):found.start(2)], hexed, view[found.end(2):]))


#: XMP namespaces by prefix.
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
#: Document info key → (XMP property, container: Alt (language alternatives), Seq, date, or plain).
XMP_OF_INFO = {
    "/Title": ("dc:title", "Alt"),
    "/Author": ("dc:creator", "Seq"),
    "/Subject": ("dc:description", "Alt"),
    "/Keywords": ("pdf:Keywords", ""),
    "/Creator": ("xmp:CreatorTool", ""),
    "/Producer": ("pdf:Producer", ""),
    "/CreationDate": ("xmp:CreateDate", "date"),
    "/ModDate": ("xmp:ModifyDate", "date"),
}
XPACKET_ID = "W5M0MpCehiHzreSzNTczkc9d"  # the fixed id of every XMP packet (XMP part 1, 7.3.2)


#: A document info date as the writer makes it (``pdf.pdf_date``): D:YYYYMMDDHHmmSS+hh'mm'.
_PDF_DATE = re.compile(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)'(\d\d)'")


def xmp_date(value: str) -> str:
    """The document info date ``value`` (D:YYYYMMDDHHmmSS+hh'mm') in XMP form (ISO 8601:
    YYYY-MM-DDTHH:mm:SS+hh:mm)."""
    found = _PDF_DATE.fullmatch(value)
    if found is None:
        raise ValueError(f"not a date of the form D:YYYYMMDDHHmmSS+hh'mm': {value!r}")
    year, month, day, hour, minute, second, sign, zone_hours, zone_minutes = found.groups()
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{sign}{zone_hours}:{zone_minutes}"


def xmp(info: dict[str, str]) -> bytes:
    """The XMP packet equivalent to the document info (ISO 19005-2, 6.6.3): each entry as its
    XMP property (the author as the only creator, dates in XMP form), then the PDF/A
    identification. Built with lxml; writable in place (``end="w"``)."""
    from lxml import etree

    def q(name: str) -> str:
        prefix, local = name.split(":")
        return f"{{{NS[prefix]}}}{local}"

    root = etree.Element(q("x:xmpmeta"), nsmap={"x": NS["x"]})
    rdf = etree.SubElement(root, q("rdf:RDF"), nsmap={"rdf": NS["rdf"]})
    desc = etree.SubElement(rdf, q("rdf:Description"), {q("rdf:about"): ""},
                            nsmap={k: v for k, v in NS.items() if k not in ("x", "rdf")})
    for key, (name, kind) in XMP_OF_INFO.items():
        value = info.get(key)
        if not value:
            continue
        prop = etree.SubElement(desc, q(name))
        if kind in ("Alt", "Seq"):
            item = etree.SubElement(etree.SubElement(prop, q(f"rdf:{kind}")), q("rdf:li"))
            if kind == "Alt":
                item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
            item.text = value
        elif kind == "date":
            prop.text = xmp_date(value)
        else:
            prop.text = value
    etree.SubElement(desc, q("pdfaid:part")).text = str(PDFA_PART)
    etree.SubElement(desc, q("pdfaid:conformance")).text = PDFA_CONFORMANCE
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return (f'<?xpacket begin="\ufeff" id="{XPACKET_ID}"?>\n'.encode()
            + body + b'<?xpacket end="w"?>')


def _structure(document, root, tagger: Tagger, pages: list) -> dict:
    """The entries of the structure tree root of ``tagger`` in the reportlab ``document``
    (``root``: a reference to the tree root; ``pages``: a reference to each page, in order):
    the elements with their marked-content and annotation references, the parent tree (a
    page's key → MCID → element, an annotation's key → its element) and the role map. The
    elements and the parent tree's arrays become indirect objects of ``document``."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString

    parents: dict[int, dict[int, object]] = {n: {} for n in range(1, len(pages) + 1)}
    annotated: dict[int, object] = {}  # an annotation's key → its element

    def element(node: Node, parent) -> object:
        elem = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(node.role), "P": parent})
        ref = document.Reference(elem)
        kids: list = []
        shown = [child for child in node.children if not child.empty()]
        inline = {}
        for child in shown:
            if child.inline and child.after is not None and child.after < len(node.marks):
                inline.setdefault(child.after, []).append(child)
        if node.marks:
            first = node.marks[0][0]
            elem["Pg"] = pages[first - 1]
            for i, (page, mcid) in enumerate(node.marks):
                kids += [element(child, ref) for child in inline.get(i, ())]
                parents[page][mcid] = ref
                kids.append(mcid if page == first else
                            PDFDictionary({"Type": PDFName("MCR"), "Pg": pages[page - 1], "MCID": mcid}))
        placed = {child for group in inline.values() for child in group}
        kids += [element(child, ref) for child in shown if child not in placed]
        for page, annotation, key in node.objects:
            annotated[key] = ref
            kids.append(PDFDictionary({"Type": PDFName("OBJR"), "Pg": pages[page - 1], "Obj": annotation}))
        if kids:
            elem["K"] = kids[0] if len(kids) == 1 else PDFArray(kids)
        if node.alt:
            elem["Alt"] = PDFString(node.alt)
        if node.attributes:
            elem["A"] = PDFDictionary({"O": PDFName("Table"), **{
                k: PDFName(v) if isinstance(v, str) else v for k, v in node.attributes.items()}})
        return ref

    top = element(tagger.root, root)
    entries = dict(annotated)
    for n, key in enumerate(tagger.page_keys):
        found = parents[n + 1]
        entries[key] = document.Reference(PDFArray([found[m] for m in range(len(found))]))
    nums: list = []
    for key in sorted(entries):
        nums += [key, entries[key]]
    return {
        "Type": PDFName("StructTreeRoot"),
        "K": top,
        "ParentTree": document.Reference(PDFDictionary({"Nums": PDFArray(nums)})),
        "ParentTreeNextKey": tagger.keys,
        "RoleMap": PDFDictionary({k: PDFName(v) for k, v in ROLE_MAP.items()}),
    }
