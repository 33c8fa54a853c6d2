"""Batch throughput: documents per second for a corpus batch, jobs=1 and jobs=2, and a peer.

Runs ``pipeline batch`` (the library call behind it, progress off) over the corpus HTML
pages N times per job count, into a fresh output folder each time, and prints the median
documents per second. In the same run it times trafilatura's ``extract`` on the same HTML
files (one process, the way it is usually called) and prints our rate as a ratio of its.
A batch's time includes starting its worker processes and writing every output; one
untimed warm-up run of each goes first.

``--new-characters`` gives each run (the warm-up too) a copy of the font cache without the
fonts converted for the characters of earlier documents (a CFF face's are converted per
character set) and without the converted glyphs (the glyph store): each run meets its pages'
characters for the first time, as the first batch a machine converts does, where a run over
the same pages again finds them converted. With ``--glyphs-known`` the copy keeps the glyph
store (filled by the untimed warm-up over the same pages): a batch of new pages on a machine
that has converted their characters' glyphs before, in earlier batches.

Not a test: numbers depend on the machine. Output formats are txt+xml by default
(``--formats xml,txt,docx,pdf`` to include the DOCX and PDF writers).

    python bench/batch_throughput.py [--corpus DIR] [--runs 5] [--jobs 1 2] [--formats txt,xml]
                                     [--all-inputs] [--no-peer] [--new-characters [--glyphs-known]]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from pipeline import fonts
from pipeline.batch.runner import BatchOptions, run_batch
from pipeline.batch.sources import DEFAULT_INCLUDE, Selector, iter_items
from pipeline.config import Settings

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "html"
HTML_GLOBS = ("*.html", "*.htm", "*.shtml", "*.xhtml")


def batch_rate(corpus: Path, selector: Selector, settings: Settings, jobs: int,
               scratch: Path | None = None, new_characters: bool = False,
               glyphs_known: bool = False) -> tuple[float, int, int, float]:
    """(docs/s, ok, failed, this process's CPU seconds) of one batch into a fresh folder in
    ``scratch`` (default: the system's temporary folder); with ``new_characters``, with a copy
    of the font cache that holds no font converted for a character set
    (``embeddable.truetype_subset``) and, unless ``glyphs_known``, no converted glyph
    (``embeddable.glyph_store``), made before the batch is timed."""
    with tempfile.TemporaryDirectory(prefix="batch-bench-", dir=scratch) as out:
        if new_characters:
            cache = Path(out) / "font-cache"
            dropped = ("ttf",) if glyphs_known else ("ttf", "glyphs")
            shutil.copytree(fonts.cache_dir(settings), cache, ignore=shutil.ignore_patterns(*dropped))
            settings = msgspec.structs.replace(settings, pdf=msgspec.structs.replace(settings.pdf, font_cache_dir=cache))
        options = BatchOptions(sources=[corpus], outdir=Path(out) / "out", formats=tuple(settings.formats),
                               jobs=jobs, selector=selector)
        start, cpu = time.perf_counter(), time.process_time()
        outcome = run_batch(options, settings)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return outcome.converted / elapsed, outcome.summary.ok, outcome.summary.failed, cpu


def peer_rate(pages: list[bytes]) -> float:
    import trafilatura

    start = time.perf_counter()
    for data in pages:
        trafilatura.extract(data)
    return len(pages) / (time.perf_counter() - start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of pages (default: the shared corpus html/)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement (median reported)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--formats", default="txt,xml", help="output formats, comma-separated")
    parser.add_argument("--all-inputs", action="store_true",
                        help="the batch's default inputs (adds .txt etc.); the peer still gets the HTML pages only")
    parser.add_argument("--no-peer", action="store_true", help="skip trafilatura")
    parser.add_argument("--new-characters", action="store_true",
                        help="each run with a font cache holding no font converted for earlier documents' characters")
    parser.add_argument("--glyphs-known", action="store_true",
                        help="with --new-characters: the cache keeps the glyphs converted before (the glyph store)")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus}: not a folder", file=sys.stderr)
        return 2

    settings = Settings(formats=tuple(f.strip() for f in args.formats.split(",") if f.strip()))
    selector = Selector(DEFAULT_INCLUDE if args.all_inputs else HTML_GLOBS)
    html = [item.document.data for item in iter_items([args.corpus], Selector(HTML_GLOBS)) if item.document]
    count = sum(1 for _ in iter_items([args.corpus], selector, count_only=True))
    print(f"corpus: {args.corpus} ({count} documents in the batch, {len(html)} HTML pages for the peer)")
    print(f"formats: {','.join(settings.formats)}; {args.runs} timed runs each, median"
          + ("; each run meets its pages' character sets for the first time" if args.new_characters else "")
          + (", their glyphs converted in earlier batches" if args.new_characters and args.glyphs_known
             else ", and their glyphs" if args.new_characters else ""))

    ours: dict[int, float] = {}
    for jobs in args.jobs:
        batch_rate(args.corpus, selector, settings, jobs)  # warm-up (and the machine's font caches filled)
        runs = [batch_rate(args.corpus, selector, settings, jobs, new_characters=args.new_characters,
                           glyphs_known=args.glyphs_known) for _ in range(args.runs)]
        ours[jobs] = statistics.median(r[0] for r in runs)
        _, ok, failed, _cpu = runs[-1]
        print(f"pipeline batch --jobs {jobs}: {ours[jobs]:7.1f} docs/s  (ok {ok}, failed {failed}; "
              f"runs: {', '.join(f'{r[0]:.1f}' for r in runs)})")

    if not args.no_peer:
        try:
            peer_rate(html[:5])  # warm-up (imports, first-call caches)
        except ImportError:
            print("trafilatura is not installed (pip install 'pipeline[bench]'); no peer figures")
            return 0
        runs = [peer_rate(html) for _ in range(args.runs)]
        peer = statistics.median(runs)
        print(f"trafilatura.extract, 1 process: {peer:7.1f} docs/s  (runs: {', '.join(f'{r:.1f}' for r in runs)})")
        for jobs, rate in ours.items():
            print(f"ratio pipeline jobs={jobs} / trafilatura: {rate / peer:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
