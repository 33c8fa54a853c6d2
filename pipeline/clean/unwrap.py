"""Pass ``unwrap``: the lines of hard-wrapped text joined back into their paragraphs.

Text copied out of a mail, a text file or a PDF often reaches a page (lines ended by ``<br>``)
or a scrape (lines ended by line breaks) broken at a fixed width: each paragraph's lines but
the last run to that width, the next line carries on mid-sentence (…提出过不同的理论解释了。其 /
中最重要的两种…), and a paragraph's first line is indented. Read line by line, every such line
would be a paragraph of its own, in every output.

The readers note where each line starts (``LineStart``): the width of its indentation and the
line it follows across a single line break (a blank line, a block element or anything else
between two lines ends a run of lines). The lines of all runs are measured together: the text
is hard-wrapped when many of them end within a few columns of one width and hardly any runs
past it (``rules.hard_wrap``), and they are prose (sentence punctuation): a list of names in
equal columns, a schedule or verse stays as it is. In hard-wrapped text a line that reaches the
width goes on in the next line of its run, unless that one is indented, starts with a
structure label (一、 1. （一）), or, where no paragraph is marked by indentation, the line ends
a sentence.
"""
from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from lxml import etree

from ..ir import text_of
from ..transforms.labels import match_label
from .draft import SENTENCE_END, SENTENCE_PUNCT, Draft


class LineStart(NamedTuple):
    """How a line of a page or scrape starts: the columns of its indentation, and the line it
    follows across a single line break (None when anything else came between)."""

    indent: int
    follows: etree._Element | None


#: The columns white space takes at the start of a line. In a page only the spaces a browser
#: shows count (no-break and ideographic ones); in a scrape every space does.
PAGE_INDENT = {"\u00a0": 1, "\u3000": 2}
SCRAPE_INDENT = {" ": 1, "\t": 4, "\u00a0": 1, "\u3000": 2}


def indent_width(raw: str, spaces: dict[str, int]) -> int:
    """The columns of ``raw``'s leading white space that show (``spaces``); other white space
    (a page's source formatting) takes none."""
    width = 0
    for ch in raw:
        if ch in spaces:
            width += spaces[ch]
        elif not ch.isspace():
            break
    return width


def display_width(text: str) -> int:
    """The columns ``text`` takes as the GB encodings hard-wrapped Chinese text was written in
    lay it out: one for an ASCII character, two for any other (a CJK character, and the marks
    shared with Western text: “ ” ·)."""
    return 2 * len(text) - len(text.encode("ascii", "ignore"))


def wrap_width(widths: list[int], rules) -> int | None:
    """The width the lines of ``widths`` were broken at, or None when they were not: the width
    that most lines end within ``rules.tolerance`` columns below (at least ``min_lines`` and
    ``min_share`` of them, the width at least ``min_width``), past which at most ``over_share``
    of the lines run."""
    lines = Counter(widths)
    best, best_count = None, 0
    for width in sorted(lines, reverse=True):
        if width < rules.min_width:
            break
        count = sum(lines[w] for w in range(width - rules.tolerance, width + 1))
        if count > best_count:
            best, best_count = width, count
    if best is None or best_count < rules.min_lines or best_count < rules.min_share * len(widths):
        return None
    over = sum(1 for w in widths if w > best + rules.tolerance)
    return best if over <= rules.over_share * len(widths) else None


def joined(lines: list[etree._Element], texts: dict) -> etree._Element:
    """The first of ``lines`` holding the text and links of them all (``texts``: each one's
    text), joined as ``gap_between`` says."""
    first = lines[0]
    if not any(len(line) for line in lines):  # no links: the text set once
        first.text = texts[first] + "".join(gap_between(texts[a], texts[b]) + texts[b] for a, b in zip(lines, lines[1:]))
        return first
    for before, line in zip(lines, lines[1:]):
        tail = gap_between(texts[before], texts[line]) + (line.text or "")
        if len(first):
            first[-1].tail = (first[-1].tail or "") + tail
        else:
            first.text = (first.text or "") + tail
        first.extend(list(line))
    return first


def gap_between(before: str, after: str) -> str:
    """What joins two lines: a space between two Latin words, else nothing."""
    latin = before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii() and after[:1].isalnum()
    return " " if latin else ""


def runs_of(draft: Draft) -> list[list[etree._Element]]:
    """The draft's blocks in runs: the lines each following the one before across a line break
    (a block that is no such line is a run of its own)."""
    starts = draft.line_starts
    runs: list[list[etree._Element]] = []
    for block in draft.blocks:
        start = starts.get(block)
        if runs and start is not None and start.follows is runs[-1][-1]:
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs


def join_wrapped_lines(draft: Draft) -> None:
    starts, rules = draft.line_starts, draft.rules.hard_wrap
    if not starts:
        return
    runs = runs_of(draft)
    lines = [p for run in runs if len(run) > 1 for p in run]
    texts = {p: text_of(p) for p in lines}
    indents = {p: starts[p].indent for p in lines}
    widths = {p: indents[p] + display_width(texts[p]) for p in lines}
    starts.clear()
    width = wrap_width(list(widths.values()), rules)
    if width is None:
        return
    full = [p for p in lines if widths[p] >= width - rules.tolerance]
    if sum(1 for p in full if SENTENCE_PUNCT.search(texts[p])) < rules.prose_share * len(full):
        return
    indented = sum(1 for p in lines if indents[p]) >= 2  # paragraphs marked by indentation
    kept = set(draft.bold_lines) | set(draft.breaks)
    paragraphs: list[list[etree._Element]] = []  # the lines of each
    for run in runs:
        paragraphs.append([run[0]])
        for before, line in zip(run, run[1:]):
            if (widths[before] >= width - rules.tolerance and not indents[line] and line not in kept
                    and match_label(texts[line]) is None
                    and (indented or not SENTENCE_END.search(texts[before][-1:]))):
                paragraphs[-1].append(line)
            else:
                paragraphs.append([line])
    draft.blocks[:] = [lines[0] if len(lines) == 1 else joined(lines, texts) for lines in paragraphs]
