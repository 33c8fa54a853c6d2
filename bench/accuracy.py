"""Accuracy against the corpus's reviewed truth, per source kind: body text, headings, chrome,
numbering warnings; and metadata per field.

Source kinds and their truth (``--corpus``, default ``../shared/corpus``):

- gov template (``html/mhxqwer-site-clones``), State Council (``html/ZhouYNF-platform-1``),
  statistical bulletin (``html/SimonXinw-job``), text scrape (``text/NN_*``), provincial report
  (``text/provincial_gzbg_2026``): truth written and reviewed for this project, beside the tests
  in ``tests/data/corpus/truth/shared/<the page's path>`` + ``.body.txt`` (the report's text
  without the title, front-matter lines, chrome and photo captions) and + ``.headings.yaml``
  (each heading as ``[label, text, parent]``: the label as printed, ``""`` for an unnumbered
  heading; the heading text; the path of its parent, each heading named by its label or, when
  it has none, its text).
- CWCED (``cleaned/<id>.txt``) and magic-html (``base.json``): the sets' own body truth.

Fresh (``--split fresh``): 20 State Council pages no earlier truth, test or bench file names,
chosen by a fixed rule, their truth written from the pages alone in the same format before the
tool was measured on them (``tests/data/corpus/truth/fresh/<the page's path>``, see its README);
measured alone, with the same scoring. ``--split fresh --list`` loads that truth and counts its
pages and headings per kind without running the tool. ``--split unseen3`` does the same for the
body and heading files of the third unseen set (``tests/data/corpus/truth/unseen3/``, beside its
metadata files).

Measures, per kind and overall, on the tuned pages, the held-out pages and all:

- body: character F1 over non-space characters (figure placeholders left out of ours), and
  trafilatura's on the same HTML pages with ``--peer``;
- headings: F1 of (parent, label) pairs — label and nesting — and of (label, text) pairs,
  text compared without white space and width differences; unnumbered headings are named by
  their text in both;
- chrome: lines of ours (at most 60 characters) holding a known chrome phrase (``CHROME``)
  that the page's truth does not hold;
- warnings: pages with a numbering or enumeration diagnostic.

Metadata (``--metadata``): per set and field, the share of pages whose value is right (and
trafilatura's title and date with ``--peer``). A field a truth file leaves out or sets to null
expects no value: the tool giving nothing is right, giving something is a miss. Sets: the test
corpus, the State Council set, the CWCED dates (all used while writing the rules), and the unseen
sets, by default left out: ``unseen`` (``tests/data/corpus/truth/unseen/<the page's path>.meta.yaml``:
the held-out HTML pages and gov-template pages no test names, written from the pages before
measuring) and ``unseen2`` (``truth/unseen2/``, the same format: 50 more pages no file of the
project names, chosen by a fixed rule and written before the rules were measured on them) and
``unseen3`` (``truth/unseen3/``, likewise: State Council pages and other tools' Chinese news test
pages, with body and heading truth for ``--split unseen3``) and ``unseen4`` (``truth/unseen4/``,
likewise: the other tools' Chinese news test pages the earlier sets left, metadata only).
``--set unseen`` (or ``unseen2``, ``unseen3``, ``unseen4``) measures that set alone, per source
kind too, and apart the pages no earlier metadata set holds; ``--list`` with ``--set`` loads the
named sets and counts their pages per kind without running the tool.

Held out: pages whose name's SHA-1 is 0 modulo 3, except the pages tuned on before the split
was drawn (``TUNED_ON``). The text index (``text/INDEX.tsv``) counts every 一、 / （一） / X是 in
its pages, headings and numbered clauses alike; ``--index`` compares those counts.

    python bench/accuracy.py [--corpus DIR] [--peer] [--verbose] [--split tuned|held-out|all|fresh|unseen3]
    python bench/accuracy.py --split fresh --list
    python bench/accuracy.py --split unseen3 --list
    python bench/accuracy.py --metadata [--peer] [--set NAME ...]
    python bench/accuracy.py --metadata --list --set unseen2
    python bench/accuracy.py --metadata --list --set unseen3
    python bench/accuracy.py --metadata --list --set unseen4
    python bench/accuracy.py --index
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import statistics
import sys
import unicodedata
from dataclasses import dataclass, field
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
TRUTH = TEST_CORPUS / "truth" / "shared"
# Body and heading truth written before any measurement, measured apart (``--split fresh``).
FRESH = TEST_CORPUS / "truth" / "fresh"
# The unseen metadata sets: a set's name and its folder of truth files.
UNSEEN_SETS = {"unseen": TEST_CORPUS / "truth" / "unseen", "unseen2": TEST_CORPUS / "truth" / "unseen2",
               "unseen3": TEST_CORPUS / "truth" / "unseen3", "unseen4": TEST_CORPUS / "truth" / "unseen4"}
# The splits of body and heading truth written before any measurement, each measured alone: its folder.
WRITTEN_SPLITS = {"fresh": FRESH, "unseen3": UNSEEN_SETS["unseen3"]}
FIELDS = ("title", "date", "written", "publisher", "number", "index", "topic", "site", "url")
PEER_FIELDS = ("title", "date")

# Source kinds by where the page lies in the corpus, and whether it is HTML.
KINDS = (
    ("gov template", "html/mhxqwer-site-clones/", True),
    ("State Council", "html/ZhouYNF-platform-1/", True),
    ("statistical bulletin", "html/SimonXinw-job/", True),
    ("CWCED", "html/immortal-autumn-CWCED/", True),
    ("magic-html article", "html/opendatalab-magic-html/benchmark/data/article/", True),
    ("magic-html forum", "html/opendatalab-magic-html/benchmark/data/forum/", True),
    ("GNE news page", "html/GNE/", True),
    ("cx-extractor page", "html/cx-extractor-python/", True),
    ("newspaper4k page", "html/newspaper4k/", True),
    ("trafilatura page", "html/trafilatura/", True),
    ("provincial report", "text/provincial_gzbg_2026/", False),
    ("text scrape", "text/", False),
)

# Pages tuned on before the held-out split was drawn: the pages copied into tests/data/corpus
# (named there by their corpus name), govcn_2019-02_057 (read while studying continuous
# numbering), the 2022 万载县 bulletin (its 16.4;年末 is the test of punctuation after figures).
TUNED_ON = {
    "2168485b-0614-4e1e-b88e-289bde57e5f0.html", "386d70f8-19dc-495b-aa14-18cc057e1544.html",
    "5dc3fa2d-6734-41e9-8520-a9c7c91ae1f8.html", "6dc2d508-abb9-467c-bbea-1fedfcec5f9d.html",
    "e8847578-12f0-44cb-bdb7-4eec53c18ed1.html", "govcn_2019-02_001.html", "jchgz.gov.cn",
    "ljcbj.wenming.cn", "lytwtl.sz.gov.cn", "myzgd.gov.cn", "tqjsjz.gov.cn", "wjmoe.gov.cn",
    "ycrsd.wenming.cn", "yjywgxj.nc.gov.cn", "zyjhenan.gov.cn", "万载县2015年国民经济和社会发展统计公报.html",
    "01_szlh_luohu_2025_fzzf.txt", "03_szlh_zsj_2025_fzzf_depth3.txt",
    "10_tjjh_jinghai_2020_fzzf_continuous_numbering.txt", "14_gzns_nansha_2020_yfxz_metadata_nested.txt",
    "16_shanghai_2022_xxgk_ndbg.txt", "17_changchun_tyj_2023_xxgk_ndbg_table.txt",
    "22_szgov_baoan_2024_fzzf.txt", "24_szgov_baoan_sfj_2025h1_label_headings.txt",
    "27_szlh_luohu_2022_fzzf_same_template_as_seed.txt", "29_zb_zhenba_2024_gzgz_chapters_bullets.txt",
    "2026_浙江省_政府工作报告.txt", "govcn_2019-02_057.html",
    "万载县2022年国民经济和社会发展统计公报 _ 万载县人民政府.html",
}

# Phrases of page chrome: a short output line holding one, that the truth does not hold, leaked.
CHROME = re.compile(
    r"扫一扫|掃一掃|打印本页|打印此页|关闭窗口|關閉|字号[:：]|字體|分享到|上一篇|下一篇|相关链接|相关报道|相關|"
    r"责任编辑|責任編輯|主办单位|承办单位|技术支持|版权所有|ICP备|网站标识码|返回顶部|当前位置|您的位置|"
    r"点击图片|手机版|微信公众号|浏览次数|阅读次数|【打印】|【关闭】|发表评论|最新评论|最热评论|登录|注册")
WARNING_STAGES = ("numbering", "enumerations")


@dataclass
class Case:
    kind: str
    html: bool
    page: Path
    body: str | None  # the truth text, when there is one
    headings: list | None  # the heading truth, when there is one

    @property
    def name(self) -> str:
        return self.page.parent.name if self.page.name == "index.html" else self.page.name

    @property
    def held_out(self) -> bool:
        return int(hashlib.sha1(self.name.encode()).hexdigest(), 16) % 3 == 0 and self.name not in TUNED_ON


def kind_of(relative: str) -> tuple[str, bool] | None:
    return next(((name, html) for name, prefix, html in KINDS if relative.startswith(prefix)), None)


TRUTH_SUFFIXES = (".body.txt", ".headings.yaml")


def truth_files(corpus: Path, page: Path, root: Path = TRUTH) -> tuple[str | None, list | None]:
    """The page's written truth under ``root``: its body text and its headings (None where there
    is none)."""
    where = root / page.relative_to(corpus)
    body, headings = (where.with_name(where.name + suffix) for suffix in TRUTH_SUFFIXES)
    return (body.read_text(encoding="utf-8") if body.exists() else None,
            (yaml.safe_load(headings.read_text(encoding="utf-8")) or []) if headings.exists() else None)


def written_pages(corpus: Path, root: Path = TRUTH) -> set[Path]:
    """The corpus pages that have a body or heading truth file under ``root``."""
    return {corpus / t.relative_to(root).parent / t.name[: -len(suffix)]
            for t in root.rglob("*") for suffix in TRUTH_SUFFIXES if t.name.endswith(suffix)}


def cases(corpus: Path, root: Path = TRUTH):
    """Every page with a body or heading truth, with its kind: the written truth under ``root``
    and, for the reviewed set (``TRUTH``), the CWCED and magic-html sets' own body truth."""
    own = {}
    if root == TRUTH:
        cwced = corpus / "html" / "immortal-autumn-CWCED"
        magic = corpus / "html" / "opendatalab-magic-html" / "benchmark" / "data"
        for truth in sorted((cwced / "cleaned").glob("*.txt")):
            own[cwced / "original" / (truth.stem + ".html")] = truth.read_text(encoding="utf-8", errors="replace")
        for base in sorted(magic.glob("*/base.json")):
            for key, entry in sorted(json.loads(base.read_text(encoding="utf-8")).items()):
                own[base.parent / "htmls" / f"{key}.html"] = entry.get("content", "")
    for page in sorted(p for p in set(own) | written_pages(corpus, root) if p.exists()):
        kind = kind_of(page.relative_to(corpus).as_posix())
        if kind is None:
            continue
        body, headings = truth_files(corpus, page, root)
        yield Case(kind[0], kind[1], page, own.get(page, body), headings)


def split_cases(corpus: Path, split: str):
    """The cases of a split: ``tuned`` or ``held-out`` of the reviewed truth, ``all`` of it, or
    one of ``WRITTEN_SPLITS`` (``fresh``, ``unseen3``: the truth under its folder, every page of it)."""
    if split in WRITTEN_SPLITS:
        yield from cases(corpus, WRITTEN_SPLITS[split])
        return
    for case in cases(corpus):
        if split == "all" or case.held_out == (split == "held-out"):
            yield case


def tree_of(page: Path, settings: Settings):
    try:
        return build_ir(Document(str(page), page.read_bytes()), settings)
    except PipelineError:
        return None


def our_text(tree) -> str:
    """The body text, without figure placeholders (the ground truth holds text only)."""
    if tree is None:
        return ""
    tree = ir.clone(tree)
    for figure in tree.findall(".//figure"):
        figure.getparent().remove(figure)
    return "\n".join(body_lines(tree))


def peer(page: Path) -> str:
    import trafilatura

    return trafilatura.extract(page.read_bytes(), favor_recall=True) or ""


def folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def our_headings(tree) -> list[tuple[str, str, str]]:
    """(label, text, parent path) of every heading of the tree."""
    if tree is None:
        return []
    out = []
    for section in tree.iter("section"):
        path = [s.get("label") or ir.text_of(s.find("heading")) for s in section.iterancestors("section")]
        out.append((section.get("label", ""), ir.text_of(section.find("heading")), "/".join(reversed(path))))
    return out


def f1(got: list, expected: list) -> float:
    """F1 of two multisets; 1.0 when both are empty."""
    if not got and not expected:
        return 1.0
    remaining = list(expected)
    hits = 0
    for item in got:
        if item in remaining:
            remaining.remove(item)
            hits += 1
    if not hits:
        return 0.0
    precision, recall = hits / len(got), hits / len(expected)
    return 2 * precision * recall / (precision + recall)


def heading_scores(got: list, expected: list) -> tuple[float, float]:
    """(label + nesting F1, label + text F1) of our headings against the truth's."""
    def key(label, text):
        return folded(label) or folded(text)

    def nesting(items):
        return [(folded(parent), key(label, text)) for label, text, parent in items]

    def texts(items):
        return [(folded(label), folded(text)) for label, text, _ in items]
    expected = [tuple(h) for h in expected]
    return f1(nesting(got), nesting(expected)), f1(texts(got), texts(expected))


def leaked(lines: list[str], truth: str | None) -> list[str]:
    truth_text = folded(truth or "")
    return [line for line in lines if len(line) <= 60 and CHROME.search(line) and folded(line) not in truth_text]


@dataclass
class Tally:
    body: list = field(default_factory=list)
    peer: list = field(default_factory=list)
    nesting: list = field(default_factory=list)
    text: list = field(default_factory=list)
    leaks: int = 0
    pages: int = 0
    warned: int = 0

    def add(self, other: "Tally") -> None:
        for name in ("body", "peer", "nesting", "text"):
            getattr(self, name).extend(getattr(other, name))
        self.leaks += other.leaks
        self.pages += other.pages
        self.warned += other.warned


def mean(values: list) -> str:
    return f"{statistics.mean(values):.3f}" if values else "  -  "


def line_of(name: str, t: Tally, peer_too: bool) -> str:
    line = f"{name:22s} pages {t.pages:3d}  body n={len(t.body):3d} F1 {mean(t.body)}"
    if peer_too:
        line += f" (trafilatura {mean(t.peer)})"
    line += f"  headings n={len(t.nesting):3d} F1 {mean(t.nesting)} text {mean(t.text)}"
    return line + f"  chrome leaks {t.leaks}  pages warned {t.warned}"


def body_report(corpus: Path, split: str, peer_too: bool, verbose: bool, settings: Settings) -> dict:
    tallies: dict[str, Tally] = {}
    kinds_html = {}
    for case in split_cases(corpus, split):
        tree = tree_of(case.page, settings)
        text = our_text(tree)
        t = tallies.setdefault(case.kind, Tally())
        kinds_html[case.kind] = case.html
        t.pages += 1
        notes = []
        if case.body is not None:
            score = char_f1(text, case.body)
            t.body.append(score)
            notes.append(f"body {score:.3f}")
            if peer_too and case.html:
                t.peer.append(char_f1(peer(case.page), case.body))
                notes.append(f"trafilatura {t.peer[-1]:.3f}")
        if case.headings is not None:
            nesting, texts = heading_scores(our_headings(tree), case.headings)
            t.nesting.append(nesting)
            t.text.append(texts)
            notes.append(f"headings {nesting:.3f}/{texts:.3f}")
        leaks = leaked(text.split("\n"), case.body)
        t.leaks += len(leaks)
        warned = tree is not None and any(d.get("stage") in WARNING_STAGES for d in tree.iter("diagnostic"))
        t.warned += warned
        if verbose:
            flag = split if split in WRITTEN_SPLITS else "held-out" if case.held_out else "tuned"
            print(f"  {case.kind:20s} {flag:8s} {case.name[:48]:48s} " + "  ".join(notes)
                  + (f"  leaks {leaks}" if leaks else "") + ("  warned" if warned else ""))
    html, every = Tally(), Tally()
    for name, _, _ in KINDS:
        if name in tallies:
            print(line_of(name, tallies[name], peer_too))
            every.add(tallies[name])
            if kinds_html[name]:
                html.add(tallies[name])
    print(line_of("HTML", html, peer_too))
    print(line_of("overall", every, peer_too))
    return {"overall": every, "html": html, "kinds": tallies}


def truth_list(corpus: Path, split: str) -> int:
    """Load a split's truth and count its pages, body files and headings per source kind, without
    running the tool; 1 if a truth file names a page the corpus does not hold."""
    counts: dict[str, list[int]] = {}
    for case in split_cases(corpus, split):
        count = counts.setdefault(case.kind, [0, 0, 0, 0])
        count[0] += 1
        count[1] += case.body is not None
        count[2] += case.headings is not None
        count[3] += len(case.headings or [])
    for name, _, _ in KINDS:
        if name in counts:
            pages, bodies, heading_files, headings = counts[name]
            print(f"{name:22s} pages {pages:3d}  body files {bodies:3d}  heading files {heading_files:3d}"
                  f"  headings {headings:4d}")
    root = WRITTEN_SPLITS.get(split, TRUTH)
    missing = sorted(p for p in written_pages(corpus, root) if not p.exists())
    for page in missing:
        print(f"no such page: {page}", file=sys.stderr)
    return 1 if missing or not counts else 0


# ---------------------------------------------------------------- metadata


def same(got: str | None, expected) -> bool:
    """Whether a field's value is right: one of the expected spellings (a string or a list),
    compared without spaces and width differences; None expects no value."""
    if expected is None:
        return not got
    spellings = expected if isinstance(expected, list) else [expected]
    return bool(got) and folded(got) in map(folded, spellings)


def truth_cases(corpus_copy: Path = TEST_CORPUS):
    """(page, {field: expected}) for every page of the test corpus with a reviewed truth file."""
    for truth in sorted((corpus_copy / "truth").glob("*.meta.yaml")):
        stem = truth.name[: -len(".meta.yaml")]
        page = next(p for p in corpus_copy.glob(f"*/{stem}.*") if p.parent.name in ("html", "text"))
        yield page, yaml.safe_load(truth.read_text(encoding="utf-8"))


METADATA_SETS = ("test corpus", "State Council", "CWCED dates", *UNSEEN_SETS)
DEFAULT_METADATA_SETS = METADATA_SETS[:3]


def unseen_cases(corpus: Path, folder: Path):
    """(page, {field: expected}) for the pages of an unseen set's folder (``truth/unseen``,
    ``truth/unseen2``, ``truth/unseen3``, ``truth/unseen4``): every field, those the file leaves out
    expecting no value."""
    for truth in sorted(folder.rglob("*.meta.yaml")):
        page = corpus / truth.relative_to(folder).as_posix()[: -len(".meta.yaml")]
        data = yaml.safe_load(truth.read_text(encoding="utf-8")) or {}
        yield page, {f: data.get(f) for f in FIELDS}


def metadata_sets(corpus: Path, names=DEFAULT_METADATA_SETS):
    """(set name, page, {field: expected}) for the labelled metadata sets named."""
    for name, folder in UNSEEN_SETS.items():
        if name in names:
            for page, expected in unseen_cases(corpus, folder):
                yield name, page, expected
    if "test corpus" in names:
        for page, expected in truth_cases():
            yield "test corpus", page, expected
    if not {"State Council", "CWCED dates"} & set(names):
        return
    council = {"title": "title", "index": "index_number", "publisher": "release_office",
               "number": "release_number", "url": "crawl_url"}
    for truth in sorted((corpus / "html" / "ZhouYNF-platform-1" / "extracted_60").glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        if "State Council" in names:
            yield "State Council", truth.with_suffix(".html"), {f: data.get(k) or None for f, k in council.items()}
    cwced = corpus / "html" / "immortal-autumn-CWCED"
    for truth in sorted((cwced / "date").glob("*.txt")):
        day = truth.read_text(encoding="utf-8").strip()
        if "CWCED dates" in names and (day == "UNKNOWN" or re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", day)):
            yield "CWCED dates", cwced / "original" / (truth.stem + ".html"), {"date": None if day == "UNKNOWN" else day[:10]}


def earlier_metadata_pages(corpus: Path) -> set:
    """The pages of the sets measured while the metadata rules were written."""
    return {page.resolve() for _, page, _ in metadata_sets(corpus, DEFAULT_METADATA_SETS)}


def peer_metadata(page: Path) -> dict:
    import trafilatura

    found = trafilatura.extract_metadata(page.read_bytes())
    return {"title": found.title, "date": found.date} if found else {}


def metadata_report(corpus: Path, peer_too: bool, settings: Settings, verbose: bool,
                    names=DEFAULT_METADATA_SETS) -> None:
    """Per set and field: the share of pages where ours (and trafilatura's) value is right. The
    unseen set is also told per source kind and, apart, on the pages no earlier set holds."""
    hits: dict[tuple[str, str], list[bool]] = {}
    peer_hits: dict[tuple[str, str], list[bool]] = {}
    earlier = earlier_metadata_pages(corpus) if set(UNSEEN_SETS) & set(names) else set()
    for name, page, expected in metadata_sets(corpus, names):
        groups = [name]
        if name in UNSEEN_SETS:
            kind = kind_of(page.relative_to(corpus).as_posix())
            groups.append(f"{name} {kind[0] if kind else 'other'}")
            groups.append(f"{name}, in an earlier set" if page.resolve() in earlier else f"{name}, in no earlier set")
        tree = tree_of(page, settings)
        got = {f: ir.meta_value(tree, f) for f in FIELDS} if tree is not None else {}
        theirs = peer_metadata(page) if peer_too and page.suffix != ".txt" else None
        for key, want in expected.items():
            right = same(got.get(key), want)
            for group in groups:
                hits.setdefault((group, key), []).append(right)
            if verbose and not right:
                shown = page.relative_to(corpus).as_posix() if page.is_relative_to(corpus) else page.name
                print(f"metadata miss  {name}  {shown}  {key}: expected {want!r}, got {got.get(key)!r}")
            if theirs is not None and key in PEER_FIELDS:
                for group in groups:
                    peer_hits.setdefault((group, key), []).append(same(theirs.get(key), want))
                if verbose and name in UNSEEN_SETS and not same(theirs.get(key), want):
                    print(f"trafilatura miss  {name}  {page.relative_to(corpus).as_posix()}  {key}: "
                          f"expected {want!r}, got {theirs.get(key)!r}")
    width = max([14] + [len(name) for name, _ in hits])
    for group in dict.fromkeys(name for name, _ in hits):
        for (name, key), values in hits.items():
            if name != group:
                continue
            line = f"metadata {name:{width}s} {key:10s} n={len(values):3d}  right {sum(values) / len(values):.3f}"
            peer_values = peer_hits.get((name, key))
            if peer_values:
                line += f"   trafilatura {sum(peer_values) / len(peer_values):.3f} (n={len(peer_values)})"
            print(line)
    for name in UNSEEN_SETS:
        if (name, "date") in peer_hits:
            ours, theirs = statistics.mean(hits[(name, "date")]), statistics.mean(peer_hits[(name, "date")])
            print(f"metadata {name} date: ours {ours:.3f}, trafilatura {theirs:.3f}, lead {100 * (ours - theirs):+.1f} points")


def metadata_list(corpus: Path, names=DEFAULT_METADATA_SETS) -> int:
    """Load the named sets' truth and count their pages per set and source kind, without running
    the tool; 1 if a truth file names a page the corpus does not hold."""
    counts: dict[tuple[str, str], int] = {}
    missing = []
    for name, page, expected in metadata_sets(corpus, names):
        kind = kind_of(page.relative_to(corpus).as_posix()) if page.is_relative_to(corpus) else None
        counts[(name, kind[0] if kind else "other")] = counts.get((name, kind[0] if kind else "other"), 0) + 1
        if not page.exists():
            missing.append(page)
    for name in dict.fromkeys(n for n, _ in counts):
        print(f"{name}: {sum(c for (n, _), c in counts.items() if n == name)} pages")
        for (n, kind), count in counts.items():
            if n == name:
                print(f"  {kind:22s} {count:3d}")
    for page in missing:
        print(f"no such page: {page}", file=sys.stderr)
    return 1 if missing else 0


# ---------------------------------------------------------------- the text index


INDEX_COLUMNS = {"cn": "n_一、", "cn-paren": "n_（一）", "items": "n_X是"}


def index_report(corpus: Path, settings: Settings, verbose: bool) -> None:
    """The text index's counts of 一、 / （一） (headings and numbered clauses) and X是 items."""
    index = corpus / "text" / "INDEX.tsv"
    if not index.exists():
        return
    exact = []
    for row in csv.DictReader(index.open(encoding="utf-8"), delimiter="\t"):
        page = corpus / "text" / row["file"]
        expected = {k: int(row[c]) for k, c in INDEX_COLUMNS.items()}
        tree = tree_of(page, settings)
        got = {kind: len(tree.findall(f".//section[@kind='{kind}']")) + len(tree.findall(f".//p[@kind='{kind}']"))
               for kind in ("cn", "cn-paren")}
        got["items"] = sum(1 for item in tree.iter("item") if item.get("label").endswith("是"))
        exact.append(got == expected)
        if verbose and got != expected:
            print(f"index  {page.name}: expected {expected}, got {got}")
    print(f"text index 一、/（一）/X是 counts  n={len(exact):3d}  exact {sum(exact) / len(exact):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--peer", action="store_true", help="also measure trafilatura")
    parser.add_argument("--split", choices=("tuned", "held-out", "all", *WRITTEN_SPLITS), default="all",
                        help="fresh, unseen3: that folder's pages alone (truth written before measuring)")
    parser.add_argument("--min", type=float, default=None, help="exit 1 if the overall body F1 is below this")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--metadata", action="store_true", help="measure metadata fields only")
    parser.add_argument("--set", dest="sets", action="append", choices=METADATA_SETS,
                        help="with --metadata: measure this set (repeatable; default: the sets used while writing the rules)")
    parser.add_argument("--list", action="store_true",
                        help="with --metadata or --split: load the truth and count its pages, without running the tool")
    parser.add_argument("--index", action="store_true", help="compare the text index's counts only")
    args = parser.parse_args()
    settings = Settings()
    if args.metadata and args.list:
        return metadata_list(args.corpus, tuple(args.sets or DEFAULT_METADATA_SETS))
    if args.list:
        return truth_list(args.corpus, args.split)
    if args.metadata:
        metadata_report(args.corpus, args.peer, settings, args.verbose, tuple(args.sets or DEFAULT_METADATA_SETS))
        return 0
    if args.index:
        index_report(args.corpus, settings, args.verbose)
        return 0
    result = body_report(args.corpus, args.split, args.peer, args.verbose, settings)
    if not result["overall"].pages:
        print(f"no pages with truth under {args.corpus}", file=sys.stderr)
        return 2
    overall = statistics.mean(result["overall"].body) if result["overall"].body else 0.0
    return 1 if args.min is not None and overall < args.min else 0


if __name__ == "__main__":
    sys.exit(main())
