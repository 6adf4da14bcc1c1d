"""Edit mode: the one live editor, auto-indent, dedent, escape, split; output folding."""

from __future__ import annotations

from pathlib import Path

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    screen_text,
    settle,
    sources,
    status,
    stream,
    write_notebook,
)
from tuinb.ui.editor import CellEditor


async def test_edit_type_indent_and_escape(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "e.ipynb", [("code", "a = 1"), ("code", "b = 2")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("j", "enter")
        editor = screen.editor
        assert isinstance(app.focused, CellEditor)
        assert screen.mode == "edit"
        assert "EDIT" in status(app)
        assert editor.text == "b = 2"
        assert editor.match_cursor_bracket
        assert len(screen.query(CellEditor)) == 1  # one live editor, not one per cell
        await pilot.press("end", "enter", *"if b:", "enter", *"c = (", "enter")
        # after ":" one level more; after an open bracket one more again
        assert editor.text == "b = 2\nif b:\n    c = (\n        "
        await pilot.press("shift+tab", *"1)", "enter", *"d = 3")
        assert editor.text == "b = 2\nif b:\n    c = (\n    1)\n    d = 3"
        assert app.notebook.cells[1].source == "b = 2"  # not committed while editing
        assert "[+]" in status(app)  # but the dirty mark shows at once
        # the editor sits over its cell's rows: the view keeps room for all its lines
        assert screen.view.editor_rows == 5
        assert editor.region.y == screen.view.region.y + screen.view.cell_top(1)
        await pilot.press("escape")
        assert screen.mode == "command"
        assert not editor.display
        focused: object = app.focused
        assert focused is screen.view
        assert sources(app)[1] == "b = 2\nif b:\n    c = (\n    1)\n    d = 3"
        assert "COMMAND" in status(app)
        assert "[+]" in status(app)
        assert "    d = 3" in screen_text(app)
        await pilot.press("z")  # one undo step for the whole edit
        assert sources(app)[1] == "b = 2"


async def test_escape_without_change_is_not_a_change(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "e.ipynb", [("code", "a = 1")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "escape")
        assert not app.notebook.dirty
        assert "[+]" not in status(app)


async def test_split_at_cursor(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "s.ipynb", [("code", "one\ntwo\nthree")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("enter", "down")
        await pilot.press("ctrl+backslash")
        assert sources(app) == ["one", "two\nthree"]
        assert screen.mode == "edit"
        assert screen.editor.text == "two\nthree"
        assert screen.view.cursor == 1
        await pilot.press("down", "ctrl+shift+minus")
        await pilot.press("escape")
        assert sources(app) == ["one", "two", "three"]


async def test_markdown_is_source_while_edited(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "m.ipynb", [("markdown", "# Heading")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        assert "# Heading" not in screen_text(app)
        await pilot.press("enter")
        assert nb_screen(app).editor.text == "# Heading"
        await pilot.press("end", *" two", "escape")
        assert sources(app) == ["# Heading two"]
        assert "Heading two" in screen_text(app)
        assert "# Heading two" not in screen_text(app)


async def test_long_output_is_folded_and_o_unfolds(tmp_path: Path) -> None:
    lines = "".join(f"row {i}\n" for i in range(200_000))
    path = write_notebook(
        tmp_path / "big.ipynb", [("code", "print(rows)"), ("code", "after")], {0: [stream(lines)]}
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        text = screen_text(app)
        assert "row 0" in text
        assert "more lines" in text
        assert "row 199999" in text
        assert "after" in text  # the next cell follows the folded output
        folded_total = screen.view.virtual_size.height
        assert folded_total < 60
        await pilot.press("o")
        await settle(pilot, lambda: screen.view.virtual_size.height > 200_000, "unfold")
        assert "more lines" not in screen_text(app)
        await pilot.press("G")
        assert "after" in screen_text(app)
        await pilot.press("home", "o")
        assert screen.view.virtual_size.height == folded_total
        assert "more lines" in screen_text(app)
