"""HTML outputs on screen: tables that scroll sideways (keys and mouse) instead of wrapping,
the text around them as markdown with safe links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events

from tests.ui.editor_helpers import SIZE, make_app, nb_screen, screen_text, settle, write_notebook
from tuinb.ui.view.notebook_view import NotebookView
from tuinb.ui.view.rich_outputs import SIDEWAYS_NOTE


def wide_frame(columns: int = 14, rows: int = 3) -> str:
    """A pandas-style table: an index column of <th>, wide data columns."""
    head = "".join(f"<th>measurement_{n:02d}</th>" for n in range(columns))
    body = "".join(
        f"<tr><th>row{r}</th>" + "".join(f"<td>{r * 100 + n}.5</td>" for n in range(columns))
        + "</tr>"
        for r in range(rows)
    )  # fmt: skip
    return (
        '<p>A <a href="https://example.org/docs">linked</a> caption</p>'
        f'<table class="dataframe"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def html_output(html: str) -> dict[str, Any]:
    return {
        "output_type": "execute_result",
        "execution_count": 1,
        "data": {"text/html": html, "text/plain": "DataFrame"},
        "metadata": {},
    }


def links_of(view: NotebookView, index: int) -> set[str]:
    """The hyperlink targets in a cell's rows, as the terminal gets them."""
    return {
        segment.style.link
        for row in view._block(index).lines
        if not isinstance(row, tuple)
        for segment in row
        if segment.style is not None and segment.style.link
    }


def row_of(app: Any, label: str) -> str:
    return next(row for row in screen_text(app).split("\n") if label in row)


async def test_a_wide_table_scrolls_sideways_with_the_keys(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "t.ipynb", [("code", "df")], {0: [html_output(wide_frame())]})
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "measurement_00" in row_of(app, "measurement_01")
        assert "measurement_13" not in text  # off the right edge, not wrapped below
        assert SIDEWAYS_NOTE in text
        assert len([row for row in text.split("\n") if "row1" in row]) == 1  # no wrapping
        await pilot.press("right", "right")
        await settle(pilot, lambda: "measurement_00" not in screen_text(app), "two columns on")
        assert row_of(app, "measurement_02").lstrip(" [1]:▌").startswith("measurement_02")
        assert "row2" in row_of(app, "202.5")  # the index column stays
        for _ in range(20):
            await pilot.press("right")
        await settle(pilot, lambda: "measurement_13" in screen_text(app), "the last column")
        await pilot.press("left")
        await settle(pilot, lambda: "measurement_12" in screen_text(app), "one column back")


async def test_the_mouse_sideways_wheel_scrolls_the_table_under_it(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "t.ipynb", [("code", "df")], {0: [html_output(wide_frame())]})
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = nb_screen(app).view
        y = next(n for n, row in enumerate(view.rendered_text()) if "measurement_01" in row)
        args = (view, 20, y, 0, 0, 0, False, False, False)
        view.post_message(events.MouseScrollRight(*args))
        await settle(pilot, lambda: "measurement_00" not in screen_text(app), "a column on")
        view.post_message(events.MouseScrollLeft(*args))
        await settle(pilot, lambda: "measurement_00" in screen_text(app), "back")


async def test_html_text_is_markdown_with_safe_links(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "t.ipynb", [("code", "df")], {0: [html_output(wide_frame())]})
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "A linked caption" in screen_text(app)
        assert links_of(nb_screen(app).view, 0) == {"https://example.org/docs"}
