"""Build ``reference.docx``, the template every DOCX output starts from (GB/T 9704-2012 preset).

The template carries the looks: page setup (A4, margins, 22 × 28 grid), the paragraph and
character styles with their fonts and sizes, and the page-number footers. The DOCX writer
keeps its styles, section properties and footers, replaces its body, and writes into it.
A user may pass a reference document of their own instead (``--reference-docx FILE``).

Run ``python -m pipeline.templates.make_reference_docx`` to rewrite the shipped file; the
output is byte-identical from run to run, and a test checks the shipped file is current.

Every part is written here as XML text, so the template holds nothing that was not asked
for (no theme fonts, no latent styles, no revision ids).
"""
from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

import msgspec

from pipeline.config import FontFaces
from pipeline.writers.docx import ALT_NAMES, deterministic_zip

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Page geometry, in twentieths of a point (twips). A4 is 210 × 297 mm.
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM = 2098, 1984  # 37 mm, 35 mm
MARGIN_LEFT, MARGIN_RIGHT = 1587, 1474  # 28 mm (binding side), 26 mm: a 156 × 225 mm block
FOOTER_DISTANCE = 1417  # 25 mm: the page number's dashes sit about 7 mm below the block
LINE_PITCH = 579  # 225 mm / 22 lines = 28.99 pt; 579 twips = 28.95 pt, so 22 lines fit
# 28 characters a line: 16 pt glyphs tracked −0.25 pt (a 15.75 pt pitch; 28 × 15.75 ≤ 156 mm).
# The tracking is set on the body style rather than as a character grid (docGrid linesAndChars):
# Word and WPS honour either, but LibreOffice puts each 16 pt glyph in two 15.79 pt grid cells.
TRACKING = -5  # twentieths of a point
NO_TRACKING = '<w:spacing w:val="0"/>'
BODY_PT, TITLE_PT, TABLE_PT, PAGE_NUMBER_PT = 16, 22, 12, 14  # table text: 小4号, as the PDF

# Faces the template names: the configuration's defaults. The writer rewrites them from
# ``settings.fonts`` at render time.
DEFAULT_FACES = msgspec.structs.asdict(FontFaces())

NS_DECL = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'


def _fonts(face: str) -> str:
    f = quoteattr(face)
    return f"<w:rFonts w:ascii={f} w:eastAsia={f} w:hAnsi={f} w:cs={f}/>"


def _size(pt: float) -> str:
    half = int(round(pt * 2))
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
SINGLE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'


def _pstyle(style_id, name, *, based="Normal", next_=None, ppr="", rpr="", extra="") -> str:
    based_xml = f'<w:basedOn w:val="{based}"/>' if based else ""
    next_xml = f'<w:next w:val="{next_}"/>' if next_ else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{based_xml}{next_xml}{extra}<w:qFormat/>"
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def _cstyle(style_id, name, rpr) -> str:
    return (
        f'<w:style w:type="character" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f'<w:basedOn w:val="DefaultParagraphFont"/><w:rPr>{rpr}</w:rPr></w:style>'
    )


def styles_xml(faces: dict[str, str]) -> str:
    body = faces["body"]
    line = f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>'
    after_one_line = (
        f'<w:spacing w:before="0" w:after="{LINE_PITCH}" w:afterLines="100" '
        f'w:line="{LINE_PITCH}" w:lineRule="exact"/>'
    )
    # A part a blank line sets apart from the text above it, once: the space above its first
    # paragraph only (contextualSpacing), no first-line indent; the writer sets each line's
    # own indent.
    set_apart = (
        f'<w:spacing w:before="{LINE_PITCH}" w:beforeLines="100" w:after="0" w:line="{LINE_PITCH}" '
        f'w:lineRule="exact"/>{NO_INDENT}<w:contextualSpacing/>'
    )
    styles = [
        # Defaults: body face in every slot, 3号, Chinese language for East Asian text.
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'{_fonts(body)}<w:kern w:val="2"/>{_size(BODY_PT)}'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>",
        # Body text: first line indented two characters, lines on the 28.95 pt pitch.
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        # overflowPunct is Word's default, written out because LibreOffice, without it, drops a
        # comma or full stop that ends a justified line instead of letting it hang.
        '<w:pPr><w:overflowPunct w:val="1"/>'
        f'{line}<w:ind w:firstLineChars="200" w:firstLine="{BODY_PT * 40}"/><w:jc w:val="both"/></w:pPr>'
        f'<w:rPr>{_fonts(body)}<w:spacing w:val="{TRACKING}"/>{_size(BODY_PT)}</w:rPr></w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        # Title: 2号 小标宋, centred, one blank line after.
        _pstyle(
            "Title", "Title", next_="Normal",
            ppr=f'<w:keepNext/>{after_one_line}{NO_INDENT}<w:jc w:val="center"/>',
            rpr=f"{_fonts(faces['title'])}{NO_TRACKING}{_size(TITLE_PT)}",
        ),
        # The front-matter lines under the title (发布机构：…): body face, centred, on the grid.
        # The writer moves the title's blank line under the last of them.
        _pstyle(
            "FrontMatter", "Front Matter", next_="Normal",
            ppr=f"<w:keepNext/>{line}{NO_INDENT}<w:jc w:val=\"center\"/>",
            rpr=f"{_fonts(body)}{_size(BODY_PT)}",
        ),
        # An attachment's 附件 line (GB/T 9704 §8): 黑体, flush left, its title on the line after next;
        # an entry of the navigation pane, the attachment's headings under it.
        _pstyle(
            "Attachment", "Attachment", next_="AttachmentTitle",
            ppr=f'<w:keepNext/>{after_one_line}{NO_INDENT}<w:jc w:val="both"/><w:outlineLvl w:val="0"/>',
            rpr=f"{_fonts(faces['heading1'])}{_size(BODY_PT)}",
        ),
        # An attachment's title, as the document's: one blank line under its last line only.
        _pstyle(
            "AttachmentTitle", "Attachment Title", next_="Normal",
            ppr=f'<w:keepNext/>{after_one_line}{NO_INDENT}<w:contextualSpacing/><w:jc w:val="center"/>',
            rpr=f"{_fonts(faces['title'])}{NO_TRACKING}{_size(TITLE_PT)}",
        ),
        # The attachment note (附件说明, §7.3.3), set apart, ragged; the writer sets each line's
        # hanging indent.
        _pstyle("AttachmentNote", "Attachment Note", next_="AttachmentNote", ppr=f'{set_apart}<w:jc w:val="left"/>'),
        # The signature block (落款, §7.3.5.2), set apart, right-aligned; the writer sets each
        # line's right indent.
        _pstyle("Signature", "Signature", next_="Signature", ppr=f'{set_apart}<w:jc w:val="right"/>'),
    ]
    # Headings: 一、黑体 · （一）楷体 · 1. 仿宋 bold · （1）仿宋; indented like body text.
    for level, bold in ((1, False), (2, False), (3, True), (4, False)):
        face = faces[f"heading{level}"]
        b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
        styles.append(_pstyle(
            f"Heading{level}", f"heading {level}", next_="Normal",
            extra='<w:uiPriority w:val="9"/>',
            ppr=f'<w:keepNext/><w:keepLines/>{line}<w:outlineLvl w:val="{level - 1}"/>',
            rpr=f"{_fonts(face)}{b}{_size(BODY_PT)}",
        ))
    for level, bold in ((1, False), (2, False), (3, True), (4, False)):
        face = faces[f"heading{level}"]
        b = "<w:b/><w:bCs/>" if bold else ""
        styles.append(_cstyle(f"RunInHeading{level}", f"Run-in Heading {level}", f"{_fonts(face)}{b}"))
    styles += [
        _pstyle("ListParagraph", "List Paragraph", ppr="", rpr=""),
        # Figures and their placeholders: centred, single spacing so a picture is not clipped.
        _pstyle(
            "Figure", "Figure", next_="Normal",
            ppr=f'<w:keepNext/><w:snapToGrid w:val="0"/>{SINGLE}{NO_INDENT}<w:jc w:val="center"/>',
            rpr="",
        ),
        # A picture's caption (its alt text) under it: centred, on the grid.
        _pstyle("Caption", "caption", next_="Normal", ppr=f'{NO_INDENT}<w:jc w:val="center"/>', rpr=""),
        # Table text: 小4号 (as in the PDF), single spacing, off the grid so rows stay compact.
        _pstyle(
            "TableText", "Table Text",
            ppr=f'<w:snapToGrid w:val="0"/>{SINGLE}{NO_INDENT}<w:jc w:val="left"/>',
            rpr=f"{NO_TRACKING}{_size(TABLE_PT)}",
        ),
        _pstyle(
            "TableHeading", "Table Heading", based="TableText",
            ppr='<w:keepNext/><w:jc w:val="center"/>',
            rpr="<w:b/><w:bCs/>",
        ),
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        '<w:uiPriority w:val="59"/><w:tblPr><w:jc w:val="center"/><w:tblBorders>'
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        _cstyle("Hyperlink", "Hyperlink", '<w:color w:val="0563C1"/><w:u w:val="single"/>'),
        # Page numbers: 4号 宋体 half-width digits between em dashes.
        _pstyle(
            "Footer", "footer",
            ppr=f'<w:snapToGrid w:val="0"/>{SINGLE}{NO_INDENT}',
            rpr=f"{_fonts(faces['page_number'])}{NO_TRACKING}{_size(PAGE_NUMBER_PT)}",
        ),
    ]
    return f'{XML_DECL}<w:styles {NS_DECL}>{"".join(styles)}</w:styles>'


def footer_xml(side: str) -> str:
    """A footer holding ``— N —``: right-aligned on odd pages, left on even, one character in."""
    indent = f'<w:ind w:left="{PAGE_NUMBER_PT * 20}"/>' if side == "left" else f'<w:ind w:right="{PAGE_NUMBER_PT * 20}"/>'
    return (
        f"{XML_DECL}<w:ftr {NS_DECL}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>{indent}"
        f'<w:jc w:val="{side}"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
        "</w:p></w:ftr>"
    )


def sect_pr_xml() -> str:
    return (
        '<w:sectPr><w:footerReference w:type="default" r:id="rId5"/>'
        '<w:footerReference w:type="even" r:id="rId6"/>'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
        f'w:left="{MARGIN_LEFT}" w:header="851" w:footer="{FOOTER_DISTANCE}" w:gutter="0"/>'
        '<w:cols w:space="425"/>'
        f'<w:docGrid w:type="lines" w:linePitch="{LINE_PITCH}"/>'
        "</w:sectPr>"
    )


# A sample of every style, so a person who opens the template sees what to restyle.
SAMPLE = [
    ("Title", "标题（方正小标宋简体 二号）"),
    ("FrontMatter", "发布机构：某某区人民政府办公室"),
    ("FrontMatter", "发布日期：2023年12月21日"),
    ("Normal", "正文（仿宋_GB2312 三号），首行缩进两个字符，每页22行，每行28个字。"),
    ("Heading1", "一、一级标题（黑体）"),
    ("Heading2", "（一）二级标题（楷体_GB2312）"),
    ("Heading3", "1.三级标题（仿宋_GB2312 加粗）"),
    ("Heading4", "（1）四级标题（仿宋_GB2312）"),
    ("ListParagraph", "• 列表项"),
    ("Figure", "[图：图片占位]"),
    ("Caption", "图片说明"),
]


def document_xml() -> str:
    paras = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{sid}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        for sid, text in SAMPLE
    )
    runin = (
        '<w:p><w:r><w:rPr><w:rStyle w:val="RunInHeading2"/></w:rPr><w:t>（二）段首标题。</w:t></w:r>'
        "<w:r><w:t>正文接排在段首标题之后。</w:t></w:r></w:p>"
    )
    table = (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="4422"/><w:gridCol w:w="4423"/></w:tblGrid>'
        '<w:tr><w:trPr><w:tblHeader/></w:trPr>'
        + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableHeading"/></w:pPr>'
            f"<w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
            for w, t in ((4422, "表头"), (4423, "表头"))
        )
        + "</w:tr><w:tr>"
        + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr>'
            f"<w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
            for w, t in ((4422, "表格文字（小四号）"), (4423, "0"))
        )
        + "</w:tr></w:tbl>"
    )
    return f"{XML_DECL}<w:document {NS_DECL}><w:body>{paras}{runin}{table}{sect_pr_xml()}</w:body></w:document>"


def settings_xml() -> str:
    # GB/T 15834: these never start a line / never end one (Word's kinsoku lists for zh-CN).
    no_start = "!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｝～￠"
    no_end = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥"
    return (
        f"{XML_DECL}<w:settings {NS_DECL}>"
        '<w:zoom w:percent="100"/>'
        f'<w:defaultTabStop w:val="{BODY_PT * 40}"/>'
        "<w:evenAndOddHeaders/>"
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        "<w:strictFirstAndLastChars/>"
        f"<w:noLineBreaksAfter w:lang=\"zh-CN\" w:val={quoteattr(no_end)}/>"
        f"<w:noLineBreaksBefore w:lang=\"zh-CN\" w:val={quoteattr(no_start)}/>"
        '<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>'
        "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>"
        '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        "</w:compat>"
        '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
        "</w:settings>"
    )


def font_table_xml(faces) -> str:
    """The font table: each face with GB2312 charset and, where known, an alternate name."""
    entries = []
    for face in dict.fromkeys(faces):
        alt = ALT_NAMES.get(face)
        alt_xml = f"<w:altName w:val={quoteattr(alt)}/>" if alt and alt != face else ""
        entries.append(
            f"<w:font w:name={quoteattr(face)}>{alt_xml}"
            '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        )
    return f'{XML_DECL}<w:fonts {NS_DECL}>{"".join(entries)}</w:fonts>'


def numbering_xml() -> str:
    return f"{XML_DECL}<w:numbering {NS_DECL}/>"


CONTENT_TYPES = (
    XML_DECL
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PACKAGE_RELS = (
    XML_DECL
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DOCUMENT_RELS = (
    XML_DECL
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rId4" Type="{_REL}numbering" Target="numbering.xml"/>'
    f'<Relationship Id="rId5" Type="{_REL}footer" Target="footer1.xml"/>'
    f'<Relationship Id="rId6" Type="{_REL}footer" Target="footer2.xml"/>'
    "</Relationships>"
)

CORE = (
    XML_DECL
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>GB/T 9704 报告模板</dc:title><dc:language>zh-CN</dc:language>"
    "</cp:coreProperties>"
)

APP = (
    XML_DECL
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>pipeline</Application></Properties>"
)


def build(faces: dict[str, str] | None = None) -> bytes:
    """The reference document as bytes (deterministic)."""
    faces = {**DEFAULT_FACES, **(faces or {})}
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "docProps/core.xml": CORE,
        "docProps/app.xml": APP,
        "word/document.xml": document_xml(),
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/styles.xml": styles_xml(faces),
        "word/settings.xml": settings_xml(),
        "word/fontTable.xml": font_table_xml(faces.values()),
        "word/numbering.xml": numbering_xml(),
        "word/footer1.xml": footer_xml("right"),
        "word/footer2.xml": footer_xml("left"),
    }
    return deterministic_zip({name: text.encode("utf-8") for name, text in parts.items()})


SHIPPED = Path(__file__).with_name("reference.docx")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0]) if argv else SHIPPED
    target.write_bytes(build())
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
