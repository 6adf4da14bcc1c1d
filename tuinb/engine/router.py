"""Routes kernel messages to the cell whose request is their parent.

The router applies each message to the notebook model (the source of truth)
and returns the events it implies. An execution is finished when it has both
its `execute_reply` (shell) and the iopub `status: idle` with the same parent,
in either order; then the router forgets it. Messages whose parent it does not
know are ignored, except `update_display_data`, which targets a display id
anywhere in the notebook rather than a cell.

Message contents are read as the kernel layer's typed dataclasses
(`tuinb.kernel.contents`, pure data: no zmq), so each field has its spec's
type and default; a content of another type is not what its message type says
and is ignored. That module is imported with the first message, not with the
engine: defining its classes takes ~7 ms, which the editor's start-up would
otherwise pay before Textual loads.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuinb.engine.events import (
    CellFinished,
    CellStarted,
    CellStatus,
    EngineEvent,
    InputRequested,
    OutputsChanged,
)
from tuinb.engine.protocols import MessageLike, NotebookLike

if TYPE_CHECKING:
    from tuinb.kernel.contents import DisplayData, Error, ExecuteReply, ExecuteResult, Stream

    _Output = Stream | DisplayData | ExecuteResult | Error
    """The contents that become a cell output."""


@dataclass
class Execution:
    """One execute_request in flight, from send to finish."""

    cell_id: str
    msg_id: str
    started: float = field(default_factory=time.monotonic)
    """`time.monotonic()` when the request was sent (when the kernel began it, if deferred)."""
    deferred: bool = False
    """Sent ahead of time (pipelined): the cell is cleared, and counts as started, only
    when the kernel begins it; a request the kernel aborts leaves the cell untouched."""
    busy_stamp: str | None = None
    """The `iopub.status.busy` time of a deferred execution, kept until it begins."""
    reply_status: str | None = None
    execution_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    idle: bool = False
    done: asyncio.Future[CellFinished] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    """Resolved with the `CellFinished` event when the execution ends."""
    began: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    """Resolved when the kernel began running the code (set at once unless deferred)."""
    replied: asyncio.Future[str] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    """Resolved with the execute_reply's status (`ok`, `error`, `aborted`) when it arrives;
    with `timeout` when a time limit interrupts the cell first; with the final status when
    the execution ends without a reply (the kernel died or restarted). A run sends the next
    request behind a cell that may stop it only once this says `ok`."""

    def __post_init__(self) -> None:
        if not self.deferred:
            self.began.set_result(None)

    def note_reply(self, status: str) -> None:
        """Record the execute_reply's status (the first verdict stands: see `replied`)."""
        self.reply_status = status
        if not self.replied.done():
            self.replied.set_result(status)

    def finish(
        self, status: CellStatus, *, ename: str | None = None, evalue: str | None = None
    ) -> CellFinished | None:
        """Resolve `done` (once) and return the event, or None if already finished."""
        if self.done.done():
            return None
        if not self.replied.done():
            self.replied.set_result(status)
        event = CellFinished(
            self.cell_id,
            status,
            execution_count=self.execution_count,
            duration=time.monotonic() - self.started,
            ename=ename if ename is not None else self.ename,
            evalue=evalue if evalue is not None else self.evalue,
        )
        self.done.set_result(event)
        return event


def message_time(header: dict[str, Any]) -> str | None:
    """The header's `date` as nbclient and JupyterLab store it (ISO 8601, UTC, `Z`)."""
    date = header.get("date")
    if isinstance(date, dt.datetime):
        if date.tzinfo is not None:
            date = date.astimezone(dt.UTC).replace(tzinfo=None)
        return date.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(date, str) and date:
        return date
    return None


class Router:
    """Maps parent msg_ids to executions and applies messages to the model."""

    def __init__(self, notebook: NotebookLike, *, record_timing: bool = True) -> None:
        self.notebook = notebook
        self.record_timing = record_timing
        """Write `metadata.execution` timestamps on each executed cell."""
        self._by_msg_id: dict[str, Execution] = {}

    def __len__(self) -> int:
        return len(self._by_msg_id)

    def executions(self) -> list[Execution]:
        """Executions in flight, oldest first."""
        return list(self._by_msg_id.values())

    def add(self, execution: Execution) -> None:
        """Track an execution whose request was just sent."""
        self._by_msg_id[execution.msg_id] = execution
        if not execution.deferred and self.record_timing and self._exists(execution.cell_id):
            self.notebook.set_cell_metadata(execution.cell_id, "execution", {}, undoable=False)

    def forget(self, execution: Execution) -> None:
        """Stop routing messages to `execution`."""
        self._by_msg_id.pop(execution.msg_id, None)

    def _timing(self, execution: Execution, key: str, message: MessageLike) -> None:
        if not self.record_timing:
            return
        stamp = message_time(message.header)
        if stamp is None:
            return
        timing = self.notebook.cell(execution.cell_id).metadata.get("execution")
        timing = dict(timing) if isinstance(timing, dict) else {}
        timing[key] = stamp
        self.notebook.set_cell_metadata(execution.cell_id, "execution", timing, undoable=False)

    def route(self, message: MessageLike) -> list[EngineEvent]:
        """Apply one message to the model; return the events it implies."""
        from tuinb.kernel import contents as kinds  # with the first message: see the module

        content = message.content
        if isinstance(content, kinds.UpdateDisplayData):
            display_id = _as_dict(content.transient).get("display_id")
            if not isinstance(display_id, str):
                return []
            changed = self.notebook.update_display(
                display_id, _as_dict(content.data), _as_dict(content.metadata)
            )
            return [OutputsChanged(cell_id) for cell_id in changed]
        parent = message.parent_id
        execution = self._by_msg_id.get(parent) if parent else None
        if execution is None:
            return []
        cell_id = execution.cell_id
        if not self._exists(cell_id):  # deleted while running: only track the end
            return self._route_orphan(execution, message)
        if not execution.began.done():
            waiting = self._before_begin(execution, message)
            if waiting is not None:
                return waiting
            return [*self._begin(execution), *self._route_running(execution, message)]
        return self._route_running(execution, message)

    def _before_begin(self, execution: Execution, message: MessageLike) -> list[EngineEvent] | None:
        """A message for a deferred execution the kernel has not begun; None: it has now.

        ipykernel answers a request it aborts (after an earlier error) with
        status busy, an `aborted` execute_reply and status idle, and nothing
        else: none of these may touch the cell.
        """
        from tuinb.kernel import contents as kinds

        content = message.content
        if isinstance(content, kinds.Status):
            if content.execution_state == "busy":
                execution.busy_stamp = message_time(message.header)
            elif content.execution_state == "idle":
                execution.idle = True
                return self._maybe_finish(execution)
            return []
        if isinstance(content, kinds.ExecuteReply) and content.status == "aborted":
            execution.note_reply("aborted")
            execution.idle = True
            return self._maybe_finish(execution)
        return None

    def _begin(self, execution: Execution) -> list[EngineEvent]:
        """The kernel began a deferred execution: clear the cell, start its clock."""
        execution.started = time.monotonic()
        execution.began.set_result(None)
        cell_id = execution.cell_id
        self.notebook.clear_cell_output(cell_id, wait=False)
        if self.record_timing:
            timing = {"iopub.status.busy": execution.busy_stamp} if execution.busy_stamp else {}
            self.notebook.set_cell_metadata(cell_id, "execution", timing, undoable=False)
        return [CellStarted(cell_id), OutputsChanged(cell_id)]

    def _route_running(self, execution: Execution, message: MessageLike) -> list[EngineEvent]:
        from tuinb.kernel import contents as kinds

        content = message.content
        cell_id = execution.cell_id
        if isinstance(content, kinds.Status):
            state = content.execution_state
            if state == "busy":
                self._timing(execution, "iopub.status.busy", message)
            elif state == "idle":
                self._timing(execution, "iopub.status.idle", message)
                execution.idle = True
                return self._maybe_finish(execution)
            return []
        if isinstance(content, kinds.ExecuteInput):
            self._timing(execution, "iopub.execute_input", message)
            count = content.execution_count
            if isinstance(count, int):
                execution.execution_count = count
                self.notebook.set_execution_count(cell_id, count)
                return [OutputsChanged(cell_id)]
            return []
        if isinstance(
            content, kinds.Stream | kinds.DisplayData | kinds.ExecuteResult | kinds.Error
        ):
            self.notebook.append_output(cell_id, _output_dict(content))
            if isinstance(content, kinds.Error) and execution.ename is None:
                execution.ename = str(content.ename)
                execution.evalue = str(content.evalue)
            return [OutputsChanged(cell_id)]
        if isinstance(content, kinds.ClearOutput):
            self.notebook.clear_cell_output(cell_id, wait=bool(content.wait))
            return [OutputsChanged(cell_id)]
        if isinstance(content, kinds.InputRequest):
            return [InputRequested(cell_id, str(content.prompt), bool(content.password))]
        if isinstance(content, kinds.ExecuteReply):
            return self._on_reply(execution, content, message)
        return []

    def _exists(self, cell_id: str) -> bool:
        try:
            self.notebook.cell(cell_id)
        except KeyError:
            return False
        return True

    def _route_orphan(self, execution: Execution, message: MessageLike) -> list[EngineEvent]:
        from tuinb.kernel import contents as kinds

        content = message.content
        if isinstance(content, kinds.Status) and content.execution_state == "idle":
            execution.idle = True
        elif isinstance(content, kinds.ExecuteReply):
            execution.note_reply(str(content.status))
            execution.idle = execution.idle or execution.reply_status == "aborted"
        else:
            return []
        return self._maybe_finish(execution)

    def _on_reply(
        self, execution: Execution, content: ExecuteReply, message: MessageLike
    ) -> list[EngineEvent]:
        if self.record_timing:
            started = message.metadata.get("started") if message.metadata else None
            if isinstance(started, str | dt.datetime):
                stamp = message_time({"date": started})
                if stamp is not None:
                    cell = self.notebook.cell(execution.cell_id)
                    cell.metadata.setdefault("execution", {})["shell.execute_reply.started"] = stamp
            self._timing(execution, "shell.execute_reply", message)
        status = str(content.status)
        events: list[EngineEvent] = []
        count = content.execution_count
        if isinstance(count, int) and status != "aborted" and count != execution.execution_count:
            execution.execution_count = count
            self.notebook.set_execution_count(execution.cell_id, count)
            events.append(OutputsChanged(execution.cell_id))
        if status == "error" and execution.ename is None:
            execution.ename = _str_or_none(content.ename)
            execution.evalue = _str_or_none(content.evalue)
        if status == "aborted":
            # An aborted request may never get its own idle: it is over now.
            execution.idle = True
        execution.note_reply(status)  # last: the model holds the reply's count and error
        events.extend(self._maybe_finish(execution))
        return events

    def _maybe_finish(self, execution: Execution) -> list[EngineEvent]:
        if execution.reply_status is None or not execution.idle:
            return []
        self.forget(execution)
        status: CellStatus
        if execution.reply_status == "ok":
            status = "ok"
        elif execution.reply_status == "aborted":
            status = "aborted"
        else:
            status = "error"
        event = execution.finish(status)
        return [event] if event is not None else []


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _output_dict(content: _Output) -> dict[str, Any]:
    """The nbformat v4 output dict for an iopub output message."""
    from tuinb.kernel import contents as kinds

    if isinstance(content, kinds.Stream):
        return {"output_type": "stream", "name": str(content.name), "text": str(content.text)}
    if isinstance(content, kinds.Error):
        return {
            "output_type": "error",
            "ename": str(content.ename),
            "evalue": str(content.evalue),
            "traceback": [str(line) for line in (content.traceback or [])],
        }
    output: dict[str, Any] = {"output_type": content.msg_type}
    if isinstance(content, kinds.ExecuteResult):
        output["execution_count"] = content.execution_count
    output["data"] = _as_dict(content.data)
    output["metadata"] = _as_dict(content.metadata)
    transient = _as_dict(content.transient)
    if transient:
        output["transient"] = transient
    return output


def output_dict(msg_type: str, content: object) -> dict[str, Any]:
    """The nbformat output of an iopub output message (public for Output widgets' capture).

    `content` is the message's typed content (`tuinb.kernel.contents`); `msg_type`
    is the message's type, which that class already says.
    """
    from tuinb.kernel import contents as kinds

    if not isinstance(
        content, kinds.Stream | kinds.DisplayData | kinds.ExecuteResult | kinds.Error
    ):
        raise TypeError(f"a {msg_type} message holds no output")
    return _output_dict(content)


def _as_dict(value: object) -> dict[str, Any]:
    """A copy of a dict field (a kernel may send another JSON type where a dict belongs)."""
    return dict(value) if isinstance(value, dict) else {}
