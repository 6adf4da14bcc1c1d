"""Editing code: comment toggle, closing brackets, indenting selections; scroll-follow."""

from __future__ import annotations

from pathlib import Path

from tests.ui.editor_helpers import SIZE, make_app, nb_screen, settle, sources, write_notebook
from tests.ui.scripted_engine import ScriptedEngine
from tuinb.engine import events as ev
from tuinb.model import load
from tuinb.ui.app import TuinbApp


async def test_ctrl_slash_comments_and_uncomments_the_lines(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "c.ipynb", [("code", "if x:\n    a = 1\n\n    b = 2"), ("markdown", "text")]
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = nb_screen(app).editor
        await pilot.press("enter", "down", "shift+down", "shift+down", "shift+down")
        await pilot.press("ctrl+underscore")  # what terminals send for ctrl+/
        assert editor.text == "if x:\n    # a = 1\n\n    # b = 2"
        assert editor.selected_text.startswith("    # a = 1")  # the selection follows
        await pilot.press("ctrl+slash")  # the kitty protocol's name for it
        assert editor.text == "if x:\n    a = 1\n\n    b = 2"
        await pilot.press("escape", "j", "enter", "ctrl+underscore")
        assert editor.text == "text"  # markdown has no line comment


async def test_brackets_and_quotes_close_themselves(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "c.ipynb", [("code", "")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = nb_screen(app).editor
        await pilot.press("enter", *"f(")
        assert editor.text == "f()"
        await pilot.press(*"'a")
        assert editor.text == "f('a')"
        await pilot.press("'", ")")  # typed over the closers
        assert editor.text == "f('a')"
        assert editor.cursor_location == (0, 6)
        await pilot.press(*" + [", "backspace")  # an empty pair goes at once
        assert editor.text == "f('a') + "
        await pilot.press(*"{", "enter", *"k: 1")
        assert editor.text == "f('a') + {\n    k: 1\n}"


async def test_tab_and_dedent_act_on_every_selected_line(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "c.ipynb", [("code", "a = 1\nb = 2\nc = 3")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = nb_screen(app).editor
        await pilot.press("enter", "shift+down", "shift+down", "shift+end", "tab")
        assert editor.text == "    a = 1\n    b = 2\n    c = 3"
        await pilot.press("shift+tab")  # with a selection: dedent, not help
        assert editor.text == "a = 1\nb = 2\nc = 3"
        await pilot.press("escape")
        assert sources(app) == ["a = 1\nb = 2\nc = 3"]


async def test_the_view_follows_a_growing_output_until_the_user_moves(tmp_path: Path) -> None:
    cells = [("code", f"x{n} = {n}") for n in range(3)]
    path = write_notebook(tmp_path / "f.ipynb", cells)  # type: ignore[arg-type]
    notebook = load(path)
    engine = ScriptedEngine(notebook)
    app = make_app(path, engine=engine, check_recovery=False)

    async def grow(cell_id: str, lines: int) -> None:
        app.notebook.append_output(
            cell_id, {"output_type": "stream", "name": "stdout", "text": "row\n" * lines}
        )
        engine.emit(ev.OutputsChanged(cell_id))

    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        view = screen.view
        view.unfolded.add(app.notebook.cells[0].id)  # outputs shown whole
        cell_id = app.notebook.cells[0].id
        await pilot.press("ctrl+j")
        engine.emit(ev.CellStarted(cell_id))
        await pilot.pause()
        await grow(cell_id, 80)
        height = view.scrollable_content_region.height

        def end_in_sight(app: TuinbApp = app) -> bool:
            return view.cell_top(1) <= round(view.scroll_y) + height

        await settle(pilot, lambda: round(view.scroll_y) > 0 and end_in_sight(), "following")
        await pilot.press("k")  # the user moves (up from the first cell: scrolls back)
        await pilot.pause()
        left = round(view.scroll_y)
        await grow(cell_id, 80)
        await settle(pilot, lambda: view.cell_top(1) > 160, "the second output in the view")
        await pilot.pause()
        assert round(view.scroll_y) == left
