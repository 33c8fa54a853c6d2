"""The ``trim`` pass (HTML only): the densest run of report text is kept, what lies outside it
(teasers, thumbnail strips, comment counts) is dropped."""
from __future__ import annotations

from .draft import SENTENCE_PUNCT, Draft, block_text
from .rules import CleanRules


def block_score(block, rules: CleanRules) -> float:
    """A block's evidence of being report text: sentence punctuation outside links; data-table
    text; image thumbnails and short date-stamped lines count against."""
    if block.tag == "figure":
        return -0.5
    if block.tag == "table":
        return sum(len(c.text or "") for c in block.iter("cell")) / 15
    if block.tag != "p":
        return 0.0
    own = (block.text or "") + "".join(child.tail or "" for child in block)
    score = len(SENTENCE_PUNCT.findall(own))
    if score == 0 and rules.stamp_line.search(own) and len(own) <= 60:
        return -1.0
    return float(score)


def trim_to_densest_run(draft: Draft) -> None:
    """Keep the contiguous run of blocks with the most evidence (maximum-sum run), extended over
    neutral neighbours and a lone adjacent figure."""
    if draft.is_text:
        return
    scores = [block_score(b, draft.rules) for b in draft.blocks]
    best, best_span, running, start = 0.0, None, 0.0, 0
    for i, score in enumerate(scores):
        if running <= 0:
            running, start = 0.0, i
        running += score
        if running > best:
            best, best_span = running, (start, i)
    if best_span is None:
        return
    first, last = best_span
    blocks = draft.blocks

    def joins(i: int, beyond: int) -> bool:
        """Block i next to the run joins it: a neutral block, or a lone figure (a lead photo)."""
        if scores[i] == 0:
            return True
        lone = not (0 <= beyond < len(blocks)) or blocks[beyond].tag != "figure"
        return blocks[i].tag == "figure" and lone

    while first > 0 and joins(first - 1, first - 2):
        first -= 1
    while last + 1 < len(blocks) and joins(last + 1, last + 2):
        last += 1
    for block in blocks[:first] + blocks[last + 1:]:
        draft.drop("outside-content", block_text(block) or block.get("src", ""))
    draft.blocks = blocks[first:last + 1]
