"""The ``lines`` pass: each paragraph is page chrome (dropped), metadata (offered as ``line``
evidence, dropped) or body text (kept). A metadata label alone on its line takes the next line
as its value. An info table in the body is dropped too (the ``info-tables`` pass read it)."""
from __future__ import annotations

from .draft import Draft, block_text, paragraph_text
from .infotable import is_info_table
from .metadata import note, note_line


def sort_lines(draft: Draft) -> None:
    r = draft.rules
    kept = []
    pending_label = None  # a label alone on its line, whose value is the next line
    for block in draft.blocks:
        text = paragraph_text(block)
        if is_info_table(block, r):
            draft.drop("metadata", block_text(block))
            continue
        if block.tag != "p":
            kept.append(block)
            continue
        if any(p.fullmatch(text) for p in r.chrome):
            draft.drop("chrome", text)
            continue
        if pending_label and len(text) <= 60 and not r.metadata_label_only.match(text):
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
