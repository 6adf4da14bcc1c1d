"""Edit mode: the one live editor, auto-indent, dedent, escape, split; output folding."""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from textual import events
from textual.geometry import Region
from textual.strip import Strip

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
from tuinb.config import parse_config
from tuinb.ui.editor.cell_editor import CellEditor


async def test_edit_type_indent_and_escape(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "e.ipynb", [("code", "a = 1"), ("code", "b = 2")])
    no_pairs = parse_config("[editor]\nauto_close_brackets = false\n", tmp_path / "c.toml")
    app = make_app(path, config=no_pairs)
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


async def test_escape_sequences_in_a_source_never_reach_the_terminal(tmp_path: Path) -> None:
    hostile = "x = 1\x1b]0;TITLE\x07\x1b]52;c;SGVsbG8=\x07\x1b[2J\x1bc # end"
    path = write_notebook(tmp_path / "h.ipynb", [("code", hostile)])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        view_rows = screen.view.rendered_text()
        assert "x = 1" in view_rows[0]
        assert not any("\x1b" in row or "\x07" in row for row in view_rows)
        await pilot.press("enter")
        editor = screen.editor
        assert editor.text == hostile  # the source itself is kept as it is
        rows = [editor.render_line(y).text for y in range(editor.size.height)]
        assert "x = 1" in rows[0]
        assert "# end" in rows[0]
        assert not any("\x1b" in row or "\x07" in row for row in rows)
        await pilot.press("escape")
        assert sources(app) == [hostile]


async def test_long_cell_is_highlighted_after_typing_pauses(tmp_path: Path) -> None:
    source = "\n".join(f"value_{i} = {i}  # comment" for i in range(400))
    path = write_notebook(tmp_path / "long.ipynb", [("code", source)])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("enter")
        editor = screen.editor
        assert editor._highlights[0]  # highlighted at once when loaded
        assert editor.cursor_location == (0, 0)
        await pilot.press("#")  # the whole first line becomes a comment
        # The re-highlight is deferred until typing pauses; how soon its timer
        # fires depends on the machine, so wait for the result, not the timer.
        await settle(
            pilot,
            lambda: any(
                start == 0 and name == "comment" for start, _e, name in editor._highlights[0]
            ),
            "the first line re-highlighted as a comment",
        )
        assert "number" not in {name for _start, _end, name in editor._highlights[0]}
        assert any(name == "number" for _s, _e, name in editor._highlights[1])


async def test_a_burst_of_keys_is_applied_in_order(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "b.ipynb", [("code", "abc")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        # all at once, as tmux send-keys or a key macro delivers them
        for key, char in [("end", None), ("enter", "\r"), ("x", "x"), ("home", None), ("y", "y")]:
            app.post_message(events.Key(key, char))
        await settle(pilot, lambda: nb_screen(app).editor.text.count("\n") == 1, "the keys")
        await pilot.pause()
        assert nb_screen(app).editor.text == "abc\nyx"


async def test_typing_keeps_the_rows_it_did_not_change_and_repaints_the_rest(
    tmp_path: Path,
) -> None:
    source = 'x = 1\ns = "text"\n# a comment\ny = [x, 2]'
    app = make_app(write_notebook(tmp_path / "k.ipynb", [("code", source)]))
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("enter")
        editor = screen.editor
        crop = Region(0, 0, editor.size.width, editor.size.height)

        def painted() -> list[list[Segment]]:
            editor._styles_cache.clear()  # Textual's own per-screen-row cache
            return [list(strip) for strip in editor.render_lines(crop)]

        def fresh() -> list[list[Segment]]:
            editor._line_cache.clear()
            return painted()

        painted()
        kept: list[int] = []
        original = editor._render_line

        def counting(y: int) -> Strip:
            kept.append(y)
            return original(y)

        editor._render_line = counting  # type: ignore[method-assign]
        await pilot.press("down", "end", *"  # more")  # line 1 only
        rows = painted()
        assert set(kept) == {0, 1}  # the row the cursor left, and the edited row
        assert rows == fresh()
        assert editor.text.split("\n")[1] == 's = "text"  # more'
        # a triple quote opens a string to the end of the cell: later rows change colour only
        before = painted()
        await pilot.press("up", "home", *'"""')
        assert editor.text.startswith('"""x = 1')
        rows = painted()
        assert rows[3] != before[3]
        assert rows == fresh()
        await pilot.press("ctrl+z")
        assert painted() == fresh()
        await pilot.press("end", "enter", *"z = 3")  # a new row: everything repainted
        assert painted() == fresh()
        assert editor.text.split("\n")[1] == "z = 3"
