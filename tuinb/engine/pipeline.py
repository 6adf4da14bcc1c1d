"""Pipelined runs (`Engine.execute_pipelined`): requests go out ahead where that is safe.

The guarantee, by construction rather than by timing: **no request is sent
behind a cell that may stop the run until that cell's execute_reply has said
`ok`.** A cell may stop the run unless it is allowed to fail (`stop_on_error`
False: `--allow-errors`, a `raises-exception` tag) and no `time_limit` is set
(a timed-out cell is interrupted and stops the run whatever it is allowed).
Behind a cell allowed to fail, the next request goes at once, up to `window`
requests in flight.

Why not let the kernel abort what follows an error (ipykernel's
`stop_on_error`)? ipykernel 7 aborts only the requests its shell thread has
already forwarded when the failing cell ends (it then posts a "stop aborting"
marker behind them); a request that reaches it a moment later runs. Under
load that happened to 3 runs in 100. So the kernel's own abort is never
relied on, and requests are sent with `stop_on_error=False`: the kernel never
enters its aborting state, which could otherwise swallow a request sent
just after an error.

Waiting for the reply, not for the cell's `status: idle`, is enough: the reply
tells whether the code raised, and the kernel sends it before the idle. The
next request leaves from the task that the reply wakes, so a gated cell costs
one round trip to the kernel. A cell is cleared, and `CellStarted` emitted,
only when the kernel begins it (the router's deferred executions); a
`time_limit` counts from then. Cells that are not sent after a stop end as
`aborted` and are left untouched, as cells nbclient never reached.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, Sequence
from typing import Protocol

from tuinb.engine.events import CellFinished
from tuinb.engine.router import Execution

PIPELINE_WINDOW = 16
"""Requests in flight at most (sent, reply not yet in) behind cells allowed to fail."""


class PipelineEngine(Protocol):
    """What a pipelined run needs of the engine (`tuinb.engine.Engine`)."""

    async def send_ahead(
        self, cell_id: str, *, stop_on_error: bool
    ) -> Execution | CellFinished | None: ...

    async def execute_cell(
        self, cell_id: str, *, stop_on_error: bool = True, time_limit: float | None = None
    ) -> CellFinished: ...

    async def wait_finished(
        self, execution: Execution, *, time_limit: float | None
    ) -> CellFinished: ...


_Item = Execution | CellFinished | str
"""A sent execution, a result known at send time, or a cell id to run in its turn."""


async def run_pipelined(
    engine: PipelineEngine,
    cells: Sequence[tuple[str, bool]],
    *,
    window: int = PIPELINE_WINDOW,
    time_limit: float | None = None,
) -> AsyncGenerator[CellFinished, None]:
    """Run `(cell_id, stop_on_error)` cells on `engine` in order; yield each result in order.

    After a cell with `stop_on_error` fails (or one times out, or the kernel
    goes away), the cells after it are never sent; each is yielded as `aborted`.
    """
    items: asyncio.Queue[_Item | None] = asyncio.Queue()
    sender = asyncio.create_task(
        _send_all(engine, cells, max(window, 1), time_limit, items), name="tuinb-run-sender"
    )
    try:
        while (item := await items.get()) is not None:
            if isinstance(item, str):  # blank, not code or deleted: handled in its turn
                try:
                    yield await engine.execute_cell(item)
                except KeyError:
                    yield CellFinished(item, "aborted")
            elif isinstance(item, CellFinished):
                yield item
            else:
                yield await engine.wait_finished(item, time_limit=time_limit)
        await sender  # raises what stopped the sender, if anything did
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender


async def _send_all(
    engine: PipelineEngine,
    cells: Sequence[tuple[str, bool]],
    window: int,
    time_limit: float | None,
    items: asyncio.Queue[_Item | None],
) -> None:
    """Send each cell's request when the guarantee allows it; queue what the consumer awaits."""
    in_flight: deque[Execution] = deque()
    stopped = False
    try:
        for cell_id, stop_on_error in cells:
            if stopped:
                items.put_nowait(CellFinished(cell_id, "aborted"))
                continue
            while len(in_flight) >= window:
                await in_flight[0].replied
                in_flight.popleft()
            sent = await engine.send_ahead(cell_id, stop_on_error=False)
            if sent is None:
                items.put_nowait(cell_id)
                continue
            items.put_nowait(sent)
            if isinstance(sent, CellFinished):  # the kernel is gone: nothing more to send
                stopped = True
                continue
            if stop_on_error or time_limit is not None:
                # Nothing goes out behind a cell that may stop the run before its reply.
                verdict = await sent.replied
                in_flight.clear()  # every earlier request was answered before this one
                stopped = verdict != "ok" and (stop_on_error or verdict != "error")
            else:
                in_flight.append(sent)
                while in_flight and in_flight[0].replied.done():
                    in_flight.popleft()
    finally:
        items.put_nowait(None)
