"""Body-text accuracy against the corpus ground truth: character F1 per page, mean per set;
and metadata accuracy per field.

Sets: immortal-autumn-CWCED (``cleaned/<id>.txt``) and opendatalab-magic-html (``base.json``
``content`` per file hash). Character F1 is computed over the multiset of non-space
characters, the usual measure for Chinese extraction (no word segmentation needed). Figure
placeholders are left out of our text: the ground truth holds text only.
With ``--peer`` the same is measured for trafilatura in the same run.

Metadata (``--metadata``, the default when no other set is asked for): the share of pages on
which each field is right, where "right" is the page's stated value (compared without spaces
and width differences) or nothing when the page states none. Sets: the test corpus's reviewed
truth files (``tests/data/corpus/truth/*.meta.yaml``: every field), the State Council pages of
ZhouYNF-platform-1 (title, 索引号, 发文机关, 发文字号, address; their date fields are crawler
artefacts) and the CWCED dates (``date/``: UNKNOWN means none; month-only labels are left
out). trafilatura's title and date (``extract_metadata``) are measured on the same pages.

    python bench/accuracy.py [--corpus DIR] [--peer] [--min F1] [--metadata]
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import unicodedata
from pathlib import Path

import yaml

from pipeline import ir
from pipeline.config import Settings
from pipeline.convert import build_ir
from pipeline.errors import PipelineError
from pipeline.load import Document
from pipeline.measure import char_f1
from pipeline.writers.text import body_lines

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
TEST_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"
FIELDS = ("title", "date", "written", "publisher", "number", "index", "topic", "site", "url")
PEER_FIELDS = ("title", "date")


def cases(corpus: Path):
    """(set name, html path, ground-truth text) for every labelled page."""
    cwced = corpus / "html" / "immortal-autumn-CWCED"
    for truth in sorted((cwced / "cleaned").glob("*.txt")):
        page = cwced / "original" / (truth.stem + ".html")
        if page.exists():
            yield "CWCED", page, truth.read_text(encoding="utf-8", errors="replace")
    magic = corpus / "html" / "opendatalab-magic-html" / "benchmark" / "data"
    for base in sorted(magic.glob("*/base.json")):
        for key, entry in sorted(json.loads(base.read_text(encoding="utf-8")).items()):
            page = base.parent / "htmls" / f"{key}.html"
            if page.exists():
                yield f"magic-html/{base.parent.name}", page, entry.get("content", "")


def same(got: str | None, expected) -> bool:
    """Whether a field's value is right: one of the expected spellings (a string or a list),
    compared without spaces and width differences; None expects no value."""
    if expected is None:
        return not got
    spellings = expected if isinstance(expected, list) else [expected]
    folded = lambda text: "".join(unicodedata.normalize("NFKC", str(text)).split())  # noqa: E731
    return bool(got) and folded(got) in map(folded, spellings)


def truth_cases(corpus_copy: Path = TEST_CORPUS):
    """(page, {field: expected}) for every page of the test corpus with a reviewed truth file."""
    for truth in sorted((corpus_copy / "truth").glob("*.meta.yaml")):
        stem = truth.name[: -len(".meta.yaml")]
        page = next(p for p in corpus_copy.glob(f"*/{stem}.*") if p.parent.name in ("html", "text"))
        yield page, yaml.safe_load(truth.read_text(encoding="utf-8"))


def metadata_sets(corpus: Path):
    """(set name, page, {field: expected}) for the labelled metadata sets."""
    for page, expected in truth_cases():
        yield "test corpus", page, expected
    council = {"title": "title", "index": "index_number", "publisher": "release_office",
               "number": "release_number", "url": "crawl_url"}
    for truth in sorted((corpus / "html" / "ZhouYNF-platform-1" / "extracted_60").glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        yield "State Council", truth.with_suffix(".html"), {f: data.get(k) or None for f, k in council.items()}
    cwced = corpus / "html" / "immortal-autumn-CWCED"
    for truth in sorted((cwced / "date").glob("*.txt")):
        day = truth.read_text(encoding="utf-8").strip()
        if day == "UNKNOWN" or re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", day):
            yield "CWCED dates", cwced / "original" / (truth.stem + ".html"), {"date": None if day == "UNKNOWN" else day[:10]}


def our_metadata(page: Path, settings: Settings) -> dict:
    try:
        tree = build_ir(Document(str(page), page.read_bytes()), settings)
    except PipelineError:
        return {}
    return {name: ir.meta_value(tree, name) for name in FIELDS}


def peer_metadata(page: Path) -> dict:
    import trafilatura

    found = trafilatura.extract_metadata(page.read_bytes())
    return {"title": found.title, "date": found.date} if found else {}


def metadata_report(corpus: Path, peer_too: bool, settings: Settings, verbose: bool) -> None:
    """Per set and field: the share of pages where ours (and trafilatura's) value is right."""
    hits: dict[tuple[str, str], list[bool]] = {}
    peer_hits: dict[tuple[str, str], list[bool]] = {}
    for name, page, expected in metadata_sets(corpus):
        got = our_metadata(page, settings)
        theirs = peer_metadata(page) if peer_too and page.suffix != ".txt" else None
        for field, want in expected.items():
            hits.setdefault((name, field), []).append(same(got.get(field), want))
            if verbose and not same(got.get(field), want):
                print(f"metadata miss  {name}  {page.name}  {field}: expected {want!r}, got {got.get(field)!r}")
            if theirs is not None and field in PEER_FIELDS:
                peer_hits.setdefault((name, field), []).append(same(theirs.get(field), want))
    for (name, field), values in hits.items():
        line = f"metadata {name:14s} {field:10s} n={len(values):3d}  right {sum(values) / len(values):.3f}"
        peer_values = peer_hits.get((name, field))
        if peer_values:
            line += f"   trafilatura {sum(peer_values) / len(peer_values):.3f} (n={len(peer_values)})"
        print(line)


STRUCTURE_COLUMNS = {"cn": "n_一、", "cn-paren": "n_（一）", "items": "n_X是"}


def structure_cases(corpus: Path):
    """(text file, {kind: expected count}) from the text set's INDEX.tsv: 一、 and （一）
    headings and X是 enumeration items (its 1. column counts every occurrence, headings or not)."""
    index = corpus / "text" / "INDEX.tsv"
    if not index.exists():
        return
    for row in csv.DictReader(index.open(encoding="utf-8"), delimiter="\t"):
        yield corpus / "text" / row["file"], {k: int(row[c]) for k, c in STRUCTURE_COLUMNS.items()}


def ours(page: Path, settings: Settings) -> str:
    """The body text, without figure placeholders (the ground truth holds text only)."""
    try:
        tree = build_ir(Document(str(page), page.read_bytes()), settings)
    except PipelineError:
        return ""
    for figure in tree.findall(".//figure"):
        figure.getparent().remove(figure)
    return "\n".join(body_lines(tree))


def peer(page: Path) -> str:
    import trafilatura

    return trafilatura.extract(page.read_bytes(), favor_recall=True) or ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--peer", action="store_true", help="also measure trafilatura")
    parser.add_argument("--min", type=float, default=None, help="exit 1 if the overall mean F1 is below this")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--metadata", action="store_true", help="measure metadata fields only")
    args = parser.parse_args()
    settings = Settings()
    if args.metadata:
        metadata_report(args.corpus, args.peer, settings, args.verbose)
        return 0
    scores: dict[str, list[float]] = {}
    peer_scores: dict[str, list[float]] = {}
    for name, page, truth in cases(args.corpus):
        f1 = char_f1(ours(page, settings), truth)
        scores.setdefault(name, []).append(f1)
        if args.peer:
            peer_scores.setdefault(name, []).append(char_f1(peer(page), truth))
        if args.verbose:
            print(f"{f1:.3f}  {page.name}")
    if not scores:
        print(f"no labelled pages under {args.corpus}", file=sys.stderr)
        return 2
    every = [s for v in scores.values() for s in v]
    for name, values in scores.items():
        line = f"{name:24s} n={len(values):3d}  char-F1 mean {statistics.mean(values):.3f}  median {statistics.median(values):.3f}"
        if args.peer:
            line += f"   trafilatura mean {statistics.mean(peer_scores[name]):.3f}"
        print(line)
    metadata_report(args.corpus, args.peer, settings, args.verbose)
    exact = []
    for page, expected in structure_cases(args.corpus):
        tree = build_ir(Document(str(page), page.read_bytes()), settings)
        got = {kind: len(tree.findall(f".//section[@kind='{kind}']")) for kind in expected}
        got["items"] = sum(1 for item in tree.iter("item") if item.get("label").endswith("是"))
        exact.append(got == expected)
        if args.verbose and got != expected:
            print(f"structure  {page.name}: expected {expected}, got {got}")
    if exact:
        print(f"{'structure 一、/（一）/X是':21s} n={len(exact):3d}  exact {sum(exact) / len(exact):.3f}")
    overall = statistics.mean(every)
    line = f"{'overall':24s} n={len(every):3d}  char-F1 mean {overall:.3f}"
    if args.peer:
        line += f"   trafilatura mean {statistics.mean([s for v in peer_scores.values() for s in v]):.3f}"
    print(line)
    return 1 if args.min is not None and overall < args.min else 0


if __name__ == "__main__":
    sys.exit(main())
