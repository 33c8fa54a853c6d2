"""Shared fixtures: the copied corpus samples, the shared corpus when present, golden-file handling,
and the suite's own cache folder.

Golden files are (re)written only with ``pytest --regen-golden``; without it a missing or
different golden file fails the test.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from pipeline.config import Settings
from pipeline.convert import build_ir
from pipeline.load import Document

TESTS = Path(__file__).parent
DATA = TESTS / "data"
CORPUS_COPY = DATA / "corpus"
SHARED_CORPUS = TESTS.parent.parent / "shared" / "corpus"
REFERENCE = CORPUS_COPY / "text" / "seed_luohu_2023.txt"


# The suite never writes the user's caches (the font scan and converted fonts go to the user
# cache folder by default): every run, and every process it starts, caches in a folder of its
# own, removed at exit.
SUITE_CACHE = Path(tempfile.mkdtemp(prefix="pipeline-tests-cache-"))
os.environ["XDG_CACHE_HOME"] = str(SUITE_CACHE)
atexit.register(shutil.rmtree, SUITE_CACHE, ignore_errors=True)


def in_ci() -> bool:
    """``CI`` set to a true value (``CI=false``, ``0``, ``no``, ``off`` or empty is not CI)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


# In CI the property tests draw the same examples on every run (a failure there can be
# replayed); on a developer's machine they explore new ones.
hypothesis_settings.register_profile("ci", derandomize=True)
if in_ci():
    hypothesis_settings.load_profile("ci")


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite golden files from the current output (review the diff before committing)")


@pytest.fixture
def regen_golden(request) -> bool:
    return request.config.getoption("--regen-golden")


def corpus_samples() -> list[Path]:
    """The corpus pages copied into tests/data/corpus (HTML and text)."""
    return sorted(p for p in CORPUS_COPY.glob("*/*") if p.parent.name in ("html", "text"))


# Samples long enough (tens of pages) that a test over every sample spends most of its time on
# them: those cases run in the slow tier.
LONG_SAMPLES = frozenset({"gzbg_2026_zhejiang.txt"})


# The pages a sweep of costly whole-document checks (PDF/A, tagged PDF, the PDF checks of every
# page, the formats' agreement, a saved IR read back) runs on in the quick tier, one of each
# kind: the reference (as an IR and as its page) and the hand-written sample,
# a text scrape with a statistics table, one with continuous numbering, a State Council
# document, a CWCED news page with pictures, a statistical bulletin with tables, a page with merged cells. The
# slow tier runs the sweep on every page.
QUICK_SWEEP = frozenset({
    "reference", "seed_luohu_2023.txt", "sample", "17_changchun_tyj_2023_xxgk_ndbg_table.txt",
    "10_tjjh_jinghai_2020_fzzf_continuous_numbering.txt", "govcn_2019-02_001.html",
    "cwced_6dc2d508-abb9-467c-bbea-1fedfcec5f9d.html", "wanzai_2015_tjgb.html",
    "nfra_merged_cells.html",
})


def sample_params(pages: list, quick: frozenset[str] | None = None) -> list:
    """``pages`` (paths or names) as pytest parameters named by file, marked slow when long,
    or, given ``quick``, when not in it."""
    def name(page) -> str:
        return page if isinstance(page, str) else page.name

    def slow(page) -> bool:
        return name(page) in LONG_SAMPLES or (quick is not None and name(page) not in quick)

    return [pytest.param(p, id=name(p), marks=[pytest.mark.slow] if slow(p) else []) for p in pages]


def shared_corpus_pages() -> list[Path]:
    """Every page of the shared corpus, when it is beside the project (else empty)."""
    if not SHARED_CORPUS.is_dir():
        return []
    suffixes = (".html", ".htm", ".shtml", ".xhtml", ".txt")
    return sorted(p for p in SHARED_CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)


def ir_of(path: Path, settings: Settings | None = None):
    return build_ir(Document(str(path), path.read_bytes()), settings or Settings())


@pytest.fixture(scope="session")
def reference_tree():
    return ir_of(REFERENCE)
