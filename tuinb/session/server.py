"""The session host's socket: who may connect, the handshake, and each client's role.

Clients connect to the host's Unix socket and say who they are
(`tuinb.session.wire.hello`):

- ``attach``: the editor. It gets the notebook (unless it brought it, as the
  first client of a new host does), the engine's state, then the event
  stream; its edits and commands come the other way. One client at a time:
  a new one takes over and the old one is told (`bye`, ``taken_over``), as
  `tmux attach -d` does.
- ``query``: `tuinb sessions` asking what this session is doing.
- ``control``: `tuinb sessions --stop`, ending the session.

A peer of another user is dropped before anything is read from it; a
client of another tuinb version is refused in one sentence; a malformed
message is logged and closes that connection only; a client that
disappears (kill -9, SIGHUP) leaves the host detached, losing nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from pathlib import Path
from typing import Any

from tuinb import __version__
from tuinb.session.core import SessionCore
from tuinb.session.host_socket import bind_socket
from tuinb.session.link import Link, read_message
from tuinb.session.places import (
    Place,
    SessionError,
    SessionFiles,
    SessionInfo,
    peer_allowed,
    release,
    take_lock,
    write_info,
)
from tuinb.session.replica import ReplicaError, ResultTracker, notebook_from_wire, notebook_to_wire
from tuinb.session.wire import PROTOCOL, ProtocolError, encode, stamped, version_refusal

log = logging.getLogger(__name__)

INIT_TIMEOUT = 60.0
"""Seconds a new host waits for its first client to bring the notebook."""
HELLO_TIMEOUT = 10.0
"""Seconds a new connection has to say hello."""


class Host:
    """Serves one `SessionCore` on a bound, listening Unix socket until the session ends."""

    def __init__(
        self, core: SessionCore, *, place: Place | None = None, init_timeout: float = INIT_TIMEOUT
    ) -> None:
        """`place`: the session's files and lock, which the host moves on save as (None:
        the caller keeps them, and the session cannot move)."""
        self.core = core
        self.place = place
        self.init_timeout = init_timeout
        self.started = time.time()
        self._server: asyncio.Server | None = None
        if place is not None:
            core.move_to = self.move

    async def serve(self, listening: socket.socket) -> None:
        """Accept clients until the session ends, then stop the kernel."""
        core = self.core
        self._server = await asyncio.start_unix_server(self._connection, sock=listening)
        core.spawn(core.start_kernel())
        core.spawn(core.pump_events())
        waiting = asyncio.get_running_loop().call_later(self.init_timeout, self._no_notebook)
        try:
            await core.ended.wait()
        finally:
            waiting.cancel()
            self._server.close()
            await core.stop()

    async def move(self, path: Path) -> None:
        """Serve as the session of the notebook at `path` from now on (save as).

        The new path's lock is taken first (SessionError if another host holds
        it), then its socket is bound and served; the old socket, info and lock
        go. The attached client's connection is not touched.
        """
        place = self.place
        assert place is not None
        files = SessionFiles.for_notebook(path)
        if files == place.files:
            return
        lock = take_lock(files)
        if lock is None:
            raise SessionError(
                f"{path} is open in another tuinb session; "
                "save under another name, or stop that session with `tuinb sessions --stop`."
            )
        try:
            listening = bind_socket(files.socket)
            server = await asyncio.start_unix_server(self._connection, sock=listening)
        except OSError as err:
            release(files, lock)
            raise SessionError(f"tuinb could not move its session to {path} ({err}).") from None
        old, old_server = Place(place.files, place.lock), self._server
        place.files, place.lock, self._server = files, lock, server
        write_info(SessionInfo(files, os.getpid(), path, __version__, self.started))
        if old_server is not None:
            old_server.close()
        release(old.files, old.lock)
        log.info("moved to %s", path)

    def _no_notebook(self) -> None:
        if self.core.notebook is None:
            log.warning("no client brought the notebook within %g s; ending", self.init_timeout)
            self.core.ended.set()

    # ---- connections ----------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is None or not peer_allowed(sock):
            log.warning("refused a connection from another user")
            writer.transport.abort()
            return
        try:
            async with asyncio.timeout(HELLO_TIMEOUT):
                hello = await read_message(reader)
            if hello["t"] != "hello":
                raise ProtocolError(f"the first message was {hello['t']!r}, not hello")
        except (TimeoutError, ProtocolError, asyncio.IncompleteReadError, ConnectionError) as err:
            log.warning("dropped a connection before its hello: %s", err)
            writer.close()
            return
        refusal = version_refusal(__version__, hello.get("version"), hello.get("protocol"))
        role = hello.get("role")
        if refusal is None and role not in ("attach", "query", "control"):
            refusal = f"A tuinb session does not know the role {role!r}."
        if refusal is not None:
            log.warning("refused a client: %s", refusal)
            await _answer(writer, {"t": "refused", "reason": refusal})
        elif role == "query":
            await _answer(writer, self.status())
        elif role == "control":
            await self._control(reader, writer)
        else:
            await self._attach(reader, writer, hello)

    def status(self) -> dict[str, Any]:
        """What `tuinb sessions` shows of this session."""
        core = self.core
        notebook = core.notebook
        running = []
        for cell_id, since in core.state.running.items():
            index = None
            if notebook is not None:
                with contextlib.suppress(KeyError):
                    index = notebook.index_of(cell_id)
            running.append([index, since])
        away = core.state.away
        return {
            "t": "status",
            "pid": os.getpid(),
            "notebook": str(core.path),
            "kernel": core.kernel.display_name,
            "kernel_pid": core.kernel.pid,
            "kernel_state": core.state.kernel_state,
            "running": running,
            "queued": len(core.state.queued),
            "dirty": bool(notebook is not None and notebook.dirty),
            "attached": core.link is not None,
            "started": self.started,
            "away": away.summary() if away is not None else None,
        }

    async def _control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            message = await read_message(reader)
            if message["t"] != "cmd" or message.get("op") != "end":
                raise ProtocolError("a control connection may only end the session")
            reply = await self.core.end(str(message.get("unsaved", "refuse")), None)
        except (ProtocolError, asyncio.IncompleteReadError, ConnectionError) as err:
            log.warning("a control connection failed: %s", err)
            writer.close()
            return
        await _answer(writer, {"t": "reply", "n": message.get("n"), **reply})

    async def _attach(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, hello: dict[str, Any]
    ) -> None:
        core = self.core
        adopted = False
        if core.notebook is None:
            brought = hello.get("notebook")
            if not isinstance(brought, dict):
                await _answer(writer, {"t": "refused", "reason": "The session is still starting."})
                return
            try:
                core.adopt(notebook_from_wire(brought))
            except ReplicaError as err:
                log.warning("the first client's notebook was malformed: %s", err)
                writer.close()
                return
            adopted = True
        notebook = core.notebook
        assert notebook is not None
        previous = core.link
        if previous is not None:
            text = "This session was attached from another terminal."
            previous.close_after({"t": "bye", "reason": "taken_over", "message": text})
        reply = {
            "t": "attached",
            "version": __version__,
            "protocol": PROTOCOL,
            "pid": os.getpid(),
            "state": core.state.to_wire(),
            "kernel": core.kernel_wire(),
            "notebook": None if adopted else notebook_to_wire(notebook),
        }
        store = core.engine.widgets.store
        # the reply and the tracker: the same moment
        link = Link(writer, ResultTracker(notebook), store)
        link.send(reply)
        for model in store.models():  # the widget models follow the notebook
            link.mark_widget(model.model_id)
        core.attached(link)
        try:
            while core.link is link:  # a client taken over is not listened to any more
                message = await read_message(reader)
                if core.link is link:
                    core.handle(link, message)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client went away (closed, killed, its terminal hung up)
        except (ProtocolError, ReplicaError, KeyError, TypeError, ValueError) as err:
            log.warning("closed a client after a malformed message: %s", err)
            link.close_after({"t": "bye", "reason": "refused", "message": str(err)})
        finally:
            core.detached(link)
            if not link.closed:
                link.close_after()


async def _answer(writer: asyncio.StreamWriter, message: dict[str, Any]) -> None:
    """Send one message and close."""
    with contextlib.suppress(ConnectionError):
        writer.write(encode(stamped(message)))
        await writer.drain()
    writer.close()
