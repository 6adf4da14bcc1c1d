"""The find bar: matches marked in every cell, moving between them, toggles, replacing."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    settle,
    sources,
    stream,
    write_notebook,
)
from tuinb.model import CellType
from tuinb.ui.app import TuinbApp

CELLS: list[tuple[CellType, str]] = [
    ("code", "alpha = 1\nbeta = alpha + 1"),
    ("markdown", "# About alpha\n\nAlphabet soup."),
    ("code", "print(beta)"),
    ("code", "gamma = ALPHA"),
]


def count(app: TuinbApp) -> str:
    return str(nb_screen(app).tools.find_bar.query_one("#find-count").render())


def marked(app: TuinbApp) -> list[tuple[int, str, bool]]:
    """(row on screen, marked text, is current) of each find mark painted now."""
    view = nb_screen(app).view
    match = view.get_component_rich_style("notebook-view--find-match")
    current = view.get_component_rich_style("notebook-view--find-current")
    found: list[tuple[int, str, bool]] = []
    crop = Region(0, 0, view.size.width, view.scrollable_content_region.height)
    for y, strip in enumerate(view.render_lines(crop)):
        for text, style, _ in strip:
            if style is not None and style.bgcolor is not None:
                if style.bgcolor == current.bgcolor:
                    found.append((y, text, True))
                elif style.bgcolor == match.bgcolor:
                    found.append((y, text, False))
    return found


async def test_ctrl_f_marks_matches_in_every_cell_and_counts_them(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "f.ipynb", CELLS)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        bar = screen.tools.find_bar
        await pilot.press("ctrl+f")
        await settle(pilot, lambda: bar.query_box.has_focus, "the find box")
        await pilot.press(*"alpha")
        await settle(pilot, lambda: count(app) == "1 of 5", "the count")
        await pilot.pause()
        texts = [text for _, text, _ in marked(app)]
        # code (3 here: ALPHA ignores case), the rendered markdown (heading and "Alphabet")
        assert [text.lower() for text in texts].count("alpha") == 5
        assert [current for *_, current in marked(app)].count(True) == 1
        await pilot.press("enter")
        assert count(app) == "2 of 5"
        assert screen.view.cursor == 0  # the second match is in the first cell too
        await pilot.press("enter", "enter")
        assert count(app) == "4 of 5"
        assert screen.view.cursor == 1
        await pilot.press("enter")
        assert screen.view.cursor == 3
        await pilot.press("enter")  # round to the first again
        assert count(app) == "1 of 5"
        assert screen.view.cursor == 0
        await pilot.press("shift+enter")
        assert count(app) == "5 of 5"
        assert screen.view.cursor == 3
        await pilot.press("escape")
        assert not bar.display
        assert marked(app) == []
        assert screen.view.has_focus
        await pilot.press("ctrl+g")  # reopens the bar, same query
        assert bar.display


async def test_toggles_and_an_invalid_expression(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "f.ipynb", CELLS)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f", *"alpha")
        await settle(pilot, lambda: count(app) == "1 of 5", "the count")
        await pilot.press("alt+c")  # case: ALPHA and "Alphabet"/"About alpha"? only lower
        await settle(pilot, lambda: count(app) == "1 of 3", "case-sensitive count")
        await pilot.press("alt+c", "alt+w")  # whole word: not "Alphabet"
        await settle(pilot, lambda: count(app) == "1 of 4", "whole-word count")
        await pilot.press("alt+w", "alt+r", "ctrl+u", *"al(pha")
        await settle(pilot, lambda: "Invalid regular expression" in count(app), "the error")
        assert "missing )" in count(app)
        assert nb_screen(app).tools.find_bar.query_one("#find-count").has_class("-error")
        await pilot.press("ctrl+u", *"b.ta")
        await settle(pilot, lambda: count(app) == "1 of 2", "the regex count")


async def test_outputs_are_searched_with_their_toggle(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "f.ipynb",
        [("code", "print('x')"), ("code", "y = 2")],
        outputs={0: [stream("needle in the \x1b[31moutput\x1b[0m\n")]},
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f", *"needle")
        await settle(pilot, lambda: count(app) == "no matches", "no match in sources")
        await pilot.press("alt+o")
        await settle(pilot, lambda: count(app) == "1 of 1", "the output match")
        await pilot.pause()
        assert [text for _, text, _ in marked(app)] == ["needle"]


async def test_replace_one_and_all_as_one_undo_step(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "f.ipynb", CELLS)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        bar = nb_screen(app).tools.find_bar
        await pilot.press("alt+f", *"beta")
        await settle(pilot, lambda: count(app) == "1 of 2", "the count")
        assert bar.replacing
        await pilot.press("tab", *"delta", "enter")
        await settle(pilot, lambda: sources(app)[0] == "alpha = 1\ndelta = alpha + 1", "one")
        assert sources(app)[2] == "print(beta)"
        assert count(app) == "1 of 1"
        await pilot.press("ctrl+u", *"b2", "shift+tab", "ctrl+u", *"alpha", "alt+a")
        await settle(pilot, lambda: sources(app)[3] == "gamma = b2", "replace all")
        assert sources(app) == [
            "b2 = 1\ndelta = b2 + 1",
            "# About b2\n\nb2bet soup.",  # case ignored: "Alphabet" holds a match too
            "print(beta)",
            "gamma = b2",
        ]
        await pilot.press("escape", "z")  # one undo step for the whole replace all
        assert sources(app)[0] == "alpha = 1\ndelta = alpha + 1"
        assert sources(app)[3] == "gamma = ALPHA"


async def test_ctrl_f_in_edit_mode_searches_the_typed_text_and_comes_back(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "f.ipynb", CELLS)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("enter", "end", *" + omega", "shift+left", "shift+left")
        await pilot.press("shift+left", "shift+left", "shift+left")
        assert screen.editor.selected_text == "omega"
        await pilot.press("ctrl+f")
        await settle(pilot, lambda: count(app) == "1 of 1", "the typed text found")
        assert screen.tools.find_bar.query_box.value == "omega"
        assert sources(app)[0] == "alpha = 1 + omega\nbeta = alpha + 1"
        await pilot.press("escape")
        await settle(pilot, lambda: screen.mode == "edit", "edit mode again")
        assert screen.editor.selected_text == "omega"


async def test_a_keystroke_repaints_marks_from_cached_rows(tmp_path: Path) -> None:
    cells = [("code", f"value_{n} = {n}\nprint(value_{n})") for n in range(60)]
    path = write_notebook(tmp_path / "f.ipynb", cells)  # type: ignore[arg-type]
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        view = nb_screen(app).view
        await pilot.press("ctrl+f", *"value_")
        await settle(pilot, lambda: count(app).startswith("1 of"), "the count")
        await pilot.pause()
        marked(app)
        finished = view.contents.misses
        await pilot.press("1")
        await settle(pilot, lambda: count(app).startswith("1 of 22"), "the narrower count")
        await pilot.pause()
        assert marked(app)
        # the rows' content was finished once; a keystroke paints new marks over it
        assert view.contents.misses == finished
