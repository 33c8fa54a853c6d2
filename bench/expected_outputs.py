"""Body text against other extractors' expected outputs: a probe for content-choice failures.

The corpus's news pages from other projects' test suites come with the output those projects
expect of their own tool, not with reviewed truth (``html/GNE/result.txt``, GNE's JSON per page;
``html/cx-extractor-python/Text/``; ``html/newspaper4k/tests/data/txt/``;
``html/mozilla-readability/test/test-pages/*/expected.html``). Their outputs keep or drop
things our truth conventions do not (a title, related links, an editor's line), so a score
near 0.9 says little; a score far below it (0.3) says the content chosen is the wrong part of
the page (comments, a hidden gallery) — which is what this is for. Prints the character F1 of
our body text (as ``accuracy.py`` takes it) against each expected text, lowest first, and the
mean. Pages GNE's results name but the corpus does not hold are left out.

Not a test: the expected texts are no truth.

    python bench/expected_outputs.py [--corpus ../shared/corpus]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from lxml import html

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import folded, our_text, tree_of  # noqa: E402

from pipeline.config import Settings  # noqa: E402
from pipeline.measure import char_f1  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def decoded(data: bytes) -> str:
    """An expected output's text: UTF-8, else GB 18030 (cx-extractor's files)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("utf-8", "replace")


def pairs(corpus: Path) -> list[tuple[Path, str]]:
    """(page, the text its project expects), for every page of the four projects."""
    root = corpus / "html"
    found = []
    results = (root / "GNE" / "result.txt").read_text(encoding="utf-8")
    chunks = re.split(r"^>{5,}(tests/\S+?)>{5,}$", results, flags=re.M)
    for name, body in zip(chunks[1::2], chunks[2::2]):
        content = re.search(r'"content":\s*"((?:[^"\\]|\\.)*)"', body, re.S)
        found.append((root / "GNE" / name, json.loads(f'"{content.group(1)}"') if content else ""))
    for text in sorted((root / "cx-extractor-python" / "Text").glob("*.txt")):
        found.append((root / "cx-extractor-python" / "RawHtml" / f"{text.stem}.html", decoded(text.read_bytes())))
    for text in sorted((root / "newspaper4k" / "tests" / "data" / "txt").glob("*.txt")):
        found.append((root / "newspaper4k" / "tests" / "data" / "html" / f"{text.stem}.html",
                      decoded(text.read_bytes())))
    for folder in sorted((root / "mozilla-readability" / "test" / "test-pages").iterdir()):
        expected = html.fromstring(decoded((folder / "expected.html").read_bytes())).text_content()
        found.append((folder / "source.html", expected))
    return [(page, text) for page, text in found if page.exists()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    settings = Settings()
    scores = []
    for page, expected in pairs(args.corpus):
        ours = our_text(tree_of(page, settings))
        scores.append((char_f1(folded(ours), folded(expected)), page.relative_to(args.corpus / "html")))
    for score, page in sorted(scores):
        print(f"{score:.3f}  {page}")
    print(f"mean {sum(s for s, _ in scores) / len(scores):.3f} over {len(scores)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
