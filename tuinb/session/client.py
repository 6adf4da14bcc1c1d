"""The editor's side of a session: a client that looks like an engine to the UI.

`SessionClient` has the surface the editor uses of `tuinb.engine.Engine`
(`tuinb.engine.protocols.EngineLike`: `kernel_state`, `backend`, `events()`,
`start()`, `run_cells()`, `cancel_queue()`, `interrupt()`, `restart()`,
`provide_input()`, `complete()`, `inspect()`, `widgets`, `shutdown()`,
`replace_notebook()`), plus what only a session has: `save()` and
`save_as()` (the host saves its copy), `end()`, `detach()`.

Its `notebook` is the editor's copy: the UI edits it as before, its edits
are shipped to the host as they happen (`tuinb.session.replica`), and the
results the host's engine writes are applied to it before the event that
tells the UI to repaint. Commands and edits travel on one ordered stream, so
the host has the source the user typed before it runs the cell.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

from tuinb.engine import EngineError
from tuinb.engine import events as ev
from tuinb.engine.completion import Completion, Help
from tuinb.model import Notebook
from tuinb.session.backend import SessionBackend
from tuinb.session.events import (
    LostReason,
    NotebookReplaced,
    SessionAttached,
    SessionLost,
    event_from_wire,
    lost_reason,
)
from tuinb.session.introspection import ask_completion, ask_help
from tuinb.session.launch import Attachment, bring_notebook
from tuinb.session.link import read_message
from tuinb.session.places import process_exited
from tuinb.session.replica import EditShipper, ReplicaError, apply_results
from tuinb.session.saving import SaveResult, save_here, save_through_host
from tuinb.session.widgets import ReplicaWidgets
from tuinb.session.wire import ProtocolError, encode

__all__ = ["HOST_GONE", "SaveResult", "SessionBackend", "SessionClient"]

log = logging.getLogger(__name__)

HOST_GONE = (
    "The session host ended unexpectedly, and its kernel with it; "
    "save to keep your work (a recovery copy is kept too)."
)


class SessionClient:
    """An engine for the UI, whose engine runs in a session host."""

    def __init__(
        self,
        notebook: Notebook,
        attachment: Attachment | None = None,
        *,
        connect: Callable[[bytes], Attachment] | None = None,
    ) -> None:
        """`attachment`: attached already (`tuinb.session.launch.attach`), its notebook
        is `notebook` (ProtocolError if the state it came with is malformed). Or
        `connect`: called in a thread by `start()` with the hello that brings
        `notebook` to a new host (`tuinb.session.launch.attach_frame`)."""
        self.notebook = notebook
        """The editor's copy (the UI edits this one)."""
        self.kernel_state: str = "starting"
        """The kernel's state as last reported."""
        self.backend = SessionBackend(None)
        self._events: asyncio.Queue[Any] = asyncio.Queue()
        self.widgets = ReplicaWidgets(self._send, self._request, self._events.put_nowait)
        """The host's widget models, replicated (`tuinb.engine.protocols.WidgetsLike`)."""
        self.lost: SessionLost | None = None
        """Why the client is no longer attached (None while it is)."""
        self.host_pid: int | None = None
        """The host's process id (once attached)."""
        self._connect = connect
        self._shipper = EditShipper(self._ship_edit)
        self._born = attachment is not None
        self._outbox: list[bytes] = []
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._next_reply = 0
        self._metadata = copy.deepcopy(notebook.metadata)
        self._attachment = attachment
        notebook.observer = self._shipper
        if attachment is not None:
            self._attached(attachment)

    # ---- connecting -----------------------------------------------------------------------

    def _attached(self, attachment: Attachment) -> None:
        self.host_pid = attachment.host_pid
        state = attachment.state
        self.kernel_state = state.kernel_state
        self.backend.update(attachment.kernel)
        self._events.put_nowait(SessionAttached(state.away, state.running, state.ran_source))
        for event in state.replay():
            self._events.put_nowait(event)

    async def start(self, client: Any = None) -> None:
        """Connect (bringing the notebook to a new host), then follow the host's events.

        Raises `EngineError` (after `SessionLost`) if the host cannot be reached.
        """
        attachment = self._attachment
        if attachment is None:
            if self._connect is None:
                raise EngineError("This session client has nothing to connect to.")
            frame = self._hello()
            try:
                attachment = await asyncio.to_thread(self._connect, frame)
                self._attached(attachment)
            except Exception as err:  # a SessionError's sentence, shown as a failed start
                self._events.put_nowait(ev.KernelStartFailed(str(err)))
                self._events.put_nowait(ev.KernelStatusChanged("dead"))
                self._lose("host_gone", str(err))
                raise EngineError(str(err)) from None
            if attachment.notebook is not None:  # the host had one already: it is the truth
                self.replace_notebook(attachment.notebook, ship=False)
                self._events.put_nowait(NotebookReplaced(attachment.notebook))
        reader, writer = await asyncio.open_unix_connection(sock=attachment.sock)
        self._writer = writer
        outbox, self._outbox = self._outbox, []
        if outbox:
            writer.write(b"".join(outbox))
        self._reader_task = asyncio.create_task(self._read(reader), name="tuinb-session-read")

    def _hello(self) -> bytes:
        """The hello bringing the notebook as it is now; edits so far are in it."""
        frame = bring_notebook(self.notebook)
        self._born = True
        self._shipper.seq = 0
        self._shipper.touched.clear()
        self._shipper.everything_since = 0
        self._metadata = copy.deepcopy(self.notebook.metadata)
        return frame

    # ---- sending ----------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        frame = encode(message)
        writer = self._writer
        if writer is None:
            self._outbox.append(frame)
        elif not writer.is_closing():
            writer.write(frame)

    def _ship_edit(self, message: dict[str, Any]) -> None:
        if self._born:  # before the hello, the hello itself carries every edit
            self._send(message)

    def _sync_metadata(self) -> None:
        """Ship the notebook's metadata if the UI changed it (it writes that dict directly)."""
        if self.notebook.metadata != self._metadata:
            self._metadata = copy.deepcopy(self.notebook.metadata)
            self._shipper.metadata_set(self._metadata)

    def _command(self, op: str, **fields: Any) -> None:
        self._sync_metadata()
        self._send({"t": "cmd", "op": op, **fields})

    async def _request(self, op: str, **fields: Any) -> dict[str, Any]:
        if self.lost is not None:
            raise EngineError(self.lost.message)
        self._next_reply += 1
        number = self._next_reply
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[number] = future
        self._command(op, n=number, **fields)
        reply = await future
        if "error" in reply:
            raise EngineError(str(reply["error"]))
        return reply

    # ---- what the UI asks -------------------------------------------------------------------

    def run_cell(self, cell_id: str) -> None:
        """Queue one cell."""
        self.run_cells([cell_id])

    def run_cells(self, cell_ids: Iterable[str]) -> None:
        """Queue cells on the host's engine (it answers with `CellQueued`)."""
        self._command("run", ids=list(cell_ids))

    def cancel_queue(self) -> None:
        """Drop every queued cell."""
        self._command("cancel")

    async def interrupt(self) -> None:
        """Interrupt the kernel."""
        await self._request("interrupt")

    async def restart(self) -> None:
        """Restart the kernel (the one chosen with `backend.switch_to`, if any)."""
        kernel, self.backend.pending = self.backend.pending, None
        reply = await self._request("restart", kernel=kernel)
        self.backend.update(reply.get("kernel"))

    async def complete(self, code: str, cursor_pos: int) -> Completion:
        """The host's kernel's completions; never raises, never waits past the deadline
        (`tuinb.session.introspection`); "unavailable" once the session is lost."""
        if self.lost is not None:
            return Completion("unavailable", code, cursor_pos)
        return await ask_completion(self._request, code, cursor_pos)

    async def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> Help:
        """Contextual help from the host's kernel, as `complete`."""
        if self.lost is not None:
            return Help("unavailable")
        return await ask_help(self._request, code, cursor_pos, detail_level)

    async def provide_input(self, value: str) -> None:
        """Answer the pending `InputRequested`."""
        await self._request("input", value=value)

    async def save(self, *, overwrite: bool = False, allow_read_only: bool = False) -> SaveResult:
        """Have the host save its notebook; the editor's copy is then clean too.

        ``changed``: the file changed on disk since it was loaded or saved (ask,
        then call again with `overwrite`); ``read-only``: the file is marked
        read-only (ask, then again with `allow_read_only`). With the host gone,
        the editor's copy is saved here instead, so no work is lost.
        """
        if self.lost is not None:
            return save_here(self.notebook, overwrite=overwrite, allow_read_only=allow_read_only)
        self._sync_metadata()
        return await save_through_host(
            self._request,
            self.notebook,
            lambda: self._shipper.seq,
            "save",
            overwrite=overwrite,
            read_only=allow_read_only,
        )

    async def save_as(
        self, path: Path, *, overwrite: bool = False, allow_read_only: bool = False
    ) -> SaveResult:
        """Have the host save under `path` (absolute: the host's folder is not ours) and go
        on as that notebook (the session moves with it); ``exists``: a notebook is there
        (ask, then again with `overwrite`)."""
        if self.lost is not None:
            return save_here(
                self.notebook, path=path, overwrite=overwrite, allow_read_only=allow_read_only
            )
        self._sync_metadata()
        return await save_through_host(
            self._request,
            self.notebook,
            lambda: self._shipper.seq,
            "save_as",
            path=str(path),
            overwrite=overwrite,
            read_only=allow_read_only,
        )

    async def end(self, unsaved: str = "keep", *, timeout: float = 10) -> str:  # noqa: ASYNC109
        """End the session: the kernel stops, the host exits. Returns the reply's status.

        `unsaved`: ``keep`` (the host writes a recovery copy of unsaved work),
        ``discard``, ``save``, or ``refuse`` (status ``unsaved``: nothing ends).
        """
        reply = await self._request("end", unsaved=unsaved)
        status = str(reply.get("status"))
        if status == "ended":
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wait_closed()
            if self.host_pid is not None:  # its kernel stopped and its files gone: a new
                await process_exited(self.host_pid, timeout)  # `tuinb` finds no session
        return status

    async def shutdown(self) -> None:
        """Quit: end the session (unsaved work stays in a recovery copy). Idempotent."""
        if self.lost is None and self._writer is not None:
            with contextlib.suppress(EngineError):
                await self.end("keep")
        self._lose("ended", "The session ended.")

    async def detach(self) -> None:
        """Leave the session running without this client (what `SIGHUP` should do too)."""
        writer = self._writer
        self._lose("detached", "Detached; the session goes on.")
        if writer is not None:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def replace_notebook(self, notebook: Notebook, *, ship: bool = True) -> None:
        """Edit `notebook` from now on (reloaded, restored); the host takes it as the truth."""
        self.notebook.observer = None
        self.notebook = notebook
        notebook.observer = self._shipper
        self._metadata = copy.deepcopy(notebook.metadata)
        if ship:
            self._shipper.replaced(notebook)

    async def events(self) -> AsyncIterator[Any]:
        """Engine events, and session events (`SessionAttached`, `SessionLost`), in order."""
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    # ---- what the host sends ----------------------------------------------------------------

    async def _read(self, reader: asyncio.StreamReader) -> None:
        reason: LostReason = "host_gone"
        text = HOST_GONE
        try:
            while True:
                message = await read_message(reader)
                bye = self._receive(message)
                if bye is not None:
                    reason, text = lost_reason(bye[0]), bye[1]
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except (ProtocolError, ReplicaError, KeyError, TypeError, ValueError) as err:
            log.warning("the session host sent a malformed message: %s", err)
            reason = "refused"
            text = f"The session sent a message tuinb cannot read ({err})."
        if self.lost is None and reason == "host_gone":
            self.kernel_state = "dead"
            self._events.put_nowait(ev.KernelStatusChanged("dead"))
            self._events.put_nowait(ev.KernelDied("the session host ended"))
        self._lose(reason, text)

    def _receive(self, message: dict[str, Any]) -> tuple[str, str] | None:
        kind = message["t"]
        if kind == "ev":
            event = event_from_wire(message)
            if isinstance(event, ev.KernelStatusChanged):
                self.kernel_state = event.state
            self._events.put_nowait(event)
        elif kind == "res":
            self._results(message)
        elif kind == "reply":
            future = self._replies.pop(int(message["n"]), None)
            if future is not None and not future.done():
                future.set_result(message)
        elif kind == "meta":
            self.notebook.metadata = dict(message["m"])
            self._metadata = copy.deepcopy(self.notebook.metadata)
        elif kind == "kernel":
            self.backend.update(message["k"])
        elif kind == "w":
            self.widgets.received(message)
        elif kind == "bye":
            return str(message["reason"]), str(message["message"])
        else:
            raise ProtocolError(f"unknown message {kind!r}")
        return None

    def _results(self, message: dict[str, Any]) -> None:
        cell_id = str(message["id"])
        if self._shipper.stale(cell_id, int(message["a"])):
            return  # computed before the host had our own change to this cell
        try:
            applied = apply_results(self.notebook, message)
        except ReplicaError as err:
            log.warning("%s; asking the host for the whole cell", err)
            self._send({"t": "resync", "id": cell_id})
            return
        if applied:
            self._events.put_nowait(ev.OutputsChanged(cell_id))

    def _lose(self, reason: LostReason, message: str) -> None:
        if self.lost is not None:
            return
        self.lost = SessionLost(reason, message)
        self.widgets.lost()
        if reason != "detached":
            self.kernel_state = "dead" if reason == "host_gone" else "shutdown"
        for future in self._replies.values():
            if not future.done():
                future.set_exception(EngineError(message))
        self._replies.clear()
        self._events.put_nowait(self.lost)
        self._events.put_nowait(None)

    async def _wait_closed(self) -> None:
        task = self._reader_task
        if task is not None and task is not asyncio.current_task():
            await asyncio.shield(task)
