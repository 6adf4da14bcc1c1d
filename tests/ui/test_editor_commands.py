"""Command-mode keys: moving, inserting, deleting, undo, clipboard, types, merge, moves."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    screen_text,
    settle,
    sources,
    status,
    types,
    write_notebook,
)


def five(tmp_path: Path) -> Path:
    return write_notebook(
        tmp_path / "five.ipynb",
        [("code", f"c{i} = {i}") for i in range(5)],
    )


async def test_opens_with_cells_and_status_bar(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "open.ipynb",
        [("code", "x = 1\nprint(x)"), ("markdown", "# Big Title\n\nsome *text*"), ("raw", "r")],
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[ ]:" in text
        assert "x = 1" in text
        assert "print(x)" in text
        assert "md" in text
        assert "Big Title" in text
        assert "# Big Title" not in text  # rendered, not shown as source
        assert "raw" in text
        bar = status(app)
        assert bar.startswith(" open.ipynb")
        assert "COMMAND" in bar
        assert "Python 3" in bar
        assert "cell 1/3" in bar
        assert app.focused is nb_screen(app).view
        # code is coloured once the lexer is ready (it compiles off the event loop)
        view = nb_screen(app).view
        await settle(pilot, lambda: view.highlighting, "the highlighter")
        await pilot.pause()
        coloured = [seg for seg in view.render_line(1) if seg.style and seg.style.color]
        assert any("print" in seg.text for seg in coloured)


async def test_moving_between_cells(tmp_path: Path) -> None:
    app = make_app(five(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.press("j")
        assert view.cursor == 1
        await pilot.press("down")
        assert view.cursor == 2
        assert "cell 3/5" in status(app)
        await pilot.press("k")
        assert view.cursor == 1
        await pilot.press("up")
        assert view.cursor == 0
        await pilot.press("up")
        assert view.cursor == 0  # clamped
        await pilot.press("G")
        assert view.cursor == 4
        assert "cell 5/5" in status(app)
        await pilot.press("g")
        assert view.cursor == 4  # one g is not enough
        await pilot.press("j", "g")
        assert view.cursor == 4  # the j broke the chord
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("end")
        assert view.cursor == 4
        await pilot.press("home")
        assert view.cursor == 0
        assert "cell 1/5" in status(app)
        # the cursor bar is drawn on the cursor cell's first row only for that cell
        rows = nb_screen(app).view.rendered_text()
        assert rows[0].startswith("  [ ]: ▌c0 = 0")
        assert not rows[2].startswith("  [ ]: ▌")


async def test_insert_delete_undo_redo(tmp_path: Path) -> None:
    app = make_app(five(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.press("j", "a")
        assert sources(app) == ["c0 = 0", "", "c1 = 1", "c2 = 2", "c3 = 3", "c4 = 4"]
        assert view.cursor == 1
        assert "[+]" in status(app)
        assert "cell 2/6" in status(app)
        await pilot.press("b")
        assert sources(app)[2] == ""
        assert view.cursor == 2
        await pilot.press("z", "z")
        assert sources(app) == [f"c{i} = {i}" for i in range(5)]
        await pilot.press("Z")
        assert len(sources(app)) == 6
        await pilot.press("z")
        await pilot.press("home", "j", "d")
        assert len(sources(app)) == 5  # one d does nothing
        await pilot.press("d")
        assert sources(app) == ["c0 = 0", "c2 = 2", "c3 = 3", "c4 = 4"]
        assert "c1 = 1" not in screen_text(app)
        assert view.cursor == 1
        await pilot.press("z")
        assert sources(app)[1] == "c1 = 1"
        assert "c1 = 1" in screen_text(app)


async def test_copy_cut_paste(tmp_path: Path) -> None:
    app = make_app(five(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "j", "v")
        assert sources(app) == ["c0 = 0", "c1 = 1", "c0 = 0", "c2 = 2", "c3 = 3", "c4 = 4"]
        ids = [cell.id for cell in app.notebook.cells]
        assert len(set(ids)) == 6  # pasted copies get fresh ids
        assert nb_screen(app).view.cursor == 2
        await pilot.press("x")
        assert sources(app) == ["c0 = 0", "c1 = 1", "c2 = 2", "c3 = 3", "c4 = 4"]
        await pilot.press("G", "V")
        assert sources(app) == ["c0 = 0", "c1 = 1", "c2 = 2", "c3 = 3", "c0 = 0", "c4 = 4"]
        assert screen_text(app).count("c0 = 0") == 2


async def test_change_type_and_merge(tmp_path: Path) -> None:
    app = make_app(five(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        assert types(app)[0] == "markdown"
        assert nb_screen(app).view.rendered_text()[0].startswith("    md")
        await pilot.press("r")
        assert types(app)[0] == "raw"
        assert nb_screen(app).view.rendered_text()[0].startswith("   raw")
        await pilot.press("y")
        assert types(app)[0] == "code"
        assert nb_screen(app).view.rendered_text()[0].startswith("  [ ]:")
        await pilot.press("M")  # with the cell below
        assert sources(app) == ["c0 = 0\nc1 = 1", "c2 = 2", "c3 = 3", "c4 = 4"]
        await pilot.press("j", "J", "J", "M")  # the three selected
        assert sources(app) == ["c0 = 0\nc1 = 1", "c2 = 2\nc3 = 3\nc4 = 4"]
        await pilot.press("z", "z")
        assert len(sources(app)) == 5


async def test_selection_and_moving_cells(tmp_path: Path) -> None:
    app = make_app(five(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.press("j", "J")
        assert list(view.selection) == [1, 2]
        rows = view.rendered_text()
        # cells 1 and 2 carry the selection bar, cell 3 does not
        assert rows[2].startswith("  [ ]: ▌c1")
        assert rows[4].startswith("  [ ]: ▌c2")
        assert not rows[6].startswith("  [ ]: ▌")
        await pilot.press("K", "K")
        assert list(view.selection) == [0, 1]
        await pilot.press("j")
        assert list(view.selection) == [1]
        await pilot.press("J", "alt+down")
        assert sources(app) == ["c0 = 0", "c3 = 3", "c1 = 1", "c2 = 2", "c4 = 4"]
        assert list(view.selection) == [2, 3]
        await pilot.press("ctrl+shift+down")
        assert sources(app) == ["c0 = 0", "c3 = 3", "c4 = 4", "c1 = 1", "c2 = 2"]
        await pilot.press("ctrl+shift+up", "alt+up")
        assert sources(app) == ["c0 = 0", "c1 = 1", "c2 = 2", "c3 = 3", "c4 = 4"]
        assert list(view.selection) == [1, 2]
        await pilot.press("d", "d")
        assert sources(app) == ["c0 = 0", "c3 = 3", "c4 = 4"]


async def test_a_burst_across_modes_is_applied_in_order(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "b.ipynb", [("code", "a"), ("code", "b")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst = [("j", "j"), ("enter", "\r"), ("x", "x"), ("escape", "\x1b"), ("k", "k")]
        burst += [("d", "d"), ("d", "d")]
        for key, char in burst:  # all at once, as tmux send-keys delivers them
            app.post_message(events.Key(key, char))
        await settle(pilot, lambda: sources(app) == ["xb"], "the burst")
        assert nb_screen(app).mode == "command"
