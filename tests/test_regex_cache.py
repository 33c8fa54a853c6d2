"""Compiled regular expressions kept on disk (``regex_cache``): a pattern made from a kept
program is the pattern ``re`` compiles, a new run reads the programs back instead of
compiling, and another Python, a damaged file or an unwritable folder only cost a compilation."""
from __future__ import annotations

import logging
import re
from re import _compiler

import pytest

from pipeline import regex_cache

RE_COMPILE = _compiler.compile

PATTERNS = [
    (r"(?:(?![为归由])[\u4e00-\u9fff]){2,20}?(?<!有限)版[权權]所有", 0),
    (r"(?P<scheme>[a-z0-9.+-]*)://(?P<host>[^/\s]+)", re.I),
    (r"^\s*(.*)(i|in|cm|mm|pt|pica)\s*$", 0),
    (r"([⺀-\uffff])", re.UNICODE),
    (rb"[^\t\n\r -~]+", 0),
    (r"(?x) a  b # comment", re.M | re.S),
]


@pytest.mark.parametrize("pattern, flags", PATTERNS)
def test_a_pattern_made_from_its_program_is_the_one_re_compiles(pattern, flags):
    import _sre

    made = _sre.compile(pattern, *regex_cache.program(pattern, flags))
    assert made == _compiler.compile(pattern, flags)  # flags, program and pattern
    assert (made.groups, made.groupindex) == (re.compile(pattern, flags).groups, re.compile(pattern, flags).groupindex)


def test_a_match_names_its_last_group():
    import _sre

    pattern, flags = PATTERNS[1]
    assert _sre.compile(pattern, *regex_cache.program(pattern, flags)).match("HTTP://gov.cn").lastgroup == "host"


def _compile_all(folder):
    re.purge()
    with regex_cache.kept_patterns(folder):
        return [re.compile(pattern, flags) for pattern, flags in PATTERNS]


def _not_compiled(pattern, flags):
    raise AssertionError(f"compiled again: {pattern!r}")


def test_a_new_run_makes_patterns_from_the_kept_programs(tmp_path, monkeypatch):
    first = _compile_all(tmp_path)
    stored = regex_cache.store_path(tmp_path)
    assert stored.is_file() and _compiler.compile is RE_COMPILE  # put back at the end
    written = stored.stat().st_mtime_ns
    monkeypatch.setattr(regex_cache, "program", _not_compiled)
    assert _compile_all(tmp_path) == first
    assert stored.stat().st_mtime_ns == written  # nothing new: not written again


def test_another_python_or_a_damaged_file_compiles_afresh(tmp_path, monkeypatch):
    _compile_all(tmp_path)
    monkeypatch.setattr(regex_cache.sys, "hexversion", regex_cache.sys.hexversion + 1)
    assert not regex_cache.store_path(tmp_path).exists()
    regex_cache.store_path(tmp_path).parent.mkdir(exist_ok=True)
    regex_cache.store_path(tmp_path).write_bytes(b"\x00not marshal")
    assert _compile_all(tmp_path) == [re.compile(p, f) for p, f in PATTERNS]
    monkeypatch.setattr(regex_cache, "program", _not_compiled)
    _compile_all(tmp_path)  # rewritten whole


def test_the_programs_a_run_used_come_first_then_those_held_at_most_max(tmp_path, monkeypatch):
    _compile_all(tmp_path)
    monkeypatch.setattr(regex_cache, "MAX_PATTERNS", 3)
    re.purge()
    with regex_cache.kept_patterns(tmp_path):
        re.compile("one new pattern")
        re.compile(*PATTERNS[2])
    saves, kept = regex_cache._read(regex_cache.store_path(tmp_path))
    assert list(kept) == [("one new pattern", 0), PATTERNS[2], PATTERNS[0]]
    assert saves == 2 and [last for last, _program in kept.values()] == [2, 2, 1]


def test_a_program_no_run_of_the_last_saves_used_is_let_go(tmp_path, monkeypatch):
    """A pattern each run makes afresh (from a set, in an order that changes from process to
    process) is kept by the run that made it, then let go once ``KEPT_SAVES`` saves have
    passed without a run using it; the patterns the runs use stay. A file of an earlier
    format is removed when the file is written."""
    monkeypatch.setattr(regex_cache, "KEPT_SAVES", 2)
    earlier = regex_cache.store_path(tmp_path).with_name(
        regex_cache.store_path(tmp_path).name.replace(f"-v{regex_cache.FORMAT_VERSION}-", "-v1-"))
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"an earlier format's programs")
    for run in range(1, 5):
        re.purge()
        with regex_cache.kept_patterns(tmp_path):
            re.compile(f"made by run {run}")
            re.compile(*PATTERNS[0])
        saves, kept = regex_cache._read(regex_cache.store_path(tmp_path))
        assert saves == run
        assert list(kept) == [(f"made by run {run}", 0), PATTERNS[0]] + ([(f"made by run {run - 1}", 0)] if run > 1 else [])
    assert not earlier.exists()


def test_an_unwritable_folder_is_a_warning_and_the_patterns_still_compile(tmp_path, caplog):
    folder = tmp_path / "file"
    folder.write_text("a file where the folder would be")
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        assert _compile_all(folder) == [re.compile(p, f) for p, f in PATTERNS]
    assert [r.code for r in caplog.records] == ["regex-cache"]
    assert "every run compiles them again" in caplog.records[0].getMessage()


def test_on_a_python_it_does_not_know_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(regex_cache, "KNOWN_PYTHONS", ())
    _compile_all(tmp_path)
    assert _compiler.compile is RE_COMPILE and not regex_cache.store_path(tmp_path).exists()


def test_this_python_is_one_it_knows():
    # the program check above runs on this Python: its compiler is the one the module knows
    import sys

    assert sys.version_info[:2] in regex_cache.KNOWN_PYTHONS
