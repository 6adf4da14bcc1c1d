"""The outline panel and collapsible headings, as JupyterLab 4 keeps them."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import Input

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    screen_text,
    settle,
    write_notebook,
)
from tuinb.model import CellType, load
from tuinb.model.outline import COLLAPSED_KEY, LEGACY_COLLAPSED_KEY
from tuinb.render.sections import COLLAPSED_KEYS
from tuinb.ui.app import TuinbApp

CELLS: list[tuple[CellType, str]] = [
    ("markdown", "# Intro"),
    ("code", "intro_code = 1"),
    ("markdown", "## Part one"),
    ("code", "part_one = 1"),
    ("code", "part_one_b = 2"),
    ("markdown", "# Results"),
    ("code", "results = 3"),
]


def panel_lines(app: TuinbApp) -> list[str]:
    panel = nb_screen(app).tools.outline_panel
    return [str(option.prompt) for option in panel.options]


def test_the_sections_plan_knows_the_models_keys() -> None:
    assert COLLAPSED_KEYS == (COLLAPSED_KEY, LEGACY_COLLAPSED_KEY)


async def test_alt_t_lists_headings_and_enter_jumps(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "o.ipynb", CELLS)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        panel = screen.tools.outline_panel
        await pilot.press("j", "alt+t")
        await settle(pilot, lambda: panel.has_focus, "the outline panel")
        lines = panel_lines(app)
        assert [line.strip(" ▶▸") for line in lines] == ["Intro", "Part one", "Results"]
        assert lines[0].startswith("▶")  # the cursor's section (cell 2 is under "Intro")
        assert lines[1].index("Part") > lines[0].index("Intro")  # a level 2 is indented
        await pilot.press("down", "down", "enter")
        assert screen.view.cursor == 5
        assert screen.view.has_focus
        assert panel_lines(app)[2].startswith("▶")
        await pilot.press("alt+t")  # the panel back in focus; again: closed
        assert panel.has_focus
        await pilot.press("alt+t")
        assert not panel.display
        assert screen.view.has_focus


async def test_collapsing_a_heading_hides_its_section_and_is_saved(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "o.ipynb", CELLS)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("left")  # on "# Intro": collapse it
        await pilot.pause()
        text = screen_text(app)
        assert "intro_code" not in text
        assert "part_one" not in text
        assert "▸ 4 cells hidden" in text
        assert "results = 3" in text
        assert app.notebook.cells[0].metadata[COLLAPSED_KEY] is True
        await pilot.press("j")  # the cursor steps over the hidden cells
        assert screen.view.cursor == 5
        await pilot.press("k", "right")
        await pilot.pause()
        assert "part_one = 1" in screen_text(app)
        assert COLLAPSED_KEY not in app.notebook.cells[0].metadata
        await pilot.press("j", "j", "left")  # on "## Part one": only its own section
        await pilot.pause()
        text = screen_text(app)
        assert "intro_code" in text
        assert "part_one" not in text
        assert "results" in text
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not app.notebook.dirty, "the save")
        assert load(path).cells[2].metadata == {COLLAPSED_KEY: True}
        await pilot.press("j", "left")  # in a section: to its heading first
        assert screen.view.cursor == 5


async def test_the_outline_jumps_into_a_collapsed_section(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "o.ipynb", CELLS)
    notebook = load(path)
    notebook.set_cell_metadata(notebook.cells[0].id, LEGACY_COLLAPSED_KEY, True)  # classic
    from tuinb.model import save

    save(notebook, path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        assert "part_one" not in screen_text(app)
        await pilot.press("alt+t", "down", "enter")
        await pilot.pause()
        assert screen.view.cursor == 2
        assert "part_one = 1" in screen_text(app)
        assert LEGACY_COLLAPSED_KEY not in app.notebook.cells[0].metadata


async def test_the_palette_offers_the_tools(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "o.ipynb", CELLS)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        palette = app.screen
        palette.query_one(Input).value = "table of contents"

        def hits() -> list[str]:
            options = palette.query_one("CommandList")
            return [str(option.prompt) for option in options._options]  # type: ignore[attr-defined]

        await settle(pilot, lambda: any("alt+t" in hit for hit in hits()), "the outline's entry")
        assert not any("Next completion" in hit for hit in hits())  # a popup's own keys
        await pilot.press("down", "enter")
        await settle(pilot, lambda: nb_screen(app).tools.outline_panel.display, "the panel")
