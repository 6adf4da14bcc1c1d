"""Help screen and command palette list every binding with its keys."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Input

from tests.ui.editor_helpers import SIZE, make_app, settle, sources, write_notebook
from tuinb.ui.dialogs.help import HelpScreen, help_table
from tuinb.ui.keys import COMMAND_BINDINGS, EDIT_BINDINGS, GLOBAL_BINDINGS, all_bindings


def test_binding_ids_are_unique_and_present() -> None:
    ids = [binding.id for _mode, binding in all_bindings()]
    assert all(ids)
    assert len(ids) == len(set(ids))
    assert {"cell.run", "kernel.interrupt", "kernel.restart", "kernel.pick"} <= set(ids)
    for expected in (
        "notebook.save",
        "notebook.save_as",
        "session.detach",
        "app.quit",
        "cell.delete",
        "cell.split",
        "editor.command_mode",
    ):
        assert expected in ids


def test_help_table_lists_every_binding_and_the_fallbacks() -> None:
    console = Console(width=160, record=True)
    console.print(help_table())
    text = console.export_text()
    for binding in [*COMMAND_BINDINGS, *EDIT_BINDINGS, *GLOBAL_BINDINGS]:
        assert binding.id is not None
        assert binding.id in text
    assert "d d" in text
    assert "g g" in text
    assert "shift+z" in text


async def test_help_screen_opens_with_f1_and_question_mark(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "h.ipynb", [("code", "a")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        notes = str(app.screen.query_one("#help-notes").render())
        assert "ctrl+j" in notes
        assert "extended-keys-format csi-u" in notes
        assert "set-clipboard on" in notes
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, HelpScreen), "help to close")
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        await pilot.press("q")
        await settle(pilot, lambda: not isinstance(app.screen, HelpScreen), "help to close")


async def test_command_palette_lists_actions_with_keys_and_runs_them(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "p.ipynb", [("code", "a"), ("code", "b")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        palette = app.screen
        palette.query_one(Input).value = "merge"

        def hits() -> list[str]:
            options = palette.query_one("CommandList")
            return [str(option.prompt) for option in options._options]  # type: ignore[attr-defined]

        await settle(pilot, lambda: any("Merge" in hit for hit in hits()), "a merge hit")
        assert any("shift+m" in hit for hit in hits())
        await pilot.press("down", "enter")
        await settle(pilot, lambda: sources(app) == ["a\nb"], "the merge to run")
