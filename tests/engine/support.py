"""Helpers shared by the engine tests (fake backend and real kernel alike)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest

from tests.kernel_support import wait_gone
from tuinb.engine import CellFinished, Engine, EngineEvent
from tuinb.kernel.kernelspec import KernelSpec, get_kernel_spec
from tuinb.kernel.manager import KernelManager
from tuinb.model import Notebook


def make_notebook(*sources: str) -> Notebook:
    """A v4.5 notebook of code cells with ids c0, c1, ..."""
    cells = [
        {"id": f"c{i}", "cell_type": "code", "source": src, "metadata": {}, "outputs": []}
        for i, src in enumerate(sources)
    ]
    return Notebook.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


class EventLog:
    """The engine events a test has seen, and waiting on them."""

    seen: list[EngineEvent]
    wait_seconds: float = 5
    """How long `until` waits by default (a real kernel gets longer)."""

    async def until(
        self, predicate: Callable[[], bool], what: str, seconds: float | None = None
    ) -> None:
        try:
            async with asyncio.timeout(self.wait_seconds if seconds is None else seconds):
                while not predicate():  # noqa: ASYNC110 (bounded by the timeout)
                    await asyncio.sleep(0.01)
        except TimeoutError:
            pytest.fail(f"timed out waiting for {what}; events: {self.seen}")

    def finished(self) -> dict[str, CellFinished]:
        return {e.cell_id: e for e in self.seen if isinstance(e, CellFinished)}


class Running(EventLog):
    """An engine on a real kernel, and the events it emitted so far."""

    wait_seconds = 30

    def __init__(self, engine: Engine, manager: KernelManager) -> None:
        self.engine = engine
        self.manager = manager
        self.seen: list[EngineEvent] = []


@contextlib.asynccontextmanager
async def running(notebook: Notebook, spec: KernelSpec | None = None) -> AsyncIterator[Running]:
    """An engine on `spec` (the `python3` kernelspec by default), shut down and gone on exit."""
    manager = KernelManager(spec or get_kernel_spec("python3"))
    engine = Engine(notebook, manager)
    run = Running(engine, manager)

    async def collect() -> None:
        async for event in engine.events():
            run.seen.append(event)

    collector = asyncio.create_task(collect())
    try:
        async with asyncio.timeout(60):
            await engine.start()
        yield run
    finally:
        pid = manager.pid
        async with asyncio.timeout(20):
            await engine.shutdown()
            await collector
        if pid is not None:
            await wait_gone(pid, within=10)
