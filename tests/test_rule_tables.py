"""The rule tables' parsed data kept in the user's cache (``pipeline.rules.load_rules``): a new
process reads a table back instead of parsing its YAML, a table whose YAML changed is parsed
again, and a cache that cannot be written only costs the parsing."""
from __future__ import annotations

import marshal
from importlib import resources

import pytest

from pipeline import rules
from pipeline.fsio import user_cache_folder


def parsed(name: str):
    return rules.read_yaml(resources.files("pipeline.rules").joinpath(f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """A cache folder of the test's own; every table loaded afresh, as in a new process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules.load_rules.cache_clear()
    yield user_cache_folder() / "rules"
    rules.load_rules.cache_clear()


def refuse_parsing(monkeypatch):
    def refused(text):
        raise AssertionError("the table was parsed again")
    monkeypatch.setattr(rules, "read_yaml", refused)


@pytest.mark.parametrize("name", ["clean", "structure", "titles", "disclosure_tables", "front"])
def test_a_table_is_read_back_not_parsed_in_a_new_process(own_cache, monkeypatch, name):
    expected = parsed(name)
    assert rules.load_rules(name) == expected
    assert [p.name for p in own_cache.iterdir()] == [f"{name}-v{rules.KEPT_VERSION}-m{marshal.version}.bin"]
    rules.load_rules.cache_clear()  # a new process
    refuse_parsing(monkeypatch)
    assert rules.load_rules(name) == expected


def test_a_table_whose_yaml_changed_is_parsed_again(own_cache):
    rules.load_rules("structure")
    (kept,) = own_cache.iterdir()
    kept.write_bytes(marshal.dumps(("the digest of other YAML", {"kinds": "stale"})))
    rules.load_rules.cache_clear()
    assert rules.load_rules("structure") == parsed("structure")
    assert marshal.loads(kept.read_bytes())[1] == parsed("structure")  # kept anew


def test_an_unwritable_or_damaged_cache_only_costs_the_parsing(own_cache):
    own_cache.parent.mkdir(parents=True)
    own_cache.write_bytes(b"a file where the folder would be")
    assert rules.load_rules("front") == parsed("front")
    own_cache.unlink()
    own_cache.mkdir()
    (own_cache / f"front-v{rules.KEPT_VERSION}-m{marshal.version}.bin").write_bytes(b"\x00damaged")
    rules.load_rules.cache_clear()
    assert rules.load_rules("front") == parsed("front")
