"""Start-up: the wall time of `pipeline --help` and of one cold conversion, medians.

A cold conversion is a new process converting the reference page to all four formats
(xml, txt, docx, pdf), the way someone runs `pipeline convert` on one page; a small batch is
`pipeline batch` over the project's three `input/` pages (what `pipeline run` does with the
shipped config: worker processes forked warm from a forkserver that warms up first). Its caches (the
fonts, the compiled regular expressions) are warm (the second conversion on a machine
onwards); `--empty-cache` also times the first conversion with an empty cache folder (a new
machine, a changed font or a new Python); `--new-characters` also times a conversion whose
character set no earlier one had (the fonts converted for character sets removed from the
cache before each run, the converted glyphs and faces' data kept: a new page on a machine
that has converted others). `--packaged-fonts` sets every role in the packaged faces (no
font folders: a bare `pip install`, where they are CFF faces converted per page). Each command
runs once untimed first; the runs of the commands alternate. Python may write bytecode (the
installed package has it; PYTHONDONTWRITEBYTECODE is cleared for the runs).

``--instructions`` instead counts the instructions each command executes, once, under
valgrind's callgrind (``apt-get install valgrind``; about 50 times slower): the same count
for the same code, inputs and machine whatever else the machine is doing, so two states of
the code compare on a busy or shared machine where wall times wander by a fifth.

Not a test: numbers depend on the machine.

    python bench/startup.py [--runs 11] [--empty-cache] [--new-characters] [--packaged-fonts]
    python bench/startup.py --instructions
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
REFERENCE = PROJECT / "tests" / "data" / "corpus" / "text" / "seed_luohu_2023.txt"


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def instructions(args: list[str], env: dict, folder: Path) -> int:
    """The instructions ``args`` executes, counted by callgrind."""
    found = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder / 'callgrind.out'}", *args],
                           env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    match = re.search(r"Collected : (\d+)", found)
    if match is None:
        raise SystemExit(f"callgrind gave no count for {' '.join(args)}")
    return int(match.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--empty-cache", action="store_true", help="also time conversions with an empty cache folder")
    parser.add_argument("--new-characters", action="store_true",
                        help="also time conversions whose character set the font cache has not met")
    parser.add_argument("--packaged-fonts", action="store_true",
                        help="every role in the packaged faces (no font folders), as on a bare install")
    parser.add_argument("--instructions", action="store_true",
                        help="count each command's instructions under callgrind instead of timing it")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-m", "pipeline"]
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        out = Path(tmp) / "out"
        if args.packaged_fonts or args.new_characters:  # a cache of the bench's own, to remove from
            env["XDG_CACHE_HOME"] = str(Path(tmp) / "own-cache")
        if args.packaged_fonts:
            (Path(tmp) / "packaged.yaml").write_text("pdf:\n  font_dirs: []\n", encoding="utf-8")
            command += ["--config", str(Path(tmp) / "packaged.yaml")]
        convert = [*command, "convert", str(REFERENCE), "-o", str(out), "-f", "xml,txt,docx,pdf", "-q"]
        cases = {"pipeline --help": [*command, "--help"], "convert, four formats": convert}
        if not args.instructions:  # its work is in worker processes, which callgrind does not follow
            cases["batch, the three input/ pages"] = [*command, "batch", str(PROJECT / "input"), "-o",
                                                      str(Path(tmp) / "batch"), "-f", "xml,txt,docx,pdf", "-q"]
        for args_ in cases.values():
            timed(args_, env)  # untimed: bytecode written, caches filled
        if args.instructions:
            print(f"{'command':32} {'instructions':>14}")
            for name, args_ in cases.items():
                print(f"{name:32} {instructions(args_, env, Path(tmp)):14,d}")
            if args.new_characters:
                for converted in Path(env["XDG_CACHE_HOME"]).rglob("ttf"):
                    shutil.rmtree(converted)
                print(f"{'convert, new characters':32} {instructions(convert, env, Path(tmp)):14,d}")
            return 0
        times: dict[str, list[float]] = {name: [] for name in cases}
        if args.empty_cache:
            times["convert, empty cache"] = []
        if args.new_characters:
            times["convert, new characters"] = []
        for _ in range(args.runs):
            for name, args_ in cases.items():
                times[name].append(timed(args_, env))
            if args.new_characters:
                for converted in Path(env["XDG_CACHE_HOME"]).rglob("ttf"):
                    shutil.rmtree(converted)
                times["convert, new characters"].append(timed(convert, env))
            if args.empty_cache:
                cache = Path(tmp) / "cache"
                shutil.rmtree(cache, ignore_errors=True)
                times["convert, empty cache"].append(timed(convert, dict(env, XDG_CACHE_HOME=str(cache))))
    print(f"{'command':32} {'median s':>9} {'min s':>7}  runs")
    for name, values in times.items():
        print(f"{name:32} {statistics.median(values):9.3f} {min(values):7.3f}  {len(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
