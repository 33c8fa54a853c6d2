"""The ``centred-lines`` and ``captions`` passes. A line the page centres is kept centred
only where short (``centred_line_chars``: a subhead, an attachment's title), and not on a page
that centres most of its text. Photo captions are not body text: a caption line
(``caption_line``: 本报记者 霍艳恩摄, 图为…（刘通摄）) right after a picture, or right before one,
and a short centred line right after one (比赛选手现场图片) that no numbering label opens, become
that picture's caption (the
figure's ``alt``, in place of the page's alt text); a caption line without a picture beside it
(a text scrape's, whose pictures are gone, or one whose picture was page furniture) is dropped
and audited."""
from __future__ import annotations

from ..transforms.labels import match_label
from .draft import SENTENCE_END, Draft, paragraph_text

MAX_CAPTION_CHARS = 160


def settle_centred_lines(draft: Draft) -> None:
    """Keep a paragraph the page centres centred only where it is short, and none on a page
    that centres most of its paragraphs."""
    centred = [b for b in draft.blocks if b.get("align") == "center"]
    centres_its_text = 2 * len(centred) > sum(1 for b in draft.blocks if b.tag == "p")
    for block in centred:
        if centres_its_text or len(paragraph_text(block)) > draft.rules.centred_line_chars:
            del block.attrib["align"]


def is_centred_caption(block) -> bool:
    """A centred line (short, ``settle_centred_lines``) with no sentence end inside it and no
    numbering label opening it (一、 under a picture is the next part's heading)."""
    text = paragraph_text(block)
    return block.get("align") == "center" and not SENTENCE_END.search(text[:-1]) and match_label(text) is None


def attach_captions(draft: Draft) -> None:
    blocks, kept = draft.blocks, []
    for i, block in enumerate(blocks):
        text = paragraph_text(block)
        after_picture = bool(kept) and kept[-1].tag == "figure"
        if after_picture and text and is_centred_caption(block):
            caption(draft, kept[-1], text)
            continue
        if not text or len(text) > MAX_CAPTION_CHARS or not draft.rules.caption_line.fullmatch(text):
            kept.append(block)
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if after_picture:
            caption(draft, kept[-1], text)
        elif following is not None and following.tag == "figure":
            caption(draft, following, text)
        else:
            draft.drop("caption", text)
    draft.blocks = kept


def caption(draft: Draft, figure, text: str) -> None:
    figure.set("alt", text)
    draft.captioned.append(figure)
