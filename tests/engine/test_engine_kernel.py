"""The engine end to end on a real ipykernel started by tuinb's own kernel layer."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from tests.engine.support import make_notebook, running
from tuinb.engine import (
    InputRequested,
    KernelDied,
    KernelStarted,
)

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]


async def test_cells_run_in_order_and_an_error_stops_the_queue() -> None:
    notebook = make_notebook("x = 6", "print('x is', x)\nx * 7", "1/0", "print('never')")
    async with running(notebook) as run:
        await run.until(lambda: any(isinstance(e, KernelStarted) for e in run.seen), "start")
        started = next(e for e in run.seen if isinstance(e, KernelStarted))
        assert started.language_info["name"] == "python"
        run.engine.run_cells([c.id for c in notebook.cells])
        await run.until(lambda: len(run.finished()) == 4, "four cells to end")
        finished = run.finished()
        assert [finished[c].status for c in ("c0", "c1", "c2", "c3")] == [
            "ok",
            "ok",
            "error",
            "aborted",
        ]
        assert finished["c2"].ename == "ZeroDivisionError"
        second = notebook.cell("c1")
        assert second.outputs[0] == {"output_type": "stream", "name": "stdout", "text": "x is 6\n"}
        assert second.outputs[1]["data"]["text/plain"] == "42"
        assert [c.execution_count for c in notebook.cells] == [1, 2, 3, None]
        assert set(second.metadata["execution"]) >= {
            "iopub.status.busy",
            "iopub.execute_input",
            "shell.execute_reply",
            "iopub.status.idle",
        }


async def test_input_is_asked_and_answered() -> None:
    notebook = make_notebook("name = input('who? ')\nprint('hello', name)")
    async with running(notebook) as run:
        run.engine.run_cell("c0")
        await run.until(lambda: any(isinstance(e, InputRequested) for e in run.seen), "input")
        asked = next(e for e in run.seen if isinstance(e, InputRequested))
        assert (asked.cell_id, asked.prompt, asked.password) == ("c0", "who? ", False)
        await run.engine.provide_input("Ada")
        await run.until(lambda: "c0" in run.finished(), "the cell to end")
        assert run.finished()["c0"].status == "ok"
        text = "".join(o.get("text", "") for o in notebook.cell("c0").outputs)
        assert "hello Ada\n" in text


async def test_interrupt_stops_a_sleeping_cell() -> None:
    notebook = make_notebook("import time\nprint('sleeping', flush=True)\ntime.sleep(30)")
    async with running(notebook) as run:
        run.engine.run_cell("c0")
        await run.until(lambda: notebook.cell("c0").outputs != [], "the cell to start")
        await run.engine.interrupt()
        await run.until(lambda: "c0" in run.finished(), "the interrupted cell to end", 10)
        assert run.finished()["c0"].ename == "KeyboardInterrupt"


async def test_a_killed_kernel_is_reported_and_its_cell_fails() -> None:
    notebook = make_notebook("import time\nprint('up', flush=True)\ntime.sleep(30)", "1")
    async with running(notebook) as run:
        run.engine.run_cells(["c0", "c1"])
        await run.until(lambda: notebook.cell("c0").outputs != [], "the cell to start")
        assert run.manager.pid is not None
        os.kill(run.manager.pid, signal.SIGKILL)
        await run.until(lambda: any(isinstance(e, KernelDied) for e in run.seen), "death", 10)
        await run.until(lambda: len(run.finished()) == 2, "both cells to end")
        assert run.finished()["c0"].ename == "DeadKernelError"
        assert run.finished()["c1"].status == "aborted"
        assert notebook.cell("c0").outputs[0]["text"] == "up\n"
        assert run.engine.kernel_state == "dead"


async def test_restart_gives_a_fresh_kernel() -> None:
    notebook = make_notebook("y = 1", "y")
    async with running(notebook) as run:
        run.engine.run_cell("c0")
        await run.until(lambda: "c0" in run.finished(), "c0")
        async with asyncio.timeout(60):
            await run.engine.restart()
        run.engine.run_cell("c1")
        await run.until(lambda: "c1" in run.finished(), "c1")
        assert run.finished()["c1"].ename == "NameError"
        assert notebook.cell("c1").execution_count == 1
