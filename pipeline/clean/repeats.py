"""The ``repeats`` pass: a repeated title and a repeated run of body blocks (a print copy) are
dropped; the block after the title (the page's headline) is noted for the trim pass."""
from __future__ import annotations

from .draft import Draft, block_text


def drop_repeats(draft: Draft) -> None:
    title = (draft.meta.get("title") or "").replace(" ", "")
    kept = []
    seen: dict[str, int] = {}
    following = None  # index in kept that the current repeated run continues from
    headline_dropped = False  # the block before was the page's headline (the trim pass starts after it)
    for block in draft.blocks:
        key = block_text(block)
        if title and key.replace(" ", "") == title:
            draft.drop("title", key)
            headline_dropped = draft.after_headline is None  # a later copy (a teaser's) is no headline
            continue
        if headline_dropped:
            draft.after_headline, headline_dropped = block, False
        if following is not None and following < len(kept) and block_text(kept[following]) == key:
            draft.drop("duplicate", key)
            following += 1
            continue
        following = None
        if len(key) >= 20 and key in seen:
            draft.drop("duplicate", key)
            following = seen[key] + 1
            continue
        seen.setdefault(key, len(kept))
        kept.append(block)
    draft.blocks = kept
