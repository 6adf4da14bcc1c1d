"""Running cells in the editor against a real ipykernel (started by tuinb's own layers)."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.kernel_support import wait_gone
from tests.ui.editor_helpers import SIZE, screen_text, status, write_notebook
from tuinb.engine import Engine
from tuinb.engine.kernels import SwitchableKernel, make_engine
from tuinb.model import CellType, load
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.stdin_prompt import StdinPrompt

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]

KERNEL_WAIT = 60.0
"""Seconds a real kernel gets to start (the machine is shared)."""


async def wait(pilot: Pilot[Any], predicate: Any, what: str, seconds: float = 30) -> None:
    """Like `settle`, with a longer limit for kernel round trips."""
    import asyncio

    try:
        async with asyncio.timeout(seconds):
            while not predicate():
                await pilot.pause(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out after {seconds:g} s waiting for {what}") from None


def kernel_pid(app: TuinbApp) -> int:
    engine = app.engine
    assert isinstance(engine, Engine)
    backend = engine.backend
    assert isinstance(backend, SwitchableKernel)
    assert backend.pid is not None
    return backend.pid


@asynccontextmanager
async def editor(
    tmp_path: Path, cells: list[tuple[CellType, str]]
) -> AsyncIterator[tuple[TuinbApp, Pilot[Any]]]:
    """The editor on a notebook of `cells` with a real kernel; checks no kernel is left."""
    path = write_notebook(tmp_path / "nb.ipynb", cells)
    notebook = load(path)
    notebook.path = path
    engine = make_engine(notebook, "python3", cwd=tmp_path)
    app = TuinbApp(notebook, engine=engine, check_recovery=False)
    pids: set[int] = set()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: "(idle)" in status(app), "the kernel to start", KERNEL_WAIT)
        pids.add(kernel_pid(app))
        try:
            yield app, pilot
        finally:
            backend = engine.backend
            assert isinstance(backend, SwitchableKernel)
            if backend.pid is not None:
                pids.add(backend.pid)
    for pid in pids:
        await wait_gone(pid)


async def test_run_cell_shows_print_output(tmp_path: Path) -> None:
    async with editor(tmp_path, [("code", "print(123456789)")]) as (app, pilot):
        await pilot.press("ctrl+j")
        await wait(pilot, lambda: "[1]:" in screen_text(app), "the execution count")
        await wait(pilot, lambda: "123456789" in screen_text(app), "the printed number")
        cell = app.notebook.cells[0]
        assert cell.outputs == [{"output_type": "stream", "name": "stdout", "text": "123456789\n"}]
        assert "shell.execute_reply" in cell.metadata["execution"]
        await wait(pilot, lambda: "✓" in screen_text(app), "the timing note")


async def test_run_all_stops_at_the_first_error(tmp_path: Path) -> None:
    cells: list[tuple[CellType, str]] = [
        ("code", "a = 1"),
        ("code", "1 / 0"),
        ("code", "print('never')"),
    ]
    async with editor(tmp_path, cells) as (app, pilot):
        await pilot.press("R")
        await wait(pilot, lambda: "ZeroDivisionError" in screen_text(app), "the error")
        await wait(pilot, lambda: not app.notebook_screen.run_marks.queued, "the queue to end")
        third = app.notebook.cells[2]
        assert third.outputs == []
        assert third.execution_count is None
        assert third.id in app.notebook_screen.run_marks.aborted


async def test_interrupt_stops_a_sleeping_cell(tmp_path: Path) -> None:
    code = "import time\nprint('sleeping', flush=True)\ntime.sleep(60)"
    async with editor(tmp_path, [("code", code)]) as (app, pilot):
        await pilot.press("ctrl+j")
        await wait(pilot, lambda: "sleeping" in screen_text(app), "the cell to start")
        await pilot.press("i", "i")
        await wait(pilot, lambda: "KeyboardInterrupt" in screen_text(app), "the interrupt")
        assert "(idle)" in status(app) or "(busy)" in status(app)


async def test_restart_gives_a_fresh_kernel(tmp_path: Path) -> None:
    cells: list[tuple[CellType, str]] = [("code", "x = 5"), ("code", "print(x)")]
    async with editor(tmp_path, cells) as (app, pilot):
        before = kernel_pid(app)
        await pilot.press("ctrl+j")
        await wait(pilot, lambda: app.notebook.cells[0].execution_count == 1, "x = 5 to run")
        await pilot.press("0", "0")
        await wait(pilot, lambda: app.screen.id == "restart-modal", "the restart question")
        await pilot.press("r")
        await wait(pilot, lambda: kernel_pid(app) != before, "a new kernel process")
        await wait(pilot, lambda: "(idle)" in status(app), "the new kernel", KERNEL_WAIT)
        await wait_gone(before)
        await pilot.press("j", "ctrl+j")
        await wait(pilot, lambda: "NameError" in screen_text(app), "x to be gone")


async def test_input_is_answered_through_the_prompt(tmp_path: Path) -> None:
    code = "name = input('Name? ')\nprint('hello', name)"
    async with editor(tmp_path, [("code", code)]) as (app, pilot):
        await pilot.press("ctrl+j")
        await wait(pilot, lambda: isinstance(app.screen, StdinPrompt), "the stdin prompt")
        await pilot.press("b", "o", "b", "enter")
        await wait(pilot, lambda: "hello bob" in screen_text(app), "the answer echoed")


async def test_kill_9_of_the_kernel_is_reported_and_restart_recovers(tmp_path: Path) -> None:
    import time

    code = "import time\nprint('before death', flush=True)\ntime.sleep(60)"
    cells: list[tuple[CellType, str]] = [("code", code), ("code", "print('queued')")]
    async with editor(tmp_path, cells) as (app, pilot):
        await pilot.press("R")
        await wait(pilot, lambda: "before death" in screen_text(app), "the first cell to run")
        killed = time.monotonic()
        os.kill(kernel_pid(app), signal.SIGKILL)
        await wait(pilot, lambda: "(dead" in status(app), "the death to show", 5)
        assert time.monotonic() - killed < 2.5
        notes = "\n".join(str(n.message) for n in app._notifications)
        assert "The kernel died" in notes
        marks = app.notebook_screen.run_marks
        first, second = (cell.id for cell in app.notebook.cells)
        await wait(pilot, lambda: first in marks.failed, "the running cell marked")
        assert second in marks.aborted
        assert "before death" in screen_text(app)
        await pilot.press("0", "0")
        await wait(pilot, lambda: app.screen.id == "restart-modal", "the restart question")
        await pilot.press("r")
        await wait(pilot, lambda: "(idle)" in status(app), "the kernel back", KERNEL_WAIT)
        await pilot.press("j", "ctrl+j")
        await wait(pilot, lambda: "queued" in screen_text(app), "a cell to run again")


async def test_unknown_kernel_is_reported_and_the_notebook_stays_editable(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    notebook = load(path)
    notebook.path = path
    app = TuinbApp(notebook, engine=make_engine(notebook, "nope"), check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: "(dead" in status(app), "the failed start")
        notes = "\n".join(str(n.message) for n in app._notifications)
        assert "There is no kernel named 'nope'" in notes
        assert "alt+k" in notes
        await pilot.press("enter", "end", "!", "escape")
        assert app.notebook.cells[0].source == "x = 1!"
