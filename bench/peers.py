"""Against peers: batch throughput beside pandoc and LibreOffice, memory, time against length.

Every measurement starts from one page the size of the reference report: the text of
``tests/data/corpus/text/seed_luohu_2023.txt`` (the reference page) set into a real page of
the same platform family, the Shenzhen government template of
``tests/data/corpus/html/lytwtl.sz.gov.cn.html`` (its head metadata, headline, date line and
``TRS_Editor`` body replaced; its navigation, scripts, share widget and footer kept). Both files
are in the repository, so only ``length`` needs the shared corpus (``../shared/corpus``):
its documents are the reference page as stored (the text scrape, its chrome kept) with the
body followed by whole sections of the corpus's 2026 provincial 政府工作报告
(``text/provincial_gzbg_2026``) up to N × the reference's length, the top-level headings
renumbered 一、 二、 … through the whole. Repeating the reference's own sections does not make
a longer document (the clean stage drops a repeated run of paragraphs, as it drops a page's
print copy); nor does the HTML template (its content choice keeps the run of one report, and
several reports one after another are not one).

Five subcommands, each printing a table (medians where there are runs):

``throughput``
    ``--pages`` (200) copies of that page (each copy's bytes differ by a comment, so no two
    inputs hash alike), converted to all four formats (xml, txt, docx, pdf) by
    ``run_batch`` with ``--jobs`` 2 (``batch_throughput.batch_rate``: the time includes
    starting the workers and writing every output), and for context to DOCX alone and PDF
    alone. In the same run, alternating run by run, the peers convert the same HTML files:
    pandoc ``-f html -t docx`` (one process per page, as pandoc is used; two at a time for
    jobs 2), and LibreOffice ``soffice --headless --convert-to pdf`` (HTML opens in
    Writer/Web and is written by ``writer_web_pdf_Export``). LibreOffice gets a whole list
    of files per invocation, so it pays its start-up once per run rather than 200 times,
    and one instance per user profile, so jobs 2 is two instances, each with its own
    profile and half the list. One untimed warm-up of each tool goes first (it also makes
    the LibreOffice profiles). Prints docs/s per run, the medians, and our all-formats rate
    as a ratio of pandoc's DOCX-only rate and LibreOffice's PDF-only rate, then what the
    ratio goals (5× pandoc, 10× LibreOffice) need of a worker: its milliseconds a document.
    Inputs and every tool's outputs go in ``--scratch`` (default ``bench/scratch``, on the
    project's disk as a user's batch writes; ``--scratch /tmp`` for the system's folder).
    ``--distinct-headings`` gives each copy top-level headings drawn from those of the
    corpus's 2026 provincial 政府工作报告 (193 of 200 copies with a pair of their own), as an
    archive's reports differ: a font converted for one copy's characters is then not the next
    one's, as it is for identical copies; each batch gets a copy of the font cache without the
    fonts converted for character sets and without the converted glyphs
    (``batch_throughput.py --new-characters``), so the warm-up's are not found (needs the
    shared corpus, ``--corpus``); ``--glyphs-known`` keeps the glyphs (a machine that has
    converted those characters before, in earlier batches).

``memory``
    ``--documents`` (10,000) copies through ``pipeline batch`` (the command, in its own
    process) with all four formats and ``--jobs`` 2, sampling every ``--interval`` seconds
    the resident memory (RSS) of the batch process, the forkserver and each worker (psutil
    when installed, else ``/proc``), against the number of documents written. Prints the
    RSS at each tenth of the batch (1k … 10k), the peak worker RSS in the tenth before,
    each worker's RSS early and late in its life (workers are replaced every 500 documents,
    which would hide a leak across documents), and the growth from the first tenth to the
    end. ``--worker-life N`` instead converts N documents in one process as a worker does,
    never replaced, and prints its RSS every tenth: whether a worker's memory levels off;
    ``--corpus-pages`` makes them the shared corpus's pages in turn, each with characters of
    its own (with ``--set 'pdf.font_dirs=[]'`` every role in the packaged CFF faces, whose
    glyphs are converted per character set).

``length``
    One document at ``--scales`` (1 10 100) times the reference length, in this process,
    warm: the median CPU seconds (``--wall``: wall clock; CPU time is what a busy shared
    machine changes least) of building the IR (read, clean, transforms) and of each
    writer (xml, txt, docx, pdf; the PDF's with the missing-glyph check ``convert`` runs
    for it) over ``--runs``, and each one's ratio to 1×, beside the ratio of the text
    lengths (a ratio equal to the length ratio is linear). ``--unbroken`` instead lengthens
    the reference with one paragraph of one letter, (scale − 1) × its length, with no break
    in it (a blob pasted into a text scrape): the line breaker cuts it line by line.
    ``--long-table`` lengthens it with one table of three columns (``|`` rows, as a text scrape
    holds a table) whose rows hold (scale − 1) × its length: the PDF's pages of table rows.

``ir``
    The IR of that page (``build_ir``: read, clean, transforms), in this process, warm: the
    median CPU milliseconds of a build over ``--runs`` (200), then of each clean pass and the
    transforms (timed in builds of their own, the clock read around each). ``--instructions``
    instead counts the instructions of ``--runs`` (20) builds under valgrind's callgrind: a
    process building the IR ``--runs`` + 1 times less one building it once (start-up and the
    warm build cancel), ``PYTHONHASHSEED`` fixed; the same count for the same code whatever else
    the machine is doing. ``--corpus-pages`` instead builds the IR of every page of the shared
    corpus (HTML and text) ``--runs`` (3) times after a warm-up round: the mean CPU ms a page,
    each page's least, by kind, and the slowest pages.

``profile``
    Where a worker's time goes: cProfile of ``convert_document`` (what a worker runs per
    document) on the reference page, ``--documents`` times, warm; the top functions.
    ``--instructions`` instead counts the instructions of ``--documents`` (10) conversions
    under callgrind, as ``ir --instructions`` counts builds (the warm-up's objects frozen, as a
    worker freezes them): what a document costs whatever else the machine is doing.

Not a test: numbers depend on the machine, and the peers run beside us on the same cores.

    apt-get install pandoc libreoffice-writer-nogui  # the peers (Debian/Ubuntu)
    pip install psutil                               # optional: memory reads /proc without it
    python bench/peers.py throughput [--pages 200] [--runs 3] [--jobs 2] [--no-peers] [--set KEY=VALUE]
                                     [--distinct-headings [--glyphs-known]] [--corpus ../shared/corpus]
    python bench/peers.py memory [--documents 10000] [--interval 0.5]
                                 [--worker-life 2000 [--corpus-pages] [--set KEY=VALUE]]
    python bench/peers.py length [--scales 1 10 100] [--runs 5] [--wall] [--corpus ../shared/corpus]
    python bench/peers.py ir [--runs 200] [--instructions]
    python bench/peers.py profile [--documents 20] [--sort tottime]
"""
from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import msgspec
from batch_throughput import HTML_GLOBS, batch_rate
from pdf_render import settings_from

from pipeline.batch.sources import Selector
from pipeline.config import Settings
from pipeline.numerals import int_to_cn

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "corpus" / "text" / "seed_luohu_2023.txt"
TEMPLATE = ROOT / "tests" / "data" / "corpus" / "html" / "lytwtl.sz.gov.cn.html"
ALL_FORMATS = ("xml", "txt", "docx", "pdf")
TOP_HEADING = re.compile(r"^([一二三四五六七八九十百]+)、")
SITE = "深圳市罗湖区人民政府"
DEFAULT_SHARED = ROOT.parent / "shared" / "corpus"
#: Where ``throughput`` writes: on the project's disk, where a user's batch writes its outputs.
#: The system's temporary folder may be another file system (tmpfs) with other costs; on one
#: machine, for a while, writing a document's four outputs there took 3-4 ms of system CPU
#: against 0.3-1.8 ms in other folders of the same ext4 file system (later 1-2 ms there too).
SCRATCH = ROOT / "bench" / "scratch"


# --- the pages ---------------------------------------------------------------------------


def reference_report() -> dict:
    """The reference page's title, source, date and body paragraphs (page chrome left out)."""
    lines = [line.strip() for line in REFERENCE.read_text(encoding="utf-8").splitlines()]
    title = next(line for line in lines if line.endswith("年度报告"))
    byline = next(line for line in lines if line.startswith("来源"))
    source = re.search(r"来源[:：]\s*(\S+)", byline).group(1)
    date = re.search(r"(\d{4}-\d{2}-\d{2})", byline).group(1)
    start = lines.index("扫一扫在手机上打开当前页") + 1
    end = lines.index("知识图谱")
    body = [line for line in lines[start:end] if line]
    return {"title": title, "source": source, "date": date, "body": body}


def scaled_body(body: list[str], scale: int, corpus: Path | None = None) -> list[str]:
    """The body at about ``scale`` × its length: the reference's paragraphs, then whole sections
    of the corpus's provincial 政府工作报告 (``text/provincial_gzbg_2026``, each from its first
    top-level heading on) until the text is ``scale`` times as long; top-level headings
    renumbered 一、 二、 … through the whole. Repeating the reference's own sections would not
    do: the clean stage drops a repeated run of paragraphs (a page's print copy) as it should."""
    need = scale * sum(len(line) for line in body)
    out = list(body)
    if scale > 1:
        folder = (corpus or DEFAULT_SHARED) / "text" / "provincial_gzbg_2026"
        files = sorted(folder.glob("*.txt"))
        if not files:
            raise SystemExit(f"{folder}: no provincial reports to lengthen the reference with (--corpus DIR)")
        have = sum(len(line) for line in out)
        for path in files:
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
            first = next((i for i, line in enumerate(lines) if TOP_HEADING.match(line)), None)
            for line in lines[first:] if first is not None else ():
                if line and have < need:
                    out.append(line)
                    have += len(line)
            if have >= need:
                break
        if have < need:
            raise SystemExit(f"{folder}: {have:,} characters in all, fewer than {scale}× the reference ({need:,})")
    number = 0
    for i, line in enumerate(out):
        if TOP_HEADING.match(line):
            number += 1
            out[i] = TOP_HEADING.sub(int_to_cn(number) + "、", line, count=1)
    return out


def reference_page(scale: int = 1, corpus: Path | None = None) -> str:
    """The reference report at ``scale`` × its length, as a page of the Shenzhen template."""
    report = reference_report()
    page = TEMPLATE.read_text(encoding="utf-8")
    old_title = re.search(r'<meta name="ArticleTitle" content="([^"]*)"', page).group(1)
    old_date = re.search(r'<meta name="PubDate" content="([^"]*)"', page).group(1)
    old_source = re.search(r'<meta name="ContentSource" content="([^"]*)"', page).group(1)
    title = html.escape(report["title"])
    for name in ("ColumnDescription", "ColumnKeywords"):  # they quote the old article
        page = re.sub(rf'<meta name="{name}" content="[^"]*">', f'<meta name="{name}" content="{title}">', page)
    page = re.sub(r"<title>[^<]*</title>", f"<title>{title}-{SITE}</title>", page)
    page = re.sub(r'<meta name="SiteName" content="[^"]*">', f'<meta name="SiteName" content="{SITE}">', page)
    page = page.replace(old_title, title).replace(old_date, report["date"]).replace(old_source, report["source"])
    paragraphs = "".join(f'<p style="text-align: left;">\u3000\u3000{html.escape(line)}</p>'
                         for line in scaled_body(report["body"], scale, corpus))
    page, count = re.subn(r'(<div class="TRS_Editor">).*?(</div>)', lambda m: m.group(1) + paragraphs + m.group(2),
                          page, count=1, flags=re.S)
    assert count == 1, "the template's TRS_Editor body was not found"
    return page


def reference_text(scale: int = 1, corpus: Path | None = None) -> str:
    """The reference page as it is stored (a text scrape, page chrome above and below) with its
    body at ``scale`` × its length (``scaled_body``)."""
    text = REFERENCE.read_text(encoding="utf-8")
    head = text.index("扫一扫在手机上打开当前页") + len("扫一扫在手机上打开当前页")
    tail = text.index("知识图谱")
    body = scaled_body(reference_report()["body"], scale, corpus)
    return text[:head] + "\n\n" + "\n\n".join("  " + line for line in body) + "\n\n" + text[tail:]


def write_copies(folder: Path, count: int, page: str, headings: list[str] | None = None) -> list[Path]:
    """``count`` copies of ``page``, each with its number in a comment (distinct bytes); with
    ``headings`` (top-level heading texts, ``report_headings``), each copy's top-level headings
    are drawn from them (a random choice seeded by the copy's number: the same copies every
    run, nearly every one with headings of its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    width = len(str(count))
    paths = []
    for i in range(1, count + 1):
        copy = page.replace("</html>", f"<!-- copy {i} --></html>", 1) if i > 1 else page
        if headings:
            drawn = iter(random.Random(i).sample(headings, len(PAGE_TOP_HEADING.findall(copy))))
            copy = PAGE_TOP_HEADING.sub(lambda m: m.group(1) + html.escape(next(drawn)), copy)
        path = folder / f"report_{i:0{width}d}.html"
        path.write_text(copy, encoding="utf-8")
        paths.append(path)
    return paths


#: A top-level heading's paragraph in ``reference_page``: its number, then its text.
PAGE_TOP_HEADING = re.compile(r"(<p [^>]*>\u3000\u3000[一二三四五六七八九十百]+、)([^<]*)")


def report_headings(corpus: Path) -> list[str]:
    """The texts of the top-level headings (after 一、, at most 40 characters) of the corpus's
    2026 provincial 政府工作报告, each once, in the order the reports give them."""
    folder = corpus / "text" / "provincial_gzbg_2026"
    found: dict[str, None] = {}
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if TOP_HEADING.match(line) and len(line) <= 40:
                found.setdefault(TOP_HEADING.sub("", line))
    if not found:
        raise SystemExit(f"{folder}: no provincial reports to take headings from (--corpus DIR)")
    return list(found)


# --- throughput --------------------------------------------------------------------------


def pandoc_rate(files: list[Path], outdir: Path, parallel: int) -> float:
    """docs/s of pandoc -f html -t docx, one process per file, ``parallel`` at a time."""
    outdir.mkdir(parents=True, exist_ok=True)

    def one(path: Path) -> None:
        subprocess.run(["pandoc", "-f", "html", "-t", "docx", "--quiet", "-o", str(outdir / (path.stem + ".docx")),
                        str(path)], check=True, stdin=subprocess.DEVNULL)

    start = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, files))
    elapsed = time.perf_counter() - start
    made = sum(1 for p in outdir.glob("*.docx") if p.stat().st_size > 0)
    if made != len(files):
        raise RuntimeError(f"pandoc wrote {made} of {len(files)} DOCX files")
    return len(files) / elapsed


def soffice_rate(files: list[Path], outdir: Path, profiles: list[Path]) -> float:
    """docs/s of LibreOffice converting ``files`` to PDF: one instance per profile, each given
    its share of the list in one invocation."""
    outdir.mkdir(parents=True, exist_ok=True)
    shares = [files[i::len(profiles)] for i in range(len(profiles))]
    start = time.perf_counter()
    procs = [subprocess.Popen(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, share)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for profile, share in zip(profiles, shares) if share]
    for proc in procs:
        proc.wait()
    elapsed = time.perf_counter() - start
    made = sum(1 for p in outdir.glob("*.pdf") if p.stat().st_size > 0)
    if made != len(files):
        raise RuntimeError(f"LibreOffice wrote {made} of {len(files)} PDF files")
    return len(files) / elapsed


def cmd_throughput(args) -> int:
    peers = [] if args.no_peers else [name for name in ("pandoc", "soffice") if shutil.which(name)]
    if not args.no_peers and len(peers) < 2:
        print("pandoc and LibreOffice (soffice) are the peers: apt-get install pandoc libreoffice-writer-nogui; "
              "missing ones are left out", file=sys.stderr)
    page = reference_page(1)
    selector = Selector(HTML_GLOBS)
    ours = {"xml,txt,docx,pdf": ALL_FORMATS, "docx": ("docx",), "pdf": ("pdf",)}
    args.scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="peers-bench-", dir=args.scratch) as tmp:
        tmp = Path(tmp)
        headings = report_headings(args.corpus) if args.distinct_headings else None
        files = write_copies(tmp / "in", args.pages, page, headings)
        profiles = [tmp / f"lo-profile-{i}" for i in range(args.jobs)]
        if headings:
            print(f"each copy's top-level headings drawn from the {len(headings)} of the corpus's provincial reports")
        print(f"{args.pages} copies of the reference report as a Shenzhen template page "
              f"({len(page.encode()):,} bytes, {sum(len(p) for p in reference_report()['body']):,} body characters); "
              f"--jobs {args.jobs}; {args.runs} timed runs after one warm-up, alternating; median; "
              f"inputs and outputs in {args.scratch}")
        rates: dict[str, list[float]] = {}
        parent_cpu: dict[str, list[float]] = {}  # the batch process's own CPU seconds per document

        def one_round(timed: bool) -> None:
            for label, formats in ours.items():
                settings = settings_from([*args.assignments, f"formats=[{','.join(formats)}]"])
                rate, _ok, _failed, cpu = batch_rate(tmp / "in", selector, settings, args.jobs, scratch=tmp,
                                                     new_characters=args.distinct_headings,
                                                     glyphs_known=args.glyphs_known)
                if timed:
                    rates.setdefault(f"pipeline {label}", []).append(rate)
                    parent_cpu.setdefault(f"pipeline {label}", []).append(cpu / args.pages)
            if "pandoc" in peers:
                out = Path(tempfile.mkdtemp(dir=tmp))
                rate = pandoc_rate(files, out, args.jobs)
                shutil.rmtree(out)
                if timed:
                    rates.setdefault("pandoc docx", []).append(rate)
            if "soffice" in peers:
                out = Path(tempfile.mkdtemp(dir=tmp))
                rate = soffice_rate(files if timed else files[: 2 * args.jobs], out, profiles)
                shutil.rmtree(out)
                if timed:
                    rates.setdefault("LibreOffice pdf", []).append(rate)

        one_round(timed=False)
        loads = []
        for _ in range(args.runs):
            loads.append(os.getloadavg()[0])
            one_round(timed=True)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    how = {
        "pipeline xml,txt,docx,pdf": f"run_batch, jobs {args.jobs}, four formats",
        "pipeline docx": f"run_batch, jobs {args.jobs}, DOCX only",
        "pipeline pdf": f"run_batch, jobs {args.jobs}, PDF only",
        "pandoc docx": f"pandoc -f html -t docx, {args.jobs} at a time",
        "LibreOffice pdf": f"soffice --convert-to pdf, {args.jobs} instances, one list each",
    }
    print()
    print(f"{'tool':<26} {'how':<48} {'median docs/s':>13}  runs")
    for name, values in rates.items():
        print(f"{name:<26} {how[name]:<48} {medians[name]:>13.1f}  {', '.join(f'{v:.1f}' for v in values)}")
    for name, values in parent_cpu.items():
        print(f"{name}: the batch's parent process used {1000 * statistics.median(values):.1f} ms CPU per document "
              "(reading, hashing, the manifest and reports; the workers write the outputs)")
    all4 = medians["pipeline xml,txt,docx,pdf"]
    print(f"load average (1 min) before each timed round: {', '.join(f'{x:.1f}' for x in loads)} "
          f"on {os.cpu_count()} CPUs")
    print()
    print(f"{'target':<44} {'measured':>10} {'goal':>8}")
    print(f"{'pipeline, four formats, docs/s':<44} {all4:>10.1f} {'≥ 55':>8}")
    if "pandoc docx" in medians:
        print(f"{'÷ pandoc DOCX only':<44} {all4 / medians['pandoc docx']:>9.2f}× {'≥ 5×':>8}")
    if "LibreOffice pdf" in medians:
        print(f"{'÷ LibreOffice PDF only':<44} {all4 / medians['LibreOffice pdf']:>9.2f}× {'≥ 10×':>8}")
    if "pandoc docx" in medians:
        print(f"{'(pipeline DOCX only ÷ pandoc DOCX only)':<44} {medians['pipeline docx'] / medians['pandoc docx']:>9.2f}×")
    if "LibreOffice pdf" in medians:
        print(f"{'(pipeline PDF only ÷ LibreOffice PDF only)':<44} "
              f"{medians['pipeline pdf'] / medians['LibreOffice pdf']:>9.2f}×")
    needs = [(f"{times}× {name}", times * medians[key]) for times, name, key in
             ((5, "pandoc", "pandoc docx"), (10, "LibreOffice", "LibreOffice pdf")) if key in medians]
    if needs:
        print()
        print(f"what a ratio needs: a worker's milliseconds a document ({args.jobs} workers), "
              f"against {1000 * args.jobs / all4:.1f} now")
        for goal, rate in needs:
            print(f"  {goal:<20} {rate:>6.1f} docs/s  {1000 * args.jobs / rate:>6.1f} ms")
    return 0


# --- memory ------------------------------------------------------------------------------


class ProcTable:
    """RSS and children of processes: psutil when installed, else /proc."""

    def __init__(self):
        try:
            import psutil
        except ImportError:
            psutil = None
        self.psutil = psutil
        self.source = "psutil" if psutil else "/proc"
        self.page = os.sysconf("SC_PAGE_SIZE")

    def rss(self, pid: int) -> int | None:
        try:
            if self.psutil:
                return self.psutil.Process(pid).memory_info().rss
            with open(f"/proc/{pid}/statm") as f:
                return int(f.read().split()[1]) * self.page
        except Exception:
            return None

    def children(self, pid: int) -> list[int]:
        try:
            if self.psutil:
                return [c.pid for c in self.psutil.Process(pid).children()]
            kids = []
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    kids += [int(x) for x in f.read().split()]
            return kids
        except Exception:
            return []

    def cmdline(self, pid: int) -> str:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return ""


def count_written(folder: Path) -> int:
    """Documents written: PDFs in the output folder (the parent writes a document's PDF with
    its other outputs, after the worker hands them back)."""
    try:
        with os.scandir(folder) as entries:
            return sum(1 for e in entries if e.name.endswith(".pdf"))
    except FileNotFoundError:
        return 0


def worker_life(procs: ProcTable, documents: int, settings: Settings, corpus: Path | None = None) -> int:
    """One process converting the page ``documents`` times as a worker does (``convert_document``),
    with no replacement: its RSS every tenth of the way. With ``corpus``, the documents are the
    corpus's HTML and text pages in turn instead (each with characters of its own)."""
    from pipeline.batch.sources import iter_items
    from pipeline.batch.worker import convert_document
    from pipeline.load import Document

    settings = msgspec.structs.replace(settings, formats=ALL_FORMATS)
    if corpus is None:
        pages = [Document("report.html", reference_page(1).encode("utf-8"))]
        what = "the reference page"
    else:
        pages = [item.document for item in iter_items([corpus], Selector((*HTML_GLOBS, "*.txt")))
                 if item.document]
        what = f"the {len(pages)} HTML and text pages of {corpus} in turn"
    mb = 1024 * 1024
    print(f"convert_document × {documents} in one process (a worker never replaced), four formats, "
          f"{what}; RSS from {procs.source}")
    print(f"{'documents':>9} {'RSS MB':>8}")
    step = max(1, documents // 10)
    start = procs.rss(os.getpid())
    print(f"{0:>9} {start / mb:>8.1f}")
    failed = 0
    for i in range(1, documents + 1):
        page = pages[(i - 1) % len(pages)]
        outcome = convert_document(Document(f"{i}_{page.name}", page.data), settings, ALL_FORMATS)
        if outcome["status"] != "ok":
            if corpus is None:
                raise SystemExit(f"document {i}: {outcome.get('error')}")
            failed += 1
        if i % step == 0:
            print(f"{i:>9} {procs.rss(os.getpid()) / mb:>8.1f}")
    if failed:
        print(f"({failed} documents failed, as the corpus's unconvertible pages do)")
    return 0


def cmd_memory(args) -> int:
    procs = ProcTable()
    if args.worker_life:
        return worker_life(procs, args.worker_life, settings_from(args.assignments),
                           args.corpus if args.corpus_pages else None)
    page = reference_page(1)
    mb = 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="peers-memory-") as tmp:
        tmp = Path(tmp)
        write_copies(tmp / "in", args.documents, page)
        out = tmp / "out"
        command = [sys.executable, "-m", "pipeline", "batch", str(tmp / "in"), "-o", str(out),
                   "-f", ",".join(ALL_FORMATS), "--jobs", str(args.jobs), "--progress", "off", "-q"]
        print(f"{args.documents} copies of the reference report page; "
              f"pipeline batch -f {','.join(ALL_FORMATS)} --jobs {args.jobs}; RSS from {procs.source} "
              f"every {args.interval:g} s")
        samples = []  # (seconds, written, parent, forkserver, {worker pid: rss})
        start = time.perf_counter()
        batch = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        while batch.poll() is None:
            parent = procs.rss(batch.pid)
            forkserver, workers = None, {}
            for child in procs.children(batch.pid):
                if "forkserver" in procs.cmdline(child):
                    forkserver = procs.rss(child)
                    for worker in procs.children(child):
                        rss = procs.rss(worker)
                        if rss:
                            workers[worker] = rss
            samples.append((time.perf_counter() - start, count_written(out), parent, forkserver, workers))
            time.sleep(args.interval)
        elapsed = time.perf_counter() - start
        written = count_written(out)
    if batch.returncode != 0:
        print(f"pipeline batch exited {batch.returncode}", file=sys.stderr)
    print(f"{written} documents written in {elapsed:.0f} s ({written / elapsed:.1f} docs/s), "
          f"{len(samples)} samples, exit code {batch.returncode}")

    def fmt(value) -> str:
        return f"{value / mb:8.1f}" if value else f"{'-':>8}"

    step = max(1, args.documents // 10)
    checkpoints = [step * k for k in range(1, 11) if step * k <= args.documents]
    print()
    print(f"{'documents':>9} {'written':>8} {'seconds':>8} {'parent':>8} {'forkserv':>8} {'workers':>8} {'worker':>8} {'peak':>8}")
    print(f"{'':>9} {'(sample)':>8} {'':>8} {'MB':>8} {'MB':>8} {'sum MB':>8} {'max MB':>8} {'worker':>8}")
    rows = []
    for checkpoint in checkpoints:
        at = next((s for s in samples if s[1] >= checkpoint and s[4]), None)
        if at is None and checkpoint == checkpoints[-1] and samples:
            # the batch ended before a sample saw its last document: its last sample with workers
            at = next((s for s in reversed(samples) if s[4]), None)
        if at is None:
            continue
        window = [s for s in samples if checkpoint - step < s[1] <= checkpoint and s[4]]
        peak = max((max(s[4].values()) for s in window), default=None)
        rows.append((checkpoint, at, peak))
        workers = at[4]
        print(f"{checkpoint:>9} {at[1]:>8} {at[0]:>8.0f} {fmt(at[2])} {fmt(at[3])} {fmt(sum(workers.values()) if workers else None)} "
              f"{fmt(max(workers.values()) if workers else None)} {fmt(peak)}")

    lives: dict[int, list[int]] = {}
    for s in samples:
        for pid, rss in s[4].items():
            lives.setdefault(pid, []).append(rss)
    full = [v for v in lives.values() if len(v) >= 8]
    if full:
        quarter = lambda v, k: statistics.median(v[k * len(v) // 4:(k + 1) * len(v) // 4])  # noqa: E731
        print()
        print(f"workers seen: {len(lives)} (each serves 500 documents, then is replaced); per worker, the median "
              f"of its samples in the first and the last quarter of its life, then its peak; median over the "
              f"{len(full)} workers with 8 samples or more:")
        print(f"  first quarter {statistics.median(quarter(v, 0) for v in full) / mb:.1f} MB, "
              f"last quarter {statistics.median(quarter(v, 3) for v in full) / mb:.1f} MB, "
              f"peak {statistics.median(max(v) for v in full) / mb:.1f} MB")
    if len(rows) >= 2:
        (_, first, first_peak), (_, last, last_peak) = rows[0], rows[-1]
        print()
        for label, a, b in (("parent", first[2], last[2]), ("peak worker", first_peak, last_peak)):
            if a and b:
                print(f"{label}: {a / mb:.1f} MB at {rows[0][0]} documents → {b / mb:.1f} MB at {rows[-1][0]} "
                      f"({(b - a) / mb:+.1f} MB, {100 * (b - a) / a:+.1f}%)")
        tail = [s for s in samples if s[1] >= rows[0][0] and s[2] and s[4]]
        if len(tail) >= 3:
            xs, ys = [s[1] for s in tail], [s[2] / mb for s in tail]
            mx, my = statistics.fmean(xs), statistics.fmean(ys)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sum((x - mx) ** 2 for x in xs) or 1)
            print(f"parent RSS trend after {rows[0][0]} documents (least squares): {slope * 1000:+.2f} MB per 1,000 documents")
    return 0 if batch.returncode == 0 else 1


# --- length ------------------------------------------------------------------------------


def table_rows(chars: int) -> str:
    """A table of three columns as a text scrape holds one (``|`` rows), about ``chars``
    characters of cell text: a header row, then numbered rows."""
    rows = ["| 序号 | 项目名称 | 完成情况 |"]
    held, number = 0, 0
    while held < chars:
        number += 1
        cells = (str(number), f"第{number}项重点工作任务", f"已完成，完成率{number % 100}%")
        rows.append("| " + " | ".join(cells) + " |")
        held += sum(map(len, cells))
    return "\n".join(rows)


def cmd_length(args) -> int:
    from pipeline.convert import build_ir, missing_glyphs
    from pipeline.environment import settings_environment
    from pipeline.load import Document
    from pipeline.writers import get_writer

    settings = Settings(formats=ALL_FORMATS)
    writers = {fmt: get_writer(fmt) for fmt in ALL_FORMATS}
    stages = ("IR",) + ALL_FORMATS

    clock = time.perf_counter if args.wall else time.process_time

    def measure(data: bytes) -> tuple[dict[str, float], int, int]:
        times = {}
        start = clock()
        tree = build_ir(Document("report.txt", data), settings)
        times["IR"] = clock() - start
        outputs = {}
        for fmt, render in writers.items():  # as pipeline.convert.convert runs them
            start = clock()
            if fmt == "pdf":
                missing_glyphs(tree, settings)
            with settings_environment(settings):
                outputs[fmt] = render(tree, settings)
            times[fmt] = clock() - start
        pdf = outputs["pdf"]
        pages = pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/")
        return times, len(outputs["txt"].decode("utf-8")), pages

    measure(reference_text(1).encode("utf-8"))  # warm: fonts loaded, caches filled
    results = []
    for scale in args.scales:
        if args.unbroken:  # the reference, then one paragraph of one letter, (scale - 1) × its length
            text = reference_text(1)
            data = (text + "\n\n" + "y" * (len(text) * (scale - 1)) + "\n").encode("utf-8")
        elif args.long_table:  # the reference, then a table whose rows hold (scale - 1) × its length
            text = reference_text(1)
            data = (text + "\n\n" + table_rows(len(text) * (scale - 1)) + "\n").encode("utf-8")
        else:
            data = reference_text(scale, args.corpus).encode("utf-8")
        runs = [measure(data) for _ in range(args.runs if scale < 100 else max(1, min(args.runs, 3)))]
        medians = {stage: statistics.median(r[0][stage] for r in runs) for stage in stages}
        medians["total"] = sum(medians[s] for s in stages)
        results.append((scale, runs[0][1], runs[0][2], len(runs), medians))

    base = results[0]
    print(f"one document in this process, warm; median {'wall-clock' if args.wall else 'CPU'} milliseconds over the runs "
          "(1× is the reference report)")
    print(f"{'scale':>6} {'chars':>9} {'length':>7} {'pages':>6} {'runs':>5} "
          + " ".join(f"{s + ' ms':>9}" for s in stages + ("total",)))
    for scale, chars, pages, count, medians in results:
        print(f"{str(scale) + '×':>6} {chars:>9,} {chars / base[1]:>6.1f}× {pages:>6} {count:>5} "
              + " ".join(f"{1000 * medians[s]:>9.1f}" for s in stages + ("total",)))
    print()
    print("time ratio to 1× (per stage), and that ratio divided by the length ratio (1.00 = linear)")
    print(f"{'scale':>6} " + " ".join(f"{s:>13}" for s in stages + ("total",)))
    for scale, chars, _, _, medians in results[1:]:
        length = chars / base[1]
        cells = []
        for s in stages + ("total",):
            ratio = medians[s] / base[4][s]
            cells.append(f"{ratio:>6.1f}×/{ratio / length:<5.2f}")
        print(f"{str(scale) + '×':>6} " + " ".join(f"{c:>13}" for c in cells))
    return 0


# --- ir ----------------------------------------------------------------------------------


def build_irs(builds: int) -> None:
    """Build the template page's IR once (warm), then ``builds`` times: what ``ir
    --instructions`` counts."""
    from pipeline.convert import build_ir
    from pipeline.load import Document

    settings = Settings()
    document = Document("report.html", reference_page(1).encode("utf-8"))
    for _ in range(builds + 1):
        build_ir(document, settings)


def instructions_beyond(function: str, count: int) -> int:
    """The instructions of a process running ``peers.<function>(count)`` beyond those of one
    running ``peers.<function>(0)``, under callgrind with ``PYTHONHASHSEED`` fixed: start-up
    and warm-up cancel."""
    from startup import instructions

    env = {**os.environ, "PYTHONHASHSEED": "0"}
    child = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                                   f"import peers; peers.{function}(int(sys.argv[1]))"]
    with tempfile.TemporaryDirectory(prefix="peers-bench-") as tmp:
        return instructions([*child, str(count)], env, Path(tmp)) - instructions([*child, "0"], env, Path(tmp))


def cmd_ir(args) -> int:
    import pipeline.clean
    import pipeline.convert
    from pipeline.convert import build_ir
    from pipeline.load import Document

    if args.instructions:
        print(f"the template page's IR, {args.runs} builds under callgrind: {instructions_beyond('build_irs', args.runs):,} instructions")
        return 0
    if args.corpus_pages:
        return corpus_irs(args.corpus, args.runs)
    settings = Settings()
    document = Document("report.html", reference_page(1).encode("utf-8"))
    build_ir(document, settings)  # warm
    builds = []
    for _ in range(args.runs):
        start = time.process_time()
        build_ir(document, settings)
        builds.append(time.process_time() - start)
    stages: dict[str, list[float]] = {}

    def timed(name, run):
        def wrapper(*a, **k):
            start = time.process_time()
            result = run(*a, **k)
            stages.setdefault(name, []).append(time.process_time() - start)
            return result
        return wrapper

    passes, transforms = pipeline.clean.PASSES, pipeline.convert.run_transforms
    pipeline.clean.PASSES = tuple((name, timed(name, run)) for name, run in passes)
    pipeline.convert.run_transforms = timed("transforms", transforms)
    try:
        for _ in range(args.runs):
            build_ir(document, settings)
    finally:
        pipeline.clean.PASSES, pipeline.convert.run_transforms = passes, transforms
    print(f"the template page's IR, in this process, warm: median CPU ms over {args.runs} builds")
    print(f"{'build':15} {1000 * statistics.median(builds):7.2f}")
    for name, times in sorted(stages.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {name:13} {1000 * statistics.median(times):7.2f}")
    return 0


def corpus_irs(corpus: Path, rounds: int) -> int:
    """``ir --corpus-pages``: the IR of every page of the shared corpus (HTML and text, as
    ``batch_throughput --all-inputs`` takes them), warm: per page the least CPU time of
    ``rounds`` builds; their mean by kind, and the slowest pages."""
    from pipeline.batch.sources import DEFAULT_INCLUDE, Selector, iter_items
    from pipeline.convert import build_ir
    from pipeline.errors import PipelineError
    from pipeline.load import Document

    settings = Settings()
    documents = {item.key: Document(item.document.name, item.document.data)
                 for item in iter_items([corpus], Selector(DEFAULT_INCLUDE)) if item.document is not None}
    least: dict[str, float] = {}
    for warm in range(rounds + 1):  # the first round warms up
        for key, document in documents.items():
            start = time.process_time()
            try:
                build_ir(document, settings)
            except PipelineError:
                continue
            spent = time.process_time() - start
            if warm:
                least[key] = min(least.get(key, spent), spent)
    kinds: dict[str, list[float]] = {}
    for name, spent in least.items():
        kinds.setdefault("text" if name.endswith(".txt") else "html", []).append(spent)
    print(f"the IR of the corpus's pages ({corpus}), in this process, warm: mean CPU ms a page, "
          f"each page's least of {rounds} builds")
    for kind, times in sorted(kinds.items()):
        print(f"  {kind:5} {len(times):4} pages {1000 * statistics.mean(times):8.2f}")
    every = list(least.values())
    print(f"  all   {len(every):4} pages {1000 * statistics.mean(every):8.2f}")
    for name, spent in sorted(least.items(), key=lambda item: -item[1])[:5]:
        print(f"  slowest: {1000 * spent:7.1f} {name}")
    return 0


# --- profile -----------------------------------------------------------------------------


def convert_documents(documents: int) -> None:
    """Convert the reference page in four formats once (warm, and the warm-up's objects
    frozen, as a batch worker does), then ``documents`` times: what ``profile
    --instructions`` counts."""
    import gc

    from pipeline.batch.worker import convert_document
    from pipeline.load import Document

    settings = Settings(formats=ALL_FORMATS)
    document = Document("report.html", reference_page(1).encode("utf-8"))
    convert_document(document, settings, ALL_FORMATS)
    gc.freeze()
    for _ in range(documents):
        convert_document(document, settings, ALL_FORMATS)


def cmd_profile(args) -> int:
    """cProfile of what a worker does per document (``convert_document``), warm; or the
    instructions a document costs."""
    import cProfile
    import pstats

    from pipeline.batch.worker import convert_document
    from pipeline.load import Document

    if args.instructions:
        documents = args.documents or 10
        count = instructions_beyond("convert_documents", documents)
        print(f"the reference report page, four formats, {documents} conversions under callgrind: "
              f"{count:,} instructions, {count / documents / 1e6:.1f} M a document")
        return 0
    args.documents = args.documents or 20
    settings = Settings(formats=ALL_FORMATS)
    document = Document("report.html", reference_page(1).encode("utf-8"))
    convert_document(document, settings, ALL_FORMATS)  # warm: fonts loaded, caches filled
    start = time.process_time()
    for _ in range(args.documents):
        convert_document(document, settings, ALL_FORMATS)
    plain = time.process_time() - start
    profiler = cProfile.Profile(time.process_time)  # CPU time: what a busy shared machine changes least
    profiler.enable()
    for _ in range(args.documents):
        convert_document(document, settings, ALL_FORMATS)
    profiler.disable()
    print(f"convert_document × {args.documents} on the reference report page, four formats, in this process, warm: "
          f"{1000 * plain / args.documents:.1f} ms CPU a document; then under cProfile (CPU time, which adds to it):")
    stats = pstats.Stats(profiler)
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("throughput", help="docs/s of a batch of reference-size pages beside pandoc and LibreOffice")
    p.add_argument("--pages", type=int, default=200)
    p.add_argument("--runs", type=int, default=3, help="timed runs (median reported)")
    p.add_argument("--jobs", type=int, default=2, help="our workers, and the peers' parallel processes")
    p.add_argument("--no-peers", action="store_true", help="our rates only")
    p.add_argument("--distinct-headings", action="store_true",
                   help="each copy with the top-level headings of another real report (needs --corpus)")
    p.add_argument("--glyphs-known", action="store_true",
                   help="with --distinct-headings: the font cache keeps the glyphs converted before")
    p.add_argument("--corpus", type=Path, default=DEFAULT_SHARED, help="the shared corpus, for --distinct-headings")
    p.add_argument("--scratch", type=Path, default=SCRATCH,
                   help="the folder the inputs and every tool's outputs go in (default: bench/scratch, "
                        "on the project's disk as a user's outputs are)")
    p.add_argument("--set", dest="assignments", action="append", default=[], metavar="KEY=VALUE",
                   help="a setting for our batches, e.g. pdf.compression_level=1 (repeatable)")
    p.set_defaults(run=cmd_throughput)
    p = sub.add_parser("memory", help="RSS of the batch process and its workers over a long batch")
    p.add_argument("--documents", type=int, default=10_000)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--interval", type=float, default=0.5, help="seconds between samples")
    p.add_argument("--worker-life", type=int, metavar="N",
                   help="instead: one process converting N documents as a worker, never replaced, its RSS")
    p.add_argument("--corpus-pages", action="store_true",
                   help="with --worker-life: the shared corpus's pages in turn, not one page again")
    p.add_argument("--corpus", type=Path, default=DEFAULT_SHARED, help="the shared corpus, for --corpus-pages")
    p.add_argument("--set", dest="assignments", action="append", default=[], metavar="KEY=VALUE",
                   help="with --worker-life: a setting, e.g. 'pdf.font_dirs=[]' (the packaged fonts only)")
    p.set_defaults(run=cmd_memory)
    p = sub.add_parser("length", help="seconds per stage at 1×, 10×, 100× the reference length")
    p.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    p.add_argument("--runs", type=int, default=5, help="runs per scale (at most 3 from 100× up)")
    p.add_argument("--wall", action="store_true", help="wall-clock time instead of the process's CPU time")
    p.add_argument("--corpus", type=Path, default=DEFAULT_SHARED,
                   help="the shared corpus, for the reports that lengthen the reference (default: ../shared/corpus)")
    p.add_argument("--unbroken", action="store_true",
                   help="lengthen the reference with one paragraph of one letter, with no break in it "
                        "(a pasted blob, cut line by line), instead of more report")
    p.add_argument("--long-table", action="store_true",
                   help="lengthen the reference with one table of three columns instead of more report")
    p.set_defaults(run=cmd_length)
    p = sub.add_parser("ir", help="CPU ms (or instructions) of building the IR of the template page")
    p.add_argument("--runs", type=int, help="builds (default 200; 20 with --instructions)")
    p.add_argument("--instructions", action="store_true", help="count the builds' instructions under callgrind")
    p.add_argument("--corpus-pages", action="store_true",
                   help="instead, every page of the shared corpus (--runs rounds, default 3)")
    p.add_argument("--corpus", type=Path, default=DEFAULT_SHARED, help="the shared corpus, for --corpus-pages")
    p.set_defaults(run=cmd_ir)
    p = sub.add_parser("profile", help="cProfile of a worker's conversion of the reference page")
    p.add_argument("--documents", type=int, help="conversions (default 20; 10 with --instructions)")
    p.add_argument("--instructions", action="store_true",
                   help="count the conversions' instructions under callgrind instead (beyond a process converting once)")
    p.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime …)")
    p.add_argument("--top", type=int, default=40)
    p.set_defaults(run=cmd_profile)
    args = parser.parse_args(argv)
    if args.command == "ir" and args.runs is None:
        args.runs = 20 if args.instructions else 3 if args.corpus_pages else 200
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
