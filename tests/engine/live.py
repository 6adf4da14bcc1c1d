"""An engine on a real python3 kernel for a test: run cells, wait for events, read models."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from tests.engine.support import EventLog, make_notebook
from tests.kernel_support import wait_gone
from tuinb.engine import CellFinished, Engine, EngineEvent
from tuinb.engine.widgetstate import WidgetModel
from tuinb.kernel.kernelspec import get_kernel_spec
from tuinb.kernel.manager import KernelManager
from tuinb.model import Notebook


class Running(EventLog):
    wait_seconds = 60

    def __init__(self, engine: Engine, notebook: Notebook) -> None:
        self.engine = engine
        self.notebook = notebook
        self.seen: list[EngineEvent] = []

    async def run(self, cell_id: str) -> CellFinished:
        before = len([e for e in self.seen if isinstance(e, CellFinished)])
        self.engine.run_cell(cell_id)
        await self.until(
            lambda: len([e for e in self.seen if isinstance(e, CellFinished)]) > before,
            f"cell {cell_id} to finish",
        )
        finished = [e for e in self.seen if isinstance(e, CellFinished)][-1]
        assert finished.status == "ok", self.notebook.cell(cell_id).outputs
        return finished

    def stdout(self, cell_id: str) -> str:
        outputs = self.notebook.cell(cell_id).outputs
        return "".join(o["text"] for o in outputs if o["output_type"] == "stream")

    def model(self, predicate: Callable[[WidgetModel], bool]) -> WidgetModel:
        found = [m for m in self.engine.widgets.store.models() if predicate(m)]
        assert len(found) == 1, [m.name for m in self.engine.widgets.store.models()]
        return found[0]


@contextlib.asynccontextmanager
async def running(*sources: str) -> AsyncIterator[Running]:
    notebook = make_notebook(*sources)
    manager = KernelManager(get_kernel_spec("python3"))
    engine = Engine(notebook, manager)
    run = Running(engine, notebook)

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
