"""Table grids: whatever rows of spanning cells a page holds, the IR gets a grid every writer
can draw (each position covered once, spans inside, ragged rows filled, header rows marked)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.tables import MAX_COLUMNS, grid_problems, normalize


def raw_table(rows) -> etree._Element:
    """A table as the clean stage makes it: rows of (text, rowspan, colspan, header) cells."""
    table = etree.Element("table")
    for cells in rows:
        row = etree.SubElement(table, "row")
        for text, rowspan, colspan, header in cells:
            cell = etree.SubElement(row, "cell")
            cell.text = text
            if rowspan > 1:
                cell.set("rowspan", str(rowspan))
            if colspan > 1:
                cell.set("colspan", str(colspan))
            if header:
                cell.set("header", "true")
    return table


def texts(table) -> list[list[str]]:
    return [[c.text for c in row] for row in table]


def test_merged_cells_keep_their_places():
    """The 2023 信息公开 statistics header: 信息内容 spans two rows, 本年 two columns."""
    table, clipped = normalize(raw_table([
        [("信息内容", 2, 1, True), ("本年", 1, 2, True)],
        [("制发件数", 1, 1, True), ("废止件数", 1, 1, True)],
        [("规章", 1, 1, False), ("0", 1, 1, False), ("0", 1, 1, False)],
    ]))
    assert (table.get("rows"), table.get("cols"), clipped) == ("3", "3", [])
    assert [(c.get("row"), c.get("col"), c.get("rowspan"), c.get("colspan")) for c in table.iter("cell")] == [
        ("0", "0", "2", None), ("0", "1", None, "2"), ("1", "1", None, None), ("1", "2", None, None),
        ("2", "0", None, None), ("2", "1", None, None), ("2", "2", None, None)]
    assert [row.get("header") for row in table] == ["true", "true", None]
    assert grid_problems(table) == []


def test_ragged_rows_are_filled_with_empty_cells():
    table, _ = normalize(raw_table([[("a", 1, 1, False)], [("b", 1, 1, False), ("c", 1, 1, False), ("d", 1, 1, False)]]))
    assert texts(table) == [["a", "", ""], ["b", "c", "d"]]
    assert grid_problems(table) == []


def test_a_span_past_the_edge_is_clamped():
    table, _ = normalize(raw_table([[("合计", 1, 3000, False)], [("x", 5, 1, False), ("1", 1, 1, False), ("2", 1, 1, False)]]))
    assert table.get("cols") == "3" and table.get("rows") == "2"
    first = table[0][0]
    assert first.get("colspan") == "3"
    assert table[1][0].get("rowspan") is None  # 5 rows asked, 1 left
    assert grid_problems(table) == []


def test_wide_tables_stop_at_the_column_limit():
    table, clipped = normalize(raw_table([[(str(i), 1, 1, False) for i in range(60)]]))
    assert table.get("cols") == "60" and not clipped
    wider, clipped = normalize(raw_table([[(str(i), 1, 1, False) for i in range(70)]]))
    assert wider.get("cols") == str(MAX_COLUMNS) and clipped
    assert wider[0][-1].text == " ".join(str(i) for i in range(MAX_COLUMNS - 1, 70))
    assert grid_problems(wider) == []


def test_an_all_header_table_repeats_no_header():
    table, _ = normalize(raw_table([[("a", 1, 1, True)], [("b", 1, 1, True)]]))
    assert [row.get("header") for row in table] == [None, None]


def test_grid_problems_finds_what_is_not_a_grid():
    table, _ = normalize(raw_table([[("a", 1, 1, False), ("b", 1, 1, False)], [("c", 1, 1, False), ("d", 1, 1, False)]]))
    table[0][0].set("colspan", "2")  # now overlaps b
    assert any("covered twice" in p for p in grid_problems(table))
    table[0][0].attrib.pop("colspan")
    table[1].remove(table[1][1])
    assert any("covered by no cell" in p for p in grid_problems(table))


CELL = st.tuples(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=3), st.integers(1, 6), st.one_of(st.integers(1, 4), st.just(3000)), st.booleans())


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CELL, max_size=8), min_size=1, max_size=8))
def test_any_table_becomes_a_grid(rows):
    table, _ = normalize(raw_table(rows))
    assert grid_problems(table) == []
    assert int(table.get("cols")) <= MAX_COLUMNS
    kept = [text for cells in rows for text, *_ in cells if text.strip()]
    shown = " ".join(c.text or "" for c in table.iter("cell"))
    assert all(text.strip() in shown for text in kept)


def test_spans_that_make_sense_widen_the_grid():
    """The 年报 applicant header: 申请人情况 spans seven columns over 自然人, five kinds of 法人
    and 总计, though no row has more than three cells."""
    table, _ = normalize(raw_table([
        [("本列数据的勾稽关系", 2, 1, True), ("申请人情况", 1, 7, True)],
        [("自然人", 1, 1, True), ("法人或其他组织", 1, 5, True), ("总计", 1, 1, True)],
    ]))
    assert table.get("cols") == "8"
    assert [(c.get("col"), c.get("colspan")) for c in table.iter("cell")] == [
        ("0", None), ("1", "7"), ("1", None), ("2", "5"), ("7", None)]
    wide, _ = normalize(raw_table([[("a", 1, 1, False), ("b", 1, 3000, False)], [("x", 1, 1, False)] * 3]))
    assert wide.get("cols") == "3"  # a span of 3000 makes no sense: cut at the widest row
