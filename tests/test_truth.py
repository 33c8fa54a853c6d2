"""The body text of each corpus page with a reviewed truth text (tests/data/corpus/truth/)
against that truth: a character F1 floor per page, in floors.yaml, that only rises."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.measure import char_f1
from pipeline.writers.text import body_lines

from .conftest import CORPUS_COPY, ir_of

TRUTH = CORPUS_COPY / "truth"
FLOORS = yaml.safe_load((TRUTH / "floors.yaml").read_text(encoding="utf-8"))
TRUTHS = sorted(TRUTH.glob("*.txt"))


def test_every_truth_text_has_a_floor_and_a_page():
    assert sorted(FLOORS) == [t.stem for t in TRUTHS]
    assert all((CORPUS_COPY / "html" / f"{t.stem}.html").is_file() for t in TRUTHS)


@pytest.mark.parametrize("truth", TRUTHS, ids=[t.stem for t in TRUTHS])
def test_body_text_against_the_truth(truth: Path):
    tree = ir_of(CORPUS_COPY / "html" / f"{truth.stem}.html")
    score = char_f1("\n".join(body_lines(tree)), truth.read_text(encoding="utf-8"))
    assert score >= FLOORS[truth.stem], f"body char-F1 {score:.3f} below the floor {FLOORS[truth.stem]}"
