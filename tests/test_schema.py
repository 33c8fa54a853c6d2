"""The IR contract: the schema documents every element, and every writer handles every element."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from pipeline import ir
from pipeline.writers import WRITER_MODULES
from pipeline.writers.base import Visitor

from .conftest import DATA

WRITERS_DIR = Path(ir.__file__).parent / "writers"


def test_every_element_has_a_prose_entry():
    docs = ir.element_docs()
    assert set(docs) == set(ir.element_names())
    assert all(len(text) > 20 for text in docs.values())


def _visitors(module):
    return [obj for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Visitor) and obj is not Visitor
            and obj.__module__ == module.__name__]


@pytest.mark.parametrize("fmt", [f for f in WRITER_MODULES if f != "xml"])
def test_writer_has_a_handler_per_element(fmt):
    module = importlib.import_module(WRITER_MODULES[fmt])
    writers = [v for v in _visitors(module) if not any(issubclass(o, v) and o is not v for o in _visitors(module))]
    assert writers, f"{fmt} writer has no Visitor"
    for writer in writers:
        missing = [name for name in ir.element_names() if not hasattr(writer, "visit_" + name.replace("-", "_"))]
        assert not missing, f"{writer.__name__} lacks handlers for {missing}"


def test_sample_fixture_is_valid_and_uses_every_element():
    tree = ir.parse((DATA / "ir" / "sample.xml").read_bytes())
    assert ir.problems(tree) == []
    assert {el.tag for el in tree.iter()} == set(ir.element_names())


def test_parse_refuses_other_versions():
    from pipeline.errors import InvalidIR
    with pytest.raises(InvalidIR):
        ir.parse(b'<report version="1"><meta><title/></meta><body/></report>')


READING_STAGES = ("load", "clean", "readers", "fsio", "pictures", "batch", "cli")
# The builtin open (a library's X.open(io.BytesIO(...)) reads memory, not a file).
FILE_ACCESS = re.compile(r"(?<![\w.])open\(|\.read_bytes\(|\.read_text\(|\.is_file\(|\.exists\(|os\.path|\bimport os\b|from pathlib|import pathlib")


@pytest.mark.parametrize("module", sorted(p.name for p in WRITERS_DIR.glob("*.py")))
def test_writers_read_nothing_and_import_no_reading_stage(module):
    """Writers print only what the IR holds: no module under writers/ opens a file or imports
    the stages that read inputs."""
    source = (WRITERS_DIR / module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = (node.module or "").split(".")[0]
            imported |= {base} if base else {alias.name for alias in node.names}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            if name and name.startswith("pipeline."):
                imported.add(name.split(".")[1])
    assert not imported & set(READING_STAGES), f"{module} imports {sorted(imported & set(READING_STAGES))}"
    assert not FILE_ACCESS.search(source), f"{module} touches files: {FILE_ACCESS.search(source).group()}"
