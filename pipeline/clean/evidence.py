"""Metadata evidence and how it is weighed: every value the clean passes find for a field is
kept with its origin (``kind:detail``); a field's value is that of its most trusted evidence.

Trust is the fixed order of kinds in ``rules/clean.yaml`` (``evidence_order``: meta tags, info
tables, labelled lines, … the page address, htmldate). Within a kind, a stronger label wins
(``metadata_fields`` lists each field's labels strongest first), then the first found. A value
cut short by a stronger source (``<meta name="ContentSource" content="浙江">`` where the page
says ``来源：浙江监管局``) gives way to the fuller one of an info table or a labelled line, for
the fields in ``complete_fields``; so does a meta value that names the site itself
(``<meta name="ContentSource" content="辽阳网站">`` where the page says ``信息来源：辽阳日报``): the
name a site source gives, or a website's name (``website_name``). A value with the site's name
run on after an outlet's or an edition's name is cut before it (``publisher_before_site``), and
so is the publisher's name ending a title a page's names give (``named_titles_from``).
"""
from __future__ import annotations

from msgspec import Struct

from .rules import CleanRules


class Evidence(Struct, frozen=True):
    """One value found for one metadata field, and where it was found."""

    field: str
    value: str
    origin: str  # kind:detail, e.g. meta:PubDate, table:发文机关, line:来源, address

    @property
    def kind(self) -> str:
        return self.origin.partition(":")[0]

    @property
    def detail(self) -> str:
        return self.origin.partition(":")[2]


def trust(item: Evidence, rules: CleanRules) -> tuple[int, int]:
    """Sort key, most trusted first: the kind's place in the order, then the label's strength."""
    kind = rules.evidence_order.index(item.kind)
    labels = rules.metadata_fields.get(item.field, [])
    return kind, labels.index(item.detail) if item.detail in labels else len(labels)


def best(evidence: list[Evidence], key: str, rules: CleanRules) -> Evidence | None:
    """The evidence the field ``key`` takes its value from, or None."""
    found = sorted((e for e in evidence if e.field == key), key=lambda e: trust(e, rules))
    if not found:
        return None
    chosen = found[0]
    sites = {e.value for e in evidence if e.field == "site"}
    if key in rules.complete_fields and chosen.kind == "meta" and (
            chosen.value in sites or rules.website_name.fullmatch(chosen.value)):
        stated = [e for e in found[1:] if e.kind in rules.complete_from and e.value != chosen.value]
        chosen = stated[0] if stated else chosen  # the site's own name gives way to the source the page states
    if key in rules.complete_fields:
        fuller = [e for e in found[1:] if e.kind in rules.complete_from
                  and len(e.value) > len(chosen.value) and e.value.startswith(chosen.value)]
        chosen = fuller[0] if fuller else chosen
        for site in sorted(sites, key=len, reverse=True):  # 人民日报海外版中国青年网, the site 中国青年网
            head = chosen.value.removesuffix(site)
            if head != chosen.value and rules.publisher_before_site.fullmatch(head):
                return Evidence(key, head, chosen.origin)
    return chosen


def resolve(evidence: list[Evidence], rules: CleanRules) -> dict:
    """field → value of its best evidence, and ``from``: field → that evidence's origin."""
    meta: dict = {"from": {}}
    for key in dict.fromkeys(e.field for e in evidence):
        chosen = best(evidence, key, rules)
        meta[key] = chosen.value
        meta["from"][key] = chosen.origin
    title, publisher = meta.get("title"), meta.get("publisher")
    if title and publisher and title.endswith(" " + publisher) and title != " " + publisher \
            and meta["from"]["title"].partition(":")[0] in rules.named_titles_from:
        meta["title"] = title.removesuffix(" " + publisher)
    return meta
