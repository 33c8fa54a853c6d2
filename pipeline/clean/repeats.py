"""The ``repeats`` pass: a repeated title and a repeated run of body blocks (a print copy) are dropped."""
from __future__ import annotations

from .draft import Draft, block_text


def drop_repeats(draft: Draft) -> None:
    title = (draft.meta.get("title") or "").replace(" ", "")
    kept = []
    seen: dict[str, int] = {}
    following = None  # index in kept that the current repeated run continues from
    for block in draft.blocks:
        key = block_text(block)
        if title and key.replace(" ", "") == title:
            draft.drop("title", key)
            continue
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
