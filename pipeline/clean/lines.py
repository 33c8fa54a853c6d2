"""The ``lines`` pass: each paragraph is page chrome (dropped), metadata (offered as ``line``
evidence, dropped) or body text (kept). A metadata label alone on its line takes the next line
as its value, unless that line is a sentence (编辑, an edit button, above a paragraph). An info
table in the body is dropped too (the ``info-tables`` pass read it), and so is a heading that
is chrome (<h3>分享到</h3>), a site footer (a run of 主办单位 / 承办单位 / 技术支持 lines) and a
breadcrumb printed a line per entry (首页 / > / 政府信息公开 / > / 政府工作报告). A
line heading a list of other articles (相关新闻) is chrome, and the block after it is noted as a
break the trim pass's run of report text never crosses. Chrome is recognized in its Simplified
spelling, without the pinyin an icon font leaves beside it (``chrome_form``)."""
from __future__ import annotations

from lxml import etree

from ..text import collapse_space
from .content import HAN
from .draft import SENTENCE_END, Draft, block_text, paragraph_text
from .infotable import is_info_table
from .metadata import note, note_line
from .rules import CleanRules


def chrome_form(text: str, r: CleanRules) -> str:
    """A line as the chrome rules see it: Traditional characters in their Simplified spelling,
    lower-case Latin runs beside Chinese left out."""
    simplified = text.translate(r.traditional_chrome) if r.traditional_chars.search(text) else text
    return collapse_space(r.chrome_latin.sub("", simplified)) if HAN.search(simplified) else simplified


def is_chrome(text: str, r: CleanRules) -> bool:
    return chrome_kind(chrome_form(text, r), r) is not None


def chrome_kind(form: str, r: CleanRules) -> str | None:
    """What a line in its ``chrome_form`` is: ``break`` (a line heading a list of other
    articles, 相关新闻, 猜你喜欢, or closing an article), ``chrome`` (another chrome line), or None."""
    if r.section_breaks.fullmatch(form):
        return "break"
    return "chrome" if r.chrome.fullmatch(form) else None


def sort_lines(draft: Draft) -> None:
    r = draft.rules
    kept = []
    pending_label = None  # a label alone on its line, whose value is the next line
    pending_break = False  # a section break was dropped: the next block kept starts a new region
    lines = without_breadcrumbs(without_footers([(b, *line_of(b, r)) for b in draft.blocks], draft), draft)
    for block, text, form in lines:
        if is_info_table(block, r):
            draft.drop("metadata", block_text(block))
            continue
        kind = chrome_kind(form, r) if form is not None else None
        if kind:
            pending_break = pending_break or kind == "break"
            draft.drop("chrome", text)
            continue
        if block.tag == "list" and not without_chrome_entries(block, draft):
            continue
        if pending_break:
            draft.breaks.append(block)
            pending_break = False
        if block.tag != "p":
            kept.append(block)
            continue
        if (pending_label and len(text) <= 60 and not r.metadata_label_only.match(text)
                and not SENTENCE_END.search(text)):
            note(pending_label, text, draft, "line")
            draft.drop("metadata", text)
            pending_label = None
            continue
        pending_label = None
        label_only = r.metadata_label_only.fullmatch(text)
        if label_only:
            pending_label = label_only.group(1)
            draft.drop("metadata", text)
            continue
        if len(text) <= 200 and note_line(text, draft, "line"):
            draft.drop("metadata", text)
            continue
        kept.append(block)
    draft.blocks = kept


def without_chrome_entries(block: etree._Element, draft: Draft) -> bool:
    """Drop the entries of a list that are chrome lines (a blog's box of 版权声明 and 转载请注明
    lines under the post); whether any entry is left."""
    for entry in list(block):
        text = block_text(entry)
        if chrome_kind(chrome_form(text, draft.rules), draft.rules):
            draft.drop("chrome", text)
            block.remove(entry)
    return len(block) > 0


def line_of(block: etree._Element, r: CleanRules) -> tuple[str, str | None]:
    """A block's text as the line rules read it, and its ``chrome_form`` (None for a block that
    is neither a paragraph nor a heading)."""
    if block.tag not in ("p", "section"):
        return "", None
    text = paragraph_text(block) if block.tag == "p" else block_text(block)
    return text, chrome_form(text, r)


Line = tuple[etree._Element, str, str | None]  # a block, its text and chrome form (``line_of``)
CRUMB_CHARS = 20  # a breadcrumb entry is at most this long


def without_footers(lines: list[Line], draft: Draft) -> list[Line]:
    """``lines`` without the runs of footer lines that hold a footer mark (``footer_lines``)."""
    r = draft.rules

    def is_footer(block, form) -> bool:
        return block.tag == "p" and bool(form) and len(form) <= 200 and bool(
            r.footer_lines.fullmatch(form) or r.footer_marks.search(form))

    kept, run = [], []  # the footer lines in a row
    for line in [*lines, None]:
        if line is not None and is_footer(line[0], line[2]):
            run.append(line)
            continue
        if any(r.footer_marks.search(form) for _b, _t, form in run):
            for dropped, _t, _f in run:
                draft.drop("footer", block_text(dropped))
        else:
            kept.extend(run)
        run = []
        if line is not None:
            kept.append(line)
    return kept


def without_breadcrumbs(lines: list[Line], draft: Draft) -> list[Line]:
    """``lines`` without the entries of a breadcrumb printed a line per entry: after its first
    line (``crumb_start``: 首页, itself a chrome line), each pair of a line that is only a
    separator (>) and a short line without sentence punctuation (政府信息公开)."""
    r = draft.rules

    def separator(line: Line) -> bool:
        return line[2] is not None and r.crumb_separator.fullmatch(line[2].strip()) is not None

    def entry(line: Line) -> bool:
        return line[0].tag == "p" and line[2] is not None and 0 < len(line[1]) <= CRUMB_CHARS \
            and not SENTENCE_END.search(line[1])

    kept, at = [], 0
    while at < len(lines):
        kept.append(lines[at])
        at += 1
        if kept[-1][2] is None or not r.crumb_start.fullmatch(kept[-1][2]):
            continue
        while at + 1 < len(lines) and separator(lines[at]) and entry(lines[at + 1]):
            for _block, text, _form in lines[at:at + 2]:
                draft.drop("chrome", text)
            at += 2
    return kept
