"""Transform ``sections``: recognize numbered headings and nest the body into sections.

A paragraph that starts with a numbering label (rules/structure.yaml) is a member of a numbered
sequence: the labelled paragraphs of one kind whose numbers follow on (一、 二、 三、 …, also
across parents where a document numbers continuously: （五） under 二、 after （四） under 一、).
Each sequence is decided once, as a whole: its members are all headings or all numbered clauses
(paragraphs that keep their label, marked with their kind and number). Members next to each
other (nothing between them, or only headings of outer kinds), fewer than half of them run-in
heads, are a list, so clauses; a sequence continuing a list the paragraph before it starts
inline (附件：1.… then 2.…), or one right after a line introducing notes (注释：), is clauses
too. Otherwise each member votes by its shape: a short line, a short sentence, or a short first
sentence with more text after it (a run-in head; a note in brackets after the sentence,
（负责部门：…）, is not more text) votes heading, unless the text after it opens with a
connective (因此，… 同时…: an argument, not a head); a longer text, a line ending in ；, a
one-sentence item with clause marks next to a sibling vote clause, and so does a first sentence
that reads as a statement (of four clauses or more, or opening 为了…， 鉴于…， 根据…，); the majority decides, a tie
makes headings unless a member's first sentence is longer than any heading (statements, some
of them short) or a member is a line ending in ； (an item of an enumeration: 按照以下标准扣除：
（一）…； （二）…。). A label in an HTML or bold heading makes its whole sequence headings; a bold
line that is a document's title (国家粮食应急预案, 中华人民共和国国务院令, …成员名单, a table's
…计划表), or bold lines one right after the other that make one (关于内地西藏班（校） /
扩大规模有关问题的请示), head nothing.

A heading's text is the member's text without its label; a run-in head is the text up to the
first 。, and the rest stays as the section's first paragraph. An attachment line (附件2) ends
every section open before it (transform ``attachments`` sets it on a page of its own).
Unnumbered headings — a bold line, and a short line ending in a colon (全面依法治区：) where
the document has several — become the sibling of the unnumbered heading open before them, else the child of the heading before them, and hold what follows up
to the next heading of their rank or above. Numbered sections nest by rank: h1…h6 > 第X章 >
一、 > （一） > 1 > 1.1 > 1.1.1 > 1. > （1）.

A decimal outline (1 总则, 1.1 编制目的, 2.3.1 …) is one sequence: each member follows the one
before it (its first child, or the next at its level or one above). Its first level may be written
1 总则 or 1.; such a line is in the outline only where the outline goes on below it (1.1 next)
or around it (2 between 1.2 and 3.1 with no 1. since: that 2. continues a list; 7 after 6.4 where
the outline ends, as the last entry of a contents). An outline of one
member is a figure, not a label (1.5万人, 增长1.1%). A list of outline numbers (a table of
contents, or the sequence right after a 目　录 line, bold entries included) is all clauses; else
the members under each parent are decided as a sequence (2.1.1 … headings, 7.1 … 7.3 sentences
clauses), and the members below a clause are clauses too.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from msgspec import Struct

from .. import ir
from .labels import (UNNUMBERED, Kind, kind_named, match_continuing, match_label, match_top, outline_path,
                     kinds, section_rank, structure_rules)

HEADING, RUNIN, CLAUSE = "heading", "runin", "clause"


class Member(Struct, frozen=True):
    """A labelled block: a member of a numbered sequence."""

    at: int  # position in the flat block list
    kind: Kind
    number: int
    rest: str  # the text after the label
    fixed: str | None  # HEADING or CLAUSE when markup or an earlier run decided it
    continuing: bool = False  # a member only where it continues a sequence (20.2026年… after 19.)
    path: tuple[int, ...] = ()  # an outline member's number with its parts (2.3.1)
    top: bool = False  # an outline's first level written without a dot (1 总则): a member only inside an outline
    earlier: bool = False  # recognized by an earlier run: its kind is settled

    @property
    def depth(self) -> int:
        return len(self.path) or 1

    @property
    def rank(self) -> float:
        return self.kind.rank_at(self.depth)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    rules = structure_rules()
    return {
        "sentence_end": re.compile(rules["sentence_end"]),
        "clause_marks": re.compile(rules["clause_marks"]),
        "clause_end": re.compile(rules["clause_end"]),
        "label_heading": re.compile(rules["label_heading"]["pattern"]),
        "not_label_heading": re.compile(rules["label_heading"]["not"]),
        "attachment_line": re.compile(rules["attachment_line"]),
        "note": re.compile(rules["note"]),
        "notes_lead": re.compile(rules["notes_lead"]),
        "contents_lead": re.compile(rules["contents_lead"]),
        "document_title": re.compile(rules["document_title"]),
        "continuation": re.compile(rules["continuation"]),
        "statement_marks": re.compile(rules["statement_marks"]),
        "statement_opening": re.compile(rules["statement_opening"]),
    }


def _flatten(container: etree._Element) -> list[etree._Element]:
    """The blocks of ``container`` in order, each section replaced by a bare heading marker + its blocks."""
    out = []
    for child in container:
        if child.tag == "section":
            marker = etree.Element("section", dict(child.attrib))
            marker.append(ir.clone(child.find("heading")))
            out.append(marker)
            out.extend(_flatten(child))
        elif child.tag != "heading":
            out.append(child)
    return out


def _marker(kind: str, number: int | None, text: str, runin: bool, path: tuple[int, ...] = ()) -> etree._Element:
    marker = etree.Element("section", kind=kind, label="", level="1")
    if number:
        marker.set("number", str(number))
        marker.set("label", kind_named(kind).label(number, path))
    if runin:
        marker.set("runin", "true")
    etree.SubElement(marker, "heading").text = text
    return marker


def _plain_text(block: etree._Element) -> str | None:
    """The text of a paragraph without inline children; None for any other block."""
    return (block.text or "") if block.tag == "p" and not len(block) else None


def _member(at: int, block: etree._Element) -> Member | None:
    if block.tag == "section":
        kind = kind_named(block.get("kind"))
        if kind is not None:  # recognized by an earlier run
            path = Kind.path_of(block.get("label", "")) if kind.outline else ()
            return Member(at, kind, int(block.get("number")), ir.text_of(block.find("heading")), HEADING, path=path,
                          earlier=True)
        text = ir.text_of(block.find("heading"))
        found = match_label(text)
        if found and found[2].strip():  # an HTML heading with a label
            return Member(at, found[0], found[1], found[2].strip(), HEADING, path=outline_path(found[0], text))
        found = match_top(text)
        if found and found[2].strip():  # an HTML or bold heading 1 总则: the outline's first level
            return Member(at, found[0], found[1], found[2].strip(), HEADING, path=(found[1],), top=True)
        return None
    if block.tag == "p" and block.get("kind"):  # a clause recognized by an earlier run
        kind = kind_named(block.get("kind"))
        path = outline_path(kind, ir.text_of(block)) or ((int(block.get("number")),) if kind.outline else ())
        return Member(at, kind, int(block.get("number")), "", CLAUSE, path=path, earlier=True)
    text = _plain_text(block)
    found = match_label(text) if text else None
    if found and found[2].strip():
        return Member(at, found[0], found[1], found[2].strip(), None, path=outline_path(found[0], text))
    found = match_continuing(text) if text else None
    if found and found[2].strip():
        return Member(at, found[0], found[1], found[2].strip(), None, continuing=True)
    found = match_top(text) if text else None
    if found and found[2].strip():
        return Member(at, found[0], found[1], found[2].strip(), None, path=(found[1],), top=True)
    return None


def _follows(before: tuple[int, ...], after: tuple[int, ...]) -> bool:
    """Whether outline number ``after`` can come next after ``before``: its first child (1.1 →
    1.1.1), or the next at its level or a level above, opening its first children (1.2 → 1.3,
    1.2.3 → 1.3, 1.2 → 2, 1.2 → 2.1 where the page wrote no 2)."""
    if after[:len(before)] == before:
        return len(after) > len(before) and all(part == 1 for part in after[len(before):])
    for k in range(1, len(before) + 1):
        if after[:k - 1] == before[:k - 1] and len(after) >= k and after[k - 1] == before[k - 1] + 1:
            return all(part == 1 for part in after[k:])
    return False


def _outline_heads(members: list[Member]) -> list[Member]:
    """The members with the first levels of decimal outlines taken in: a 1. (or 1 总则) becomes the
    outline's 1 where the outline goes on below it (1.1 next) or around it (2 between 1.2 and
    3.1, and no 1. since the outline's last member: that 2. would continue a list). An outline's
    first level written without a dot is no member anywhere else."""
    out: list[Member] = []
    deeper: list[dict] = [{}] * len(members)  # per member: the next outline member below level 1, by kind
    ahead: dict = {}
    for i in range(len(members) - 1, -1, -1):
        deeper[i] = ahead
        if members[i].kind.outline and members[i].depth > 1:
            ahead = {**ahead, members[i].kind.name: members[i]}
    last_of: dict[str, Member] = {}  # per outline kind: its last member taken
    since: dict[str, set] = {}  # per outline kind: (kind, number) of the members taken after it

    def take(member: Member) -> None:
        out.append(member)
        for seen in since.values():
            seen.add((member.kind.name, member.number))
        if member.kind.outline:
            last_of[member.kind.name], since[member.kind.name] = member, set()

    for i, member in enumerate(members):
        outline = member.kind if member.top else next(
            (k for k in kinds() if k.outline and k.top_kind == member.kind.name), None)
        if outline is None or member.continuing or member.earlier or member.fixed == CLAUSE:
            if not member.top:
                take(member)
            continue
        n = member.number
        below = deeper[i].get(outline.name)
        last = last_of.get(outline.name)
        opens = below is not None and below.path[0] == n and all(part == 1 for part in below.path[1:])
        between = last is not None and last.path[0] == n - 1 and (below is None or below.path[0] != n) \
            and (member.kind.name, n - 1) not in since[outline.name]
        if opens or between:
            take(Member(member.at, outline, n, member.rest, member.fixed, path=(n,)))
        elif not member.top:
            take(member)
    return out


def _sequences(members: list[Member]) -> list[list[Member]]:
    """Members grouped into sequences: per kind, each number one above the one before."""
    open_by_kind: dict[str, list[Member]] = {}
    out = []
    for member in _outline_heads(members):
        sequence = open_by_kind.get(member.kind.name)
        if sequence and (_follows(sequence[-1].path, member.path) if member.kind.outline
                         else member.number == sequence[-1].number + 1):
            sequence.append(member)
        elif member.continuing:
            continue
        else:
            sequence = open_by_kind[member.kind.name] = [member]
            out.append(sequence)
    # An outline is an outline where it has two members or more, or markup says so: a lone 1.1
    # is a number, not a label.
    return [s for s in out if not s[0].kind.outline or len(s) > 1 or s[0].fixed == HEADING]


def _continues_inline(sequence: list[Member], flat: list[etree._Element]) -> bool:
    """Whether the paragraph before the sequence holds its predecessor inline (附件：1.… before 2.…)."""
    first = sequence[0]
    if first.number == 1 or first.at == 0:
        return False
    before = "".join(flat[first.at - 1].itertext()) if flat[first.at - 1].tag == "p" else ""
    return any(first.kind.number_of(m.group(1)) == first.number - 1
               for m in first.kind.pattern.finditer(before) if m.start() > 0)


def _follows_lead(sequence: list[Member], flat: list[etree._Element], lead: str) -> bool:
    """Whether the sequence comes right after a line introducing notes (注释：, ``notes_lead``)
    or a table of contents (目　录, ``contents_lead``)."""
    before = _plain_text(flat[sequence[0].at - 1]) if sequence[0].at else None
    return bool(before) and bool(_patterns()[lead].fullmatch(before.strip()))


def _shape(member: Member, siblings: set[int]) -> str:
    """What a member's shape says it is (see the module text): HEADING for a short line or
    sentence, RUNIN for a short first sentence with more text after it, else CLAUSE."""
    p = _patterns()
    limit = structure_rules()["max_heading_chars"]
    end = p["sentence_end"].search(member.rest)
    if end is None:
        return HEADING if len(member.rest) <= limit and not p["clause_end"].search(member.rest) else CLAUSE
    head, tail = member.rest[:end.start()], member.rest[end.end():].strip()
    if not 0 < len(head) <= limit or _statement(head):
        return CLAUSE
    if tail and not p["note"].fullmatch(tail):
        return CLAUSE if p["continuation"].match(tail) else RUNIN
    if p["clause_marks"].search(head) and (member.at - 1 in siblings or member.at + 1 in siblings):
        return CLAUSE
    return HEADING


def _statement(head: str) -> bool:
    """Whether a first sentence reads as a statement, not a heading: of ``statement_clauses``
    clauses or more, or opening with a clause of purpose, cause or basis (``statement_opening``)."""
    p = _patterns()
    return len(p["statement_marks"].findall(head)) + 1 >= structure_rules()["statement_clauses"] \
        or bool(p["statement_opening"].match(head))


def _runin_text(flat: list[etree._Element], at: int) -> bool:
    """Whether block ``at`` is the text a run-in head was split from (an earlier run's work): it
    is never a numbered member of its own, whatever it starts with."""
    return (at > 0 and flat[at].tag == "p" and flat[at - 1].tag == "section"
            and flat[at - 1].get("runin") == "true")


def _next_to(a: Member, b: Member, flat: list[etree._Element]) -> bool:
    """Whether nothing stands between two members but headings of outer kinds (二、 between
    （四） and （五） of a list numbered on through its parts)."""
    def outer(block: etree._Element) -> bool:
        found = _member(0, block)
        return block.tag == "section" or (found is not None and found.rank < a.rank)
    return all(outer(block) for block in flat[a.at + 1:b.at])


def _decide_outline(sequence: list[Member], flat: list[etree._Element]) -> dict[int, str]:
    """What an outline's members are, by depth: a list of numbers (1.1 … 1.2 … next to each other,
    as a table of contents) is all clauses; else each level is decided as a sequence of its own
    (1 and 1.1 headings, 1.1.1 full-sentence clauses), and a level below a level of clauses is
    clauses too."""
    siblings = {m.at for m in sequence}
    if _follows_lead(sequence, flat, "contents_lead"):
        return dict.fromkeys(siblings, CLAUSE)
    if not any(m.fixed for m in sequence) and _is_list(sequence, flat, [_shape(m, siblings) for m in sequence]):
        return dict.fromkeys(siblings, CLAUSE)
    decisions: dict[int, str] = {}
    clauses: set[tuple[int, ...]] = set()  # the paths of the members decided clauses
    for depth in sorted({m.depth for m in sequence}):
        level = [m for m in sequence if m.depth == depth]
        groups: dict[tuple[int, ...], list[Member]] = {}
        for m in level:
            groups.setdefault(m.path[:-1], []).append(m)
        for parent, group in groups.items():
            below_clause = any(parent[:k] in clauses for k in range(1, len(parent) + 1))
            decision = CLAUSE if below_clause else _decide(group, flat)
            decisions.update({m.at: decision for m in group})
            if decision == CLAUSE:
                clauses.update(m.path for m in group)
    return decisions


def _is_list(sequence: list[Member], flat: list[etree._Element], shapes: list[str]) -> bool:
    """Members next to each other (nothing between them but headings of outer kinds), and run-in
    heads (a short sentence, then text) fewer than ``list_runin_share`` of them: a list item may
    have a second sentence (5.社会团体的法定代表人由…担任。原则上…)."""
    pairs = list(zip(sequence, sequence[1:]))
    if not pairs or shapes.count(RUNIN) >= structure_rules()["list_runin_share"] * len(shapes):
        return False
    return any(b.at == a.at + 1 for a, b in pairs) and all(_next_to(a, b, flat) for a, b in pairs)


def _decide(sequence: list[Member], flat: list[etree._Element]) -> str:
    fixed = {m.fixed for m in sequence}
    if HEADING in fixed:
        return HEADING
    if CLAUSE in fixed:
        return CLAUSE
    if _continues_inline(sequence, flat) or _follows_lead(sequence, flat, "notes_lead"):
        return CLAUSE
    siblings = {m.at for m in sequence}
    shapes = [_shape(m, siblings) for m in sequence]
    if _is_list(sequence, flat, shapes):
        return CLAUSE  # a list
    votes = len(shapes) - 2 * shapes.count(CLAUSE)
    if votes == 0:  # a tie makes headings, unless a member cannot be any heading
        return CLAUSE if any(_too_long(m) or _clause_line(m) for m in sequence) else HEADING
    return HEADING if votes > 0 else CLAUSE


def _clause_line(member: Member) -> bool:
    """Whether a member is one line ending in ；，、 (``clause_end``): an item of an
    enumeration, never a heading."""
    p = _patterns()
    return p["sentence_end"].search(member.rest) is None and bool(p["clause_end"].search(member.rest))


def _too_long(member: Member) -> bool:
    """Whether a member's first sentence is longer than any heading (``max_heading_chars``)."""
    end = _patterns()["sentence_end"].search(member.rest)
    return len(member.rest[:end.start()] if end else member.rest) > structure_rules()["max_heading_chars"]


def _heading(member: Member, block: etree._Element) -> list[etree._Element]:
    """The heading marker (and a run-in head's first paragraph) of a member decided a heading."""
    if block.tag == "section" and kind_named(block.get("kind")) is not None:
        return [block]
    end = _patterns()["sentence_end"].search(member.rest)
    if end is None:
        return [_marker(member.kind.name, member.number, member.rest, False, member.path)]
    head, tail = member.rest[:end.start()], member.rest[end.end():].strip()
    if not tail:
        return [_marker(member.kind.name, member.number, head, False, member.path)]  # a heading line ending in 。
    p = etree.Element("p")
    p.text = tail
    return [_marker(member.kind.name, member.number, head, True, member.path), p]


def _clause(member: Member, block: etree._Element) -> etree._Element:
    """A member decided a clause: the paragraph as it is (a heading's line as a paragraph: a bold
    entry of a table of contents), marked with its kind and number."""
    if block.tag == "section":
        block = _paragraph(block)
    block.set("kind", member.kind.name)
    block.set("number", str(member.number))
    return block


def _paragraph(marker: etree._Element) -> etree._Element:
    """A heading marker's line as a paragraph."""
    p = etree.Element("p")
    p.text = ir.text_of(marker.find("heading"))
    return p


def _unnumbered(block: etree._Element) -> bool:
    return block.tag == "section" and block.get("kind") == UNNUMBERED


TITLE_LINES = 4  # a document's title is broken over no more lines than this


def _document_titles(flat: list[etree._Element]) -> set[int]:
    """Positions of the unnumbered headings that are a document's title (国家粮食应急预案 set in
    bold above its 目录), alone or broken over lines one right after the other (关于内地西藏班（校）
    / 扩大规模有关问题的请示), a table's title (the bold lines right above it: 深圳湾口岸港方口岸区的
    / 查验区界址点坐标) or an attachment line (附件1.): lines of the text, heading no section."""
    title, attachment = _patterns()["document_title"], _patterns()["attachment_line"]
    found: set[int] = set()
    for start, block in enumerate(flat):
        text = ""
        for end in range(start, min(len(flat), start + TITLE_LINES)):
            if not _unnumbered(flat[end]):
                break
            text += ir.text_of(flat[end].find("heading")).strip()
            table_next = end + 1 < len(flat) and flat[end + 1].tag == "table"
            if title.fullmatch(text) or (end == start and attachment.fullmatch(text)) or table_next:
                found.update(range(start, end + 1))
    return found


def _label_headings(flat: list[etree._Element]) -> set[int]:
    """Positions of the short lines ending in a colon that are unnumbered headings. The text
    after a run-in head (``一、总体情况。主要做法：``) is the rest of the head's line, never one: a
    tree the transform made reads as the paragraphs it was made of."""
    p = _patterns()
    found = []
    for at, block in enumerate(flat):
        text = _plain_text(block)
        if text and p["label_heading"].fullmatch(text) and not p["not_label_heading"].fullmatch(text) \
                and match_label(text) is None and at + 1 < len(flat) and flat[at + 1].tag != "section" \
                and not (at and flat[at - 1].get("runin") == "true"):
            found.append(at)
    found = [at for at in found if at + 1 not in found]
    return set(found) if len(found) >= structure_rules()["label_heading"]["min_count"] else set()


def _recognized(flat: list[etree._Element]) -> list[etree._Element]:
    """The flat blocks with headings recognized: markers for headings, clauses marked."""
    titles = _document_titles(flat)
    flat = [_paragraph(block) if at in titles else block for at, block in enumerate(flat)]
    members = [m for at, block in enumerate(flat) if not _runin_text(flat, at)
               and (m := _member(at, block)) is not None]
    decided = {}
    for sequence in _sequences(members):
        decisions = _decide_outline(sequence, flat) if sequence[0].kind.outline \
            else dict.fromkeys((m.at for m in sequence), _decide(sequence, flat))
        decided.update({m.at: (m, decisions[m.at]) for m in sequence})
    labels = _label_headings(flat)
    blocks = []
    for at, block in enumerate(flat):
        if at in decided:
            member, decision = decided[at]
            blocks.extend(_heading(member, block) if decision == HEADING else [_clause(member, block)])
        elif at in labels:
            blocks.append(_marker(UNNUMBERED, None, block.text.strip().rstrip("：:"), False))
        else:
            blocks.append(block)
    return blocks


def _nest(body: etree._Element, blocks: list[etree._Element]) -> None:
    """Append ``blocks`` to ``body`` with each heading marker holding what follows it (by rank)."""
    stack: list[tuple[float, etree._Element]] = []
    for block in blocks:
        if block.tag != "section":
            text = _plain_text(block)
            if text and _patterns()["attachment_line"].fullmatch(text.strip()):
                stack.clear()
            (stack[-1][1] if stack else body).append(block)
            continue
        if block.get("kind") == UNNUMBERED:
            open_unnumbered = [i for i, (_, s) in enumerate(stack) if s.get("kind") == UNNUMBERED]
            if open_unnumbered:
                del stack[open_unnumbered[-1]:]
            r = (stack[-1][0] if stack else -1) + 0.5
        else:
            r = section_rank(block)
            while stack and stack[-1][0] >= r:
                stack.pop()
        (stack[-1][1] if stack else body).append(block)
        stack.append((r, block))


@ir.rewrites_a_copy
def sections(tree: etree._Element) -> etree._Element:
    body = tree.find("body")
    blocks = _recognized(_flatten(body))
    for child in list(body):
        body.remove(child)
    _nest(body, blocks)
    return tree
