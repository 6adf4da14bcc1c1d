"""The editor on a session: saving through the host, save as, read-only files, the host
going away, the host's notebook replacing the editor's, and who writes recovery copies.

The host runs in this process on a real socket with a scripted kernel; the
editor is the real app on a `SessionClient`, driven by Pilot.
"""

from __future__ import annotations

from pathlib import Path

from tests.session.support import Served, notebook_at, served, until
from tests.ui.editor_helpers import (
    SIZE,
    notices,
    screen_text,
    settle,
    status,
    write_notebook,
)
from tuinb import paths
from tuinb.model import load, save
from tuinb.session.client import HOST_GONE, SessionClient
from tuinb.session.launch import attach_frame, find_live
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.choice import ChoiceModal
from tuinb.ui.dialogs.save_as import SaveAsPrompt


def _app(host: Served, path: Path) -> tuple[TuinbApp, SessionClient]:
    notebook = load(path)
    files = host.files
    client = SessionClient(notebook, connect=lambda frame: attach_frame(files, frame))
    return TuinbApp(notebook, engine=client, check_recovery=False, recovery_interval=0.5), client


def _modal(app: TuinbApp) -> str | None:
    return app.screen.id if isinstance(app.screen, ChoiceModal | SaveAsPrompt) else None


async def test_ctrl_s_saves_the_hosts_copy(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    async with served(path) as host:
        app, _client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("enter", "end", *"0", "ctrl+s")  # still editing: the text goes
            await settle(pilot, lambda: load(path).cells[0].source == "x = 10", "the save")
            await settle(pilot, lambda: "[+]" not in status(app), "the clean mark")
            assert not host.notebook.dirty


async def test_a_read_only_notebook_asks_once_through_the_host(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    path.chmod(0o444)
    async with served(path) as host:
        app, _client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            assert "nb.ipynb [RO]" in status(app)
            await pilot.press("enter", "end", *"0", "escape", "ctrl+s")
            await settle(pilot, lambda: _modal(app) == "read-only-modal", "the question")
            await pilot.press("w")
            await settle(pilot, lambda: load(path).cells[0].source == "x = 10", "the save")
            await pilot.press("enter", "end", *"0", "escape", "ctrl+s")
            await settle(pilot, lambda: load(path).cells[0].source == "x = 100", "no question")
        assert path.stat().st_mode & 0o777 == 0o444


async def test_save_as_moves_the_session_and_the_editor_to_the_new_name(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    target = tmp_path / "renamed.ipynb"
    async with served(path) as host:
        app, _client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("alt+s")
            await settle(pilot, lambda: _modal(app) == "save-as-prompt", "the path question")
            await pilot.press("ctrl+a", "ctrl+k", *str(target), "enter")
            await settle(pilot, lambda: "renamed.ipynb" in status(app), "the new name")
            assert load(target).cells[0].source == "x = 1"
            assert find_live(target) is not None
            assert find_live(path) is None
            assert host.core.path == target


async def test_a_host_that_goes_away_leaves_an_editor_that_saves_its_own_copy(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    async with served(path) as host:
        app, client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            link = host.core.link
            assert link is not None
            link.abort()  # as a killed host looks from here: the connection is gone
            await settle(pilot, lambda: HOST_GONE in notices(app), "the host-gone notice")
            await settle(pilot, lambda: "(dead" in status(app), "the dead kernel")
            assert app.is_running
            await pilot.press("enter", "end", *"0", "escape")
            await settle(pilot, lambda: paths.recovery_file(path).exists(), "its own copy")
            await pilot.press("ctrl+s")
            await settle(pilot, lambda: load(path).cells[0].source == "x = 10", "a local save")
            assert client.lost is not None


async def test_while_attached_the_host_writes_the_recovery_copies(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    async with served(path) as host:
        app, _client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("enter", "end", *"0", "escape")
            await until(lambda: host.core.keeper.written >= 1, "the host's copy")
            assert load(paths.recovery_file(path)).cells[0].source == "x = 10"
            assert not app.write_recovery_if_needed(force=True)  # not the editor's to write
            assert app.recovery.revision is None


async def test_the_hosts_notebook_replaces_the_one_the_editor_brought(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    async with served(path) as host:
        first = await host.client(notebook_at(path, "the host's own"))
        await first.detach()
        app, client = _app(host, path)  # brings the file's notebook to a host that has one
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "the host's own" in screen_text(app), "the host's cells")
            assert app.notebook is client.notebook
            await pilot.press("enter", "end", *"!", "escape")
            await until(lambda: host.notebook.cells[0].source == "the host's own!", "the edit")
        save(load(path))  # (the file itself was never touched)
