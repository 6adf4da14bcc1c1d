"""Finding, starting and reaching a notebook's session host (synchronous; no event loop).

The editor's way in:

- `find_live(path)`: the live session of a notebook (None: there is none; a
  dead host's files are removed on the way, only once proven stale).
- `start_host(path, kernel=...)`: start a host for it; returns at once (the
  host and its kernel boot while the editor loads); `HostStart.wait_ready()`.
- `attach(files)`: connect, shake hands, receive the notebook and the
  engine's state; `attach_frame(files, frame)` brings the notebook instead,
  for a new host (`bring_notebook` encodes it on the editor's own thread).
- `query(files)` / `end_session(files, unsaved)`: for `tuinb sessions`.

Every failure a user can meet is a `SessionError` with one sentence.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuinb import __version__
from tuinb.model import Notebook
from tuinb.session.places import (
    SessionError,
    SessionFiles,
    SessionInfo,
    clean_if_stale,
    find_live,
    peer_allowed,
)
from tuinb.session.replica import notebook_from_wire, notebook_to_wire
from tuinb.session.wire import (
    ProtocolError,
    encode,
    hello,
    recv_message,
    send_message,
    version_refusal,
)

if TYPE_CHECKING:
    from tuinb.session.runstate import AttachedState

READY_TIMEOUT = 30.0
"""Seconds a new host may take to listen (it starts the kernel's process first)."""
CONNECT_TIMEOUT = 10.0
"""Seconds to connect and receive the host's answer (a large notebook's snapshot included)."""


@dataclass
class HostStart:
    """A host being started: `wait_ready()` once its socket is needed."""

    files: SessionFiles
    process: subprocess.Popen[bytes]
    ready_fd: int

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> SessionFiles:
        """Wait until the host listens (or another host for the notebook already did)."""
        try:
            readable, _, _ = select.select([self.ready_fd], [], [], timeout)
            answer = os.read(self.ready_fd, 4096).decode("utf-8", "replace") if readable else ""
        finally:
            os.close(self.ready_fd)
            self.ready_fd = -1
            try:
                self.process.wait(timeout=5)  # the first fork's parent exits at once
            except subprocess.TimeoutExpired:
                self.process.kill()
        answer = answer.strip()
        if answer in ("ok", "exists"):
            return self.files
        if answer.startswith("error "):
            raise SessionError(answer.removeprefix("error "))
        if not readable:
            raise SessionError(
                f"The session host did not start within {timeout:g} s; see {self.files.log}."
            )
        raise SessionError(f"The session host could not start; see {self.files.log}.")

    def abandon(self, timeout: float = 5) -> None:
        """The editor gave up before it attached (ctrl+c while Textual loaded): end the host
        now rather than at its time-out for a notebook that never came."""
        try:
            files = self.wait_ready(timeout) if self.ready_fd >= 0 else self.files
        except SessionError:
            return  # it did not start, or says why in its log
        info = SessionInfo.read(files)
        if info is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(info.pid, signal.SIGTERM)


def start_host(
    path: Path,
    *,
    kernel: str,
    idle_timeout: float | None = None,
    recovery_interval: float | None = None,
    init_timeout: float | None = None,
) -> HostStart:
    """Start a session host for the notebook at `path` with kernelspec `kernel`.

    Returns at once. The host runs in its own session (the terminal's SIGHUP
    does not reach it) as nobody's child; its output and log go to
    ``<runtime>/<key>.log``.
    """
    files = SessionFiles.for_notebook(path)
    clean_if_stale(files)
    argv = [sys.executable, "-m", "tuinb.session.host", str(path.expanduser().absolute())]
    argv += ["--kernel", kernel]
    for flag, value in (
        ("--idle-timeout", idle_timeout),
        ("--recovery-interval", recovery_interval),
        ("--init-timeout", init_timeout),
    ):
        if value is not None:
            argv += [flag, str(value)]
    read_end, write_end = os.pipe()
    log = os.open(files.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        process = subprocess.Popen(
            [*argv, "--ready-fd", str(write_end)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            pass_fds=(write_end,),
            cwd="/",
        )
    except OSError as err:
        os.close(read_end)
        raise SessionError(f"tuinb could not start its session host ({err}).") from None
    finally:
        os.close(write_end)
        os.close(log)
    return HostStart(files, process, read_end)


@dataclass
class Attachment:
    """A connection the handshake has completed: the notebook, the engine's state."""

    sock: socket.socket
    """Connected, blocking; hand it to `tuinb.session.client.SessionClient`."""
    notebook: Notebook | None
    """The host's notebook (None: the host took the one the client brought)."""
    state_wire: dict[str, Any] = field(repr=False)
    """The engine's state as the host sent it (`state` parses it)."""
    kernel: dict[str, str] | None
    """The running kernel's spec (name, display_name, language), if it started."""
    host_pid: int

    @property
    def kernel_state(self) -> str:
        """The kernel's state, read without parsing the rest (for the first frame)."""
        return str(self.state_wire.get("kernel_state", "starting"))

    @cached_property
    def state(self) -> AttachedState:
        """The engine's state (parsed on first use: the engine's event types load with it,
        which the first frame does not wait for). ProtocolError if it is malformed."""
        from tuinb.session.runstate import AttachedState

        try:
            return AttachedState.from_wire(self.state_wire)
        except (KeyError, TypeError, ValueError) as err:
            raise ProtocolError(f"the session's state was not understood ({err})") from None


def bring_notebook(notebook: Notebook) -> bytes:
    """The hello that brings `notebook` to a new host (encode it where the notebook lives)."""
    return encode(hello("attach", notebook=notebook_to_wire(notebook), pid=os.getpid()))


def _connect(files: SessionFiles, timeout: float) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(files.socket))
    except OSError as err:
        sock.close()
        raise SessionError(
            f"tuinb could not reach the session at {files.socket} ({err})."
        ) from None
    if not peer_allowed(sock):
        sock.close()
        raise SessionError(f"The session socket {files.socket} is served by another user.")
    return sock


def _answer(sock: socket.socket) -> dict[str, Any]:
    try:
        reply = recv_message(sock)
    except (OSError, ProtocolError) as err:
        sock.close()
        raise SessionError(f"The session did not answer ({err}).") from None
    if reply["t"] == "refused":
        sock.close()
        raise SessionError(str(reply.get("reason", "The session refused this client.")))
    refusal = version_refusal(reply.get("version"), __version__, reply.get("protocol"))
    if refusal is not None:
        sock.close()
        raise SessionError(refusal)
    return reply


def attach_frame(
    files: SessionFiles, frame: bytes, *, timeout: float = CONNECT_TIMEOUT
) -> Attachment:
    """Attach with a prepared hello (`bring_notebook`, or a plain one)."""
    sock = _connect(files, timeout)
    try:
        sock.sendall(frame)
    except OSError as err:
        sock.close()
        raise SessionError(f"The session closed the connection ({err}).") from None
    reply = _answer(sock)
    try:
        if reply["t"] != "attached":
            raise ProtocolError(f"the host answered {reply['t']!r}")
        state = reply["state"]
        if not isinstance(state, dict):
            raise ProtocolError("the session sent no state")
        data = reply["notebook"]
        notebook = notebook_from_wire(data) if data is not None else None
        kernel = reply.get("kernel")
        host_pid = int(reply["pid"])
    except Exception as err:
        sock.close()
        raise SessionError(f"The session's answer was not understood ({err}).") from None
    sock.settimeout(None)
    return Attachment(sock, notebook, state, kernel if isinstance(kernel, dict) else None, host_pid)


def attach(files: SessionFiles, *, timeout: float = CONNECT_TIMEOUT) -> Attachment:
    """Attach to a live session, taking it over from any client attached now."""
    return attach_frame(files, encode(hello("attach", pid=os.getpid())), timeout=timeout)


def query(files: SessionFiles, *, timeout: float = CONNECT_TIMEOUT) -> dict[str, Any]:
    """What a live session is doing (the host's `status`)."""
    sock = _connect(files, timeout)
    with sock:
        send_message(sock, hello("query"))
        return _answer(sock)


def end_session(files: SessionFiles, unsaved: str, *, timeout: float = 30) -> dict[str, Any]:
    """Ask a session to end; `unsaved`: refuse, save, discard or keep (a recovery copy).

    The reply's ``status``: ``ended``, ``unsaved`` (refused), ``changed`` (the
    file changed on disk; not saved), ``failed`` (with ``message``).
    """
    sock = _connect(files, timeout)
    with sock:
        send_message(sock, hello("control"))
        send_message(sock, {"t": "cmd", "op": "end", "unsaved": unsaved, "n": 1})
        return _answer(sock)


__all__ = [
    "Attachment",
    "HostStart",
    "SessionError",
    "attach",
    "attach_frame",
    "bring_notebook",
    "end_session",
    "find_live",
    "query",
    "start_host",
]
