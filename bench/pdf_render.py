"""Writer speed (PDF by default, any format with ``--format``): milliseconds per document, warm,
on the reference page and a few corpus pages.

Builds the IR of each page once (not timed), renders each one untimed to load the fonts and
warm the caches, then times the writer's ``render`` ``--runs`` times per page and
prints the median per page and the sum of the medians. The pages are the test suite's
reference page and corpus samples (``tests/data/corpus``), so no shared corpus is needed.

``--against KEY=VALUE`` times a second setting in the same process, alternating the two
renders run by run, and prints both medians and their ratio (first / second): on a busy
machine this is the fair comparison (e.g. ``--against pdf.archival=false`` is the cost of
PDF/A, since ``archival: false`` writes the bytes the writer wrote before PDF/A existed).
``--cpu`` measures the process's CPU time instead of the wall clock. ``--new-characters`` times
each render as a page whose character sets no earlier one had: a CFF face's font converted for
them (``embeddable.truetype_subset``; every role with ``--set 'pdf.font_dirs=[]'``, a bare install)
is built and read again, its glyphs already converted (a copy of the font cache is used). ``--threads N`` then
renders all the pages twice over, serially and by a pool of N threads, alternating, and
prints both wall times (the bytes must be the same): what a threaded worker gains.

Not a test: numbers depend on the machine. Compare two states of the code in the same
session (run this script with each on PYTHONPATH), or two settings with ``--against``:

    python bench/pdf_render.py [--runs 15] [--set pdf.tagged=true] [--against pdf.archival=false] [--cpu]
    python bench/pdf_render.py --runs 5 --threads 2
    python bench/pdf_render.py --format docx
    python bench/pdf_render.py --cpu --set 'pdf.font_dirs=[]' --new-characters
    python bench/pdf_render.py --cpu --phases

``--phases`` instead splits the PDF writer's time on the reference page into its phases (medians
over ``--runs`` renders): laying out (the IR visited, its lines broken and placed on the grid),
platypus and drawing (the pages filled, the lines drawn), serializing (the objects formatted,
the font subsets built) without deflating, deflating the streams, and PDF/A's finish.
"""
from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import msgspec
import yaml

from pipeline import fonts
from pipeline.config import Settings, validate
from pipeline.convert import build_ir
from pipeline.load import Document
from pipeline.writers import get_writer, pdf, pdffonts, pdfobjects

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"
PAGES = (
    "text/seed_luohu_2023.txt",  # the reference page
    "text/17_changchun_tyj_2023_xxgk_ndbg_table.txt",  # tables
    "text/gzbg_2026_zhejiang.txt",  # long
    "html/nfra_merged_cells.html",  # merged cells
    "html/wanzai_2015_tjgb.html",  # statistics tables
    "html/govcn_2019-02_001.html",
)


def settings_from(assignments: list[str]) -> Settings:
    """Settings with ``section.key=value`` assignments (values read as YAML) applied."""
    data: dict = {}
    for item in assignments:
        key, _, value = item.partition("=")
        *path, last = key.split(".")
        node = data
        for part in path:
            node = node.setdefault(part, {})
        node[last] = yaml.safe_load(value)
    return validate(data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed renders per page (median reported)")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting, e.g. pdf.tagged=true (repeatable)")
    parser.add_argument("--against", action="append", default=[], metavar="KEY=VALUE",
                        help="time these settings too (on top of --set), alternating with the first")
    parser.add_argument("--cpu", action="store_true", help="process CPU time instead of the wall clock")
    parser.add_argument("--threads", type=int, default=0, metavar="N",
                        help="also time all pages rendered serially against a pool of N threads")
    parser.add_argument("--format", default="pdf", help="the writer to time (default: pdf)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder holding the pages (default: tests/data/corpus)")
    parser.add_argument("--new-characters", action="store_true",
                        help="each render builds and reads the fonts converted for its character sets again")
    parser.add_argument("--phases", action="store_true",
                        help="the PDF writer's time on the reference page split into its phases")
    args = parser.parse_args(argv)
    clock = time.process_time if args.cpu else time.perf_counter
    if args.phases:
        return phases(settings_from(args.assignments), args.runs, clock)
    render = get_writer(args.format)
    variants = [settings_from(args.assignments)]
    if args.against:
        variants.append(settings_from(args.assignments + args.against))
    cache = None
    if args.new_characters:
        folder = tempfile.TemporaryDirectory(prefix="pdf-render-bench-")
        cache = Path(folder.name) / "font-cache"
        shutil.copytree(fonts.cache_dir(variants[0]), cache, ignore=shutil.ignore_patterns("ttf"))
        variants = [msgspec.structs.replace(v, pdf=msgspec.structs.replace(v.pdf, font_cache_dir=cache))
                    for v in variants]

    def forget() -> None:
        """With --new-characters: the fonts converted for character sets, and the faces read of
        them (kept by file), forgotten before a timed render."""
        if cache is not None:
            shutil.rmtree(cache / "ttf", ignore_errors=True)
            pdffonts._subset_faces.clear()
    trees = []
    for name in PAGES:
        path = args.corpus / name
        trees.append((path.name, build_ir(Document(str(path), path.read_bytes()), variants[0])))
    pages = {}
    for name, tree in trees:  # warm: fonts loaded, caches filled
        for settings in variants:
            data = render(tree, settings)
        pages[name] = data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page/")
    labels = ["median ms"] + ([f"{' '.join(args.against)} ms", "ratio"] if args.against else [])
    print(f"{'page':<44} {'pages':>5} " + " ".join(f"{label:>12}" for label in labels))
    totals = [0.0] * len(variants)
    for name, tree in trees:
        times: list[list[float]] = [[] for _ in variants]
        for _ in range(args.runs):
            for i, settings in enumerate(variants):
                forget()
                start = clock()
                render(tree, settings)
                times[i].append((clock() - start) * 1000)
        medians = [statistics.median(t) for t in times]
        totals = [a + b for a, b in zip(totals, medians)]
        cells = [f"{m:>12.1f}" for m in medians] + ([f"{medians[0] / medians[1]:>12.3f}"] if args.against else [])
        print(f"{name:<44} {pages[name]:>5} " + " ".join(cells))
    cells = [f"{t:>12.1f}" for t in totals] + ([f"{totals[0] / totals[1]:>12.3f}"] if args.against else [])
    print(f"{'sum of medians':<44} {'':>5} " + " ".join(cells))
    if args.threads:
        threaded(render, [tree for _name, tree in trees] * 2, variants[0], args.runs, args.threads)
    return 0


def phases(settings, runs: int, clock) -> int:
    """The PDF writer's phases on the reference page: medians in ms over ``runs`` renders."""
    from reportlab.pdfbase.pdfdoc import PDFDocument

    from pipeline.writers import pdfa

    path = CORPUS / PAGES[0]
    tree = build_ir(Document(str(path), path.read_bytes()), settings)
    spent: dict[str, float] = {}

    def timing(function, phase: str):
        def timed(*args, **kwargs):
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[phase] = spent.get(phase, 0.0) + clock() - start
        return timed

    deflater = pdfobjects.deflater
    patches = (
        (pdf.PdfWriter, "visit_report", timing(pdf.PdfWriter.visit_report, "laying out")),
        (PDFDocument, "GetPDFData", timing(PDFDocument.GetPDFData, "serializing")),
        (pdfa, "identified", timing(pdfa.identified, "PDF/A finish")),
        (pdfobjects, "deflater", lambda *args: timing(deflater(*args), "deflating")),  # the function a render is given
    )
    rows: dict[str, list[float]] = {}
    with contextlib.ExitStack() as stack:
        for owner, name, replacement in patches:
            stack.enter_context(_patched(owner, name, replacement))
        pdf.render(tree, settings)  # warm
        for _ in range(runs):
            spent.clear()
            start = clock()
            pdf.render(tree, settings)
            total = clock() - start
            spent["serializing"] -= spent.get("deflating", 0.0)  # deflating happens while serializing
            spent["platypus and drawing"] = total - sum(spent.values())
            spent["all"] = total
            for phase, seconds in spent.items():
                rows.setdefault(phase, []).append(seconds * 1000)
    print(f"the PDF writer on {path.name}, median ms over {runs} renders")
    for phase in ("laying out", "platypus and drawing", "serializing", "deflating", "PDF/A finish", "all"):
        print(f"  {phase:<24} {statistics.median(rows.get(phase, [0.0])):>7.2f}")
    return 0


@contextlib.contextmanager
def _patched(owner, name: str, replacement):
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    try:
        yield
    finally:
        setattr(owner, name, original)


def threaded(render, trees: list, settings, runs: int, threads: int) -> None:
    """Wall time of rendering ``trees`` one after another and by ``threads`` threads at once
    (medians over ``runs`` rounds, alternating); the bytes must be the same."""
    serial, pooled = [], []
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(runs):
            start = time.perf_counter()
            one = [render(tree, settings) for tree in trees]
            serial.append(time.perf_counter() - start)
            start = time.perf_counter()
            many = list(pool.map(lambda tree: render(tree, settings), trees))
            pooled.append(time.perf_counter() - start)
            if one != many:
                raise SystemExit("threaded renders differ from serial ones")
    first, second = statistics.median(serial) * 1000, statistics.median(pooled) * 1000
    print(f"{len(trees)} renders: serial {first:.0f} ms, {threads} threads {second:.0f} ms, ratio {first / second:.2f}")


if __name__ == "__main__":
    sys.exit(main())
