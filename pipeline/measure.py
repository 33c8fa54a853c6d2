"""Text measures shared by the benchmarks and the tests: how alike two texts are."""
from __future__ import annotations

from collections import Counter


def char_f1(predicted: str, truth: str) -> float:
    """Bag-of-characters F1 of two texts, white space ignored (1.0 = the same characters)."""
    p = Counter(c for c in predicted if not c.isspace())
    t = Counter(c for c in truth if not c.isspace())
    if not p or not t:
        return 0.0
    overlap = sum((p & t).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    return 2 * precision * recall / (precision + recall)
