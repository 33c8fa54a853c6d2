"""Line breaking for Chinese text per GB/T 15834-2011 §5.1, independent of any PDF library.

The text is cut into *units* that are never split: one CJK character, a Latin word or number
(a run of printable ASCII), a run of ``——`` or ``……``, or a run of white space. A break may
fall between two units unless the next unit begins with a mark that never starts a line
(``。，、；：？！”’）》〕】…`` and friends) or the previous one ends with a mark that never ends
a line (``“‘（《〔【``). White space at a break is dropped.

``break_lines`` fills each line greedily and, when the next unit is not allowed to start a
line, pushes characters down to the previous legal break (the slack is later spread as
character spacing by the writer). With ``hanging`` (标点悬挂, the body text of the PDF), a line
that is exactly full may instead take one of the 句读 marks of ``HANGING`` past its end, into
the margin, when what follows the mark may start a line: the line keeps its full measure
rather than losing its last character to the mark. A Latin token longer than a whole line is
the only thing ever cut inside, and only at the width of the line.

``balanced_lines`` breaks a title into the fewest lines of nearly equal width, preferring
meaning boundaries: first the white space the publisher put in it, then those of
``rules/titles.yaml`` (after an issuing body or a year, around 关于, before the document kind,
around a quotation, at a function word …), and breaking between two Han characters, which may
split a word, only when nothing else fits. ``violations`` checks laid-out lines against the
same rules; tests use it on every paragraph the writers lay out.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import Callable, Sequence

from msgspec import Struct

#: Marks that never start a line (GB/T 15834 §5.1: 句号 逗号 顿号 分号 冒号 问号 叹号, the
#: closing halves of quotation marks, brackets and book-title marks, 省略号), plus their
#: common variants and the ASCII closers.
NO_LINE_START = frozenset(
    "。，、；：？！”’）》〕】…"
    "」』〉〗］｝｠．｡､·％‰℃"
    ",.;:?!)]}%"
)
#: Marks that never end a line: the opening halves of quotation marks, brackets and
#: book-title marks, plus their variants and the ASCII openers.
NO_LINE_END = frozenset("“‘（《〔【" "「『〈〖［｛｟" "([{")
#: Marks that may hang past the end of a full line (标点悬挂): the 句读 marks 、。，．：；？！ and
#: their ASCII forms, the set LibreOffice hangs for Chinese (its zh_CN locale data). Closing
#: quotes and brackets, 省略号 and 破折号 never hang: they are pulled down as before.
HANGING = frozenset("、。，．：；？！" ",.:;?!")
#: Marks written as two characters that are never split (破折号 ——, 省略号 ……).
DOUBLE_MARKS = ("——", "……", "――")

_MARK_RANGES = r"\u0300-\u036f\u20d0-\u20ff\ufe00-\ufe0f\U000e0100-\U000e01ef"  # combining marks, selectors
_MARKS = f"[{_MARK_RANGES}]*"
_UNIT = re.compile(
    # first, what most units are: a character no other alternative can start (not a dash,
    # an ellipsis, white space or printable ASCII) with its marks; the same units as without
    # it, found without trying the other alternatives first
    r"[^\s!-~—…―]" + _MARKS
    + r"|—{2,}|…{2,}|―{2,}"                    # 破折号 / 省略号 runs
    r"|[^\S\u3000]+"                           # white space (not the ideographic space)
    r"|[!-~]+"                                 # a Latin word, number, URL... (printable ASCII)
    r"|[^\s]" + _MARKS                         # one character + marks
    + r"|\u3000",
    re.S,
)
#: Runs of the characters that may be part of a unit of more than one character (white space,
#: printable ASCII, dashes, ellipses, marks; and the character before a mark): every other
#: character is a unit by itself.
_NOT_ALONE = re.compile(rf"[\s!-~—…―{_MARK_RANGES}]+")
_MARK = re.compile(f"[{_MARK_RANGES}]")
_ASCII_TOKEN = re.compile(r"[!-~]+\Z")
_WHITE_SPACE = re.compile(r"[^\S\u3000]")  # what a unit of white space is made of
EPSILON = 1e-6
INFINITY = float("inf")

Measure = Callable[[str], float]


def units(text: str) -> list[str]:
    """The unbreakable units of ``text`` in order; ``"".join(units(t)) == t``. Only the runs of
    ``_NOT_ALONE`` are cut by ``_UNIT`` (a unit never reaches into a character alone, so the
    runs start and end units); the characters between them are taken as they are."""
    found, done = [], 0
    for run in _NOT_ALONE.finditer(text):
        start, end = run.span()
        if start and _MARK.match(text, start):  # the unit of a mark starts at the character before it
            start -= 1
        found += text[done:start]
        found += _UNIT.findall(text, start, end)
        done = end
    found += text[done:]
    return found


def _spaces(toks: Sequence[str]) -> list[bool]:
    """Whether each unit is white space (the ideographic space is not)."""
    if not _WHITE_SPACE.search("".join(toks)):  # most paragraphs: none, found in one scan
        return [False] * len(toks)
    return [tok.isspace() and "\u3000" not in tok for tok in toks]


def break_opportunities(toks: Sequence[str], spaces: Sequence[bool] | None = None) -> list[bool]:
    """``ok[i]`` is True when a line may break before unit ``i`` (``ok[0]`` is False).

    A break at white space is judged between the nearest non-space units around it (only the
    kinsoku rules apply there), and every place in that white space gets the same answer.
    ``spaces``: ``_spaces(toks)``, when the caller has it. Units with no white space among
    them (most paragraphs) are judged by ``_unspaced_opportunities``.
    """
    if spaces is None:
        spaces = _spaces(toks)
    if len(toks) > 1 and True not in spaces:
        return _unspaced_opportunities(toks)
    return _spaced_opportunities(toks, spaces)


#: The characters that never start a line and those that never end one, as searches
#: (``_unspaced_opportunities``).
_NO_START_AT = re.compile("[" + re.escape("".join(sorted(NO_LINE_START))) + "]")
_NO_END_AT = re.compile("[" + re.escape("".join(sorted(NO_LINE_END))) + "]")


def _unspaced_opportunities(toks: Sequence[str]) -> list[bool]:
    """``break_opportunities`` of two or more units none of which is white space, found in the
    units' text: a break is allowed everywhere but before a unit starting with a mark that
    never starts a line, after one ending with a mark that never ends a line, and between
    units ``_joined`` holds together. The searches find those few marks where a pass over the
    units would judge every place."""
    n = len(toks)
    text = "".join(toks)
    ok = [True] * (n + 1)
    ok[0] = False
    if len(text) == n:  # every unit one character: a unit starts at its character's offset
        def unit_at(offset: int) -> int | None:
            return offset if offset < n else None
    else:
        unit_at = dict(zip(accumulate(map(len, toks)), range(1, n))).get  # offset → the unit starting there
    for mark in _NO_START_AT.finditer(text, 1):
        if i := unit_at(mark.start()):
            ok[i] = False
    for mark in _NO_END_AT.finditer(text, 0, len(text) - 1):
        if i := unit_at(mark.start() + 1):
            ok[i] = False
    for pair in _JOINING_PAIR.finditer(text):
        if (i := unit_at(pair.start() + 1)) and ok[i] and _joined(toks[i - 1], toks[i]):
            ok[i] = False
    return ok


def _spaced_opportunities(toks: Sequence[str], spaces: Sequence[bool]) -> list[bool]:
    """``break_opportunities`` of any units, in one pass over the non-space units."""
    n = len(toks)
    ok = [False] * n + [True]
    prev = -1  # the last non-space unit so far
    for i, tok in enumerate(toks):
        if spaces[i]:
            continue
        if prev >= 0:
            if prev == i - 1:
                ok[i] = _adjacent_break(toks[prev], tok)
            else:
                ok[prev + 1:i + 1] = [_kinsoku_allows(toks[prev], tok)] * (i - prev)
        prev = i
    if prev >= 0:  # white space ending the text: a break anywhere in it
        ok[prev + 1:n] = [True] * (n - prev - 1)
    return ok


def _kinsoku_allows(prev: str, tok: str) -> bool:
    """Whether the kinsoku rules allow a break between unit ``prev`` and unit ``tok``."""
    # slices, not indexing: a unit of one character is its own slice, whose hash measuring it
    # has cached, where indexing makes a new string to hash
    return tok[:1] not in NO_LINE_START and prev[-1:] not in NO_LINE_END


def _adjacent_break(prev: str, tok: str) -> bool:
    """Whether a line may break between two units with no white space between them: the
    kinsoku rules allow it and ``_joined`` does not hold them together."""
    head, tail = tok[:1], prev[-1:]
    return _kinsoku_allows(prev, tok) and not (tail in _JOINING and head in _JOINING and _joined(prev, tok))


class _JudgedOnRequest:
    """``break_opportunities`` of units none of which is white space, each place judged when
    it is asked about (``_adjacent_break``): a line breaker asks about a few places a line,
    where the list judges them all."""

    __slots__ = ("toks",)

    def __init__(self, toks: Sequence[str]):
        self.toks = toks

    def __getitem__(self, i: int) -> bool:
        toks = self.toks
        return i == len(toks) or (i > 0 and _adjacent_break(toks[i - 1], toks[i]))


#: The edges of units that ``_joined`` may hold together: dashes and printable ASCII.
_JOINING = frozenset("—―" + "".join(map(chr, range(0x21, 0x7F))))
_JOINING_PAIR = re.compile("(?=[—―!-~]{2})")  # where two such characters meet


def _joined(prev: str, nxt: str) -> bool:
    """Adjacent units never parted, where kinsoku would allow it: the halves of a run of
    dashes, and two Latin tokens."""
    if prev[-1] in "—―" and nxt[0] in "—―":
        return True
    return bool(_ASCII_TOKEN.match(prev) and _ASCII_TOKEN.match(nxt))


def segments(text: str) -> list[str]:
    """The pieces of ``text`` between legal breaks: the narrowest a line holding it can be."""
    toks = units(text)
    spaces = _spaces(toks)
    ok = break_opportunities(toks, spaces)
    out, start = [], 0
    for i in range(1, len(toks) + 1):
        if ok[i]:
            piece = _text(toks, spaces, start, i)
            if piece:
                out.append(piece)
            start = i
    return out


def _trimmed(spaces: Sequence[bool], start: int, end: int) -> tuple[int, int]:
    """Units ``start:end`` without the white space at their ends (``spaces``: ``_spaces``)."""
    while start < end and spaces[start]:
        start += 1
    while end > start and spaces[end - 1]:
        end -= 1
    return start, end


def _text(toks: Sequence[str], spaces: Sequence[bool], start: int, end: int) -> str:
    """Units ``start:end`` as a line: joined, without the white space at their ends."""
    start, end = _trimmed(spaces, start, end)
    return "".join(toks[start:end])


def _running_widths(widths: Sequence[float], spaces: Sequence[bool]) -> list[float] | None:
    """The widths of units ``0:i`` for every ``i``, where no unit is white space and none has
    a negative width (most paragraphs): ``break_lines`` then finds a line's units by a search
    of them. None otherwise: it adds unit by unit (white space never ends a line's filling)."""
    if True in spaces or min(widths, default=0.0) < 0:
        return None
    return list(accumulate(widths, initial=0.0))


def break_lines(
    text: str,
    measure: Measure,
    width: float,
    first_width: float | None = None,
    hanging: frozenset[str] = frozenset(),
) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (the first no wider than ``first_width``).

    ``measure(s)`` is the advance width of string ``s`` as it will be set (tracking included).
    ``hanging``: the marks that may hang one past the end of an exactly full line (``HANGING``
    for body text; none by default), when the mark cannot start the next line and what follows
    it can; only one mark hangs (``hangs`` tells such a line).
    Returns the lines in order, white space at the breaks dropped; ``[]`` for blank text.
    """
    toks = units(text)
    widths = list(map(measure, toks))
    spaces = _spaces(toks)
    # most paragraphs have no white space: only the places a line might end at are judged
    ok = _JudgedOnRequest(toks) if True not in spaces else break_opportunities(toks, spaces)
    hanging = frozenset(hanging)
    running = _running_widths(widths, spaces)
    no_negative_widths: bool | None = None

    def growing() -> bool:
        """Whether no character of the text is narrower than nothing (``_Rest``): asked only
        where a unit is cut, once."""
        nonlocal no_negative_widths
        if no_negative_widths is None:
            no_negative_widths = _no_negative_widths(text, measure)
        return no_negative_widths

    widest = max(width, width if first_width is None else first_width) + EPSILON

    def line_ends(token: str, at: int) -> list[int]:
        """Where the lines after the one ending at ``at`` will cut the rest of ``token``: each
        starts with a rest too wide for a line, cut where ``_Rest.cut_to_width`` cuts it, so
        the rest is cut now, measured once and copied once, not once for each of its lines.
        None (an empty list) where a line could end otherwise: a piece wider than a line, or
        a piece that is a mark that may hang (the line before would take it)."""
        if not growing():
            return []
        ends, rest = [], _Rest(token, measure, True, at)
        while rest.beyond(widest) > width + EPSILON:
            length = rest.cut_to_width(width)
            piece = rest.head(length)
            if measure(piece) > width + EPSILON or piece in hanging \
                    or (len(rest) - length == 1 and token[-1] in hanging):
                return []
            rest.start += length
            ends.append(rest.start)
        return ends

    def cut(i: int, at: int) -> None:
        """Unit ``i`` cut after ``at`` characters, with a break after the head; the rest starts
        the next line, cut already where those lines will cut it (``line_ends``). Of a last
        piece wider than any line only as much is measured as shows that (``_Rest.beyond``)."""
        nonlocal running, ok
        if isinstance(ok, _JudgedOnRequest):  # judged now: the breaks between the pieces are made, not judged
            ok = [ok[j] for j in range(len(toks) + 1)]
        token = toks[i]
        cuts = [0, at, *line_ends(token, at)]
        pieces = [token[a:b] for a, b in zip(cuts, cuts[1:])] + [token[cuts[-1]:]]
        toks[i:i + 1] = pieces
        widths[i:i + 1] = [*map(measure, pieces[:-1]), _Rest(pieces[-1], measure, growing()).beyond(widest)]
        spaces[i + 1:i + 1] = [False] * (len(pieces) - 1)
        ok[i + 1:i + 1] = [True] * (len(pieces) - 1)
        running = None

    lines: list[str] = []
    start = 0
    while start < len(toks):
        n = len(toks)
        while start < n and spaces[start]:
            start += 1
        if start >= n:
            break
        avail = first_width if (first_width is not None and not lines) else width
        used, end, limit = 0.0, start, avail + EPSILON
        if running is not None:  # the units from ``start`` on whose widths add up to the limit
            end = bisect_right(running, running[start] + limit, start) - 1
            used = running[end] - running[start]
        # unit by unit from there: all of them without running widths, else none (or one the
        # search's rounding left out)
        while end < n and (used + widths[end] <= limit or spaces[end]):
            used += widths[end]
            end += 1
        if end >= n:
            lines.append(_text(toks, spaces, start, n))
            break
        if (end > start and toks[end] in hanging and not spaces[end - 1]
                and used >= avail - EPSILON and (end + 1 == n or ok[end + 1])):
            # an exactly full line followed by a mark that may hang: it hangs in the margin
            lines.append(_text(toks, spaces, start, end + 1))
            start = end + 1
            continue
        if end > start and widths[end] > width + EPSILON and not spaces[end]:
            # a unit longer than any line (a long URL) will be cut anyway: cut it here,
            # filling this line, rather than push it down and leave this line short
            at = _Rest(toks[end], measure, growing()).legal_cut(avail - used)
            if at:
                cut(end, at)
                lines.append(_text(toks, spaces, start, end + 1))
                start = end + 1
                continue
        brk = next((b for b in range(end, start, -1) if ok[b]), None)
        if brk is None:
            if end == start:
                # a single unit wider than the line: cut it by characters
                cut(start, _Rest(toks[start], measure, growing()).cut_to_width(avail))
                brk = start + 1
            else:
                # no legal break inside the line (a pathological run of closing marks):
                # the only choice is to break where the line is full
                brk = end
        lines.append(_text(toks, spaces, start, brk))
        start = brk
    return [line for line in lines if line]


def hangs(line: str, measure: Measure, width: float, hanging: frozenset[str] = HANGING) -> bool:
    """Whether ``line`` ends with a mark hanging past ``width`` (``break_lines`` with ``hanging``):
    its last character is a hanging mark and the line without it fills the width, with it
    overflows."""
    return (len(line) > 1 and line[-1] in hanging and measure(line) > width + EPSILON
            and measure(line[:-1]) <= width + EPSILON)


def _no_negative_widths(text: str, measure: Measure) -> bool:
    """Whether no character of ``text`` is narrower than nothing: then a longer string is
    never narrower (``_Rest``)."""
    return min(map(measure, set(text)), default=0.0) >= 0


class _Rest:
    """A token from character ``start`` on, as the line breaker measures and cuts it. Where no
    character is narrower than nothing (``growing``), a head is never wider than a longer one
    (a width is its characters' widths summed, and adding a width not below zero never
    lessens a sum): the longest head that fits is found by a search over doubling lengths,
    measuring heads about a line long, not each head in turn, and a rest wider than any line
    is measured only as far as shows that. Otherwise head by head, and in full."""

    def __init__(self, token: str, measure: Measure, growing: bool, start: int = 0):
        self.token, self.measure, self.growing, self.start = token, measure, growing, start

    def __len__(self) -> int:
        return len(self.token) - self.start

    def head(self, length: int) -> str:
        return self.token[self.start:self.start + length]

    def fitting(self, room: float, least: int = 0) -> int:
        """How many characters fit ``room``, every shorter head from ``least`` characters on
        fitting too (the head of ``least`` is taken as it is), but not the whole rest (at most
        ``len(self) - 1``, at least ``least``)."""
        measure, head, limit, most = self.measure, self.head, room + EPSILON, len(self) - 1
        if not self.growing:
            fit = least
            while fit < most and measure(head(fit + 1)) <= limit:
                fit += 1
            return fit
        low, high = least, least + 1  # ``low`` characters fit (or are taken); find a head that does not
        while high <= most and measure(head(high)) <= limit:
            low, high = high, 2 * high
        high = min(high, most + 1)
        while high - low > 1:
            middle = (low + high) // 2
            if measure(head(middle)) <= limit:
                low = middle
            else:
                high = middle
        return low

    def legal_cut(self, room: float) -> int | None:
        """The longest head that fits ``room`` and may end a line before the rest (the rest
        does not start with a closing mark, the head does not end with an opening one)."""
        token, start = self.token, self.start
        for cut in range(self.fitting(room), 0, -1):
            if token[start + cut] not in NO_LINE_START and token[start + cut - 1] not in NO_LINE_END:
                return cut
        return None

    def cut_to_width(self, avail: float) -> int:
        """Where to cut a rest longer than a line: at a legal place if one fits (a URL is not
        cut before its ``.`` or ``]``), else wherever the line is full."""
        cut = self.legal_cut(avail)
        return self.fitting(avail, least=1) if cut is None else cut

    def beyond(self, bound: float) -> float:
        """The rest's width, or, when a head of it is already wider than ``bound``, that
        head's: where no character is narrower than nothing, the rest is no narrower, and a
        width above every line's is only compared with a line's."""
        if self.growing:
            length = 64
            while length < len(self):
                head = self.measure(self.head(length))
                if head > bound:
                    return head
                length *= 2
        return self.measure(self.token[self.start:])


# --- titles -------------------------------------------------------------------------------

#: Weight of a line's deviation from the average width (squared, in line widths).
TITLE_BALANCE = 24.0


@lru_cache(maxsize=None)
def title_rules() -> tuple:
    """The title break rules of ``rules/titles.yaml``, compiled: (costs, boundaries, phrases,
    place suffix). Read on the first title that needs more than one line."""
    from .rules import load_rules

    data = load_rules("titles")
    boundaries = tuple((re.compile(p), where, float(bonus)) for p, where, bonus in data["boundaries"])
    return (data["costs"], boundaries, tuple(data["phrases"]), re.compile(data["place_suffix"]))


#: A Han character (a break between two of them may fall inside a word).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f〇]")
#: Marks that open and close a quoted or bracketed phrase (“…” 《…》 （…）).
_OPENERS, _CLOSERS = "“‘《（【〔「『〈〖［(", "”’》）】〕」』〉〗］)"


def _quoted(text: str) -> list[bool]:
    """For each offset ``i`` (a break before ``text[i]``), whether it falls inside a quoted or
    bracketed phrase."""
    inside, depth = [False], 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        inside.append(depth > 0)
    return inside


def title_boundaries(text: str) -> dict[int, float]:
    """Character offsets (break before ``text[i]``) scored for a title (``rules/titles.yaml``):
    a positive bonus at meaning boundaries, the largest at white space outside quotes and
    brackets (the publisher's own phrase break); a negative one inside a known phrase or just
    before a place name's last character."""
    costs, boundaries, phrases, place_suffix = title_rules()
    found: dict[int, float] = {}
    for pattern, where, bonus in boundaries:
        for m in pattern.finditer(text):
            pos = m.end() if where == "after" else m.start()
            if 0 < pos < len(text):
                found[pos] = max(found.get(pos, 0.0), bonus)
    quoted = _quoted(text)
    for pos in range(1, len(text) - 1):
        if text[pos].isspace() and not quoted[pos]:
            for at in (pos, pos + 1):  # either side of the white space: the same lines
                found[at] = max(found.get(at, 0.0), -costs["space"])
    for start, end in _phrase_spans(text, phrases):
        for pos in range(start + 1, end):
            found[pos] = min(found.get(pos, 0.0), -costs["phrase"])
    for m in place_suffix.finditer(text):
        found[m.start()] = min(found.get(m.start(), 0.0), -costs["phrase"])
    return found


def _phrase_spans(text: str, phrases: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of each phrase in ``text``."""
    spans = []
    for phrase in phrases:
        at = text.find(phrase)
        while at >= 0:
            spans.append((at, at + len(phrase)))
            at = text.find(phrase, at + 1)
    return spans


@lru_cache(maxsize=64)
def title_break_costs(text: str) -> tuple[float, ...]:
    """The cost of a title break before each ``text[i]`` (``len(text) + 1`` of them): minus the
    bonus of ``title_boundaries``; elsewhere ``word`` between two Han characters (the break may
    split a word) unless a known phrase starts or ends there, else ``plain``; inside a quoted
    or bracketed phrase at least ``quoted``, whatever the rules say. Kept for the last few
    texts: the DOCX and the PDF each break the same title."""
    costs, _, phrases, _ = title_rules()
    found = title_boundaries(text)
    edges = {pos for span in _phrase_spans(text, phrases) for pos in span}
    quoted = _quoted(text)
    out = [0.0] * (len(text) + 1)
    for pos in range(1, len(text)):
        if pos in found:
            out[pos] = -found[pos]
        elif pos not in edges and _HAN.match(text, pos - 1) and _HAN.match(text, pos):
            out[pos] = costs["word"]
        else:
            out[pos] = costs["plain"]
        if quoted[pos]:
            out[pos] = max(out[pos], costs["quoted"])
    return tuple(out)


def balanced_lines(text: str, measure: Measure, width: float, max_lines: int = 6) -> list[str]:
    """Break a title into few lines that fit, as equal in width as possible.

    Among the legal breaks, those at meaning boundaries (``title_boundaries``) are preferred,
    those between two Han characters avoided and those inside a known phrase more so
    (``title_break_costs``), traded against the lines' imbalance. One line
    more than the fewest possible is taken when that reads much better
    (``TITLE_EXTRA_LINE``). Falls back to ``break_lines`` when no balanced solution exists.

    The search for one line more is skipped when even its cheapest conceivable breaks (the
    text's lowest costs, lines of equal width) could not beat the fewest lines: a cut into
    that many lines always exists when one into more does, so the answer is the same.
    """
    toks = units(text.strip())
    if not toks:
        return []
    spaces = _spaces(toks)
    widths = [measure(t) for t in toks]
    if sum(widths) <= width + EPSILON:
        return ["".join(toks)]
    greedy = break_lines(text, measure, width)
    scores = title_break_costs("".join(toks))
    lowest = sorted(scores[1:-1])
    best = None
    for k in range(len(greedy), max(max_lines, len(greedy)) + 1):
        if best is not None and TITLE_EXTRA_LINE + sum(lowest[:k - 1]) >= best[0]:
            break
        found = _balanced(toks, spaces, widths, width, k, scores)
        if found is None:
            continue
        cost = found[0] + (TITLE_EXTRA_LINE if best is not None else 0.0)
        if best is None:
            best = (cost, found[1])
            continue
        if cost < best[0]:
            best = (cost, found[1])
        break
    if best is None:
        return greedy
    return [_text(toks, spaces, s, e) for s, e in best[1]]


#: The cost of one more title line than needed, against better breaks.
TITLE_EXTRA_LINE = 12.0


def _balanced(toks, spaces, widths, width, k, scores):
    """The cheapest way to set ``toks`` on exactly ``k`` lines: (cost, [(start, end), ...]).
    ``scores``: ``title_break_costs`` of the text, by character offset."""
    n = len(toks)
    ok = break_opportunities(toks, spaces)
    offsets = [0]
    for t in toks:
        offsets.append(offsets[-1] + len(t))
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    target = prefix[-1] / k
    points = [0] + [i for i in range(1, n) if ok[i]] + [n]
    # line by line: from each place the lines so far can end, every next line that fits (the
    # first too wide ends the search); starts taken in order, so of two equal costs the line
    # starting earlier stays
    ends: dict[int, float] = {0: 0.0}  # where j lines can end → the cheapest cost of them
    back: dict[tuple[int, int], int] = {}  # (j, end) → where the j-th line starts
    trim = any(spaces)
    # the last line ends at the end: only that end is tried (with no negative width, a line
    # ending sooner is no wider, so the search would reach it)
    last_only = min(widths, default=0.0) >= 0
    for j in range(1, k + 1):
        reached: dict[int, float] = {}
        for s in sorted(ends):
            before = ends[s]
            for i in (n,) if j == k and last_only and s < n else points[bisect_right(points, s):]:
                a, b = _trimmed(spaces, s, i) if trim else (s, i)
                line_w = prefix[b] - prefix[a]
                if line_w > width + EPSILON:
                    break
                if (j < k) == (i == n):
                    continue
                cost = before + ((line_w - target) / width) ** 2 * TITLE_BALANCE
                if i != n:
                    cost += scores[offsets[i]]
                if cost < reached.get(i, INFINITY):
                    reached[i] = cost
                    back[(j, i)] = s
        ends = reached
    if n not in ends:
        return None
    cuts, j, i = [], k, n
    while j > 0:
        s = back[(j, i)]
        cuts.append((s, i))
        i, j = s, j - 1
    cuts.reverse()
    return ends[n], cuts


# --- checking -----------------------------------------------------------------------------

class Violation(Struct, frozen=True):
    """A break between ``lines[index]`` and ``lines[index + 1]`` that breaks a rule."""

    index: int
    rule: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"line {self.index}/{self.index + 1} ({self.rule}): …{self.before[-6:]} | {self.after[:6]}…"


def violations(
    lines: Sequence[str],
    source: str | None = None,
    measure: Measure | None = None,
    width: float | None = None,
    first_width: float | None = None,
) -> list[Violation]:
    """Rule violations at the breaks between consecutive lines of ONE paragraph.

    Checked: a line starting with a mark of ``NO_LINE_START``; a line ending with a mark of
    ``NO_LINE_END``; a split ``——``/``……``; a Latin word or number split across lines.
    ``source`` is the paragraph's text: with it a break at white space between two Latin
    words is told apart from a word cut in two; without it every such break counts. A word
    may be cut when it is longer than its line: given ``measure`` and ``width`` (and
    ``first_width`` for an indented first line) that is measured; without them only when the
    line before holds nothing else.
    """
    spaced = _spaced_breaks(lines, source)
    found: list[Violation] = []
    for i in range(len(lines) - 1):
        before, after = lines[i].rstrip(), lines[i + 1].lstrip()
        if not before or not after:
            continue
        if after[0] in NO_LINE_START:
            found.append(Violation(i, f"{after[0]} starts a line", before, after))
        if before[-1] in NO_LINE_END:
            found.append(Violation(i, f"{before[-1]} ends a line", before, after))
        for mark in DOUBLE_MARKS:
            if before[-1] == mark[0] and after[0] == mark[1]:
                found.append(Violation(i, f"{mark} split", before, after))
        if not spaced[i] and _ASCII_TOKEN.match(before[-1]) and _ASCII_TOKEN.match(after[0]):
            token = re.search(r"[!-~]+\Z", before).group() + re.match(r"[!-~]+", after).group()
            if measure is not None and width is not None:
                room = first_width if (i == 0 and first_width is not None) else width
                overlong = measure(token) > room + EPSILON
            else:
                overlong = bool(_ASCII_TOKEN.match(before))
            if not overlong:
                found.append(Violation(i, "Latin token split", before, after))
    return found


def _spaced_breaks(lines: Sequence[str], source: str | None) -> list[bool]:
    """For each break, whether the source had white space there (all False without source)."""
    result = [False] * max(len(lines) - 1, 0)
    if source is None:
        return result
    pos = 0
    for i, line in enumerate(lines):
        found = source.find(line, pos)
        if found < 0:
            return result
        if i > 0:
            result[i - 1] = source[pos:found].isspace()
        pos = found + len(line)
    return result
