"""Issue 9, item 1: no cell after a failing cell ever runs, by construction.

The scripted kernel plays ipykernel at its worst: it reads a request only
after it has answered the one before, and aborts nothing. So any request a
frontend sends behind a failing cell before that cell's reply is run, and the
log the kernel keeps of what it ran shows it. (The same race with a real
ipykernel under load is `benchmarks/stress_stop_on_error.py`.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.engine.support import EventLog, make_notebook
from tests.kernel_support import (
    kernel_env,
    spec_from_folder,
    wait_gone,
    within,
    write_scripted_spec,
)
from tuinb.engine import CellFinished, Engine, EngineEvent
from tuinb.headless.execute import RunOutcome, execute_notebook
from tuinb.kernel.manager import KernelManager
from tuinb.model import Notebook

pytestmark = [pytest.mark.kernel]


class Scripted(EventLog):
    def __init__(self, manager: KernelManager, log: Path) -> None:
        self.manager = manager
        self.log = log
        self.seen: list[EngineEvent] = []

    async def ran(self) -> list[str]:
        """What the kernel ran, once it has read every request sent so far.

        A kernel_info_request is answered only after every request queued
        before it on the shell channel: anything sent behind the failing cell
        has run (and is in the log) by then.
        """
        async with within(10, "the kernel_info_reply that follows every queued request"):
            await self.manager.client.kernel_info()
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    async def run(self, notebook: Notebook, *, allow_errors: bool) -> RunOutcome:
        """`tuinb run`'s execution of `notebook` on this kernel (left running for `ran`)."""
        return await execute_notebook(
            notebook,
            _NoShutdown(self.manager),
            time_limit=None,
            allow_errors=allow_errors,
            client=self.manager.client,
        )


@contextlib.asynccontextmanager
async def scripted_kernel(tmp_path: Path) -> AsyncIterator[Scripted]:
    log = tmp_path / "ran.log"
    folder = write_scripted_spec(tmp_path, env={"SCRIPTED_KERNEL_LOG": str(log)})
    with kernel_env(tmp_path):
        manager = KernelManager(spec_from_folder(folder))
        try:
            async with within(30, "the scripted kernel to start"):
                await manager.start()
            yield Scripted(manager, log)
        finally:
            pid = manager.pid
            await manager.shutdown()
            if pid is not None:
                await wait_gone(pid)


async def test_tuinb_run_sends_nothing_behind_a_failing_cell(tmp_path: Path) -> None:
    notebook = make_notebook("fail", *(f"later {n}" for n in range(2, 21)))
    async with scripted_kernel(tmp_path) as kernel:
        outcome = await kernel.run(notebook, allow_errors=False)
        ran = await kernel.ran()
    assert outcome == RunOutcome(1, "cell 1: ValueError: x")
    assert ran == ["fail"], "a cell after the failing one ran"
    assert notebook.cell("c0").outputs[0]["ename"] == "ValueError"
    assert all(cell.execution_count is None and not cell.outputs for cell in notebook.cells[1:])


async def test_tuinb_run_goes_on_behind_cells_allowed_to_fail(tmp_path: Path) -> None:
    notebook = make_notebook("fail", "a", "fail", "b")
    async with scripted_kernel(tmp_path) as kernel:
        outcome = await kernel.run(notebook, allow_errors=True)
        ran = await kernel.ran()
    assert outcome == RunOutcome(0)
    assert ran == ["fail", "a", "fail", "b"]
    assert [cell.execution_count for cell in notebook.cells] == [1, 2, 3, 4]


async def test_the_editor_queue_sends_nothing_behind_a_failing_cell(tmp_path: Path) -> None:
    notebook = make_notebook("a", "fail", "b", "c")
    async with scripted_kernel(tmp_path) as kernel:
        engine = Engine(notebook, _NoShutdown(kernel.manager))

        async def collect() -> None:
            async for event in engine.events():
                kernel.seen.append(event)

        collector = asyncio.create_task(collect())
        await engine.start(kernel.manager.client)
        engine.run_cells(["c0", "c1", "c2", "c3"])
        await kernel.until(lambda: len(kernel.finished()) == 4, "the four cells to end")
        engine.run_cells(["c2"])  # run again by hand after the error: it runs
        await kernel.until(
            lambda: sum(isinstance(e, CellFinished) for e in kernel.seen) == 5, "c2 to end"
        )
        ran = await kernel.ran()
        await engine.shutdown()
        await collector
    assert [e.status for e in kernel.seen if isinstance(e, CellFinished)] == [
        "ok",
        "error",
        "aborted",
        "aborted",
        "ok",
    ]
    assert ran == ["a", "fail", "b"]


class _NoShutdown:
    """The manager, except that `shutdown` is left to the fixture (which checks the process)."""

    def __init__(self, manager: KernelManager) -> None:
        self._manager = manager

    async def start(self, *, timeout: float = 60) -> object:  # noqa: ASYNC109
        return await self._manager.start(timeout=timeout)

    async def interrupt(self) -> None:
        await self._manager.interrupt()

    async def restart(self, *, timeout: float = 60) -> object:  # noqa: ASYNC109
        return await self._manager.restart(timeout=timeout)

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109
        return None

    async def wait_for_death(self) -> str:
        return await self._manager.wait_for_death()
