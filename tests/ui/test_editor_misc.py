"""Remapping by binding id, mouse selection, resizing while editing, hostile names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    screen_text,
    settle,
    sources,
    status,
    write_notebook,
)
from tuinb.model import load
from tuinb.ui.view.notebook_view import NotebookView


async def test_binding_remapped_by_id(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "k.ipynb", [("code", "a")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"cell.insert_below": "n"})
        await pilot.press("n")
        assert sources(app) == ["a", ""]
        await pilot.press("b")  # the old key no longer inserts
        assert sources(app) == ["a", ""]


async def test_click_selects_a_cell(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "c.ipynb", [("code", f"c{i}") for i in range(4)])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.click(NotebookView, offset=(12, view.cell_top(2)))
        assert view.cursor == 2
        assert "cell 3/4" in status(app)


async def test_resize_while_editing_keeps_the_editor_on_its_cell(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "r.ipynb", [("code", "a\nb\nc"), ("code", "d")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("j", "enter")
        await pilot.resize_terminal(80, 30)
        await settle(pilot, lambda: screen.editor.size.width == screen.view.content_width, "resize")
        assert screen.editor.region.y == screen.view.region.y + screen.view.cell_top(1)
        await pilot.press(*"x", "escape")
        assert sources(app) == ["a\nb\nc", "xd"]


async def test_markup_in_names_and_sources_is_shown_as_text(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "[red]odd[b].ipynb",
        [("code", "print('[/INST] [bold]x')"), ("markdown", "[/red] *hi*")],
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        assert "[red]odd[b].ipynb" in status(app)
        assert "[/INST] [bold]x" in screen_text(app)
        await pilot.press("a", "ctrl+s")
        await settle(pilot, lambda: not app.notebook.dirty, "the save")
        assert app.is_running
    assert len(load(path).cells) == 3


class FakeMarks:
    """Marks the first cell as running."""

    def __init__(self, running: str) -> None:
        self.running = running

    def gutter(self, cell: Any) -> tuple[str | None, str, str]:
        if cell.id == self.running:
            return "[*]:", "▶", "bold green"
        return None, " ", ""


async def test_execution_marks_plug_into_the_gutter(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "m.ipynb", [("code", "a"), ("code", "b")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        view.marks = FakeMarks(app.notebook.cells[1].id)
        view.refresh()
        await pilot.pause()
        rows = view.rendered_text()
        assert rows[0].startswith("  [ ]: ▌a")
        assert rows[2].startswith("  [*]:▶ b")
