"""The ``trim`` pass (HTML only): the densest run of report text is kept, what lies outside it
(teasers, thumbnail strips, comment counts, lists of other articles) is dropped.

The blocks are cut into regions at the section breaks the ``lines`` pass noted (a 相关新闻 or
猜你喜欢 heading starts a list of other articles). The region with the densest run wins, except
when the page's headline (a block holding the title and little else) stands before that run:
the article follows its headline, so the run is sought in the region after the headline (the
next region when the headline closes its own), and a short article is not lost to a longer
article or list of teasers below it. A page's main list (``content.main_list_of``) is kept whole:
its entries are the report, however little prose they hold.
"""
from __future__ import annotations

from .content import HAN_PER_UNIT, han_chars, is_main_list
from .draft import Draft, block_text, sentence_punctuation
from .rules import CleanRules

MIN_HEADLINE_CHARS = 6
UNPUNCTUATED_CHARS = 20  # a line this long without punctuation is prose written so (a blog's)
HEADLINE_EXTRA_CHARS = 8  # beside the title in its headline block (播报文章, a date)


def block_score(block, rules: CleanRules) -> float:
    """A block's evidence of being report text: sentence punctuation outside links, or for a
    long line without any its Han characters; data-table text; image thumbnails and short
    date-stamped lines count against, and so does a list whose entries are teasers (headlines
    without sentence punctuation, date-stamped lines)."""
    if block.tag == "figure":
        return -0.5
    if block.tag == "table":
        return sum(len(c.text or "") for c in block.iter("cell")) / 15
    if block.tag == "list":
        return sum(entry_score(li, rules) for li in block.iter("li"))
    if block.tag != "p":
        return 0.0
    own = (block.text or "") + "".join(child.tail or "" for child in block)
    score = sentence_punctuation(own)
    if score == 0 and rules.stamp_line.search(own) and len(own) <= 60:
        return -1.0
    if score == 0 and len(own) >= UNPUNCTUATED_CHARS:
        return han_chars(own) / HAN_PER_UNIT
    return float(score)


def entry_score(li, rules: CleanRules) -> float:
    text = "".join(li.itertext())
    score = sentence_punctuation(text)
    if score:
        return float(score)
    return -1.0 if rules.stamp_line.search(text) else -0.25


def densest_run(scores: list[float], start: int, end: int) -> tuple[float, tuple[int, int] | None]:
    """The contiguous run of ``scores[start:end]`` with the largest sum (maximum-sum run)."""
    best, best_span, running, first = 0.0, None, 0.0, start
    for i in range(start, end):
        if running <= 0:
            running, first = 0.0, i
        running += scores[i]
        if running > best:
            best, best_span = running, (first, i)
    return best, best_span


def regions(draft: Draft) -> list[tuple[int, int]]:
    """(start, end) of the stretches of blocks between section breaks."""
    cuts = [i for i, b in enumerate(draft.blocks) if any(b is x for x in draft.breaks)]
    bounds = [0, *cuts, len(draft.blocks)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def headline_at(draft: Draft) -> int | None:
    """The position of the page's headline: of the first block holding the title and little
    else, else just before the block that followed the headline the repeats pass dropped."""
    after = next((i for i, b in enumerate(draft.blocks) if b is draft.after_headline), None)
    title = "".join((draft.meta.get("title") or "").split())
    if len(title) < MIN_HEADLINE_CHARS:
        return None
    for i, block in enumerate(draft.blocks):
        text = "".join(block_text(block).split())
        if title in text and len(text) <= len(title) + HEADLINE_EXTRA_CHARS:
            return i
    return after - 1 if after is not None else None


def chosen_run(draft: Draft, scores: list[float]) -> tuple[int, int] | None:
    """The run kept: after the headline when there is one (see the module text), else the
    densest run of any region."""
    spans = regions(draft)
    densest = max((densest_run(scores, a, b) for a, b in spans), key=lambda run: run[0], default=(0.0, None))[1]
    headline = headline_at(draft)
    if headline is not None and densest is not None and densest[0] > headline:
        after = [(max(a, headline + 1), b) for a, b in spans if b > headline + 1]
        for a, b in after[:2]:
            _, span = densest_run(scores, a, b)
            if span is not None:
                return span
    return densest


def picture_run(draft: Draft, kept: list, start: int, stop: int, step: int = 1) -> int:
    """The last block of the run of figures from ``start`` (going by ``step``, before ``stop``) up
    to the first that is a teaser's picture (``blocks.is_teaser_picture``: a thumbnail, an ad, an
    avatar) or a copy of a picture ``kept`` shows (a picture viewer's): an article's opening or
    closing photos. ``start - step`` when there are none."""
    shown = {b.get("src") for b in kept if b.tag == "figure"}
    last = start - step
    while last + step != stop and draft.blocks[last + step].tag == "figure":
        here = draft.blocks[last + step]
        if any(here is t for t in draft.teasers) or here.get("src") in shown:
            break
        shown.add(here.get("src"))
        last += step
    return last


def trim_to_densest_run(draft: Draft) -> None:
    """Keep the chosen run of blocks, extended over neutral neighbours, a lone adjacent figure
    and a run of the article's opening or closing pictures (never across a section break)."""
    if draft.is_text or is_main_list(draft.content):
        return
    scores = [block_score(b, draft.rules) for b in draft.blocks]
    span = chosen_run(draft, scores)
    if span is None:
        return
    first, last = span
    blocks = draft.blocks
    region = next((a, b) for a, b in regions(draft) if a <= first < b)

    def joins(i: int, beyond: int) -> bool:
        """Block i next to the run joins it: a neutral block, or a lone figure (a lead photo)."""
        if scores[i] == 0:
            return True
        lone = not (0 <= beyond < len(blocks)) or blocks[beyond].tag != "figure"
        return blocks[i].tag == "figure" and lone

    while first > region[0]:
        if joins(first - 1, first - 2):
            first -= 1
        else:
            opening = picture_run(draft, blocks[first:last + 1], first - 1, region[0] - 1, -1)
            if opening == first:
                break
            first = opening
    while last + 1 < region[1]:
        if joins(last + 1, last + 2):
            last += 1
        else:
            closing = picture_run(draft, blocks[first:last + 1], last + 1, region[1])
            if closing == last:
                break
            last = closing
    for block in blocks[:first] + blocks[last + 1:]:
        draft.drop("outside-content", block_text(block) or block.get("src", ""))
    draft.blocks = blocks[first:last + 1]
