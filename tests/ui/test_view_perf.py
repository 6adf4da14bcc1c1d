"""Cursor moves repaint little: no screen layout, only the rows that changed, next cells ready."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from textual.geometry import Region
from textual.widget import Widget

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    screen_text,
    settle,
    status,
    stream,
    write_notebook,
)
from tuinb.ui.themes import DEFAULT_LIGHT
from tuinb.ui.view.notebook_view import NotebookView
from tuinb.ui.view.row_cache import RowScrollBar

LONG = "word " * 60
"""A markdown paragraph that wraps to several rows (its height estimate is one row)."""


async def test_j_scrolling_wrapped_cells_needs_no_screen_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells: list[tuple[Any, str]] = [("markdown", f"cell{i} {LONG}") for i in range(60)]
    app = make_app(write_notebook(tmp_path / "w.ipynb", cells))
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        view = screen.view
        await pilot.pause()
        layouts = 0
        original = screen._refresh_layout

        def counting(*args: Any, **kwargs: Any) -> None:
            nonlocal layouts
            layouts += 1
            original(*args, **kwargs)

        monkeypatch.setattr(screen, "_refresh_layout", counting)
        for _ in range(30):
            await pilot.press("j")
        await pilot.pause()
        assert view.cursor == 30
        assert "cell 31/60" in status(app)
        assert "cell30 word" in screen_text(app)
        assert view.relayouts_skipped > 0  # heights were corrected while scrolling
        assert layouts == 0
        top = view.cell_top(30) - int(view.scroll_y)
        assert 0 <= top < view.scrollable_content_region.height


async def test_cells_just_below_the_screen_are_rendered_before_they_scroll_in(
    tmp_path: Path,
) -> None:
    cells: list[tuple[Any, str]] = [("code", f"x{i} = {i}\nprint(x{i})") for i in range(100)]
    app = make_app(write_notebook(tmp_path / "p.ipynb", cells))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        for _ in range(20):
            await pilot.press("j")
        await pilot.pause()
        last = view.index_at(int(view.scroll_y) + view.scrollable_content_region.height)
        await settle(pilot, lambda: view.is_rendered(last + 1), "the next cell rendered")
        keys = view._content_keys(last + 1, view._block(last + 1), 5)
        await settle(
            pilot,
            lambda: all(view._content_cache_key(key) in view.contents for key in keys),
            "the next cell's rows finished",
        )
        assert not view.is_rendered(last + 10)


async def test_j_without_scrolling_repaints_only_the_two_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells: list[tuple[Any, str]] = [("code", f"c{i}") for i in range(6)]
    app = make_app(write_notebook(tmp_path / "s.ipynb", cells))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.pause()
        painted: list[Any] = []
        original = view.rows.put

        def counting(key: Any, strip: Any) -> None:
            painted.append(key)
            original(key, strip)

        monkeypatch.setattr(view.rows, "put", counting)
        contents_before = view.contents.misses
        await pilot.press("j")
        await pilot.pause()
        assert view.cursor == 1
        ids = {app.notebook.cells[0].id, app.notebook.cells[1].id}
        assert painted
        assert {content[0] for content, _gutter in painted} <= ids
        assert view.contents.misses == contents_before  # only the gutters' bars changed


def _reference(view: NotebookView, crop: Region) -> list[list[Segment]]:
    """The rows as Textual's own path paints them (no row cache)."""
    view._styles_cache.clear()
    return [list(strip) for strip in Widget.render_lines(view, crop)]


def _painted(view: NotebookView, crop: Region) -> list[list[Segment]]:
    return [list(strip) for strip in view.render_lines(crop)]


async def test_cached_rows_are_the_rows_textual_would_paint(tmp_path: Path) -> None:
    cells: list[tuple[Any, str]] = [
        ("markdown", "# Title\n\nSome *text*."),
        ("code", "x = 1\nprint(x)"),
        ("raw", "raw text"),
        *[("code", f"y{i} = {i}") for i in range(30)],
    ]
    outputs = {1: [stream("one\ntwo\n")], 3: [stream("\x1b[31mred\x1b[0m\n")]}
    app = make_app(write_notebook(tmp_path / "r.ipynb", cells, outputs))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await settle(pilot, lambda: view.highlighting, "the highlighter")
        full = Region(0, 0, view.size.width, view.size.height)
        for key in ["j", "j", "J", "J", "j", "G", "k", "g", "g"]:
            await pilot.press(key)
            assert _painted(view, full) == _reference(view, full)
            assert _painted(view, full) == _reference(view, full)  # now from the cache
        part = Region(3, 2, 50, 9)
        assert _painted(view, part) == _reference(view, part)
        assert view.rows.hits > 0


async def test_an_edit_shows_on_screen_after_moving_away_and_back(tmp_path: Path) -> None:
    cells: list[tuple[Any, str]] = [("code", f"v{i} = {i}") for i in range(60)]
    app = make_app(write_notebook(tmp_path / "e.ipynb", cells))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.pause()
        assert "v0 = 0" in screen_text(app)
        await pilot.press("enter", "end", "z", "z", "escape")
        assert "v0 = 0zz" in screen_text(app)
        for _ in range(45):  # far enough to scroll the edited cell out and back
            await pilot.press("j")
        assert "v0 = 0" not in screen_text(app)
        for _ in range(45):
            await pilot.press("k")
        text = screen_text(app)
        assert "v0 = 0zz" in text
        full = Region(0, 0, view.size.width, view.size.height)
        assert _painted(view, full) == _reference(view, full)
        # a change through the model alone (no focus change that restyles the view)
        screen = nb_screen(app)
        app.notebook.set_source(app.notebook.cells[1].id, "changed = True")
        screen.moving.show_changes()
        await pilot.pause()
        assert "changed = True" in screen_text(app)
        assert "v1 = 1" not in screen_text(app)


async def test_theme_and_width_changes_repaint_every_row(tmp_path: Path) -> None:
    cells: list[tuple[Any, str]] = [("code", f"w{i} = {i}  # a comment") for i in range(20)]
    app = make_app(write_notebook(tmp_path / "t.ipynb", cells))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await settle(pilot, lambda: view.highlighting, "the highlighter")
        full = Region(0, 0, view.size.width, view.size.height)
        dark = _painted(view, full)
        app.theme = DEFAULT_LIGHT
        await pilot.pause()
        light = _painted(view, full)
        assert light != dark
        assert light == _reference(view, full)
        await pilot.resize_terminal(80, 30)
        await pilot.pause()
        narrow = Region(0, 0, view.size.width, view.size.height)
        painted = _painted(view, narrow)
        assert {sum(len(segment.text) for segment in row) for row in painted} == {80}
        assert painted == _reference(view, narrow)


async def test_the_scrollbar_paints_as_textuals_does(tmp_path: Path) -> None:
    cells: list[tuple[Any, str]] = [("code", f"s{i} = {i}\nprint(s{i})") for i in range(80)]
    app = make_app(write_notebook(tmp_path / "b.ipynb", cells))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.pause()
        bar = view.vertical_scrollbar
        assert isinstance(bar, RowScrollBar)
        for _ in range(3):
            for _ in range(12):
                await pilot.press("j")
            crop = Region(0, 0, bar.size.width, bar.size.height)
            ours = [list(strip) for strip in bar.render_lines(crop)]
            bar._styles_cache.clear()
            assert ours == [list(strip) for strip in Widget.render_lines(bar, crop)]
