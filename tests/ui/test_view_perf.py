"""Cursor moves repaint little: no screen layout, only the rows that changed, next cells ready."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.editor_helpers import SIZE, make_app, nb_screen, screen_text, status, write_notebook

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
        assert view.is_rendered(last + 1)
        assert not view.is_rendered(last + 10)


async def test_j_without_scrolling_repaints_only_the_two_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells: list[tuple[Any, str]] = [("code", f"c{i}") for i in range(6)]
    app = make_app(write_notebook(tmp_path / "s.ipynb", cells))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.pause()
        painted: list[int] = []
        original = view.render_line

        def counting(y: int) -> Any:
            painted.append(y)
            return original(y)

        monkeypatch.setattr(view, "render_line", counting)
        await pilot.press("j")
        await pilot.pause()
        assert view.cursor == 1
        rows = set(range(view.cell_top(0), view.cell_top(2)))
        assert painted
        assert set(painted) <= rows
