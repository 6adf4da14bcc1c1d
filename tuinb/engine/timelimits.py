"""Per-cell time limits (`tuinb run --timeout`): what happens to a cell that runs too long.

Apart from `tuinb.engine.engine` because it is one policy with its own
numbers, not the engine's bookkeeping, and only headless runs use it (the
editor sets no limit and never imports this): the kernel is interrupted,
requests sent ahead are dropped, the cell gets `INTERRUPT_GRACE` seconds to
end, and it ends as `error` with ename `CellTimeoutError` whatever it raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Callable
from typing import Any

from tuinb.engine.events import CellFinished, EngineEvent
from tuinb.engine.protocols import KernelBackend
from tuinb.engine.router import Execution, Router

INTERRUPT_GRACE = 10.0
"""Seconds a timed-out cell gets to end after the kernel is interrupted."""


async def wait_finished(
    execution: Execution,
    *,
    time_limit: float,
    router: Router,
    backend: KernelBackend,
    emit: Callable[[EngineEvent], None],
) -> CellFinished:
    """Wait for an execution to end; `time_limit` counts from when the kernel began it."""
    if not execution.began.done():
        either: list[asyncio.Future[Any]] = [execution.began, execution.done]
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    remaining = time_limit - (time.monotonic() - execution.started)
    try:
        return await asyncio.wait_for(asyncio.shield(execution.done), max(remaining, 0))
    except TimeoutError:
        pass
    return await _time_out(execution, time_limit, router=router, backend=backend, emit=emit)


async def _time_out(
    execution: Execution,
    limit: float,
    *,
    router: Router,
    backend: KernelBackend,
    emit: Callable[[EngineEvent], None],
) -> CellFinished:
    message = f"the cell did not finish within {limit:g} seconds and was interrupted"
    if not execution.replied.done():  # a pipelined run sends nothing more behind it
        execution.replied.set_result("timeout")
    # Requests sent ahead are dropped, as nothing runs after a timeout: if the
    # interrupted code swallows KeyboardInterrupt, the kernel does not abort them.
    for later in router.executions():
        if later.deferred and not later.began.done():
            router.forget(later)
            dropped = later.finish("aborted")
            if dropped is not None:
                emit(dropped)
    with contextlib.suppress(Exception):
        await backend.interrupt()
    try:
        result = await asyncio.wait_for(asyncio.shield(execution.done), INTERRUPT_GRACE)
    except TimeoutError:
        router.forget(execution)
        event = execution.finish("error", ename="CellTimeoutError", evalue=message)
        if event is not None:
            emit(event)
        return await execution.done
    return dataclasses.replace(result, status="error", ename="CellTimeoutError", evalue=message)
