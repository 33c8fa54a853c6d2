"""The HTML writer: one standalone, semantic HTML5 page styled after GB/T 9704-2012.

The page is ``<header>`` (the title as ``<h1>``, then one ``<p class="field">`` per front
field, worded as ``views.front_fields`` prints it) and ``<main>`` (the body: nested
``<section>`` elements whose headings are ``<h2>``…``<h6>`` by level, paragraphs, lists
with their labels printed, tables with ``<thead>``/``<tbody>`` and the grid's spans,
figures with the picture embedded as a ``data:`` URI or the placeholder text).

The embedded style sheet sets the page as a 公文 is set: A4 with 37/26/35/28 mm margins
(mirrored on left-hand pages), page numbers ``— N —`` outside at the foot (honoured by
print engines only), body text 三号 仿宋 on a 28.95 pt line with a two-character indent,
the title in 二号 小标宋, headings in 黑体, 楷体, bold 仿宋 and 仿宋 by the kind of their label
(class ``heading1``…``heading4``, as ``views.heading_role`` chooses for the PDF and DOCX:
一、 黑体, （一） 楷体 whatever the depth), tables in 12 pt. On screen the page is a centred column as wide as the printed type area.

The IR carries no language, so the page says ``lang="zh-CN"``. Right- and centre-aligned
paragraphs get the classes ``align-right`` and ``align-center``, an addressee set flush left
``align-left``; an attachment's 附件 line ``attachment page-break`` (黑体, flush left, a new page
in print) and the lines of its title ``attachment-title`` (set as the title); the lines of the
attachment note ``attachment-note``, each with its hanging indent as a style (a name's later
lines under its first character) and a blank line above the first; the signature block
``signature`` and ``signature-date`` (right-aligned, each standing in from the right margin as
its ``inset`` says, a blank line above).

Links become ``<a href>`` only for http, https and mailto addresses and relative ones; any
other link keeps its text without the link. The page is built as an lxml tree and
serialized by lxml, so every text is escaped; the same IR gives the same bytes.

``inline_runs`` and ``table_element`` are shared with the Markdown writer.
"""
from __future__ import annotations

import base64

from lxml import etree
from lxml import html as lxml_html
from msgspec import Struct
from msgspec.structs import replace

from . import views
from .base import DocumentWriter

LANG = "zh-CN"
GENERATOR = "pipeline"

FANGSONG = '"仿宋_GB2312", "FangSong_GB2312", "FangSong", "STFangsong", "仿宋", serif'
HEITI = '"黑体", "SimHei", "Heiti SC", sans-serif'
STYLE = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
@page :right {{ margin: 37mm 26mm 35mm 28mm;
  @bottom-right {{ content: "— " counter(page) " —"; font: 14pt "宋体", "SimSun", serif; margin-right: 1em; }} }}
@page :left {{ margin: 37mm 28mm 35mm 26mm;
  @bottom-left {{ content: "— " counter(page) " —"; font: 14pt "宋体", "SimSun", serif; margin-left: 1em; }} }}
html {{ background: #fff; color: #000; }}
body {{ font-family: {FANGSONG}; font-size: 16pt; line-height: 28.95pt; margin: 0; }}
header, main {{ max-width: 156mm; margin: 0 auto; }}
header {{ margin-bottom: 28.95pt; }}
h1, h2, h3, h4, h5, h6 {{ font-size: 16pt; line-height: 28.95pt; margin: 0; font-weight: normal; text-indent: 2em; }}
h1.title, p.attachment-title {{ font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "小标宋", "STZhongsong", "SimSun", serif;
  font-size: 22pt; line-height: 1.5; text-align: center; text-indent: 0; margin: 0 0 28.95pt; }}
p.attachment-title:has(+ p.attachment-title) {{ margin-bottom: 0; }}
.heading1 {{ font-family: {HEITI}; }}
p.attachment {{ font-family: {HEITI}; text-indent: 0; margin-bottom: 28.95pt; }}
.heading2 {{ font-family: "楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", serif; }}
.heading3 {{ font-family: {FANGSONG}; font-weight: bold; }}
.heading4 {{ font-family: {FANGSONG}; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
p.field {{ text-indent: 0; text-align: center; overflow-wrap: anywhere; }}
p.align-right {{ text-align: right; text-indent: 0; }}
p.align-center {{ text-align: center; text-indent: 0; text-wrap: balance; }}
p.align-left {{ text-indent: 0; }}
p.attachment-note {{ text-align: left; }}
:not(p.attachment-note) + p.attachment-note {{ margin-top: 28.95pt; }}
p.signature, p.signature-date {{ text-align: right; text-indent: 0; break-before: avoid; }}
p.signature-note {{ break-before: avoid; }}
:not(p.signature) + p.signature {{ margin-top: 28.95pt; }}
p.page-break {{ break-before: page; }}
ul, ol {{ list-style: none; margin: 0; padding: 0 0 0 2em; }}
a {{ color: inherit; }}
table {{ border-collapse: collapse; font-size: 12pt; line-height: 1.5; margin: 0.5em auto; max-width: 100%; }}
th, td {{ border: 0.5pt solid #000; padding: 2pt 4pt; text-indent: 0; vertical-align: middle; }}
th {{ font-weight: bold; text-align: center; }}
figure {{ margin: 0.5em 0; text-align: center; text-indent: 0; }}
figure img {{ max-width: 100%; height: auto; }}
figcaption, figure p {{ font-size: 14pt; text-align: center; text-indent: 0; }}
@media screen {{
  body {{ padding: 2em 1em; }}
  main, header {{ padding: 0 0.5em; }}
}}
@media print {{
  a {{ text-decoration: none; }}
  h1, h2, h3, h4, h5, h6 {{ break-after: avoid; }}
  thead {{ display: table-header-group; }}
  tr, figure {{ break-inside: avoid; }}
}}
"""


# -- pieces shared with the Markdown writer ------------------------------------------------


class Run(Struct, frozen=True):
    """A piece of a block's printed text: plain text, a label (a heading's or an item's), or a
    link's text with its safe target (``href`` None: the link is printed as plain text).
    ``item`` is the index of the enumeration item it belongs to within its paragraph, or -1."""

    text: str
    role: str = "text"  # text, label or link
    href: str | None = None
    item: int = -1


def inline_runs(el: etree._Element, label: str = "") -> list[Run]:
    """The printed text of an inline container (heading, paragraph, list entry) as runs, after
    ``label``: its text, each item's label and text, each link's text. Together the runs read
    as ``views.printable`` of ``label`` + ``ir.text_of(el)``; empty runs are left out."""
    runs = [Run(views.printable(label, trim=False), "label")] if label else []
    _collect(el, runs, -1)
    return _trimmed(runs)


def _collect(el: etree._Element, runs: list[Run], item: int) -> None:
    runs.append(Run(views.printable(el.text or "", trim=False), item=item))
    for i, child in enumerate(el):
        if child.tag == "item":
            runs.append(Run(views.printable(child.get("label", ""), trim=False), "label", item=i))
            _collect(child, runs, i)
        elif child.tag == "link":
            runs.append(Run(views.printable(child.text or "", trim=False), "link", views.link_target(child.get("href")), item))
        runs.append(Run(views.printable(child.tail or "", trim=False), item=item))


def _trimmed(runs: list[Run]) -> list[Run]:
    """The runs with white space trimmed at the two ends of the whole line, empty runs dropped."""
    runs = list(runs)
    for order, strip in ((range(len(runs)), str.lstrip), (range(len(runs) - 1, -1, -1), str.rstrip)):
        for i in order:
            text = strip(runs[i].text)
            runs[i] = replace(runs[i], text=text)
            if text:
                break
    return [run for run in runs if run.text]


def data_uri(picture: views.Picture) -> str:
    return f"data:{picture.type};base64,{base64.b64encode(picture.data).decode('ascii')}"


def _lines_into(el: etree._Element, lines: tuple[str, ...]) -> None:
    """Put a cell's forced lines into ``el``, separated by ``<br>``."""
    el.text = lines[0] if lines else ""
    for line in lines[1:]:
        etree.SubElement(el, "br").tail = line


def table_element(table: etree._Element) -> etree._Element:
    """The ``<table>`` of an IR table, as it stands: header rows in ``<thead>``, the others in
    ``<tbody>``, header cells as ``<th>``, spans as ``rowspan``/``colspan``, forced line
    breaks as ``<br>``. Holds no blank line, so that it is also one Markdown HTML block."""
    grid = views.grid(table)
    out = etree.Element("table")
    out.text = "\n"
    groups = (("thead", grid.cells[:grid.header_rows], True), ("tbody", grid.cells[grid.header_rows:], False))
    for tag, rows, header in groups:
        if not rows:
            continue
        group = etree.SubElement(out, tag)
        group.text = group.tail = "\n"
        for row in rows:
            tr = etree.SubElement(group, "tr")
            tr.tail = "\n"
            for cell in row:
                td = etree.SubElement(tr, "th" if header or cell.header else "td")
                if cell.rowspan > 1:
                    td.set("rowspan", str(cell.rowspan))
                if cell.colspan > 1:
                    td.set("colspan", str(cell.colspan))
                _lines_into(td, cell.lines)
    return out


def fragment(el: etree._Element) -> str:
    """An element serialized as HTML text (used by the Markdown writer for HTML blocks)."""
    return lxml_html.tostring(el, encoding="unicode", method="html", with_tail=False)


# -- the page ---------------------------------------------------------------------------------


def _append_runs(parent: etree._Element, runs: list[Run]) -> None:
    """Append runs to ``parent`` as text, ``<span class="label">``, ``<a href>`` and, for the
    runs of an enumeration item, a ``<span class="item">`` around its label and text."""
    item_of: dict[int, etree._Element] = {}
    for run in runs:
        target = parent
        if run.item >= 0:
            target = item_of.get(run.item)
            if target is None:
                target = item_of[run.item] = etree.SubElement(parent, "span", {"class": "item"})
        if run.role == "label":
            etree.SubElement(target, "span", {"class": "label"}).text = run.text
        elif run.role == "link" and run.href is not None:
            etree.SubElement(target, "a", href=run.href).text = run.text
        else:
            _append_text(target, run.text)


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


class HtmlWriter(DocumentWriter):
    """Builds the page: ``visit`` of the report fills ``head`` and ``body``."""

    def __init__(self):
        self.root = etree.Element("html", lang=LANG)
        self.root.text = "\n"
        self.head = self._block(self.root, "head")
        self.body = self._block(self.root, "body")
        self.body.text = "\n"
        self.parent = self.body

    @staticmethod
    def _block(parent: etree._Element, tag: str, attrib: dict | None = None) -> etree._Element:
        el = etree.SubElement(parent, tag, attrib or {})
        el.tail = "\n"
        return el

    def _container(self, tag: str, attrib: dict | None = None) -> etree._Element:
        el = self._block(self.parent, tag, attrib)
        el.text = "\n"
        return el

    def visit_report(self, el):
        self.visit_children(el)

    def visit_front(self, el):
        """The head, and the header from ``views.front_lines``: the title, then the fields."""
        self.head.text = "\n"
        self._block(self.head, "meta", {"charset": "utf-8"})
        self._block(self.head, "meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"})
        self._block(self.head, "meta", {"name": "generator", "content": GENERATOR})
        self._block(self.head, "title").text = views.title(el.getparent())
        self._block(self.head, "style").text = STYLE
        lines = views.front_lines(el.getparent())
        if not lines:
            return
        header = self._container("header")
        for line in lines:
            if line.kind == "title":
                self._block(header, "h1", {"class": "title"}).text = line.text
            else:
                self._block(header, "p", {"class": "field", "data-name": line.name}).text = line.text

    def visit_body(self, el):
        self.parent = self._container("main")
        self.visit_children(el)

    def visit_section(self, el):
        outer = self.parent
        self.parent = self._container("section", {"class": f"level-{el.get('level')}"})
        self.visit_children(el)
        self.parent = outer

    def visit_heading(self, el):
        section = el.getparent()
        level = min(int(section.get("level", "1")) + 1, 6)
        heading = self._block(self.parent, f"h{level}", {"class": views.heading_role(section)})
        _append_runs(heading, inline_runs(el, section.get("label", "")))

    def visit_p(self, el):
        runs = inline_runs(el)
        if not runs:
            return
        part = views.part_of(el)
        classes = [part] if part else [f"align-{views.alignment(el)}"] if views.alignment(el) else []
        classes += ["page-break"] if views.starts_page(el) else []
        attrib = {"class": " ".join(classes)} if classes else {}
        if part == "attachment-note":  # each name's later lines under its first character
            first, rest = views.note_indents(el)
            attrib["style"] = f"padding-left: {2 + rest:g}em; text-indent: {first - rest:g}em"
        elif part in ("signature", "signature-date"):  # 右空二字, the date under the organ
            attrib["style"] = f"padding-right: {views.signature_inset(el):g}em"
        _append_runs(self._block(self.parent, "p", attrib), runs)

    def visit_item(self, el):
        """Printed by its paragraph, as a span holding its label and text."""

    def visit_link(self, el):
        """Printed by its paragraph, heading or list entry."""

    def visit_list(self, el):
        outer = self.parent
        self.parent = self._container("ol" if el.get("ordered") == "true" else "ul")
        self.visit_children(el)
        self.parent = outer

    def visit_li(self, el):
        _append_runs(self._block(self.parent, "li"), inline_runs(el, views.li_marker(el)))

    def visit_table(self, el):
        table = table_element(el)
        table.tail = "\n"
        self.parent.append(table)

    def visit_row(self, el):
        """Drawn by its table."""

    visit_cell = visit_row

    def visit_figure(self, el):
        figure = self._container("figure")
        shown = views.picture(el)
        if shown is None:
            self._block(figure, "p", {"class": "placeholder"}).text = views.figure_placeholder(el)
            return
        caption = views.figure_caption(el)
        self._block(figure, "img", {"src": data_uri(shown), "alt": caption,
                                    "width": str(shown.width), "height": str(shown.height)})
        if caption:
            self._block(figure, "figcaption").text = caption


def render(tree: etree._Element, settings=None) -> bytes:
    writer = HtmlWriter()
    writer.visit(tree)
    return lxml_html.tostring(writer.root, doctype="<!DOCTYPE html>", encoding="utf-8", method="html")
