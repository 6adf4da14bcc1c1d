"""Pipelined runs (`Engine.execute_pipelined`): the next requests go out before the last ends.

ipykernel queues execute requests on its shell channel and runs them in
order, so a headless run need not wait for a cell's round trip before the
kernel can begin the next one. Requests go out in batches of up to `window`,
each batch sent at once (without yielding to the event loop) when the kernel
has finished the one before: the requests are then all queued in the kernel
before its first cell can end, so that when a cell sent with `stop_on_error`
fails, ipykernel itself aborts the rest of the batch (their replies say
`aborted`) and those cells are left untouched, as cells nbclient never ran.
A cell is cleared, and `CellStarted` emitted, only when the kernel begins it
(the router's deferred executions), and a `time_limit` counts from then.
With a `time_limit`, a cell that may fail (sent without `stop_on_error`) ends
its batch, so that the interrupt of a timeout never lets the kernel go on to
the next cell.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncGenerator, Sequence
from typing import Protocol

from tuinb.engine.events import CellFinished
from tuinb.engine.router import Execution

PIPELINE_WINDOW = 16
"""Execute requests sent at once (one batch)."""


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


_Pending = deque[Execution | CellFinished | str]
"""Sent executions, results known at send time, and cell ids to run in their turn."""


async def run_pipelined(
    engine: PipelineEngine,
    cells: Sequence[tuple[str, bool]],
    *,
    window: int = PIPELINE_WINDOW,
    time_limit: float | None = None,
) -> AsyncGenerator[CellFinished, None]:
    """Run `(cell_id, stop_on_error)` cells on `engine` in order; yield each result in order."""
    pending: _Pending = deque()
    index = 0
    while index < len(cells) or pending:
        if not pending:
            index = await _send_batch(engine, cells, index, max(window, 1), time_limit, pending)
        item = pending.popleft()
        if isinstance(item, str):  # blank, not code or deleted: handled in its turn
            try:
                yield await engine.execute_cell(item)
            except KeyError:
                yield CellFinished(item, "aborted")
        elif isinstance(item, CellFinished):
            yield item
        else:
            yield await engine.wait_finished(item, time_limit=time_limit)


async def _send_batch(
    engine: PipelineEngine,
    cells: Sequence[tuple[str, bool]],
    index: int,
    window: int,
    time_limit: float | None,
    pending: _Pending,
) -> int:
    """Send the next batch into `pending`; returns the index of the first cell not in it."""
    while index < len(cells) and len(pending) < window:
        cell_id, stop_on_error = cells[index]
        index += 1
        sent = await engine.send_ahead(cell_id, stop_on_error=stop_on_error)
        if sent is None:
            pending.append(cell_id)
            continue
        pending.append(sent)
        if isinstance(sent, CellFinished):  # the kernel is gone: nothing more to send
            break
        if time_limit is not None and not stop_on_error:
            break
    return index
