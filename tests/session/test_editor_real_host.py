"""The editor on a real session host with a real ipykernel: a run's output on screen, the
host killed under it, the editor going on with its own copy; and quitting, which ends
the host and its kernel."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.kernel_support import wait_gone
from tests.session.test_host_process import _write, host_cleanup
from tests.ui.editor_helpers import SIZE, notices, screen_text, settle, status
from tuinb.model import load
from tuinb.session.client import HOST_GONE, SessionClient
from tuinb.session.launch import attach_frame, find_live, query, start_host
from tuinb.session.places import SessionFiles, SessionInfo
from tuinb.ui.app import TuinbApp

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]


def _editor(notebook: Path) -> TuinbApp:
    starting = start_host(notebook, kernel="python3")
    client = SessionClient(
        load(notebook), connect=lambda frame: attach_frame(starting.wait_ready(), frame)
    )
    return TuinbApp(client.notebook, engine=client, check_recovery=False)


async def _kernel_up(pilot: object, app: TuinbApp) -> None:
    async def wait() -> None:
        import asyncio

        async with asyncio.timeout(60):
            while "(idle" not in status(app):  # noqa: ASYNC110 (bounded)
                await asyncio.sleep(0.05)

    try:
        await wait()
    except TimeoutError:
        pytest.fail(f"the kernel did not start in 60 s; the status bar: {status(app)}")


async def test_a_killed_host_leaves_an_editor_that_keeps_the_work(tmp_path: Path) -> None:
    notebook = _write(tmp_path / "real.ipynb", "print(6 * 7)")
    async with host_cleanup(notebook):
        app = _editor(notebook)
        async with app.run_test(size=SIZE) as pilot:
            await _kernel_up(pilot, app)
            await pilot.press("ctrl+j")
            await settle(pilot, lambda: "42" in screen_text(app), "the output through the host")
            files = SessionFiles.for_notebook(notebook)
            info = SessionInfo.read(files)
            kernel = query(files).get("kernel_pid")
            assert info is not None
            assert isinstance(kernel, int)
            os.kill(info.pid, signal.SIGKILL)
            await settle(pilot, lambda: HOST_GONE in notices(app), "the editor to say so")
            await settle(pilot, lambda: "(dead" in status(app), "the dead kernel")
            await wait_gone(kernel, within=10)
            await pilot.press("ctrl+s")
            await settle(pilot, lambda: "[+]" not in status(app), "the editor's own save")
            assert load(notebook).cells[0].outputs[0]["text"] == "42\n"
            await pilot.press("ctrl+q")
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
        assert find_live(notebook) is None


async def test_quitting_ends_the_host_and_its_kernel(tmp_path: Path) -> None:
    notebook = _write(tmp_path / "bye.ipynb", "x = 1")
    async with host_cleanup(notebook):
        app = _editor(notebook)
        async with app.run_test(size=SIZE) as pilot:
            await _kernel_up(pilot, app)
            files = SessionFiles.for_notebook(notebook)
            info = SessionInfo.read(files)
            kernel = query(files).get("kernel_pid")
            assert info is not None
            assert isinstance(kernel, int)
            await pilot.press("ctrl+q")
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
        await wait_gone(info.pid, within=15)
        await wait_gone(kernel, within=10)
        assert find_live(notebook) is None
        assert not files.socket.exists()


async def test_a_relative_path_is_saved_where_the_editor_was_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host runs in ``/``: the editor's relative path must not be saved from there."""
    _write(tmp_path / "rel.ipynb", "y = 2")
    monkeypatch.chdir(tmp_path)
    notebook = Path("rel.ipynb")
    async with host_cleanup(tmp_path / "rel.ipynb"):
        app = _editor(notebook)
        async with app.run_test(size=SIZE) as pilot:
            await _kernel_up(pilot, app)
            await pilot.press("enter", "end", "3", "escape")
            # ctrl+q at once: it waits for the save instead of being dropped
            await pilot.press("ctrl+s", "ctrl+q")
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
    assert load(tmp_path / "rel.ipynb").cells[0].source == "y = 23"
    assert not Path("/rel.ipynb").exists()  # noqa: ASYNC240 (a check, not I/O to await)
