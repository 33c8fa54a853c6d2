"""The intermediate representation: parsing, building, validation against the shipped schema.

The IR is an lxml element tree valid against ``schema/report.rng``. This module is the only
place that knows where the schema lives; stages and writers import the helpers from here.
"""
from __future__ import annotations

import copy
from functools import lru_cache, wraps
from importlib import resources

from lxml import etree

from .errors import InvalidIR
from .tables import grid_problems

IR_VERSION = "2"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
A_NS = "http://relaxng.org/ns/compatibility/annotations/1.0"


def schema_path():
    return resources.files("pipeline").joinpath("schema/report.rng")


@lru_cache(maxsize=1)
def _schema_doc() -> etree._ElementTree:
    with resources.as_file(schema_path()) as path:
        return etree.parse(str(path))


@lru_cache(maxsize=1)
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(_schema_doc())


def element_names() -> list[str]:
    """Every element name the schema defines, in schema order (used to check writer coverage)."""
    names = []
    for el in _schema_doc().iter(f"{{{RNG_NS}}}element"):
        name = el.get("name")
        if name and name not in names:
            names.append(name)
    return names


def element_docs() -> dict[str, str]:
    """The prose entry of each element, from its a:documentation annotation."""
    docs = {}
    for el in _schema_doc().iter(f"{{{RNG_NS}}}element"):
        doc = el.find(f"{{{A_NS}}}documentation")
        if doc is not None and el.get("name") not in docs:
            docs[el.get("name")] = " ".join(doc.text.split())
    return docs


def problems(tree: etree._Element) -> list[str]:
    """Schema problems of ``tree`` (and tables that are not normalized grids) as 'line N: message' strings; empty when valid."""
    rng = schema()
    if not rng.validate(tree):
        return [f"line {e.line}: {e.message}" for e in rng.error_log]
    return [f"line {t.sourceline}: {message}" for t in tree.iter("table") for message in grid_problems(t)]


def validate(tree: etree._Element, where: str = "") -> etree._Element:
    """Return ``tree`` unchanged when valid, else raise InvalidIR naming the first problems."""
    found = problems(tree)
    if found:
        after = f" after {where}" if where else ""
        raise InvalidIR(f"IR invalid{after}: " + "; ".join(found[:3]))
    return tree


def new_report() -> etree._Element:
    root = etree.Element("report", version=IR_VERSION)
    front = etree.SubElement(root, "front")
    etree.SubElement(front, "title").text = ""
    etree.SubElement(root, "body")
    return root


def clone(tree: etree._Element) -> etree._Element:
    return copy.deepcopy(tree)


def rewrites_a_copy(rewrite):
    """The pure IR → IR function of ``rewrite``, which changes the tree it is given and returns
    it (or a tree it built): it rewrites a copy, its input left as it was. ``rewrite`` is kept
    as its ``in_place``, for a caller that owns the tree it passes (the transforms' runner,
    which copies its input once for the whole chain)."""
    @wraps(rewrite)
    def pure(tree: etree._Element) -> etree._Element:
        return rewrite(clone(tree))

    pure.in_place = rewrite
    return pure


def parse(data: bytes) -> etree._Element:
    """Parse serialized IR bytes (as written by the xml writer)."""
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidIR(f"not well-formed XML: {exc}") from None
    if root.tag != "report" or root.get("version") != IR_VERSION:
        raise InvalidIR(f"not an IR document of version {IR_VERSION}")
    return root


# Elements with mixed content: pretty-printing must never put white space inside them.
INLINE_CONTAINERS = ("p", "heading", "item", "li", "link", "cell", "title", "field")


def serialize(tree: etree._Element) -> bytes:
    """The IR as indented UTF-8 XML, the same bytes for a tree and for a parsed copy of it: an
    inline container whose children are all elements is given an empty text node first (so
    the indenting leaves its content alone), and an empty element has no text node."""
    for el in tree.iter():
        if len(el) == 0 and el.text == "":
            el.text = None  # <cell/>, as a parsed copy has it
        elif el.text is None and len(el) and el.tag in INLINE_CONTAINERS:
            el.text = ""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def text_of(el: etree._Element) -> str:
    """The printed text of an inline container: its text, with each item's label before the item's text."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == "item":
            parts.append(child.get("label", "") + text_of(child))
        elif child.tag == "link":
            parts.append(child.text or "")
        parts.append(child.tail or "")
    return "".join(parts)


def width_value(width: float) -> str:
    """A width in character widths (an attachment note's ``indent``, a signature's ``inset``) as
    the IR writes it: 3, 4.5."""
    return f"{width:g}"


def heading_line(section: etree._Element) -> str:
    """A section's heading as printed: label then heading text."""
    return section.get("label", "") + text_of(section.find("heading"))


def meta_value(root: etree._Element, name: str) -> str | None:
    """A metadata value: the title's or a field's machine-readable value (its ``value``
    attribute, kept also when it is not printed, else its printed text); None when the IR has
    no such field."""
    if name == "title":
        title = root.find("front/title")
        return None if title is None else title.get("value", title.text or "")
    for field in root.iterfind("front/field"):
        if field.get("name") == name:
            return field.get("value", field.text or "")
    return None


def source_of(root: etree._Element) -> etree._Element | None:
    """The provenance ``<source>`` element (input name, format, encoding), if any."""
    return root.find("front/provenance/source")
