"""Issue 9, item 7: an interrupt the kernel does not answer is reported (`i i` on a cell
that ignores SIGINT did nothing visible). The UI shows `InterruptUnanswered` with a
restart offer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from tests.engine.fakes import FakeBackend, begun, ended
from tests.engine.support import EventLog, make_notebook, running
from tuinb.engine import Engine, EngineEvent, InterruptUnanswered

IGNORES_SIGINT = (
    "import signal, time\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "print('up', flush=True)\n"
    "time.sleep(60)"
)


@pytest.mark.kernel
@pytest.mark.usefixtures("python3_kernelspec")
async def test_a_cell_that_ignores_the_interrupt_is_reported() -> None:
    notebook = make_notebook(IGNORES_SIGINT)
    async with running(notebook) as run:
        run.engine.run_cell("c0")
        await run.until(lambda: notebook.cell("c0").outputs != [], "the cell to start")
        await run.engine.interrupt(answer_within=0.5)
        await run.until(
            lambda: any(isinstance(e, InterruptUnanswered) for e in run.seen),
            "the unanswered interrupt to be reported",
            10,
        )
        (event,) = [e for e in run.seen if isinstance(e, InterruptUnanswered)]
        assert event == InterruptUnanswered(0.5, "c0")
        assert run.engine.kernel_state == "busy"
        assert "c0" not in run.finished()


class Log(EventLog):
    def __init__(self) -> None:
        self.seen: list[EngineEvent] = []


@contextlib.asynccontextmanager
async def fake_engine(*sources: str) -> AsyncIterator[tuple[Engine, FakeBackend, Log]]:
    """A started engine on a fake kernel, its events collected; shut down on the way out."""
    backend = FakeBackend()
    engine = Engine(make_notebook(*sources), backend)
    log = Log()

    async def collect() -> None:
        async for event in engine.events():
            log.seen.append(event)

    collector = asyncio.create_task(collect())
    await engine.start()
    try:
        yield engine, backend, log
    finally:
        await engine.shutdown()
        await collector


async def test_an_answered_interrupt_is_not_reported() -> None:
    async with fake_engine("sleep()") as (engine, backend, log):
        engine.run_cell("c0")
        request = await backend.client.next_request(1)
        backend.client.feed(*begun(request))
        await log.until(lambda: engine.kernel_state == "busy", "the cell to start")
        await engine.interrupt(answer_within=0.3)
        assert backend.interrupts == 1
        backend.client.feed(*ended(request, ename="KeyboardInterrupt"))
        await log.until(lambda: "c0" in log.finished(), "the interrupted cell to end")
        await asyncio.sleep(0.5)  # time passing is what is tested: past answer_within
    assert not any(isinstance(e, InterruptUnanswered) for e in log.seen)


async def test_an_interrupt_with_nothing_running_is_not_reported() -> None:
    async with fake_engine("x") as (engine, backend, log):
        await engine.interrupt(answer_within=0.01)
        assert backend.interrupts == 1
        await asyncio.sleep(0.1)  # time passing is what is tested: past answer_within
    assert not any(isinstance(e, InterruptUnanswered) for e in log.seen)
