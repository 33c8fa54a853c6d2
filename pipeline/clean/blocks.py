"""Reading an HTML content element into IR blocks in document order (the ``blocks`` pass):
paragraphs with their links (right-aligned ones marked so), data tables, simple lists,
figures, h1–h6 and short unlabelled lines set wholly in bold as heading markers. A text
scrape's blocks are its lines (``text.py``)."""
from __future__ import annotations

import re

from lxml import etree

from ..links import link_target
from ..text import collapse_space
from ..transforms.labels import UNNUMBERED, match_label, structure_rules
from .content import LINK_SHARE, MAIN_LIST, is_thread
from .draft import SENTENCE_END, Draft, audit, block_text, element_text
from .rules import CleanRules
from .text import scrape_blocks
from .unwrap import PAGE_INDENT, LineStart, indent_width

# In a forum thread's posts, a link whose text is a web address spells the address out: text
# the post's writer put there, not a menu entry, so it does not make its line a link line.
SPELLED_ADDRESS = re.compile(r"(https?://|www\.)\S+", re.I)
TEXT_ALIGN = re.compile(r"text-align\s*:\s*([a-z-]+)", re.I)
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BOLD_TAGS = {"b", "strong"}
CONTAINER_TAGS = {"p", "div", "table", "ul", "ol", "section", "article"}
MIN_TITLE_CHARS = 6  # a bold line ending in a document word is a title from this length on
# The tags ``BlockReader.read`` may read apart from the text around them (a data table, a
# heading, a picture, a line break, a citation mark, a list).
READ_APART = HEADING_TAGS | {"table", "img", "br", "sup", "ul", "ol"}
BLOCK_TAGS = HEADING_TAGS | {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
    "center", "pre", "tr", "td", "th", "tbody", "thead", "tfoot", "table", "hr", "br", "figure",
    "figcaption", "address", "body",
}


def read_blocks(draft: Draft) -> None:
    if draft.page is None:
        draft.blocks.extend(scrape_blocks(draft.loaded.text, draft.line_starts))
        return
    reader = BlockReader(draft.rules, content=draft.content)
    reader.read(draft.content)
    reader.flush()
    draft.blocks.extend(reader.blocks)
    draft.bold_lines.extend(reader.bold_lines)
    draft.teasers.extend(reader.teasers)
    draft.line_starts.update(reader.starts)
    draft.removed.extend(reader.removed)


def mark_bold_headings(draft: Draft) -> None:
    """The ``bold-headings`` pass: the bold lines the blocks pass noted become unnumbered heading
    markers, except a title set on bold lines: two or more before the first paragraph of other
    text, those right after an attachment line (附件2), or those that end in a document word
    (…的报告, …的规定: the title of an attachment or of a second document).
    It runs last, so that the title, metadata and trim passes read them as paragraphs."""
    blocks = draft.blocks
    bold = [any(b is x for x in draft.bold_lines) for b in blocks]
    runs, start = [], None  # (first, last + 1) of each run of consecutive bold lines
    for i, here in enumerate([*bold, False]):
        if here and start is None:
            start = i
        elif not here and start is not None:
            runs.append((start, i))
            start = None
    first_text = next((i for i, (b, here) in enumerate(zip(blocks, bold)) if b.tag == "p" and not here), len(bold))
    attachment_line = re.compile(structure_rules()["attachment_line"])
    titles = set()
    for a, b in runs:
        text = "".join("".join(block_text(x).split()) for x in blocks[a:b])
        ends_in_document_word = any(m.end() == len(text) for m in draft.rules.title_words.finditer(text))
        after_attachment_line = a > 0 and bool(attachment_line.fullmatch(block_text(blocks[a - 1])))
        if (b <= first_text and b - a > 1) or after_attachment_line \
                or (ends_in_document_word and len(text) >= MIN_TITLE_CHARS):
            titles.update(range(a, b))
    draft.blocks = [heading_marker(UNNUMBERED, block_text(b)) if here and i not in titles else b
                    for i, (b, here) in enumerate(zip(blocks, bold))]


def declared_alignment(el: etree._Element) -> str | None:
    """The text alignment a block element sets for its text: its style's text-align, else its
    align attribute (a table's positions the table, not its text), else <center>'s."""
    style = el.get("style")
    styles = TEXT_ALIGN.findall(style) if style else ()
    if styles:
        return styles[-1].lower()
    align = (el.get("align") or "").strip().lower() if el.tag != "table" else ""
    return align or ("center" if el.tag == "center" else None)


class BlockReader:
    """Reads HTML elements into IR blocks in document order. A paragraph is right-aligned by its
    own block or an enclosing one inside ``content`` (the nearest that sets an alignment);
    ``content``'s own alignment is not given to its paragraphs. In a forum thread (``thread``:
    ``content`` is a thread's posts) a link spelling out its address is text."""

    def __init__(self, rules: CleanRules, content: etree._Element | None = None, thread: bool | None = None):
        self.rules = rules
        self.content = content
        self.thread = is_thread(content) if thread is None else thread
        self.blocks: list[etree._Element] = []
        self.removed: list[tuple[str, str]] = []
        self.buffer: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text) of the links kept in the buffer
        self.link_chars = 0  # characters inside any <a>, kept as a link or not
        self.in_attachments = False
        self.alignments: list[str | None] = []  # of the block elements being read, innermost last
        self.bold_depth = 0  # bold elements around the text being read
        self.bold_chars = 0  # non-space characters of the buffer read in bold
        self.bold_lines: list[etree._Element] = []  # paragraphs that are bold headings
        self.teasers: list[etree._Element] = []  # figures whose picture is a teaser's (``is_teaser_picture``)
        self.link_shares: dict[etree._Element, bool | None] = {}  # its ``shares``
        self.starts: dict[etree._Element, LineStart] = {}  # each paragraph's (``unwrap.py``)
        self.follows: etree._Element | None = None  # the paragraph a line break just ended

    def flush(self) -> etree._Element | None:
        """The paragraph of the text read since the last one, if it makes one."""
        raw = "".join(self.buffer)
        text = collapse_space(raw) if raw else ""
        links, self.links, self.buffer = self.links, [], []
        link_chars, self.link_chars = self.link_chars, 0
        bold_chars, self.bold_chars = self.bold_chars, 0
        follows, self.follows = self.follows, None
        if not text:
            return None
        attachment = bool(self.rules.attachment_lead.match(text)) or (
            self.in_attachments and links and text[:1].isdigit())
        self.in_attachments = attachment
        # A line mostly of link text is links (a menu, teasers) unless it ends a sentence; a line
        # wholly of link text is links whatever it holds (a ranked teaser: 3. 惟楚有才…图片！(16)).
        chars = len(text.replace(" ", ""))
        if not attachment and link_chars >= LINK_SHARE * chars and (not SENTENCE_END.search(text) or link_chars >= chars):
            audit(self.removed, "links", text)
            return None
        return self.keep_paragraph(text, links, raw, follows, bold_chars)

    def keep_paragraph(self, text: str, links: list[tuple[str, str]], raw: str, follows: etree._Element | None,
                       bold_chars: int) -> etree._Element:
        """Add the paragraph of a line that is not links (``flush``)."""
        bold_line = bold_chars > 0 and bold_chars >= len("".join(text.split())) and self.is_bold_heading(text)
        p = paragraph(text, links)
        if self.alignments and self.alignments[-1] in ("right", "-webkit-right"):
            p.set("align", "right")
        elif self.alignments and self.alignments[-1] in ("center", "-webkit-center"):
            p.set("align", "center")  # kept where short (``captions.settle_centred_lines``)
        if bold_line:
            self.bold_lines.append(p)
        self.blocks.append(p)
        self.starts[p] = LineStart(indent_width(raw, PAGE_INDENT), follows)
        return p

    def add(self, text: str | None) -> None:
        if text:
            self.buffer.append(text)
            if self.bold_depth:
                self.bold_chars += len("".join(text.split()))

    def is_bold_heading(self, text: str) -> bool:
        """Whether a paragraph set wholly in bold is an unnumbered heading (``bold_heading``)."""
        return bool(self.rules.bold_heading.fullmatch(text)) and match_label(text) is None

    def read_list(self, el: etree._Element) -> None:
        """A list of plain entries becomes a <list>; one made of links or of one-word entries
        (a menu, a pager, a button row) is chrome."""
        entries = []
        for li in el.iterfind("li"):
            reader = type(self)(self.rules, thread=self.thread)
            reader.read(li)
            reader.flush()
            text = collapse_space(li.text_content())
            if text:
                entries.append((reader, text))
        linked = sum(len(t) for r, t in entries if r.removed)
        total = sum(len(t) for _, t in entries)
        if not entries or linked >= 0.6 * total or total < self.rules.min_list_entry_chars * len(entries):
            audit(self.removed, "links", " ".join(t for _, t in entries))
            return
        out = etree.Element("list")
        if el.tag == "ol":
            out.set("ordered", "true")
        for reader, text in entries:
            reader.fill_entry(etree.SubElement(out, "li"), text)
        self.blocks.append(out)

    def fill_entry(self, item: etree._Element, text: str) -> None:
        """A list's entry as this reader read it (``read_list``): its first paragraph, links
        and all, else ``text`` (the entry's whole text)."""
        first = self.blocks[0] if self.blocks else None
        if first is not None and first.tag == "p":
            item.text = first.text
            item.extend(list(first))
        else:
            item.text = text

    def add_link(self, el: etree._Element) -> bool:
        """Buffer a hyperlink as a link; False when it is not one worth keeping (scripts, anchors,
        other unsafe targets: ``links.link_target``)."""
        href = link_target(el.get("href"))
        raw = element_text(el)
        text = collapse_space(raw)
        if not (self.thread and SPELLED_ADDRESS.fullmatch(text)):
            self.link_chars += len(text.replace(" ", ""))
        # A link without children holds no picture: no iterator is set up for it.
        if not text or not href or (len(el) and next(el.iter("img"), None) is not None):
            return False
        self.buffer.append(raw)
        self.links.append((href, text))
        return True

    def read(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            self.add(el.tail)
            return
        if (tag in READ_APART and self.read_apart(el, tag)) or (tag == "a" and self.add_link(el)):
            self.add(el.tail)
            return
        # Any other element is read inline, with its text and children (one call per level of
        # nesting: a page may nest as deep as html.MAX_DEPTH).
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
            self.enter(el)
        bold = self.sets_bold(el)
        self.bold_depth += bold
        self.add(el.text)
        for child in el:
            self.read(child)
        self.bold_depth -= bold
        if block:
            self.flush()
            self.leave()
        self.add(el.tail)

    def read_apart(self, el: etree._Element, tag: str) -> bool:
        """Read a data table, an h1–h6, a picture, a line break, a citation mark or a list apart
        from the text around it (``READ_APART``); False for one that is none of these (a layout
        table, a list of blocks, a superscript that marks no citation)."""
        if tag == "table" and is_data_table(el, self.rules.data_table_rows):
            self.flush()
            self.keep_table(el)
        elif tag in HEADING_TAGS and not holds_blocks(el):
            self.flush()
            text = collapse_space(el.text_content())
            if text:
                self.keep_heading(tag, text)
        elif tag == "img":
            src = picture_reference(el)
            if src and not is_tiny(el) and not self.rules.chrome_images.search(src):
                self.flush()
                self.keep_picture(el, src)
        elif tag == "br":
            self.follows = self.flush()
        elif tag == "sup" and self.rules.citation_mark.fullmatch(collapse_space(el.text_content())):
            audit(self.removed, "citation", collapse_space(el.text_content()))
        elif tag == "ul" and el.get(MAIN_LIST):
            self.flush()
            self.blocks.append(main_list_block(el))
        elif tag in ("ul", "ol") and is_simple_list(el):
            self.flush()
            self.read_list(el)
        else:
            return False
        return True

    def keep_heading(self, tag: str, text: str) -> None:
        self.blocks.append(heading_marker(tag, text))

    def keep_table(self, table: etree._Element) -> None:
        """A data table as a table block; a grid of links (a site map) is dropped."""
        if is_link_grid(table, self.rules.link_grid_marks):
            audit(self.removed, "links", collapse_space(table.text_content()))
        else:
            self.blocks.append(table_block(table, self.rules.bold_style))

    def keep_picture(self, img: etree._Element, src: str) -> None:
        """A picture of the text as a figure block (noted as a teaser's when it is one)."""
        fig = etree.Element("figure", src=src)
        if (img.get("alt") or "").strip():
            fig.set("alt", collapse_space(img.get("alt")))
        if is_teaser_picture(img, self.content, self.rules, self.link_shares):
            self.teasers.append(fig)
        self.blocks.append(fig)

    def enter(self, el: etree._Element) -> None:
        """Note the alignment of a block element's text: its own, else the enclosing block's."""
        inherited = self.alignments[-1] if self.alignments else None
        own = declared_alignment(el) if el is not self.content else None
        self.alignments.append(own or inherited)

    def leave(self) -> None:
        self.alignments.pop()

    def sets_bold(self, el: etree._Element) -> bool:
        return sets_bold(el, self.rules.bold_style)


class LineReader(BlockReader):
    """Reads an HTML element's lines as ``BlockReader`` reads its blocks, for the ``page-lines``
    pass over the whole page: the text of each paragraph and heading marker, in order among the
    lists (elements, as ``BlockReader`` makes them). What only a paragraph element carries (its
    alignment, whether it is a bold line, its start) is not worked out, nor are the data tables
    and pictures, which hold no line of the page: they are skipped whole."""

    opens_with_paragraph = False  # whether the first line read is a paragraph's (``fill_entry``)

    def keep_paragraph(self, text: str, *_) -> str:
        if not self.blocks:
            self.opens_with_paragraph = True
        self.blocks.append(text)
        return text

    def keep_heading(self, tag: str, text: str) -> None:
        self.blocks.append(text)

    def fill_entry(self, item: etree._Element, text: str) -> None:
        item.text = self.blocks[0] if self.opens_with_paragraph else text

    def enter(self, el: etree._Element) -> None:
        pass

    def leave(self) -> None:
        pass

    def sets_bold(self, el: etree._Element) -> bool:
        return False

    def keep_table(self, table: etree._Element) -> None:
        pass

    def keep_picture(self, img: etree._Element, src: str) -> None:
        pass


def is_teaser_picture(img: etree._Element, content: etree._Element | None, rules: CleanRules,
                      shares: dict[etree._Element, bool | None]) -> bool:
    """Whether a picture belongs to a teaser (another article's thumbnail, an ad, a reader's
    avatar), not to the text around it: it is a link to a page (a link to a picture is its larger
    copy), or the smallest element around it holding text holds mostly link text (the teaser's
    headline beside its thumbnail). ``shares`` keeps the answer for each element around a
    picture (None: it holds no text) for the next picture in it: the pictures of a page alone
    in their paragraphs are all answered by the page's text, read once."""
    for here in img.iterancestors():
        href = link_target(here.get("href")) if here.tag == "a" else None
        if href and not rules.picture_address.search(href):
            return True
        if here is content:
            break
    for here in img.iterancestors():
        if here not in shares:
            text = "".join(here.text_content().split())
            linked = sum(len("".join(element_text(a).split())) for a in here.iter("a")) if text else 0
            shares[here] = linked >= LINK_SHARE * len(text) if text else None
        if shares[here] is not None:
            return shares[here]
        if here is content:
            break
    return False


def holds_blocks(el: etree._Element) -> bool:
    """Whether an element holds paragraphs, divisions, tables or lists: an h1–h6 that does wraps
    part of the page (broken markup), it is no heading."""
    return bool(len(el)) and any(isinstance(d.tag, str) and d.tag in CONTAINER_TAGS for d in el.iterdescendants())


def heading_marker(kind: str, text: str) -> etree._Element:
    """A heading marker the sections transform nests: an HTML heading (kind h1–h6) or a bold line."""
    marker = etree.Element("section", kind=kind, label="", level="1")
    etree.SubElement(marker, "heading").text = text
    return marker


def paragraph(text: str, links: list[tuple[str, str]]) -> etree._Element:
    """A <p> of ``text`` whose link texts, found in order, become <link> children."""
    p = etree.Element("p")
    cursor, last = 0, None
    p.text = ""
    for href, link_text in links:
        at = text.find(link_text, cursor)
        if at < 0:
            continue
        before = text[cursor:at]
        if last is None:
            p.text += before
        else:
            last.tail = (last.tail or "") + before
        last = etree.SubElement(p, "link", href=href)
        last.text = link_text
        cursor = at + len(link_text)
    if last is None:
        p.text = text
    else:
        last.tail = (last.tail or "") + text[cursor:]
    return p


def main_list_block(el: etree._Element) -> etree._Element:
    """A page's main list (``content.main_list_of``) as a <list>: each entry its text, its link
    kept (the entries are links, kept however link-heavy)."""
    out = etree.Element("list")
    for li in el.iterfind("li"):
        a = li.find("a")
        p = paragraph(collapse_space(li.text_content()), [(a.get("href"), a.text)] if a is not None else [])
        item = etree.SubElement(out, "li")
        item.text = p.text
        item.extend(list(p))
    return out


def is_data_table(table: etree._Element, min_rows: int = 2) -> bool:
    """Whether a table is a grid of data, not layout: no table inside it, at least ``min_rows``
    rows (``data_table_rows``) with two or more cells holding text (a headline over a byline
    and a pager, set as a table, has one), and no cell holding a long text."""
    if table.find(".//table") is not None:
        return False
    rows = table.findall(".//tr")
    filled = [sum(1 for c in r.findall("td") + r.findall("th") if collapse_space(c.text_content())) for r in rows]
    if sum(1 for n in filled if n >= 2) < min_rows:
        return False
    return all(len(collapse_space(c.text_content())) <= 300 for c in table.iter("td", "th"))


def is_link_grid(table: etree._Element, marks: re.Pattern) -> bool:
    """Whether a table is a grid of links (a menu of a site's sections, a box of teasers laid out
    as a table): it holds link text, and every cell with text holds nothing but link text and
    ``marks`` (``link_grid_marks``: a label's colon, separators)."""
    cells = [c for c in table.iter("td", "th") if collapse_space(c.text_content())]

    def outside_links(cell) -> str:
        text = "".join(cell.text_content().split())
        for a in cell.iter("a"):
            text = text.replace("".join(a.text_content().split()), "", 1)
        return marks.sub("", text)
    return any("".join(a.text_content().split()) for a in table.iter("a")) and all(
        not outside_links(c) for c in cells)


def table_block(table: etree._Element, bold_style: re.Pattern) -> etree._Element:
    """A data table's rows and cells, with their spans; header cells are the <th>s, and the
    cells of the leading rows set wholly in bold (a header the page wrote as bold <td>s, up to
    a row of one cell after the first: a group's row, 一、知识产权保护) or inside <thead>."""
    out = etree.Element("table")
    rows = [[(cell, cell_text(cell)) for cell in tr if cell.tag in ("td", "th")] for tr in table.iter("tr")]
    bold_rows = 0
    while bold_rows < len(rows) - 1:
        filled = [cell for cell, text in rows[bold_rows] if text]
        if not filled or (bold_rows and len(filled) == 1) or not all(in_bold(c, bold_style) for c in filled):
            break
        bold_rows += 1
    for r, (tr, cells) in enumerate(zip(table.iter("tr"), rows)):
        row = etree.SubElement(out, "row")
        head = r < bold_rows or tr.getparent().tag == "thead"
        for cell, text in cells:
            c = etree.SubElement(row, "cell")
            for attr in ("rowspan", "colspan"):
                value = (cell.get(attr) or "").strip()
                if value.isdigit() and int(value) > 1:
                    c.set(attr, value)
            if cell.tag == "th" or head:
                c.set("header", "true")
            c.text = text
    return out


def sets_bold(el: etree._Element, bold_style: re.Pattern) -> bool:
    """Whether an element sets its text in bold (<b>, <strong>, a bold style)."""
    style = el.get("style")
    return el.tag in BOLD_TAGS or (style is not None and bool(bold_style.search(style)))


def in_bold(el: etree._Element, bold_style: re.Pattern, bold: bool = False) -> bool:
    """Whether all the text of an element is set in bold (<b>, <strong>, a bold style on it or
    around it)."""
    bold = bold or sets_bold(el, bold_style)
    if not bold and (el.text or "").strip():
        return False
    for child in el:
        if isinstance(child.tag, str) and not in_bold(child, bold_style, bold):
            return False
        if not bold and (child.tail or "").strip():
            return False
    return True


def cell_text(cell: etree._Element) -> str:
    """A table cell's text, a line for each block in it (a paragraph, a division, a list
    entry) and at each line break, white space collapsed within a line: the IR keeps a cell's
    lines as newlines."""
    lines: list[list[str]] = [[]]

    def read(el: etree._Element) -> None:
        apart = el.tag in BLOCK_TAGS
        if apart and lines[-1]:
            lines.append([])
        if el.text:
            lines[-1].append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                read(child)
            if child.tail:
                lines[-1].append(child.tail)
        if apart and lines[-1]:
            lines.append([])

    read(cell)
    return "\n".join(filter(None, (collapse_space("".join(line)) for line in lines)))


def is_simple_list(el: etree._Element) -> bool:
    """A ul/ol whose entries are short runs of text (no nested blocks, images or tables)."""
    items = el.findall("li")
    return bool(items) and len(items) == len([c for c in el if isinstance(c.tag, str)]) and all(
        next(li.iter("p", "div", "table", "img", "ul", "ol"), None) is None for li in items)


# A data: URI this short is a spacer pixel (lazy-loading pages put the real address in data-src).
MIN_DATA_URI = 512


def picture_reference(img: etree._Element) -> str:
    """The address of the picture an <img> shows: a lazy-loading page's data-src or
    data-original first, then src; "" for a spacer pixel given as a short data: URI."""
    for attr in ("data-src", "data-original", "src"):
        src = (img.get(attr) or "").strip()
        if src:
            return "" if src[:5].lower() == "data:" and len(src) < MIN_DATA_URI else src
    return ""


def is_tiny(img: etree._Element) -> bool:
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < 40:
            return True
    return False
