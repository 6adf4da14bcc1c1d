"""`Engine.execute_pipelined` against a scripted kernel: batches, deferred starts, aborts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import pytest

from tests.engine.fakes import FakeBackend, FakeClient, message
from tests.engine.support import EventLog
from tuinb.engine import CellFinished, CellStarted, Engine, EngineEvent, OutputsChanged
from tuinb.model import Notebook

OLD_OUTPUT = {"output_type": "stream", "name": "stdout", "text": "old\n"}
OLD_TIMING = {"iopub.status.busy": "2020-01-01T00:00:00.000000Z"}


def old_notebook(*sources: str) -> Notebook:
    """Code cells c0, c1, ... that ran before: an output, a count and timing each."""
    cells = [
        {
            "id": f"c{i}",
            "cell_type": "code",
            "source": source,
            "metadata": {"execution": dict(OLD_TIMING)},
            "outputs": [dict(OLD_OUTPUT)],
            "execution_count": 40 + i,
        }
        for i, source in enumerate(sources)
    ]
    return Notebook.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@dataclass
class Run(EventLog):
    engine: Engine
    backend: FakeBackend
    notebook: Notebook
    seen: list[EngineEvent] = field(default_factory=list)
    results: list[CellFinished] = field(default_factory=list)

    @property
    def client(self) -> FakeClient:
        return self.backend.client

    def untouched(self, cell_id: str) -> bool:
        cell = self.notebook.cell(cell_id)
        return (
            cell.outputs == [OLD_OUTPUT]
            and cell.execution_count == 40 + int(cell_id[1:])
            and cell.metadata["execution"] == OLD_TIMING
        )


@contextlib.asynccontextmanager
async def pipelined(
    notebook: Notebook,
    cells: Sequence[tuple[str, bool]],
    *,
    window: int = 16,
    time_limit: float | None = None,
    stop_after_error: bool = True,
) -> AsyncIterator[Run]:
    """Start an engine and consume `execute_pipelined(cells)` in the background."""
    backend = FakeBackend()
    engine = Engine(notebook, backend, allow_stdin=False)
    run = Run(engine, backend, notebook)

    async def collect() -> None:
        async for event in engine.events():
            run.seen.append(event)

    async def consume() -> None:
        results = engine.execute_pipelined(cells, window=window, time_limit=time_limit)
        async with contextlib.aclosing(results):
            async for result in results:
                run.results.append(result)
                if result.status != "ok" and stop_after_error:
                    return

    collector = asyncio.create_task(collect())
    await engine.start()
    consumer = asyncio.create_task(consume())
    try:
        yield run
        async with asyncio.timeout(5):
            await consumer
    finally:
        consumer.cancel()
        await engine.shutdown()
        async with asyncio.timeout(5):
            await collector


async def test_a_batch_is_sent_at_once_and_cells_clear_only_when_the_kernel_begins_them() -> None:
    notebook = old_notebook("a = 1", "b = 2", "c = 3")
    cells = [("c0", True), ("c1", True), ("c2", True)]
    async with pipelined(notebook, cells) as run:
        third = await run.client.next_request(3)
        first, second = run.client.requests[:2]
        assert [r.code for r in (first, second, third)] == ["a = 1", "b = 2", "c = 3"]
        assert all(r.stop_on_error and not r.allow_stdin for r in (first, second, third))
        assert all(run.untouched(c) for c in ("c0", "c1", "c2"))
        assert not any(isinstance(e, CellStarted) for e in run.seen)

        run.client.feed(message("status", first.msg_id, execution_state="busy"))
        await run.until(lambda: run.engine.kernel_state == "busy", "the busy status")
        assert run.untouched("c0"), "a busy status alone must not start the cell"
        run.client.feed(
            message("execute_input", first.msg_id, code="a = 1", execution_count=1),
        )
        await run.until(lambda: CellStarted("c0") in run.seen, "c0 to start")
        assert run.notebook.cell("c0").outputs == []
        assert run.notebook.cell("c0").execution_count == 1
        timing = run.notebook.cell("c0").metadata["execution"]
        assert timing == {
            "iopub.status.busy": "2026-11-23T21:00:00.000001Z",
            "iopub.execute_input": "2026-11-23T21:00:00.000001Z",
        }
        assert run.untouched("c1")
        started = run.seen.index(CellStarted("c0"))
        assert OutputsChanged("c0") in run.seen[started:]

        run.client.feed(
            message("status", first.msg_id, execution_state="idle"),
            message("execute_reply", first.msg_id, channel="shell", status="ok", execution_count=1),
        )
        run.client.run_ok(second, count=2)
        run.client.run_ok(third, count=3)
    assert [(r.cell_id, r.status, r.execution_count) for r in run.results] == [
        ("c0", "ok", 1),
        ("c1", "ok", 2),
        ("c2", "ok", 3),
    ]


async def test_cells_the_kernel_aborts_after_an_error_keep_their_old_results() -> None:
    notebook = old_notebook("ok()", "bad()", "later()", "last()")
    cells = [(f"c{i}", True) for i in range(4)]
    async with pipelined(notebook, cells) as run:
        await run.client.next_request(4)
        first, failing, later, last = run.client.requests
        run.client.run_ok(first, count=1)
        run.client.run_error(failing, count=2)
        for aborted in (later, last):  # what ipykernel sends for a request it aborts
            run.client.feed(
                message("status", aborted.msg_id, execution_state="busy"),
                message("execute_reply", aborted.msg_id, channel="shell", status="aborted"),
                message("status", aborted.msg_id, execution_state="idle"),
            )
        await run.until(lambda: "c3" in run.finished(), "the aborted replies to be routed")
    assert [(r.cell_id, r.status) for r in run.results] == [("c0", "ok"), ("c1", "error")]
    assert run.results[1].ename == "ValueError"
    assert run.notebook.cell("c1").outputs[0]["ename"] == "ValueError"
    assert run.finished()["c2"].status == "aborted"
    assert run.untouched("c2")
    assert run.untouched("c3")
    assert CellStarted("c2") not in run.seen
    assert OutputsChanged("c2") not in run.seen


async def test_aborted_cells_are_reported_when_the_consumer_goes_on() -> None:
    notebook = old_notebook("bad()", "later()")
    async with pipelined(notebook, [("c0", True), ("c1", True)], stop_after_error=False) as run:
        await run.client.next_request(2)
        failing, aborted = run.client.requests
        run.client.run_error(failing, count=1)
        run.client.feed(  # idle before the reply: the orders differ between channels
            message("status", aborted.msg_id, execution_state="busy"),
            message("status", aborted.msg_id, execution_state="idle"),
            message("execute_reply", aborted.msg_id, channel="shell", status="aborted"),
        )
    assert [(r.cell_id, r.status) for r in run.results] == [("c0", "error"), ("c1", "aborted")]
    assert run.untouched("c1")


async def test_requests_go_out_in_batches_of_the_window() -> None:
    notebook = old_notebook("a", "b", "c")
    async with pipelined(notebook, [("c0", True), ("c1", True), ("c2", True)], window=2) as run:
        first = await run.client.next_request(1)
        second = await run.client.next_request(2)
        run.client.run_ok(first, count=1)
        await run.until(lambda: len(run.results) == 1, "c0's result")
        assert len(run.client.requests) == 2, "the next batch waits for the whole batch"
        run.client.run_ok(second, count=2)
        third = await run.client.next_request(3)
        run.client.run_ok(third, count=3)
    assert [r.status for r in run.results] == ["ok", "ok", "ok"]


async def test_a_cell_that_may_fail_ends_the_batch_when_a_time_limit_is_set() -> None:
    notebook = old_notebook("a", "b", "c")
    cells = [("c0", True), ("c1", False), ("c2", True)]
    async with pipelined(notebook, cells, time_limit=30, stop_after_error=False) as run:
        await run.client.next_request(2)  # a batch is sent in one go
        assert len(run.client.requests) == 2
        assert [r.stop_on_error for r in run.client.requests] == [True, False]
        first, second = run.client.requests
        run.client.run_ok(first, count=1)
        run.client.run_error(second, count=2)  # may fail: the run goes on
        third = await run.client.next_request(3)
        run.client.run_ok(third, count=3)
    assert [r.status for r in run.results] == ["ok", "error", "ok"]


@pytest.mark.parametrize("window", [1, 16])
async def test_the_time_limit_counts_from_when_the_kernel_begins_the_cell(window: int) -> None:
    notebook = old_notebook("slow", "next")
    async with pipelined(
        notebook, [("c0", True), ("c1", True)], window=window, time_limit=0.3
    ) as run:
        first = await run.client.next_request(1)
        run.client.feed(
            message("status", first.msg_id, execution_state="busy"),
            message("execute_input", first.msg_id, code="slow", execution_count=1),
        )
        await run.until(lambda: run.backend.interrupts == 1, "c0 to be interrupted")
        run.client.feed(
            message("error", first.msg_id, ename="KeyboardInterrupt", evalue="", traceback=[]),
            message("status", first.msg_id, execution_state="idle"),
            message("execute_reply", first.msg_id, channel="shell", status="error"),
        )
    (result,) = run.results
    assert result.ename == "CellTimeoutError"
    assert "0.3 seconds" in str(result.evalue)


async def test_a_queued_cell_is_not_timed_out_while_it_waits_its_turn() -> None:
    notebook = old_notebook("slowish", "next")
    async with pipelined(notebook, [("c0", True), ("c1", True)], time_limit=1.0) as run:
        await run.client.next_request(2)
        first, second = run.client.requests
        run.client.feed(
            message("status", first.msg_id, execution_state="busy"),
            message("execute_input", first.msg_id, code="slowish", execution_count=1),
        )
        await asyncio.sleep(0.6)  # time passing is what is tested: c1 was sent 0.6 s ago
        run.client.feed(
            message("status", first.msg_id, execution_state="idle"),
            message("execute_reply", first.msg_id, channel="shell", status="ok", execution_count=1),
        )
        await run.until(lambda: len(run.results) == 1, "c0's result")
        run.client.feed(
            message("status", second.msg_id, execution_state="busy"),
            message("execute_input", second.msg_id, code="next", execution_count=2),
        )
        await asyncio.sleep(0.6)  # 1.2 s after it was sent, 0.6 s after it began
        run.client.feed(
            message("status", second.msg_id, execution_state="idle"),
            message(
                "execute_reply", second.msg_id, channel="shell", status="ok", execution_count=2
            ),
        )
    assert [r.status for r in run.results] == ["ok", "ok"]
    assert run.backend.interrupts == 0


async def test_a_dead_kernel_ends_the_run_and_leaves_unstarted_cells_alone() -> None:
    notebook = old_notebook("a", "b")
    async with pipelined(notebook, [("c0", True), ("c1", True)]) as run:
        first = await run.client.next_request(1)
        await run.client.next_request(2)
        run.client.feed(message("execute_input", first.msg_id, code="a", execution_count=1))
        await run.until(lambda: CellStarted("c0") in run.seen, "c0 to start")
        assert run.backend.death is not None
        run.backend.die("The kernel python3 died (killed by SIGKILL).")
    (result,) = run.results
    assert (result.cell_id, result.status, result.ename) == ("c0", "error", "DeadKernelError")
    assert run.untouched("c1")


async def test_after_a_timeout_the_requests_sent_ahead_are_dropped() -> None:
    notebook = old_notebook("try:\n    sleep()\nexcept KeyboardInterrupt:\n    pass", "later")
    async with pipelined(notebook, [("c0", True), ("c1", True)], time_limit=0.2) as run:
        await run.client.next_request(2)
        first, second = run.client.requests
        run.client.feed(message("execute_input", first.msg_id, code="...", execution_count=1))
        await run.until(lambda: run.backend.interrupts == 1, "c0 to be interrupted")
        # the cell swallowed the KeyboardInterrupt: no error, so the kernel goes on to c1
        run.client.run_ok(first, count=1)
        run.client.run_ok(second, message("stream", second.msg_id, name="stdout", text="x"))
        await run.until(lambda: run.engine.kernel_state == "idle" and not run.engine.running, "c1")
    (result,) = run.results
    assert (result.cell_id, result.ename) == ("c0", "CellTimeoutError")
    assert run.finished()["c1"].status == "aborted"
    assert run.untouched("c1")
