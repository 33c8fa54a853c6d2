"""Mutation check: break a behaviour on purpose and see the suite fail.

Each mutation is one textual change to a file of the package (the text it replaces must occur
exactly once, so a mutation that no longer applies is an error, not a silent pass). For each,
the project is copied to a temporary folder, the change made there, and the quick tier
(``pytest -m "not slow"``) run against the copy; the check passes when every mutation makes
at least one test fail. It prints, per mutation, how many tests failed and the first few.

    python -m tests.mutations [--only NAME ...] [--shown 5]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

PROJECT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str
    path: str
    change: Callable[[str], str]  # the file's text -> the mutated text; SystemExit when it no longer applies


def replace_once(old: str, new: str) -> Callable[[str], str]:
    """Replace ``old``, which must occur exactly once."""
    def change(text: str) -> str:
        if text.count(old) != 1:
            raise SystemExit(f"{old!r} occurs {text.count(old)} times, not once: update the mutation")
        return text.replace(old, new)
    return change


def swap_kinds(first: str, second: str) -> Callable[[str], str]:
    """Swap two numbering kinds of the structure rules (their order is their nesting)."""
    def change(text: str) -> str:
        rules = yaml.safe_load(text)
        names = [kind["name"] for kind in rules["kinds"]]
        if first not in names or second not in names:
            raise SystemExit(f"no numbering kinds {first} and {second}: update the mutation")
        a, b = names.index(first), names.index(second)
        rules["kinds"][a], rules["kinds"][b] = rules["kinds"][b], rules["kinds"][a]
        return yaml.safe_dump(rules, allow_unicode=True, sort_keys=False)
    return change


MUTATIONS = (
    Mutation("runin-split", "a run-in head is no longer split from its paragraph at the first 。",
             "pipeline/transforms/sections.py",
             replace_once("head, tail = member.rest[:end.start()], member.rest[end.end():].strip()\n    if not tail:",
                          'head, tail = member.rest, ""\n    if not tail:')),
    Mutation("heading-levels", "（一） headings nest above 一、 headings (two levels swapped)",
             "pipeline/rules/structure.yaml", swap_kinds("cn", "cn-paren")),
    Mutation("publisher", "the publisher is left out of the metadata record",
             "pipeline/rules/front.yaml",
             replace_once("  - name: publisher\n    label: {zh: 发布机构, en: Publisher}\n", "")),
    Mutation("kinsoku", "a line may start with 。 (a GB/T 15834 line-start rule broken)",
             "pipeline/linebreak.py",
             replace_once('    "。，、；：？！”’）》〕】…"\n', '    "，、；：？！”’）》〕】…"\n')),
    Mutation("table-row", "the last row of every table is dropped",
             "pipeline/tables.py",
             replace_once('rows = [[c for c in row if c.tag == "cell"] for row in table if row.tag == "row"]',
                          'rows = [[c for c in row if c.tag == "cell"] for row in table if row.tag == "row"][:-1]')),
)


def mutated_copy(mutation: Mutation, into: Path) -> Path:
    """The project's files (those git tracks or would) copied under ``into`` with ``mutation``
    applied, and the shared corpus linked beside the copy as it is beside the project."""
    root = into / "project"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=PROJECT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = PROJECT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    shared = PROJECT.parent / "shared"
    if shared.is_dir():
        (into / "shared").symlink_to(shared)
    target = root / mutation.path
    try:
        mutated = mutation.change(target.read_text(encoding="utf-8"))
    except SystemExit as exc:
        raise SystemExit(f"mutation {mutation.name} ({mutation.path}): {exc}") from None
    target.write_text(mutated, encoding="utf-8")
    return root


def failures(root: Path) -> tuple[int, list[str]]:
    """(exit code, failed test ids) of the quick tier run in ``root``."""
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-m", "not slow", "-q", "-rf", "-p", "no:cacheprovider"],
                          cwd=root, env=env, capture_output=True, text=True, check=False)
    failed = re.findall(r"^FAILED (\S+)", proc.stdout, flags=re.M)
    return proc.returncode, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=[m.name for m in MUTATIONS])
    parser.add_argument("--shown", type=int, default=5, help="failed tests listed per mutation")
    args = parser.parse_args(argv)
    survived = []
    for mutation in MUTATIONS:
        if args.only and mutation.name not in args.only:
            continue
        with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
            code, failed = failures(mutated_copy(mutation, Path(tmp)))
        print(f"{mutation.name}: {mutation.what}: {len(failed)} tests failed (pytest exit {code})")
        for test in failed[: args.shown]:
            print(f"    {test}")
        if code != 1 or not failed:
            survived.append(mutation.name)
    if survived:
        print(f"not caught: {', '.join(survived)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
