"""Build the user reference documents in this folder (README.md says which program made which).

    python tests/data/templates/make_templates.py                 # python-docx and hand-built ones
    python tests/data/templates/make_templates.py --libreoffice   # also convert the .fodt sources

- ``python-docx.docx``: made by python-docx (its default template, itself saved by Word for
  Mac 2011, with a header, A4 page and Chinese faces set through python-docx's API);
- ``libreoffice-*.docx``: made by LibreOffice (``soffice --headless --convert-to docx``) from
  the ``.fodt`` beside them, which were written by hand;
- ``word-imitation.docx`` and ``wps-imitation.docx``: hand-built here, part by part, the way
  Word (2016 and later, Chinese UI) and WPS Office (2019, Windows) write their files; no copy
  of either program was used;
- ``minimal.docx``: hand-built, only a document part (every other part left to the writer).

The python-docx and hand-built files are byte-identical from run to run (a test checks that);
the LibreOffice files depend on the LibreOffice version and are kept as converted.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
if str(HERE.parents[2]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[2]))

from pipeline.writers.docx import deterministic_zip  # noqa: E402

DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument."
WML_CT = CT + "wordprocessingml."

NAMESPACES = {
    "wpc": "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "cx": "http://schemas.microsoft.com/office/drawing/2014/chartex",
    "cx1": "http://schemas.microsoft.com/office/drawing/2015/9/8/chartex",
    "aink": "http://schemas.microsoft.com/office/drawing/2016/ink",
    "am3d": "http://schemas.microsoft.com/office/drawing/2017/model3d",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "o": "urn:schemas-microsoft-com:office:office",
    "oel": "http://schemas.microsoft.com/office/2019/extlst",
    "r": REL,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "v": "urn:schemas-microsoft-com:vml",
    "wp14": "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "w10": "urn:schemas-microsoft-com:office:word",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "w16cex": "http://schemas.microsoft.com/office/word/2018/wordml/cex",
    "w16cid": "http://schemas.microsoft.com/office/word/2016/wordml/cid",
    "w16": "http://schemas.microsoft.com/office/word/2018/wordml",
    "w16du": "http://schemas.microsoft.com/office/word/2023/wordml/word16du",
    "w16sdtdh": "http://schemas.microsoft.com/office/word/2020/wordml/sdtdatahash",
    "w16se": "http://schemas.microsoft.com/office/word/2015/wordml/symex",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "wpi": "http://schemas.microsoft.com/office/word/2010/wordprocessingInk",
    "wne": "http://schemas.microsoft.com/office/word/2006/wordml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpsCustomData": "http://www.wps.cn/officeDocument/2013/wpsCustomData",
    "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
}


def declarations(prefixes: str, ignorable: str) -> str:
    """Namespace declarations for ``prefixes`` in that order, then ``mc:Ignorable``."""
    decls = " ".join(f'xmlns:{p}="{NAMESPACES[p]}"' for p in prefixes.split())
    return f'{decls} mc:Ignorable="{ignorable}"'


# What Word 2016+ declares on every WordprocessingML part (mc last), and what it marks ignorable.
WORD_PREFIXES = ("wpc cx cx1 aink am3d o oel r m v wp14 wp w10 w w14 w15 w16cex w16cid w16 w16du w16sdtdh w16se "
                 "wpg wpi wne wps mc")
WORD_NS = declarations(WORD_PREFIXES, "w14 w15 w16se w16cid w16 w16cex w16sdtdh w16du wp14")
# What WPS Office declares on its WordprocessingML parts.
WPS_PREFIXES = "wpc mc o r m v wp14 wp w10 w w14 w15 wpg wpi wne wps wpsCustomData"
WPS_NS = declarations(WPS_PREFIXES, "w14 w15 wp14")


# Settings parts: Word adds the schema library namespace; WPS marks only w14 ignorable there.
WORD_NS_SETTINGS = declarations(WORD_PREFIXES + " sl", "w14 w15 w16se w16cid w16 w16cex w16sdtdh w16du wp14")
WPS_NS_SETTINGS = declarations(WPS_PREFIXES, "w14")


# --------------------------------------------------------------------------- shared pieces


def content_types(defaults: dict[str, str], overrides: dict[str, str]) -> str:
    items = "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in defaults.items())
    items += "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items())
    return f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">{items}</Types>'


def relationships(rels: list[tuple[str, str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kind if kind.startswith("http") else REL + "/" + kind}" Target="{target}"/>'
        for rid, kind, target in rels
    )
    return f'{DECL}<Relationships xmlns="{PKG_REL}">{items}</Relationships>'


PACKAGE_RELS = relationships([
    ("rId3", "extended-properties", "docProps/app.xml"),
    ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
     "docProps/core.xml"),
    ("rId1", "officeDocument", "word/document.xml"),
])


def core(creator: str, created: str, extra: str = "") -> str:
    return (
        f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title></dc:title><dc:subject></dc:subject><dc:creator>{creator}</dc:creator><cp:keywords></cp:keywords>"
        f"<dc:description></dc:description><cp:lastModifiedBy>{creator}</cp:lastModifiedBy>{extra}"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified></cp:coreProperties>'
    )


def theme(name: str, major_latin: str, minor_latin: str, major_hans: str, minor_hans: str,
          family: str = "") -> str:
    """An Office 2013+ theme part: 12 colours, fonts with the Simplified Chinese faces, the
    three fill, line, effect and background style lists, and (Word) the theme family extension."""
    colours = (("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
               ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
               ("dk2", '<a:srgbClr val="44546A"/>'), ("lt2", '<a:srgbClr val="E7E6E6"/>'),
               ("accent1", '<a:srgbClr val="4472C4"/>'), ("accent2", '<a:srgbClr val="ED7D31"/>'),
               ("accent3", '<a:srgbClr val="A5A5A5"/>'), ("accent4", '<a:srgbClr val="FFC000"/>'),
               ("accent5", '<a:srgbClr val="5B9BD5"/>'), ("accent6", '<a:srgbClr val="70AD47"/>'),
               ("hlink", '<a:srgbClr val="0563C1"/>'), ("folHlink", '<a:srgbClr val="954F72"/>'))
    clr = "".join(f"<a:{n}>{c}</a:{n}>" for n, c in colours)

    def font(kind, latin, hans):
        return (f'<a:{kind}><a:latin typeface="{latin}" panose="020F0302020204030204"/><a:ea typeface=""/>'
                f'<a:cs typeface=""/><a:font script="Jpan" typeface="游ゴシック"/>'
                f'<a:font script="Hang" typeface="맑은 고딕"/><a:font script="Hans" typeface="{hans}"/>'
                f'<a:font script="Hant" typeface="新細明體"/><a:font script="Arab" typeface="Times New Roman"/>'
                f"</a:{kind}>")

    def grad(stops):
        gs = "".join(f'<a:gs pos="{p}"><a:schemeClr val="phClr">{m}</a:schemeClr></a:gs>' for p, m in stops)
        return f'<a:gradFill rotWithShape="1"><a:gsLst>{gs}</a:gsLst><a:lin ang="5400000" scaled="0"/></a:gradFill>'

    fills = ('<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
             + grad([(0, '<a:lumMod val="110000"/><a:satMod val="105000"/><a:tint val="67000"/>'),
                     (50000, '<a:lumMod val="105000"/><a:satMod val="103000"/><a:tint val="73000"/>'),
                     (100000, '<a:lumMod val="105000"/><a:satMod val="109000"/><a:tint val="81000"/>')])
             + grad([(0, '<a:satMod val="103000"/><a:lumMod val="102000"/><a:tint val="94000"/>'),
                     (50000, '<a:satMod val="110000"/><a:lumMod val="100000"/><a:shade val="100000"/>'),
                     (100000, '<a:lumMod val="99000"/><a:satMod val="120000"/><a:shade val="78000"/>')]))
    lines = "".join(
        f'<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
        '<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>' for w in (6350, 12700, 19050))
    effects = ("<a:effectStyle><a:effectLst/></a:effectStyle>" * 2
               + '<a:effectStyle><a:effectLst><a:outerShdw blurRad="57150" dist="19050" dir="5400000" algn="ctr" '
               'rotWithShape="0"><a:srgbClr val="000000"><a:alpha val="63000"/></a:srgbClr></a:outerShdw>'
               "</a:effectLst></a:effectStyle>")
    backgrounds = ('<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
                   '<a:solidFill><a:schemeClr val="phClr"><a:tint val="95000"/><a:satMod val="170000"/>'
                   "</a:schemeClr></a:solidFill>"
                   + grad([(0, '<a:tint val="93000"/><a:satMod val="150000"/><a:shade val="98000"/>'),
                           (50000, '<a:tint val="98000"/><a:satMod val="130000"/><a:shade val="90000"/>'),
                           (100000, '<a:shade val="63000"/><a:satMod val="120000"/>')]))
    ext = ""
    if family:
        ext = ('<a:extLst><a:ext uri="{05A4C25C-085E-4340-85A3-A5531E510DB2}">'
               '<thm15:themeFamily xmlns:thm15="http://schemas.microsoft.com/office/thememl/2012/main" '
               f'name="{family}" id="{{62F939B6-93AF-4DB8-9C6B-D6C7DFDC589F}}" '
               'vid="{4A3C46E8-61CC-4603-A589-7422A47A8E4A}"/></a:ext></a:extLst>')
    return (
        f'{DECL}<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="{name}">'
        f'<a:themeElements><a:clrScheme name="Office">{clr}</a:clrScheme>'
        f'<a:fontScheme name="Office">{font("majorFont", major_latin, major_hans)}'
        f'{font("minorFont", minor_latin, minor_hans)}</a:fontScheme>'
        f'<a:fmtScheme name="Office"><a:fillStyleLst>{fills}</a:fillStyleLst><a:lnStyleLst>{lines}</a:lnStyleLst>'
        f"<a:effectStyleLst>{effects}</a:effectStyleLst><a:bgFillStyleLst>{backgrounds}</a:bgFillStyleLst>"
        f"</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/>{ext}</a:theme>"
    )


def page_field(before: str = "— ", after: str = " —") -> str:
    return (
        f'<w:r><w:t xml:space="preserve">{before}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE   \\* MERGEFORMAT </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:rPr><w:noProof/></w:rPr><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r><w:t xml:space="preserve">{after}</w:t></w:r>'
    )


# A 1 × 1 red PNG (the emblem in the Word-made header).
RED_DOT = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000"
    "0003010100c9fe92ef0000000049454e44ae426082"
)


# --------------------------------------------------------------------------- Word


def word_imitation() -> dict[str, str | bytes]:
    """A GB/T 9704 report template as Word 2016+ (Chinese UI) saves it: localized style ids
    (``a`` Normal, ``1`` heading 1 …), paragraph ids and rsids, a theme, headings bound to a
    multilevel list whose numbering part ends in ``w:numIdMacAtCleanup``, ``w:zoom`` without
    ``w:percent``, a red rule in the header drawn as a shape with a VML fallback, page numbers
    in a content control, footnote separators and a bibliography custom XML item."""
    n = 0

    def pid() -> str:
        nonlocal n
        n += 1
        return f'w14:paraId="{0x1A2B3C00 + n:08X}" w14:textId="{0x77777700 + n:08X}" w:rsidR="00B47730" ' \
               'w:rsidRDefault="00B47730"'

    def para(style: str, text: str, ppr: str = "") -> str:
        style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
        return (f"<w:p {pid()}><w:pPr>{style_xml}{ppr}<w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr></w:pPr>"
                f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t>{escape(text)}</w:t></w:r></w:p>')

    body = (
        para("a7", "某某市人民政府关于某某工作情况的报告")
        + para("1", "基本情况")
        + para("", "正文，仿宋_GB2312 三号，首行缩进两字符。")
        + para("2", "主要做法")
        + para("3", "完善制度")
        + para("a9", "列表段落", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>')
        + f'<w:p {pid()}><w:pPr><w:jc w:val="right"/></w:pPr><w:bookmarkStart w:id="0" w:name="_GoBack"/>'
        '<w:bookmarkEnd w:id="0"/><w:r><w:t>2024年1月1日</w:t></w:r></w:p>'
        '<w:sectPr w:rsidR="00B47730" w:rsidSect="00B47730">'
        '<w:headerReference w:type="default" r:id="rId9"/>'
        '<w:footerReference w:type="even" r:id="rId10"/><w:footerReference w:type="default" r:id="rId11"/>'
        '<w:pgSz w:w="11906" w:h="16838" w:code="9"/>'
        '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="1418" '
        'w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:type="linesAndChars" w:linePitch="579" '
        'w:charSpace="-849"/></w:sectPr>'
    )
    document = f"{DECL}<w:document {WORD_NS}><w:body>{body}</w:body></w:document>"

    latent = "".join(
        f'<w:lsdException w:name="{name}" w:uiPriority="{prio}"{extra}/>'
        for name, prio, extra in (
            ("Normal", 0, ' w:qFormat="1"'), ("heading 1", 9, ' w:qFormat="1"'),
            ("heading 2", 9, ' w:semiHidden="1" w:unhideWhenUsed="1" w:qFormat="1"'),
            ("heading 3", 9, ' w:semiHidden="1" w:unhideWhenUsed="1" w:qFormat="1"'),
            ("Title", 10, ' w:qFormat="1"'), ("Default Paragraph Font", 1, ' w:semiHidden="1" w:unhideWhenUsed="1"'),
            ("Table Grid", 39, ""), ("List Paragraph", 34, ' w:qFormat="1"'),
        )
    )

    def style(kind, sid, name, inner, default=False, custom=False):
        attrs = ' w:default="1"' if default else ""
        attrs += ' w:customStyle="1"' if custom else ""
        return f'<w:style w:type="{kind}"{attrs} w:styleId="{sid}"><w:name w:val="{name}"/>{inner}</w:style>'

    def linked(sid, name, para, priority, rpr, rsid=""):
        """The character style Word links to a paragraph style (``标题 1 字符`` …)."""
        rsid_xml = f'<w:rsid w:val="{rsid}"/>' if rsid else ""
        return style("character", sid, name, f'<w:basedOn w:val="a0"/><w:link w:val="{para}"/>'
                     f'<w:uiPriority w:val="{priority}"/>{rsid_xml}<w:rPr>{rpr}</w:rPr>', custom=True)

    heading_ppr = ('<w:keepNext/><w:keepLines/><w:numPr>{num}</w:numPr><w:spacing w:line="579" '
                   'w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="200"/><w:outlineLvl w:val="{lvl}"/>')
    styles = (
        f"{DECL}<w:styles {WORD_NS}>"
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        '<w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia" w:hAnsiTheme="minorHAnsi" '
        'w:cstheme="minorBidi"/><w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="22"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        '<w14:ligatures w14:val="standardContextual"/></w:rPr></w:rPrDefault>'
        "<w:pPrDefault/></w:docDefaults>"
        f'<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" w:defUnhideWhenUsed="0" '
        f'w:defQFormat="0" w:count="376">{latent}</w:latentStyles>'
        + style("paragraph", "a", "Normal",
                '<w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:spacing w:line="579" w:lineRule="exact"/>'
                '<w:ind w:firstLineChars="200" w:firstLine="200"/><w:jc w:val="both"/></w:pPr>'
                '<w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr>', default=True)
        + style("paragraph", "1", "heading 1",
                '<w:basedOn w:val="a"/><w:next w:val="a"/><w:link w:val="10"/><w:uiPriority w:val="9"/>'
                '<w:qFormat/><w:rsid w:val="00B47730"/><w:pPr>'
                + heading_ppr.format(num='<w:numId w:val="1"/>', lvl=0)
                + '</w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:kern w:val="44"/></w:rPr>')
        + style("paragraph", "2", "heading 2",
                '<w:basedOn w:val="a"/><w:next w:val="a"/><w:link w:val="20"/><w:uiPriority w:val="9"/>'
                '<w:unhideWhenUsed/><w:qFormat/><w:rsid w:val="00B47730"/><w:pPr>'
                + heading_ppr.format(num='<w:ilvl w:val="1"/><w:numId w:val="1"/>', lvl=1)
                + '</w:pPr><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr>')
        + style("paragraph", "3", "heading 3",
                '<w:basedOn w:val="a"/><w:next w:val="a"/><w:link w:val="30"/><w:uiPriority w:val="9"/>'
                '<w:unhideWhenUsed/><w:qFormat/><w:pPr>'
                + heading_ppr.format(num='<w:ilvl w:val="2"/><w:numId w:val="1"/>', lvl=2)
                + '</w:pPr><w:rPr><w:b/><w:bCs/></w:rPr>')
        + style("character", "a0", "Default Paragraph Font",
                '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>', default=True)
        + style("table", "a1", "Normal Table",
                '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
                '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>',
                default=True)
        + style("numbering", "a2", "No List", '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>',
                default=True)
        + linked("10", "标题 1 字符", "1", 9, '<w:rFonts w:eastAsia="黑体"/><w:kern w:val="44"/><w:sz w:val="32"/>',
                 rsid="00B47730")
        + linked("20", "标题 2 字符", "2", 9, '<w:rFonts w:eastAsia="楷体_GB2312"/><w:sz w:val="32"/>')
        + linked("30", "标题 3 字符", "3", 9, '<w:b/><w:bCs/><w:sz w:val="32"/>')
        + style("paragraph", "a3", "header",
                '<w:basedOn w:val="a"/><w:link w:val="a4"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
                '<w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
                '<w:tabs><w:tab w:val="center" w:pos="4153"/><w:tab w:val="right" w:pos="8306"/></w:tabs>'
                '<w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" '
                'w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>')
        + linked("a4", "页眉 字符", "a3", 99, '<w:sz w:val="18"/><w:szCs w:val="18"/>')
        + style("paragraph", "a5", "footer",
                '<w:basedOn w:val="a"/><w:link w:val="a6"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
                '<w:pPr><w:tabs><w:tab w:val="center" w:pos="4153"/><w:tab w:val="right" w:pos="8306"/></w:tabs>'
                '<w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" '
                'w:firstLine="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体"/>'
                '<w:sz w:val="28"/><w:szCs w:val="18"/></w:rPr>')
        + linked("a6", "页脚 字符", "a5", 99, '<w:sz w:val="28"/><w:szCs w:val="18"/>')
        + style("paragraph", "a7", "Title",
                '<w:basedOn w:val="a"/><w:next w:val="a"/><w:link w:val="a8"/><w:uiPriority w:val="10"/><w:qFormat/>'
                '<w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>'
                '</w:pPr><w:rPr><w:rFonts w:ascii="方正小标宋简体" w:eastAsia="方正小标宋简体" w:hAnsiTheme="majorHAnsi" '
                'w:cstheme="majorBidi"/><w:sz w:val="44"/><w:szCs w:val="32"/></w:rPr>')
        + linked("a8", "标题 字符", "a7", 10, '<w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/>')
        + style("paragraph", "a9", "List Paragraph",
                '<w:basedOn w:val="a"/><w:uiPriority w:val="34"/><w:qFormat/><w:rsid w:val="00B47730"/>'
                '<w:pPr><w:ind w:firstLineChars="200" w:firstLine="420"/></w:pPr>')
        + style("table", "aa", "Table Grid",
                '<w:basedOn w:val="a1"/><w:uiPriority w:val="39"/><w:rsid w:val="00B47730"/>'
                '<w:tblPr><w:tblBorders>'
                + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                          for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
                + "</w:tblBorders></w:tblPr>")
        + "</w:styles>"
    )

    def lvl(ilvl, fmt, text, style_id="", tplc="04090019"):
        pstyle = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
        return (f'<w:lvl w:ilvl="{ilvl}" w:tplc="{tplc}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
                f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                '<w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl>')

    numbering = (
        f"{DECL}<w:numbering {WORD_NS}>"
        '<w:abstractNum w:abstractNumId="0" w15:restartNumberingAfterBreak="0">'
        '<w:nsid w:val="3A1F2B5C"/><w:multiLevelType w:val="multilevel"/><w:tmpl w:val="7C2E4D1A"/>'
        + lvl(0, "chineseCounting", "%1、", "1", "0409000F")
        + lvl(1, "chineseCounting", "（%2）", "2")
        + lvl(2, "decimal", "%3.", "3", "0409001B")
        + "".join(lvl(i, "decimal", f"（%{i + 1}）", tplc="0409000F") for i in range(3, 9))
        + "</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="1" w15:restartNumberingAfterBreak="0">'
        '<w:nsid w:val="5D0A6E21"/><w:multiLevelType w:val="hybridMultilevel"/><w:tmpl w:val="1E3F8A90"/>'
        '<w:lvl w:ilvl="0" w:tplc="0409000F"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="440" w:hanging="440"/></w:pPr>'
        "</w:lvl></w:abstractNum>"
        '<w:num w:numId="1" w16cid:durableId="1427849284"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2" w16cid:durableId="203985577"><w:abstractNumId w:val="1"/></w:num>'
        '<w:numIdMacAtCleanup w:val="1"/></w:numbering>'
    )

    settings = (
        f"{DECL}<w:settings {WORD_NS_SETTINGS}>"
        '<w:zoom w:val="bestFit"/><w:bordersDoNotSurroundHeader/><w:bordersDoNotSurroundFooter/>'
        '<w:proofState w:spelling="clean" w:grammar="clean"/><w:defaultTabStop w:val="420"/>'
        "<w:evenAndOddHeaders/>"
        '<w:drawingGridHorizontalSpacing w:val="160"/><w:drawingGridVerticalSpacing w:val="579"/>'
        '<w:displayHorizontalDrawingGridEvery w:val="0"/><w:displayVerticalDrawingGridEvery w:val="2"/>'
        '<w:characterSpacingControl w:val="compressPunctuation"/>'
        '<w:hdrShapeDefaults><o:shapedefaults v:ext="edit" spidmax="2049"/></w:hdrShapeDefaults>'
        '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
        '<w:endnotePr><w:endnote w:id="-1"/><w:endnote w:id="0"/></w:endnotePr>'
        "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>"
        "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>"
        + "".join(f'<w:compatSetting w:name="{k}" w:uri="http://schemas.microsoft.com/office/word" w:val="{v}"/>'
                  for k, v in (("compatibilityMode", 15), ("overrideTableStyleFontSizeAndJustification", 1),
                               ("enableOpenTypeFeatures", 1), ("doNotFlipMirrorIndents", 1),
                               ("differentiateMultirowTableHeaders", 1)))
        + "</w:compat>"
        '<w:rsids><w:rsidRoot w:val="00B47730"/><w:rsid w:val="00034616"/><w:rsid w:val="00B47730"/></w:rsids>'
        '<m:mathPr><m:mathFont m:val="Cambria Math"/><m:brkBin m:val="before"/><m:brkBinSub m:val="--"/>'
        '<m:smallFrac m:val="0"/><m:dispDef/><m:lMargin m:val="0"/><m:rMargin m:val="0"/>'
        '<m:defJc m:val="centerGroup"/><m:wrapIndent m:val="1440"/><m:intLim m:val="subSup"/>'
        '<m:naryLim m:val="undOvr"/></m:mathPr>'
        '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
        '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" '
        'w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" '
        'w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>'
        '<w:shapeDefaults><o:shapedefaults v:ext="edit" spidmax="2049"/><o:shapelayout v:ext="edit">'
        '<o:idmap v:ext="edit" data="1"/></o:shapelayout></w:shapeDefaults>'
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
        '<w14:docId w14:val="3E1B5A7C"/><w15:chartTrackingRefBased/>'
        '<w15:docId w15:val="{6F2C8E1A-3B4D-4C5E-9F10-A1B2C3D4E5F6}"/></w:settings>'
    )

    # The header: the issuing office's name over a red rule; the rule is a shape (wps) with a
    # VML line as the fallback, as Word writes drawing shapes.
    rule = (
        '<w:r><w:rPr><w:noProof/></w:rPr><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1" wp14:anchorId="2C4D6E8F" '
        'wp14:editId="1A3B5C7D"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="margin">'
        '<wp:align>center</wp:align></wp:positionH><wp:positionV relativeFrom="paragraph">'
        '<wp:posOffset>360000</wp:posOffset></wp:positionV><wp:extent cx="5615940" cy="0"/>'
        '<wp:effectExtent l="0" t="19050" r="22860" b="19050"/><wp:wrapNone/>'
        '<wp:docPr id="1" name="直接连接符 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5615940" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="38100"><a:solidFill><a:srgbClr val="FF0000"/>'
        '</a:solidFill></a:ln></wps:spPr><wps:style><a:lnRef idx="1"><a:schemeClr val="accent1"/></a:lnRef>'
        '<a:fillRef idx="0"><a:schemeClr val="accent1"/></a:fillRef><a:effectRef idx="0">'
        '<a:schemeClr val="accent1"/></a:effectRef><a:fontRef idx="minor"><a:schemeClr val="tx1"/></a:fontRef>'
        "</wps:style><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>"
        '<wp14:sizeRelH relativeFrom="margin"><wp14:pctWidth>0</wp14:pctWidth></wp14:sizeRelH>'
        '<wp14:sizeRelV relativeFrom="margin"><wp14:pctHeight>0</wp14:pctHeight></wp14:sizeRelV>'
        "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        '<v:line id="直接连接符 1" o:spid="_x0000_s1025" style="position:absolute;z-index:251659264;'
        'visibility:visible;mso-wrap-style:square;mso-position-horizontal:center;'
        'mso-position-horizontal-relative:margin" from="0,28.35pt" to="442.2pt,28.35pt" '
        'strokecolor="red" strokeweight="3pt"><v:stroke joinstyle="miter"/>'
        "<w10:wrap anchorx=\"margin\"/></v:line></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    emblem = (
        '<w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
        'wp14:anchorId="5E6F7A8B" wp14:editId="3C4D5E6F"><wp:extent cx="180000" cy="180000"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="2" name="图片 2"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>'
        '<pic:cNvPr id="2" name="图片 2"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rId1">'
        '<a:extLst><a:ext uri="{28A0092B-C50C-407E-A947-70E740481C1C}">'
        '<a14:useLocalDpi xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" val="0"/></a:ext>'
        '</a:extLst></a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
        '<a:off x="0" y="0"/><a:ext cx="180000" cy="180000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )
    header = (
        f"{DECL}<w:hdr {WORD_NS}><w:p {pid()}><w:pPr><w:pStyle w:val=\"a3\"/></w:pPr>{emblem}"
        '<w:r><w:rPr><w:rFonts w:hint="eastAsia"/><w:color w:val="FF0000"/></w:rPr><w:t>某某市人民政府办公室</w:t></w:r>'
        f"{rule}</w:p></w:hdr>"
    )

    def footer(jc):
        return (
            f"{DECL}<w:ftr {WORD_NS}><w:sdt><w:sdtPr><w:id w:val=\"-1705778451\"/><w:docPartObj>"
            '<w:docPartGallery w:val="Page Numbers (Bottom of Page)"/><w:docPartUnique/></w:docPartObj></w:sdtPr>'
            f'<w:sdtEndPr/><w:sdtContent><w:p {pid()}><w:pPr><w:pStyle w:val="a5"/><w:jc w:val="{jc}"/></w:pPr>'
            f"{page_field()}</w:p></w:sdtContent></w:sdt></w:ftr>"
        )

    def notes(kind):
        tag = "footnote" if kind == "footnotes" else "endnote"
        return (
            f"{DECL}<w:{kind} {WORD_NS}>"
            f'<w:{tag} w:type="separator" w:id="-1"><w:p {pid()}><w:pPr><w:spacing w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:' + tag + ">"
            f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p {pid()}><w:pPr><w:spacing w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:' + tag + ">"
            f"</w:{kind}>"
        )

    fonts = (
        f"{DECL}<w:fonts {WORD_NS}>"
        + "".join(
            f'<w:font w:name="{name}">{alt}<w:panose1 w:val="{panose}"/><w:charset w:val="{cs}"/>'
            f'<w:family w:val="{fam}"/><w:pitch w:val="{pitch}"/><w:sig w:usb0="{u0}" w:usb1="{u1}" '
            f'w:usb2="00000016" w:usb3="00000000" w:csb0="{c0}" w:csb1="00000000"/></w:font>'
            for name, alt, panose, cs, fam, pitch, u0, u1, c0 in (
                ("等线", '<w:altName w:val="DengXian"/>', "02010600030101010101", "86", "auto", "variable",
                 "A00002BF", "38CF7CFA", "0004000F"),
                ("Times New Roman", "", "02020603050405020304", "00", "roman", "variable",
                 "E0002EFF", "C000785B", "000001FF"),
                ("仿宋_GB2312", "", "02010609030101010101", "86", "modern", "fixed",
                 "00000001", "080E0000", "00040000"),
                ("黑体", '<w:altName w:val="SimHei"/>', "02010609060101010101", "86", "modern", "fixed",
                 "800002BF", "38CF7CFA", "00040001"),
                ("楷体_GB2312", "", "02010609030101010101", "86", "modern", "fixed",
                 "00000001", "080E0000", "00040000"),
                ("等线 Light", "", "02010600030101010101", "86", "auto", "variable",
                 "A00002BF", "38CF7CFA", "0004000F"),
            )
        )
        + "</w:fonts>"
    )
    web = (f"{DECL}<w:webSettings {WORD_NS}><w:optimizeForBrowser/><w:allowPNG/></w:webSettings>")
    app = (
        f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Template>Normal.dotm</Template><TotalTime>12</TotalTime><Pages>1</Pages><Words>20</Words>"
        "<Characters>118</Characters><Application>Microsoft Office Word</Application><DocSecurity>0</DocSecurity>"
        "<Lines>1</Lines><Paragraphs>1</Paragraphs><ScaleCrop>false</ScaleCrop>"
        "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>标题</vt:lpstr></vt:variant>"
        "<vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs>"
        '<TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr></vt:lpstr></vt:vector></TitlesOfParts>'
        "<Company></Company><LinksUpToDate>false</LinksUpToDate><CharactersWithSpaces>137</CharactersWithSpaces>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion>"
        "</Properties>"
    )
    item = ('<?xml version="1.0" standalone="no"?><b:Sources SelectedStyle="\\APASixthEditionOfficeOnline.xsl" '
            'StyleName="APA" Version="6" xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" '
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"></b:Sources>\r\n')
    item_props = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n'
        '<ds:datastoreItem ds:itemID="{8E1C5B7A-2D3F-4A6B-9C0D-1E2F3A4B5C6D}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs>'
        '<ds:schemaRef ds:uri="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/>'
        "</ds:schemaRefs></ds:datastoreItem>"
    )
    return {
        "[Content_Types].xml": content_types(
            {"png": "image/png", "rels": "application/vnd.openxmlformats-package.relationships+xml",
             "xml": "application/xml"},
            {"/customXml/itemProps1.xml": CT + "customXmlProperties+xml",
             "/word/document.xml": WML_CT + "document.main+xml",
             "/word/numbering.xml": WML_CT + "numbering+xml",
             "/word/styles.xml": WML_CT + "styles+xml",
             "/word/settings.xml": WML_CT + "settings+xml",
             "/word/webSettings.xml": WML_CT + "webSettings+xml",
             "/word/footnotes.xml": WML_CT + "footnotes+xml",
             "/word/endnotes.xml": WML_CT + "endnotes+xml",
             "/word/header1.xml": WML_CT + "header+xml",
             "/word/footer1.xml": WML_CT + "footer+xml",
             "/word/footer2.xml": WML_CT + "footer+xml",
             "/word/fontTable.xml": WML_CT + "fontTable+xml",
             "/word/theme/theme1.xml": CT + "theme+xml",
             "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
             "/docProps/app.xml": CT + "extended-properties+xml"},
        ),
        "_rels/.rels": PACKAGE_RELS,
        "docProps/app.xml": app,
        "docProps/core.xml": core("Administrator", "2024-01-01T08:00:00Z", "<cp:revision>3</cp:revision>"),
        "customXml/item1.xml": item,
        "customXml/itemProps1.xml": item_props,
        "customXml/_rels/item1.xml.rels": relationships(
            [("rId1", "customXmlProps", "itemProps1.xml")]),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": relationships([
            ("rId8", "endnotes", "endnotes.xml"), ("rId13", "theme", "theme/theme1.xml"),
            ("rId3", "numbering", "numbering.xml"), ("rId7", "footnotes", "footnotes.xml"),
            ("rId12", "fontTable", "fontTable.xml"), ("rId2", "customXml", "../customXml/item1.xml"),
            ("rId6", "webSettings", "webSettings.xml"), ("rId11", "footer", "footer2.xml"),
            ("rId5", "settings", "settings.xml"), ("rId10", "footer", "footer1.xml"),
            ("rId4", "styles", "styles.xml"), ("rId9", "header", "header1.xml"),
        ]),
        "word/_rels/header1.xml.rels": relationships([("rId1", "image", "media/image1.png")]),
        "word/media/image1.png": RED_DOT,
        "word/styles.xml": styles,
        "word/numbering.xml": numbering,
        "word/settings.xml": settings,
        "word/webSettings.xml": web,
        "word/fontTable.xml": fonts,
        "word/theme/theme1.xml": theme("Office 主题\u200b\u200b", "等线 Light", "等线", "等线 Light", "等线",
                                       family="Office Theme"),
        "word/header1.xml": header,
        "word/footer1.xml": footer("left"),
        "word/footer2.xml": footer("right"),
        "word/footnotes.xml": notes("footnotes"),
        "word/endnotes.xml": notes("endnotes"),
    }


# --------------------------------------------------------------------------- WPS


def wps_imitation() -> dict[str, str | bytes]:
    """A 公文 template as WPS Office 2019 (Windows) saves it: numeric style ids (``1`` Normal,
    ``2`` heading 1 …) with ``w:qFormat`` before ``w:uiPriority`` (the schema wants the
    reverse), headings bound to a chineseCounting list, ``linesAndChars`` grid with page
    numbers in dashes, compatibility mode 14, ``w:docVars``, the ``wpsCustomData`` custom XML
    item and the ``KSOProductBuildVer`` custom property, a theme, and no header."""

    def para(style: str, text: str) -> str:
        style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
        return (f'<w:p><w:pPr>{style_xml}<w:bidi w:val="0"/><w:rPr><w:rFonts w:hint="eastAsia"/>'
                '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:pPr><w:r><w:rPr><w:rFonts w:hint="eastAsia"/>'
                f'<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr><w:t>{escape(text)}</w:t></w:r></w:p>')

    body = (
        para("11", "关于某某工作的报告")
        + para("2", "总体情况")
        + para("", "正文内容。")
        + para("3", "具体措施")
        + '<w:sectPr><w:footerReference r:id="rId3" w:type="default"/><w:footerReference r:id="rId4" w:type="even"/>'
        '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" '
        'w:header="851" w:footer="1417" w:gutter="0"/><w:pgNumType w:fmt="numberInDash"/>'
        '<w:cols w:space="0" w:num="1"/><w:rtlGutter w:val="0"/><w:docGrid w:type="linesAndChars" '
        'w:linePitch="579" w:charSpace="-842"/></w:sectPr>'
    )
    document = f"{DECL}<w:document {WPS_NS}><w:body>{body}</w:body></w:document>"

    def style(kind, sid, name, inner, default=False):
        attrs = ' w:default="1"' if default else ""
        return f'<w:style w:type="{kind}"{attrs} w:styleId="{sid}"><w:name w:val="{name}"/>{inner}</w:style>'

    def heading(sid, level, face, bold=""):
        num = f'<w:numPr><w:ilvl w:val="{level - 1}"/><w:numId w:val="1"/></w:numPr>' if level < 3 else ""
        return style(
            "paragraph", sid, f"heading {level}",
            f'<w:basedOn w:val="1"/><w:next w:val="1"/><w:unhideWhenUsed/><w:qFormat/><w:uiPriority w:val="0"/>'
            f"<w:pPr><w:keepNext/><w:keepLines/>{num}<w:spacing w:line=\"560\" w:lineRule=\"exact\"/>"
            f'<w:ind w:firstLine="200" w:firstLineChars="200"/><w:outlineLvl w:val="{level - 1}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:eastAsia="{face}"/>{bold}<w:sz w:val="32"/></w:rPr>',
        )

    styles = (
        f"{DECL}<w:styles {WPS_NS}>"
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        '<w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia" '
        'w:cstheme="minorBidi"/><w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="24"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        "<w:pPrDefault/></w:docDefaults>"
        '<w:latentStyles w:count="260" w:defQFormat="0" w:defUnhideWhenUsed="1" w:defSemiHidden="1" '
        'w:defUIPriority="99" w:defLockedState="0">'
        '<w:lsdException w:qFormat="1" w:unhideWhenUsed="0" w:uiPriority="0" w:semiHidden="0" w:name="Normal"/>'
        '<w:lsdException w:qFormat="1" w:unhideWhenUsed="0" w:uiPriority="0" w:semiHidden="0" w:name="heading 1"/>'
        '<w:lsdException w:qFormat="1" w:uiPriority="0" w:name="heading 2"/>'
        '<w:lsdException w:qFormat="1" w:uiPriority="0" w:name="heading 3"/>'
        '<w:lsdException w:uiPriority="99" w:name="footer"/>'
        '<w:lsdException w:qFormat="1" w:unhideWhenUsed="0" w:uiPriority="0" w:semiHidden="0" w:name="Title"/>'
        "</w:latentStyles>"
        + style("paragraph", "1", "Normal",
                '<w:qFormat/><w:uiPriority w:val="0"/><w:pPr><w:widowControl w:val="0"/>'
                '<w:spacing w:line="560" w:lineRule="exact"/><w:ind w:firstLine="200" w:firstLineChars="200"/>'
                '<w:jc w:val="both"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
                'w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/><w:kern w:val="2"/><w:sz w:val="32"/>'
                '<w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>', default=True)
        + heading("2", 1, "黑体")
        + heading("3", 2, "楷体_GB2312")
        + heading("4", 3, "仿宋_GB2312", "<w:b/>")
        + style("character", "5", "Default Paragraph Font", '<w:semiHidden/><w:uiPriority w:val="0"/>', default=True)
        + style("table", "6", "Normal Table",
                '<w:semiHidden/><w:uiPriority w:val="0"/><w:tblPr><w:tblLayout w:type="fixed"/>'
                '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>',
                default=True)
        + style("paragraph", "7", "footer",
                '<w:basedOn w:val="1"/><w:qFormat/><w:uiPriority w:val="0"/><w:pPr>'
                '<w:tabs><w:tab w:val="center" w:pos="4153"/><w:tab w:val="right" w:pos="8306"/></w:tabs>'
                '<w:snapToGrid w:val="0"/><w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="left"/></w:pPr>'
                '<w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/>'
                '<w:szCs w:val="18"/></w:rPr>')
        + style("table", "8", "Table Grid",
                '<w:basedOn w:val="6"/><w:qFormat/><w:uiPriority w:val="0"/><w:pPr><w:widowControl w:val="0"/>'
                '<w:jc w:val="both"/></w:pPr><w:tblPr><w:tblBorders>'
                + "".join(f'<w:{s} w:val="single" w:color="auto" w:sz="4" w:space="0"/>'
                          for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
                + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="108" w:type="dxa"/>'
                '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>')
        + style("paragraph", "11", "Title",
                '<w:basedOn w:val="1"/><w:next w:val="1"/><w:qFormat/><w:uiPriority w:val="0"/><w:pPr>'
                '<w:spacing w:line="700" w:lineRule="exact"/><w:ind w:firstLine="0" w:firstLineChars="0"/>'
                '<w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/>'
                '<w:sz w:val="44"/></w:rPr>')
        + "</w:styles>"
    )

    def lvl(ilvl, fmt, text, style_id=""):
        pstyle = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
        return (f'<w:lvl w:ilvl="{ilvl}" w:tentative="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
                f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                '<w:pPr><w:ind w:left="0" w:firstLine="400"/></w:pPr></w:lvl>')

    numbering = (
        f"{DECL}<w:numbering {WPS_NS}>"
        '<w:abstractNum w:abstractNumId="0"><w:nsid w:val="6A2B1C3D"/><w:multiLevelType w:val="multilevel"/>'
        '<w:tmpl w:val="6A2B1C3D"/>'
        + lvl(0, "chineseCounting", "%1、", "2") + lvl(1, "chineseCounting", "（%2）", "3")
        + "".join(lvl(i, "decimal", f"%{i + 1}.") for i in range(2, 9))
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    settings = (
        f"{DECL}<w:settings {WPS_NS_SETTINGS}>"
        '<w:zoom w:percent="100"/><w:bordersDoNotSurroundHeader w:val="1"/><w:bordersDoNotSurroundFooter w:val="1"/>'
        '<w:documentProtection w:enforcement="0"/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders w:val="1"/>'
        '<w:drawingGridHorizontalSpacing w:val="158"/><w:drawingGridVerticalSpacing w:val="290"/>'
        '<w:displayHorizontalDrawingGridEvery w:val="0"/><w:displayVerticalDrawingGridEvery w:val="2"/>'
        '<w:characterSpacingControl w:val="compressPunctuation"/>'
        '<w:hdrShapeDefaults><o:shapedefaults v:ext="edit" spidmax="2049"/></w:hdrShapeDefaults>'
        "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>"
        "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>"
        + "".join(f'<w:compatSetting w:name="{k}" w:uri="http://schemas.microsoft.com/office/word" w:val="{v}"/>'
                  for k, v in (("compatibilityMode", 14), ("overrideTableStyleFontSizeAndJustification", 1),
                               ("enableOpenTypeFeatures", 1), ("doNotFlipMirrorIndents", 1)))
        + "</w:compat>"
        '<w:docVars><w:docVar w:name="commondata" w:val="eyJoZGlkIjoiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAifQ=="/>'
        '<w:docVar w:name="KSO_WPS_MARK_KEY" w:val="5c1e8a2b-7d3f-4e6a-9b0c-1d2e3f4a5b6c"/></w:docVars>'
        '<w:rsids><w:rsidRoot w:val="00000000"/><w:rsid w:val="1B2F5C3A"/></w:rsids>'
        '<m:mathPr><m:brkBin m:val="before"/><m:brkBinSub m:val="--"/><m:smallFrac m:val="0"/><m:dispDef/>'
        '<m:lMargin m:val="0"/><m:rMargin m:val="0"/><m:defJc m:val="centerGroup"/><m:wrapIndent m:val="1440"/>'
        '<m:intLim m:val="subSup"/><m:naryLim m:val="undOvr"/></m:mathPr>'
        '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
        '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" '
        'w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" '
        'w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/><w:doNotIncludeSubdocsInStats/>'
        '<w:shapeDefaults><o:shapedefaults v:ext="edit" spidmax="2049"/><o:shapelayout v:ext="edit">'
        '<o:idmap v:ext="edit" data="1"/></o:shapelayout></w:shapeDefaults>'
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>'
    )

    def footer(jc):
        return (f'{DECL}<w:ftr {WPS_NS}><w:p><w:pPr><w:pStyle w:val="7"/><w:bidi w:val="0"/><w:jc w:val="{jc}"/>'
                '<w:rPr><w:rFonts w:hint="eastAsia"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:pPr>'
                f"{page_field('', '')}</w:p></w:ftr>")

    fonts = (
        f"{DECL}<w:fonts {WPS_NS}>"
        + "".join(
            f'<w:font w:name="{name}"><w:panose1 w:val="{panose}"/><w:charset w:val="{cs}"/>'
            f'<w:family w:val="{fam}"/><w:pitch w:val="default"/><w:sig w:usb0="{u0}" w:usb1="{u1}" '
            f'w:usb2="00000009" w:usb3="00000000" w:csb0="{c0}" w:csb1="00000000"/></w:font>'
            for name, panose, cs, fam, u0, u1, c0 in (
                ("Times New Roman", "02020603050405020304", "00", "roman", "E0002EFF", "C000785B", "400001FF"),
                ("宋体", "02010600030101010101", "86", "auto", "00000003", "288F0000", "00040001"),
                ("Wingdings", "05000000000000000000", "02", "auto", "00000000", "00000000", "80000000"),
                ("Arial", "020B0604020202020204", "01", "swiss", "E0002EFF", "C000785B", "400001FF"),
                ("黑体", "02010609060101010101", "86", "auto", "800002BF", "38CF7CFA", "00040001"),
                ("仿宋_GB2312", "02010609030101010101", "86", "modern", "00000001", "080E0000", "00040000"),
                ("楷体_GB2312", "02010609030101010101", "86", "modern", "00000001", "080E0000", "00040000"),
                ("方正小标宋简体", "02000000000000000000", "86", "auto", "00000001", "08000000", "00040000"),
            )
        )
        + "</w:fonts>"
    )
    app = (
        f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Template>Normal</Template><Pages>1</Pages><Words>0</Words><Characters>0</Characters><Lines>0</Lines>"
        "<Paragraphs>0</Paragraphs><TotalTime>3</TotalTime><ScaleCrop>false</ScaleCrop>"
        "<LinksUpToDate>false</LinksUpToDate><CharactersWithSpaces>0</CharactersWithSpaces>"
        "<Application>WPS Office_11.1.0.11830_F1E327BC-269C-435d-A152-05C5408002CA</Application>"
        "<DocSecurity>0</DocSecurity></Properties>"
    )
    custom = (
        f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
        "<vt:lpwstr>2052-11.1.0.11830</vt:lpwstr></property>"
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="ICV">'
        "<vt:lpwstr>8F2A1B3C4D5E6F708192A3B4C5D6E7F8</vt:lpwstr></property></Properties>"
    )
    item = (f'{DECL}<s:customData xmlns="http://www.wps.cn/officeDocument/2013/wpsCustomData" '
            'xmlns:s="http://www.wps.cn/officeDocument/2013/wpsCustomData">'
            "<customSectProps><customSectPr/></customSectProps></s:customData>")
    item_props = (
        f'{DECL}<ds:datastoreItem ds:itemID="{{B1977F7D-205B-4081-913C-38D41E755F92}}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs>'
        '<ds:schemaRef ds:uri="http://www.wps.cn/officeDocument/2013/wpsCustomData"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    )
    return {
        "[Content_Types].xml": content_types(
            {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"},
            {"/word/document.xml": WML_CT + "document.main+xml",
             "/word/styles.xml": WML_CT + "styles+xml",
             "/word/settings.xml": WML_CT + "settings+xml",
             "/word/numbering.xml": WML_CT + "numbering+xml",
             "/word/footer1.xml": WML_CT + "footer+xml",
             "/word/footer2.xml": WML_CT + "footer+xml",
             "/word/fontTable.xml": WML_CT + "fontTable+xml",
             "/word/theme/theme1.xml": CT + "theme+xml",
             "/customXml/itemProps1.xml": CT + "customXmlProperties+xml",
             "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
             "/docProps/app.xml": CT + "extended-properties+xml",
             "/docProps/custom.xml": CT + "custom-properties+xml"},
        ),
        "_rels/.rels": relationships([
            ("rId1", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
             "docProps/core.xml"),
            ("rId2", "extended-properties", "docProps/app.xml"),
            ("rId3", "officeDocument", "word/document.xml"),
            ("rId4", "custom-properties", "docProps/custom.xml"),
        ]),
        "docProps/app.xml": app,
        "docProps/core.xml": core("WPS_1700000000", "2024-01-02T09:30:00Z"),
        "docProps/custom.xml": custom,
        "customXml/item1.xml": item,
        "customXml/itemProps1.xml": item_props,
        "customXml/_rels/item1.xml.rels": relationships([("rId1", "customXmlProps", "itemProps1.xml")]),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": relationships([
            ("rId1", "styles", "styles.xml"), ("rId2", "settings", "settings.xml"),
            ("rId3", "footer", "footer1.xml"), ("rId4", "footer", "footer2.xml"),
            ("rId5", "theme", "theme/theme1.xml"), ("rId6", "numbering", "numbering.xml"),
            ("rId7", "customXml", "../customXml/item1.xml"), ("rId8", "fontTable", "fontTable.xml"),
        ]),
        "word/styles.xml": styles,
        "word/numbering.xml": numbering,
        "word/settings.xml": settings,
        "word/fontTable.xml": fonts,
        "word/theme/theme1.xml": theme("WPS", "Calibri Light", "Calibri", "宋体", "宋体"),
        "word/footer1.xml": footer("right"),
        "word/footer2.xml": footer("left"),
    }


# --------------------------------------------------------------------------- minimal


def minimal() -> dict[str, str | bytes]:
    """Only a document part: no styles, settings, numbering, fonts, theme or properties."""
    return {
        "[Content_Types].xml": content_types(
            {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"},
            {"/word/document.xml": WML_CT + "document.main+xml"},
        ),
        "_rels/.rels": relationships([("rId1", "officeDocument", "word/document.xml")]),
        "word/document.xml": (
            f'{DECL}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>模板</w:t></w:r></w:p><w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
            '<w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" w:footer="992" '
            'w:gutter="0"/></w:sectPr></w:body></w:document>'
        ),
    }


# --------------------------------------------------------------------------- python-docx


def python_docx() -> bytes:
    """A template made with python-docx's API from its default document."""
    import docx  # noqa: PLC0415
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.shared import Mm, Pt  # noqa: PLC0415

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    header = section.header.paragraphs[0]
    header.text = "某某区人民政府"
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, face, size in (("Normal", "仿宋_GB2312", 16), ("Heading 1", "黑体", 16), ("Heading 2", "楷体_GB2312", 16),
                             ("Title", "方正小标宋简体", 22)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.name = face
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)
    document.add_paragraph("报告标题", style="Title")
    document.add_heading("一级标题", level=1)
    document.add_paragraph("正文。")
    document.add_paragraph("编号", style="List Number")
    out = io.BytesIO()
    document.save(out)
    with __import__("zipfile").ZipFile(io.BytesIO(out.getvalue())) as zf:
        return deterministic_zip({n: zf.read(n) for n in zf.namelist()})


# --------------------------------------------------------------------------- files


def package(parts: dict[str, str | bytes]) -> bytes:
    return deterministic_zip({n: p.encode("utf-8") if isinstance(p, str) else p for n, p in parts.items()})


BUILT = {
    "word-imitation.docx": lambda: package(word_imitation()),
    "wps-imitation.docx": lambda: package(wps_imitation()),
    "minimal.docx": lambda: package(minimal()),
    "python-docx.docx": python_docx,
}
LIBREOFFICE_SOURCES = sorted(HERE.glob("libreoffice-*.fodt"))


def convert_with_libreoffice() -> list[Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found")
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp,
                        *map(str, LIBREOFFICE_SOURCES)], check=True, capture_output=True, timeout=300)
        for source in LIBREOFFICE_SOURCES:
            target = HERE / f"{source.stem}.docx"
            shutil.copyfile(Path(tmp, f"{source.stem}.docx"), target)
            made.append(target)
    return made


def main(argv: list[str]) -> int:
    for name, build in BUILT.items():
        (HERE / name).write_bytes(build())
        print(HERE / name)
    if "--libreoffice" in argv:
        for path in convert_with_libreoffice():
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
