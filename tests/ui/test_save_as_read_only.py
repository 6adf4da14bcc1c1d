"""Save as, read-only notebooks and the `[RO]` mark, the failed save pointing to save as,
and an interrupt the kernel ignores: what the user sees (single-process editor)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    notices,
    settle,
    status,
    write_notebook,
)
from tests.ui.scripted_engine import ScriptedEngine
from tuinb import paths
from tuinb.engine import events as ev
from tuinb.model import load, recovery
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.choice import ChoiceModal
from tuinb.ui.dialogs.save_as import SaveAsPrompt, chosen_path
from tuinb.ui.firstframe import frame as prepaint
from tuinb.ui.flows.saving import save_as_keys


def one(tmp_path: Path, name: str = "one.ipynb") -> Path:
    return write_notebook(tmp_path / name, [("code", "a = 1")])


def modal(app: TuinbApp) -> str | None:
    return app.screen.id if isinstance(app.screen, ChoiceModal | SaveAsPrompt) else None


async def test_save_as_writes_the_new_file_and_edits_it_from_then_on(tmp_path: Path) -> None:
    path = one(tmp_path)
    before = path.read_bytes()
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "end", *"0", "escape")
        app.write_recovery_if_needed()
        assert paths.recovery_file(path).exists()
        await pilot.press("alt+s")
        await settle(pilot, lambda: modal(app) == "save-as-prompt", "the path question")
        await pilot.press("ctrl+a", "ctrl+k", *str(tmp_path / "copy"), "enter")  # no suffix
        copy = tmp_path / "copy.ipynb"
        await settle(pilot, copy.exists, "the new file")
        assert "copy.ipynb" in status(app)
        assert "[+]" not in status(app)
        assert load(copy).cells[0].source == "a = 10"
        assert path.read_bytes() == before  # the old file is as it was
        assert not paths.recovery_file(path).exists()  # the new file holds that work
        await pilot.press("enter", "end", *"0", "escape", "ctrl+s")
        await settle(pilot, lambda: not app.notebook.dirty, "the next save")
    assert load(copy).cells[0].source == "a = 100"
    assert path.read_bytes() == before


async def test_save_as_onto_a_notebook_asks_before_overwriting(tmp_path: Path) -> None:
    path = one(tmp_path)
    other = write_notebook(tmp_path / "other.ipynb", [("code", "other")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+s")
        await settle(pilot, lambda: modal(app) == "save-as-prompt", "the path question")
        await pilot.press("ctrl+a", "ctrl+k", *str(other), "enter")
        await settle(pilot, lambda: modal(app) == "overwrite-modal", "the overwrite question")
        await pilot.press("c")
        await settle(pilot, lambda: modal(app) is None, "the question to close")
        assert load(other).cells[0].source == "other"
        assert "one.ipynb" in status(app)
        await pilot.press("alt+s")
        await settle(pilot, lambda: modal(app) == "save-as-prompt", "the path question")
        await pilot.press("ctrl+a", "ctrl+k", *str(other), "enter")
        await settle(pilot, lambda: modal(app) == "overwrite-modal", "the overwrite question")
        await pilot.press("o")
        await settle(pilot, lambda: "other.ipynb" in status(app), "the new name")
    assert load(other).cells[0].source == "a = 1"


async def test_escape_cancels_save_as(tmp_path: Path) -> None:
    path = one(tmp_path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+s")
        await settle(pilot, lambda: modal(app) == "save-as-prompt", "the path question")
        prompt = app.screen
        assert isinstance(prompt, SaveAsPrompt)
        assert prompt.value == "one.ipynb" or prompt.value == str(path)
        await pilot.press("escape")
        await settle(pilot, lambda: modal(app) is None, "the prompt to close")
    assert sorted(entry.name for entry in os.scandir(tmp_path)) == ["one.ipynb"]


def test_a_typed_path_is_taken_from_the_current_folder_with_the_suffix(tmp_path: Path) -> None:
    assert chosen_path("  ", tmp_path) is None
    assert chosen_path("a", tmp_path) == tmp_path / "a.ipynb"
    assert chosen_path("sub/b.json", tmp_path) == tmp_path / "sub" / "b.json"
    assert chosen_path("/x/c.ipynb", tmp_path) == Path("/x/c.ipynb")
    assert chosen_path("~/d", tmp_path) == Path.home() / "d.ipynb"


async def test_a_failed_save_names_the_save_as_keys(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    app = make_app(folder / "n.ipynb")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"keep = 1", "escape")
        folder.rmdir()
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Could not save" in notices(app), "the error")
        assert f"save under another name ({save_as_keys()})" in notices(app)
        assert save_as_keys() == "ctrl+shift+s / alt+s"
        assert app.notebook.dirty


async def test_a_read_only_notebook_is_marked_and_written_over_only_when_agreed(
    tmp_path: Path,
) -> None:
    path = one(tmp_path)
    path.chmod(0o444)
    notebook = load(path)
    first = "".join(text for text, _bold in prepaint.status_text(notebook, None))
    assert first.startswith(" one.ipynb [RO]")  # the first frame already says so
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        assert "one.ipynb [RO]" in status(app)
        await pilot.press("enter", "end", *"0", "escape", "ctrl+s")
        await settle(pilot, lambda: modal(app) == "read-only-modal", "the read-only question")
        await pilot.press("c")
        await settle(pilot, lambda: modal(app) is None, "the question to close")
        assert load(path).cells[0].source == "a = 1"
        assert app.notebook.dirty
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: modal(app) == "read-only-modal", "the question again")
        await pilot.press("w")
        await settle(pilot, lambda: not app.notebook.dirty, "the save")
        assert load(path).cells[0].source == "a = 10"
        assert path.stat().st_mode & 0o777 == 0o444  # it stays marked read-only
        assert "[RO]" in status(app)
        await pilot.press("enter", "end", *"0", "escape", "ctrl+s")  # asked once per file
        await settle(pilot, lambda: not app.notebook.dirty, "the second save")
        assert modal(app) is None
    assert load(path).cells[0].source == "a = 100"


async def test_a_file_nobody_may_write_is_marked_read_only(tmp_path: Path) -> None:
    path = Path("/proc/version")  # 0444, and not even root may write it
    app = make_app(one(tmp_path))
    async with app.run_test(size=SIZE):
        assert "[RO]" not in status(app)
        app.notebook.path = path
        app.path_changed()
        assert "version [RO]" in status(app)


async def test_an_interrupt_the_kernel_ignores_offers_the_restart(tmp_path: Path) -> None:
    path = one(tmp_path)
    notebook = load(path)
    engine = ScriptedEngine(notebook)
    app = TuinbApp(notebook, engine=engine, check_recovery=False)
    cell = notebook.cells[0].id
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        engine.emit(ev.CellStarted(cell), ev.KernelStatusChanged("busy"))
        await settle(pilot, lambda: "(busy)" in status(app), "the busy kernel")
        await pilot.press("i", "i")
        engine.emit(ev.InterruptUnanswered(2.0, cell))
        await settle(pilot, lambda: "interrupt unanswered: 0 0 restarts" in status(app), "the bar")
        assert "still running cell 1 2 s after the interrupt" in notices(app)
        assert "0 0 to restart" in notices(app)
        await pilot.press("0", "0")
        await settle(pilot, lambda: modal(app) == "restart-modal", "the restart question")
        await pilot.press("c")
        engine.emit(ev.CellFinished(cell, "error"), ev.KernelStatusChanged("idle"))
        await settle(pilot, lambda: "(idle)" in status(app), "the idle kernel")
        assert "unanswered" not in status(app)
        assert nb_screen(app).kernel.unanswered is None


def test_recovery_copies_of_both_names_go_when_saved_as(tmp_path: Path) -> None:
    """`note_saved` is what save as calls for the old and the new name."""
    path = one(tmp_path)
    recovery.write_recovery(load(path), path)
    recovery.note_saved(path)
    assert not paths.recovery_file(path).exists()


async def test_save_as_and_detach_are_in_the_palette_with_their_keys(tmp_path: Path) -> None:
    from textual.command import CommandPalette
    from textual.widgets import Input

    app = make_app(one(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        for query, key in (("save as", "alt+s"), ("detach", "alt+d")):
            await pilot.press("ctrl+p")
            await settle(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
            palette = app.screen
            palette.query_one(Input).value = query

            def found(palette: object = palette, key: str = key) -> bool:
                options = palette.query_one("CommandList")  # type: ignore[attr-defined]
                return any(key in str(option.prompt) for option in options._options)

            await settle(pilot, found, f"{query} in the palette")
            await pilot.press("escape")
            await settle(pilot, lambda: not isinstance(app.screen, CommandPalette), "closed")
