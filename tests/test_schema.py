"""The IR contract: the schema documents every element, and every writer handles every element."""
from __future__ import annotations

import importlib

import pytest

from pipeline import ir
from pipeline.writers import WRITER_MODULES
from pipeline.writers.base import Visitor

from .conftest import DATA


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
        ir.parse(b'<report version="2"><meta><title/></meta><body/></report>')
