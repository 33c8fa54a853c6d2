"""Metadata from the page's text: "label: value" pairs noted under the field their label
gives, the strongest label per field taken (the ``metadata`` pass, which also reads the
labelled lines of the whole page), and the last-resort date from a date stamp or the page's
address (the ``date`` pass)."""
from __future__ import annotations

import datetime as dt
import re

from .draft import SENTENCE_END, Draft, paragraph_text
from .rules import CleanRules

DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
DATE_STAMP_ONLY = re.compile(r"[\d\s:：年月日/.-]+")


def iso_date(value: str | None) -> str | None:
    match = DATE.search(value or "")
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def note_line(text: str, labelled: dict, rules: CleanRules) -> bool:
    """Note the pairs of a line made only of "label: value" pairs; True when it was one."""
    pairs = list(rules.metadata_pair.finditer(text))
    if not pairs or pairs[0].start() != 0:
        return False
    note_pairs(text, pairs, labelled, rules)
    return True


def note_pairs(text: str, pairs: list[re.Match], labelled: dict, rules: CleanRules) -> None:
    """Note each "label: value" pair of a line."""
    for i, match in enumerate(pairs):
        end = pairs[i + 1].start() if i + 1 < len(pairs) else len(text)
        note(match.group(1), text[match.end():end].strip(), labelled, rules)


def note(label: str, value: str, labelled: dict, rules: CleanRules) -> None:
    """Note ``value`` under the field ``label`` gives (dates as ISO, publishers to their first word)."""
    for key, labels in rules.metadata_fields.items():
        if label not in labels or not value:
            continue
        if key == "date":
            value = iso_date(value)
        elif key == "publisher":
            value = value.split()[0]
        if value:
            labelled.setdefault(key, {}).setdefault(label, value)


def strongest(labelled: dict, rules: CleanRules) -> dict[str, str]:
    """Each field's value under its strongest noted label."""
    found = {}
    for key, labels in rules.metadata_fields.items():
        values = labelled.get(key, {})
        label = next((label for label in labels if label in values), None)
        if label:
            found[key] = values[label]
    return found


def resolve_metadata(draft: Draft) -> None:
    """Fill the fields from the labelled lines of the content; then publisher and date from
    labelled lines anywhere on the page (an info bar outside the content), when neither the
    meta tags nor the content gave them."""
    for key, value in strongest(draft.labelled, draft.rules).items():
        draft.offer(key, value)
    if draft.meta.get("publisher") and draft.meta.get("date"):
        return
    on_page: dict = {}
    for text in draft.page_lines:
        note_pairs(text, list(draft.rules.metadata_pair.finditer(text)), on_page, draft.rules)
    found = strongest(on_page, draft.rules)
    for key in ("publisher", "date"):
        draft.offer(key, found.get(key))


def fill_date(draft: Draft) -> None:
    """With no date yet, one from a date stamp among the first blocks, else from the address."""
    if not draft.meta.get("date"):
        date_from_stamp(draft)
    if not draft.meta.get("date"):
        date_from_url(draft)


def date_from_stamp(draft: Draft) -> None:
    """A short date-stamped line among the first blocks (a byline such as ``2005-06-14 03:25:55``
    or ``2024年1月5日 来源：…``); dropped when it is only that."""
    for i, block in enumerate(draft.blocks[:8]):
        text = paragraph_text(block)
        if not text or len(text) > 60 or SENTENCE_END.search(text):
            continue
        match = draft.rules.stamp_line.search(text) or DATE.search(text)
        day = iso_date(match.group()) if match else None
        if day:
            draft.offer("date", day)
            if DATE_STAMP_ONLY.fullmatch(text) and len(draft.blocks) > 1:
                draft.drop("metadata", text)
                del draft.blocks[i]
            return


def date_from_url(draft: Draft) -> None:
    """A date written in the page's address."""
    url = draft.meta.get("url")
    if not url:
        return
    for pattern in draft.rules.url_dates:
        match = pattern.search(url)
        if match:
            draft.offer("date", iso_date("-".join(match.groups())))
            return

