"""Body-text accuracy against the corpus ground truth: character F1 per page, mean per set.

Sets: immortal-autumn-CWCED (``cleaned/<id>.txt``) and opendatalab-magic-html (``base.json``
``content`` per file hash). Character F1 is computed over the multiset of non-space
characters, the usual measure for Chinese extraction (no word segmentation needed). Figure
placeholders are left out of our text: the ground truth holds text only.
With ``--peer`` the same is measured for trafilatura in the same run.

    python bench/accuracy.py [--corpus DIR] [--peer] [--min F1]
"""
from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from pathlib import Path

from pipeline import ir
from pipeline.config import Settings
from pipeline.convert import build_ir
from pipeline.errors import PipelineError
from pipeline.load import Document
from pipeline.measure import char_f1
from pipeline.writers.text import body_lines

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


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


def metadata_cases(corpus: Path):
    """(field, html path, expected value): 国务院 document titles and CWCED dates."""
    for truth in sorted((corpus / "html" / "ZhouYNF-platform-1" / "extracted_60").glob("*.json")):
        title = json.loads(truth.read_text(encoding="utf-8")).get("title")
        if title:
            yield "title", truth.with_suffix(".html"), title
    cwced = corpus / "html" / "immortal-autumn-CWCED"
    for truth in sorted((cwced / "date").glob("*.txt")):
        day = truth.read_text(encoding="utf-8").strip()[:10]
        if day:
            yield "date", cwced / "original" / (truth.stem + ".html"), day


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
    args = parser.parse_args()
    settings = Settings()
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
    meta_hits: dict[str, list[bool]] = {}
    for field, page, expected in metadata_cases(args.corpus):
        try:
            got = ir.meta_value(build_ir(Document(str(page), page.read_bytes()), settings), field)
        except PipelineError:
            got = None
        meta_hits.setdefault(field, []).append((got or "").replace(" ", "") == expected.replace(" ", ""))
    for field, hits in meta_hits.items():
        print(f"{'metadata ' + field:24s} n={len(hits):3d}  exact {sum(hits) / len(hits):.3f}")
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
