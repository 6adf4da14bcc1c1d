"""Never lose work: save, quit questions, changed-on-disk, recovery copies, signals."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

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
from tuinb import paths
from tuinb.model import dumps, load, recovery
from tuinb.ui.dialogs.choice import ChoiceModal


def one(tmp_path: Path, source: str = "a = 1") -> Path:
    return write_notebook(tmp_path / "one.ipynb", [("code", source), ("code", "b = 2")])


def modal_id(app: object) -> str | None:
    screen = getattr(app, "screen", None)
    return screen.id if isinstance(screen, ChoiceModal) else None


async def test_ctrl_s_unchanged_rewrites_byte_identical(tmp_path: Path) -> None:
    path = one(tmp_path)
    before = path.read_bytes()
    os.utime(path, ns=(1, 1))
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: path.stat().st_mtime_ns != 1, "the save")
    assert path.read_bytes() == before


async def test_save_after_edit_writes_the_model(tmp_path: Path) -> None:
    path = one(tmp_path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "end", *"0", "escape", "b")
        assert "[+]" in status(app)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not app.notebook.dirty, "the save")
        assert "[+]" not in status(app)
        assert path.read_text() == dumps(app.notebook)
    assert [c.source for c in load(path).cells] == ["a = 10", "", "b = 2"]


async def test_save_while_editing_takes_the_editor_text(tmp_path: Path) -> None:
    path = one(tmp_path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "end", *"23", "ctrl+s")
        await settle(pilot, lambda: not app.notebook.dirty, "the save")
        assert nb_screen(app).mode == "edit"
    assert load(path).cells[0].source == "a = 123"


async def test_new_notebook_is_created_on_first_save(tmp_path: Path) -> None:
    path = tmp_path / "fresh.ipynb"
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        assert "fresh.ipynb" in status(app)
        assert not path.exists()
        await pilot.press("enter", *"x = 5", "escape", "ctrl+s")
        await settle(pilot, path.exists, "the first save")
    assert load(path).cells[0].source == "x = 5"


async def test_save_error_is_one_sentence_and_keeps_work(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    path = folder / "n.ipynb"
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"keep = 1", "escape")
        folder.rmdir()
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: bool(app._notifications), "the error notification")
        note = next(iter(app._notifications))
        assert note.severity == "error"
        assert "n.ipynb" in note.message
        assert "\n" not in note.message.strip()
        assert app.notebook.dirty
        assert sources(app) == ["keep = 1"]
        assert app.is_running


async def test_quit_clean_exits_at_once(tmp_path: Path) -> None:
    app = make_app(one(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await settle(pilot, lambda: not app.is_running, "exit")
    assert app.return_code == 0


async def test_quit_dirty_asks_cancel_then_discard(tmp_path: Path) -> None:
    path = one(tmp_path)
    before = path.read_bytes()
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "ctrl+q")
        await settle(pilot, lambda: modal_id(app) == "quit-modal", "the quit question")
        await pilot.press("c")
        await settle(pilot, lambda: modal_id(app) is None, "the question to close")
        assert app.is_running
        assert len(app.notebook.cells) == 3
        app.write_recovery_if_needed()
        assert paths.recovery_file(path).exists()
        await pilot.press("ctrl+q")
        await settle(pilot, lambda: modal_id(app) == "quit-modal", "the quit question")
        await pilot.press("d")
        await settle(pilot, lambda: not app.is_running, "exit")
    assert path.read_bytes() == before
    assert not paths.recovery_file(path).exists()  # discarding drops the recovery copy


async def test_quit_dirty_save_writes_then_exits(tmp_path: Path) -> None:
    path = one(tmp_path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b", "ctrl+q")
        await settle(pilot, lambda: modal_id(app) == "quit-modal", "the quit question")
        await pilot.press("s")
        await settle(pilot, lambda: not app.is_running, "exit")
    assert len(load(path).cells) == 3


async def test_changed_on_disk_asks_cancel_overwrite(tmp_path: Path) -> None:
    path = one(tmp_path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        other = write_notebook(tmp_path / "other.ipynb", [("code", "from elsewhere")])
        other.replace(path)
        theirs = path.read_bytes()
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: modal_id(app) == "external-modal", "the on-disk question")
        await pilot.press("c")
        await settle(pilot, lambda: modal_id(app) is None, "the question to close")
        assert path.read_bytes() == theirs
        assert app.notebook.dirty
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: modal_id(app) == "external-modal", "the on-disk question")
        await pilot.press("o")
        await settle(pilot, lambda: not app.notebook.dirty, "the save")
    assert [c.source for c in load(path).cells] == ["a = 1", "", "b = 2"]


async def test_changed_on_disk_reload(tmp_path: Path) -> None:
    path = one(tmp_path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        other = write_notebook(tmp_path / "other.ipynb", [("code", "from elsewhere")])
        other.replace(path)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: modal_id(app) == "external-modal", "the on-disk question")
        await pilot.press("r")
        await settle(pilot, lambda: sources(app) == ["from elsewhere"], "the reload")
        assert "from elsewhere" in screen_text(app)
        assert "[+]" not in status(app)
        assert "cell 1/1" in status(app)


async def test_recovery_written_while_dirty_and_offered_on_next_open(tmp_path: Path) -> None:
    path = one(tmp_path)
    app = make_app(path, recovery_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "end", *"  # unsaved")

        # written by the timer, with the text still in the editor (an early copy
        # may hold part of the typing; the next tick writes all of it)
        def copy_has_the_edit() -> bool:
            if recovery.find_recovery(path) is None:
                return False
            return load(paths.recovery_file(path)).cells[0].source == "a = 1  # unsaved"

        await settle(pilot, copy_has_the_edit, "a recovery copy with the whole edit")
        assert app.is_running
    # a second run is offered the copy and restores it
    again = make_app(path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: modal_id(again) == "recovery-modal", "the recovery offer")
        await pilot.press("r")
        await settle(pilot, lambda: sources(again)[0] == "a = 1  # unsaved", "the restore")
        assert "# unsaved" in screen_text(again)
        assert "[+]" in status(again)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not again.notebook.dirty, "the save")
    assert recovery.find_recovery(path) is None
    assert not paths.recovery_file(path).exists()
    assert load(path).cells[0].source == "a = 1  # unsaved"


async def test_recovery_offer_discard(tmp_path: Path) -> None:
    path = one(tmp_path)
    changed = load(path)
    changed.set_source(changed.cells[0].id, "lost = True")
    recovery.write_recovery(changed, path)
    os.utime(path, ns=(1, 1))
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: modal_id(app) == "recovery-modal", "the recovery offer")
        await pilot.press("d")
        await settle(pilot, lambda: modal_id(app) is None, "the offer to close")
        assert sources(app)[0] == "a = 1"
    assert not paths.recovery_file(path).exists()


async def test_sigterm_writes_recovery_and_exits(tmp_path: Path) -> None:
    path = one(tmp_path)
    app = make_app(path, recovery_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"x", "escape")
        assert not paths.recovery_file(path).exists()
        assert signal.SIGTERM in app._signals
        assert signal.SIGHUP in app._signals
        os.kill(os.getpid(), signal.SIGTERM)
        await settle(pilot, lambda: not app.is_running, "exit on SIGTERM")
    assert app.return_code == 128 + signal.SIGTERM
    assert load(paths.recovery_file(path)).cells[0].source == "xa = 1"


async def test_escape_sequences_in_metadata_never_reach_the_terminal(tmp_path: Path) -> None:
    """A crafted file's kernel name and execution count cannot retitle or drive
    the terminal: the gutter and the status bar show them without the escapes."""
    path = tmp_path / "evil\x1b[2J.ipynb"
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "K\x1b]0;pwn\x07"}},
        "cells": [
            {
                "cell_type": "code",
                "id": "c1",
                "metadata": {},
                "source": "x = 1",
                "outputs": [],
                "execution_count": "\x1b]0;pwned\x07",
            }
        ],
    }
    path.write_text(json.dumps(notebook))
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: "cell 1/1" in status(app), "the status bar")
        shown = screen_text(app) + status(app)
        assert "\x1b" not in shown
        assert "\x07" not in shown
        assert "K" in status(app)
        assert "evil.ipynb" in status(app)
        assert "pwn" not in status(app)
