"""Golden files: the XML and text outputs of every copied corpus page, compared whole.

Regenerate with ``pytest tests/test_golden.py --regen-golden`` and read the diff before
committing. A missing golden file fails.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import ir
from pipeline.writers.text import render as render_text

from .conftest import DATA, REFERENCE, TESTS, corpus_samples, ir_of

GOLDEN = TESTS / "golden"
SAMPLES = corpus_samples()


def _check(path: Path, actual: bytes, regen: bool) -> None:
    if regen:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        return
    assert path.exists(), f"missing golden file {path.name}: run pytest --regen-golden and review it"
    expected = path.read_bytes()
    if actual != expected:
        a, e = actual.decode().splitlines(), expected.decode().splitlines()
        first = next((i for i, (x, y) in enumerate(zip(a, e)) if x != y), min(len(a), len(e)))
        pytest.fail(f"{path.name} differs at line {first + 1}:\n"
                    f"  expected: {e[first] if first < len(e) else '<end>'}\n"
                    f"  actual:   {a[first] if first < len(a) else '<end>'}")


def test_enough_golden_inputs():
    kinds = {p.suffix for p in SAMPLES}
    assert len(SAMPLES) >= 20 and kinds == {".html", ".txt"}


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_golden(sample: Path, regen_golden: bool):
    source = sample.relative_to(sample.parents[1]).as_posix()
    tree = ir_of(sample)
    ir.source_of(tree).set("name", source)
    _check(GOLDEN / (sample.stem + ".xml"), ir.serialize(tree), regen_golden)
    _check(GOLDEN / (sample.stem + ".txt"), render_text(tree), regen_golden)


def test_reference_ir_fixture(regen_golden: bool):
    """tests/data/ir/reference.xml (the writers' test input) is the pipeline's IR of the reference document."""
    tree = ir_of(REFERENCE)
    ir.source_of(tree).set("name", "seed_luohu_2023.txt")
    _check(DATA / "ir" / "reference.xml", ir.serialize(tree), regen_golden)
