"""Running a loaded notebook to the end on a kernel: what `tuinb run` does between load and save.

Apart from `tuinb.headless.run` (the command: files, kernel choice, saving,
exit codes) because two commands share it: a local notebook there, and a
notebook or kernel on a Jupyter Server in `tuinb.headless.remote`. Which
cells run (nbclient's rules, `skip-execution`, `raises-exception`), the
pipelined execution, the progress line and the kernel's shutdown live here.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from tuinb.headless.progress import Progress, Reporter

if TYPE_CHECKING:
    from tuinb.engine import Engine, KernelBackend
    from tuinb.model import Notebook

SKIP_TAG = "skip-execution"
"""Cells with this tag are not run (as nbclient's `skip_cells_with_tag`)."""
RAISES_TAG = "raises-exception"
"""Cells with this tag may raise: the run goes on (as nbclient)."""
SHUTDOWN_WAIT = 0.3
"""Seconds of polite shutdown: the kernel gets half of it to answer shutdown_request
(ipykernel does in ~30 ms); one that does not answer gets the other half to exit
before it is signalled. The run's results are final by then.
"""


@dataclass
class RunOutcome:
    """What `execute_notebook` did."""

    exit_code: int
    message: str | None = None
    """The one line for stderr, if any."""
    save: bool = True
    """Whether the notebook should be written."""


def cells_to_run(notebook: Notebook) -> list[tuple[int, str]]:
    """(1-based position among all cells, cell id) of the cells `tuinb run` executes.

    Like nbclient: code cells with some source, not tagged `skip-execution`.
    """
    chosen = []
    for position, cell in enumerate(notebook.cells, start=1):
        tags = cell.metadata.get("tags") or []
        if cell.cell_type == "code" and cell.source.strip() and SKIP_TAG not in tags:
            chosen.append((position, cell.id))
    return chosen


async def execute_notebook(
    notebook: Notebook,
    backend: KernelBackend,
    *,
    time_limit: float | None,
    allow_errors: bool,
    progress_stream: IO[str] | None = None,
    client: Any = None,
) -> RunOutcome:
    """Run every code cell of `notebook` in order on `backend`; results go into the model.

    `client` is the backend's `start()` result if it was started already. The
    kernel is always shut down before this returns (or raises).
    """
    import asyncio

    from tuinb.engine import Engine

    engine = Engine(notebook, backend, record_timing=True, allow_stdin=False)
    progress = Progress(len(cells_to_run(notebook)), progress_stream or sys.stderr)
    progress.current = "starting the kernel"
    ticker = asyncio.create_task(progress.tick())
    reporter = Reporter(cells_to_run(notebook), progress)
    drain = asyncio.create_task(_follow(engine, reporter))
    try:
        try:
            await engine.start(client)
        except Exception as exc:
            return RunOutcome(2, str(exc), save=False)
        if engine.language_info:
            notebook.metadata["language_info"] = dict(engine.language_info)
        return await _run_cells(engine, notebook, reporter, time_limit, allow_errors)
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
        progress.close()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(10):
                await engine.shutdown(timeout=SHUTDOWN_WAIT)
        drain.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await drain


async def _follow(engine: Engine, reporter: Reporter) -> None:
    from tuinb.engine import CellStarted

    async for event in engine.events():  # consumed, so events do not pile up
        if isinstance(event, CellStarted):
            reporter.begun(event.cell_id)


async def _run_cells(
    engine: Engine,
    notebook: Notebook,
    reporter: Reporter,
    time_limit: float | None,
    allow_errors: bool,
) -> RunOutcome:
    plan: list[tuple[str, bool]] = []
    may_raise: dict[str, bool] = {}
    for _position, cell_id in cells_to_run(notebook):
        tags = notebook.cell(cell_id).metadata.get("tags") or []
        may_raise[cell_id] = allow_errors or RAISES_TAG in tags
        plan.append((cell_id, not may_raise[cell_id]))
    results = engine.execute_pipelined(plan, time_limit=time_limit)
    async with contextlib.aclosing(results):
        async for result in results:
            position = reporter.where[result.cell_id][1]
            reporter.finished(result)
            if result.status == "ok":
                continue
            fatal = (
                result.ename in ("CellTimeoutError", "DeadKernelError")
                or not may_raise[result.cell_id]
            )
            if result.status == "error" and not fatal:
                continue
            return RunOutcome(1, f"cell {position}: {result.ename}: {result.evalue}")
    return RunOutcome(0)
