"""OOXML knowledge shared by the DOCX writer and its tests.

- ``CHILD_ORDER``: the order the ECMA-376 transitional schema (5th edition) gives the children
  of the WordprocessingML elements the writer adds to or takes from a template, with
  ``insert_child`` (put a new child where the schema allows it) and ``sort_children``
  (reorder what a template wrote out of order).
- ``normalize_package``: a user's reference document made valid where its program wrote it
  otherwise (children out of order, a zoom without a percentage), a Word template (.dotx,
  .dotm) made a document.
- ``markup_compatibility``: ECMA-376 Part 3 applied to a part as a consumer does: elements and
  attributes of ``mc:Ignorable`` namespaces dropped, ``mc:AlternateContent`` resolved to the
  first ``mc:Choice`` whose namespaces are understood or else its ``mc:Fallback``.
- ``PackageValidator``: a DOCX (or any OPC package) checked against a directory of the
  ECMA-376 schemas (transitional WordprocessingML/DrawingML/VML, OPC content types,
  relationships and core properties, the Microsoft Word extension schemas), laid out as in
  ``../shared/ooxml-schemas`` (see its SOURCES.txt). The schemas are not shipped with the
  package; the tests use it.
"""
from __future__ import annotations

import copy
import io
import posixpath
import zipfile
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MC_ALTERNATE = f"{{{MC_NS}}}AlternateContent"
MC_ATTRS = tuple(f"{{{MC_NS}}}{a}" for a in ("Ignorable", "ProcessContent", "MustUnderstand", "PreserveElements",
                                                "PreserveAttributes"))


# --------------------------------------------------------------------------- schema order

# Children in schema order, by the local name of their WordprocessingML parent: the element
# sequence of the type named in CHILD_TYPES (groups and base types flattened; a choice's elements
# in the order the schema lists them, which is one valid order). ``pPr`` and ``rPr`` take the
# widest of their types (a paragraph's ``CT_PPr``, a paragraph mark's ``CT_ParaRPr``); the
# others are subsets in the same order. ``m:`` and ``sl:`` name elements of the math and
# schema-library namespaces. Written out from wml.xsd; a test compares it with the schema.
CHILD_TYPES = {
    "pPr": "CT_PPr",
    "rPr": "CT_ParaRPr",
    "style": "CT_Style",
    "styles": "CT_Styles",
    "docDefaults": "CT_DocDefaults",
    "numbering": "CT_Numbering",
    "abstractNum": "CT_AbstractNum",
    "lvl": "CT_Lvl",
    "num": "CT_Num",
    "sectPr": "CT_SectPr",
    "font": "CT_Font",
    "tblPr": "CT_TblPr",
    "trPr": "CT_TrPr",
    "tcPr": "CT_TcPr",
    "settings": "CT_Settings",
    "compat": "CT_Compat",
}
CHILD_ORDER: dict[str, tuple[str, ...]] = {
    "pPr": tuple((
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
        "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
        "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
        "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
        "rPr sectPr pPrChange"
    ).split()),
    "rPr": tuple((
        "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline "
        "shadow emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz "
        "szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish "
        "oMath rPrChange"
    ).split()),
    "style": tuple((
        "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed "
        "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr "
        "tblStylePr"
    ).split()),
    "styles": tuple("docDefaults latentStyles style".split()),
    "docDefaults": tuple("rPrDefault pPrDefault".split()),
    "numbering": tuple("numPicBullet abstractNum num numIdMacAtCleanup".split()),
    "abstractNum": tuple("nsid multiLevelType tmpl name styleLink numStyleLink lvl".split()),
    "lvl": tuple((
        "start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc pPr rPr"
    ).split()),
    "num": tuple("abstractNumId lvlOverride".split()),
    "sectPr": tuple((
        "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
        "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter "
        "docGrid printerSettings sectPrChange"
    ).split()),
    "font": tuple((
        "altName panose1 charset family notTrueType pitch sig embedRegular embedBold embedItalic "
        "embedBoldItalic"
    ).split()),
    "tblPr": tuple((
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription "
        "tblPrChange"
    ).split()),
    "trPr": tuple((
        "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
        "tblCellSpacing jc hidden ins del trPrChange"
    ).split()),
    "tcPr": tuple((
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
        "vAlign hideMark headers cellIns cellDel cellMerge tcPrChange"
    ).split()),
    "settings": tuple((
        "writeProtection view zoom removePersonalInformation removeDateAndTime "
        "doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText "
        "printFractionalCharacterWidth printFormsData embedTrueTypeFonts embedSystemFonts "
        "saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges bordersDoNotSurroundHeader "
        "bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors hideGrammaticalErrors "
        "activeWritingStyle proofState formsDesign attachedTemplate linkStyles stylePaneFormatFilter "
        "stylePaneSortMethod documentType mailMerge revisionView trackRevisions doNotTrackMoves "
        "doNotTrackFormatting documentProtection autoFormatOverride styleLockTheme styleLockQFSet "
        "defaultTabStop autoHyphenation consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps "
        "showEnvelope summaryLength clickAndTypeStyle defaultTableStyle evenAndOddHeaders "
        "bookFoldRevPrinting bookFoldPrinting bookFoldPrintingSheets drawingGridHorizontalSpacing "
        "drawingGridVerticalSpacing displayHorizontalDrawingGridEvery displayVerticalDrawingGridEvery "
        "doNotUseMarginsForDrawingGridOrigin drawingGridHorizontalOrigin drawingGridVerticalOrigin "
        "doNotShadeFormData noPunctuationKerning characterSpacingControl printTwoOnOne "
        "strictFirstAndLastChars noLineBreaksAfter noLineBreaksBefore savePreviewPicture "
        "doNotValidateAgainstSchema saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText "
        "doNotDemarcateInvalidXml saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags "
        "alwaysMergeEmptyNamespace updateFields hdrShapeDefaults footnotePr endnotePr compat docVars "
        "rsids m:mathPr attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats "
        "doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType "
        "sl:schemaLibrary shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator"
    ).split()),
    "compat": tuple((
        "useSingleBorderforContiguousCells wpJustification noTabHangInd noLeading spaceForUL "
        "noColumnBalance balanceSingleByteDoubleByteWidth noExtraLineSpacing doNotLeaveBackslashAlone "
        "ulTrailSpace doNotExpandShiftReturn spacingInWholePoints lineWrapLikeWord6 "
        "printBodyTextBeforeHeader printColBlack wpSpaceWidth showBreaksInFrames subFontBySize "
        "suppressBottomSpacing suppressTopSpacing suppressSpacingAtTopOfPage suppressTopSpacingWP "
        "suppressSpBfAfterPgBrk swapBordersFacingPages convMailMergeEsc truncateFontHeightsLikeWP6 "
        "mwSmallCaps usePrinterMetrics doNotSuppressParagraphBorders wrapTrailSpaces "
        "footnoteLayoutLikeWW8 shapeLayoutLikeWW8 alignTablesRowByRow forgetLastTabAlignment "
        "adjustLineHeightInTable autoSpaceLikeWord95 noSpaceRaiseLower "
        "doNotUseHTMLParagraphAutoSpacing layoutRawTableWidth layoutTableRowsApart "
        "useWord97LineBreakRules doNotBreakWrappedTables doNotSnapToGridInCell "
        "selectFldWithFirstOrLastChar applyBreakingRules doNotWrapTextWithPunct "
        "doNotUseEastAsianBreakRules useWord2002TableStyleRules growAutofit useFELayout "
        "useNormalStyleForList doNotUseIndentAsNumberingTabStop useAltKinsokuLineBreakRules "
        "allowSpaceOfSameStyleInTable doNotSuppressIndentation doNotAutofitConstrainedTables "
        "autofitToFirstFixedWidthCell underlineTabInNumList displayHangulFixedWidth "
        "splitPgBreakAndParaMark doNotVertAlignCellWithSp doNotBreakConstrainedForcedTable "
        "doNotVertAlignInTxbx useAnsiKerningPairs cachedColBalance compatSetting"
    ).split()),
}
QUALIFIED = {"m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
             "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main"}


_PREFIX = {uri: prefix for prefix, uri in QUALIFIED.items()}


def _name(el) -> str | None:
    """``el``'s name as CHILD_ORDER writes it (local name in WordprocessingML, else ``m:…``)."""
    if not isinstance(el.tag, str):
        return None
    qname = etree.QName(el)
    if qname.namespace == W_NS:
        return qname.localname
    prefix = _PREFIX.get(qname.namespace)
    return f"{prefix}:{qname.localname}" if prefix else None


@lru_cache(maxsize=None)
def _places(name: str | None) -> dict[str, int]:
    """The children of a WordprocessingML element ``name`` (None: not one) by their place in
    its schema order."""
    return {child: i for i, child in enumerate(CHILD_ORDER.get(name) or ())}


def _rank(parent: etree._Element):
    """child → its place in ``parent``'s schema order (None: an element the order does not know)."""
    index = _places(_name(parent) if etree.QName(parent).namespace == W_NS else None)
    return lambda child: index.get(_name(child))


def insert_child(parent: etree._Element, child: etree._Element) -> etree._Element:
    """``child`` put into ``parent`` where the schema order allows: after the last sibling that
    comes before it or with it (so repeated elements keep their order), else first.
    Children of other namespaces (extensions) stay where they are."""
    rank = _rank(parent)
    mine = rank(child)
    if mine is None:
        parent.append(child)
        return child
    position = 0
    for i, sibling in enumerate(parent):
        theirs = rank(sibling)
        if theirs is not None and theirs <= mine:
            position = i + 1
        elif theirs is None and position == i and i > 0:
            position = i + 1  # an extension right after our predecessor stays with it
    parent.insert(position, child)
    return child


def sub_element(parent: etree._Element, tag: str) -> etree._Element:
    """``etree.SubElement`` in schema order (``insert_child`` of a new element)."""
    return insert_child(parent, etree.Element(tag))


def sort_children(parent: etree._Element) -> bool:
    """Reorder ``parent``'s WordprocessingML children into schema order (stable; an element of
    another namespace moves with the known element before it). True when something moved."""
    rank = _rank(parent)
    children = list(parent)
    if not children:
        return False
    keyed, last = [], -1
    for i, child in enumerate(children):
        r = rank(child)
        if r is not None:
            last = r
        keyed.append(((r if r is not None else last), i, child))
    ordered = [c for _r, _i, c in sorted(keyed, key=lambda k: (k[0], k[1]))]
    if ordered == children:
        return False
    for child in children:
        parent.remove(child)
    parent.extend(ordered)
    return True


def normalize_part(root: etree._Element) -> bool:
    """A WordprocessingML part from a template made valid where its program wrote it otherwise:
    the children of every container ``CHILD_ORDER`` knows sorted into schema order (LibreOffice
    writes ``w:pStyle`` before ``w:numFmt`` in a ``w:lvl``, WPS ``w:qFormat`` before
    ``w:uiPriority`` in a ``w:style``), and a ``w:zoom`` without the ``w:percent`` the schema
    requires (Word writes ``<w:zoom w:val="bestFit"/>``) given 100. True when something changed."""
    targets = [el for el in root.iter(f"{{{W_NS}}}*") if _name(el) in CHILD_ORDER]
    changed = False
    for el in targets:
        changed |= sort_children(el)
    for zoom in root.iter(f"{{{W_NS}}}zoom"):
        if zoom.get(f"{{{W_NS}}}percent") is None:
            zoom.set(f"{{{W_NS}}}percent", "100")
            changed = True
    return changed


WML_CONTENT_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.",
                     "application/vnd.ms-word.")
MAIN_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Main parts of Word templates (.dotx) and macro-enabled files (.dotm, .docm).
OTHER_MAINS = ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
               "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
               "application/vnd.ms-word.document.macroEnabled.main+xml")
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def as_document(parts: dict[str, bytes]) -> dict[str, bytes]:
    """A Word template or macro-enabled file (.dotx, .dotm, .docm) as the parts of a .docx:
    the main part's content type a document's, the macros (``vbaProject``) left out — a .docx
    with macros is a file Word refuses. Other packages come back as they are."""
    types_xml = parts.get("[Content_Types].xml")
    if types_xml is None:
        return parts
    try:
        types = etree.fromstring(types_xml)
    except etree.XMLSyntaxError:
        return parts
    mains = [o for o in types.iter(f"{{{CT_NS}}}Override") if o.get("ContentType") in OTHER_MAINS]
    if not mains:
        return parts
    out = dict(parts)
    for override in mains:
        override.set("ContentType", MAIN_DOCUMENT)
        main = override.get("PartName", "").lstrip("/")
        rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
        if rels_name not in out:
            continue
        rels = etree.fromstring(out[rels_name])
        for rel in list(rels):
            if rel.get("Type") != RT_VBA:
                continue
            rels.remove(rel)
            vba = posixpath.normpath(posixpath.join(posixpath.dirname(main), rel.get("Target", "")))
            vba_rels = posixpath.join(posixpath.dirname(vba), "_rels", posixpath.basename(vba) + ".rels")
            dropped = {vba, vba_rels}
            if vba_rels in out:  # the macro project's own parts (vbaData.xml)
                for inner in etree.fromstring(out[vba_rels]):
                    dropped.add(posixpath.normpath(posixpath.join(posixpath.dirname(vba), inner.get("Target", ""))))
            for name in dropped:
                out.pop(name, None)
                for other in [o for o in types if o.get("PartName", "").lstrip("/") == name]:
                    types.remove(other)
        out[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    out["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def normalize_package(parts: dict[str, bytes]) -> dict[str, bytes]:
    """``parts`` of a package with every WordprocessingML part put through ``normalize_part``
    (parts that need no change keep their bytes), a template's main part made a document's
    (``as_document``)."""
    parts = as_document(parts)
    types = parts.get("[Content_Types].xml")
    if types is None:
        return parts
    try:
        content_type = _content_types(etree.fromstring(types))
    except etree.XMLSyntaxError:
        return parts
    out = dict(parts)
    for name, data in parts.items():
        ctype = content_type(name) or ""
        if not (ctype.startswith(WML_CONTENT_TYPES) and ctype.endswith("+xml")):
            continue
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError:
            continue
        if normalize_part(root):
            out[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


# --------------------------------------------------------------------------- markup compatibility


class MarkupCompatibilityError(ValueError):
    """Markup compatibility a consumer cannot apply: a ``mc:MustUnderstand`` namespace it does not
    understand, a prefix that is not declared."""


def _prefixes(el: etree._Element, value: str | None) -> set[str]:
    out = set()
    for prefix in (value or "").split():
        uri = el.nsmap.get(prefix)
        if uri is None:
            raise MarkupCompatibilityError(f"line {el.sourceline}: undeclared prefix {prefix!r}")
        out.add(uri)
    return out


def _process_content(el: etree._Element, value: str | None) -> set[tuple[str, str]]:
    out = set()
    for item in (value or "").split():
        prefix, _, local = item.partition(":")
        uri = el.nsmap.get(prefix)
        if uri is None:
            raise MarkupCompatibilityError(f"line {el.sourceline}: undeclared prefix {prefix!r}")
        out.add((uri, local))
    return out


def markup_compatibility(root: etree._Element, understood: Collection[str]) -> etree._Element:
    """A copy of ``root`` with Markup Compatibility applied for a consumer that understands the
    namespaces ``understood`` (the root's own namespace always counts as understood).

    Elements and attributes of namespaces declared ``mc:Ignorable`` are dropped, even when
    understood: a schema of the original namespace has no place for an extension (Word checks
    those against its own extended grammar). An ignorable element named in
    ``mc:ProcessContent`` is replaced by its processed content. ``mc:AlternateContent`` becomes
    the content of its first ``mc:Choice`` whose ``Requires`` namespaces are all understood, else
    of its ``mc:Fallback``, else nothing. A ``mc:MustUnderstand`` namespace not understood raises
    ``MarkupCompatibilityError``. Other content of namespaces not understood is left for the
    schema to judge: extension points (``xsd:any``, as in ``a:ext``) take it, anywhere else it
    is invalid.
    """
    root = copy.deepcopy(root)
    own = etree.QName(root).namespace or ""
    known = set(understood) | {own, MC_NS, XML_NS, XSI_NS, ""}

    def attributes(el, ignorable):
        for name in list(el.attrib):
            ns = etree.QName(name).namespace or ""
            if name in MC_ATTRS or (ns in ignorable and ns != own):
                del el.attrib[name]

    def choose(alternate):
        for branch in alternate:
            if not isinstance(branch.tag, str):
                continue
            local = etree.QName(branch).localname
            if local == "Choice" and _prefixes(branch, branch.get("Requires")) <= known:
                return branch
            if local == "Fallback":
                return branch
        return None

    def splice_and_handle(el, content, ignorable, process):
        _splice(el, content)
        for child in content:
            if isinstance(child.tag, str):
                handle(child, ignorable, process)

    def handle(el, ignorable, process):
        ignorable = ignorable | _prefixes(el, el.get(f"{{{MC_NS}}}Ignorable"))
        process = process | _process_content(el, el.get(f"{{{MC_NS}}}ProcessContent"))
        must = _prefixes(el, el.get(f"{{{MC_NS}}}MustUnderstand"))
        if must - known:
            raise MarkupCompatibilityError(f"line {el.sourceline}: mc:MustUnderstand names {sorted(must - known)}")
        qname = etree.QName(el)
        ns = qname.namespace or ""
        if el.tag == MC_ALTERNATE:
            branch = choose(el)
            if branch is None:
                splice_and_handle(el, [], ignorable, process)
            else:
                inner = ignorable | _prefixes(branch, branch.get(f"{{{MC_NS}}}Ignorable"))
                splice_and_handle(el, list(branch), inner, process)
        elif ns in ignorable and ns != own:
            keep = (ns, qname.localname) in process or (ns, "*") in process
            splice_and_handle(el, list(el) if keep else [], ignorable, process)
        else:
            attributes(el, ignorable)
            for child in list(el):
                if isinstance(child.tag, str):
                    handle(child, ignorable, process)

    handle(root, frozenset(), frozenset())
    etree.cleanup_namespaces(root)
    return root


def _splice(el: etree._Element, content: list) -> None:
    """Replace ``el`` in its parent by ``content`` (text and tails kept)."""
    parent = el.getparent()
    index = parent.index(el)
    for child in reversed(content):
        parent.insert(index + 1, child)
    tail = el.tail
    parent.remove(el)
    if tail and tail.strip():
        (content[-1] if content else parent).tail = tail


# --------------------------------------------------------------------------- validation

# The root element each known content type must have.
CONTENT_TYPE_ROOTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": f"{{{W_NS}}}document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": f"{{{W_NS}}}document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml": f"{{{W_NS}}}styles",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml": f"{{{W_NS}}}settings",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml": f"{{{W_NS}}}webSettings",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml": f"{{{W_NS}}}fonts",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml": f"{{{W_NS}}}numbering",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml": f"{{{W_NS}}}ftr",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml": f"{{{W_NS}}}hdr",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml": f"{{{W_NS}}}footnotes",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml": f"{{{W_NS}}}endnotes",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml": f"{{{W_NS}}}comments",
    "application/vnd.openxmlformats-officedocument.theme+xml":
        "{http://schemas.openxmlformats.org/drawingml/2006/main}theme",
    "application/vnd.openxmlformats-package.core-properties+xml":
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties",
    "application/vnd.openxmlformats-officedocument.extended-properties+xml":
        "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Properties",
    "application/vnd.openxmlformats-officedocument.custom-properties+xml":
        "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}Properties",
    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml":
        "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}datastoreItem",
    "application/vnd.openxmlformats-package.relationships+xml": f"{{{RELS_NS}}}Relationships",
}
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
# The content type a relationship's target must have, by relationship type.
RELATIONSHIP_CONTENT_TYPES = {
    _R + "officeDocument": (_WML + "document.main+xml", _WML + "template.main+xml"),
    _R + "styles": (_WML + "styles+xml",),
    _R + "settings": (_WML + "settings+xml",),
    _R + "webSettings": (_WML + "webSettings+xml",),
    _R + "fontTable": (_WML + "fontTable+xml",),
    _R + "numbering": (_WML + "numbering+xml",),
    _R + "header": (_WML + "header+xml",),
    _R + "footer": (_WML + "footer+xml",),
    _R + "footnotes": (_WML + "footnotes+xml",),
    _R + "endnotes": (_WML + "endnotes+xml",),
    _R + "comments": (_WML + "comments+xml",),
    _R + "theme": ("application/vnd.openxmlformats-officedocument.theme+xml",),
    _R + "extended-properties": ("application/vnd.openxmlformats-officedocument.extended-properties+xml",),
    _R + "custom-properties": ("application/vnd.openxmlformats-officedocument.custom-properties+xml",),
    _R + "customXmlProps": ("application/vnd.openxmlformats-officedocument.customXmlProperties+xml",),
    _R + "image": ("image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/x-emf", "image/x-wmf"),
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties":
        ("application/vnd.openxmlformats-package.core-properties+xml",),
}
# Schema files not needed for a word-processing document (and slow to compile).
UNUSED_SCHEMAS = {"pml.xsd", "sml.xsd", "dml-spreadsheetDrawing.xsd", "vml-spreadsheetDrawing.xsd",
                  "vml-presentationDrawing.xsd"}


# Prefixes for namespaces in messages ({uri}name → prefix:name).
PREFIXES = {
    W_NS: "w",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "a",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing": "wp",
    "http://schemas.openxmlformats.org/drawingml/2006/picture": "pic",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "r",
    "http://schemas.openxmlformats.org/officeDocument/2006/math": "m",
    "urn:schemas-microsoft-com:vml": "v",
    "urn:schemas-microsoft-com:office:office": "o",
    "urn:schemas-microsoft-com:office:word": "w10",
    MC_NS: "mc",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "cp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    CT_NS: "ct",
    RELS_NS: "rel",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "ep",
}


def short_names(message: str) -> str:
    """``message`` with ``{namespace}`` written as its usual prefix."""
    for uri, prefix in PREFIXES.items():
        message = message.replace(f"{{{uri}}}", f"{prefix}:")
    return message


class _LocalSchemas(etree.Resolver):
    """Every schemaLocation resolved to the local file of that name (the originals point at
    remote or differently laid out places), with the Microsoft files' ``w12:ST_String`` (a type
    the transitional wml.xsd no longer has) read as ``xsd:string``."""

    def __init__(self, files: dict[str, Path]):
        super().__init__()
        self.files = files

    def resolve(self, url, pubid, context):
        path = self.files.get(url.rsplit("/", 1)[-1])
        if path is None:
            return None
        text = path.read_text("utf-8")
        if path.parent.name == "microsoft":
            text = text.replace('type="w12:ST_String"', 'type="xsd:string"')
        return self.resolve_string(text, context, base_url=path.as_uri())


class PackageValidator:
    """Validates OPC packages (DOCX) against the ECMA-376 schemas in ``schema_dir``.

    Built once (compiling the schema set takes a moment); ``validate`` returns a list of
    problems, ``part:line: message``, empty when the package is valid.
    """

    def __init__(self, schema_dir: Path | str):
        schema_dir = Path(schema_dir)
        files = {p.name: p for p in sorted(schema_dir.glob("*/*.xsd"))}
        if "wml.xsd" not in files:
            raise FileNotFoundError(f"{schema_dir}: no wml.xsd below it")
        by_ns: dict[str, Path] = {}
        for name, path in files.items():
            if name in UNUSED_SCHEMAS:
                continue
            tns = etree.parse(str(path)).getroot().get("targetNamespace")
            by_ns.setdefault(tns, path)
        self.namespaces = frozenset(by_ns)
        imports = "".join(f'<xsd:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
                          for ns, path in sorted(by_ns.items()))
        wrapper = (f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
                   f'targetNamespace="urn:x-pipeline:ooxml-all">{imports}</xsd:schema>')
        parser = etree.XMLParser()
        parser.resolvers.add(_LocalSchemas(files))
        doc = etree.fromstring(wrapper.encode(), parser, base_url=(schema_dir / "all.xsd").as_uri())
        self.schema = etree.XMLSchema(etree.ElementTree(doc))

    # ------------------------------------------------------------ parts

    def validate_xml(self, name: str, data: bytes, root_tag: str | None = None) -> list[str]:
        """One XML part: well-formed, markup compatibility applied, valid, with ``root_tag``."""
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            return [f"{name}: not well-formed: {exc}"]
        if root_tag is not None and root.tag != root_tag:
            return [f"{name}: root element {root.tag}, its content type needs {root_tag}"]
        try:
            root = markup_compatibility(root, self.namespaces)
        except MarkupCompatibilityError as exc:
            return [f"{name}: {exc}"]
        if self.schema.validate(root):
            return []
        return [f"{name}:{e.line}: {short_names(e.message)}" for e in self.schema.error_log]

    def validate(self, package: bytes) -> list[str]:
        """Every part of a package: content types, relationships and their targets, XML parts."""
        try:
            with zipfile.ZipFile(io.BytesIO(package)) as zf:
                parts = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
        except zipfile.BadZipFile as exc:
            return [f"not a zip: {exc}"]
        problems: list[str] = []
        types = parts.pop("[Content_Types].xml", None)
        if types is None:
            return ["[Content_Types].xml missing"]
        problems += self.validate_xml("[Content_Types].xml", types, f"{{{CT_NS}}}Types")
        if problems:
            return problems
        content_types = _content_types(etree.fromstring(types))
        for name in sorted(parts):
            ctype = content_types(name)
            if ctype is None:
                problems.append(f"{name}: no content type")
                continue
            if name.endswith(".rels"):
                problems += self.validate_xml(name, parts[name], f"{{{RELS_NS}}}Relationships")
                problems += _check_targets(name, parts[name], parts, content_types)
            elif ctype in CONTENT_TYPE_ROOTS:
                problems += self.validate_xml(name, parts[name], CONTENT_TYPE_ROOTS[ctype])
            elif ctype.endswith("+xml"):
                problems += self._validate_unlisted(name, parts[name])
            # application/xml parts (custom XML data items) are the customer's data: no schema.
        if "_rels/.rels" not in parts:
            problems.append("_rels/.rels missing")
        return problems

    def _validate_unlisted(self, name: str, data: bytes) -> list[str]:
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            return [f"{name}: not well-formed: {exc}"]
        if etree.QName(root).namespace not in self.namespaces:
            return [f"{name}: no schema for {root.tag}"]
        return self.validate_xml(name, data)


def _content_types(types: etree._Element):
    defaults = {el.get("Extension", "").lower(): el.get("ContentType") for el in types.iter(f"{{{CT_NS}}}Default")}
    overrides = {el.get("PartName", "").lower(): el.get("ContentType") for el in types.iter(f"{{{CT_NS}}}Override")}

    def content_type(name: str) -> str | None:
        found = overrides.get("/" + name.lower())
        if found is None:
            found = defaults.get(name.rsplit("/", 1)[-1].rpartition(".")[2].lower())
        return found

    return content_type


def _check_targets(rels_name: str, data: bytes, parts: Iterable[str], content_type) -> list[str]:
    """Internal relationship targets exist and have the content type their relationship needs;
    Ids are unique."""
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError:
        return []
    source_dir = posixpath.dirname(posixpath.dirname(rels_name))  # word/_rels/x.rels → word
    problems, ids = [], set()
    for rel in root.iter(f"{{{RELS_NS}}}Relationship"):
        rid = rel.get("Id")
        if rid in ids:
            problems.append(f"{rels_name}: relationship Id {rid} twice")
        ids.add(rid)
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(source_dir, target))
        if path not in parts:
            problems.append(f"{rels_name}: {rid} points at a missing part {target}")
            continue
        wanted = RELATIONSHIP_CONTENT_TYPES.get(rel.get("Type"))
        if wanted and content_type(path) not in wanted:
            problems.append(f"{path}: content type {content_type(path)}, its relationship needs {wanted[0]}")
    return problems
