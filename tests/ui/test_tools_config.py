"""The config file reaches the editor: keys remapped by id, view and editor options, theme."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    settle,
    stream,
    write_notebook,
)
from tests.ui.scripted_engine import ScriptedEngine
from tuinb.config import parse_config
from tuinb.model import load
from tuinb.render.options import ViewOptions
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.help import HelpScreen, help_table
from tuinb.ui.firstframe import frame as prepaint

SGR = re.compile(r"\x1b\[[0-9;:]*m")


def notices(app: TuinbApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def test_keys_are_remapped_by_id_and_problems_named_once(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "k.ipynb", [("code", "a = 1"), ("code", "b = 2")])
    text = (
        '[keys]\n"cell.run" = ["ctrl+r"]\n"find.open" = []\n"cell.runn" = "f5"\n"cell.copy" = "x"\n'
    )
    config = parse_config(text, tmp_path / "config.toml")
    notebook = load(path)
    engine = ScriptedEngine(notebook)
    app = make_app(path, engine=engine, config=config, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("ctrl+j")  # no longer a run key
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: engine.calls_named("run_cells") != [], "the run")
        assert engine.calls_named("run_cells") == [[app.notebook.cells[0].id]]
        await pilot.press("ctrl+f")  # unbound by the config
        await pilot.pause()
        assert not screen.tools.find_bar.display
        shown = notices(app)
        assert any(
            "config.toml, line 4: `cell.runn` is not a binding id (did you mean `cell.run`?)"
            in note
            for note in shown
        )
        assert any("`x` is bound twice in command mode" in note for note in shown)
        await pilot.press("x")  # `cell.copy` was remapped onto it and keeps it: x copies
        assert len(app.notebook.cells) == 2
        assert len(app.cell_clipboard) == 1
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        console = Console(width=200, record=True)
        console.print(help_table(app.keymap_applied))
        table = console.export_text()
        assert re.search(r"ctrl\+r +│ Run selected cells", table)
        assert re.search(r"\(no key\) +│ Find in the notebook", table)


def options_config(tmp_path: Path, text: str) -> TuinbApp:
    lines = "\n".join(f"print({n})" for n in range(3))
    long = "".join(f"line {n}\n" for n in range(50))
    path = write_notebook(
        tmp_path / "v.ipynb", [("code", lines), ("code", "x = 1")], outputs={0: [stream(long)]}
    )
    return make_app(path, config=parse_config(text, tmp_path / "config.toml"))


async def test_line_numbers_and_fold_length_in_the_view_and_the_first_frame(
    tmp_path: Path,
) -> None:
    app = options_config(tmp_path, "[editor]\nline_numbers = true\n[output]\nfold_lines = 4\n")
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        view = screen.view
        assert view.options == ViewOptions(line_numbers=True, fold_lines=4)
        rows = [row.rstrip() for row in view.rendered_text()]
        assert rows[0].endswith("1  print(0)")
        assert rows[2].endswith("3  print(2)")
        assert rows[3].endswith("line 0")
        assert rows[5].endswith("… 46 more lines (o to expand) …")
        assert rows[7].endswith("line 49")
        await pilot.press("enter")
        assert screen.editor.show_line_numbers
        await pilot.press("escape", "shift+l")
        await pilot.pause()
        assert not view.options.line_numbers
        assert view.rendered_text()[0].rstrip().endswith("▌print(0)")


async def test_editor_options_and_the_notification_threshold(tmp_path: Path) -> None:
    text = (
        "notify_after = 2.5\n[editor]\ntab_width = 2\nsoft_wrap = true\n"
        "auto_close_brackets = false\n"
    )
    app = options_config(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        assert screen.running.long_cell_seconds == 2.5
        await pilot.press("j", "enter", "home", "tab", "(")
        assert screen.editor.text == "  (x = 1"
        assert screen.editor.soft_wrap


async def test_a_theme_from_the_config_and_an_unknown_one(tmp_path: Path) -> None:
    app = options_config(tmp_path, 'theme = "tuinb-light"\n')
    async with app.run_test(size=SIZE):
        assert app.theme == "tuinb-light"
    other = tmp_path / "other"
    other.mkdir()
    app = options_config(other, 'notify_after = 0\ntheme = "nope"\n')
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "tuinb-dark"
        assert nb_screen(app).running.long_cell_seconds == float("inf")
        await settle(
            pilot, lambda: any("`theme` names no theme" in n for n in notices(app)), "note"
        )
        assert any("config.toml, line 2" in note for note in notices(app))


async def test_first_frame_draws_with_the_configs_options(tmp_path: Path) -> None:
    app = options_config(tmp_path, "")
    text = prepaint.frame(
        app.notebook, columns=80, lines=24, options=ViewOptions(line_numbers=True, fold_lines=2)
    )
    plain = SGR.sub("", text)
    assert "1  print(0)" in plain
    assert "… 48 more lines (o to expand) …" in plain
