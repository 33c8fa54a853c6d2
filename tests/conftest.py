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


def sample_params(pages: list[Path]) -> list:
    """``pages`` as pytest parameters named by file, the long samples marked slow."""
    return [pytest.param(p, id=p.name, marks=[pytest.mark.slow] if p.name in LONG_SAMPLES else [])
            for p in pages]


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
