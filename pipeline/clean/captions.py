"""The ``captions`` pass: photo captions are not body text. A caption line (``caption_line``:
本报记者 霍艳恩摄, 图为…（刘通摄）) right after a picture, or right before one, becomes that
picture's caption (the figure's ``alt``, in place of the page's alt text); one without a picture
beside it (a text scrape's, whose pictures are gone, or one whose picture was page furniture)
is dropped and audited."""
from __future__ import annotations

from .draft import Draft, paragraph_text

MAX_CAPTION_CHARS = 160


def attach_captions(draft: Draft) -> None:
    blocks, kept = draft.blocks, []
    for i, block in enumerate(blocks):
        text = paragraph_text(block)
        if not text or len(text) > MAX_CAPTION_CHARS or not draft.rules.caption_line.fullmatch(text):
            kept.append(block)
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if kept and kept[-1].tag == "figure":
            kept[-1].set("alt", text)
        elif following is not None and following.tag == "figure":
            following.set("alt", text)
        else:
            draft.drop("caption", text)
    draft.blocks = kept
