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
- ``finish``: reportlab's bytes opened with pikepdf (qpdf) and saved again with an XMP
  packet equivalent to the document info (``xmp``, built with lxml: ``dc:title``,
  ``dc:creator``, ``xmp:CreateDate``, ``pdf:Producer`` …, ``pdfaid:part`` 2,
  ``pdfaid:conformance`` B; the info entries PDF/A has no XMP for, and empty ones, are
  dropped), an sRGB output intent with its ICC profile embedded (the bytes come from
  ``pipeline.colour``), and, when tagged, the structure tree (``StructTreeRoot``, a
  ``ParentTree`` entry per page, ``MarkInfo``). Streams are copied as reportlab compressed
  them (no re-encoding: the step costs a millisecond or two), and the file identifier is a
  digest of the content, so the same input gives the same bytes.
"""
from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

#: The PDF/A part and conformance level the archival output claims.
PDFA_PART, PDFA_CONFORMANCE = 2, "B"
#: Types outside the PDF 1.7 standard structure types, and the standard type each stands for.
ROLE_MAP = {"Title": "P"}
#: Document info keys that have no XMP equivalent in PDF/A, dropped from the info.
INFO_DROPPED = ("/Trapped",)


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

@dataclass(eq=False)
class Node:
    """One structure element: its type, its content (``(page, mcid)`` marks, drawn first) and
    its child elements (after the marks), alt text and table attributes."""

    role: str
    children: list["Node"] = field(default_factory=list)
    marks: list[tuple[int, int]] = field(default_factory=list)
    alt: str | None = None
    attributes: dict[str, object] = field(default_factory=dict)
    keep_empty: bool = False  # a table cell without text still holds its place

    def add(self, role: str, **kwargs) -> "Node":
        child = Node(role, **kwargs)
        self.children.append(child)
        return child

    def empty(self) -> bool:
        return not self.marks and all(child.empty() for child in self.children) and not self.keep_empty


class Tagger:
    """The structure tree built while visiting, and the marked content written while drawing."""

    def __init__(self):
        self.root = Node("Document")
        self._next: dict[int, int] = {}  # page → next MCID

    def begin(self, canv, node: Node) -> None:
        page = canv.getPageNumber()
        mcid = self._next.get(page, 0)
        self._next[page] = mcid + 1
        node.marks.append((page, mcid))
        canv.addLiteral(f"/{node.role} <</MCID {mcid}>> BDC")

    def artifact(self, canv, kind: str = "Pagination") -> None:
        """Content that is not part of the document: page numbers (Pagination), rules (Layout)."""
        canv.addLiteral(f"/Artifact <</Type /{kind}>> BDC")

    def end(self, canv) -> None:
        canv.addLiteral("EMC")


# --- the finished file --------------------------------------------------------------------

@dataclass(frozen=True)
class OutputIntent:
    """The output intent's ICC profile and the name of its condition."""

    profile: bytes
    identifier: str
    components: int = 3


@lru_cache(maxsize=4)
def _compressed(profile: bytes) -> bytes:
    return zlib.compress(profile, 9)


def finish(data: bytes, *, archival: bool, intent: OutputIntent | None, tagger: Tagger | None) -> bytes:
    """reportlab's ``data`` made archival (PDF/A-2b) and/or tagged, as new bytes."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
        if tagger is not None:
            _structure(pdf, tagger)
        if archival:
            if intent is None:
                raise ValueError("an archival PDF needs an output intent")
            for page in pdf.pages:  # reportlab writes an empty /Trans: no transition, no need
                if Name.Trans in page.obj:
                    del page.obj[Name.Trans]
            info = pdf.docinfo
            for key in list(info.keys()):
                value = info[key]
                if key in INFO_DROPPED or (isinstance(value, pikepdf.String) and not str(value)):
                    del info[key]
            profile = pikepdf.Stream(pdf, b"")
            profile.write(_compressed(intent.profile), filter=Name.FlateDecode)
            profile.N = intent.components
            pdf.Root.OutputIntents = Array([pdf.make_indirect(Dictionary(
                Type=Name.OutputIntent, S=Name.GTS_PDFA1,
                OutputConditionIdentifier=pikepdf.String(intent.identifier),
                Info=pikepdf.String(intent.identifier),
                DestOutputProfile=profile,
            ))])
            pdf.Root.Metadata = pdf.make_stream(xmp({str(k): str(v) for k, v in info.items()}),
                                                Type=Name.Metadata, Subtype=Name.XML)
        out = io.BytesIO()
        # Streams copied as they are (reportlab compressed them; the XMP packet stays plain),
        # the XMP left as written, the identifier a digest of the content.
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve, fix_metadata_version=False,
                 deterministic_id=True, min_version="1.7" if archival else "")
    return out.getvalue()


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


def xmp(info: dict[str, str]) -> bytes:
    """The XMP packet equivalent to the document info (ISO 19005-2, 6.6.3): each entry as its
    XMP property (the author as the only creator, dates in XMP form), then the PDF/A
    identification. Built with lxml; writable in place (``end="w"``)."""
    from lxml import etree
    from pikepdf.models.metadata import decode_pdf_date

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
            prop.text = decode_pdf_date(value).isoformat()
        else:
            prop.text = value
    etree.SubElement(desc, q("pdfaid:part")).text = str(PDFA_PART)
    etree.SubElement(desc, q("pdfaid:conformance")).text = PDFA_CONFORMANCE
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return (f'<?xpacket begin="\ufeff" id="{XPACKET_ID}"?>\n'.encode()
            + body + b'<?xpacket end="w"?>')


def _structure(pdf, tagger: Tagger) -> None:
    """The structure tree of ``tagger`` in ``pdf``: elements, marked-content references, the
    parent tree (page → MCID → element), ``MarkInfo`` and the pages' ``StructParents``."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    pages = [page.obj for page in pdf.pages]
    parents: dict[int, dict[int, object]] = {n: {} for n in range(1, len(pages) + 1)}
    tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))

    def element(node: Node, parent) -> object:
        elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + node.role), P=parent))
        kids = []
        if node.marks:
            first = node.marks[0][0]
            elem.Pg = pages[first - 1]
            for page, mcid in node.marks:
                parents[page][mcid] = elem
                kids.append(mcid if page == first else
                            Dictionary(Type=Name.MCR, Pg=pages[page - 1], MCID=mcid))
        kids += [element(child, elem) for child in node.children if not child.empty()]
        if kids:
            elem.K = kids[0] if len(kids) == 1 else Array(kids)
        if node.alt:
            elem.Alt = pikepdf.String(node.alt)
        if node.attributes:
            elem.A = Dictionary(O=Name.Table, **{
                k: Name("/" + v) if isinstance(v, str) else v for k, v in node.attributes.items()})
        return elem

    tree_root.K = element(tagger.root, tree_root)
    nums = []
    for n, page in enumerate(pages):
        page.StructParents = n
        page.Tabs = Name.S
        found = parents[n + 1]
        nums += [n, pdf.make_indirect(Array([found[m] for m in range(len(found))]))]
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    tree_root.ParentTreeNextKey = len(pages)
    tree_root.RoleMap = Dictionary({"/" + k: Name("/" + v) for k, v in ROLE_MAP.items()})
    pdf.Root.StructTreeRoot = tree_root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
