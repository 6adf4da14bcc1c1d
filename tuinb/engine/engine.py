"""The engine: one notebook model and one kernel; a run queue; a stream of events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from typing import Any, cast

from tuinb.engine import introspect
from tuinb.engine.backends import ConnectionReporting
from tuinb.engine.comms import CommManager, CommSender
from tuinb.engine.completion import Completion, Help
from tuinb.engine.events import (
    CellFinished,
    CellQueued,
    CellStarted,
    EngineEvent,
    InterruptUnanswered,
    KernelConnectionChanged,
    KernelDied,
    KernelStarted,
    KernelStartFailed,
    KernelState,
    KernelStatusChanged,
    OutputsChanged,
)
from tuinb.engine.pipeline import PIPELINE_WINDOW, run_pipelined
from tuinb.engine.protocols import ClientLike, KernelBackend, MessageLike, NotebookLike
from tuinb.engine.router import Execution, Router

log = logging.getLogger(__name__)

INTERRUPT_ANSWER = 2.0
"""Seconds after an interrupt when a cell still running is reported (`InterruptUnanswered`)."""


class EngineError(Exception):
    """A request the engine cannot carry out now; str(err) is one sentence for the user."""


class Engine:
    """Runs the cells of one notebook on one kernel and reports what happened.

    Results are written into the notebook model; `events()` tells a consumer
    which cells to re-render. Everything runs on the caller's asyncio loop.
    """

    def __init__(
        self,
        notebook: NotebookLike,
        backend: KernelBackend,
        *,
        record_timing: bool = True,
        stop_on_error: bool = True,
        allow_stdin: bool = True,
        start_timeout: float = 60,
    ) -> None:
        self.notebook = notebook
        """The model the results go into."""
        self.backend = backend
        """The kernel (a `tuinb.kernel.KernelManager` or a test fake)."""
        self.stop_on_error = stop_on_error
        """Drop the rest of the queue (as `aborted`) when a queued cell fails."""
        self.allow_stdin = allow_stdin
        """Let code call `input()`; if False it raises StdinNotImplementedError, as in nbclient."""
        self.start_timeout = start_timeout
        """Seconds the kernel gets to answer its handshake on start and restart."""
        self.kernel_state: KernelState = "starting"
        """The kernel's state as last reported."""
        self.language_info: dict[str, Any] = {}
        """From the last kernel_info_reply (empty until the kernel started)."""
        self._router = Router(notebook, record_timing=record_timing)
        self._events: asyncio.Queue[EngineEvent | None] = asyncio.Queue()
        self._queue: deque[str] = deque()
        self._client: ClientLike | None = None
        self._pump_task: asyncio.Task[None] | None = None
        self._death_task: asyncio.Task[None] | None = None
        self._runner_task: asyncio.Task[None] | None = None
        self._connection_task: asyncio.Task[None] | None = None
        self.connection_state = "connected"
        """For a kernel on a server: `connected`, `reconnecting` or `closed` (see
        `KernelConnectionChanged`); a local kernel is always `connected`."""
        self._interrupt_watch: asyncio.Task[None] | None = None
        self._closed = False
        self._settled = asyncio.Event()  # set once the kernel is up, or known not to be
        self.widgets = CommManager(self._send_comm, self._emit)
        """Widget comms: the models (`widgets.store`); `update`/`click` send changes back."""

    # ------------------------------------------------------------------ state

    @property
    def record_timing(self) -> bool:
        """Write JupyterLab/nbclient-style `metadata.execution` timestamps on executed cells."""
        return self._router.record_timing

    @property
    def queued(self) -> list[str]:
        """Ids of the cells waiting in the queue, in order."""
        return list(self._queue)

    @property
    def running(self) -> list[str]:
        """Ids of the cells whose execution is in flight."""
        return [execution.cell_id for execution in self._router.executions()]

    @property
    def is_alive(self) -> bool:
        """True once started, until the kernel dies or is shut down."""
        return self._client is not None and self.kernel_state not in ("dead", "shutdown")

    def _emit(self, event: EngineEvent) -> None:
        if not self._closed:
            self._events.put_nowait(event)

    def _set_state(self, state: KernelState) -> None:
        if state in ("dead", "shutdown"):
            self._settled.set()
        if state != self.kernel_state:
            self.kernel_state = state
            self._emit(KernelStatusChanged(state))

    async def events(self) -> AsyncIterator[EngineEvent]:
        """Every event, in order, until `shutdown()`. Meant for one consumer."""
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    # ------------------------------------------------------------- lifecycle

    async def start(self, client: Any = None) -> None:
        """Start the kernel; raises the backend's error (after `KernelStartFailed`).

        Pass `client` when the backend was already started (its `start()`
        result), e.g. to start the kernel while the notebook is still loading.
        """
        self._emit(KernelStatusChanged("starting"))
        self._settled.clear()
        if client is not None:
            await self._connected(cast(ClientLike, client))
            return
        try:
            client = await self.backend.start(timeout=self.start_timeout)
        except Exception as exc:
            self._emit(KernelStartFailed(str(exc)))
            self._set_state("dead")
            raise
        await self._connected(cast(ClientLike, client))

    async def _connected(self, client: ClientLike) -> None:
        self._client = client
        self._pump_task = asyncio.create_task(self._pump(client), name="tuinb-engine-pump")
        self._death_task = asyncio.create_task(self._watch_death(), name="tuinb-engine-death")
        if isinstance(self.backend, ConnectionReporting) and self._connection_task is None:
            self._connection_task = asyncio.create_task(
                self._follow_connection(self.backend), name="tuinb-engine-connection"
            )
        try:  # the handshake's reply, if the client kept it, saves a round trip
            reply = getattr(client, "ready_reply", None) or await client.kernel_info()
        except Exception as exc:  # a kernel that is slow to answer still runs code
            log.warning("kernel_info failed: %s", exc)
        else:
            info = getattr(getattr(reply, "content", None), "language_info", None)
            self.language_info = dict(info) if isinstance(info, dict) else {}
        self._set_state("idle")
        self._settled.set()
        self._emit(KernelStarted(dict(self.language_info)))

    async def _pump(self, client: ClientLike) -> None:
        async for raw in client.messages():
            message = cast(MessageLike, raw)
            if message.msg_type == "status" and message.channel == "iopub":
                state = getattr(message.content, "execution_state", None)
                if state in ("busy", "idle") and self.kernel_state in ("busy", "idle"):
                    self._set_state(cast(KernelState, state))
            try:
                if await self.widgets.handle(message):  # comms, and outputs an Output widget took
                    continue
                events = self._router.route(message)
            except Exception:  # one odd message must not stop the pump
                log.exception("could not apply a %s message", message.msg_type)
                continue
            for event in events:
                self._emit(event)

    async def _follow_connection(self, backend: ConnectionReporting) -> None:
        async for change in backend.connection_changes():
            self.connection_state = change.state
            self._emit(KernelConnectionChanged(change.state, change.message))

    async def _watch_death(self) -> None:
        reason = await self.backend.wait_for_death()
        if self._closed:
            return
        self._client = None
        self.widgets.kernel_gone()
        self._set_state("dead")
        self._emit(KernelDied(reason))
        self._end_all(running_ename="DeadKernelError", running_evalue=reason)

    def _end_all(self, *, running_ename: str, running_evalue: str) -> None:
        """Finish every running execution as `error` and every queued cell as `aborted`."""
        self._abort_queue()
        for execution in self._router.executions():
            self._router.forget(execution)
            event = execution.finish("error", ename=running_ename, evalue=running_evalue)
            if event is not None:
                self._emit(event)

    def _abort_queue(self) -> None:
        while self._queue:
            self._emit(CellFinished(self._queue.popleft(), "aborted"))

    async def _stop_tasks(self) -> None:
        tasks = [
            t for t in (self._death_task, self._pump_task, self._interrupt_watch) if t is not None
        ]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._death_task = self._pump_task = self._interrupt_watch = None

    async def interrupt(self, *, answer_within: float = INTERRUPT_ANSWER) -> None:
        """Interrupt the kernel (the running cell gets KeyboardInterrupt; the queue stops).

        If the cell that was running is still running `answer_within` seconds
        later, `InterruptUnanswered` is emitted (the UI offers a restart).
        """
        if not self.is_alive:
            return
        running = [e for e in self._router.executions() if e.began.done()]
        await self.backend.interrupt()
        if running and (self._interrupt_watch is None or self._interrupt_watch.done()):
            self._interrupt_watch = asyncio.create_task(
                self._watch_interrupt(running[0], answer_within), name="tuinb-interrupt-watch"
            )

    async def _watch_interrupt(self, execution: Execution, seconds: float) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(execution.done), seconds)
        except TimeoutError:
            if self.is_alive and not execution.done.done():
                self._emit(InterruptUnanswered(seconds, execution.cell_id))

    async def restart(self) -> None:
        """Restart the kernel: running cells end as `error`, queued ones as `aborted`."""
        self._set_state("restarting")
        self._settled.clear()
        await self._stop_tasks()
        self._client = None
        self.widgets.kernel_gone()
        self._end_all(running_ename="KernelRestarted", running_evalue="the kernel was restarted")
        try:
            client = await self.backend.restart(timeout=self.start_timeout)
        except Exception as exc:
            self._emit(KernelStartFailed(str(exc)))
            self._set_state("dead")
            raise
        await self._connected(cast(ClientLike, client))

    async def replace_backend(self, backend: KernelBackend) -> None:
        """Run on `backend`'s kernel from now on (the kernel picker's running kernels).

        As a restart: running cells end as `error`, queued ones as `aborted`;
        then the old backend is shut down (a kernel tuinb does not own is only
        let go) and the new one started (`KernelStartFailed` if it cannot be).
        """
        self._set_state("restarting")
        self._settled.clear()
        await self._stop_tasks()
        if self._connection_task is not None:
            self._connection_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._connection_task
            self._connection_task = None
        self._client = None
        self.widgets.kernel_gone()
        self._end_all(running_ename="KernelChanged", running_evalue="the kernel was changed")
        old, self.backend = self.backend, backend
        try:
            await old.shutdown()
        except Exception as exc:  # the old kernel's trouble is not the new one's
            log.warning("could not shut the previous kernel down: %s", exc)
        await self.start()

    async def provide_input(self, value: str) -> None:
        """Answer the pending `InputRequested` with `value`."""
        if self._client is None:
            raise EngineError("The kernel is not running: start it again and re-run the cell.")
        await self._client.input_reply(value)

    async def _send_comm(self, msg_type: str, content: dict[str, Any]) -> str | None:
        """Send a comm message for the widgets; None if no kernel can take it now."""
        client = self._client
        if not isinstance(client, CommSender) or not self.is_alive:
            return None
        try:
            return await client.comm_send(msg_type, content)
        except Exception as exc:  # the kernel went away meanwhile: the widget changes here only
            log.warning("could not send %s: %s", msg_type, exc)
            return None

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109 (the kernel contract)
        """Stop the kernel; end running/queued cells; end `events()`. Idempotent.

        `timeout` is the backend's polite wait (shutdown_request, then exit)
        before it signals the process.
        """
        if self._closed:
            return
        self._end_all(running_ename="KernelShutdown", running_evalue="the kernel was shut down")
        if self._runner_task is not None:
            self._runner_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._runner_task
        await self._stop_tasks()
        if self._connection_task is not None:
            self._connection_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._connection_task
        try:
            await self.backend.shutdown(timeout=timeout)
        finally:
            self._client = None
            self._set_state("shutdown")
            self._closed = True
            self._events.put_nowait(None)

    # ------------------------------------------------------------- execution

    def replace_notebook(self, notebook: NotebookLike) -> None:
        """Write results into `notebook` from now on (after a reload or a restored copy).

        Executions in flight keep routing by cell id; a cell the new document
        lacks is ignored as for a deleted cell.
        """
        self.notebook = notebook
        self._router.notebook = notebook

    def run_cell(self, cell_id: str) -> None:
        """Queue one cell (see `run_cells`)."""
        self.run_cells([cell_id])

    def run_cells(self, cell_ids: Iterable[str]) -> None:
        """Queue cells to run in order; non-code cells are skipped.

        Returns at once; progress arrives as events. If a cell fails and
        `stop_on_error` is set, the cells still queued end as `aborted`.
        """
        for cell_id in cell_ids:
            try:
                cell = self.notebook.cell(cell_id)
            except KeyError:
                continue
            if cell.cell_type != "code" or cell_id in self._queue:
                continue
            self._queue.append(cell_id)
            self._emit(CellQueued(cell_id))
        if self._queue and (self._runner_task is None or self._runner_task.done()):
            self._runner_task = asyncio.create_task(self._run_queue(), name="tuinb-engine-queue")

    def cancel_queue(self) -> None:
        """Drop every queued (not yet running) cell, as `aborted`."""
        self._abort_queue()

    async def _run_queue(self) -> None:
        """Run the queue one cell at a time: a request goes out only after the one before
        it has finished, so no cell after a failing one ever reaches the kernel.

        The kernel is told not to abort on its own (`stop_on_error=False`): nothing
        is ever queued in it, and ipykernel's aborting state, entered after an error,
        could otherwise drop a cell the user runs right after a failure.
        """
        while self._queue:
            cell_id = self._queue.popleft()
            try:
                result = await self.execute_cell(cell_id, stop_on_error=False)
            except KeyError:  # the cell was deleted while it waited
                self._emit(CellFinished(cell_id, "aborted"))
                continue
            if result.status != "ok" and self.stop_on_error:
                self._abort_queue()

    async def execute_cell(
        self, cell_id: str, *, stop_on_error: bool = True, time_limit: float | None = None
    ) -> CellFinished:
        """Run one cell now (outside the queue) and wait until it is finished.

        A blank cell is only cleared, as in JupyterLab; a request made while
        the kernel starts or restarts waits for it; a dead kernel gives
        `aborted`.

        With `time_limit` (seconds), a cell still running then is interrupted and
        ends as `error` with ename `CellTimeoutError`. The returned event is
        also emitted (except a timeout's rewording of it).
        """
        cell = self.notebook.cell(cell_id)
        if cell.cell_type != "code":
            return CellFinished(cell_id, "aborted")
        if not cell.source.strip():  # as JupyterLab: no request, the cell is just cleared
            self.notebook.clear_cell_output(cell_id, wait=False)
            self.notebook.set_execution_count(cell_id, None)
            self._emit(OutputsChanged(cell_id))
            event = CellFinished(cell_id, "ok")
            self._emit(event)
            return event
        if self.kernel_state in ("starting", "restarting"):
            await self._settled.wait()  # run requests made during start-up wait for it
        client = self._client
        if client is None or not self.is_alive:
            event = CellFinished(cell_id, "aborted")
            self._emit(event)
            return event
        self._emit(CellStarted(cell_id))
        self.notebook.clear_cell_output(cell_id, wait=False)
        self._emit(OutputsChanged(cell_id))
        try:
            msg_id = await client.execute(
                cell.source, allow_stdin=self.allow_stdin, stop_on_error=stop_on_error
            )
        except Exception as exc:  # e.g. the kernel died between two cells
            event = CellFinished(cell_id, "error", ename=type(exc).__name__, evalue=str(exc))
            self._emit(event)
            return event
        if self._client is not client:  # restarted, died or shut down meanwhile
            event = CellFinished(cell_id, "error", ename="KernelRestarted", evalue="")
            self._emit(event)
            return event
        execution = Execution(cell_id, msg_id)
        self._router.add(execution)
        return await self.wait_finished(execution, time_limit=time_limit)

    def execute_pipelined(
        self,
        cells: Sequence[tuple[str, bool]],
        *,
        window: int = PIPELINE_WINDOW,
        time_limit: float | None = None,
    ) -> AsyncGenerator[CellFinished, None]:
        """Run `(cell_id, stop_on_error)` cells in order, sending requests ahead; for headless runs.

        Yields each cell's result in order; stop iterating (under
        `contextlib.aclosing`) to stop the run. See `tuinb.engine.pipeline`: no
        request goes out behind a cell that may stop the run before its reply
        said `ok` (up to `window` behind cells allowed to fail); a cell is
        cleared and `CellStarted` emitted only when the kernel begins it, and
        `time_limit` counts from then; cells never sent stay untouched.
        """
        return run_pipelined(self, cells, window=window, time_limit=time_limit)

    async def send_ahead(
        self, cell_id: str, *, stop_on_error: bool
    ) -> Execution | CellFinished | None:
        """Send a cell's execute_request for the kernel to begin later (a deferred execution).

        None: nothing to send (a blank, non-code or deleted cell): give it to
        `execute_cell` in its turn. A `CellFinished` (already emitted): the
        request could not be sent (the kernel is dead or went away).
        """
        try:
            cell = self.notebook.cell(cell_id)
        except KeyError:
            return None
        if cell.cell_type != "code" or not cell.source.strip():
            return None
        if self.kernel_state in ("starting", "restarting"):
            await self._settled.wait()
        client = self._client
        event: CellFinished
        if client is None or not self.is_alive:
            event = CellFinished(cell_id, "aborted")
        else:
            try:
                msg_id = await client.execute(
                    cell.source, allow_stdin=self.allow_stdin, stop_on_error=stop_on_error
                )
            except Exception as exc:  # e.g. the kernel died between two cells
                event = CellFinished(cell_id, "error", ename=type(exc).__name__, evalue=str(exc))
            else:
                execution = Execution(cell_id, msg_id, deferred=True)
                self._router.add(execution)
                return execution
        self._emit(event)
        return event

    async def wait_finished(
        self, execution: Execution, *, time_limit: float | None
    ) -> CellFinished:
        """Wait for an execution to end; `time_limit` counts from when the kernel began it.

        A cell still running then is interrupted and ends as `error` with ename
        `CellTimeoutError` (see `tuinb.engine.timelimits`).
        """
        if time_limit is None:
            return await execution.done
        from tuinb.engine import timelimits  # only runs with a time limit need it (not the editor)

        return await timelimits.wait_finished(
            execution,
            time_limit=time_limit,
            router=self._router,
            backend=self.backend,
            emit=self._emit,
        )

    # ------------------------------------------------- completion and help

    def _introspector(self) -> introspect.IntrospectingClient | None:
        client = self._client
        if not self.is_alive or self.kernel_state in ("starting", "restarting"):
            return None
        return client if isinstance(client, introspect.IntrospectingClient) else None

    async def complete(
        self, code: str, cursor_pos: int, *, deadline: float = introspect.DEADLINE
    ) -> Completion:
        """The kernel's completions at `cursor_pos` in `code`, within `deadline` seconds.

        Never raises and never waits longer: a kernel that is busy, starting
        or gone gives a result whose `status` says so (see `tuinb.engine.introspect`).
        """
        return await introspect.complete(
            self._introspector(),
            code,
            cursor_pos,
            deadline=deadline,
            busy=lambda: self.kernel_state == "busy",
            running=bool(self.running),
        )

    async def inspect(
        self,
        code: str,
        cursor_pos: int,
        detail_level: int = 0,
        *,
        deadline: float = introspect.DEADLINE,
    ) -> Help:
        """Help on the name at `cursor_pos`, as `complete` does (`detail_level` 1: with source)."""
        return await introspect.inspect(
            self._introspector(),
            code,
            cursor_pos,
            detail_level,
            deadline=deadline,
            busy=lambda: self.kernel_state == "busy",
            running=bool(self.running),
        )
