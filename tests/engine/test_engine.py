"""The engine against a scripted kernel: routing, queue, stop-on-error, input, death."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from tests.engine.fakes import FakeBackend, FakeClient, ended, message
from tests.engine.support import EventLog, make_notebook
from tuinb.engine import (
    CellFinished,
    CellQueued,
    CellStarted,
    Engine,
    EngineEvent,
    InputRequested,
    KernelDied,
    KernelStarted,
    KernelStartFailed,
    KernelStatusChanged,
    OutputsChanged,
)
from tuinb.model import Notebook


@dataclass
class Harness(EventLog):
    engine: Engine
    backend: FakeBackend
    notebook: Notebook
    seen: list[EngineEvent] = field(default_factory=list)

    @property
    def client(self) -> FakeClient:
        return self.backend.client


@contextlib.asynccontextmanager
async def start(notebook: Notebook, **options: bool) -> AsyncIterator[Harness]:
    backend = FakeBackend()
    engine = Engine(notebook, backend, **options)
    harness = Harness(engine, backend, notebook)

    async def collect() -> None:
        async for event in engine.events():
            harness.seen.append(event)

    collector = asyncio.create_task(collect())
    await engine.start()
    yield harness
    await engine.shutdown()
    async with asyncio.timeout(5):
        await collector


@pytest.fixture
async def three() -> AsyncIterator[Harness]:
    async with start(make_notebook("a = 1", "b = 2", "c = 3")) as harness:
        yield harness


async def test_start_reports_language_info_and_idle(three: Harness) -> None:
    await three.until(lambda: any(isinstance(e, KernelStarted) for e in three.seen), "start")
    started = next(e for e in three.seen if isinstance(e, KernelStarted))
    assert started.language_info["name"] == "python"
    assert three.engine.kernel_state == "idle"
    assert KernelStatusChanged("idle") in three.seen


async def test_outputs_are_routed_to_the_cell_and_streams_merge_in_the_model(
    three: Harness,
) -> None:
    three.engine.run_cell("c1")
    request = await three.client.next_request(1)
    assert request.code == "b = 2"
    three.client.run_ok(
        request,
        message("stream", request.msg_id, name="stdout", text="hel"),
        message("stream", request.msg_id, name="stdout", text="lo\n"),
        message(
            "execute_result",
            request.msg_id,
            execution_count=7,
            data={"text/plain": "42"},
            metadata={},
        ),
        count=7,
    )
    await three.until(lambda: "c1" in three.finished(), "c1 to finish")
    cell = three.notebook.cell("c1")
    assert cell.outputs == [
        {"output_type": "stream", "name": "stdout", "text": "hello\n"},
        {
            "output_type": "execute_result",
            "execution_count": 7,
            "data": {"text/plain": "42"},
            "metadata": {},
        },
    ]
    assert cell.execution_count == 7
    assert three.notebook.cell("c0").outputs == []
    assert three.finished()["c1"].status == "ok"
    assert three.finished()["c1"].execution_count == 7
    kinds = [type(e) for e in three.seen if getattr(e, "cell_id", None) == "c1"]
    assert kinds[:2] == [CellQueued, CellStarted]
    assert kinds.count(OutputsChanged) >= 3
    assert kinds[-1] is CellFinished


async def test_finished_needs_both_reply_and_idle_in_either_order(three: Harness) -> None:
    three.engine.run_cell("c0")
    request = await three.client.next_request(1)
    three.client.feed(
        message("status", request.msg_id, execution_state="busy"),
        message("execute_reply", request.msg_id, channel="shell", status="ok", execution_count=1),
    )
    # the reply came first: output after it still belongs to the cell
    three.client.feed(message("stream", request.msg_id, name="stdout", text="late\n"))
    await three.until(lambda: three.notebook.cell("c0").outputs != [], "late output")
    assert "c0" not in three.finished()
    three.client.feed(message("status", request.msg_id, execution_state="idle"))
    await three.until(lambda: "c0" in three.finished(), "c0 to finish")
    assert three.notebook.cell("c0").outputs[0]["text"] == "late\n"

    three.engine.run_cell("c1")
    request = await three.client.next_request(2)
    three.client.feed(message("status", request.msg_id, execution_state="idle"))
    await three.until(lambda: three.engine.kernel_state == "idle", "idle")
    assert "c1" not in three.finished()
    three.client.feed(
        message("execute_reply", request.msg_id, channel="shell", status="ok", execution_count=2)
    )
    await three.until(lambda: "c1" in three.finished(), "c1 to finish")
    assert three.notebook.cell("c1").execution_count == 2


async def test_messages_with_unknown_parents_are_ignored(three: Harness) -> None:
    three.client.feed(
        message("stream", "someone-else", name="stdout", text="stray\n"),
        message("stream", None, name="stdout", text="orphan\n"),
    )
    three.engine.run_cell("c0")
    request = await three.client.next_request(1)
    three.client.run_ok(request)
    await three.until(lambda: "c0" in three.finished(), "c0 to finish")
    # after the finish the router forgot the request: a late message is dropped
    three.client.feed(message("stream", request.msg_id, name="stdout", text="too late\n"))
    three.engine.run_cell("c1")
    three.client.run_ok(await three.client.next_request(2), count=2)
    await three.until(lambda: "c1" in three.finished(), "c1 to finish")
    assert all(cell.outputs == [] for cell in three.notebook.cells)


async def test_queue_runs_in_order_one_at_a_time(three: Harness) -> None:
    three.engine.run_cells(["c2", "c0", "c1"])
    assert three.engine.queued[-2:] == ["c0", "c1"]
    first = await three.client.next_request(1)
    assert len(three.client.requests) == 1  # the next waits for this one to finish
    three.client.run_ok(first, count=1)
    second = await three.client.next_request(2)
    three.client.run_ok(second, count=2)
    third = await three.client.next_request(3)
    three.client.run_ok(third, count=3)
    await three.until(lambda: len(three.finished()) == 3, "three finishes")
    assert [r.code for r in three.client.requests] == ["c = 3", "a = 1", "b = 2"]
    order = [e.cell_id for e in three.seen if isinstance(e, CellFinished)]
    assert order == ["c2", "c0", "c1"]
    assert [three.notebook.cell(c).execution_count for c in ("c2", "c0", "c1")] == [1, 2, 3]


async def test_an_error_stops_the_queue(three: Harness) -> None:
    three.engine.run_cells(["c0", "c1", "c2"])
    first = await three.client.next_request(1)
    assert not first.stop_on_error, "the engine stops the queue, not the kernel's abort"
    three.client.run_error(first)
    await three.until(lambda: len(three.finished()) == 3, "all three to end")
    finished = three.finished()
    assert (finished["c0"].status, finished["c0"].ename, finished["c0"].evalue) == (
        "error",
        "ValueError",
        "bad",
    )
    assert finished["c1"].status == finished["c2"].status == "aborted"
    assert len(three.client.requests) == 1
    assert three.notebook.cell("c0").outputs[0]["ename"] == "ValueError"


async def test_without_stop_on_error_the_queue_goes_on() -> None:
    async with start(make_notebook("1/0", "x = 1"), stop_on_error=False) as h:
        h.engine.run_cells(["c0", "c1"])
        first = await h.client.next_request(1)
        assert not first.stop_on_error
        h.client.run_error(first)
        h.client.run_ok(await h.client.next_request(2), count=2)
        await h.until(lambda: len(h.finished()) == 2, "both to end")
        assert h.finished()["c1"].status == "ok"


async def test_input_request_becomes_an_event_and_the_answer_is_sent(three: Harness) -> None:
    three.engine.run_cell("c0")
    request = await three.client.next_request(1)
    assert request.allow_stdin
    three.client.feed(
        message("status", request.msg_id, execution_state="busy"),
        message(
            "input_request", request.msg_id, channel="stdin", prompt="Password:", password=True
        ),
    )
    await three.until(
        lambda: any(isinstance(e, InputRequested) for e in three.seen), "the input request"
    )
    asked = next(e for e in three.seen if isinstance(e, InputRequested))
    assert asked == InputRequested("c0", "Password:", True)
    await three.engine.provide_input("hunter2")
    assert three.client.inputs == ["hunter2"]


async def test_kernel_death_ends_running_and_queued_cells_and_keeps_outputs(
    three: Harness,
) -> None:
    three.engine.run_cells(["c0", "c1"])
    request = await three.client.next_request(1)
    three.client.feed(
        message("status", request.msg_id, execution_state="busy"),
        message("stream", request.msg_id, name="stdout", text="partial\n"),
    )
    await three.until(lambda: three.notebook.cell("c0").outputs != [], "partial output")
    three.backend.die("the kernel process exited (signal 9)")
    await three.until(lambda: len(three.finished()) == 2, "both cells to end")
    finished = three.finished()
    assert finished["c0"].status == "error"
    assert finished["c0"].ename == "DeadKernelError"
    assert finished["c1"].status == "aborted"
    assert KernelDied("the kernel process exited (signal 9)") in three.seen
    assert three.engine.kernel_state == "dead"
    assert three.notebook.cell("c0").outputs[0]["text"] == "partial\n"
    three.engine.run_cell("c2")
    await three.until(lambda: "c2" in three.finished(), "c2 to be refused")
    assert three.finished()["c2"].status == "aborted"


async def test_timing_metadata_is_recorded_like_nbclient(three: Harness) -> None:
    three.engine.run_cell("c0")
    request = await three.client.next_request(1)
    three.client.feed(
        message(
            "status", request.msg_id, execution_state="busy", date="2026-11-23T21:00:00.000001Z"
        ),
        message(
            "execute_input",
            request.msg_id,
            code="a = 1",
            execution_count=1,
            date="2026-11-23T21:00:00.000002Z",
        ),
        message(
            "execute_reply",
            request.msg_id,
            channel="shell",
            status="ok",
            execution_count=1,
            date="2026-11-23T21:00:00.000003Z",
            msg_metadata={"started": "2026-11-23T21:00:00.000002Z"},
        ),
        message(
            "status", request.msg_id, execution_state="idle", date="2026-11-23T21:00:00.000004Z"
        ),
    )
    await three.until(lambda: "c0" in three.finished(), "c0 to finish")
    assert three.notebook.cell("c0").metadata["execution"] == {
        "iopub.status.busy": "2026-11-23T21:00:00.000001Z",
        "iopub.execute_input": "2026-11-23T21:00:00.000002Z",
        "shell.execute_reply.started": "2026-11-23T21:00:00.000002Z",
        "shell.execute_reply": "2026-11-23T21:00:00.000003Z",
        "iopub.status.idle": "2026-11-23T21:00:00.000004Z",
    }


async def test_timing_metadata_can_be_turned_off() -> None:
    async with start(make_notebook("x"), record_timing=False) as h:
        h.engine.run_cell("c0")
        h.client.run_ok(await h.client.next_request(1))
        await h.until(lambda: "c0" in h.finished(), "c0 to finish")
        assert "execution" not in h.notebook.cell("c0").metadata


async def test_display_updates_reach_the_cell_that_showed_it(three: Harness) -> None:
    three.engine.run_cell("c0")
    first = await three.client.next_request(1)
    three.client.run_ok(
        first,
        message(
            "display_data",
            first.msg_id,
            data={"text/plain": "0%"},
            metadata={},
            transient={"display_id": "bar"},
        ),
    )
    await three.until(lambda: "c0" in three.finished(), "c0 to finish")
    three.engine.run_cell("c1")
    second = await three.client.next_request(2)
    three.client.run_ok(
        second,
        message(
            "update_display_data",
            second.msg_id,
            data={"text/plain": "100%"},
            metadata={},
            transient={"display_id": "bar"},
        ),
        message("clear_output", second.msg_id, wait=False),
        count=2,
    )
    await three.until(lambda: "c1" in three.finished(), "c1 to finish")
    assert three.notebook.cell("c0").outputs[0]["data"] == {"text/plain": "100%"}
    assert "transient" not in three.notebook.cell("c0").outputs[0]
    assert OutputsChanged("c0") in three.seen[-6:]


async def test_interrupt_and_restart_reach_the_backend(three: Harness) -> None:
    three.engine.run_cells(["c0", "c1"])
    await three.client.next_request(1)
    await three.engine.interrupt()
    assert three.backend.interrupts == 1
    await three.engine.restart()
    assert three.backend.restarts == 1
    await three.until(lambda: len(three.finished()) == 2, "both cells to end")
    finished = three.finished()
    assert finished["c0"].status == "error"
    assert finished["c1"].status == "aborted"
    # the new kernel runs cells again
    three.engine.run_cell("c2")
    three.client.run_ok(await three.client.next_request(1))
    await three.until(lambda: "c2" in three.finished(), "c2 to finish")
    assert three.finished()["c2"].status == "ok"


async def test_a_time_limit_interrupts_the_cell(three: Harness) -> None:
    task = asyncio.create_task(three.engine.execute_cell("c0", time_limit=0.05))
    request = await three.client.next_request(1)
    await three.until(lambda: three.backend.interrupts == 1, "the interrupt")
    three.client.feed(*ended(request, ename="KeyboardInterrupt"))
    async with asyncio.timeout(5):
        result = await task
    assert result.status == "error"
    assert result.ename == "CellTimeoutError"
    assert "0.05 seconds" in (result.evalue or "")


async def test_a_failed_start_is_an_event_and_an_exception() -> None:
    backend = FakeBackend(fail_start="Kernel 'nope' did not start.")
    engine = Engine(make_notebook("x"), backend)
    with pytest.raises(RuntimeError, match="did not start"):
        await engine.start()
    await engine.shutdown()
    seen = [event async for event in engine.events()]
    assert KernelStartFailed("Kernel 'nope' did not start.") in seen


async def test_cells_queued_before_the_kernel_is_up_run_once_it_is() -> None:
    notebook = make_notebook("a = 1")
    backend = FakeBackend()
    engine = Engine(notebook, backend)
    engine.run_cell("c0")
    await asyncio.sleep(0)  # the queue runner is waiting, not failing
    assert backend.client.requests == []
    await engine.start()
    request = await backend.client.next_request(1)
    backend.client.run_ok(request)
    async with asyncio.timeout(5):
        async for event in engine.events():
            if isinstance(event, CellFinished):
                assert event.status == "ok"
                break
    await engine.shutdown()


async def test_a_blank_cell_is_cleared_without_asking_the_kernel(three: Harness) -> None:
    cell = three.notebook.cell("c0")
    three.notebook.append_output("c0", {"output_type": "stream", "name": "stdout", "text": "x"})
    three.notebook.set_execution_count("c0", 4)
    three.notebook.set_source("c0", "  \n")
    result = await three.engine.execute_cell("c0")
    assert result.status == "ok"
    assert three.client.requests == []
    assert cell.outputs == []
    assert cell.execution_count is None


async def test_deleting_running_and_queued_cells_does_not_stall_the_queue(
    three: Harness,
) -> None:
    three.engine.run_cells(["c0", "c1", "c2"])
    first = await three.client.next_request(1)
    three.notebook.delete_cells(["c0", "c1"])
    three.client.run_ok(first, message("stream", first.msg_id, name="stdout", text="gone\n"))
    await three.until(lambda: "c1" in three.finished(), "the deleted queued cell to end")
    assert three.finished()["c0"].status == "ok"
    assert three.finished()["c1"].status == "aborted"
    three.client.run_ok(await three.client.next_request(2), count=2)
    await three.until(lambda: "c2" in three.finished(), "c2 to run")
    assert three.notebook.cell("c2").execution_count == 2
