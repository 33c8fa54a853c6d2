"""The ``lines`` pass: each paragraph is page chrome (dropped), metadata (noted for the
``metadata`` pass, dropped) or body text (kept). A metadata label alone on its line takes the
next line as its value."""
from __future__ import annotations

from .draft import Draft, paragraph_text
from .metadata import note, note_line


def sort_lines(draft: Draft) -> None:
    r = draft.rules
    kept = []
    pending_label = None  # a label alone on its line, whose value is the next line
    for block in draft.blocks:
        text = paragraph_text(block)
        if block.tag != "p":
            kept.append(block)
            continue
        if any(p.fullmatch(text) for p in r.chrome):
            draft.drop("chrome", text)
            continue
        if pending_label and len(text) <= 60 and not r.metadata_label_only.match(text):
            note(pending_label, text, draft.labelled, r)
            draft.drop("metadata", text)
            pending_label = None
            continue
        pending_label = None
        label_only = r.metadata_label_only.fullmatch(text)
        if label_only:
            pending_label = label_only.group(1)
            draft.drop("metadata", text)
            continue
        if len(text) <= 200 and note_line(text, draft.labelled, r):
            draft.drop("metadata", text)
            continue
        kept.append(block)
    draft.blocks = kept
