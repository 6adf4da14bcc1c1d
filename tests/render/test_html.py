"""HTML outputs: real pandas HTML as tables, the rest as markdown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tuinb.render.html import MarkdownBlock, Table, html_blocks


def _only_table(html: str) -> Table:
    tables = [block for block in html_blocks(html) if isinstance(block, Table)]
    assert len(tables) == 1
    return tables[0]


@pytest.fixture
def frame() -> pd.DataFrame:
    data = {"name": ["alice", "bob"], "score": [1.5, 22.25], "city": ["Paris", "Köln"]}
    return pd.DataFrame(data)


def test_dataframe_becomes_an_aligned_table(frame: pd.DataFrame) -> None:
    table = _only_table(frame._repr_html_())
    assert table.index_columns == 1
    assert table.align == ("l", "l", "r", "l")
    assert table.lines() == [
        "   name   score  city",
        "──────────────────────",
        "0  alice   1.50  Paris",
        "1  bob    22.25  Köln",
    ]


def test_styler_html_is_the_same_table_without_its_css(frame: pd.DataFrame) -> None:
    styled = frame.style.highlight_max(subset=["score"]).format({"score": "{:.1f}"})
    blocks = html_blocks(styled.to_html())
    assert [type(block) for block in blocks] == [Table]
    table = blocks[0]
    assert isinstance(table, Table)
    assert [cell.text for cell in table.body_rows[1]] == ["1", "bob", "22.2", "Köln"]
    assert not any("{" in line for line in table.lines())  # no CSS leaked


def test_multiindex_rows_are_placed_as_pandas_prints_them() -> None:
    index = pd.MultiIndex.from_product([["a", "b"], [1, 2]], names=["k", "n"])
    frame = pd.DataFrame(np.arange(8).reshape(4, 2), index=index, columns=["x", "y"])
    table = _only_table(frame._repr_html_())
    assert table.index_columns == 2
    assert table.lines() == [
        "      x  y",
        "k  n",
        "──────────",
        "a  1  0  1",
        "   2  2  3",
        "b  1  4  5",
        "   2  6  7",
    ]


def test_multiindex_columns_span_their_subcolumns() -> None:
    columns = pd.MultiIndex.from_product([["A", "B"], ["p", "q"]])
    frame = pd.DataFrame(np.arange(8).reshape(2, 4), columns=columns)
    table = _only_table(frame._repr_html_())
    assert [cell.text for cell in table.header_rows[0]] == ["", "A", "", "B", ""]
    assert [cell.text for cell in table.header_rows[1]] == ["", "p", "q", "p", "q"]


def test_wide_table_scrolls_sideways_keeping_the_index() -> None:
    frame = pd.DataFrame([[10, 20, 30, 40]], columns=["a", "b", "c", "d"])
    table = _only_table(frame._repr_html_())
    assert table.column_widths() == [1, 2, 2, 2, 2]
    assert table.lines(first_column=3) == ["    c   d", "─────────", "0  30  40"]


def test_truncated_frame_keeps_its_dots_and_shape_note() -> None:
    with pd.option_context("display.max_rows", 6):
        html = pd.DataFrame({"v": range(100)})._repr_html_()
    blocks = html_blocks(html)
    table = blocks[0]
    assert isinstance(table, Table)
    assert [row[1].text for row in table.body_rows] == ["0", "1", "2", "...", "97", "98", "99"]
    assert blocks[-1] == MarkdownBlock("100 rows × 1 columns")


def test_document_html_becomes_markdown() -> None:
    html = (
        "<h2>Results</h2><p>Some <b>bold</b> and a <a href='https://example.com/a'>link</a>.</p>"
        "<ul><li>one</li><li>two</li></ul><pre>code  block</pre>"
        "<script>alert(1)</script><style>p {color: red}</style>"
    )
    (block,) = html_blocks(html)
    assert isinstance(block, MarkdownBlock)
    text = block.text
    assert text.startswith("## Results")
    assert "**bold**" in text
    assert "[link](https://example.com/a)" in text
    assert "- one\n- two" in text
    assert "code  block" in text
    assert "alert" not in text
    assert "color" not in text


def test_text_around_a_table_keeps_its_order() -> None:
    blocks = html_blocks("<p>before</p><table><tr><td>1</td></tr></table><p>after</p>")
    assert [type(block) for block in blocks] == [MarkdownBlock, Table, MarkdownBlock]


def test_escape_sequences_in_cells_and_text_are_dropped() -> None:
    blocks = html_blocks("<p>a\x1b]52;c;aGk=\x07b</p><table><tr><td>x\x1b[2Jy</td></tr></table>")
    first, table = blocks
    assert isinstance(first, MarkdownBlock)
    assert first.text == "ab"
    assert isinstance(table, Table)
    assert table.body_rows[0][0].text == "xy"


def test_broken_html_does_not_raise() -> None:
    blocks = html_blocks("<table><tr><td rowspan='x'>1<td colspan=99999>2</table")
    assert blocks  # something is shown, nothing raised


def test_markup_around_a_table_needs_no_converter() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from tuinb.render.html import html_blocks;"
        "blocks = html_blocks('<div><style>td {color: red}</style>"
        "<table><tr><th>a</th></tr><tr><td>1</td></tr></table></div>');"
        "print(len(blocks), 'markdownify' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False"]  # a DataFrame costs no 70 ms import
