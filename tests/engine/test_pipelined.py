"""`Engine.execute_pipelined` against a fake kernel: what is sent when, deferred starts, stops."""

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


async def test_behind_a_cell_that_may_stop_the_run_the_next_request_waits_for_its_reply() -> None:
    notebook = old_notebook("a = 1", "b = 2", "c = 3")
    cells = [("c0", True), ("c1", True), ("c2", True)]
    async with pipelined(notebook, cells) as run:
        first = await run.client.next_request(1)
        assert first.code == "a = 1"
        assert not first.stop_on_error
        assert not first.allow_stdin
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
        assert len(run.client.requests) == 1, "nothing is sent behind a cell still running"

        # the reply is enough (it comes before the idle): c1 goes out before c0 is finished
        run.client.feed(
            message("execute_reply", first.msg_id, channel="shell", status="ok", execution_count=1),
        )
        second = await run.client.next_request(2)
        assert second.code == "b = 2"
        assert len(run.client.requests) == 2
        run.client.feed(message("status", first.msg_id, execution_state="idle"))
        run.client.run_ok(second, count=2)
        third = await run.client.next_request(3)
        run.client.run_ok(third, count=3)
    assert [(r.cell_id, r.status, r.execution_count) for r in run.results] == [
        ("c0", "ok", 1),
        ("c1", "ok", 2),
        ("c2", "ok", 3),
    ]


async def test_after_an_error_later_cells_are_never_sent_and_keep_their_old_results() -> None:
    notebook = old_notebook("ok()", "bad()", "later()", "last()")
    cells = [(f"c{i}", True) for i in range(4)]
    async with pipelined(notebook, cells) as run:
        first = await run.client.next_request(1)
        run.client.run_ok(first, count=1)
        failing = await run.client.next_request(2)
        run.client.run_error(failing, count=2)
        await run.until(lambda: len(run.results) == 2, "the error to be routed")
    assert [(r.cell_id, r.status) for r in run.results] == [("c0", "ok"), ("c1", "error")]
    assert run.results[1].ename == "ValueError"
    assert run.notebook.cell("c1").outputs[0]["ename"] == "ValueError"
    assert [r.code for r in run.client.requests] == ["ok()", "bad()"]
    assert run.untouched("c2")
    assert run.untouched("c3")
    assert CellStarted("c2") not in run.seen
    assert OutputsChanged("c2") not in run.seen


async def test_cells_never_sent_are_reported_aborted_when_the_consumer_goes_on() -> None:
    notebook = old_notebook("bad()", "later()", "last()")
    cells = [("c0", True), ("c1", True), ("c2", True)]
    async with pipelined(notebook, cells, stop_after_error=False) as run:
        run.client.run_error(await run.client.next_request(1), count=1)
    assert [(r.cell_id, r.status) for r in run.results] == [
        ("c0", "error"),
        ("c1", "aborted"),
        ("c2", "aborted"),
    ]
    assert len(run.client.requests) == 1
    assert run.untouched("c1")
    assert run.untouched("c2")


async def test_a_request_the_kernel_aborts_stops_the_run_and_leaves_the_cell_alone() -> None:
    notebook = old_notebook("a", "b")
    async with pipelined(notebook, [("c0", True), ("c1", True)], stop_after_error=False) as run:
        aborted = await run.client.next_request(1)
        run.client.feed(  # idle before the reply: the orders differ between channels
            message("status", aborted.msg_id, execution_state="busy"),
            message("status", aborted.msg_id, execution_state="idle"),
            message("execute_reply", aborted.msg_id, channel="shell", status="aborted"),
        )
    assert [(r.cell_id, r.status) for r in run.results] == [("c0", "aborted"), ("c1", "aborted")]
    assert len(run.client.requests) == 1
    assert run.untouched("c0")


async def test_behind_cells_allowed_to_fail_requests_go_at_once_up_to_the_window() -> None:
    notebook = old_notebook("a", "b", "c", "d", "e")
    cells = [("c0", False), ("c1", False), ("c2", False), ("c3", True), ("c4", True)]
    async with pipelined(notebook, cells, window=2, stop_after_error=False) as run:
        first = await run.client.next_request(1)
        second = await run.client.next_request(2)
        assert len(run.client.requests) == 2, "at most `window` requests in flight"
        run.client.run_error(first, count=1)  # allowed to fail: the run goes on
        third = await run.client.next_request(3)
        assert len(run.client.requests) == 3
        run.client.run_ok(second, count=2)
        fourth = await run.client.next_request(4)  # c3 may stop the run, but c2 may not
        run.client.run_ok(third, count=3)
        await run.until(lambda: len(run.results) == 3, "c2's result")
        assert len(run.client.requests) == 4, "c4 waits for c3's reply"
        run.client.run_ok(fourth, count=4)
        fifth = await run.client.next_request(5)
        run.client.run_ok(fifth, count=5)
    assert [r.status for r in run.results] == ["error", "ok", "ok", "ok", "ok"]


async def test_with_a_time_limit_every_request_waits_for_the_reply_before_it() -> None:
    notebook = old_notebook("a", "b", "c")
    cells = [("c0", True), ("c1", False), ("c2", True)]
    async with pipelined(notebook, cells, time_limit=30, stop_after_error=False) as run:
        first = await run.client.next_request(1)
        assert len(run.client.requests) == 1
        run.client.run_ok(first, count=1)
        second = await run.client.next_request(2)
        await run.until(lambda: len(run.results) == 1, "c0's result")
        assert len(run.client.requests) == 2, "an interrupt must never let the kernel go on"
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
    assert len(run.client.requests) == 1


async def test_a_sent_cell_is_not_timed_out_before_the_kernel_begins_it() -> None:
    notebook = old_notebook("first", "next")
    async with pipelined(notebook, [("c0", True), ("c1", True)], time_limit=1.0) as run:
        first = await run.client.next_request(1)
        run.client.feed(
            message("status", first.msg_id, execution_state="busy"),
            message("execute_input", first.msg_id, code="first", execution_count=1),
            message("execute_reply", first.msg_id, channel="shell", status="ok", execution_count=1),
        )
        second = await run.client.next_request(2)
        await asyncio.sleep(0.6)  # time passing is what is tested: c1 was sent 0.6 s ago
        run.client.feed(
            message("status", first.msg_id, execution_state="idle"),
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
        run.client.feed(message("execute_input", first.msg_id, code="a", execution_count=1))
        await run.until(lambda: CellStarted("c0") in run.seen, "c0 to start")
        assert run.backend.death is not None
        run.backend.die("The kernel python3 died (killed by SIGKILL).")
    (result,) = run.results
    assert (result.cell_id, result.status, result.ename) == ("c0", "error", "DeadKernelError")
    assert len(run.client.requests) == 1
    assert run.untouched("c1")


async def test_after_a_timeout_nothing_more_is_sent_even_if_the_cell_ends_well() -> None:
    notebook = old_notebook("try:\n    sleep()\nexcept KeyboardInterrupt:\n    pass", "later")
    async with pipelined(notebook, [("c0", False), ("c1", True)], time_limit=0.2) as run:
        first = await run.client.next_request(1)
        run.client.feed(message("execute_input", first.msg_id, code="...", execution_count=1))
        await run.until(lambda: run.backend.interrupts == 1, "c0 to be interrupted")
        # the cell swallowed the KeyboardInterrupt: its reply says ok
        run.client.run_ok(first, count=1)
        await run.until(lambda: run.engine.kernel_state == "idle" and not run.engine.running, "c0")
    (result,) = run.results
    assert (result.cell_id, result.ename) == ("c0", "CellTimeoutError")
    assert len(run.client.requests) == 1
    assert run.untouched("c1")
