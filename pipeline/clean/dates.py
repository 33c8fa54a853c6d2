"""Dates found on a page, read as ISO 8601 and checked before they count as evidence: a real
calendar day, not before 1949 and not after the day the page was saved (its transport's time
stamp, as a day in China Standard Time), or when no transport says, the day it is read (no
page is dated in the future). A date that fails is not evidence; it is a ``date-rejected``
diagnostic. A Unix time (a script's) is read as its day in China Standard Time. A date
written in English (September 10th, 2005) is read where the text holds no date in digits."""
from __future__ import annotations

import datetime as dt
import re

from .draft import Draft

DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# A date written in English, month day year (Saturday, September 10th, 2005; Sept. 10, 2005):
# read where no date of digits is written.
ENGLISH_DATE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.I)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
EARLIEST = dt.date(1949, 1, 1)
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))


def iso_date(value: str | None) -> str | None:
    """The first date written in ``value`` as ISO 8601, when it is a possible date; else None."""
    day, _ = checked_date(value)
    return day


def latest_day(saved: str | None) -> tuple[dt.date, str]:
    """The latest day a page can be dated, and what that day is: the day in China Standard
    Time the page was saved (``saved``: ISO 8601, ``Loaded.saved``), else today."""
    if saved:
        when = dt.datetime.fromisoformat(saved)
        return when.astimezone(CHINA_STANDARD_TIME).date(), "the day the page was saved"
    return dt.datetime.now(CHINA_STANDARD_TIME).date(), "the day the page was read"


def checked_date(value: str | None, saved: str | None = None) -> tuple[str | None, str | None]:
    """(ISO date, None) for the first date written in ``value``; (None, why) when the text
    holds a date that is not a possible one (``saved``: when the page was saved, see
    ``latest_day``); (None, None) when it holds none."""
    match = DATE.search(value or "")
    english = None if match else ENGLISH_DATE.search(value or "")
    if not match and not english:
        return None, None
    parts = map(int, match.groups()) if match else \
        (int(english.group(3)), MONTHS.index(english.group(1).lower()) + 1, int(english.group(2)))
    match = match or english
    try:
        day = dt.date(*parts)
    except ValueError:
        return None, f"{match.group()} is not a calendar date"
    if day < EARLIEST:
        return None, f"{day.isoformat()} is before {EARLIEST.year}"
    latest, what = latest_day(saved)
    if day > latest:
        return None, f"{day.isoformat()} is after {what} ({latest.isoformat()})"
    return day.isoformat(), None


def unix_day(seconds: str) -> str:
    """The day a Unix time in seconds falls on in China Standard Time, as ISO 8601."""
    return dt.datetime.fromtimestamp(int(seconds), CHINA_STANDARD_TIME).date().isoformat()


def offer_date(draft: Draft, key: str, text: str | None, origin: str) -> str | None:
    """Offer the date written in ``text`` as evidence for ``key`` (date, written); a date that
    fails the checks is a diagnostic instead. Returns the ISO date offered, if any."""
    day, why = checked_date(text, draft.loaded.saved)
    if why:
        draft.notice("date-rejected", f"{key} from {origin}: {why}")
    draft.offer(key, day, origin)
    return day
